"""``ceasefire export`` and ``ceasefire negmas-check``.

The commands are registered on a fresh typer app here, as ``ceasefire.cli`` does it.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer
from helpers_interop import SEED

from ceasefire.cli import common, interop_cmds
from ceasefire.interop import read_genius_domain, read_genius_profile


@pytest.fixture
def cli(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        pass

    interop_cmds.register(app)

    def run(*argv: str) -> tuple[int, str, str]:
        status = common.run_app(app, list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def _fails_if_solved(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the command solved before checking its arguments")

    monkeypatch.setattr("ceasefire.interop.build_domain", boom)


def test_export_genius_writes_the_files_and_reports_the_fit(cli, tmp_path):
    out = tmp_path / "new" / "folder"
    status, stdout, _ = cli("export", "tutorial", "--out", str(out), "--draws", "30",
                            "--seed", str(SEED), "--draw", "2")
    assert status == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["tutorial-NO.xml", "tutorial-PA.xml", "tutorial-SO.xml",
                     "tutorial-domain.xml", "tutorial-utilities.csv"]
    assert "R²" in stdout and "draw 2 of 30" in stdout and "seed 7" in stdout
    domain = read_genius_domain(out / "tutorial-domain.xml")
    profile = read_genius_profile(out / "tutorial-NO.xml", domain)
    assert sum(profile.weights) == pytest.approx(1.0)


def test_export_json_document_carries_the_fit(cli, tmp_path):
    status, stdout, _ = cli("export", "tutorial", "--out", str(tmp_path), "--draws", "30",
                            "--seed", str(SEED), "--json")
    assert status == 0
    document = json.loads(stdout)
    assert document["kind"] == "export" and document["seed"] == SEED
    assert document["draws"] == 30 and document["domain"]["outcomes"] == 12
    assert [f["party"] for f in document["fits"]] == ["NO", "SO", "PA"]
    assert all(0 <= f["r_squared"] <= 1 for f in document["fits"])


def test_export_negmas_json(cli, tmp_path):
    status, _, _ = cli("export", "tutorial", "--format", "negmas-json", "--out",
                       str(tmp_path), "--draws", "30", "--seed", str(SEED))
    assert status == 0
    document = json.loads((tmp_path / "tutorial-negmas.json").read_text("utf-8"))
    assert document["format"] == "ceasefire-negmas/1" and len(document["outcomes"]) == 12
    assert [p["name"] for p in document["parties"]] == ["NO", "SO", "PA"]


def test_an_output_path_that_is_a_file_is_refused_before_any_work(cli, tmp_path,
                                                                   monkeypatch):
    _fails_if_solved(monkeypatch)
    blocker = tmp_path / "taken"
    blocker.write_text("keep me", encoding="utf-8")
    status, _, err = cli("export", "tutorial", "--out", str(blocker))
    assert status == 1
    assert "--out" in err and "is a file, not a folder" in err
    assert blocker.read_text("utf-8") == "keep me"
    status, _, err = cli("export", "tutorial", "--out", str(blocker / "below"))
    assert status == 1 and "is a file, not a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_draw_beyond_the_draws_is_refused_before_any_work(cli, tmp_path, monkeypatch):
    _fails_if_solved(monkeypatch)
    status, _, err = cli("export", "tutorial", "--out", str(tmp_path), "--draws", "10",
                         "--draw", "10")
    assert status == 1 and "--draw 10: must be less than --draws 10" in err
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_a_usage_error(cli, tmp_path):
    status, _, err = cli("export", "tutorial", "--out", str(tmp_path), "--format", "xls")
    assert status == 2 and "xls" in err


def test_negmas_check_without_the_extra_names_it(cli, monkeypatch):
    import sys

    _fails_if_solved(monkeypatch)
    monkeypatch.setitem(sys.modules, "negmas", None)
    status, _, err = cli("negmas-check", "tutorial")
    assert status == 1 and "pip install 'ceasefire[negmas]'" in err


def test_negmas_check_reports_the_runs(cli):
    pytest.importorskip("negmas")
    status, stdout, _ = cli("negmas-check", "tutorial", "--draws", "30", "--seed",
                            str(SEED), "--json")
    assert status == 0
    check = json.loads(stdout)["negmas_check"]
    assert check["same_zone"] and check["passed"] and len(check["runs"]) == 3
    status, stdout, _ = cli("negmas-check", "tutorial", "--draws", "30", "--seed",
                            str(SEED))
    assert status == 0 and "passed" in stdout and "boulware" in stdout


DOCS = Path(__file__).resolve().parents[2] / "docs" / "interop.md"


def _docs_block(kind: str) -> str:
    return re.search(rf"```{kind}\n(.*?)```", DOCS.read_text("utf-8"), re.S).group(1)


@pytest.mark.parametrize("command", [line[2:] for line in _docs_block("console").splitlines()
                                     if line.startswith("$ ")])
def test_the_docs_commands_run(cli, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    assert argv[0] == "ceasefire"
    if argv[1] == "negmas-check":
        pytest.importorskip("negmas")
    status, _, err = cli(*argv[1:])
    assert status == 0, err


def test_the_docs_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_docs_block("python"), str(DOCS), "exec"), namespace)
    assert namespace["same"]
