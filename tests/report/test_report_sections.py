"""The report's sections from the other engines."""

from __future__ import annotations

import pytest

from ceasefire.analysis import analyze
from ceasefire.report.html import render_report
from ceasefire.report.sections import extra_sections


@pytest.fixture(scope="module")
def result():
    return analyze("tutorial", draws=200, rng=2, decomposition_draws=20)


def test_forecast_section_lists_every_model_and_the_eum_band(result):
    sections = dict(extra_sections(result))
    table = sections["Stakeholder forecast"]
    for model in ("compromise", "median", "status-quo", "nash", "eum", "smp", "EUM band"):
        assert model in table
    assert "valley-line" in table


def test_report_carries_the_extra_sections(result):
    page = render_report(result, sections=extra_sections(result))
    assert "Stakeholder forecast" in page and "Forecast trajectories" in page


def test_deals_section_is_added_on_request(result):
    assert "Deal space" not in dict(extra_sections(result))
    sections = dict(extra_sections(result, deals_draws=100))
    assert "Deal space" in sections and "Nash bargaining" in sections["Deal space"]
    assert any(title.startswith("Pareto frontier: NO against SO") for title in sections)


def test_analyze_with_deals_writes_the_section(tmp_path, capsys):
    from ceasefire.cli import main

    status = main(["analyze", "tutorial", "-n", "200", "--seed", "1", "--deals",
                   "--deals-draws", "100", "--decomposition-draws", "20", "--out",
                   str(tmp_path)])
    assert status == 0, capsys.readouterr().err
    assert "Pareto frontier" in (tmp_path / "report.html").read_text()
