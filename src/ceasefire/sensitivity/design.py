r"""Sobol and Morris designs on the unit cube, and their indices: the layer over SALib.

A design is a stack of *layers* ``[layers, rows, factors]`` of points in [0, 1)^k, so
that an engine can evaluate layer by layer with row ``j`` of every layer on the same
random stream (common random numbers):

- Sobol (Saltelli's scheme without second order): layer 0 is the matrix A, layer ``1 + i``
  is A with column i taken from B, the last layer is B (``k + 2`` layers, ``n`` rows);
- Morris: layer ``s`` is step ``s`` of every trajectory (``k + 1`` layers, one row per
  trajectory).

:func:`analyse` turns the outputs ``[layers, rows, outputs]`` into :class:`Indices`, one
shape whatever the method. :func:`sobol_indices` and :func:`morris_indices` do the whole
round for a plain function of the unit cube (the Ishigami test goes through them).

References
----------
1. Sobol', I. M. (2001) Global sensitivity indices for nonlinear mathematical models and
   their Monte Carlo estimates. *Mathematics and Computers in Simulation* 55: 271-280.
   doi:10.1016/S0378-4754(00)00270-6
2. Saltelli, A. et al. (2010) Variance based sensitivity analysis of model output: design
   and estimator for the total sensitivity index. *Computer Physics Communications*
   181(2): 259-270. doi:10.1016/j.cpc.2009.09.018
3. Morris, M. D. (1991) Factorial sampling plans for preliminary computational
   experiments. *Technometrics* 33(2): 161-174. doi:10.1080/00401706.1991.10484804
4. Campolongo, F., Cariboni, J. & Saltelli, A. (2007) An effective screening design for
   sensitivity analysis of large models. *Environmental Modelling & Software* 22(10):
   1509-1518. doi:10.1016/j.envsoft.2006.10.004
5. Herman, J. & Usher, W. (2017) SALib: an open-source Python library for sensitivity
   analysis. *Journal of Open Source Software* 2(9): 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ceasefire.errors import CeasefireError, InputError

__all__ = ["METHODS", "MORRIS_LEVELS", "Design", "Indices", "analyse", "design",
           "morris_indices", "morris_quantiles", "require_salib", "sobol_indices"]

METHODS = ("sobol", "morris")
"""The methods of :func:`design`."""

MORRIS_LEVELS = 4
"""Levels of the Morris grid (an even number; a step moves two levels)."""

Method = Literal["sobol", "morris"]


@dataclass(frozen=True)
class Design:
    """Points of a design as ``layers [layers, rows, factors]`` in the unit cube.

    ``seed`` (a positive integer) seeds the bootstrap of the confidence intervals.
    """

    method: Method
    names: tuple[str, ...]
    layers: np.ndarray
    seed: int

    @property
    def rows(self) -> int:
        """Base samples (Sobol) or trajectories (Morris)."""
        return int(self.layers.shape[1])

    def flat(self) -> np.ndarray:
        """The points in SALib's order ``[rows * layers, factors]`` (row-major by sample)."""
        return np.ascontiguousarray(self.layers.transpose(1, 0, 2)).reshape(
            -1, self.layers.shape[-1])


@dataclass(frozen=True)
class Indices:
    """Indices of every factor for every output, one shape for both methods.

    Arrays are ``[outputs, factors]``; a method leaves the other's arrays as NaN. The
    ``*_ci`` arrays are half-widths of the ``confidence`` interval (bootstrap).
    ``first``/``total``: Sobol's first- and total-order indices; ``mu_star``, ``sigma``,
    ``mu``: Morris's mean absolute elementary effect, its spread and its signed mean, as
    changes of the output per Morris step. ``variance`` ``[outputs]`` is the output's
    variance over the design.
    """

    method: Method
    names: tuple[str, ...]
    confidence: float
    first: np.ndarray
    first_ci: np.ndarray
    total: np.ndarray
    total_ci: np.ndarray
    mu_star: np.ndarray
    mu_star_ci: np.ndarray
    sigma: np.ndarray
    mu: np.ndarray
    mean: np.ndarray
    variance: np.ndarray

    @property
    def importance(self) -> np.ndarray:
        """``[outputs, factors]`` the ranking measure: total order (Sobol) or mu* (Morris)."""
        return self.total if self.method == "sobol" else self.mu_star

    @property
    def importance_ci(self) -> np.ndarray:
        """Half-widths of :attr:`importance`'s confidence interval."""
        return self.total_ci if self.method == "sobol" else self.mu_star_ci


def require_salib() -> None:
    """Check that SALib is installed, or raise a CeasefireError naming the extra."""
    try:
        import SALib  # noqa: F401
    except ImportError as error:
        raise CeasefireError("sensitivity analysis needs SALib, which is not installed; "
                             "install it with: pip install 'ceasefire[sensitivity]'") from error


def _seed(rng: np.random.Generator) -> int:
    # SALib's Sobol analysis reads a seed of 0 as "no seed" (global random state)
    return 1 + int(rng.integers(0, 2**31 - 2))


def _problem(names: Sequence[str]) -> dict[str, object]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def design(method: str, names: Sequence[str], rows: int, *,
           rng: int | np.random.Generator) -> Design:
    """A Sobol (Saltelli) or Morris design of ``rows`` base samples or trajectories.

    Parameters
    ----------
    method
        ``"sobol"`` (``rows`` a power of two, at least 4) or ``"morris"`` (at least 2
        trajectories, :data:`MORRIS_LEVELS` levels).
    names
        The factors (at least one).
    rng
        Seed or Generator of the design's scrambling and of the bootstrap.
    """
    require_salib()
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in METHODS:
        raise InputError(f"method: got {method!r}; allowed: {', '.join(METHODS)}")
    if not names:
        raise InputError("a design needs at least one factor; got none")
    rng = np.random.default_rng(rng)
    k = len(names)
    if method == "sobol":
        if rows < 4 or rows & (rows - 1):
            raise InputError(f"sobol: samples must be a power of two of at least 4 (the "
                             f"Sobol' sequence's balance needs it), got {rows}; fix: use "
                             "e.g. 64, 128 or 256")
        points = sobol_sample.sample(_problem(names), rows, calc_second_order=False,
                                     scramble=True, seed=rng)
        layers = points.reshape(rows, k + 2, k).transpose(1, 0, 2)
    else:
        if rows < 2:
            raise InputError(f"morris: trajectories must be at least 2, got {rows}")
        points = morris_sample.sample(_problem(names), rows, num_levels=MORRIS_LEVELS,
                                      seed=rng)
        layers = points.reshape(rows, k + 1, k).transpose(1, 0, 2)
    return Design(method=method, names=tuple(names), layers=np.ascontiguousarray(layers),
                  seed=_seed(rng))


def morris_quantiles(unit: np.ndarray) -> np.ndarray:
    """Morris levels {0, 1/3, 2/3, 1} moved to the centres of equal-probability bins.

    ``(level * (p - 1) + 1/2) / p``: {1/8, 3/8, 5/8, 7/8} with four levels, so that a
    parameter with unbounded support never sits at an infinite quantile.
    """
    p = MORRIS_LEVELS
    return (np.rint(unit * (p - 1)) + 0.5) / p


def analyse(d: Design, outputs: np.ndarray, *, confidence: float = 0.95,
            resamples: int = 200) -> Indices:
    """Indices of every factor for each output ``[layers, rows, outputs]`` of a design.

    An output that does not vary over the design gets NaN indices (there is no variance
    to share).
    """
    require_salib()
    from SALib.analyze import morris as morris_analyse
    from SALib.analyze import sobol as sobol_analyse

    outputs = np.asarray(outputs, dtype=float)
    if outputs.ndim == 2:
        outputs = outputs[..., None]
    if outputs.shape[:2] != d.layers.shape[:2]:
        raise InputError(f"outputs have shape {outputs.shape[:2]} but the design has "
                         f"{d.layers.shape[:2]} (layers, rows)")
    k, count = len(d.names), outputs.shape[-1]
    nan = np.full((count, k), np.nan)
    arrays = {name: nan.copy() for name in ("first", "first_ci", "total", "total_ci",
                                            "mu_star", "mu_star_ci", "sigma", "mu")}
    flat = outputs.transpose(1, 0, 2).reshape(-1, count)  # SALib's order
    problem = _problem(d.names)
    for o in range(count):
        y = flat[:, o]
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if d.method == "sobol":
                found = sobol_analyse.analyze(problem, y, calc_second_order=False,
                                              num_resamples=resamples,
                                              conf_level=confidence, seed=d.seed)
                for name, key in (("first", "S1"), ("first_ci", "S1_conf"),
                                  ("total", "ST"), ("total_ci", "ST_conf")):
                    arrays[name][o] = found[key]
            else:
                found = morris_analyse.analyze(problem, d.flat(), y, num_resamples=resamples,
                                               conf_level=confidence,
                                               num_levels=MORRIS_LEVELS,
                                               seed=np.random.default_rng(d.seed))
                step = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))  # elementary effects
                for name, key in (("mu_star", "mu_star"), ("mu_star_ci", "mu_star_conf"),
                                  ("sigma", "sigma"), ("mu", "mu")):
                    arrays[name][o] = np.asarray(found[key], dtype=float) * step
    return Indices(method=d.method, names=d.names, confidence=confidence,
                   mean=flat.mean(axis=0), variance=flat.var(axis=0), **arrays)


def _run(method: Method, function: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
         rows: int, rng: int | np.random.Generator, confidence: float) -> Indices:
    d = design(method, names, rows, rng=rng)
    unit = d.layers if method == "sobol" else morris_quantiles(d.layers)
    values = np.asarray(function(unit.reshape(-1, len(names))), dtype=float)
    return analyse(d, values.reshape(*d.layers.shape[:2], -1), confidence=confidence)


def sobol_indices(function: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                  samples: int, *, rng: int | np.random.Generator,
                  confidence: float = 0.95) -> Indices:
    """Sobol indices of ``function`` over independent uniform factors.

    ``function`` maps unit-cube points ``[points, k]`` to ``[points]`` or
    ``[points, outputs]``; it sees ``samples * (k + 2)`` points.
    """
    return _run("sobol", function, names, samples, rng, confidence)


def morris_indices(function: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                   trajectories: int, *, rng: int | np.random.Generator,
                   confidence: float = 0.95) -> Indices:
    """Morris screening of ``function`` (as :func:`sobol_indices`).

    The points it sees are the centres of the Morris levels' bins (:func:`morris_quantiles`).
    """
    return _run("morris", function, names, trajectories, rng, confidence)
