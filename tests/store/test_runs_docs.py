"""The console examples of docs/runs.md run as written, in order, on a temporary store."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ceasefire.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "runs.md"


def _commands() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", DOC.read_text(), re.S)
    return [line[2:].split("  #")[0].strip() for block in blocks
            for line in block.splitlines() if line.startswith("$ ")]


@pytest.mark.slow
def test_the_examples_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "runs.duckdb"))
    commands = _commands()
    assert len(commands) >= 10
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "ceasefire"
        status = main(argv[1:])
        _, err = capsys.readouterr()
        assert status == 0, f"{command}: {err}"
    assert (tmp_path / "result.json").is_file()
    # the SQL example reads the same store (it holds the two analyze runs)
    python = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    exec(compile(python, str(DOC), "exec"), {})
