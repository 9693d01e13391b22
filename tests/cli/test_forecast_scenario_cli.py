"""forecast on a built-in scenario's stakeholder table (DESIGN 9.9 forecast keys)."""

from __future__ import annotations

import json

from ceasefire.cli import main


def test_forecast_of_a_builtin_scenario_follows_the_contract(capsys):
    assert main(["forecast", "alaska-2025", "--model", "all", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "forecast" and doc["scenario"]["id"] == "alaska-2025"
    for model in ("compromise", "median", "status-quo", "nash", "eum", "smp"):
        entry = doc["models"][model]
        assert 0 <= entry["forecast"]["donetsk-line"] <= 100
        assert isinstance(entry["turns"], int)
        assert "donetsk-line" in next(iter(entry["final_positions"].values()))
    band = doc["eum_band"]["donetsk-line"]
    assert band["low"] <= doc["models"]["eum"]["forecast"]["donetsk-line"] <= band["high"]


def test_forecast_unknown_dimension_is_a_clear_error(capsys):
    assert main(["forecast", "tutorial", "--dimension", "no-such-dimension"]) == 1
    err = capsys.readouterr().err
    assert "no-such-dimension" in err and "Traceback" not in err
