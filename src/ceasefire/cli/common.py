"""Helpers shared by the CLI commands: consoles, tables, JSON output, error handling.

Everything the CLI prints that came from a user (a scenario's names, a path, an argument)
goes through :func:`text` (or :func:`clean`): it is never read as rich markup and it
carries no terminal control sequence.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from ceasefire.errors import CeasefireError, ScenarioError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from ceasefire.results import Result


@dataclass
class _State:
    debug: bool = False
    #: ``ceasefire runs rerun`` sets these to mark, and then read, the run it repeats.
    rerun_of: str | None = None
    last_result: Result | None = None
    last_run_id: str | None = None


STATE = _State()

#: Human output goes to standard error so that ``--json`` keeps standard output clean.
err_console = Console(stderr=True, width=None)
out_console = Console()
#: With ``--json`` the human output is dropped: stdout holds the document, stderr errors only.
quiet_console = Console(quiet=True)

#: The most Monte Carlo draws a command accepts (memory grows with the draws).
DRAWS_MAX = 100_000
DRAWS_HELP = f"Monte Carlo draws (at most {DRAWS_MAX:,})."

def clean(value: object) -> str:
    """``value`` as text without terminal control sequences or control characters.

    Scenario text is the user's: a name holding ``ESC[31m`` or ``ESC]0;title BEL`` must not
    recolour the terminal or retitle its window when printed
    (:func:`ceasefire.scenario.text.printable`, the one place that strips them).
    """
    from ceasefire.scenario.text import printable

    return printable(str(value), keep_newlines=True)


def text(value: object, style: str = "") -> Text:
    """User text ready to print: cleaned (:func:`clean`) and never read as markup."""
    return Text(clean(value), style=style)


def hanging(console: Console, lead: str, body: object) -> None:
    """Print ``lead`` then ``body`` wrapped, its later lines indented under its first word."""
    from rich.table import Table

    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(lead, text(body))
    console.print(grid)


def labelled(identifier: object, name: object = "") -> RenderableType:
    """An id cell with a descriptive name under it: the id whole, the name wrapped."""
    from rich.console import Group

    head = Text(clean(identifier), style="bold", no_wrap=True, overflow="ellipsis")
    if not name:
        return head
    return Group(head, Text(clean(name), style="dim", no_wrap=False, overflow="fold"))


def table(*columns: str, title: str | None = None, wrap: tuple[str, ...] = (),
          numbers: tuple[str, ...] = ()) -> Table:
    """The house table: one box style for every command.

    Cells are ids, numbers and single words, never split across lines, except in the
    columns named in ``wrap`` (descriptive text, or :func:`labelled` cells, whose id
    stays whole while the name under it wraps); columns named in ``numbers`` are
    right-aligned.
    """
    from rich import box
    from rich.table import Table

    # at least as wide as the title, so that a short table does not wrap its title
    result = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False,
                   title_style="bold", show_edge=False, min_width=len(title or ""))
    for name in columns:
        result.add_column(name, no_wrap=name not in wrap, overflow="fold",
                          justify="right" if name in numbers else "left")
    return result


def human_console(as_json: bool) -> Console:
    """Return the console for human output: none at all when ``--json`` owns stdout."""
    return quiet_console if as_json else out_console


def envelope(kind: str, *, scenario: dict[str, Any] | None) -> dict[str, Any]:
    """The head of a ``--json`` document the CLI assembles itself (DESIGN.md section 9.9)."""
    from ceasefire import __version__
    from ceasefire.results import SCHEMA_VERSION

    return {"schema_version": SCHEMA_VERSION, "kind": kind, "ceasefire_version": __version__,
            "scenario": None if scenario is None else dict(scenario), "seed": None,
            "draws": None}


def print_json(document: dict[str, Any]) -> None:
    """Write one JSON document to standard output."""
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()


def print_error(message: object) -> None:
    """Print ``error: MESSAGE`` on standard error; the message is never read as markup."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", clean(message)),
                      highlight=False, soft_wrap=True)


def report_error(error: CeasefireError) -> None:
    """Print an error as a short message on standard error."""
    if isinstance(error, ScenarioError):
        count = len(error.problems)
        print_error(f"{error.file or 'scenario'}: {count} problem{'s' if count != 1 else ''}")
        for problem in error.problems:
            err_console.print(Text("  " + clean(problem)), highlight=False, soft_wrap=True)
    else:
        print_error(error)


def check_output(path: Any, option: str) -> None:
    """Refuse an output path early, before any work: ``option`` names it in the message."""
    from ceasefire._files import check_writable
    from ceasefire.errors import InputError

    try:
        check_writable(path)
    except InputError as error:
        raise InputError(f"{option} {path}: {error}") from None


def run_app(app: typer.Typer, argv: list[str]) -> int:
    """Run ``app`` on ``argv`` and return the exit status."""
    STATE.debug = "--debug" in argv
    try:
        with _terminate_as_interrupt():
            # Outside standalone mode click returns a ``typer.Exit`` code instead of raising it.
            status = app(args=argv, prog_name="ceasefire", standalone_mode=False)
    except CeasefireError as error:
        if STATE.debug:
            raise
        report_error(error)
        return 1
    except OSError as error:
        # a file the system refused (unreadable scenario, folder that vanished ...)
        if STATE.debug or error.errno is None:
            raise
        from ceasefire._files import describe_os_error

        print_error(describe_os_error(error, action="open"))
        return 1
    except typer.Exit as stop:
        return stop.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except Exception as error:  # click's usage errors (typer may vendor its own click)
        show, code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return status if isinstance(status, int) else 0


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into ``KeyboardInterrupt`` while a command runs.

    A plain ``kill`` then unwinds like Ctrl-C, so ``finally`` blocks run and no temporary
    file is left beside the outputs (only ``kill -9`` can still leave one).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def progress(console: Console, label: str) -> Iterator[Callable[[str, float], None]]:
    """A transient progress bar on standard error; yields ``tell(stage, fraction)``.

    Nothing is drawn unless standard error is a terminal, so logs and tests stay clean.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                   console=err_console, transient=True, disable=not err_console.is_terminal)
    with bar:
        task = bar.add_task(label, total=1.0)

        def tell(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"{label}: {stage}")

        yield tell


# --- the run store -------------------------------------------------------------------------

#: ``--store FILE``: where this run is recorded (the shared option of every recorded command).
StoreOption = Annotated[Path | None, typer.Option(
    "--store", metavar="FILE", show_default=False,
    help="Run store to record this run in (default: $CEASEFIRE_STORE, else runs.duckdb in "
         "the user data folder; see `ceasefire runs`).")]
#: ``--store FILE`` of the commands that read stored runs.
StoreReadOption = Annotated[Path | None, typer.Option(
    "--store", metavar="FILE", show_default=False,
    help="The run store to read (default: $CEASEFIRE_STORE, else runs.duckdb in the user "
         "data folder).")]
#: ``--no-store``: do not record this run.
NoStoreOption = Annotated[bool, typer.Option("--no-store", help="Do not record this run in "
                                             "the run store.")]

#: Parameters that are never recorded as options: where the run goes, and how it prints.
_NOT_OPTIONS = frozenset({"store", "no_store", "as_json"})


class Recording:
    """Records one run of a command in the run store (``--store``/``--no-store``).

    Create it before any work, so that a store that cannot be used fails at once and the
    clock starts; call :meth:`save` with the result once the work succeeded. The options
    are the command's parameters as click parsed them (the scenario argument and the
    store and ``--json`` flags left out).

    Example (the three lines a command adds)::

        store: common.StoreOption = None, no_store: common.NoStoreOption = False,
        recording = common.Recording("sweep", scenario, store=store, no_store=no_store)
        result = recording.save(result, outputs={"out": None})
    """

    def __init__(self, command: str, scenario: str, *, store: Path | None = None,
                 no_store: bool = False) -> None:
        import time

        from ceasefire.store import RunStore

        self.command, self.scenario = command, str(scenario)
        self.store = None if no_store else RunStore(store)
        if self.store is not None:
            self.store.check()
        # read before the work, so the text is the one the run reads
        self.text = scenario_text(self.scenario) if self.store is not None else None
        self._started = time.perf_counter()

    def save(self, result: Result, *, outputs: dict[str, Any] | None = None,
             options: dict[str, Any] | None = None) -> Result:
        """Record ``result`` and return it with ``run.id`` (and ``run.rerun_of``) added.

        Parameters
        ----------
        outputs
            Parameter -> the value that writes no file, for a rerun (``{"no_report": True}``).
        options
            The options to record (default: the parameters of the running click command).
        """
        import time

        from ceasefire.store.store import new_run_id

        seconds = time.perf_counter() - self._started
        extra: dict[str, Any] = {}
        if STATE.rerun_of is not None:
            extra["rerun_of"] = STATE.rerun_of
        run_id = new_run_id() if self.store is not None else None
        if run_id is not None:
            extra["id"] = run_id
        if extra:
            result = result.with_run(**extra)
        STATE.last_run_id = run_id
        if STATE.rerun_of is not None:  # held only for the rerun that reads it
            STATE.last_result = result
        if self.store is None:
            return result
        self.store.record(self.command, result, scenario_source=self.scenario,
                          scenario_text=self.text,
                          options=_jsonable(command_options() if options is None else options),
                          outputs=_jsonable(outputs or {}), seconds=seconds, run_id=run_id)
        return result


def command_options() -> dict[str, Any]:
    """The running command's parameters by name, less its first argument (the scenario)."""
    context = _click_context()
    if context is None:
        return {}
    arguments = [p.name for p in context.command.params
                 if getattr(p, "param_type_name", "") == "argument"]
    skip = {*_NOT_OPTIONS, *arguments[:1]}
    return {name: value for name, value in context.params.items() if name not in skip}


def _click_context() -> Any:
    """The running command's click context (typer may vendor its own click)."""
    from importlib import import_module

    for name in ("typer._click.globals", "click.globals"):
        try:
            module = import_module(name)
        except ImportError:
            continue
        context = module.get_current_context(silent=True)
        if context is not None:
            return context
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def scenario_text(source: str) -> str | None:
    """The text of the input a run was given: a built-in's YAML or the file's (UTF-8).

    ``None`` when it is neither (the input was not a file, or not text).
    """
    from ceasefire.scenario import builtin_names, builtin_text

    if source in builtin_names():
        return builtin_text(source)
    try:
        return Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
