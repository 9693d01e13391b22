"""``ceasefire forecast``: stakeholder forecasts side by side (compromise ... EUM, SMP)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import human_console, print_json
from ceasefire.errors import InputError, ModelError

_MODELS = ("compromise", "median", "status-quo", "nash", "eum", "smp")
_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xml", ".json")

_HELP = """Forecast a contested dimension from a stakeholder table.

SCENARIO is a built-in scenario name, a scenario YAML file, a KTAB CSV/XML file, or an
EUM table (tsv/csv, Decide #A/#P/#M/#D file, KTAB China JSON).

Example: ceasefire forecast alaska-2025 --model all --json

Example: ceasefire forecast tutorial --model eum --eum-preset bdm1997 --plot eum.html
"""


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` command to the ceasefire application."""
    app.command("forecast", help=_HELP)(forecast_command)


def forecast_command(
    scenario: Annotated[str, typer.Argument(
        metavar="SCENARIO|FILE", show_default=False,
        help="Scenario name or YAML, KTAB CSV/XML, or EUM table.",
        autocompletion=complete.scenarios)],
    model: Annotated[str, typer.Option(
        "--model", "-m", help="compromise, median, status-quo, nash, eum, smp or all.")] = "all",
    dimension: Annotated[str | None, typer.Option(
        "--dimension", "-d", help="Dimension id or name (default: every one).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON document on stdout.")] = False,
    eum_preset: Annotated[str, typer.Option(
        "--eum-preset", help="EUM reading: scholz, paper, jmckib, bdm1997, q0.5, ...")] = "scholz",
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Write a trajectory plot (HTML) to this file.")] = None,
) -> None:
    """Run the stakeholder forecasting models and print them side by side."""
    from ceasefire.forecast import EUMOptions, eum_band, run_model
    from ceasefire.forecast import eum_preset as preset_options
    from ceasefire.forecast.summary import summarise_forecasts

    console = human_console(as_json)
    if model not in (*_MODELS, "all"):
        raise InputError(f"--model {model!r} is unknown; allowed: {', '.join(_MODELS)}, all "
                         "(hint: --model all runs every model)")
    if plot is not None:
        common.check_output(plot, "--plot")
    eum_options: EUMOptions = preset_options(eum_preset)
    table, smp_options, meta, source = _load(scenario, dimension)
    names = list(_MODELS) if model == "all" else [model]
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    wall: dict[str, float] = {}
    for name in names:
        options = {"eum": eum_options, "smp": smp_options}.get(name)
        start = time.perf_counter()
        try:
            results[name] = run_model(name, table, options)
        except ModelError as error:
            if model != "all":
                raise
            skipped[name] = str(error)
        wall[name] = round(time.perf_counter() - start, 4)
    band = eum_band(table) if "eum" in results else None

    if plot is not None:
        from ceasefire._files import write_text_atomic
        from ceasefire.report.forecast_figures import forecast_figure

        # plotly.js inlined: the page must open offline, with no request to a CDN
        write_text_atomic(plot, forecast_figure(results).to_html(include_plotlyjs=True))

    if as_json:
        summary = summarise_forecasts(meta, results, skipped=skipped, band=band,
                                      run={"wall_s": wall, "source": source})
        print_json(summary.to_dict())
        return
    _render(console, table, results, skipped, band, eum_preset)


def _load(scenario: str, dimension: str | None) -> tuple[Any, Any, Any, str]:
    """Table, SMP options, ScenarioMeta and source text for a file or a scenario."""
    from ceasefire.forecast import SMPOptions, load_table, table_from_scenario
    from ceasefire.forecast.summary import table_meta
    from ceasefire.results import ScenarioMeta

    path = Path(scenario)
    if path.suffix.lower() in _TABLE_SUFFIXES:
        if not path.is_file():
            raise InputError(f"{scenario}: no such file (hint: check the path)")
        table, options = load_table(path)
        if dimension is not None:
            table = table.select([dimension])
        return table, options or SMPOptions(), table_meta(table, path.stem), str(path)
    try:
        from ceasefire.scenario import load_scenario  # type: ignore[attr-defined]
    except ImportError as error:
        raise InputError(f"{scenario}: not a table file ({', '.join(_TABLE_SUFFIXES)}) and "
                         f"scenarios cannot be loaded here ({error})") from None
    loaded = load_scenario(scenario)
    table = table_from_scenario(loaded, dimension)
    return table, SMPOptions(), ScenarioMeta.of(loaded), scenario


def _render(console: Any, table: Any, results: dict[str, Any], skipped: dict[str, str],
            band: dict[str, Any] | None, preset: str) -> None:
    from rich.text import Text

    title = common.clean(table.title or table.source)
    dims = [common.clean(d) for d in table.dimension_ids]
    summary = common.table("model", *dims, "turns",
                           title=f"Forecast: {title} ({table.n_actors} actors)",
                           numbers=(*dims, "turns"))
    for name, result in results.items():
        label = f"eum ({preset})" if name == "eum" else name
        summary.add_row(common.text(label), *[f"{v:.2f}" for v in result.forecast],
                        str(result.turns))
    if band is not None:
        summary.add_row("eum band", *[f"{band[d]['low']:.2f}–{band[d]['high']:.2f}"
                                      for d in table.dimension_ids], "")
    console.print(summary)
    console.print(Text("values on each dimension's own scale; turns until the model "
                       "stopped", style="dim"))
    for name, reason in skipped.items():
        console.print(Text.assemble((f"{name} skipped:", "yellow"), " ", common.clean(reason)),
                      highlight=False)
    for name in ("eum", "smp"):
        if name not in results:
            continue
        result = results[name]
        rounds = common.table("round", *dims, title=f"{name}: forecast by round",
                              numbers=("round", *dims))
        shown = list(enumerate(result.forecasts))
        if len(shown) > 25:  # first 20 and last 5 rounds
            shown = [*shown[:20], (None, None), *shown[-5:]]
        for t, row in shown:
            if t is None:
                rounds.add_row("...", *["" for _ in table.dimension_ids])
            else:
                rounds.add_row(str(t), *[f"{v:.2f}" for v in row])
        console.print(rounds)
