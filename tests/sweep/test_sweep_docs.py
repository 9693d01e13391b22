"""The examples of docs/cluster.md run as written, so they never rot."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from ceasefire.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "cluster.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text("utf-8"), re.S)


def _commands() -> list[list[str]]:
    lines = [line[2:] for line in _blocks("console")[0].splitlines() if line.startswith("$ ")]
    return [shlex.split(line.split("  #")[0]) for line in lines]


@pytest.mark.slow
def test_the_two_tutorial_commands_print_the_same_numbers(capsys):
    documents = []
    for argv in _commands():
        assert argv[:2] == ["ceasefire", "sweep"]
        assert main([*argv[1:], "--json", "--no-store"]) == 0
        document = json.loads(capsys.readouterr().out)
        document.pop("run")
        documents.append(document)
    assert len(documents) == 2 and documents[0] == documents[1]


@pytest.mark.slow
def test_the_python_sweep_example_runs():
    namespace: dict = {"__name__": "__main__"}
    exec(compile(_blocks("python")[0], "docs/cluster.md", "exec"), namespace)
    assert namespace["result"].draws == 3000 and len(namespace["table"]) > 0


def test_the_runner_example_runs():
    namespace: dict = {}
    exec(compile(_blocks("python")[1], "docs/cluster.md", "exec"), namespace)
    assert abs(namespace["total"]) < 0.01
