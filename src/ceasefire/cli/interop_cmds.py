"""The ``export`` and ``negmas-check`` commands: a scenario's domain for other negotiation tools.

They parse arguments, call :mod:`ceasefire.interop` and render; the engines (and NegMAS,
for the check) are imported inside the commands so ``ceasefire --help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.interop import Domain

__all__ = ["export", "negmas_check", "register"]

_EXPORT_EXAMPLE = """

Example: ceasefire export tutorial --format genius --out tutorial-genius --draw 3 --seed 7
"""
_CHECK_EXAMPLE = """

Example: ceasefire negmas-check tutorial --seed 7 --every-pairing
"""

_DRAWS_DEFAULT = 200


class ExportFormat(StrEnum):
    """What ``export`` writes."""

    genius = "genius"
    negmas_json = "negmas-json"


def register(app: typer.Typer) -> None:
    """Add the ``export`` and ``negmas-check`` commands to ``app``."""
    app.command("export", help="Write a scenario's package space and each party's utility "
                "at one draw for other negotiation tools: Genius XML (a domain, one "
                "additive profile per party fitted to the exact utility, and the exact "
                "utilities as CSV) or one JSON document for NegMAS." + _EXPORT_EXAMPLE)(export)
    app.command("negmas-check", help="Negotiate a scenario's domain with NegMAS's own "
                "time-based negotiators (Boulware, linear, conceder) and check that every "
                "agreement lies in ceasefire's zone of agreement. Needs the 'negmas' "
                "extra." + _CHECK_EXAMPLE)(negmas_check)


_Scenario = Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                          help="A built-in scenario name or a YAML file.",
                                          autocompletion=complete.scenarios)]
_Draw = Annotated[int, typer.Option("--draw", min=0, help="The Monte Carlo draw whose "
                                    "utilities are exported (0-based, below --draws).")]
_Draws = Annotated[int, typer.Option("--draws", min=1, max=common.DRAWS_MAX,
                                     help="Draws the equilibrium is solved on (its "
                                     "continuation values pool them).")]
_Seed = Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1,
                                           help="Root seed (default: drawn and recorded).")]
_Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on standard "
                                     "output.")]


def export(
    scenario: _Scenario,
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created if "
                                      "missing).", show_default=False)],
    file_format: Annotated[ExportFormat, typer.Option(
        "--format", help="genius: XML domain, profiles and CSV; negmas-json: one JSON "
        "document NegMAS loads.")] = ExportFormat.genius,
    draw: _Draw = 0,
    draws: _Draws = _DRAWS_DEFAULT,
    seed: _Seed = None,
    negmas_check_too: Annotated[bool, typer.Option(
        "--negmas-check", help="Also run the NegMAS check (needs the 'negmas' "
        "extra).")] = False,
    as_json: _Json = False,
) -> None:
    """Export a scenario's domain at one draw."""
    _check_folder(out)
    _check_draw(draw, draws)
    if negmas_check_too:
        from ceasefire.interop.negmas_bridge import require_negmas

        require_negmas()
    console = common.human_console(as_json)
    domain = _domain(console, scenario, draw=draw, draws=draws, seed=seed)
    document = _head("export", domain)
    document["format"] = file_format.value
    if file_format is ExportFormat.genius:
        from ceasefire.interop.genius import additive_fits, genius_files, write_files

        fits = additive_fits(domain)
        files = genius_files(domain, out, fits)
        write_files(files)
        document["fits"] = [f.to_dict() for f in fits]
    else:
        from ceasefire.interop.domain import negmas_json
        from ceasefire.interop.genius import write_files

        files = {out / f"{domain.name}-negmas.json": negmas_json(domain)}
        write_files(files)
    document["files"] = [str(p) for p in files]
    check = None
    if negmas_check_too:
        check = _check(console, domain, rounds=100, every_pairing=False)
        document["negmas_check"] = check.to_dict()
    if as_json:
        common.print_json(document)
    else:
        _render_export(console, domain, document)
        if check is not None:
            _render_check(console, check)
    if check is not None and not check.passed:
        raise typer.Exit(1)


def negmas_check(
    scenario: _Scenario,
    draw: _Draw = 0,
    draws: _Draws = _DRAWS_DEFAULT,
    seed: _Seed = None,
    rounds: Annotated[int, typer.Option("--rounds", min=1, max=100_000,
                                        help="Steps of each SAO negotiation.")] = 100,
    every_pairing: Annotated[bool, typer.Option(
        "--every-pairing", help="Every assignment of the three curves to the parties "
        "(3^parties runs; default: all Boulware, all linear, all conceder).")] = False,
    as_json: _Json = False,
) -> None:
    """Check NegMAS's agreements against ceasefire's zone; exit status 1 if one lies outside."""
    from ceasefire.interop.negmas_bridge import require_negmas

    require_negmas()  # before any work
    _check_draw(draw, draws)
    console = common.human_console(as_json)
    domain = _domain(console, scenario, draw=draw, draws=draws, seed=seed)
    check = _check(console, domain, rounds=rounds, every_pairing=every_pairing)
    if as_json:
        document = _head("negmas-check", domain)
        document["negmas_check"] = check.to_dict()
        common.print_json(document)
    else:
        _render_check(console, check, domain)
    if not check.passed:
        raise typer.Exit(1)


# --- helpers ---------------------------------------------------------------------------------


def _check_folder(out: Path) -> None:
    """Refuse an output folder that cannot be written, before any work."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file, not a folder; fix: give a folder (it is "
                         "created if missing)")
    common.check_output(out / ".ceasefire-export-probe", "--out")


def _check_draw(draw: int, draws: int) -> None:
    if draw >= draws:
        raise InputError(f"--draw {draw}: must be less than --draws {draws}; fix: pick a "
                         f"draw from 0 to {draws - 1} or raise --draws")


def _domain(console: Console, scenario: str, *, draw: int, draws: int,
            seed: int | None) -> Domain:
    from ceasefire.interop import build_domain

    with common.progress(console, "solving the equilibrium and scoring every package"):
        return build_domain(scenario, draw=draw, draws=draws, rng=seed)


def _check(console: Console, domain: Domain, *, rounds: int, every_pairing: bool) -> Any:
    from ceasefire.interop.negmas_bridge import negmas_check as run_check

    with common.progress(console, "negotiating with NegMAS"):
        return run_check(domain, rounds=rounds, every_pairing=every_pairing)


def _head(kind: str, domain: Domain) -> dict[str, Any]:
    document = common.envelope(kind, scenario={"id": domain.name})
    document["seed"], document["draws"] = domain.seed, domain.draws
    document["domain"] = domain.to_dict()
    return document


def _render_export(console: Console, domain: Domain, document: dict[str, Any]) -> None:
    text = common.text
    console.print(text(f"{domain.name}: {len(domain.outcomes):,} allowed packages over "
                       f"{len(domain.issues)} issues; draw {domain.draw} of {domain.draws:,} "
                       f"(seed {domain.seed}); {int(domain.acceptable.sum()):,} acceptable to "
                       "every veto player"))
    fits = document.get("fits")
    if fits:
        table = common.table("party", "R²", "max error", "same accept", "reservation",
                             title="Additive fit of each party's utility (Genius profile)",
                             numbers=("R²", "max error", "same accept", "reservation"))
        for f in fits:
            table.add_row(common.clean(f["party"]), f"{f['r_squared']:.3f}",
                          f"{f['max_error']:.3g}", f"{100 * f['sign_agreement']:.1f}%",
                          f"{f['reservation']:.3f}" + (" (clipped)"
                                                       if f["reservation_clipped"] else ""))
        console.print(table)
        console.print(text("max error in war-cost annuities; same accept: share of "
                           "packages on which the fit and the exact utility agree about "
                           "accepting; the exact utilities are in the CSV", "dim"))
    for path in document["files"]:
        console.print(text(f"wrote {path}"))


def _render_check(console: Console, check: Any, domain: Domain | None = None) -> None:
    text = common.text
    if domain is not None:
        console.print(text(f"{domain.name}: draw {domain.draw} of {domain.draws:,} (seed "
                           f"{domain.seed}); {check.outcomes:,} packages"))
    console.print(text(f"zone of agreement: ceasefire {check.zone:,} packages, NegMAS "
                       f"utilities {check.negmas_zone:,}: "
                       + ("the same set" if check.same_zone else "DIFFERENT sets")))
    table = common.table(*check.parties, "agreement", "in zone",
                         title=f"NegMAS SAO, {check.rounds} steps", wrap=("agreement",))
    for run in check.runs:
        terms = ("none" if run.agreement is None else
                 ", ".join(f"{k}={v}" for k, v in run.agreement.items()))
        verdict = "-" if run.in_zone is None else ("yes" if run.in_zone else "NO")
        table.add_row(*(run.strategies[p] for p in check.parties), common.clean(terms),
                      verdict)
    console.print(table)
    console.print(text(f"{check.agreements} of {len(check.runs)} negotiations agreed; "
                       + ("every agreement lies in ceasefire's zone: passed" if check.passed
                          else "check FAILED")))
