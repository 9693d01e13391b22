"""``ceasefire forecast``: stakeholder forecasts side by side (compromise ... EUM, SMP)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import human_console, print_json
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.results import ForecastResult


_HELP = """Forecast a contested dimension from a stakeholder table.

SCENARIO is a built-in scenario name, a scenario YAML file, a KTAB CSV/XML file, or an
EUM table (tsv/csv, Decide #A/#P/#M/#D file, KTAB China JSON).

Example: ceasefire forecast alaska-2025 --model all --json

Example: ceasefire forecast tutorial --model eum --eum-preset bdm1997 --plot eum.html

The EUM runs the per-pair reading unless --eum-preset says otherwise; its row is followed
by the band across every preset and a knife-edge verdict: "yes" when halving or doubling
one stakeholder's capability moves the EUM forecast by more than 25 % of the scale.
"""

#: ``ceasefire.forecast.DEFAULT_EUM_PRESET``, spelled out so that ``--help`` imports no engine.
_DEFAULT_PRESET = "per-pair"


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
        "--eum-preset", help="EUM reading: per-pair, scholz, paper, jmckib, bdm1997, q0.5, "
        "...")] = _DEFAULT_PRESET,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Write a trajectory plot (HTML) to this file.")] = None,
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Run the stakeholder forecasting models and print them side by side."""
    from ceasefire.forecast import eum_preset as preset_options
    from ceasefire.results.forecast import MODEL_NAMES
    from ceasefire.workflows import stakeholder_forecast

    console = human_console(as_json)
    if model not in (*MODEL_NAMES, "all"):
        raise InputError(f"--model {model!r} is unknown; allowed: {', '.join(MODEL_NAMES)}, all "
                         "(hint: --model all runs every model)")
    if plot is not None:
        common.check_output(plot, "--plot")
    recording = common.Recording("forecast", scenario, store=store, no_store=no_store)
    result = stakeholder_forecast(scenario, models=None if model == "all" else [model],
                                  dimension=dimension, eum=preset_options(eum_preset))
    result = recording.save(result, outputs={"plot": None})
    if plot is not None:
        from ceasefire._files import write_text_atomic
        from ceasefire.report.forecast_figures import forecast_figure

        # plotly.js inlined: the page must open offline, with no request to a CDN
        write_text_atomic(plot, forecast_figure(result).to_html(include_plotlyjs=True))
    if as_json:
        print_json(result.to_dict())
        return
    _render(console, result, eum_preset)


def _render(console: Any, result: ForecastResult, preset: str) -> None:
    from rich.text import Text

    first = next(iter(result.models.values()), None)
    dimensions = list(first.forecast) if first is not None else []
    dims = [common.clean(d) for d in dimensions]
    summary = common.table("model", *dims, "turns",
                           title=f"Forecast: {common.clean(result.scenario.id)} "
                                 f"({len(result.stakeholders)} stakeholders)",
                           numbers=(*dims, "turns"))
    for name, forecast in result.models.items():
        label = f"eum ({preset})" if name == "eum" else name
        summary.add_row(common.text(label), *[_value(forecast.forecast[d]) for d in dimensions],
                        str(forecast.turns))
    if result.eum_band is not None:
        summary.add_row("eum band", *[f"{result.eum_band[d].low:.2f}–"
                                      f"{result.eum_band[d].high:.2f}" for d in dimensions], "")
    edges = result.eum_knife_edge
    if edges is not None:
        summary.add_row("eum knife-edge", *[
            f"{'yes' if edges[d].knife_edge else 'no'} ({100 * edges[d].spread:.0f} %)"
            for d in dimensions], "")
    console.print(summary)
    console.print(Text("values on each dimension's own scale; turns until the model "
                       "stopped", style="dim"))
    if edges is not None:
        for d in dimensions:
            if edges[d].knife_edge:
                console.print(Text.assemble(
                    (f"eum knife-edge on {common.clean(d)}:", "yellow"), " ",
                    common.clean(edges[d].reason), "; read the EUM forecast as fragile"),
                    highlight=False)
    for name, reason in result.skipped.items():
        console.print(Text.assemble((f"{name} skipped:", "yellow"), " ", common.clean(reason)),
                      highlight=False)
    for name in ("eum", "smp"):
        if name not in result.models:
            continue
        trajectory = result.models[name].trajectory
        rounds = common.table("round", *dims, title=f"{name}: forecast by round",
                              numbers=("round", *dims))
        series = [trajectory[d].forecast for d in dimensions]
        shown: list[int | None] = list(range(len(series[0]) if series else 0))
        if len(shown) > 25:  # first 20 and last 5 rounds
            shown = [*shown[:20], None, *shown[-5:]]
        for t in shown:
            if t is None:
                rounds.add_row("...", *["" for _ in dimensions])
            else:
                rounds.add_row(str(t), *[_value(values[t]) for values in series])
        console.print(rounds)


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
