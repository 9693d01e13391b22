"""Shared set-up of the CLI tests: every command renders at 80 columns."""

from __future__ import annotations

import pytest

from ceasefire.cli import main


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    # rich reads COLUMNS each time it measures, so every command renders at 80 columns.
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def cli(capsys):
    """Run ``ceasefire ARGV...``; return (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run
