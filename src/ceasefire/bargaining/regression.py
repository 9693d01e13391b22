r"""Pooled, weighted least squares for continuation values (MODELS.md 2.5).

Least-squares Monte Carlo (Longstaff & Schwartz 2001): at each month the value of going
on, :math:`E_i[G_i(t+1) \mid s_t]`, is the fitted value of a regression of the realised
values on features of the state, pooled over every outer draw and fitting path. Each
belief is one weighting of the same rows (importance weights :math:`p_i/q`, MODELS.md
2.4), so the Gram matrix is formed once per weighting and solved for every target.

References
----------
Longstaff, F. & Schwartz, E. (2001) Valuing American options by simulation: a simple
least-squares approach. *Review of Financial Studies* 14(1).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["RIDGE", "Fit", "fit"]

RIDGE = 1e-8
"""Ridge on the standardised normal equations, relative to their trace: it only keeps a
feature that does not vary in some month (a lever that never fires) from making the
system singular."""


@dataclass(frozen=True)
class Fit:
    """Coefficients of one month: ``coef[weighting, feature, target]``.

    On standardised features (``(x - mean) / scale``; the constant is feature 0 and is not scaled).
    """

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    slopes: dict[int, np.ndarray] = field(default_factory=dict)

    def standardise(self, features: np.ndarray) -> np.ndarray:
        """``[rows, F]`` raw features to the regression's standardised ones."""
        return (features - self.mean) / self.scale

    def predict(self, features: np.ndarray, weighting: np.ndarray | int) -> np.ndarray:
        """Fitted values ``[rows, targets]`` of raw features ``[rows, F]`` under a weighting.

        ``weighting`` is one index, or ``[targets]`` (each target under its own).
        """
        z = self.standardise(features)
        if np.ndim(weighting) == 0:
            return z @ self.coef[int(weighting)]
        w = np.asarray(weighting)
        return np.einsum("nf,fk->nk", z, self.coef[w, :, np.arange(len(w))].T)

    def slope(self, weighting: np.ndarray | int, feature: int) -> np.ndarray:
        """``d prediction / d raw feature`` ``[targets]`` (for a change of one feature)."""
        slope = self.slopes.get(feature)
        if slope is None:
            slope = self.coef[:, feature] / self.scale[feature]
        if np.ndim(weighting) == 0:
            return slope[int(weighting)]
        w = np.asarray(weighting)
        return slope[w, np.arange(len(w))]

    def with_slope(self, feature: int, slope: np.ndarray) -> Fit:
        """The same predictions, with :meth:`slope` of one feature set to ``slope``.

        ``slope`` is ``[weightings, targets]``.
        """
        return replace(self, slopes={**self.slopes, feature: slope})

def fit(features: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> Fit:
    """Weighted least squares of ``targets [rows, K]`` on ``features [rows, F]``.

    ``weights`` is ``[weightings, rows]``; the result holds one coefficient matrix per
    weighting. Column 0 of ``features`` must be the constant 1. Features are standardised
    on the unweighted rows; a column that does not vary gets scale 1 (its coefficient is
    then held near 0 by the ridge).
    """
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0
    scale = np.where(scale > 1e-12, scale, 1.0)
    z = (features - mean) / scale
    coefs = []
    for w in weights:
        zw = z * w[:, None]
        gram = zw.T @ z
        rhs = zw.T @ targets
        ridge = RIDGE * np.trace(gram) / gram.shape[0]
        gram[np.diag_indices_from(gram)] += ridge
        coefs.append(np.linalg.solve(gram, rhs))
    return Fit(mean=mean, scale=scale, coef=np.stack(coefs))
