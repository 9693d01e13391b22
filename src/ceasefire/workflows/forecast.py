"""``forecast``: the stakeholder models on a scenario's table or on a table file."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ceasefire.errors import InputError, ModelError
from ceasefire.forecast import (
    MODELS,
    EUMOptions,
    SMPOptions,
    eum_band,
    load_table,
    run_model,
    table_from_scenario,
)
from ceasefire.forecast.summary import summarise_forecasts, table_meta
from ceasefire.results import ForecastResult, ScenarioMeta
from ceasefire.scenario import Scenario
from ceasefire.workflows.prepare import ScenarioSource, scenario_of

__all__ = ["TABLE_SUFFIXES", "scenario_forecast", "stakeholder_forecast"]

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xml", ".json")
"""Files read as stakeholder tables (KTAB CSV or XML, EUM tables, Decide files, KTAB's
China JSON) rather than scenarios."""


def stakeholder_forecast(source: ScenarioSource, *, models: Sequence[str] | None = None,
             dimension: str | None = None, eum: EUMOptions | None = None,
             smp: SMPOptions | None = None) -> ForecastResult:
    """Run stakeholder models on a scenario's table or on a KTAB or EUM table file.

    Parameters
    ----------
    source
        A Scenario, a built-in name, a scenario YAML, or a table file
        (:data:`TABLE_SUFFIXES`).
    models
        Model names (default: every one; a model that cannot run on the input is then
        skipped with its reason, while a model asked for by name raises).
    dimension
        One dimension id or name (default: every one).
    eum, smp
        Options of the expected utility model and of KTAB's SMP (a KTAB file may carry
        its own SMP options).
    """
    path = Path(source) if isinstance(source, str | Path) else None
    if path is not None and path.suffix.lower() in TABLE_SUFFIXES:
        if not path.is_file():
            raise InputError(f"{source}: no such file (hint: check the path)")
        table, file_options = load_table(path)
        if dimension is not None:
            table = table.select([dimension])
        meta, smp, links = table_meta(table, path.stem), smp or file_options, {}
        source_text = str(path)
    else:
        scenario = scenario_of(source)
        table, meta = table_from_scenario(scenario, dimension), ScenarioMeta.of(scenario)
        links = {a.id: (a.name, a.actor) for a in scenario.stakeholders.actors} \
            if scenario.stakeholders is not None else {}
        source_text = str(source) if not isinstance(source, Scenario) else scenario.id
    names = list(MODELS) if models is None else list(models)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise InputError(f"model {', '.join(map(repr, unknown))} is unknown; allowed: "
                         f"{', '.join(MODELS)} (hint: leave it out to run every model)")
    runs, skipped, wall = {}, {}, {}
    for name in names:
        start = time.perf_counter()
        try:
            runs[name] = run_model(name, table, {"eum": eum, "smp": smp or SMPOptions()}.get(name))
        except ModelError as error:
            if models is not None:
                raise
            skipped[name] = str(error)
        wall[name] = round(time.perf_counter() - start, 4)
    band = eum_band(table) if "eum" in runs else None
    return summarise_forecasts(meta, table, runs, links=links, skipped=skipped, band=band,
                               run={"wall_s": wall, "source": source_text})


def scenario_forecast(scenario: Scenario) -> ForecastResult:
    """Every model on a scenario's stakeholder table (as the ``analyze`` report shows)."""
    return stakeholder_forecast(scenario)
