"""``ceasefire backtest``: a scenario's forecasts scored against a record (DESIGN.md 9.21).

The command parses, calls :func:`ceasefire.workflows.backtest` and renders the typed
result: the in-sample rows (a calibration check) apart from the scored ones, the scores of
each metric, and the rows the model does not forecast with their reasons.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import text

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.results.backtest import BacktestResult, BacktestRow

_HELP = """Score a scenario's forecasts against a record of what happened.

RECORD is a CSV with the columns date,metric,value,source (docs/backtest.md); without it,
the record shipped with a built-in scenario. Quantities get the CRPS (in their own unit,
lower is better) and whether the observation lies in the model's 80 % interval; events
get the Brier and log scores where the model gives a probability. Observations dated on
or before the scenario's as_of are a calibration check, shown apart and never scored.

Example: ceasefire backtest tutorial --draws 500 --plot backtest.html
"""


def register(app: typer.Typer) -> None:
    """Add ``backtest`` to the application."""
    app.command("backtest", help=_HELP)(backtest_command)


def backtest_command(
    scenario: str = typer.Argument(..., metavar="SCENARIO", show_default=False,
                                   help="Built-in name or scenario YAML file.",
                                   autocompletion=complete.scenarios),
    record: Path | None = typer.Argument(None, metavar="RECORD", show_default=False,
                                         help="Record CSV (default: the scenario's shipped "
                                              "record)."),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, max=common.DRAWS_MAX,
                              help=common.DRAWS_HELP),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the forecasts beside the "
                                     "record as a self-contained HTML plot to this file."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Score a scenario's forecasts against a record."""
    from ceasefire.workflows import backtest

    if plot is not None:
        common.check_output(plot, "--plot")
    result = backtest(scenario, record, draws=draws, rng=seed)
    if plot is not None:
        from ceasefire._files import write_text_atomic
        from ceasefire.report.backtest_figures import backtest_figure

        # plotly.js inlined: the page must open offline, with no request to a CDN
        write_text_atomic(plot, backtest_figure(result).to_html(include_plotlyjs=True))
    if as_json:
        common.print_json(result.to_dict())
        return
    _render(common.human_console(as_json), result)


def _render(console: Console, result: BacktestResult) -> None:
    record = ("its shipped record" if result.record.builtin
              else f"the record {result.run.get('record_path', '')}")
    title = (f"{result.scenario.id} against {record}: {result.draws:,} draws, seed "
             f"{result.seed}, month 0 = {result.month0}")
    console.print(text(title, "bold"), highlight=False)
    in_sample = [r for r in result.rows if r.status == "in-sample"]
    scored = [r for r in result.rows if r.status == "scored"]
    if in_sample:
        console.print(text("In sample (on or before the scenario's date): a calibration "
                           "check, not scored", "bold"), highlight=False)
        for metric in sorted({r.metric for r in in_sample}):
            mine = [r for r in in_sample if r.metric == metric]
            inside = sum(bool(r.covered) for r in mine)
            console.print(_rows(mine, f"{metric}: {inside} of {len(mine)} inside", crps=False))
        c = result.calibration
        if c.inside is not None:
            console.print(text(f"{round(c.inside.p * c.rows)} of {c.rows} in-sample "
                               "observations inside the model's 80 % interval"),
                          highlight=False)
        if any(r.model_month != r.month for r in in_sample):
            console.print(text(f"observations dated before {result.month0} are set beside "
                               "the model's month 0", "dim"), highlight=False)
    if scored:
        console.print(text("Out of sample: scored (CRPS in the metric's unit, lower is "
                           "better)", "bold"), highlight=False)
        for metric, score in result.scores.items():
            crps = ("" if score.crps is None else
                    f", mean CRPS {_number(metric, score.crps, score=True)}")
            inside = ("" if score.coverage is None else
                      f", {round(score.coverage.p * score.rows)} of {score.rows} inside")
            console.print(_rows([r for r in scored if r.metric == metric],
                                f"{metric}{crps}{inside}", crps=True))
        o = result.overall
        if o.coverage is not None:
            console.print(text(f"overall: {o.coverage.p:.0%} of the scored quantities inside "
                               f"their 80 % intervals (± {o.coverage.se:.0%}; 80 % if the "
                               "model is calibrated)"), highlight=False)
    else:
        console.print(text("no observation after the scenario's date to score"),
                      highlight=False)
    for row in result.rows:
        if row.status in ("not-forecast", "skipped"):
            common.hanging(console, f"{row.status}: ",
                           f"{row.date} {row.metric} = {row.value:g}: {row.reason}")


def _rows(rows: list[BacktestRow], title: str, *, crps: bool) -> object:
    """The rows of one metric: observed, the model's band, inside it or not (and the CRPS)."""
    table = common.table("month", "observed", "model p10 / p50 / p90", "in 80 %",
                         *(("CRPS",) if crps else ()), title=title,
                         numbers=("observed", "model p10 / p50 / p90", "CRPS"))
    for r in rows:
        f = r.forecast
        band = " / ".join(_number(r.metric, v) for v in (f.p10, f.p50, f.p90)) if f else "—"
        cells = [r.month, _number(r.metric, r.value), band, "yes" if r.covered else "no"]
        if crps:
            cells.append("—" if r.crps is None else _number(r.metric, r.crps, score=True))
        table.add_row(*cells)
    return table


def _number(metric: str, value: float, *, score: bool = False) -> str:
    """A value in its metric's style: km² and people whole, shares and changes to 0.001."""
    kind = metric.split(".")[0]
    if kind in ("control", "oil_gas_revenue_change"):
        return f"{value:.3f}" if score or kind == "control" else f"{value:+.3f}"
    return f"{value:,.1f}" if score else f"{value:,.0f}"
