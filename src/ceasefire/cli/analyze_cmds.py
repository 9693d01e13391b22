"""``ceasefire analyze``, ``whatif``, ``calibrate`` and ``report``: the main job and its variations.

The commands parse, call the workflows (:mod:`ceasefire.workflows`) and render the typed
results they return; every number and every rule comes from the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import text

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.results import (
        AnalyzeResult,
        Difference,
        Effect,
        Estimate,
        LineQuestion,
        Summary,
    )
    from ceasefire.results.analyze import ProbabilityTriple

DEFAULT_SCENARIO = "alaska-2025"
ANALYZE_DRAWS_MAX = 20_000  # ceasefire.bargaining.analysis.MAX_DRAWS (kept import-free here)


def register(app: typer.Typer) -> None:
    """Add ``analyze``, ``calibrate``, ``whatif`` and ``report`` to the application."""
    app.command(
        "analyze",
        epilog="Example: ceasefire analyze tutorial --draws 500 --seed 7 --out report/",
    )(analyze_command)
    app.command(
        "calibrate",
        epilog="Example: ceasefire calibrate tutorial --months 6 --seed 0",
    )(calibrate_command)
    app.command(
        "whatif",
        epilog="Example: ceasefire whatif tutorial --draws 300 --lever arms-package=off "
               "--set actors.SO.discount_factor=0.95",
    )(whatif_command)
    app.command(
        "report",
        epilog="Example: ceasefire analyze tutorial --json --no-report > results.json && "
               "ceasefire report results.json --out report/",
    )(report_command)


def _scenario_argument() -> typer.models.ArgumentInfo:
    return typer.Argument(DEFAULT_SCENARIO, help="Built-in name or scenario YAML file.",
                          autocompletion=complete.scenarios)


def analyze_command(
    scenario: str = _scenario_argument(),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, max=ANALYZE_DRAWS_MAX,
                              help=f"Monte Carlo draws (at most {ANALYZE_DRAWS_MAX:,}: every "
                                   "draw's war paths are kept in memory)."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Root seed (default: random, "
                                    "recorded in the results)."),
    horizon: int | None = typer.Option(None, "--horizon", min=1, max=240,
                                       help="Months from each start month (default: scenario's)."),
    out: Path = typer.Option(Path("ceasefire-report"), "--out", help="Folder for report.html."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip the HTML report."),
    decomposition_draws: int = typer.Option(500, "--decomposition-draws", min=1,
                                            max=ANALYZE_DRAWS_MAX,
                                            help="Draws for the leverage decomposition (it "
                                                 "re-solves the equilibrium per factor)."),
    leverage: bool = typer.Option(True, "--leverage/--no-leverage",
                                  help="Run the leverage decomposition; --no-leverage leaves "
                                       "it out (as the web app's analyze does), which saves "
                                       "one equilibrium per factor."),
    deals: bool = typer.Option(False, "--deals", help="Add the whole deal space (solutions, "
                               "zone, Pareto plot) to the results and the report."),
    deals_draws: int = typer.Option(500, "--deals-draws", min=1, max=ANALYZE_DRAWS_MAX,
                                    help="Draws for the deal space with --deals."),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="Add what drives the "
                                     "answer: Morris screening of every uncertain parameter "
                                     "(docs/sensitivity.md), a tornado chart and an indices "
                                     "table, on a subset of the draws."),
    sensitivity_draws: int = typer.Option(250, "--sensitivity-draws", min=20,
                                          max=ANALYZE_DRAWS_MAX,
                                          help="Draws (the analysis's first, same seed) the "
                                               "game is fitted on with --sensitivity."),
    sensitivity_samples: int = typer.Option(8, "--sensitivity-samples", min=2, max=1024,
                                            help="Morris trajectories with --sensitivity "
                                                 "(each plays parameters + 1 forward "
                                                 "paths)."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=64,
                                help="Threads for independent runs (the war paths of each "
                                     "lever, chunks of packages); with --sensitivity, "
                                     "local processes for its sample (with Dask)."),
    fitting_paths: int = typer.Option(4, "--fitting-paths", min=1, max=64,
                                      help="Fitting paths per draw for the bargaining "
                                           "solver's continuation-value regressions."),
    candidates: int = typer.Option(48, "--candidates", min=1, max=128,
                                   help="Packages the solver may offer: the named proposals "
                                        "plus searched ones (at most 128)."),
    fits: int = typer.Option(1, "--fits", min=1, max=16,
                             help="Fit the bargaining game this many times on independent "
                                  "fitting paths and report the agreement forecast's spread "
                                  "across the fits (the fit's own noise, which the ± leaves "
                                  "out); each fit costs about as much as the first."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON on stdout."),
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Run every engine on a scenario: war paths, bargaining month by month, leverage.

    Prints a summary and writes a self-contained HTML report (offline) to --out.
    """
    from ceasefire._memory import keep_freed_memory
    from ceasefire.workflows import DealOptions, analyze
    from ceasefire.workflows.analyze import sensitivity_options

    if not no_report:
        common.check_output(out / "report.html", "--out")
    screening = (sensitivity_options(fit_draws=min(sensitivity_draws, draws),
                                     samples=sensitivity_samples) if sensitivity else None)
    recording = common.Recording("analyze", scenario, store=store, no_store=no_store)
    keep_freed_memory()
    console = common.human_console(as_json)
    with common.progress(console, "analysing") as tell:
        result = analyze(scenario, rng=seed, draws=draws, horizon=horizon,
                         decomposition_draws=decomposition_draws, leverage=leverage,
                         workers=workers,
                         fitting_paths=fitting_paths, candidates=candidates, fits=fits,
                         deals=DealOptions(draws=deals_draws) if deals else None,
                         sensitivity=screening, sensitivity_workers=_processes(workers),
                         progress=tell)
        if not no_report:
            tell("report", 0.95)
            result = result.with_run(report=str(_write_report(result, scenario, out)))
    result = recording.save(result, outputs={"no_report": True, "out": None})
    if as_json:
        common.print_json(result.to_dict())
        return
    print_summary(console, result)
    if "report" in result.run:
        console.print(text(f"report: {result.run['report']}"), highlight=False)


def _processes(workers: int) -> int | None:
    """Local processes for the sensitivity's sample: ``workers`` where Dask is installed."""
    from importlib.util import find_spec

    return workers if workers > 1 and find_spec("distributed") is not None else None


def _write_report(result: AnalyzeResult, scenario: str, out: Path) -> Path:
    from ceasefire.report import write_report
    from ceasefire.workflows import scenario_of

    return write_report(result, scenario_of(scenario, horizon=result.horizon_months), out)


def report_command(
    results: str = typer.Argument(..., metavar="RESULTS|RUN_ID", help="A results file written "
                                  "by `ceasefire analyze --json`, or the id of a stored "
                                  "analyze run (`ceasefire runs list`).", show_default=False),
    scenario: str | None = typer.Option(None, "--scenario", help="The scenario it was run "
                                        "on (default: a stored run's own scenario text, or "
                                        "the built-in named in the file)."),
    out: Path = typer.Option(Path("ceasefire-report"), "--out", help="Folder for report.html."),
    store: common.StoreReadOption = None,
) -> None:
    """Render the HTML report of a saved or stored ``analyze`` result, running no engine.

    The scenario supplies the map and the sources; its content hash must match the one
    recorded in the results.
    """
    from ceasefire.errors import InputError
    from ceasefire.report import write_report
    from ceasefire.results import AnalyzeResult, ScenarioMeta, load_result
    from ceasefire.workflows import scenario_of

    common.check_output(out / "report.html", "--out")
    source, stored_text = results, None
    if Path(results).exists() or not _looks_like_run_id(results):
        document = _read_results(Path(results))
    else:
        from ceasefire.store import RunStore

        try:
            run = RunStore(store).get(results)
        except InputError as error:
            raise InputError(f"{results}: no such results file, and {error}") from None
        source, document, stored_text = f"run {run.id}", run.result, run.scenario_text
    result = load_result(document)
    if not isinstance(result, AnalyzeResult):
        raise InputError(f"{source}: a {result.kind!r} result; the report renders "
                         "'analyze' results (fix: ceasefire analyze ... --json > FILE)")
    if scenario is None and stored_text is not None:
        from ceasefire.scenario import read_scenario_text

        loaded = read_scenario_text(stored_text, file=f"{source} (stored scenario)").model_copy(
            update={"horizon_months": result.horizon_months})
    else:
        loaded = scenario_of(scenario or result.scenario.id, horizon=result.horizon_months)
    if ScenarioMeta.of(loaded).hash != result.scenario.hash:
        raise InputError(f"{source}: was run on a different version of scenario "
                         f"{result.scenario.id!r} (content hash differs); fix: pass the "
                         "scenario file it was run on with --scenario")
    path = write_report(result, loaded, out)
    common.err_console.print(text(f"report: {path}"), highlight=False)


def _looks_like_run_id(value: str) -> bool:
    """A run id, a prefix of one, ``last`` or ``last~N`` (never a path with a suffix)."""
    import re

    return re.fullmatch(r"[0-9a-f]{1,32}|last(~[0-9]+)?", value.strip()) is not None


def _read_results(results: Path) -> dict:
    from ceasefire.errors import InputError

    try:
        return json.loads(results.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{results}: cannot read it ({error.__class__.__name__}: "
                         f"{getattr(error, 'strerror', None) or error}); fix: check the path "
                         "(or give a run id from `ceasefire runs list`)") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(f"{results}: not a JSON document ({error}); fix: pass the output "
                         "of `ceasefire analyze --json`") from None


def print_summary(console: Console, result: AnalyzeResult) -> None:
    """The analyst's summary: window, proposals by party, likely settlement, levers."""
    scenario = result.scenario
    console.rule(text(f"{scenario.id} as of {scenario.as_of}", "bold"))
    console.print(text(f"{result.draws:,} draws · seed {result.seed} · horizon "
                       f"{result.horizon_months} months"), highlight=False)
    proposals = result.proposals
    if not proposals:
        console.print("The scenario names no proposals: nothing to score. Add some under "
                      "`proposals`, or explore every package with `ceasefire deals`.")
    else:
        vetoes = [a for a in _actors(result) if any(a in p.veto_players
                                                    for p in proposals.values())]
        table = common.table("proposal", *vetoes, "all", "window opens",
                             title="Named proposals signed now: P(accept), % of draws",
                             numbers=(*vetoes, "all"))
        for pid, p in proposals.items():
            cells = [_pct(p.acceptance[a]) if a in p.veto_players else "·" for a in vetoes]
            table.add_row(text(pid), *cells, _pct(p.p_all_veto_accept),
                          p.window.opens or "not within 12 months")
        console.print(table)
        console.print(f"window: the first month in which a deal signed then passes every veto "
                      f"with P ≥ {next(iter(proposals.values())).window.p_star:.0%}; "
                      "· = not a veto player for it", style="dim", highlight=False)
        likely = result.likely_settlement
        if likely is not None:
            console.print(text(f"likely settlement: {likely.proposal} (P all accept "
                               f"{_pct(likely.p_all_veto_accept)}, ± "
                               f"{likely.p_all_veto_accept.se:.0%})", "bold"), highlight=False)
            if likely.p_all_veto_accept.p < 0.5:
                common.hanging(console, "  ", "no named proposal passes every veto with "
                               "P ≥ 50% now; this is the least unlikely (`ceasefire deals` "
                               "shows packages that do)")
            for reason in proposals[likely.proposal].reasons:
                common.hanging(console, "  · ", reason)
    if result.agreement is not None:
        _print_agreement(console, result)
    if result.line is not None:
        _print_line(console, result.line)
    _print_levers(console, result)
    if result.sensitivity is not None:
        _print_sensitivity(console, result)
    nash = result.solutions.get("nash")
    answer = nash.proposal if nash is not None and nash.proposal else "no agreement"
    blocked = f" (blocked by {', '.join(result.blockers)})" if result.blockers else ""
    console.print(text(f"Nash bargaining over the named proposals: {answer}{blocked}"),
                  highlight=False)


def _actors(result: AnalyzeResult) -> list[str]:
    return list(result.war_value)


def _print_agreement(console: Console, result: AnalyzeResult) -> None:
    """When a deal is signed on the solver's paths, what is signed and who refuses now."""
    a = result.agreement
    if a is None:
        return

    def pm(e: Estimate) -> str:
        return f"{e.p:.0%} ± {e.se:.0%}"

    short = f" (the window is {a.months} months)" if a.months < 24 else ""
    median = f"median month {a.median_month}" if a.median_month else "too few sign for a median"
    console.print(text(f"Deal signed within 12 months: {pm(a.p_within_12)}; within 24: "
                       f"{pm(a.p_within_24)}{short}; {median}", "bold"), highlight=False)
    if a.fit_noise is not None:
        common.hanging(console, "  ", a.fit_noise.headline())
    if a.packages:
        top = a.packages[0]
        common.hanging(console, "  ", f"most likely package: {top.id} ({top.name}), "
                       f"{pm(top.p)}, median month {top.median_month}")
        if len(a.plateau) > 1:
            shared = ", ".join(f"{k}: {v}" for k, v in a.plateau_shares.items())
            common.hanging(console, "  ", f"plateau of {len(a.plateau)} packages within "
                           f"Monte Carlo error, sharing {shared or 'no term'}")
    else:
        common.hanging(console, "  ", "no path signs a deal within the window")
    named = [p.id for p in a.packages if not p.searched and p.id in result.timing]
    likely = result.likely_settlement
    pid = (named[0] if named else likely.proposal if likely is not None and likely.proposal
           else next(iter(result.timing), None))
    if pid is not None:
        binding = result.timing[pid][result.start_months[0]].binding
        refused = ", ".join(f"{actor} ({reason})" for actor, reason in binding.items())
        common.hanging(console, "  ", f"{pid} now refused by {refused}" if refused else
                       f"{pid} now accepted by every veto player in at least half the draws")


def _print_line(console: Console, line: LineQuestion) -> None:
    gainer, loser = line.gainer, line.loser
    console.print(text(f"line question ({line.issue}; x from 0 = today's line to 100 = all "
                       f"of it to {gainer}):", "bold"), highlight=False)
    common.hanging(console, "  ", f"{gainer} accepts a line from x = "
                   f"{_num(line.gainer_reservation)} (median); {loser} concedes up to x = "
                   f"{_num(line.loser_reservation)} (median); a zone of agreement is open in "
                   f"{_pct(line.p_zone_open)} of draws")
    rub = line.rubinstein
    if rub.gainer_first is not None and rub.loser_first is not None:
        common.hanging(console, "  ", f"Rubinstein's split of the surpluses: x = "
                       f"{rub.gainer_first.p50:.0f} if {gainer} proposes first, "
                       f"{rub.loser_first.p50:.0f} if {loser} does (medians over draws with a "
                       "zone)")
    scale = line.modelled_area_km2 / line.reference_area_km2
    common.hanging(console, "  ", f"x = 100 is {loser}'s {line.modelled_area_km2:,.0f} km² "
                   f"in the line's regions at month 0; the cited figure is "
                   f"{line.reference_area_km2:,.0f} km², so x on the cited scale is "
                   f"{scale:.2f} × x")


def _print_levers(console: Console, result: AnalyzeResult) -> None:
    """Each factor's effect on the equilibrium (with its levers minus without them)."""
    leverage = result.leverage
    factors = leverage.factors
    if not factors:
        return

    def points(d: Difference, spread: float | None = None) -> str:
        fits = "" if spread is None else f" (fits {100 * spread:.0f})"
        return f"{100 * d.d:+.0f} ± {100 * d.se:.0f}{fits}"

    def largest(e: Effect) -> Difference | None:
        return max(e.p_all_veto_accept.values(), key=lambda d: abs(d.d), default=None)

    def impact(e: Effect) -> float:
        top = largest(e)
        return max(abs(e.p_within_12.d), abs(e.p_within_24.d), abs(top.d) if top else 0.0)

    belligerents = [a for a in result.gains_km2 if any(a in e.continuation
                                                       for e in factors.values())]
    value_columns = [f"C {a}" for a in belligerents]
    columns = ("deal ≤ 12 mo", "deal ≤ 24 mo", "P(all accept)", *value_columns)
    # the changes wrap in a narrow terminal rather than lose their last digits
    table = common.table("factor", *columns,
                         title=f"Factors (with their levers minus without them, "
                               f"{leverage.draws:,} draws, re-solved)", numbers=columns,
                         wrap=columns)
    for factor in sorted(factors, key=lambda f: -impact(factors[f])):
        e = factors[factor]
        top = largest(e)
        spread = e.fit_differences
        table.add_row(text(factor),
                      points(e.p_within_12, spread and spread.sd_within_12),
                      points(e.p_within_24, spread and spread.sd_within_24),
                      points(top) if top is not None else "–",
                      *[f"{e.continuation[a].d:+.2f}" if a in e.continuation else "·"
                        for a in belligerents])
    console.print(table)
    console.print("changes in percentage points ± one paired standard error (fits: their sd "
                  "across the --fits fits, which the ± leaves out); P(all accept): "
                  "the named proposal offered now it moves most; C: continuation value now, "
                  "in the party's war-cost annuities; per-lever effects are not computed "
                  "(time budget)", style="dim", highlight=False)


def _print_sensitivity(console: Console, result: AnalyzeResult) -> None:
    """The parameters that move the headline output most (the report has the rest)."""
    from ceasefire.report.sensitivity_figures import headline_output

    sens = result.sensitivity
    if sens is None:
        return
    draws = sens.fit.draws
    subset = (f"the game fitted on the first {draws:,} of {result.draws:,} draws, a subset"
              if draws < result.draws else f"the game fitted on all {draws:,} draws")
    name = headline_output(sens)
    if name is None:
        common.hanging(console, "what drives the answer: ", f"no output varied over the "
                       f"sample ({sens.method}, {subset})")
        return
    measure = "mu*" if sens.method == "morris" else "ST"
    lead = ", ".join(f"{path} ({measure} {index.importance:.2g})"
                     for path, index in sens.ranking(name, 3))
    common.hanging(console, "what drives the answer: ", f"{sens.outputs[name].label}: "
                   f"{lead} ({sens.method}, {sens.samples} samples, {subset}; every "
                   "output in --json and the report)")


def _pct(p: Estimate | float | None) -> str:
    if p is None:
        return "–"
    value = p if isinstance(p, float) else p.p
    return f"{value:.0%}"


def _num(summary: Summary | None) -> str:
    return "none" if summary is None else f"{summary.p50:.0f}"


def whatif_command(
    scenario: str = _scenario_argument(),
    set_: list[str] = typer.Option([], "--set", help="PATH=VALUE, e.g. "
                                   "actors.RU.discount_factor=0.95 (repeatable).",
                                   autocompletion=complete.parameters),
    lever: list[str] = typer.Option([], "--lever", help="ID=on|off (repeatable).",
                                    autocompletion=complete.levers),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, max=ANALYZE_DRAWS_MAX,
                              help=f"Monte Carlo draws (at most {ANALYZE_DRAWS_MAX:,})."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Root seed (shared by both runs)."),
    horizon: int | None = typer.Option(None, "--horizon", min=1, max=240),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=64,
                                help="Threads for independent runs."),
    fits: int = typer.Option(1, "--fits", min=1, max=16,
                             help="Fit both games this many times on independent fitting "
                                  "paths (fit k of each run shares its random numbers) and "
                                  "show how much the change in the agreement forecast moves "
                                  "across the fits."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Re-run the analysis with levers or parameters changed and show the difference.

    Both runs share one seed, so differences are the change's effect on the same draws.
    """
    from ceasefire.errors import InputError
    from ceasefire.scenario.edit import parse_assignment
    from ceasefire.workflows import whatif

    changes = dict(parse_assignment(item) for item in set_)
    levers = {}
    for item in lever:
        lever_id, sep, state = item.partition("=")
        if not sep or state not in ("on", "off"):
            raise InputError(f"--lever {item!r}: expected ID=on or ID=off, e.g. arms-package=off")
        levers[lever_id] = state == "on"
    if not changes and not levers:
        raise InputError("whatif needs at least one --set PATH=VALUE or --lever ID=on|off")
    recording = common.Recording("whatif", scenario, store=store, no_store=no_store)
    console = common.human_console(as_json)
    with common.progress(console, "what-if"):
        result = whatif(scenario, changes=changes, levers=levers, rng=seed, draws=draws,
                        horizon=horizon, workers=workers, fits=fits)
    result = recording.save(result)
    if as_json:
        common.print_json(result.to_dict())
        return
    vetoes = sorted({a for p in result.base.proposals.values() for a in p.veto_players},
                    key=_actors(result.base).index)
    table = common.table("proposal", *vetoes, "all",
                         title="P(accept) signed now, % of draws: base → variant",
                         numbers=(*vetoes, "all"))

    def arrow(t: ProbabilityTriple) -> str:
        return f"{t.base.p:.0%} → {t.variant.p:.0%}"

    for pid, p in result.proposals.items():
        cells = [arrow(p.acceptance[a]) if a in p.acceptance else "·" for a in vetoes]
        table.add_row(text(pid), *cells, arrow(p.p_all_veto_accept))
    console.print(table)
    console.print("differences with paired standard errors are in --json", style="dim",
                  highlight=False)

    def change(label: str, t: ProbabilityTriple) -> None:
        d = t.difference
        console.print(text(f"{label}: {t.base.p:.0%} ± {t.base.se:.0%} → {t.variant.p:.0%} ± "
                           f"{t.variant.se:.0%} ({100 * d.d:+.0f} ± {100 * d.se:.0f} points)"),
                      highlight=False)

    if result.agreement is not None:
        change("Deal signed within 12 months", result.agreement.p_within_12)
        change("Deal signed within 24 months", result.agreement.p_within_24)
        if result.agreement.fit_differences is not None:
            common.hanging(console, "  ", result.agreement.fit_differences.headline())
    for actor, w in result.war_value.items():
        if w.base or w.variant:
            console.print(text(f"war value of {actor} now: {w.base:,.1f} → {w.variant:,.1f} "
                               f"({w.difference:+,.1f} in {actor}'s value units)"),
                          highlight=False)
    likely = result.likely_settlement
    console.print(text(f"likely settlement: {likely['base']} → {likely['variant']}"),
                  highlight=False)


def calibrate_command(
    scenario: str = _scenario_argument(),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, max=100_000,
                              help="Monte Carlo draws (at most 100,000)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Root seed."),
    months: int = typer.Option(6, "--months", min=1, max=48, help="First months to summarise."),
    record: Path | None = typer.Option(None, "--record", help="A record CSV to set beside the "
                                       "model (default: a built-in scenario's own)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Show what the model says about the first months, beside the record.

    Monthly gains and daily casualties of each belligerent, oil and gas revenue in month
    0 against its reference level, and when each fortified region falls; beside them, the
    observations of the record dated up to the scenario's date.
    """
    from ceasefire.workflows import calibrate

    result = calibrate(scenario, draws=draws, rng=seed, months=months, record=record)
    if as_json:
        common.print_json(result.to_dict())
        return
    console = common.human_console(as_json)
    table = common.table("quantity", "model: p10 / p50 / p90", "record", wrap=("quantity",
                                                                           "record"),
                         title=f"{result.scenario.id}: the first {months} months",
                         numbers=("model: p10 / p50 / p90",))

    def bands(b: Summary, fmt: str) -> str:
        return " / ".join(format(getattr(b, k), fmt) for k in ("p10", "p50", "p90"))

    def observed(metric: str, fmt: str) -> str:
        rows = [r for r in result.record if r.metric == metric]
        if not rows:
            return "—"
        values = ", ".join(format(r.value, fmt) for r in rows)
        return f"{values} ({rows[0].date:%Y-%m} to {rows[-1].date:%Y-%m})" if len(rows) > 1 \
            else f"{values} ({rows[0].date:%Y-%m})"

    for actor, b in result.gains_km2_per_month.items():
        table.add_row(text(f"{actor} gains, km² a month"), bands(b, ",.0f"),
                      observed(f"gains_km2.{actor}", ",.0f"))
    for actor, b in result.casualties_per_day.items():
        table.add_row(text(f"{actor} casualties a day"), bands(b, ",.0f"),
                      observed(f"casualties_per_day.{actor}", ",.0f"))
    for actor, b in result.revenue_vs_reference.items():
        table.add_row(text(f"{actor} oil and gas revenue in month 0 against a year before"),
                      bands(b, "+.1%"), observed(f"oil_gas_revenue_change.{actor}", "+.1%"))
    for region, fall in result.months_to_fall.items():
        when = ("holds out in every draw" if fall.month_p50 is None
                else f"month {fall.month_p50:.0f} (median)")
        table.add_row(text(f"{region} falls ({fall.taken.p:.0%} of draws)"), when, "—")
    console.print(table)
    sources = sorted({r.source for r in result.record})
    if sources:
        common.hanging(console, "record: ", "observations dated up to the scenario's date, "
                       "a calibration check rather than a forecast test; sources: "
                       + ", ".join(sources) + " (`ceasefire evidence` shows each claim)")
    if months > result.horizon_months:
        common.hanging(console, "note: ", f"months {result.horizon_months + 1} to {months} lie "
                       f"beyond the scenario's {result.horizon_months}-month reporting horizon: "
                       "they are simulated (the engines look 13 months further, for deals "
                       "signed up to a year ahead) but no report shows them")
