"""``ceasefire forecast`` on KTAB files and EUM tables."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ceasefire.cli import app

runner = CliRunner()


def _run(args):
    return runner.invoke(app, args)


def test_json_document_shape(shared_dir):
    path = shared_dir / "peers/ktab/dummyData_3Dim.csv"
    result = _run(["forecast", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "forecast"
    assert doc["scenario"]["id"] == "dummyData_3Dim"
    assert doc["scenario"]["hash"].startswith("sha256:")
    assert doc["seed"] is None and doc["draws"] is None
    assert set(doc["models"]) == {"compromise", "median", "nash", "eum", "smp"}
    assert "status-quo" in doc["skipped"]
    smp = doc["models"]["smp"]
    assert smp["turns"] == 10
    assert smp["final_positions"]["SActor-05"] == pytest.approx(
        {"Pstn1": 79.88, "Pstn2": 34.37, "Pstn3": 75.16}, abs=1e-9)
    assert set(smp["forecast"]) == {"Pstn1", "Pstn2", "Pstn3"}
    band = doc["eum_band"]["Pstn1"]
    assert band["low"] <= band["presets"]["scholz"] <= band["high"]
    assert "wall_s" in doc["run"]
    json.dumps(doc, allow_nan=False)


def test_single_model_dimension_and_preset(shared_dir):
    path = shared_dir / "peers/eum/data/with_outcomes/bdm1994_emission_standards.tsv"
    result = _run(["forecast", str(path), "--model", "eum", "--eum-preset", "bdm1997", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc["models"]) == ["eum"]
    assert doc["models"]["eum"]["options"]["conflict"] == "no-move"
    path = shared_dir / "peers/ktab/SOE-Pol-Comp.csv"
    result = _run(["forecast", str(path), "--model", "median", "--dimension", "Policy", "--json"])
    assert json.loads(result.stdout)["models"]["median"]["forecast"] == {"Policy": 45.0}


def test_human_output_and_plot(shared_dir, tmp_path):
    plot = tmp_path / "trajectory.html"
    path = shared_dir / "peers/ktab/SOE-Policy.csv"
    result = _run(["forecast", str(path), "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    assert "smp" in result.stdout and "eum band" in result.stdout
    assert "<html>" in plot.read_text()
    assert not list(tmp_path.glob(".*.tmp-*"))  # no temporary file left


def test_errors_exit_1(shared_dir):
    from ceasefire.cli import main

    assert main(["forecast", str(shared_dir / "peers/ktab/smpExample.xml")]) == 1
    assert main(["forecast", str(shared_dir / "peers/ktab/dummyData_3Dim.csv"),
                 "--model", "magic"]) == 1
    assert main(["forecast", str(shared_dir / "peers/ktab/dummyData_3Dim.csv"),
                 "--model", "status-quo"]) == 1
    assert main(["forecast", "/nonexistent/file.csv"]) == 1


def test_help_has_an_example():
    result = _run(["forecast", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and "--eum-preset" in result.stdout


def test_importing_the_cli_stays_light():
    import subprocess
    import sys

    code = ("import sys, ceasefire.cli; "
            "print(any(m in sys.modules for m in ('plotly', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
