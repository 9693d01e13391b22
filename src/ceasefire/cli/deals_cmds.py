"""The ``deals`` command: every package of the deal space, its solutions and tables.

It parses arguments, calls :func:`ceasefire.deals.explore_deals` and renders; numpy and
the engines are imported inside the command so ``ceasefire --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.deals.results import DealsResult

__all__ = ["deals", "register"]

_EXAMPLE = """
Example:

    ceasefire deals tutorial --top 5 --near freeze --export deals.csv
"""


def register(app: typer.Typer) -> None:
    """Add the ``deals`` command to ``app``."""
    app.command("deals", help="Every package of the deal space: the zone of agreement, the "
                "Pareto frontier, the bargaining solutions, the nearest acceptable variants "
                "of the named proposals." + _EXAMPLE)(deals)


def deals(
    scenario: Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                            help="A built-in scenario name or a YAML file.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Packages listed.")] = 10,
    min_prob: Annotated[float, typer.Option(
        "--min-prob", help="p*: the zone holds packages with P(all veto players accept) "
        ">= p*.")] = 0.5,
    near: Annotated[list[str] | None, typer.Option(
        "--near", help="A proposal id whose nearest acceptable variants to list "
        "(repeatable; default: every proposal).")] = None,
    export: Annotated[Path | None, typer.Option(
        "--export", help="Write every package to FILE (.csv, or .parquet with the "
        "'tables' extra).")] = None,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Monte Carlo draws.")] = 2000,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Root seed (default: "
                                             "drawn and recorded).")] = None,
    start_month: Annotated[int, typer.Option("--start-month", min=0, max=12,
                                             help="Month the deal is signed (0 = now).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on "
                                          "standard output.")] = False,
) -> None:
    """Explore the deal space of a scenario."""
    from ceasefire.deals import explore_deals

    if export is not None and export.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--export {export}: unknown file type {export.suffix or '(none)'!r}; "
                         "allowed: .csv or .parquet; fix: name the file e.g. deals.csv")
    console = common.human_console(as_json)
    with common.progress(console, "scoring every package"):
        result = explore_deals(scenario, draws=draws, rng=seed, start=start_month,
                               p_star=min_prob, top=top, near=near)
    if export is not None:
        write_table(result, export)
    _render(console, result)
    if export is not None:
        console.print(f"wrote {result.space['evaluated']:,} packages to {export}")
    if as_json:
        common.print_json(result.to_dict())


def package_table(result: DealsResult) -> Any:
    """Every evaluated package as a pandas table: terms, P(all accept), per-actor columns."""
    import numpy as np
    import pandas as pd

    values, space = result.values, result.space_object
    options = space.decode(values.codes)
    data: dict[str, Any] = {"package": values.codes}
    for i, issue in enumerate(space.issues):
        data[issue] = pd.Categorical.from_codes(options[:, i], categories=space.options[i])
    data["p_all_veto_accept"] = values.p_all
    data["p_all_se"] = values.standard_error(values.p_all)
    for k, actor in enumerate(result.actors):
        data[f"p_accept_{actor}"] = values.p_accept[:, k]
        data[f"surplus_{actor}"] = values.mean_surplus[:, k]
        data[f"required_{actor}"] = values.required[:, k]
    if values.robust is not None:
        data["robust"] = np.where(np.isfinite(values.robust), values.robust, np.nan)
    return pd.DataFrame(data)


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

    table = package_table(result)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError(f"--export {path}: folder {folder} does not exist; fix: create it "
                         "or pick another path")
    with atomic_path(path) as temporary:
        if parquet:
            table.to_parquet(temporary, index=False)
        else:
            table.to_csv(temporary, index=False)


def _pct(p: dict[str, float]) -> str:
    return f"{100 * p['p']:.1f}% ±{100 * p['se']:.1f}"


def _share(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.0f}%"


def _terms(changes: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in changes.items()) or "every issue at its default"


def _render(console: Console, result: DealsResult) -> None:
    """Blocks rather than wide tables, so that the output reads at 80 columns.

    Each package gets a line with its P(all veto players accept) and each veto player's
    P(accept) and expected surplus, then its terms, indented and wrapped.
    """
    from rich.padding import Padding
    from rich.text import Text

    space = result.space
    console.print(f"[bold]{result.scenario['id']}[/]: deals signed {result.start}; "
                  f"{space['evaluated']:,} packages evaluated of {space['size']:,} "
                  f"({space['method']}), {result.draws:,} draws, seed {result.seed}")
    if space["method"] != "enumerated":
        console.print(f"[yellow]note:[/] {space['note']}")
    console.print(f"zone of agreement (P(all veto players accept) >= {result.p_star:g}): "
                  f"{result.zone['size']:,} packages; Pareto frontier of "
                  f"{', '.join(result.frontier['parties'])}: {result.frontier['size']:,}")
    # the text shows the veto players; the JSON and the export hold every actor
    actors = tuple(a for a in result.actors if result.veto[a] != "none") or result.actors
    console.print(Text("per package: P(all accept) ± s.e.; then each veto player's "
                       "P(accept) and expected surplus E[S]", style="dim"))

    def block(name: str, s: dict[str, Any], terms: str) -> None:
        parties = "  ".join(f"{a} {_share(s['acceptance'][a]['p'])} "
                            f"{s['surplus'][a]:+.3g}" for a in actors)
        console.print(Text.assemble((f"{name}", "bold"), f"  {_pct(s['p_all_veto_accept'])}"
                                    f"  {parties}"))
        console.print(Padding(Text(terms), (0, 0, 0, 4)))

    def heading(title: str) -> None:
        console.print()
        console.rule(Text(title, style="bold"), align="left")

    heading("Solutions")
    for name, sol in result.solutions.items():
        if sol["package"] is None:
            blocking = ", ".join(sol["blocking"]) or "no package"
            console.print(Text.assemble((name, "bold"),
                                        f"  no agreement (blocked by {blocking})"))
        else:
            block(name, sol["package"], _terms(sol["package"]["changes"]))
    heading(f"Top {len(result.top)} packages by P(all veto players accept)")
    for rank, s in enumerate(result.top, 1):
        block(f"#{rank}", s, _terms(s["changes"]))
    if result.proposals:
        heading("Named proposals")
        for name, s in result.proposals.items():
            block(name, s, _terms(s["changes"]))
    for name, by_distance in result.nearest.items():
        heading(f"Nearest acceptable variants of {name}")
        if not by_distance:
            console.print("no acceptable package within 3 changed terms")
            continue
        for distance, items in by_distance.items():
            for s in items:
                gain = s["gain"]["p_all_veto_accept"]
                block(f"{distance} change{'s' if int(distance) > 1 else ''} "
                      f"({100 * gain:+.0f} pts)", s,
                      "change " + _terms(s["changed_from_proposal"]))
