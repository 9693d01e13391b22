"""``ceasefire runs``: find, show, export, rerun, compare and remove stored runs.

Every ``analyze``, ``whatif``, ``deals``, ``forecast``, ``negotiate``, ``sensitivity`` and
``sweep`` is recorded in the run store (:mod:`ceasefire.store`); these commands read it.
Run ids can be shortened to any unique prefix; ``last`` is the newest run and ``last~1``
the one before it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ceasefire.cli import common
from ceasefire.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ceasefire.store import ResultDiff, RunRecord, RunStore

__all__ = ["register"]

_RunId = Annotated[str, typer.Argument(metavar="RUN_ID", show_default=False,
                                       help="A run id (or a unique prefix), `last` or "
                                            "`last~N`.")]
_Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on standard "
                                     "output.")]
_Store = common.StoreReadOption

runs_app = typer.Typer(
    name="runs", no_args_is_help=True, rich_markup_mode="rich",
    help="Find, compare and rerun stored runs: every analyze, whatif, deals, forecast, "
         "negotiate, sensitivity and sweep is recorded in the run store (--no-store skips "
         "it).",
    epilog="Example: ceasefire runs list --command analyze --limit 5")


def register(app: typer.Typer) -> None:
    """Add the ``runs`` group to the application."""
    app.add_typer(runs_app, name="runs")


def _store(path: Path | None) -> RunStore:
    from ceasefire.store import RunStore

    return RunStore(path)


def _when(created: Any) -> str:
    return f"{created:%Y-%m-%d %H:%M:%S}" if created is not None else "?"


@runs_app.command("list", epilog="Example: ceasefire runs list --scenario tutorial --limit 5")
def list_runs(
    command: Annotated[str | None, typer.Option("--command", "-c", help="Only runs of this "
                                                "command (analyze, deals, ...).")] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", "-s", help="Only runs of "
                                                 "this scenario (id, name or path given).")]
    = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest runs shown.")]
    = 20,
    store: _Store = None,
    as_json: _Json = False,
) -> None:
    """List the stored runs, newest first."""
    where = _store(store)
    runs = where.list(command=command, scenario=scenario, limit=limit)
    if as_json:
        document = {"store": str(where.path), "runs": [
            {**run, "created": run["created"].isoformat()} for run in runs]}
        common.print_json(document)
        return
    console = common.out_console
    if not runs:
        console.print(common.text(f"no runs in {where.path}" + (
            " matching the filters" if command or scenario else
            "; every analyze, whatif, deals, forecast, negotiate, sensitivity and sweep is "
            "recorded there")),
            highlight=False)
        return
    table = common.table("id", "created (UTC)", "command", "scenario", "seed", "draws", "s",
                         title=f"Runs in {common.clean(where.path)}",
                         numbers=("seed", "draws", "s"))
    for run in runs:
        table.add_row(run["id"], _when(run["created"]), common.text(run["command"]),
                      common.text(run["scenario_id"] or run["scenario_source"]),
                      "" if run["seed"] is None else str(run["seed"]),
                      "" if run["draws"] is None else f"{run['draws']:,}",
                      f"{run['seconds']:.1f}")
    console.print(table)
    console.print(common.text("`ceasefire runs show ID` for one run; `ceasefire runs diff A "
                              "B` to compare two", "dim"), highlight=False)


@runs_app.command("show", epilog="Example: ceasefire runs show last")
def show_run(run_id: _RunId, store: _Store = None, as_json: _Json = False) -> None:
    """Show one run: its inputs, version, timing, answer and tables."""
    where = _store(store)
    run = where.get(run_id)
    if as_json:
        common.print_json(run.to_dict())
        return
    console = common.out_console
    console.rule(common.text(f"run {run.id}", "bold"), align="left")
    hanging = common.hanging
    hanging(console, "command   ", f"{run.command} ({run.kind}), {_when(run.created)} UTC, "
            f"{run.seconds:.1f} s, ceasefire {run.version}")
    hanging(console, "scenario  ", f"{run.scenario_id} from {run.scenario_source} "
            f"({run.scenario_hash}); text "
            f"{'stored' if run.scenario_text is not None else 'not stored'}")
    hanging(console, "seed      ", f"{run.seed}, {run.draws} draws")
    hanging(console, "options   ", ", ".join(f"{k}={_option(v)}" for k, v in
                                             run.options.items()) or "none recorded")
    try:
        headline = run.load().headline()
    except InputError as error:  # written by another version
        headline = f"(cannot be read by this version: {error})"
    if headline:
        hanging(console, "answer    ", headline)
    counts = where.table_counts(run.id)
    if counts:
        hanging(console, "tables    ", ", ".join(f"{name} ({n} rows)"
                                                 for name, n in counts.items()))
    console.print(common.text(f"`ceasefire runs export {run.id}` writes it out; `ceasefire "
                              f"runs rerun {run.id}` repeats it", "dim"), highlight=False)


def _option(value: Any) -> str:
    return json.dumps(value) if isinstance(value, list | dict) else str(value)


@runs_app.command("export", epilog="Example: ceasefire runs export last --result --out "
                  "results.json; ceasefire runs export last --table proposals --out p.csv")
def export_run(
    run_id: _RunId,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to "
                                             "FILE instead of standard output.")] = None,
    result: Annotated[bool, typer.Option("--result", help="Only the result document (what "
                                         "--json printed; `ceasefire report` reads it).")]
    = False,
    scenario: Annotated[bool, typer.Option("--scenario", help="Only the scenario text the run "
                                           "was given.")] = False,
    table: Annotated[str | None, typer.Option("--table", metavar="NAME", help="One of the "
                                              "run's tables, as CSV.")] = None,
    store: _Store = None,
) -> None:
    """Write a stored run out: its record as JSON, its result, its scenario, or a table.

    By default the whole record (inputs, options, seed, version, timing and result) as one
    JSON document; --result gives what --json printed, --scenario the scenario text the
    run was given, --table NAME one of its tidy tables as CSV.
    """
    if sum((result, scenario, table is not None)) > 1:
        raise InputError("runs export: give at most one of --result, --scenario, --table")
    if out is not None:
        common.check_output(out, "--out")
    where = _store(store)
    run = where.get(run_id)
    if table is not None:
        text = _csv(where.table(run.id, table))
    elif scenario:
        if run.scenario_text is None:
            raise InputError(f"run {run.id}: its input ({run.scenario_source}) was not stored "
                             "as text")
        text = run.scenario_text
    else:
        document = run.result if result else run.to_dict()
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    from ceasefire._files import write_text_atomic

    write_text_atomic(out, text)
    common.err_console.print(common.text(f"wrote {out}"), highlight=False)


def _csv(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    columns = list(dict.fromkeys(c for row in rows for c in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@runs_app.command("diff", epilog="Example: ceasefire runs diff last~1 last --top 10")
def diff_command(
    first: _RunId,
    second: _RunId,
    top: Annotated[int, typer.Option("--top", min=1, help="Changed figures listed.")] = 25,
    z: Annotated[float, typer.Option("--z", min=0.0, help="A figure with a standard error "
                                     "has changed beyond Monte Carlo error when the change "
                                     "exceeds z combined standard errors.")] = 2.0,
    store: _Store = None,
    as_json: _Json = False,
) -> None:
    """Compare two runs figure by figure and name the inputs that differ.

    Two scenarios run on the same seed are compared on the same draws: what differs then
    is the scenario's effect, apart from Monte Carlo error where the draws diverge.
    """
    from ceasefire.store import diff_runs

    where = _store(store)
    a, b = where.get(first), where.get(second)
    result = diff_runs(a, b, z=z)
    if as_json:
        common.print_json({"a": a.id, "b": b.id, **result.to_dict()})
        return
    _print_diff(common.out_console, a, b, result, top)


def _print_diff(console: Console, a: RunRecord, b: RunRecord, result: ResultDiff,
                top: int) -> None:
    console.rule(common.text(f"{a.id} ({a.command} {a.scenario_id}) → {b.id} ({b.command} "
                             f"{b.scenario_id})", "bold"), align="left")
    if result.inputs:
        inputs = common.table("input", "a", "b", title="Inputs that differ",
                              wrap=("input", "a", "b"))
        for change in result.inputs:
            inputs.add_row(common.text(change.name), common.text(_short(change.a)),
                           common.text(_short(change.b)))
        console.print(inputs)
        if a.seed == b.seed and a.scenario_hash != b.scenario_hash:
            console.print(common.text("same seed, different scenarios: the differences are "
                                      "the scenarios' effect on the same draws", "dim"),
                          highlight=False)
    else:
        console.print("inputs: the same scenario, options, seed and version")
    counts = result.counts()
    summary = ", ".join(f"{n:,} {status}" for status, n in counts.items())
    console.print(common.text(f"{result.compared:,} figures compared: {summary}"),
                  highlight=False)
    if result.identical:
        console.print(common.text("identical results (run metadata aside)", "bold green"))
        return
    changes = common.table("figure", "a", "b", "change", title=f"Changed figures (top "
                           f"{min(top, len(result.changes))} of {len(result.changes):,})",
                           wrap=("figure",), numbers=("a", "b", "change"))
    for change in result.ranked()[:top]:
        changes.add_row(common.text(change.path), common.text(_short(change.a)),
                        common.text(_short(change.b)), _describe(change))
    console.print(changes)
    console.print(common.text(f"beyond-error: the change exceeds {result.z:g} combined "
                              "standard errors; within-error: it does not", "dim"),
                  highlight=False)


def _short(value: Any, width: int = 40) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    shown = value if isinstance(value, str) else json.dumps(value)
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _describe(change: Any) -> str:
    if change.status in ("beyond-error", "within-error"):
        z = f" (z {change.z:+.1f})" if change.z is not None else ""
        return f"{change.b - change.a:+.3g}{z} {change.status}"
    if change.status == "changed" and all(isinstance(v, int | float) and not isinstance(
            v, bool) for v in (change.a, change.b)):
        return f"{change.b - change.a:+.3g}"
    return change.status


@runs_app.command("rerun", epilog="Example: ceasefire runs rerun last")
def rerun_command(
    run_id: _RunId,
    store: _Store = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the rerun.")]
    = False,
    as_json: _Json = False,
) -> None:
    """Run a stored run again (its scenario text, options and seed) and check the result.

    The new result must equal the stored one exactly, run metadata (times, paths, ids)
    aside; the exit status is 1 when it does not. Files the run wrote (a report, an export)
    are not written again. The rerun is itself recorded, marked as a rerun of the first.
    """
    from ceasefire.store import diff_documents
    from ceasefire.store.diff import comparable

    where = _store(store)
    run = where.get(run_id)
    new = _replay(run, where, no_store=no_store)
    stored = _as_current(run.result)
    before, after = comparable(stored), comparable(new.to_dict())
    identical = before == after
    result = diff_documents(stored, new.to_dict())
    if as_json:
        common.print_json({"run": run.id, "rerun": common.STATE.last_run_id,
                           "identical": identical, "diff": result.to_dict()})
    else:
        console = common.out_console
        again = f" as run {common.STATE.last_run_id}" if common.STATE.last_run_id else ""
        if identical:
            console.print(common.text(f"run {run.id} ({run.command} {run.scenario_id}, seed "
                                      f"{run.seed}) rerun{again}: identical result",
                                      "bold green"), highlight=False)
        else:
            console.print(common.text(f"run {run.id} rerun{again}: the result DIFFERS",
                                      "bold red"), highlight=False)
            _print_diff(console, run, _as_record(run, new.to_dict()), result, 25)
    if not identical:
        raise typer.Exit(1)


def _as_current(document: dict[str, Any]) -> dict[str, Any]:
    """A stored result of an older schema version as this version reads and writes it.

    A version-4 document reads as a version-5 one with its optional parts absent, so a
    rerun is compared figure by figure, not on the version stamp. A current document, or
    one this version cannot read, is returned as it is.
    """
    from ceasefire.results import SCHEMA_VERSION, load_result

    if document.get("schema_version") == SCHEMA_VERSION:
        return document
    try:
        return load_result(document).to_dict()
    except InputError:
        return document


def _as_record(run: RunRecord, document: dict[str, Any]) -> RunRecord:
    from dataclasses import replace

    return replace(run, id=common.STATE.last_run_id or "rerun", result=document)


def _replay(run: RunRecord, where: RunStore, *, no_store: bool) -> Any:
    """Run the stored command again through the command line itself; return its result."""
    import contextlib
    import io
    import tempfile

    import typer.main

    from ceasefire.cli import app

    # duck-typed: typer may vendor its own click
    command = getattr(typer.main.get_command(app), "commands", {}).get(run.command)
    if command is None:
        raise InputError(f"run {run.id}: command {run.command!r} is not known to this version "
                         "of ceasefire; fix: rerun it with the version that recorded it "
                         f"({run.version})")
    options = {**run.options, **run.outputs}
    if "seed" in options and run.seed is not None:
        options["seed"] = run.seed  # the seed used, also when it was drawn
    # options the command line cannot give (a web forecast's models): the engine's API
    engine_only = sorted(set(run.options) - {getattr(p, "name", None) for p in command.params})
    with tempfile.TemporaryDirectory(prefix="ceasefire-rerun-") as folder:
        source = _scenario_argument(run, Path(folder))
        argv = [run.command, source, *_flags(command, options), "--json"]
        argv += ["--no-store"] if no_store else ["--store", str(where.path)]
        common.STATE.rerun_of, common.STATE.last_result = run.id, None
        common.STATE.last_run_id = None
        try:
            if engine_only:
                _replay_engine(run, source, engine_only, where, no_store=no_store)
            else:
                with contextlib.redirect_stdout(io.StringIO()):
                    app(args=argv, prog_name="ceasefire", standalone_mode=False)
        finally:
            common.STATE.rerun_of = None
    if common.STATE.last_result is None:
        raise InputError(f"run {run.id}: the {run.command} command did not hand back a "
                         "result to compare")
    return common.STATE.last_result


def _replay_engine(run: RunRecord, source: str, engine_only: list[str], where: RunStore, *,
                   no_store: bool) -> None:
    """Run a stored run whose options the command line cannot give through the engine.

    The web app runs ``forecast`` on several models (``models``, where the command line
    takes one ``--model``): the options are the engine's, by name, and the rerun is
    recorded as the command line records it. (Its ``analyze`` runs, recorded with
    ``leverage: false``, go through the command line's ``--no-leverage``.)
    """
    options = {name: value for name, value in run.options.items() if name != "seed"}
    if run.command == "forecast" and set(options) <= {"models", "dimension"}:
        from ceasefire.workflows import stakeholder_forecast

        def work() -> Any:
            return stakeholder_forecast(source, models=options.get("models"),
                                        dimension=options.get("dimension"))
    else:
        raise InputError(f"run {run.id}: option{'s' if len(engine_only) > 1 else ''} "
                         f"{', '.join(engine_only)} cannot be given to `ceasefire "
                         f"{run.command}` by this version of ceasefire; fix: rerun it with "
                         f"the version that recorded it ({run.version})")
    recording = common.Recording(run.command, source, store=None if no_store else where.path,
                                 no_store=no_store)
    recording.save(work(), options=run.options, outputs=run.outputs)


def _scenario_argument(run: RunRecord, folder: Path) -> str:
    """The built-in by name when it is unchanged, else the stored text in a file.

    The file keeps the original's name: a table file's suffix says its format and its stem
    is the result's scenario id.
    """
    from ceasefire.scenario import builtin_names

    source = run.scenario_source
    if source in builtin_names() and common.scenario_text(source) == run.scenario_text:
        return source
    if run.scenario_text is None:
        raise InputError(f"run {run.id}: its input ({source}) was not stored as text, so it "
                         "cannot be rerun")
    path = folder / (Path(source).name or "scenario.yaml")
    if source in builtin_names() or not path.suffix:  # a built-in, or a web upload's id
        path = folder / f"{path.name}.yaml"
    path.write_text(run.scenario_text, encoding="utf-8")
    return str(path)


def _flags(command: Any, options: dict[str, Any]) -> list[str]:
    """The command-line flags that give ``options`` (by parameter name) to ``command``."""
    argv: list[str] = []
    for param in command.params:
        if getattr(param, "param_type_name", "") != "option" or param.name not in options:
            continue
        value, name = options[param.name], _long(param.opts)
        if param.is_flag:
            if value:
                argv.append(name)
            elif param.secondary_opts:
                argv.append(_long(param.secondary_opts))
            continue
        if value is None:
            continue
        for item in value if param.multiple else [value]:
            argv += [name, str(item)]
    return argv


def _long(names: list[str]) -> str:
    return max(names, key=lambda n: (n.startswith("--"), len(n)))


@runs_app.command("rm", epilog="Example: ceasefire runs rm 3f9a1c2e")
def remove_runs(
    run_ids: Annotated[list[str], typer.Argument(metavar="RUN_ID...", show_default=False,
                                                 help="Runs to remove (ids or unique "
                                                      "prefixes).")],
    store: _Store = None,
) -> None:
    """Remove runs from the store (their tables too), in one transaction."""
    removed = _store(store).delete(run_ids)
    common.out_console.print(common.text(f"removed {len(removed)} run"
                                         f"{'s' if len(removed) != 1 else ''}: "
                                         + ", ".join(removed)), highlight=False)
