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
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from ceasefire.errors import CeasefireError, ScenarioError

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table


@dataclass
class _State:
    debug: bool = False


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
