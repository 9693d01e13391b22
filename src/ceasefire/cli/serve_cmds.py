"""``ceasefire serve``: the web dashboard and its JSON API on uvicorn.

FastAPI and uvicorn (the ``web`` extra) are imported when the command runs, never when
the command line starts. ``--store``/``--no-store`` choose the run store as for the other
commands (``$CEASEFIRE_STORE`` when neither is given): the server records its full runs
and keeps uploaded scenarios there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli import common
from ceasefire.cli.common import text


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the application."""
    # not an "Example:" line: the help examples are run by the tests, and serve never returns
    app.command("serve", epilog="For instance ceasefire serve --port 8000, then open "
                                "http://127.0.0.1:8000/ in a browser.")(serve_command)


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: "
                             "this machine only; 0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    max_draws: int = typer.Option(2000, "--max-draws", min=1, max=20_000,
                                  help="Most Monte Carlo draws a request may ask for."),
    timeout: float = typer.Option(120.0, "--timeout", min=1, max=3600,
                                  help="Time budget of a full run, in seconds (past it the "
                                       "run is stopped and the request gets 504)."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=64,
                                help="Full runs at once, each in its own process; as many "
                                     "threads serve quick what-ifs."),
    store: Annotated[Path | None, typer.Option(
        "--store", metavar="FILE", show_default=False,
        help="Run store the server records its full runs and keeps uploaded scenarios in, "
             "and /api/runs reads (default: $CEASEFIRE_STORE, else runs.duckdb in the user "
             "data folder; see `ceasefire runs`).")] = None,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Record no run and keep uploads in memory only (/api/runs still "
                           "reads the store).")] = False,
) -> None:
    """Serve the web dashboard and its JSON API (OpenAPI at /api/openapi.json).

    Full runs (analyze, refined what-ifs, deals, forecast, negotiate) are recorded in the
    run store, so `ceasefire runs list` shows them and `ceasefire runs rerun` repeats them.
    """
    from ceasefire.errors import CeasefireError

    try:
        import uvicorn
    except ImportError:
        raise CeasefireError("ceasefire serve needs uvicorn and fastapi, which are not "
                             "installed; install them with: pip install 'ceasefire[web]'"
                             ) from None
    from ceasefire.web import Settings, create_app

    if not no_store:  # a store that cannot be used fails now, not at the first run
        from ceasefire.store import RunStore

        RunStore(store).check()
    settings = Settings(max_draws=max_draws, request_timeout_s=timeout, job_workers=workers,
                        quick_workers=workers, run_store=None if store is None else str(store),
                        use_store=not no_store)
    app = create_app(settings)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    common.err_console.print(text(f"ceasefire dashboard: http://{shown}:{port}/ "
                                  "(Ctrl-C stops it)"), highlight=False)
    if not no_store:
        from ceasefire.store import store_path

        common.err_console.print(text(f"runs recorded in {store_path(store)}", "dim"),
                                 highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
