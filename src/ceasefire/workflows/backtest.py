"""``backtest``: score a scenario's forecasts against a record of what happened (DESIGN.md 9.21).

The forecasts are the model's realised war paths, one per Monte Carlo draw
(:func:`~ceasefire.dynamics.simulate_war` with noise): each draw's value of a metric in a
month is one member of the ensemble the observation is scored against. An observation
dated in calendar month M is compared with the model's month ``M - month 0``:

- ``gains_km2.<actor>``: km² the belligerent gained in that month;
- ``casualties_per_day.<actor>``: its killed and wounded that month over
  :data:`~ceasefire.dynamics.DAYS_PER_MONTH`;
- ``oil_gas_revenue_change.<actor>``: oil and gas revenue that month against the year
  before, minus one: against the scenario's reference level
  (``economy.<actor>.oil_gas_revenue_per_month``, the level a year before month 0) in
  months 0-11, against the model's own month ``t - 12`` from month 12 on;
- ``control.<region>.<actor>``: the share held on the observation's date, interpolated
  linearly within the month between the shares at its start and its end;
- ``occupied_km2``: not forecast (the scenario does not say whose territory a region is,
  so "occupied" is undefined); ``event.<id>``: not forecast by this model version, which
  gives no probability of an agreement or any other event.

Observations dated on or before the scenario's ``as_of`` are in-sample (a calibration
check, never scored); those dated before month 0 are set beside month 0.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ceasefire.dynamics import DAYS_PER_MONTH, WarPaths, simulate_war
from ceasefire.errors import InputError
from ceasefire.results import ScenarioMeta, content_hash
from ceasefire.results.backtest import (
    BacktestResult,
    BacktestRow,
    RecordMeta,
    aggregate,
    crps_ensemble,
)
from ceasefire.results.stats import summary
from ceasefire.scenario.compile import CompiledScenario, compile_scenario, resolve_seed
from ceasefire.scenario.model import month_index, month_label
from ceasefire.scenario.record import Observation, load_record
from ceasefire.workflows.prepare import ScenarioSource, scenario_of

__all__ = ["backtest"]

RecordSource = str | Path | Sequence[Observation] | None


def backtest(scenario: ScenarioSource, record: RecordSource = None, *, draws: int = 2000,
             rng: int | np.random.Generator | None = 0) -> BacktestResult:
    """Score a scenario's forecasts against a record (DESIGN.md 9.21).

    Parameters
    ----------
    scenario
        A Scenario, a built-in name or a YAML path.
    record
        A record CSV (``date,metric,value,source``), observations already read, or
        ``None`` for the record shipped with a built-in scenario.
    draws
        Monte Carlo draws: the size of each forecast's ensemble.
    rng
        Root seed or Generator; the seed used is recorded in the result.

    Raises
    ------
    InputError
        On a record that cannot be read (naming its file and line), or none to read.
    """
    if not 1 <= draws <= 100_000:
        raise InputError(f"draws: got {draws}; allowed: 1 to 100,000")
    start = time.perf_counter()
    chosen = scenario_of(scenario)
    observations = load_record(record, chosen.id)
    if observations is None:
        raise InputError(f"scenario {chosen.id!r} ships no record; give a record CSV "
                         "with the columns date,metric,value,source (see docs/backtest.md)")
    compiled = compile_scenario(chosen, draws=draws, rng=resolve_seed(rng))
    as_of = chosen.as_of
    needed = [month_index(as_of, o.date) + 1 for o in observations]
    months = min(max([1, *needed]), compiled.months)
    paths = simulate_war(compiled.with_months(months), noise=True)
    rows = [_row(o, as_of, compiled, paths)
            for o in sorted(observations, key=lambda o: (o.date, o.metric))]
    scores, overall, calibration = aggregate(rows)
    meta = RecordMeta(builtin=record is None, observations=len(observations),
                      hash=content_hash([o.model_dump(mode="json") for o in observations]))
    run = {"wall_s": {"total": round(time.perf_counter() - start, 4)}}
    if isinstance(record, (str, Path)):
        run["record_path"] = str(record)
    return BacktestResult(scenario=ScenarioMeta.of(chosen), seed=compiled.seed, draws=draws,
                          record=meta, month0=month_label(as_of, 0), months=months, rows=rows,
                          scores=scores, overall=overall, calibration=calibration, run=run)


def _row(o: Observation, as_of: dt.date, compiled: CompiledScenario,
         paths: WarPaths) -> BacktestRow:
    in_sample = o.date <= as_of
    t = month_index(as_of, o.date)
    base = {"date": o.date, "month": f"{o.date:%Y-%m}", "metric": o.metric, "value": o.value,
            "source": o.source, "in_sample": in_sample, "model_month": None, "forecast": None,
            "crps": None, "covered": None, "probability": None, "brier": None,
            "log_score": None}

    def unscored(status: str, reason: str) -> BacktestRow:
        return BacktestRow(**base, status=status, reason=reason)

    kind = o.metric.split(".")[0]
    if kind == "event":
        return unscored("not-forecast", "not forecast by this model version: it gives no "
                        "probability of an agreement being signed or of any other event, so "
                        "the Brier and log scores cannot be computed")
    if kind == "occupied_km2":
        return unscored("skipped", "the scenario does not say whose territory each region is, "
                        "so occupied area is undefined; record control.<region>.<actor> or "
                        "gains_km2.<actor> instead")
    compared = max(t, 0)
    if compared >= paths.gains_km2.shape[0]:
        return unscored("skipped", f"beyond the simulated months: the model runs "
                        f"{compiled.months} months from {month_label(as_of, 0)} (the scenario's "
                        f"horizon plus 13), to {month_label(as_of, compiled.months - 1)}")
    values = _draws(o.metric, t, o.date, compiled, paths)
    if isinstance(values, str):
        return unscored("skipped", values)
    forecast = summary(values)
    covered = bool(forecast.p10 <= o.value <= forecast.p90)
    note = (f"dated before month 0 ({month_label(as_of, 0)}): set beside the model's month 0"
            if t < 0 else None)
    base.update(model_month=month_label(as_of, compared), forecast=forecast, covered=covered)
    if in_sample:
        reason = "on or before the scenario's as_of: a calibration check, not scored"
        return BacktestRow(**base, status="in-sample",
                           reason=f"{reason}; {note}" if note else reason)
    base["crps"] = crps_ensemble(values, o.value)
    return BacktestRow(**base, status="scored", reason=None)


def _draws(metric: str, t: int, day: dt.date, compiled: CompiledScenario,
           paths: WarPaths) -> np.ndarray | str:
    """The draws of ``metric`` in model month ``t`` (month 0 where ``t < 0``), or why none."""
    parts = metric.split(".")
    kind, actor = parts[0], parts[-1]
    t0 = max(t, 0)
    if kind in ("gains_km2", "casualties_per_day", "control") and actor not in paths.belligerents:
        return (f"{actor} is not a belligerent of {compiled.scenario.id} (belligerents: "
                f"{', '.join(paths.belligerents)})")
    if kind == "gains_km2":
        return paths.gains_km2[t0, paths.belligerents.index(actor)]
    if kind == "casualties_per_day":
        return paths.casualties[t0, paths.belligerents.index(actor)] / DAYS_PER_MONTH
    if kind == "oil_gas_revenue_change":
        if actor not in paths.actors:
            return (f"{actor} is not an actor of {compiled.scenario.id} (actors: "
                    f"{', '.join(paths.actors)})")
        k = paths.actors.index(actor)
        reference = compiled.get(f"economy.{actor}.oil_gas_revenue_per_month")
        if np.any(reference <= 0):
            return f"the scenario gives {actor} no oil and gas revenue"
        before = paths.revenue[t0 - 12, k] if t0 >= 12 else reference
        if np.any(before <= 0):
            return f"{actor}'s oil and gas revenue a year before is zero in some draws"
        return paths.revenue[t0, k] / before - 1
    region = parts[1]
    if region not in paths.regions:
        return (f"region {region!r} is not in {compiled.scenario.id} (regions: "
                f"{', '.join(paths.regions)})")
    share = paths.control[:, paths.regions.index(region), paths.belligerents.index(actor)]
    if t < 0:
        return share[0]  # the scenario's control: the record predates the simulation
    weight = day.day / calendar.monthrange(day.year, day.month)[1]
    return share[t] + weight * (share[t + 1] - share[t])
