"""The ``sweep`` command: the equilibrium over millions of draws, here or on a Dask cluster.

It parses, calls :func:`ceasefire.sweep.run_sweep` with a progress bar (draws, rate, time
left) on standard error, and renders the :class:`~ceasefire.results.SweepResult`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import text

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.results import Estimate, SweepResult

__all__ = ["register", "sweep"]

_EXAMPLE = """

Example: ceasefire sweep alaska-2025 --draws 1000000 --workers 2 --seed 7
(on a cluster: --scheduler tcp://HOST:8786; see docs/cluster.md)
"""


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to ``app``."""
    app.command("sweep", help="Sweep the bargaining equilibrium over many draws, in blocks "
                "of constant memory, in this process, on local processes (--workers) or on a "
                "Dask cluster (--scheduler): the same numbers wherever it runs." + _EXAMPLE,
                )(sweep)


def sweep(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                            help="A built-in scenario name or a YAML file.",
                                            autocompletion=complete.scenarios)],
    draws: Annotated[int, typer.Option("--draws", "-n", help="Total draws (any number: "
                                       "memory depends on --block, not on this).")] = 100_000,
    block: Annotated[int, typer.Option("--block", help="Draws per block; the last block "
                                       "holds what is left.")] = 2000,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1, help="Root "
                                             "seed (default: drawn and recorded).")] = None,
    fit_draws: Annotated[int, typer.Option("--fit-draws", help="Draws of the one backward "
                                           "induction every block shares.")] = 2000,
    fitting_paths: Annotated[int, typer.Option("--fitting-paths", min=1, max=64,
                                               help="Fitting paths per draw of the fit.")] = 4,
    candidates: Annotated[int, typer.Option("--candidates", min=1, max=128, help="Packages "
                                            "the solver may offer (at most 128).")] = 48,
    horizon: Annotated[int | None, typer.Option("--horizon", min=1, max=240, help="Months "
                                                "reported (default: the scenario's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-w", help="Run the blocks on "
                                                "a local Dask cluster of this many processes "
                                                "(default: in this process).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS",
                                                  help="Run the blocks on the Dask cluster "
                                                  "whose scheduler is at ADDRESS "
                                                  "(tcp://HOST:PORT).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on "
                                          "standard output.")] = False,
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Sweep a scenario's bargaining equilibrium over many draws."""
    from ceasefire._memory import keep_freed_memory
    from ceasefire.bargaining.equilibrium import SolverOptions
    from ceasefire.sweep import run_sweep
    from ceasefire.sweep.run import check_sweep

    scheduler = check_sweep(draws=draws, block=block, fit_draws=fit_draws, workers=workers,
                            scheduler=scheduler)
    solver = SolverOptions.of(fitting_paths=fitting_paths, candidates=candidates)
    recording = common.Recording("sweep", scenario, store=store, no_store=no_store)
    keep_freed_memory()
    console = common.human_console(as_json)
    with _progress() as tell:
        result = run_sweep(scenario, draws=draws, block=block, rng=seed, fit_draws=fit_draws,
                           solver=solver, horizon=horizon, workers=workers,
                           scheduler=scheduler, progress=tell)
    result = recording.save(result)
    if as_json:
        common.print_json(result.to_dict())
        return
    print_summary(console, result)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on standard error: the fit, then draws done, draws a second, time left.

    Nothing is drawn unless standard error is a terminal, so logs and tests stay clean.
    """
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Done(ProgressColumn):
        """Draws done of the sweep; a percentage of the fit."""

        def render(self, task: Any) -> Text:
            if not task.fields.get("draws"):
                return Text(f"{task.percentage:3.0f}%", style="progress.percentage")
            return Text(f"{int(task.completed):,}/{int(task.total or 0):,} draws",
                        style="progress.download")

    class Rate(ProgressColumn):
        """Draws a second, once the sweep has begun."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            if not task.fields.get("draws") or not speed:
                return Text("")
            return Text(f"{speed:,.0f} draws/s", style="progress.data.speed")

    console = common.err_console
    with Progress(TextColumn("{task.description}"), BarColumn(), Done(), Rate(),
                  TimeRemainingColumn(), TimeElapsedColumn(), console=console,
                  transient=True, disable=not console.is_terminal) as bar:
        fit = bar.add_task("fitting the game", total=1000)
        sweeping: list[Any] = []

        def tell(stage: str, done: int, total: int) -> None:
            if stage == "fit":
                bar.update(fit, completed=done, total=total)
                return
            if not sweeping:
                bar.update(fit, visible=False)
                sweeping.append(bar.add_task("sweeping", total=total, draws=True))
            bar.update(sweeping[0], completed=done)

        yield tell


def _estimate(e: Estimate) -> str:
    return f"{e.p:.1%} ± {e.se:.1%}"


def print_summary(console: Console, result: SweepResult) -> None:
    """The sweep's answers as tables."""
    console.print(text(result.headline(), "bold"), highlight=False)
    months = list(result.by_month)
    timing = common.table("by the end of", "P(deal signed)", "P(deal in force)",
                          title="A comprehensive deal", numbers=("P(deal signed)",
                                                                 "P(deal in force)"))
    for index in sorted({5, 11, 23, len(months) - 1} & set(range(len(months)))):
        month = months[index]
        timing.add_row(month, _estimate(result.by_month[month]),
                       _estimate(result.in_force[month]))
    console.print(timing)
    if result.packages:
        packages = common.table("package", "P(signed first)", "median month",
                                title="Agreed packages", wrap=("package",),
                                numbers=("P(signed first)",))
        for package in result.packages[:5]:
            packages.add_row(common.labelled(package.id, package.name), _estimate(package.p),
                             package.median_month)
        console.print(packages)
    if result.proposals:
        actors = list(next(iter(result.proposals.values())).acceptance)
        proposals = common.table("proposal offered now", *actors, "all veto players",
                                 title="Acceptance now", numbers=(*actors, "all veto players"))
        for pid, proposal in result.proposals.items():
            proposals.add_row(text(pid), *(f"{proposal.acceptance[a].p:.1%}" for a in actors),
                              _estimate(proposal.p_all_veto_accept))
        console.print(proposals)
    control = common.table("region", "actor", "mean ± se", "p10", "p50", "p90",
                           title=f"Control at {result.control_month}",
                           numbers=("mean ± se", "p10", "p50", "p90"))
    for region, sides in result.control.items():
        for actor, d in sides.items():
            control.add_row(text(region), actor, f"{d.mean:.3f} ± {d.se:.3f}", f"{d.p10:.2f}",
                            f"{d.p50:.2f}", f"{d.p90:.2f}")
    console.print(control)
    run = result.run
    console.print(text(f"{result.draws:,} draws in {result.blocks:,} blocks, "
                       f"{run.get('where', '')}: {run.get('draws_per_s', 0):,.0f} draws/s "
                       f"after a {run.get('wall_s', {}).get('fit', 0):.1f} s fit"),
                  highlight=False)
