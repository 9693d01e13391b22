"""The uncertain parameters of a scenario, each with its own distribution from the file.

Every number a scenario gives as a range or a distribution is a parameter (the paths are
those of :class:`~ceasefire.scenario.compile.CompiledScenario`), and so are two kinds of
uncertainty the compiler draws per draw without a number in the file: whether each lever
with a probability below one happens (``levers.ID.happens``), and the attacker's true
strength ``beliefs.log_m`` (MODELS.md 2.4). A sensitivity design gives each parameter a
quantile u in (0, 1); :meth:`Parameter.quantile` is the inverse of its distribution
function, so the indices are those of the scenario's own distributions. The attacker's
strength is a standard normal quantile (scaled per row by the analyst's spread) when the
analyst's belief is normal, and ``log m`` itself, by the compiler's inversion over the
analyst's points, when it is on points.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from ceasefire.errors import InputError
from ceasefire.scenario.compile import (
    LOG_M,
    CompiledScenario,
    PointBeliefs,
    log_m_on_points,
    point_beliefs,
)
from ceasefire.scenario.values import (
    DIST_TYPES,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    point_value,
)

__all__ = ["HAPPENS", "Parameter", "select_parameters", "uncertain_parameters"]

HAPPENS = "happens"
"""Last part of the path of a lever's happening (``levers.ID.happens``)."""

_EDGE = 1e-9
"""Quantiles are kept in [EDGE, 1 - EDGE], so unbounded distributions stay finite."""


@dataclass(frozen=True)
class Parameter:
    """One uncertain parameter: its path, what kind it is, and its distribution.

    ``kind`` is ``"value"`` (a number of the file, ``distribution`` its uncertain value),
    ``"happens"`` (whether a lever happens: quantile u below the lever's probability in
    that row) or ``"strength"`` (the attacker's true log m, a standard normal quantile
    scaled by the analyst's spread in that row).
    """

    path: str
    kind: str
    distribution: Any = None

    def describe(self) -> str:
        """The distribution in words (``PERT(0.96, 0.98, 0.99)``)."""
        d = self.distribution
        if self.kind == HAPPENS:
            return "happens with the lever's probability"
        if self.kind == "strength" and isinstance(d, PointBeliefs):
            return "log m on points " + ", ".join(
                f"{x:g} (p {q:g})" for x, q in zip(d.points, d.analyst, strict=True))
        if self.kind == "strength":
            return "normal(-s^2/2, s), s the analyst's spread of log m"
        if isinstance(d, Triangular):
            return f"triangular({d.low:g}, {d.mode:g}, {d.high:g})"
        if isinstance(d, Pert):
            return f"PERT({d.low:g}, {d.mode:g}, {d.high:g})"
        if isinstance(d, Uniform):
            return f"uniform({d.low:g}, {d.high:g})"
        if isinstance(d, Normal):
            return f"normal({d.mean:g}, {d.sd:g})"
        if isinstance(d, Lognormal):
            return f"lognormal(mu={d.mu:g}, sigma={d.sigma:g})"
        return repr(d)  # pragma: no cover - every kind is listed above

    def range(self) -> tuple[float, float]:
        """The values at quantiles 0.001 and 0.999 (the lever's 0 and 1 for ``happens``).

        For ``strength`` on normal beliefs these are standard normal quantiles (the
        spread may differ by row); on points, the lowest and highest points of ``log m``
        that the analyst's probabilities reach there.
        """
        if self.kind == HAPPENS:
            return 0.0, 1.0
        low, high = self.quantile(np.array([0.001, 0.999]))
        return float(low), float(high)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The inverse distribution function at ``u`` ``[rows]``.

        For ``happens`` the quantile itself, for ``strength`` the standard normal quantile
        (normal beliefs) or the analyst's point of ``log m`` (beliefs on points: the first
        point whose cumulative probability exceeds ``u``, the rule the compiler draws by).
        """
        from scipy.special import betaincinv, ndtri

        u = np.clip(np.asarray(u, dtype=float), _EDGE, 1 - _EDGE)
        d = self.distribution
        if self.kind == HAPPENS:
            return u
        if self.kind == "strength" and isinstance(d, PointBeliefs):
            return log_m_on_points(u, d)
        if self.kind == "strength":
            return ndtri(u)
        if isinstance(d, Triangular):
            span = d.high - d.low
            cut = (d.mode - d.low) / span
            return np.where(u < cut, d.low + np.sqrt(u * span * (d.mode - d.low)),
                            d.high - np.sqrt((1 - u) * span * (d.high - d.mode)))
        if isinstance(d, Pert):
            span = d.high - d.low
            alpha = 1.0 + 4.0 * (d.mode - d.low) / span
            beta = 1.0 + 4.0 * (d.high - d.mode) / span
            return d.low + span * betaincinv(alpha, beta, u)
        if isinstance(d, Uniform):
            return d.low + (d.high - d.low) * u
        if isinstance(d, Normal):
            return d.mean + d.sd * ndtri(u)
        if isinstance(d, Lognormal):
            return np.exp(d.mu + d.sigma * ndtri(u))
        raise TypeError(f"{self.path}: not an uncertain value: {d!r}")  # pragma: no cover

    def central(self) -> float:
        """The value a parameter left out of the analysis takes.

        The file's central value (mode, mean or median); 0.5 for ``happens``; for
        ``strength`` the median, 0 (normal beliefs, a standard normal quantile) or the
        analyst's median point of ``log m`` (beliefs on points).
        """
        if self.kind == HAPPENS:
            return 0.5
        if self.kind == "strength" and isinstance(self.distribution, PointBeliefs):
            return float(self.quantile(np.array([0.5]))[0])
        if self.kind == "strength":
            return 0.0
        return point_value(self.distribution)


def _node(root: BaseModel, path: str) -> Any:
    """The scenario node at a compiled parameter path (list items by id or position)."""
    node: Any = root
    for part in path.split("."):
        if isinstance(node, BaseModel) and not isinstance(node, DIST_TYPES):
            node = getattr(node, part)
        elif isinstance(node, list):
            node = next((item for item in node if getattr(item, "id", None) == part),
                        None) or node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:  # pragma: no cover - compiled paths always resolve
            raise KeyError(path)
    return node


def uncertain_parameters(compiled: CompiledScenario) -> tuple[Parameter, ...]:
    """Every uncertain parameter of a compiled scenario, in the compiler's order.

    The numbers drawn per draw, each lever whose probability is below one (or uncertain),
    and the attacker's true strength when the scenario has beliefs.
    """
    s = compiled.scenario
    out = []
    for path, value in compiled.params.items():
        if np.ndim(value) == 0:
            continue
        if path == LOG_M:
            out.append(Parameter(path=path, kind="strength", distribution=point_beliefs(s)))
        else:
            out.append(Parameter(path=path, kind="value", distribution=_node(s, path)))
    for lever in s.levers:
        probability = compiled.params.get(f"levers.{lever.id}.probability", 1.0)
        if np.ndim(probability) or 0.0 < float(probability) < 1.0:
            out.append(Parameter(path=f"levers.{lever.id}.{HAPPENS}", kind=HAPPENS))
    return tuple(out)


def select_parameters(parameters: Sequence[Parameter], patterns: Sequence[str] | None,
                      ) -> tuple[Parameter, ...]:
    """The parameters whose path matches any of the glob ``patterns`` (all when None).

    Raises
    ------
    InputError
        For a pattern that matches no parameter, with the nearest paths.
    """
    if not patterns:
        return tuple(parameters)
    paths = [p.path for p in parameters]
    chosen: set[str] = set()
    for pattern in patterns:
        hits = fnmatch.filter(paths, pattern)
        if not hits:
            import difflib

            close = difflib.get_close_matches(pattern, paths, n=3, cutoff=0.5)
            hint = (f"did you mean {', '.join(close)}?" if close else
                    f"parameters are e.g. {', '.join(paths[:3])}; globs like 'actors.*' "
                    "work; `ceasefire sensitivity SCENARIO --list` lists them all")
            raise InputError(f"--parameters {pattern!r} matches no uncertain parameter of "
                             f"the scenario; {hint}")
        chosen.update(hits)
    return tuple(p for p in parameters if p.path in chosen)

