"""The result of ``backtest``: a scenario's forecasts scored against a record (DESIGN.md 9.21).

Each observation of the record is one :class:`BacktestRow`: the model's forecast of that
metric in that month (a :class:`~ceasefire.results.records.Summary` over the Monte Carlo
draws), and, for observations dated after the scenario's ``as_of``, its scores: the CRPS
and whether the observation lies in the central 80 % interval ``[p10, p90]`` (quantities),
or the Brier and log scores (events, where the model gives a probability). Observations
dated on or before ``as_of`` are in-sample: the model was built knowing them, so they are a
calibration check (the interval and whether the observation sits inside it) and never
enter the scores.

The scoring rules live here too (:func:`crps_ensemble`, :func:`brier_score`,
:func:`log_score`): pure functions of numbers, with their references.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field, StringConstraints

from ceasefire.results.base import Result
from ceasefire.results.records import Estimate, Month, Record, Summary
from ceasefire.results.stats import estimate
from ceasefire.scenario.record import METRIC

__all__ = [
    "COVERAGE",
    "BacktestResult",
    "BacktestRow",
    "Calibration",
    "MetricScore",
    "Overall",
    "RecordMeta",
    "aggregate",
    "brier_score",
    "crps_ensemble",
    "log_score",
]

COVERAGE = 0.8
"""Nominal coverage of the interval each quantity is checked against: ``[p10, p90]``."""

Metric = Annotated[str, StringConstraints(pattern=METRIC.pattern)]
"""A record's metric (``gains_km2.RU``, ``control.<region>.<actor>``, ``event.<id>``...)."""

Status = Literal["scored", "in-sample", "not-forecast", "skipped"]


# --- the scoring rules ------------------------------------------------------------------


def crps_ensemble(draws: np.ndarray | Sequence[float], observation: float) -> float:
    r"""The continuous ranked probability score of an ensemble forecast (lower is better).

    The CRPS of the empirical distribution of the ``n`` draws :math:`x_i` at the
    observation :math:`y` (Gneiting & Raftery 2007, *J. Amer. Statist. Assoc.* 102,
    eq. 21):

    .. math:: \mathrm{CRPS} = \frac1n\sum_i |x_i - y|
              - \frac1{2n^2}\sum_{i,j} |x_i - x_j|

    computed exactly in :math:`O(n \log n)`: with the draws sorted,
    :math:`\sum_{i,j}|x_i - x_j| = 2\sum_{i=1}^{n} (2i - n - 1)\,x_{(i)}`. It is in the
    unit of the quantity, equals :math:`|x - y|` for a point forecast, and its expected
    value is smallest when the draws come from the distribution ``y`` is drawn from.
    """
    x = np.sort(np.asarray(draws, dtype=float).ravel())
    n = x.size
    if n == 0:
        raise ValueError("crps_ensemble: no draws")
    if not (np.all(np.isfinite(x)) and math.isfinite(observation)):
        raise ValueError("crps_ensemble: draws and observation must be finite")
    spread = float(np.dot(2 * np.arange(1, n + 1) - n - 1, x)) / (n * n)
    return max(float(np.mean(np.abs(x - observation))) - spread, 0.0)


def brier_score(probability: float, outcome: int) -> float:
    r"""The Brier score :math:`(p - o)^2` of a probability ``p`` for a 0/1 ``outcome``.

    Brier (1950), *Monthly Weather Review* 78. 0 is perfect, 0.25 is a coin flip's score,
    1 a certain forecast that failed.
    """
    _check_event(probability, outcome)
    return (probability - outcome) ** 2


def log_score(probability: float, outcome: int, *, floor: float = 1e-6) -> float:
    r"""The (negative) log score :math:`-\log p(o)` of a probability for a 0/1 ``outcome``.

    Good (1952), *J. Roy. Statist. Soc. B* 14; lower is better, ``log 2`` is a coin flip's.
    ``probability`` is first clipped to ``[floor, 1 - floor]``, so a forecast of certainty
    that fails scores ``-log(floor)`` rather than infinity (a Monte Carlo share of ``n``
    draws is known to about ``1 / (2n)``: pass that as ``floor``).
    """
    _check_event(probability, outcome)
    p = min(max(probability, floor), 1 - floor)
    return -math.log(p if outcome == 1 else 1 - p)


def _check_event(probability: float, outcome: int) -> None:
    if not 0 <= probability <= 1:
        raise ValueError(f"a probability must lie in [0, 1], got {probability}")
    if outcome not in (0, 1):
        raise ValueError(f"an event's outcome must be 0 or 1, got {outcome}")


# --- the records ------------------------------------------------------------------------


class BacktestRow(Record):
    """One observation of the record beside the model's forecast of it."""

    date: dt.date = Field(description="The date of the observation (the end of the period "
                          "a flow covers).")
    month: Month = Field(description="The observation's calendar month.")
    metric: Metric
    value: float = Field(description="The observed value.")
    source: str = Field(min_length=1, description="A claim id or a short citation.")
    in_sample: bool = Field(description=(
        "Dated on or before the scenario's as_of: a calibration check, never scored."))
    model_month: Month | None = Field(description=(
        "The model's month compared (month 0 for an observation dated before it); "
        "None where there is no forecast."))
    forecast: Summary | None = Field(description=(
        "The model's forecast of the metric in that month, over the draws."))
    crps: float | None = Field(ge=0, description=(
        "CRPS of the draws at the observation, in the metric's unit (scored rows only)."))
    covered: bool | None = Field(description=(
        "Whether the observation lies in the 80 % interval [p10, p90] of the forecast."))
    probability: Estimate | None = Field(description=(
        "The model's probability of an event (None: the model does not forecast it)."))
    brier: float | None = Field(ge=0, le=1, description="Brier score of an event's probability.")
    log_score: float | None = Field(ge=0, description="Negative log score of an event's "
                                    "probability.")
    status: Status = Field(description=(
        "scored (out of sample, with a forecast), in-sample (a calibration check), "
        "not-forecast (this model version gives no forecast of the metric) or skipped."))
    reason: str | None = Field(description="Why a row is not scored, or how it was compared.")


class MetricScore(Record):
    """The scores of one metric over its out-of-sample rows (each in the metric's units)."""

    rows: int = Field(ge=1, description="Scored rows.")
    crps: float | None = Field(ge=0, description="Mean CRPS (quantities), in the metric's unit.")
    coverage: Estimate | None = Field(description=(
        "Share of rows inside the 80 % interval, with its binomial standard error over rows."))
    brier: float | None = Field(ge=0, le=1, description="Mean Brier score (events).")
    log_score: float | None = Field(ge=0, description="Mean negative log score (events).")


class Overall(Record):
    """What can be pooled over metrics: coverage and the event scores (CRPS has units)."""

    scored: int = Field(ge=0, description="Out-of-sample rows scored.")
    coverage: Estimate | None = Field(description=(
        "Share of scored quantity rows inside their 80 % interval (nominal 0.8)."))
    brier: float | None = Field(ge=0, le=1)
    log_score: float | None = Field(ge=0)
    not_forecast: int = Field(ge=0, description="Rows this model version does not forecast.")
    skipped: int = Field(ge=0, description="Rows skipped (see each row's reason).")


class Calibration(Record):
    """The in-sample rows: whether the observations sit inside the model's 80 % intervals."""

    rows: int = Field(ge=0, description="In-sample rows with a forecast.")
    inside: Estimate | None = Field(description="Share of them inside [p10, p90].")


class RecordMeta(Record):
    """The record scored: shipped with the scenario or a file, and its content hash."""

    builtin: bool = Field(description="The record shipped with the built-in scenario.")
    observations: int = Field(ge=0)
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


def aggregate(rows: Sequence[BacktestRow]) -> tuple[dict[str, MetricScore], Overall,
                                                   Calibration]:
    """The scores of each metric, the pooled scores and the in-sample check of ``rows``.

    Only rows with status ``scored`` enter the scores; in-sample rows with a forecast
    make the calibration check. A share's standard error is binomial over the rows.
    """
    def share(hits: list[bool]) -> Estimate | None:
        return estimate(np.array(hits, dtype=bool)) if hits else None

    def mean(values: list[float]) -> float | None:
        return float(np.mean(values)) if values else None

    scored = [r for r in rows if r.status == "scored"]
    scores = {}
    for metric in sorted({r.metric for r in scored}):
        mine = [r for r in scored if r.metric == metric]
        scores[metric] = MetricScore(
            rows=len(mine), crps=mean([r.crps for r in mine if r.crps is not None]),
            coverage=share([r.covered for r in mine if r.covered is not None]),
            brier=mean([r.brier for r in mine if r.brier is not None]),
            log_score=mean([r.log_score for r in mine if r.log_score is not None]))
    overall = Overall(
        scored=len(scored), coverage=share([r.covered for r in scored if r.covered is not None]),
        brier=mean([r.brier for r in scored if r.brier is not None]),
        log_score=mean([r.log_score for r in scored if r.log_score is not None]),
        not_forecast=sum(r.status == "not-forecast" for r in rows),
        skipped=sum(r.status == "skipped" for r in rows))
    checked = [r.covered for r in rows if r.status == "in-sample" and r.covered is not None]
    return scores, overall, Calibration(rows=len(checked), inside=share(checked))


class BacktestResult(Result):
    """A scenario's forecasts scored against a record of what happened (DESIGN.md 9.21).

    ``rows`` holds every observation in date order; ``scores`` the out-of-sample scores
    of each metric; ``overall`` what can be pooled across metrics; ``calibration`` the
    in-sample check, apart from the scores.
    """

    kind: Literal["backtest"] = "backtest"
    record: RecordMeta
    month0: Month = Field(description="The scenario's month (month 0).")
    months: int = Field(ge=1, description="Months simulated from month 0.")
    coverage_nominal: float = Field(COVERAGE, ge=0, le=1, description=(
        "The interval's nominal coverage: [p10, p90] holds 80 % of the draws."))
    rows: list[BacktestRow]
    scores: dict[Metric, MetricScore] = Field(description=(
        "Out-of-sample scores of each metric (in-sample rows excluded)."))
    overall: Overall
    calibration: Calibration

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "rows": ("rows", "*row"),
        "scores": ("scores", "*metric"),
    }

    def headline(self) -> str:
        """How many scored rows sit inside their intervals, and the in-sample check."""
        parts = []
        o = self.overall
        if o.coverage is not None:
            inside = round(o.coverage.p * self._quantity_rows())
            parts.append(f"{inside} of {self._quantity_rows()} out-of-sample observations "
                         f"inside the 80 % interval")
        elif o.scored == 0:
            parts.append("no out-of-sample observation scored")
        if o.brier is not None:
            parts.append(f"Brier {o.brier:.3f}")
        c = self.calibration
        if c.inside is not None:
            parts.append(f"in-sample {round(c.inside.p * c.rows)} of {c.rows} inside")
        if o.not_forecast:
            parts.append(f"{o.not_forecast} not forecast by this model version")
        if o.skipped:
            parts.append(f"{o.skipped} skipped")
        return "; ".join(parts)

    def _quantity_rows(self) -> int:
        return sum(1 for r in self.rows if r.status == "scored" and r.covered is not None)
