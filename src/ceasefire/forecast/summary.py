"""Summarise stakeholder model runs as one typed :class:`~ceasefire.results.ForecastResult`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ceasefire.forecast.results import ForecastResult as ModelRun
from ceasefire.forecast.results import _finite, _jsonable, _options_dict
from ceasefire.forecast.table import StakeholderTable
from ceasefire.results import ForecastResult, ModelForecast, ScenarioMeta
from ceasefire.results.forecast import EumBand, KnifeEdge, StakeholderInfo, Trajectory

__all__ = ["model_forecast", "summarise_forecasts", "table_meta"]


def model_forecast(run: ModelRun) -> ModelForecast:
    """One model run as its typed summary (NaN and infinities become None)."""
    table = run.table
    return ModelForecast(
        forecast=run.forecast_by_dimension(), final_positions=run.final_positions_by_actor(),
        turns=int(run.turns), converged=bool(run.converged), options=_options_dict(run.options),
        diagnostics=_jsonable(run.diagnostics.get("summary", {})),
        trajectory={d: Trajectory(
            forecast=[_finite(v) for v in run.forecasts[:, k]],
            positions={a: [_finite(v) for v in run.positions[:, i, k]]
                       for i, a in enumerate(table.actor_ids)})
            for k, d in enumerate(table.dimension_ids)})


def summarise_forecasts(scenario: ScenarioMeta, table: StakeholderTable,
                        runs: Mapping[str, ModelRun], *,
                        links: Mapping[str, tuple[str, str | None]] | None = None,
                        skipped: Mapping[str, str] | None = None,
                        band: Mapping[str, Mapping[str, Any]] | None = None,
                        run: Mapping[str, Any] | None = None) -> ForecastResult:
    """The ``forecast`` result of model runs on one table (with the EUM band, if run).

    ``links`` maps stakeholder ids to ``(name, actor id or None)``; without it each
    stakeholder is named by its id and linked to no actor (a table file). When the EUM ran,
    its knife-edge verdict (:func:`~ceasefire.forecast.eum.eum_knife_edge`, 2 extra EUM runs
    per stakeholder) is computed here, with the options it ran with.
    """
    from ceasefire.forecast.eum import eum_knife_edge

    links = links or {}
    edge = None
    if "eum" in runs:
        eum_run = runs["eum"]
        edge = eum_knife_edge(eum_run.table, eum_run.options,
                              None if band is None else {d: dict(b) for d, b in band.items()})
    return ForecastResult(
        scenario=scenario,
        stakeholders={a: StakeholderInfo(name=links.get(a, (a, None))[0] or a,
                                         actor=links.get(a, (a, None))[1])
                      for a in table.actor_ids},
        models={name: model_forecast(r) for name, r in runs.items()},
        skipped=dict(skipped or {}),
        eum_band=None if band is None else {d: EumBand(**b) for d, b in band.items()},
        eum_knife_edge=None if edge is None else {d: KnifeEdge(**v) for d, v in edge.items()},
        run=dict(run or {}))


def table_meta(table: StakeholderTable, source: str) -> ScenarioMeta:
    """Metadata of a table file: its name, no date, the hash of its content."""
    from ceasefire.results import content_hash

    return ScenarioMeta(id=source, as_of=None, hash=content_hash(table.to_dict()))
