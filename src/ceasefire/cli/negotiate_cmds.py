"""The ``negotiate`` command: one set of talks month by month, then the batch of runs.

It parses arguments, calls :func:`ceasefire.workflows.negotiate.negotiate` and renders the
typed result; every number and every rule comes from the result (docs/negotiate.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ceasefire.cli import common, complete
from ceasefire.cli.common import text

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.results import Estimate
    from ceasefire.results.negotiation import (
        Batch,
        Comparison,
        MonthRecord,
        NegotiationResult,
        Transcript,
    )

__all__ = ["negotiate_command", "register"]

RUNS_MAX = 20_000  # ceasefire.bargaining.analysis.MAX_DRAWS (kept import-free here)

_EXAMPLE = """

Example: ceasefire negotiate alaska-2025 --seed 7 --strategy RU=boulware --runs 500
"""

_MOVES_SHOWN = 3
"""Regions named in a month's battlefield news (the largest moves)."""
_CHECKPOINTS = (1, 3, 6, 12, 24, 36)
"""Months (counted from 1) at which the batch tables show the cumulative figures."""


def register(app: typer.Typer) -> None:
    """Add the ``negotiate`` command to ``app``."""
    app.command("negotiate", help="Play the talks month by month: one run as a transcript "
                "(battlefield news, beliefs, offers, answers and why, threats, "
                "ratification, signature or breakdown, narrow agreements), then the batch "
                "of runs (P(deal by month), agreed packages, concessions). With --strategy, "
                "the batch is compared with the equilibrium on the same draws."
                + _EXAMPLE)(negotiate_command)


def negotiate_command(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                            help="A built-in scenario name or a YAML file.",
                                            autocompletion=complete.scenarios)],
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1,
                                             help="Root seed (default: drawn and "
                                             "recorded).")] = None,
    draw: Annotated[int, typer.Option("--draw", min=0, help="The run told month by month "
                                      "(0-based, below --runs).")] = 0,
    strategy: Annotated[list[str] | None, typer.Option(
        "--strategy", help="PLAYER=NAME (repeatable): equilibrium, boulware, linear, "
        "conceder, tit-for-tat, bluff:<b>[:<base>]; for the mediator also single-text, "
        "split-difference. Unnamed players play the equilibrium.")] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", min=1, max=RUNS_MAX,
                                      help=f"Runs of the talks (Monte Carlo draws, at most "
                                      f"{RUNS_MAX:,}).")] = 500,
    horizon: Annotated[int | None, typer.Option(
        "--horizon", min=1, max=240,
        help="Months of talks (default: the scenario's horizon).")] = None,
    all_months: Annotated[bool, typer.Option("--all-months", help="Print every month, also "
                                             "the quiet ones while a deal holds.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on "
                                          "standard output.")] = False,
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Play a scenario's talks and tell one run month by month."""
    from ceasefire.workflows.negotiate import negotiate

    console = common.human_console(as_json)
    recording = common.Recording("negotiate", scenario, store=store, no_store=no_store)
    with common.progress(console, "negotiating") as tell:
        result = negotiate(scenario, runs=runs, draw=draw, strategies=tuple(strategy or ()),
                           rng=seed, horizon=horizon, progress=tell)
    result = recording.save(result, outputs={})
    if as_json:
        common.print_json(result.to_dict())
        return
    print_negotiation(console, result, all_months=all_months)


def print_negotiation(console: Console, result: NegotiationResult, *,
                      all_months: bool = False) -> None:
    """The transcript, then the batch (and the comparison with the equilibrium)."""
    profile = ", ".join(f"{a}={s}" for a, s in result.strategies.items() if s != "equilibrium")
    console.rule(text(f"{result.scenario.id}: talks, run {result.transcript.draw} of "
                      f"{result.draws:,}", "bold"))
    played = (f"{profile} (the others on the equilibrium)" if profile
              else "every party on the equilibrium")
    console.print(text(f"seed {result.seed} · strategies: {played}"), highlight=False)
    _print_transcript(console, result.transcript, all_months=all_months)
    console.print()
    _print_batch(console, result.batch, title=f"Over {result.draws:,} runs"
                 + (f" ({profile})" if profile else ""))
    if result.comparison is not None and result.equilibrium is not None:
        console.print()
        _print_comparison(console, result.comparison, result.equilibrium, profile)


def _signed(value: float) -> str:
    return f"{value:+.2f}"


def _month_lines(m: MonthRecord, before: MonthRecord | None) -> list[tuple[str, str]]:
    """``(lead, body)`` lines of one month; ``before`` is the month before (or None)."""
    lines: list[tuple[str, str]] = []
    if m.collapsed:
        lines.append(("collapse", "the deal in force collapses; the war resumes and "
                      "talks reopen"))
    news = m.news
    gains = ", ".join(f"{a} {km2:+,.0f} km²" for a, km2 in news.gains_km2.items()
                      if abs(km2) >= 0.5)
    moves = ", ".join(f"{move.region} {move.points:.1f} pts to {move.gainer}"
                      for move in news.moves[:_MOVES_SHOWN])
    more = len(news.moves) - _MOVES_SHOWN
    if gains or moves:
        lines.append(("front", "; ".join(part for part in (
            gains, moves + (f" (+{more} more)" if more > 0 else "")) if part)))
    if m.beliefs:
        lines.append(("belief", "expected m: " + ", ".join(
            f"{a} {v:.2f}" for a, v in m.beliefs.items())))
    if m.proposer is None:
        lines.append(("talks", "none: the deal holds"))
    elif m.offer is None:
        lines.append(("talks", f"{m.proposer}'s turn: no offer (none it gains from that the "
                      "others accept)"))
    else:
        offer = m.offer
        again = (before is not None and before.offer is not None
                 and before.offer.package == offer.package)
        if again:
            what = f"{offer.package} again"
        elif offer.searched:
            what = f"{offer.package}: " + ("; ".join(offer.wording)
                                           or "every issue at its default")
        else:
            what = f"{offer.package} ({offer.name})"
        lines.append(("offer", f"{m.proposer} offers {what}; its own gain "
                      f"{_signed(m.proposer_gain or 0.0)}"))
        answers = []
        for actor, r in m.responses.items():
            if r.accepts:
                why = " under threat" if r.threatened else ""
                answers.append(f"{actor} accepts{why} ({_signed(r.gain)})")
            else:
                answers.append(f"{actor} refuses: {r.reason} ({_signed(r.gain)})")
        if answers:
            lines.append(("answer", "; ".join(answers)))
    for lever in m.threats:
        lines.append(("threat", f"{lever} carried out (from next month)"))
    ending = {"refused": "breakdown: refused, the war goes on",
              "ratification-failed": "every veto player accepts; ratification fails",
              "signed": "signed and ratified"}.get(m.outcome)
    if ending:
        lines.append(("result", ending))
    if m.narrow_signed:
        lines.append(("narrow", "signed " + ", ".join(m.narrow_signed)))
    return lines


def _quiet(m: MonthRecord) -> bool:
    return (m.outcome == "deal-in-force" and not m.collapsed and not m.narrow_signed
            and not m.threats)


def _print_transcript(console: Console, t: Transcript, *, all_months: bool) -> None:
    if t.true_m is not None:
        console.print(text(f"true m on this run: {t.true_m:.2f} (what the fighting reveals to "
                           "both sides)"), style="dim", highlight=False)
    console.print(text("gains in war-cost annuities: a party's gain from the package signed "
                       "now over fighting on and bargaining again (accepts when ≥ 0)"),
                  style="dim", highlight=False)
    months = t.months
    k = 0
    while k < len(months):
        m = months[k]
        if not all_months and _quiet(m):
            end = k
            while end + 1 < len(months) and _quiet(months[end + 1]):
                end += 1
            span = m.month if end == k else f"{m.month} to {months[end].month}"
            console.print(text(f"{span}: the deal holds", "dim"), highlight=False)
            k = end + 1
            continue
        console.print(text(m.month, "bold"), highlight=False)
        for lead, body in _month_lines(m, months[k - 1] if k else None):
            common.hanging(console, f"  {lead:<8} ", body)
        k += 1
    if t.signed is not None:
        held = f"; it collapsed in {t.collapsed}" if t.collapsed else "; it held"
        summary = f"first deal: {t.package}, signed {t.signed}{held}"
    else:
        summary = "no deal within the window"
    console.print(text(summary, "bold"), highlight=False)


def _pm(e: Estimate) -> str:
    return f"{e.p:.0%} ± {e.se:.0%}"


def _checkpoints(by_month: dict) -> list[str]:
    months = list(by_month)
    picks = sorted({min(c, len(months)) - 1 for c in _CHECKPOINTS})
    return [months[k] for k in picks]


def _print_batch(console: Console, b: Batch, *, title: str) -> None:
    console.rule(text(title, "bold"), align="left")
    shown = _checkpoints(b.by_month)
    table = common.table("by the end of", *shown, title="P(deal signed) ± se",
                         numbers=tuple(shown))
    table.add_row("comprehensive deal", *[_pm(b.by_month[m]) for m in shown])
    table.add_row("deal in force", *[_pm(b.in_force[m]) for m in shown])
    if b.narrow_at_least_one_by is not None:
        table.add_row("≥ 1 narrow agreement", *[_pm(b.narrow_at_least_one_by[m])
                                                for m in shown])
    console.print(table)
    median = b.median_month or "too few runs sign"
    console.print(text(f"median month of signing: {median}; a threat carried out before a "
                       f"deal on {_pm(b.threats)} of the runs"), highlight=False)
    if b.packages:
        packages = common.table("package", "P", "median", "proposed by",
                                title="Agreed packages", wrap=("package",), numbers=("P",))
        for p in b.packages[:5]:
            who = ", ".join(f"{a} {s:.0%}" for a, s in sorted(p.proposers.items(),
                                                              key=lambda kv: -kv[1]))
            packages.add_row(common.labelled(p.id, p.name), _pm(p.p), p.median_month, who)
        console.print(packages)
        if len(b.packages) > 5:
            console.print(text(f"and {len(b.packages) - 5} more packages"), style="dim")
    columns = ("gain p50", "p10 – p90", "share", "proposed")
    concessions = common.table("belligerent", *columns,
                               title="Concessions (at the first signature)", numbers=columns)
    for actor, c in b.concessions.items():
        if c.gain is None:
            concessions.add_row(actor, "–", "–", "–", "–")
            continue
        share = f"{c.share.mean:.0%}" if c.share is not None else "–"
        concessions.add_row(actor, f"{c.gain.p50:+.2f}", f"{c.gain.p10:+.2f} – "
                            f"{c.gain.p90:+.2f}", share, f"{c.proposed:.0%}")
    console.print(concessions)
    console.print("gain: from the signed package over fighting on, in the party's war-cost "
                  "annuities; share: its mean share of the belligerents' summed gains (the "
                  "smaller share conceded more); proposed: share of the deals it proposed",
                  style="dim", highlight=False)


def _print_comparison(console: Console, c: Comparison, base: Batch, profile: str) -> None:
    console.rule(text(f"{profile} against the equilibrium, same draws", "bold"), align="left")

    def points(d: object) -> str:
        return f"{100 * d.d:+.0f} ± {100 * d.se:.0f}"

    shown = _checkpoints(c.by_month)
    table = common.table("change in", *shown, title="Percentage points ± paired se",
                         numbers=tuple(shown))
    table.add_row("P(deal signed by)", *[points(c.by_month[m]) for m in shown])
    if c.narrow_at_least_one_by is not None:
        table.add_row("P(≥ 1 narrow by)", *[points(c.narrow_at_least_one_by[m])
                                            for m in shown])
    console.print(table)
    console.print(text(f"equilibrium on the same draws: deal within 12 months "
                       f"{_pm(base.p_within_12)}, within 24 {_pm(base.p_within_24)}"),
                  highlight=False)
    gains = "; ".join(f"{a} {g.d:+.3f} ± {g.se:.3f}" for a, g in c.gain.items())
    common.hanging(console, "", f"gain from the talks within the window (0 without a "
                   f"deal), in war-cost annuities: {gains}")
    moved = sorted(c.packages.items(), key=lambda kv: -abs(kv[1].d))[:3]
    if moved:
        console.print(text("packages that move most (points): " + "; ".join(
            f"{pid} {points(d)}" for pid, d in moved)), highlight=False)
