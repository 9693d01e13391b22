"""Scenario commands: ``scenarios``, ``show``, ``validate``, ``new``, ``schema``, ``evidence``.

They parse arguments, call :mod:`ceasefire.scenario` and :mod:`ceasefire.evidence`, and
render; the scenario modules are imported inside the commands so ``ceasefire --help``
stays fast.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.padding import Padding
from rich.text import Text

from ceasefire.cli import common, complete
from ceasefire.errors import InputError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.errors import Problem
    from ceasefire.scenario.model import Scenario

__all__ = ["evidence", "new", "register", "scenarios", "schema", "show", "validate"]

_BUILTIN_PACKAGE = "ceasefire.scenario.builtin"
_JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on standard "
                                         "output instead of text.")]
_ScenarioArg = Annotated[str, typer.Argument(metavar="NAME|FILE", show_default=False,
                                             help="A built-in scenario name or a YAML file.",
                                             autocompletion=complete.scenarios)]
#: Characters of the control bars, one per actor in the order the region lists them.
_BAR_MARKS = "█▓▒░"
_BAR_WIDTH = 16


# --- helpers ------------------------------------------------------------------------------


def _load(source: str, *, strict: bool = False) -> Scenario:
    """Load a built-in name or a file; ``strict`` holds a file to the built-ins' evidence rule."""
    from ceasefire.scenario import builtin_names, load_scenario, read_scenario_text

    if strict and source not in builtin_names() and Path(source).is_file():
        text = _read_file(Path(source))
        return read_scenario_text(text, file=source, strict_evidence=True)
    return load_scenario(source)


def _read_file(path: Path) -> str:
    from ceasefire.errors import Problem

    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(Problem("", f"not UTF-8 text ({error.reason})",
                                    "save the file as UTF-8", file=str(path)),
                            file=str(path)) from None


def _label(source: str) -> str:
    from ceasefire.scenario import builtin_names

    return f"{source} (built-in)" if source in builtin_names() else source


def _counts(scenario: Scenario) -> dict[str, int]:
    """Sizes of a scenario's collections, in the order they are shown."""
    stakeholders = scenario.stakeholders
    return {
        "actors": len(scenario.actors),
        "regions": len(scenario.regions),
        "levers": len(scenario.levers),
        "issues": len(scenario.issues),
        "proposals": len(scenario.proposals),
        "dimensions": len(stakeholders.dimensions) if stakeholders else 0,
        "stakeholders": len(stakeholders.actors) if stakeholders else 0,
        "claims": len(scenario.evidence),
    }


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name if n != 1 else name.rstrip('s')}" for name, n in counts.items())


def _deal_space(scenario: Scenario) -> int:
    """Count the packages of the declared space before exclusions (product of option counts)."""
    return math.prod(len(issue.options) for issue in scenario.issues)


def _document(kind: str, scenario: Scenario | None) -> dict[str, Any]:
    from ceasefire.results import ScenarioMeta

    head = ScenarioMeta.of(scenario).model_dump(mode="json") if scenario else None
    return common.envelope(kind, scenario=head)


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _quantity(value: Any) -> str:
    """Show a number or an uncertain value compactly: ``0.98 (0.96–0.99)``."""
    from ceasefire.scenario.values import Lognormal, Normal, Pert, Triangular, Uniform

    if isinstance(value, (int, float)):
        return _number(float(value))
    if isinstance(value, Pert):
        if value.low == value.high:
            return _number(value.low)
        prefix = "tri " if isinstance(value, Triangular) else ""
        return f"{prefix}{_number(value.mode)} ({_number(value.low)}–{_number(value.high)})"
    if isinstance(value, Uniform):
        return f"U({_number(value.low)}–{_number(value.high)})"
    if isinstance(value, Normal):
        return f"N({_number(value.mean)}, {_number(value.sd)})"
    if isinstance(value, Lognormal):
        return f"logN({_number(value.mu)}, {_number(value.sigma)})"
    return str(value)


def _percent(share: float) -> str:
    if 0 < share < 0.01:
        return f"{share * 100:.1f}%"
    return f"{share * 100:.0f}%"


def _control_bar(control: dict[str, Any], marks: dict[str, str]) -> Text:
    """Draw who controls a region, one mark per actor (the same mark in every row)."""
    from ceasefire.scenario.values import point_value

    bar = Text()
    used = 0
    for actor, value in control.items():
        cells = min(round(point_value(value) * _BAR_WIDTH), _BAR_WIDTH - used)
        bar.append(marks.get(actor, "?") * cells)
        used += cells
    bar.append("·" * (_BAR_WIDTH - used), style="dim")
    return bar


_table = common.table
_text = common.text


def _print_problems(console: Console, label: str, problems: list[Problem]) -> None:
    count = len(problems)
    # One line per problem, never wrapped, so the list can be grepped and counted.
    console.print(Text.assemble(("error:", "bold red"), " ", common.clean(label),
                                f": {count} problem{'s' if count != 1 else ''}"),
                  highlight=False, soft_wrap=True)
    for problem in problems:
        console.print(Text("  " + common.clean(problem)), highlight=False, soft_wrap=True)


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "path": problem.path,
            "message": problem.message, "hint": problem.hint}


# --- commands -----------------------------------------------------------------------------


def scenarios(
    as_json: _JsonFlag = False,
) -> None:
    """List the built-in scenarios: id, name, date and sizes."""
    from ceasefire.scenario import builtin_names, load_scenario

    rows: dict[str, dict[str, Any]] = {}
    for name in builtin_names():
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            # One broken built-in must not hide the others; say what is wrong with it.
            rows[name] = {"valid": False, "problems": len(error.problems)}
            continue
        rows[name] = {"valid": True, "name": scenario.name,
                      "as_of": scenario.as_of.isoformat(), "counts": _counts(scenario)}
    if as_json:
        document = _document("scenarios", None)
        document.pop("scenario")
        document["scenarios"] = rows
        common.print_json(document)
        return
    table = _table("scenario", "as of", "contents", wrap=("scenario", "contents"))
    for name, row in rows.items():
        if not row["valid"]:
            table.add_row(Text(name, style="bold"), "",
                          Text(f"invalid: {row['problems']} problem(s); run "
                               f"`ceasefire validate {name}`", style="red"))
            continue
        counts = {k: v for k, v in row["counts"].items() if k not in ("dimensions",)}
        table.add_row(common.labelled(name, row["name"]), row["as_of"],
                      _counts_text(counts))
    common.out_console.print(table)


def show(
    scenario_name: _ScenarioArg,
    as_json: _JsonFlag = False,
) -> None:
    """Summarise a scenario: actors, regions, levers, issues, proposals, evidence."""
    scenario = _load(scenario_name)
    if as_json:
        from ceasefire.scenario import scenario_to_dict

        document = _document("show", scenario)
        document.update(counts=_counts(scenario), deal_space=_deal_space(scenario),
                        data=scenario_to_dict(scenario))
        common.print_json(document)
        return
    _render_scenario(common.out_console, scenario)


def _render_scenario(console: Console, s: Scenario) -> None:
    from ceasefire.scenario.model import month_label
    from ceasefire.scenario.values import point_value

    # Every string from the scenario goes through _text: never markup, no control characters.
    def line(*parts: str | Text) -> None:
        console.print(Text.assemble(*(common.clean(p) if isinstance(p, str) else p
                                      for p in parts)), highlight=False)

    console.print(_text(s.name, "bold"))
    line(f"id {s.id} · as of {s.as_of.isoformat()} · {s.currency} · horizon "
         f"{s.horizon_months} months")
    if s.description:
        console.print(_text(" ".join(s.description.split()), "dim"))

    # the name on a line of its own under the id: long names would squeeze every column
    actors = _table("actor", "role", "side", "veto", "discount a month", "ratification margin",
                    title="Actors", wrap=("actor", "discount a month", "ratification margin"))
    for a in s.actors:
        actors.add_row(common.labelled(a.id, a.name), _text(a.role), _text(a.side),
                       _text(a.veto), _quantity(a.discount_factor),
                       _quantity(a.ratification_margin))
    console.print()
    console.print(actors)

    # Belligerents first, so the same party has the same mark in every scenario row.
    order = [*s.belligerents, *(a.id for a in s.actors if a.id not in s.belligerents)]
    marks = {actor: _BAR_MARKS[k % len(_BAR_MARKS)] for k, actor in enumerate(order)}
    used: set[str] = set()
    regions = _table("region", "area km²", "control", "shares", title="Regions",
                     numbers=("area km²",), wrap=("shares",))
    for r in s.regions:
        used.update(r.control)
        shares = " ".join(f"{actor} {_percent(point_value(v))}" for actor, v in r.control.items())
        regions.add_row(_text(r.id), _quantity(r.area_km2), _control_bar(r.control, marks),
                        _text(shares))
    console.print()
    console.print(regions)
    total = sum(point_value(r.area_km2) for r in s.regions)
    line(f"{len(s.regions)} regions, {_number(total)} km² in all; bars: "
         + ", ".join(f"{marks[a]} {a}" for a in order if a in used) + ", · nobody")

    if s.levers:
        # the factor and the effect count under the id: six narrow columns overflow 80
        levers = _table("lever (factor, effects)", "status", "from", "probability",
                        title="Levers", numbers=("probability",),
                        wrap=("lever (factor, effects)",))
        for lever in s.levers:
            count = len(lever.effects)
            levers.add_row(common.labelled(lever.id, f"{lever.factor}, {count} "
                                           f"effect{'s' if count != 1 else ''}"),
                           _text(lever.status), month_label(s.as_of, lever.start_month),
                           _percent(point_value(lever.probability)))
        console.print()
        console.print(levers)

    if s.issues:
        issues = _table("issue", "kind", "options", "default", title="Issues",
                        numbers=("options",))
        for issue in s.issues:
            issues.add_row(_text(issue.id), _text(issue.kind), str(len(issue.options)),
                           _text(issue.default))
        console.print()
        console.print(issues)
        excluded = any(o.excludes for issue in s.issues for o in issue.options)
        line(f"deal space: {_deal_space(s):,} packages"
             + (" before exclusions" if excluded else ""))

    if s.proposals:
        proposals = _table("proposal", "terms (others at their default)", title="Proposals",
                           wrap=("proposal", "terms (others at their default)"))
        for p in s.proposals:
            terms = ", ".join(f"{issue}={option}" for issue, option in p.terms.items())
            proposals.add_row(common.labelled(p.id, p.name), _text(terms or "all defaults"))
        console.print()
        console.print(proposals)

    if s.stakeholders:
        dims = _table("dimension", "scale", "status quo", title="Stakeholder dimensions",
                      wrap=("scale",))
        for d in s.stakeholders.dimensions:
            scale = f"{d.scale.low:g}–{d.scale.high:g}" + (f" {d.scale.unit}" if d.scale.unit
                                                          else "")
            dims.add_row(_text(d.id), _text(scale), f"{d.status_quo:g}")
        console.print()
        console.print(dims)
        line(f"{len(s.stakeholders.actors)} stakeholders: "
             + ", ".join(a.id for a in s.stakeholders.actors))

    grades = Counter(claim.grade for claim in s.evidence)
    evidence = _table("grade", "claims", title="Evidence", numbers=("claims",))
    for grade, count in grades.most_common():
        evidence.add_row(_text(grade), str(count))
    console.print()
    console.print(evidence)
    disputed = sum(claim.disputed for claim in s.evidence)
    line(f"{len(s.evidence)} claims, {disputed} disputed; see `ceasefire evidence {s.id}`")


def validate(
    source: Annotated[str, typer.Argument(metavar="FILE|NAME", show_default=False,
                                          help="A scenario YAML file or a built-in name.",
                                          autocompletion=complete.scenarios)],
    strict: Annotated[bool, typer.Option(
        "--strict", help="Require every number to cite a claim, as built-ins do.")] = False,
    as_json: _JsonFlag = False,
) -> None:
    """Check a scenario file and report every problem at once (exit status 1 if any)."""
    label = _label(source)
    try:
        scenario = _load(source, strict=strict)
    except ScenarioError as error:
        if as_json:
            document = _document("validate", None)
            document.update(file=label, valid=False,
                            problems=[_problem_dict(p) for p in error.problems])
            common.print_json(document)
        else:
            _print_problems(common.out_console, label, error.problems)
        raise typer.Exit(1) from None
    if as_json:
        document = _document("validate", scenario)
        document.update(file=label, valid=True, problems=[], counts=_counts(scenario))
        common.print_json(document)
        return
    common.out_console.print(_text(f"ok: {label}: {_counts_text(_counts(scenario))}"),
                             highlight=False, soft_wrap=True)


def new(
    target: Annotated[Path, typer.Argument(metavar="FILE", show_default=False,
                                           help="The scenario file to write.")],
    source: Annotated[str, typer.Option("--from", metavar="NAME",
                                        help="The built-in scenario (or a file) to copy.")]
    = "alaska-2025",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Start a new scenario as a full copy of a built-in, evidence and comments included."""
    from ceasefire._files import write_text_atomic
    from ceasefire.scenario import builtin_names, load_scenario, read_scenario_text

    if target.is_dir():
        raise InputError(f"{target} is a folder; hint: give a file name such as "
                         f"{target / 'scenario.yaml'}")
    if os.path.lexists(target) and not force:
        raise InputError(f"{target} already exists; hint: choose another name, or pass "
                         "--force to overwrite it")
    common.check_output(target, "FILE")
    if source in builtin_names():
        text = resources.files(_BUILTIN_PACKAGE).joinpath(f"{source}.yaml").read_text("utf-8")
        load_scenario(source)  # a broken built-in is not worth copying
    elif Path(source).is_file():
        text = _read_file(Path(source))
    else:
        raise InputError(f"--from {source!r} is neither a built-in scenario nor a file; "
                         f"hint: use one of {', '.join(builtin_names())}")
    # The copy is the same text (comments kept); check it reads back as a user file.
    scenario = read_scenario_text(text, file=str(target))
    write_text_atomic(target, text)
    common.out_console.print(
        _text(f"wrote {target}: a copy of {_label(source)} ({_counts_text(_counts(scenario))}); "
              f"edit it, then run `ceasefire validate {target}`"), highlight=False,
        soft_wrap=True)


def schema(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE",
        help="Write the schema to FILE instead of standard output.")] = None,
    results: Annotated[str | None, typer.Option(
        "--results", metavar="KIND",
        help="The schema of a result document instead: analyze, whatif, deals, forecast "
             "or calibrate.")] = None,
) -> None:
    """Print the JSON Schema of scenario files (or, with --results, of a --json result)."""
    from ceasefire._files import write_text_atomic

    if out is not None:
        common.check_output(out, "--out")
    if results is not None:
        from ceasefire.results import result_schema_text

        text = result_schema_text(results)
    else:
        from ceasefire.scenario.schema import scenario_schema_text

        text = scenario_schema_text()
    if out is None:
        typer.echo(text, nl=False)
        return
    write_text_atomic(out, text)
    common.err_console.print(_text(f"wrote {out}"), highlight=False)


def evidence(
    scenario_name: _ScenarioArg,
    path: Annotated[str | None, typer.Argument(
        metavar="[PATH]", show_default=False,
        help="A parameter or record, e.g. regions.kramatorsk-belt.control or actors.RU.")]
    = None,
    as_json: _JsonFlag = False,
) -> None:
    """Show the claims behind a parameter (or all claims): grade, source, date, support."""
    from ceasefire.evidence import claims_for, evidence_index, normalize_path, paths_related

    scenario = _load(scenario_name)
    claims = claims_for(scenario, path)
    index = evidence_index(scenario)
    query = normalize_path(path) if path else ""

    def supports(claim_id: str) -> list[str]:
        paths = index.get(claim_id, [])
        return [p for p in paths if paths_related(p, query)] if query else paths

    if as_json:
        document = _document("evidence", scenario)
        document["path"] = query or None
        document["claims"] = {
            c.id: {"claim": c.claim, "grade": c.grade, "disputed": c.disputed, "note": c.note,
                   "source": {"outlet": c.source.outlet, "title": c.source.title,
                              "date": c.source.date.isoformat() if c.source.date else None,
                              "url": c.source.url},
                   "supports": supports(c.id)}
            for c in claims
        }
        common.print_json(document)
        return
    console = common.out_console
    where = f"{query} in {scenario.id}" if query else scenario.id
    count = len(claims)
    console.print(_text(f"{count} claim{'s' if count != 1 else ''} behind {where}", "bold"))
    for c in claims:
        head = _text("\n" + c.id, "bold")
        head.append(common.clean(f" · {c.grade} · {c.source.outlet}"))
        head.append(f" · {c.source.date.isoformat() if c.source.date else 'no date'}")
        if c.disputed:
            head.append(" · DISPUTED", style="bold red")
        console.print(head)
        lines = [_text(c.claim, "dim")]
        if c.source.title or c.source.url:
            lines.append(Text(common.clean(" ".join(x for x in (c.source.title, c.source.url)
                                                    if x)), overflow="fold"))
        if c.note:
            lines.append(_text("note: " + c.note))
        shown = supports(c.id)
        others = len(index.get(c.id, [])) - len(shown)
        text = f"supports: {', '.join(shown) or 'nothing'}"
        if others:
            text += f" (and {others} other parameter{'s' if others != 1 else ''})"
        lines.append(Text(common.clean(text), overflow="fold"))
        for line in lines:
            console.print(Padding(line, (0, 0, 0, 2), expand=False))


# --- registration -------------------------------------------------------------------------

_EXAMPLES = {
    "scenarios": "Example: [bold]ceasefire scenarios[/]",
    "show": "Example: [bold]ceasefire show tutorial[/]  or  [bold]ceasefire show my.yaml[/]",
    "validate": "Example: [bold]ceasefire validate my.yaml --json[/]",
    "new": "Example: [bold]ceasefire new my.yaml --from tutorial[/]",
    "schema": "Example: [bold]ceasefire schema --out scenario.schema.json[/]  or  "
              "[bold]ceasefire schema --results analyze[/]",
    "evidence": "Example: [bold]ceasefire evidence alaska-2025 regions.kramatorsk-belt.control"
                "[/]",
}


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``ceasefire`` application."""
    for name, function in (("scenarios", scenarios), ("show", show), ("validate", validate),
                           ("new", new), ("schema", schema), ("evidence", evidence)):
        app.command(name, epilog=_EXAMPLES[name])(function)
