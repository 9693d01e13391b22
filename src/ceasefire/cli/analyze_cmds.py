"""``ceasefire analyze`` and ``ceasefire whatif``: the main job and its variations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ceasefire.cli import common

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.analysis import Analysis

DEFAULT_SCENARIO = "alaska-2025"


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``whatif`` to the application."""
    app.command(
        "analyze",
        epilog="Example: ceasefire analyze alaska-2025 --draws 10000 --seed 7 --out report/",
    )(analyze_command)
    app.command(
        "calibrate",
        epilog="Example: ceasefire calibrate alaska-2025 --months 6 --seed 0",
    )(calibrate_command)
    app.command(
        "whatif",
        epilog="Example: ceasefire whatif alaska-2025 --lever arms-package-10bn=on "
               "--set actors.RU.discount_factor=0.95",
    )(whatif_command)


def analyze_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Built-in name or scenario YAML file."),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, help="Monte Carlo draws."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Root seed (default: random, "
                                    "recorded in the results)."),
    horizon: int | None = typer.Option(None, "--horizon", min=1, max=240,
                                       help="Months from each start month (default: scenario's)."),
    out: Path = typer.Option(Path("ceasefire-report"), "--out", help="Folder for report.html."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip the HTML report."),
    decomposition_draws: int = typer.Option(2000, "--decomposition-draws", min=1,
                                            help="Draws for the leverage decomposition."),
    deals: bool = typer.Option(False, "--deals", help="Add the whole deal space to the "
                               "report (solutions, Pareto plot); takes a few seconds more."),
    deals_draws: int = typer.Option(500, "--deals-draws", min=1,
                                    help="Draws for the deal space with --deals."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON on stdout."),
) -> None:
    """Run every engine on a scenario: war paths, war values, proposals, timing, leverage.

    Prints a summary and writes a self-contained HTML report (offline) to --out.
    """
    from ceasefire._memory import keep_freed_memory
    from ceasefire.analysis import analyze

    keep_freed_memory()
    console = common.human_console(as_json)
    with common.progress(console, "analysing") as tell:
        result = analyze(scenario, draws=draws, rng=seed, horizon=horizon,
                         decomposition_draws=decomposition_draws, progress=tell)
        document = result.to_dict()
        report_path = None
        if not no_report:
            tell("report", 0.95)
            report_path = _write_report(result, out, deals_draws if deals else 0)
    if report_path is not None:
        document["run"]["report"] = str(report_path)
    if as_json:
        common.print_json(document)
    print_summary(console, result, document)
    if report_path is not None:
        console.print(f"report: {report_path}", highlight=False)


def _write_report(result: Analysis, out: Path, deals_draws: int) -> Path:
    from ceasefire.report.html import write_report
    from ceasefire.report.sections import extra_sections

    return write_report(result, out, sections=extra_sections(result, deals_draws=deals_draws))


def print_summary(console: Console, result: Analysis, document: dict[str, Any]) -> None:
    """The analyst's summary: window, proposals by party, likely settlement, levers."""
    from rich import box
    from rich.table import Table

    s = result.scenario
    console.rule(f"[bold]{s.name}[/]")
    console.print(f"as of {s.as_of}  ·  {result.draws} draws  ·  seed {result.seed}  ·  "
                  f"horizon {result.horizon} months", highlight=False)
    proposals = document["proposals"]
    if proposals:
        vetoes = [a.id for a in s.actors
                  if any(a.id in p["veto_players"] for p in proposals.values())]
        table = Table(title="Named proposals, signed now: P(accept)", title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("proposal", overflow="fold", max_width=34)
        for actor in vetoes:
            table.add_column(actor, justify="right")
        table.add_column("all", justify="right", style="bold")
        table.add_column("window", justify="right")
        for pid, p in proposals.items():
            cells = [_pct(p["acceptance"][a]) if a in p["veto_players"] else "·" for a in vetoes]
            window = p["window"]["opens"] or "shut"
            table.add_row(pid, *cells, _pct(p["p_all_veto_accept"]), window)
        console.print(table)
        console.print("window: first month in which a deal signed then passes every veto "
                      "with P >= 0.5; · not a veto player for it", style="dim")
        likely = document["likely_settlement"]
        console.print(f"[bold]likely settlement:[/] {likely['proposal']} "
                      f"(P all accept {_pct(likely['p_all_veto_accept'])})", highlight=False)
        if likely["p_all_veto_accept"] < 0.5:
            console.print("  no named proposal passes every veto with P >= 0.5 now; this is "
                          "the least unlikely (see `ceasefire deals` for packages that do)",
                          highlight=False)
        for reason in proposals[likely["proposal"]]["reasons"]:
            console.print(f"  · {reason}", highlight=False)
    line = document.get("line")
    if line:
        _print_line(console, line)
    _print_levers(console, document)
    blockers = document["solutions"]["blocked_by"]
    nash = document["solutions"]["nash"]["proposal"]
    console.print(f"Nash bargaining over the named proposals: {nash or 'no agreement'}"
                  + (f" (blocked by {', '.join(blockers)})" if blockers else ""), highlight=False)


def _print_line(console: Console, line: dict[str, Any]) -> None:
    gainer, loser = line["gainer"], line["loser"]
    low, high = line["gainer_reservation"], line["loser_reservation"]
    console.print(f"[bold]line question[/] ({line['issue']}, 0 = freeze, 100 = all):", )
    console.print(f"  {gainer} accepts a line from x = {_num(low)} (median); "
                  f"{loser} concedes up to x = {_num(high)} (median); "
                  f"zone open in {_pct(line['p_zone_open']['p'])} of draws", highlight=False)
    rub = line["rubinstein"]
    if rub["gainer_first"]:
        console.print(f"  Rubinstein split: x = {rub['gainer_first']['p50']:.0f} if {gainer} "
                      f"proposes first, {rub['loser_first']['p50']:.0f} if {loser} does",
                      highlight=False)


def _print_levers(console: Console, document: dict[str, Any], top: int = 5) -> None:
    from rich import box
    from rich.table import Table

    levers = document["leverage"]["levers"]
    if not levers:
        return
    impact = {lid: max((abs(v) for v in e["p_all_veto_accept"].values()), default=0.0)
              for lid, e in levers.items()}
    table = Table(title=f"Levers that matter most (with minus without, "
                        f"{document['leverage']['draws']} draws)", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("lever", overflow="fold", max_width=34)
    belligerents = list(document["gains_km2"])
    for actor in belligerents:
        table.add_column(f"W {actor}", justify="right")
    table.add_column("max ΔP all", justify="right")
    for lid in sorted(impact, key=lambda k: -impact[k])[:top]:
        w = levers[lid]["war_value"]
        table.add_row(lid, *[f"{w[a]:+.1f}" for a in belligerents], f"{impact[lid]:.0%}")
    console.print(table)


def _pct(p: float | None) -> str:
    return "–" if p is None else f"{p:.0%}"


def _num(summary: dict[str, float] | None) -> str:
    return "none" if summary is None else f"{summary['p50']:.0f}"


def whatif_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Built-in name or scenario YAML file."),
    set_: list[str] = typer.Option([], "--set", help="PATH=VALUE, e.g. "
                                   "actors.RU.discount_factor=0.95 (repeatable)."),
    lever: list[str] = typer.Option([], "--lever", help="ID=on|off (repeatable)."),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, help="Monte Carlo draws."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Root seed (shared by both runs)."),
    horizon: int | None = typer.Option(None, "--horizon", min=1, max=240),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Re-run the analysis with levers or parameters changed and show the difference.

    Both runs share one seed, so differences are the change's effect on the same draws.
    """
    from rich.table import Table

    from ceasefire.errors import InputError
    from ceasefire.scenario.edit import parse_assignment
    from ceasefire.whatif import whatif

    changes = dict(parse_assignment(item) for item in set_)
    levers = {}
    for item in lever:
        lever_id, sep, state = item.partition("=")
        if not sep or state not in ("on", "off"):
            raise InputError(f"--lever {item!r}: expected ID=on or ID=off, e.g. arms-package=off")
        levers[lever_id] = state == "on"
    if not changes and not levers:
        raise InputError("whatif needs at least one --set PATH=VALUE or --lever ID=on|off")
    console = common.human_console(as_json)
    with common.progress(console, "what-if"):
        result = whatif(scenario, changes=changes, levers=levers, draws=draws, rng=seed,
                        horizon=horizon, decomposition_draws=min(draws, 500))
        document = result.to_dict()
    if as_json:
        common.print_json(document)
    table = Table(title="P(accept), signed now: base → variant", title_justify="left")
    table.add_column("proposal", overflow="fold", max_width=26)
    actors = [a.id for a in result.base.scenario.actors if a.veto == "all"]
    for actor in actors:
        table.add_column(actor, justify="right")
    table.add_column("all", justify="right", style="bold")
    for pid, p in document["proposals"].items():
        cells = [_change(p["acceptance"][a]) for a in actors]
        table.add_row(pid, *cells, _change(p["p_all_veto_accept"]))
    console.print(table)
    for actor, w in document["war_value"].items():
        console.print(f"war value {actor}: {w['base']:.1f} → {w['variant']:.1f} "
                      f"({w['difference']:+.1f})", highlight=False)
    likely = document["likely_settlement"]
    console.print(f"likely settlement: {likely['base']['proposal']} → "
                  f"{likely['variant']['proposal']}", highlight=False)


def _change(t: dict[str, float]) -> str:
    return f"{t['base']:.0%}→{t['variant']:.0%}"


def calibrate_command(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Built-in name or scenario YAML file."),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed."),
    months: int = typer.Option(6, "--months", min=1, max=48, help="First months to summarise."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Show what the model says about the first months, to set beside the record.

    Monthly gains and daily casualties of each belligerent, oil and gas revenue in month
    0 against its reference level, and when each fortified region falls.
    """
    import time

    from rich.table import Table

    from ceasefire.analysis import scenario_meta
    from ceasefire.calibration import calibrate
    from ceasefire.results import envelope
    from ceasefire.scenario import load_scenario

    loaded = load_scenario(scenario)
    started = time.perf_counter()
    result = calibrate(loaded, draws=draws, rng=seed, months=months)
    console = common.human_console(as_json)
    if as_json:
        document = envelope("calibrate", scenario=scenario_meta(loaded), seed=seed, draws=draws)
        document.update(result.to_dict())
        document["run"] = {"wall_s": {"total": round(time.perf_counter() - started, 4)}}
        common.print_json(document)
    table = Table(title=f"{loaded.id}: first {months} months (p10 / p50 / p90)",
                  title_justify="left")
    table.add_column("quantity")
    table.add_column("model", justify="right")

    def bands(b: dict[str, float], fmt: str) -> str:
        return " / ".join(format(b[k], fmt) for k in ("p10", "p50", "p90"))

    for actor, b in result.gains_km2_per_month.items():
        table.add_row(f"{actor} gains, km² a month", bands(b, ",.0f"))
    for actor, b in result.casualties_per_day.items():
        table.add_row(f"{actor} casualties a day", bands(b, ",.0f"))
    for actor, b in result.revenue_vs_reference.items():
        table.add_row(f"{actor} oil and gas revenue vs reference (month 0)", bands(b, "+.1%"))
    for region, fall in result.months_to_fall.items():
        when = "holds out" if fall["p50"] is None else f"month {fall['p50']:.0f} (median)"
        table.add_row(f"{region}: falls ({fall['share_taken']:.0%} of draws)", when)
    console.print(table)
