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
    assert "likely settlement" in err  # the human summary went to stderr


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
    assert freeze["difference"] == pytest.approx(freeze["variant"] - freeze["base"])
    assert doc["changes"]["levers"] == {"arms-package": True}


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
            "'dask', 'fastapi', 'pyarrow') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
