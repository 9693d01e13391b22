"""``ceasefire backtest``: the table, --json alone on stdout, --plot, errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from ceasefire.cli import main


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_table_shows_in_sample_apart_from_the_scores(capsys):
    status, out, err = _run(capsys, "backtest", "tutorial", "-n", "200", "--seed", "3")
    assert status == 0 and err == ""
    in_sample, scored = out.index("In sample"), out.index("Out of sample: scored")
    assert in_sample < scored
    assert "2029-10" in out[in_sample:scored] and "2029-10" not in out[scored:]
    assert "gains_km2.NO, mean CRPS" in out and "of 4 inside" in out
    assert "overall:" in out and "80 % intervals" in out
    assert "not-forecast:" in out and "event.agreement-signed" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_alaska_says_there_is_nothing_to_score(capsys):
    status, out, _ = _run(capsys, "backtest", "alaska-2025", "-n", "100")
    assert status == 0
    assert "of 7 in-sample observations inside" in out
    assert "no observation after the scenario's date to score" in out
    assert "gains_km2.RU: " in out and all(len(line) <= 80 for line in out.splitlines())


def test_json_is_alone_on_stdout(capsys):
    status, out, err = _run(capsys, "backtest", "tutorial", "-n", "100", "--seed", "2",
                            "--json")
    assert status == 0 and err == ""
    document = json.loads(out)
    assert document["kind"] == "backtest" and document["seed"] == 2
    assert document["draws"] == 100 and document["record"]["builtin"] is True


def test_plot_writes_a_self_contained_page(capsys, tmp_path):
    target = tmp_path / "plots" / "backtest.html"
    status, _, err = _run(capsys, "backtest", "tutorial", "-n", "100", "--plot", str(target),
                          "--json")
    assert status == 0 and err == ""
    page = target.read_text()
    assert "gains_km2.NO" in page and "plotly" in page
    assert '<script src="http' not in page  # plotly.js inlined: it opens offline


def test_a_record_file_argument(capsys, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("date,metric,value,source\n2030-02-28,gains_km2.NO,72,my notes\n")
    status, out, _ = _run(capsys, "backtest", "tutorial", str(path), "-n", "100")
    assert status == 0 and "of 1 inside" in out and "In sample" not in out
    assert f"against the record {path}" in " ".join(out.split())


def test_a_bad_record_exits_1_naming_the_file_and_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,metric,value,source\n2030-02-28,gains_km2.NO,55,ok\n"
                    "2030-03-31,gains.NO,1,bad metric\n")
    status, out, err = _run(capsys, "backtest", "tutorial", str(path), "-n", "50")
    assert status == 1 and out == ""
    assert f"{path}:3:" in err and "unknown metric" in err and "Traceback" not in err


def test_a_missing_record_and_a_bad_plot_path_exit_1(capsys, tmp_path):
    status, _, err = _run(capsys, "backtest", "tutorial", str(tmp_path / "none.csv"))
    assert status == 1 and "cannot read the record" in err and "Traceback" not in err
    folder = tmp_path / "folder"
    folder.mkdir()
    status, _, err = _run(capsys, "backtest", "tutorial", "--plot", str(folder))
    assert status == 1 and "--plot" in err and "Traceback" not in err
