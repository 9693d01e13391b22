"""The examples in the README run as written, so they never rot."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from ceasefire.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _console_commands() -> list[str]:
    block = re.search(r"```console\n(.*?)```", README.read_text(), re.S).group(1)
    return [line[2:].split("  #")[0].strip() for line in block.splitlines()
            if line.startswith("$ ")]


def _python_example() -> str:
    return re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)


@pytest.mark.slow
@pytest.mark.parametrize("command", _console_commands())
def test_readme_command_runs(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for part in command.split("&&"):
        argv = shlex.split(part)
        target = None
        if ">" in argv:  # a shell redirection of standard output
            argv, target = argv[: argv.index(">")], argv[argv.index(">") + 1]
        assert argv[0] == "ceasefire"
        status = main(argv[1:])
        out, err = capsys.readouterr()
        assert status == 0, err
        if target is not None:
            Path(target).write_text(out)
            assert json.loads(out)["kind"] == argv[1]


@pytest.mark.slow
def test_readme_python_example_runs():
    namespace: dict = {}
    exec(compile(_python_example(), "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.draws == 2000 and result.seed == 7
    assert namespace["same"] == namespace["deals"]


def test_readme_gives_the_two_commands_ci_runs():
    text = README.read_text()
    ci = (README.parent / ".ci" / "run").read_text()
    test_command = ci.strip().splitlines()[-1]
    assert test_command in text
    assert "pip install -e '.[report]' && ceasefire analyze" in text
