"""The ``deals`` command: every package of the deal space, its solutions and tables.

It parses arguments, calls :func:`ceasefire.deals.explore_deals` and renders; numpy and
the engines are imported inside the command so ``ceasefire --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common, complete
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.results import DealsResult

__all__ = ["deals", "register"]

_EXAMPLE = """

Example: ceasefire deals tutorial --top 5 --near freeze --export deals.csv
"""


def register(app: typer.Typer) -> None:
    """Add the ``deals`` command to ``app``."""
    app.command("deals", help="Every package of the deal space: the zone of agreement, the "
                "Pareto frontier, the bargaining solutions, the nearest acceptable variants "
                "of the named proposals." + _EXAMPLE)(deals)


def deals(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                            help="A built-in scenario name or a YAML file.",
                                            autocompletion=complete.scenarios)],
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="Packages listed.")] = 10,
    min_prob: Annotated[float, typer.Option(
        "--min-prob", min=0.0, max=1.0,
        help="p*: the zone holds packages with P(all veto players accept) >= p*.")] = 0.5,
    near: Annotated[list[str] | None, typer.Option(
        "--near", help="A proposal id whose nearest acceptable variants to list "
        "(repeatable; default: every proposal).", autocompletion=complete.proposals)] = None,
    export: Annotated[Path | None, typer.Option(
        "--export", help="Write every package to FILE (.csv, or .parquet with the "
        "'tables' extra).")] = None,
    draws: Annotated[int, typer.Option("--draws", min=1, max=common.DRAWS_MAX,
                                       help=common.DRAWS_HELP)] = 2000,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1,
                                             help="Root seed (default: drawn and "
                                             "recorded).")] = None,
    start_month: Annotated[int, typer.Option("--start-month", min=0, max=12,
                                             help="Month the deal is signed (0 = now).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on "
                                          "standard output.")] = False,
    store: common.StoreOption = None,
    no_store: common.NoStoreOption = False,
) -> None:
    """Explore the deal space of a scenario."""
    from ceasefire.workflows import explore

    if export is not None:
        if export.suffix.lower() not in (".csv", ".parquet"):
            raise InputError(f"--export {export}: unknown file type "
                             f"{export.suffix or '(none)'!r}; allowed: .csv or .parquet; "
                             "fix: name the file e.g. deals.csv")
        common.check_output(export, "--export")
        if not export.absolute().parent.is_dir():
            raise InputError(f"--export {export}: folder {export.absolute().parent} does not "
                             "exist; fix: create it or pick another path")
    recording = common.Recording("deals", scenario, store=store, no_store=no_store)
    console = common.human_console(as_json)
    with common.progress(console, "scoring every package"):
        result = explore(scenario, rng=seed, draws=draws, start=start_month,
                         p_star=min_prob, top=top, near=tuple(near) if near else None)
    result = recording.save(result, outputs={"export": None})
    if export is not None:
        write_table(result, export)
    document = result.to_dict()
    if export is not None:
        document["run"]["export"] = str(export)
    if as_json:
        common.print_json(document)
        return
    _render(console, document)
    if export is not None:
        console.print(common.text(f"wrote {document['space']['evaluated']:,} packages "
                                  f"to {export}"))


def write_table(result: DealsResult, path: Path) -> None:
    """Write every package to CSV or Parquet atomically (a temporary file, then rename)."""
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - pandas is in the tables extra
        raise InputError(f"--export {path}: needs pandas; fix: pip install "
                         "'ceasefire[tables]'") from None
    parquet = path.suffix.lower() == ".parquet"
    if parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise InputError(f"--export {path}: Parquet needs pyarrow; fix: pip install "
                             "'ceasefire[tables]' or export to .csv") from None
    from ceasefire._files import atomic_path

    table = result.every_package()
    with atomic_path(path) as temporary:
        if parquet:
            table.to_parquet(temporary, index=False)
        else:
            table.to_csv(temporary, index=False)


def _pct(p: dict[str, float]) -> str:
    return f"{100 * p['p']:.1f}% ±{100 * p['se']:.1f}"


def _terms(changes: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in changes.items()) or "every issue at its default"


def _party(actor: str, summary: dict[str, Any]) -> str:
    """``RU 54% +1.2`` for a veto player of this package, ``US ·`` for a party without one."""
    p = summary["acceptance"].get(actor, {}).get("p")
    if actor not in summary["veto_players"] or p is None:
        return f"{actor} ·"
    return f"{actor} {100 * p:.0f}% {summary['surplus'][actor]:+.3g}"


def _render(console: Console, document: dict[str, Any]) -> None:
    """Blocks rather than wide tables, so that the output reads at 80 columns.

    Each package gets a line with its P(all veto players accept) and each veto player's
    P(accept) and expected surplus, then its terms, indented with a hanging indent.
    A party that holds no veto over a package is shown as ``·`` (no stake), never as
    accepting it.
    """
    from rich.padding import Padding
    from rich.text import Text

    clean, text = common.clean, common.text
    space = document["space"]
    console.print(Text.assemble(
        (clean(document["scenario"]["id"]), "bold"),
        f": deals signed {document['start']}; {space['evaluated']:,} packages evaluated of "
        f"{space['size']:,} ({space['method']}), {document['draws']:,} draws, seed "
        f"{document['seed']}"))
    if space["method"] != "enumerated" or (space.get("draws") or document["draws"]) < document[
            "draws"]:
        console.print(Text.assemble(("note:", "yellow"), " ", clean(space["note"])))
    zone, frontier = document["zone"], document["frontier"]
    common_zone = ("" if zone.get("size_common") is None else
                   f" ({zone['size_common']:,} on the analyst's common belief)")
    console.print(text(f"zone of agreement (every veto player accepts against its equilibrium "
                       f"continuation value, with P >= {document['p_star']:g}): "
                       f"{zone['size']:,} packages{common_zone}; Pareto frontier "
                       f"of {', '.join(frontier['parties'])}: {frontier['size']:,} packages"))
    agreed = document.get("agreed")
    if agreed is not None:
        p = agreed["p_signed"]
        listed = "; ".join(f"{clean(a['id'])} {100 * a['p']['p']:.1f}%"
                           for a in agreed["packages"][:3]) or "none"
        common.hanging(console, "agreed ", f"on the solver's paths within "
                       f"{agreed['months']} months: {_pct(p)} ({listed})")
    # the text shows the parties with a veto somewhere; the JSON and the export hold every actor
    veto = document["veto"]
    actors = [a for a in document["actors"] if veto[a] != "none"] or list(document["actors"])
    console.print(Text("per package: P(all veto players accept) ± standard error; then each "
                       "party's P(accept) and its expected surplus (V - X: the deal minus "
                       "fighting on and bargaining again, in its own value units); · no "
                       "stake: not a veto player for that package",
                       style="dim"))

    def block(name: str, s: dict[str, Any], terms: str) -> None:
        import textwrap

        # a hanging indent, and a party's figures never split across lines (the no-break
        # spaces hold them together until printed)
        parts = [clean(name), _pct(s["p_all_veto_accept"]),
                 *(clean(_party(a, s)) for a in actors)]
        head = textwrap.wrap("  ".join(part.replace(" ", "\xa0") for part in parts),
                             width=max(console.width, 40), subsequent_indent="    ",
                             break_long_words=False, break_on_hyphens=False)
        head = [line.replace("\xa0", " ") for line in head]
        console.print(Text.assemble((head[0][:len(parts[0])], "bold"),
                                    head[0][len(parts[0]):]), soft_wrap=True)
        for line in head[1:]:
            console.print(Text(line), soft_wrap=True)
        console.print(Padding(Text(clean(terms), overflow="fold"), (0, 0, 0, 4)))

    def heading(title: str) -> None:
        console.print()
        console.rule(text(title, "bold"), align="left")

    likely = document["likely_settlement"]
    if likely is not None:
        heading("Likely settlement")
        p = likely["p_all_veto_accept"]
        named = f" (the named proposal {likely['proposal']})" if likely["proposal"] else ""
        common.hanging(console, "", f"P(all veto players accept) {_pct(p)}{named}: "
                       + _terms({k: v for k, v in likely["terms"].items()}))
        plateau = likely.get("plateau")
        if plateau and plateau["size"] > 1:
            varying = "; ".join(f"{issue} ({' / '.join(options)})"
                                for issue, options in plateau["varying"].items())
            common.hanging(console, "  ", f"{plateau['size']:,} packages tie with it within "
                           "Monte Carlo error: what they share is the answer ("
                           + _terms(plateau["shared"]) + "); the draws do not decide "
                           + (varying or "anything else"))
    heading("Solutions")
    for name, sol in document["solutions"].items():
        if sol["package"] is None:
            blockers = sol["blockers"]
            console.print(Text.assemble((clean(name), "bold"), "  no agreement (blocked by "
                                        f"{clean(', '.join(blockers) or 'no package')})"))
        else:
            block(name, sol["package"], _terms(sol["package"]["changes"]))
    heading(f"Top {len(document['top'])} packages by P(all veto players accept)")
    for rank, s in enumerate(document["top"], 1):
        block(f"#{rank}", s, _terms(s["changes"]))
    if document["proposals"]:
        heading("Named proposals")
        for name, s in document["proposals"].items():
            block(name, s, _terms(s["changes"]))
    for name, by_distance in document["nearest"].items():
        heading(f"Nearest acceptable variants of {name}")
        if not by_distance:
            console.print("no acceptable package within 3 changed terms")
            continue
        for distance, items in by_distance.items():
            for s in items:
                gain = s["gain"]["p_all_veto_accept"]
                block(f"{distance} change{'s' if int(distance) > 1 else ''} "
                      f"({100 * gain:+.0f} percentage points)", s,
                      "change " + _terms(s["changed_from_proposal"]))
