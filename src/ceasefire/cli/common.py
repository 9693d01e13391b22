"""Helpers shared by the CLI commands: consoles, JSON output, error handling."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console

from ceasefire.errors import CeasefireError, ScenarioError


@dataclass
class _State:
    debug: bool = False


STATE = _State()

#: Human output goes to standard error so that ``--json`` keeps standard output clean.
err_console = Console(stderr=True, width=None)
out_console = Console()


def human_console(as_json: bool) -> Console:
    """Return the console for human output: stderr when ``--json`` owns stdout."""
    return err_console if as_json else out_console


def print_json(document: dict[str, Any]) -> None:
    """Write one JSON document to standard output."""
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()


def report_error(error: CeasefireError) -> None:
    """Print an error as a short message on standard error."""
    if isinstance(error, ScenarioError):
        err_console.print(f"[bold red]error:[/] {error.file or 'scenario'}: "
                          f"{len(error.problems)} problem(s)", highlight=False)
        for problem in error.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    else:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False)


def run_app(app: typer.Typer, argv: list[str]) -> int:
    """Run ``app`` on ``argv`` and return the exit status."""
    STATE.debug = "--debug" in argv
    try:
        # Outside standalone mode click returns a ``typer.Exit`` code instead of raising it.
        status = app(args=argv, prog_name="ceasefire", standalone_mode=False)
    except CeasefireError as error:
        if STATE.debug:
            raise
        report_error(error)
        return 1
    except typer.Exit as stop:
        return stop.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except Exception as error:  # click's usage errors (typer may vendor its own click)
        show, code = getattr(error, "show", None), getattr(error, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return status if isinstance(status, int) else 0


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
