"""The public API: pinned, lazy, and usable from a notebook."""

from __future__ import annotations

import subprocess
import sys

import ceasefire


def test_public_names_are_pinned():
    assert ceasefire.__all__ == [
        "__version__", "AnalysisOptions", "CeasefireError", "DealOptions", "InputError",
        "ModelError", "Scenario", "ScenarioError", "analyze", "backtest", "builtin_names",
        "calibrate",
        "explore", "load_result", "load_scenario", "run_model", "stakeholder_forecast",
        "table_from_scenario", "whatif",
    ]
    for name in ceasefire.__all__:
        assert getattr(ceasefire, name) is not None


def test_importing_the_package_imports_no_engine():
    code = ("import sys, ceasefire; print(','.join(m for m in ('numpy', 'pydantic', "
            "'ceasefire.bargaining', 'ceasefire.results') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_an_unknown_name_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        ceasefire.nothing  # noqa: B018


def test_the_notebook_example_runs():
    scenario = ceasefire.load_scenario("tutorial")
    result = ceasefire.analyze(scenario, draws=100, rng=7, decomposition_draws=10)
    assert result.to_dict()["likely_settlement"]["proposal"] in {p.id for p in scenario.proposals}
    assert result.likely_settlement.proposal in result.proposals
    assert len(repr(result)) < 1000 and "<table>" in result._repr_html_()
