"""The ``ceasefire`` command line: parse, call the library, render.

Each group of commands lives in its own module with a ``register(app)`` function;
nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import sys

import typer

from ceasefire.cli import common

app = typer.Typer(
    name="ceasefire",
    help="Model the end of a war as a negotiation: war paths, war values, deals, forecasts.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
) -> None:
    common.STATE.debug = debug


def _register_all() -> None:
    from ceasefire.cli import (
        analyze_cmds,
        backtest_cmds,
        deals_cmds,
        forecast_cmds,
        interop_cmds,
        negotiate_cmds,
        runs_cmds,
        scenario_cmds,
        sensitivity_cmds,
        serve_cmds,
        sweep_cmds,
    )

    for module in (scenario_cmds, analyze_cmds, backtest_cmds, deals_cmds, forecast_cmds,
                   interop_cmds, negotiate_cmds, runs_cmds, serve_cmds,
                   sweep_cmds, sensitivity_cmds):
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; turn ceasefire's errors into a message and exit status 1."""
    return common.run_app(app, sys.argv[1:] if argv is None else argv)


__all__ = ["app", "main"]
