"""The examples of docs/sensitivity.md run as written, so they never rot."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ceasefire.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "sensitivity.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text("utf-8"), re.S)


def test_the_python_example_runs():
    namespace: dict = {}
    exec(compile(_blocks("python")[0], str(DOC), "exec"), namespace)
    result = namespace["result"]
    assert result.kind == "sensitivity" and result.seed == 7
    assert set(result.outputs) == {"deal-12"}


@pytest.mark.slow
@pytest.mark.parametrize("command", [line.split("  #")[0].strip()
                                     for line in _blocks("")[0].splitlines() if line.strip()])
def test_the_commands_run(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    assert argv[0] == "ceasefire"
    assert main([*argv[1:], "--no-store"]) == 0, capsys.readouterr().err
