"""Baseline forecasts: compromise (weighted mean), weighted median, status quo, Nash bargaining.

The baselines are static: one round, no movement. They are what the dynamic models must
beat; on EU legislative data the compromise model is as accurate as any (Achen 2006).

References
----------
Achen, C. H. (2006) Evaluating political decision-making models. In Thomson, R. et al.
(eds.) *The European Union Decides*, ch. 10, pp. 264-298. Cambridge University Press.
Nash, J. F. (1950) The bargaining problem. *Econometrica* 18(2), 155-162.
Black, D. (1948) On the rationale of group decision-making. *J. Political Economy* 56(1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ceasefire.errors import InputError, ModelError
from ceasefire.forecast.results import ForecastResult
from ceasefire.forecast.table import StakeholderTable

__all__ = [
    "CompromiseOptions",
    "MedianOptions",
    "NashOptions",
    "StatusQuoOptions",
    "compromise",
    "median",
    "nash",
    "status_quo",
    "weighted_median",
]

Weighting = Literal["capability-salience", "capability", "equal"]


@dataclass(frozen=True)
class CompromiseOptions:
    """Options of the compromise model.

    Attributes
    ----------
    weights
        ``"capability-salience"`` (c·s, the default), ``"capability"`` or ``"equal"``.
    """

    weights: Weighting = "capability-salience"


@dataclass(frozen=True)
class MedianOptions:
    """Options of the weighted median (same weights as the compromise model)."""

    weights: Weighting = "capability-salience"


@dataclass(frozen=True)
class StatusQuoOptions:
    """The status-quo forecast has no options; the class keeps the common signature."""


@dataclass(frozen=True)
class NashOptions:
    """Options of the asymmetric Nash bargaining solution.

    Attributes
    ----------
    utility
        ``"linear"``: u_i(x) = -|x - x_i|; ``"quadratic"``: u_i(x) = -(x - x_i)^2.
    disagreement
        ``"status-quo"`` (the table's reference point; the worst point where none is given),
        ``"worst"`` (each actor's worst point of the scale) or a number on the scale.
    grid_points
        Points of the search grid per dimension (refined by golden-section search).
    weights
        Bargaining weights, as for the compromise model.
    """

    utility: Literal["linear", "quadratic"] = "linear"
    disagreement: Literal["status-quo", "worst"] | float = "status-quo"
    grid_points: int = 2001
    weights: Weighting = "capability-salience"

    def __post_init__(self) -> None:
        if self.grid_points < 3:
            raise InputError(f"NashOptions.grid_points is {self.grid_points}; allowed: >= 3")
        if self.utility not in ("linear", "quadratic"):
            raise InputError(f"NashOptions.utility is {self.utility!r}; allowed: linear, quadratic")
        if isinstance(self.disagreement, str) and self.disagreement not in ("status-quo", "worst"):
            raise InputError(f"NashOptions.disagreement is {self.disagreement!r}; allowed: "
                             "'status-quo', 'worst' or a number on the scale")


def _weights(table: StakeholderTable, how: str) -> np.ndarray:
    """``[actors, dims]`` weights: c·s, c, or 1."""
    if how == "capability-salience":
        return table.capabilities[:, None] * table.saliences
    if how == "capability":
        return np.broadcast_to(table.capabilities[:, None], table.positions.shape).copy()
    if how == "equal":
        return np.ones(table.positions.shape)
    raise InputError(f"weights {how!r} is unknown; allowed: capability-salience, capability, equal")


def _no_weight(model: str, table: StakeholderTable, k: int) -> ModelError:
    return ModelError(
        f"{model}: on dimension {table.dimension_ids[k]!r} every actor has zero weight "
        "(capability x salience), so there is nothing to average (hint: give at least one "
        "actor a positive capability and salience on that dimension)"
    )


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> float:
    r"""Compromise position on one dimension.

    .. math:: \bar x = \sum_i c_i s_i x_i \Big/ \sum_i c_i s_i

    References
    ----------
    Achen (2006); Stokman & Van Oosten (1994) call it the Nash bargaining point of their
    exchange model, which we keep apart from :func:`nash`.
    """
    total = float(np.sum(weights))
    return float(np.sum(weights * positions) / total)


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> float:
    r"""Weighted median on one dimension, the lower one on exact ties.

    The smallest position :math:`x_{(k)}` whose cumulative weight reaches half the total:
    :math:`\sum_{i \le k} w_{(i)} \ge \tfrac12 \sum_i w_i`. With distance utilities this is
    the Condorcet winner among the actors' positions (Black 1948). Ties are detected
    relative to the total (1e-12), so that rescaling the weights cannot flip them.

    References
    ----------
    Black (1948); Bueno de Mesquita (1994) uses it as the starting forecast of the EUM.
    """
    keep = weights > 0
    xs = positions[keep]
    ws = weights[keep]
    order = np.argsort(xs, kind="stable")
    xs, ws = xs[order], ws[order]
    total = float(ws.sum())
    cumulative = np.cumsum(ws)
    k = int(np.argmax(cumulative >= 0.5 * total * (1 - 1e-12)))
    return float(xs[k])


def _static_result(model: str, table: StakeholderTable, options: object,
                   forecast: np.ndarray, diagnostics: dict[str, object]) -> ForecastResult:
    return ForecastResult(
        model=model,
        table=table,
        options=options,
        positions=np.array(table.positions, dtype=float)[None],
        forecasts=np.asarray(forecast, dtype=float)[None],
        turns=0,
        converged=True,
        diagnostics=diagnostics,
    )


def compromise(table: StakeholderTable, options: CompromiseOptions | None = None) -> ForecastResult:
    """Compromise model: the capability x salience weighted mean of positions per dimension.

    Raises
    ------
    ModelError
        When every actor has zero weight on a dimension.

    References
    ----------
    Achen (2006), ch. 10 of *The European Union Decides*.
    """
    options = options or CompromiseOptions()
    w = _weights(table, options.weights)
    out = np.empty(table.n_dimensions)
    for k in range(table.n_dimensions):
        if not np.sum(w[:, k]) > 0:
            raise _no_weight("compromise", table, k)
        out[k] = weighted_mean(table.positions[:, k], w[:, k])
    return _static_result("compromise", table, options, out, {"summary": {}})


def median(table: StakeholderTable, options: MedianOptions | None = None) -> ForecastResult:
    """Weighted median of positions per dimension (lower median on exact ties).

    References
    ----------
    Black (1948); Achen (2006).
    """
    options = options or MedianOptions()
    w = _weights(table, options.weights)
    out = np.empty(table.n_dimensions)
    for k in range(table.n_dimensions):
        if not np.sum(w[:, k]) > 0:
            raise _no_weight("median", table, k)
        out[k] = weighted_median(table.positions[:, k], w[:, k])
    return _static_result("median", table, options, out, {"summary": {}})


def status_quo(table: StakeholderTable, options: StatusQuoOptions | None = None) -> ForecastResult:
    """Forecast the reference point itself: nothing changes.

    Raises
    ------
    ModelError
        When the table gives no status quo on some dimension.
    """
    options = options or StatusQuoOptions()
    sq = np.array(table.status_quo, dtype=float)
    missing = [table.dimension_ids[k] for k in np.flatnonzero(np.isnan(sq))]
    if missing:
        raise ModelError(
            f"status-quo: the table gives no status quo for {', '.join(missing)} "
            "(hint: KTAB and EUM files carry none; set status_quo in the scenario's dimensions)"
        )
    return _static_result("status-quo", table, options, sq, {"summary": {}})


def nash_objective(x: np.ndarray, ideals: np.ndarray, weights: np.ndarray,
                   threat: np.ndarray, utility: str) -> np.ndarray:
    r"""Asymmetric Nash product (in logs) at candidate points ``x``.

    .. math:: N(x) = \sum_i w_i \log\big(u_i(x) - u_i(d)\big),

    with :math:`u_i(x) = -|x - x_i|` or :math:`-(x - x_i)^2`; :math:`-\infty` wherever some
    actor with positive weight does not gain over the disagreement point d.

    References
    ----------
    Nash (1950); Kalai, E. (1977) Nonsymmetric Nash solutions. *Int. J. Game Theory* 6(3).
    """
    gap = np.abs(x[:, None] - ideals[None, :])
    u = -gap if utility == "linear" else -(gap * gap)
    gain = u - threat[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(gain > 0, weights[None, :] * np.log(np.where(gain > 0, gain, 1.0)),
                         -np.inf)
    return terms.sum(axis=1)


def _nash_one(ideals: np.ndarray, weights: np.ndarray, low: float, high: float, d: float | None,
              utility: str, points: int) -> tuple[float, str]:
    keep = weights > 0
    ideals, weights = ideals[keep], weights[keep]
    span = high - low
    if d is None:  # each actor's worst point of the scale, a hair beyond it
        far = np.maximum(np.abs(ideals - low), np.abs(ideals - high)) + 1e-9 * span
        threat = -far if utility == "linear" else -(far * far)
        note = "worst"
    else:
        gap = np.abs(d - ideals)
        threat = -gap if utility == "linear" else -(gap * gap)
        note = "given"
    grid = np.unique(np.concatenate([np.linspace(low, high, points), ideals,
                                     [] if d is None else [d]]))
    values = nash_objective(grid, ideals, weights, threat, utility)
    best = int(np.argmax(values))
    if not np.isfinite(values[best]):
        return float(d if d is not None else grid[best]), "no-gain"
    a = grid[max(best - 1, 0)]
    b = grid[min(best + 1, grid.size - 1)]
    # The objective is concave, so golden-section search between the neighbours is exact.
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c1 = b - ratio * (b - a)
        c2 = a + ratio * (b - a)
        f1, f2 = nash_objective(np.array([c1, c2]), ideals, weights, threat, utility)
        if f1 >= f2:
            b = c2
        else:
            a = c1
    mid = 0.5 * (a + b)
    candidates = np.array([grid[best], mid])
    return float(candidates[int(np.argmax(nash_objective(candidates, ideals, weights, threat,
                                                          utility)))]), note


def nash(table: StakeholderTable, options: NashOptions | None = None) -> ForecastResult:
    """Asymmetric Nash bargaining solution per dimension, solved on a grid.

    ``argmax_x sum_i w_i log(u_i(x) - u_i(d))`` over points where every actor with positive
    weight gains over the disagreement point d. When no point gives everyone a gain (d
    already Pareto-optimal, e.g. a status quo between the actors), the answer is d itself.

    References
    ----------
    Nash (1950); Kalai (1977); Schneider, G., Finke, D. & Bailer, S. (2010) Bargaining
    power in the European Union. *Political Studies* 58(1), 85-103.
    """
    options = options or NashOptions()
    w = _weights(table, options.weights)
    out = np.empty(table.n_dimensions)
    notes: dict[str, str] = {}
    for k in range(table.n_dimensions):
        if not np.sum(w[:, k]) > 0:
            raise _no_weight("nash", table, k)
        if isinstance(options.disagreement, int | float):
            d: float | None = float(options.disagreement)
        elif options.disagreement == "status-quo" and not np.isnan(table.status_quo[k]):
            d = float(table.status_quo[k])
        else:
            d = None
        out[k], notes[table.dimension_ids[k]] = _nash_one(
            table.positions[:, k], w[:, k], float(table.scale_low[k]),
            float(table.scale_high[k]), d, options.utility, options.grid_points)
    return _static_result("nash", table, options, out,
                          {"summary": {"disagreement": notes}})
