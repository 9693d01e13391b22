"""analyze, whatif and calibrate from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_analyze_json_is_one_document_on_stdout(cli):
    status, out, err = cli("analyze", "tutorial", "--draws", "200", "--seed", "3",
                           "--no-report", "--decomposition-draws", "50", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["kind"] == "analyze" and doc["seed"] == 3 and doc["draws"] == 200
    assert err == ""  # no summary, no progress: standard error is for errors alone


def test_analyze_summary_names_every_proposal(cli):
    status, out, _ = cli("analyze", "tutorial", "--draws", "200", "--seed", "3",
                         "--no-report", "--decomposition-draws", "50")
    assert status == 0
    for proposal in ("freeze", "east-for-guarantee", "all-for-relief"):
        assert proposal in out
    assert "likely settlement" in out and "Rubinstein" in out


def test_analyze_same_seed_same_json_except_run(cli):
    docs = []
    for _ in range(2):
        status, out, _ = cli("analyze", "tutorial", "-n", "150", "--seed", "4",
                             "--no-report", "--decomposition-draws", "20", "--json")
        assert status == 0
        doc = json.loads(out)
        doc.pop("run")
        docs.append(doc)
    assert docs[0] == docs[1]


def test_analyze_unknown_scenario_is_a_clear_error(cli):
    status, _, err = cli("analyze", "no-such-war")
    assert status == 1
    assert "no such file or built-in scenario" in err and "Traceback" not in err


def test_analyze_rejects_zero_draws(cli):
    status, _, err = cli("analyze", "tutorial", "--draws", "0")
    assert status != 0 and "draws" in err.lower()


def test_whatif_shows_the_change(cli):
    status, out, _ = cli("whatif", "tutorial", "--set", "actors.NO.cost_weight=0.3",
                         "--lever", "arms-package=on", "-n", "200", "--seed", "1", "--json")
    assert status == 0
    doc = json.loads(out)
    freeze = doc["proposals"]["freeze"]["acceptance"]["NO"]
    # probabilities as {p, se}; the difference {d, se} is paired on the same draws
    assert freeze["difference"]["d"] == pytest.approx(freeze["variant"]["p"]
                                                      - freeze["base"]["p"])
    assert set(freeze["base"]) == {"p", "se"} and freeze["difference"]["se"] >= 0
    within = doc["agreement"]["p_within_12"]
    assert within["difference"]["d"] == pytest.approx(within["variant"]["p"] - within["base"]["p"])
    assert doc["levers"] == {"arms-package": True}
    assert doc["changes"] == {"actors.NO.cost_weight": 0.3}


@pytest.mark.parametrize(("argv", "words"), [
    (["--lever", "no-such-lever=on"], "unknown lever"),
    (["--lever", "arms-package=maybe"], "ID=on or ID=off"),
    (["--set", "actors.XX.cost_weight=1"], "no record with id 'XX'"),
    (["--set", "actors.NO.discount_factor=1.5"], "strictly between 0 and 1"),
    ([], "at least one"),
])
def test_whatif_bad_input(cli, argv, words):
    status, _, err = cli("whatif", "tutorial", "-n", "50", *argv)
    assert status == 1
    assert words in err and "Traceback" not in err


def test_calibrate_json(cli):
    status, out, _ = cli("calibrate", "tutorial", "-n", "200", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["kind"] == "calibrate"
    assert doc["gains_km2_per_month"]["NO"]["p50"] > 0


def test_importing_the_cli_pulls_in_no_heavy_module():
    code = ("import sys, ceasefire.cli; heavy = [m for m in ('plotly', 'scipy', 'pandas', "
            "'xarray', 'dask', 'fastapi', 'pyarrow', 'numpy') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_report_renders_a_saved_result_without_running_an_engine(cli, tmp_path, monkeypatch):
    status, out, _ = cli("analyze", "tutorial", "-n", "120", "--seed", "2", "--no-report",
                         "--decomposition-draws", "30", "--deals", "--deals-draws", "40",
                         "--json")
    assert status == 0
    saved = tmp_path / "results.json"
    saved.write_text(out)
    import ceasefire.bargaining.analysis as engine
    import ceasefire.deals.explore as deals

    def refuse(*args, **kwargs):
        raise AssertionError("the report ran an engine")

    monkeypatch.setattr(engine, "run_analysis", refuse)
    monkeypatch.setattr(deals, "explore_deals", refuse)
    status, _, err = cli("report", str(saved), "--out", str(tmp_path / "r"))
    assert status == 0, err
    page = (tmp_path / "r" / "report.html").read_text()
    assert "Pareto" in page and "Stakeholder forecast" in page


def test_report_from_analyze_equals_report_from_its_saved_result(cli, tmp_path):
    status, out, _ = cli("analyze", "tutorial", "-n", "100", "--seed", "5", "--json",
                         "--decomposition-draws", "30", "--out", str(tmp_path / "a"))
    assert status == 0
    saved = tmp_path / "results.json"
    saved.write_text(out)
    assert cli("report", str(saved), "--out", str(tmp_path / "b"))[0] == 0
    first = (tmp_path / "a" / "report.html").read_text()
    second = (tmp_path / "b" / "report.html").read_text()
    assert first == second


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "not a JSON document"),
    ('{"kind": "calibrate"}', "not a valid CalibrateResult"),
    ('{"kind": "oracle"}', "unknown"),
    ("[1, 2]", "JSON object"),
])
def test_report_bad_results_file(cli, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    status, _, err = cli("report", str(path), "--out", str(tmp_path / "r"))
    assert status == 1 and words in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_report_refuses_a_result_of_another_scenario_version(cli, tmp_path):
    status, out, _ = cli("analyze", "tutorial", "-n", "60", "--seed", "5", "--json",
                         "--no-report", "--decomposition-draws", "20")
    document = json.loads(out)
    document["scenario"]["hash"] = "sha256:" + "0" * 64
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document))
    status, _, err = cli("report", str(path), "--out", str(tmp_path / "r"))
    assert status == 1 and "--scenario" in err


def test_analyze_refuses_more_draws_than_it_can_hold(cli):
    status, _, err = cli("analyze", "tutorial", "--draws", "20001", "--no-report")
    assert status == 2 and "20000" in err.replace(",", "")


def test_the_cli_s_draw_limit_is_the_engine_s():
    from ceasefire.bargaining.analysis import MAX_DRAWS
    from ceasefire.cli.analyze_cmds import ANALYZE_DRAWS_MAX

    assert ANALYZE_DRAWS_MAX == MAX_DRAWS
