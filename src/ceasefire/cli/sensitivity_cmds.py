"""The ``sensitivity`` command: which uncertain parameters drive each output, and by how much.

It parses arguments, checks them before any work, calls
:func:`ceasefire.sensitivity.sensitivity` and renders the typed result (an indices table
per output, and with ``--plot`` a tornado chart page); numbers come from the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["register", "sensitivity_command"]

METHODS = ("sobol", "morris")  # ceasefire.sensitivity.design.METHODS (kept import-free here)

_EXAMPLE = """

Example: ceasefire sensitivity tutorial --method sobol --draws 64 --outputs deal --plot s.html
"""


def register(app: typer.Typer) -> None:
    """Add the ``sensitivity`` command to ``app``."""
    app.command("sensitivity", help="Which uncertain parameters drive the forecast: Sobol "
                "first- and total-order indices or Morris screening over every uncertain "
                "parameter's own range, for P(deal within 12 and 24 months), each party's "
                "acceptance of each named proposal, control at the horizon and the line "
                "question's reservation points."
                + _EXAMPLE)(sensitivity_command)


def sensitivity_command(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                            help="A built-in scenario name or a YAML file.",
                                            autocompletion=complete.scenarios)],
    method: Annotated[str, typer.Option("--method", metavar="sobol|morris",
                                        help="sobol: first- and total-order indices; "
                                        "morris: screening (mu*, sigma), cheaper with many "
                                        "parameters.")] = "sobol",
    outputs: Annotated[list[str] | None, typer.Option(
        "--outputs", help="Outputs to explain (repeatable or comma-separated): deal, "
        "accept, control, regions, line, all, an id such as deal-12, accept.freeze.NO or "
        "line.NO, or a glob. Default: deal, accept, control, line.")] = None,
    parameters: Annotated[list[str] | None, typer.Option(
        "--parameters", help="Globs of the parameters to analyse, e.g. 'actors.*' "
        "(repeatable; default: every uncertain parameter; the others stay at their "
        "central values).")] = None,
    draws: Annotated[int, typer.Option("--draws", min=2, max=65_536,
                                       help="Sobol base samples (a power of two) or Morris "
                                       "trajectories.")] = 64,
    replicates: Annotated[int, typer.Option("--replicates", min=1, max=256,
                                            help="Forward paths averaged per sample row.")] = 4,
    fit_draws: Annotated[int, typer.Option("--fit-draws", min=20, max=20_000,
                                           help="Outer draws of the one fit of the "
                                           "bargaining game.")] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1,
                                             help="Root seed (default: drawn and "
                                             "recorded).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256,
                                                help="Play the sample on a local cluster of "
                                                "K processes (same numbers).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS",
                                                  help="Play the sample on a Dask cluster "
                                                  "(tcp://host:8786).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=1000,
                                     help="Parameters listed per output.")] = 8,
    plot: Annotated[Path | None, typer.Option("--plot", metavar="FILE.html",
                                              help="Write a tornado chart and an indices "
                                              "table per output to an HTML page.")] = None,
    list_only: Annotated[bool, typer.Option("--list", help="List the uncertain parameters "
                                            "and the outputs, and stop.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on "
                                          "standard output.")] = False,
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Sensitivity of the forecast to every uncertain parameter."""
    if method not in METHODS:
        raise InputError(f"--method: got {method!r}; allowed: {', '.join(METHODS)}")
    if plot is not None:
        if plot.suffix.lower() not in (".html", ".htm"):
            raise InputError(f"--plot {plot}: the page is HTML; fix: name it e.g. "
                             "sensitivity.html")
        common.check_output(plot, "--plot")
    if workers is not None and scheduler is not None:
        raise InputError(f"--workers {workers} and --scheduler {scheduler!r}: give one of them")
    from ceasefire.sensitivity.run import SensitivityOptions, check

    options = SensitivityOptions.of(
        method=method, samples=draws, replicates=replicates, fit_draws=fit_draws,
        outputs=tuple(outputs) if outputs else None,
        parameters=tuple(parameters) if parameters else None)
    checked = check(scenario, options)  # outputs, parameters and draws, before any work
    if list_only:
        _list(common.human_console(as_json), checked, as_json)
        return
    if scheduler is not None:
        from ceasefire.sweep.blocks import check_scheduler

        scheduler = check_scheduler(scheduler)
    recording = common.Recording("sensitivity", scenario, store=store, no_store=no_store)
    from ceasefire.sensitivity import sensitivity

    console = common.human_console(as_json)
    with common.progress(console, "sensitivity") as tell:
        result = sensitivity(scenario, options, rng=seed, workers=workers,
                             scheduler=scheduler, progress=tell)
    if plot is not None:
        from ceasefire.report.sensitivity_figures import write_sensitivity_html

        write_sensitivity_html(result, plot)
        result = result.with_run(plot=str(plot))
    result = recording.save(result, outputs={"plot": None})
    if as_json:
        common.print_json(result.to_dict())
        return
    _render(console, result, top)


def _list(console: Console, checked: Any, as_json: bool) -> None:
    scenario, outputs, chosen, _ = checked
    if as_json:
        common.print_json({"scenario": scenario.id,
                           "parameters": {p.path: p.describe() for p in chosen},
                           "outputs": {o.id: o.label for o in outputs}})
        return
    table = common.table("parameter", "distribution", title=f"{len(chosen)} uncertain "
                         f"parameters of {scenario.id}")
    for p in chosen:
        table.add_row(common.clean(p.path), common.clean(p.describe()))
    console.print(table)
    table = common.table("output", "meaning", title="outputs")
    for o in outputs:
        table.add_row(common.clean(o.id), common.clean(o.label))
    console.print(table)


def _render(console: Console, result: Any, top: int) -> None:
    """One table per output: the leading parameters with their indices and CIs."""
    from rich.text import Text

    clean = common.clean
    console.print(Text.assemble(
        (clean(result.scenario.id), "bold"),
        f": {result.method}, {len(result.parameters)} parameters, {result.samples} samples x "
        f"{result.replicates} replicates = {result.evaluations:,} forward paths, seed "
        f"{result.seed}; fit on {result.fit.draws:,} draws"
        + (" (refitted)" if result.fit.refit else "")))
    ci = f"±{100 * result.confidence:.0f}% CI"
    for name, output in result.outputs.items():
        if output.variance <= 0:
            continue
        title = f"{clean(output.label)}  mean {output.mean:.3f}"
        if result.method == "sobol":
            table = common.table("parameter", "S1", ci, "ST", ci + " ", title=title,
                                 numbers=("S1", ci, "ST", ci + " "))
        else:
            table = common.table("parameter", "mu*", ci, "sigma", title=title,
                                 numbers=("mu*", ci, "sigma"))
        for path, index in result.ranking(name, top):
            if result.method == "sobol":
                table.add_row(clean(path), _f(index.first), _f(index.first_ci),
                              _f(index.total), _f(index.total_ci))
            else:
                table.add_row(clean(path), _f(index.mu_star), _f(index.mu_star_ci),
                              _f(index.sigma))
        if output.chance is not None:
            table.add_row("(chance)", _f(output.chance.first), _f(output.chance.first_ci),
                          _f(output.chance.total), _f(output.chance.total_ci))
        console.print(table)
    for note in result.notes:
        common.hanging(console, "note: ", note)


def _f(value: float | None) -> str:
    return "·" if value is None else f"{value:.3f}"
