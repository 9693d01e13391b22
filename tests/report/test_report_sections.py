"""The report's sections from the other engines: the deal space and the stakeholder forecast."""

from __future__ import annotations

import pytest

from ceasefire import DealOptions, analyze
from ceasefire.report.html import render_report
from ceasefire.report.sections import deals_section, extra_sections, forecast_section
from ceasefire.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def result(scenario):
    return analyze(scenario, draws=200, rng=2, decomposition_draws=20)


@pytest.fixture(scope="module")
def with_deals(scenario):
    return analyze(scenario, draws=200, rng=2, decomposition_draws=20,
                   deals=DealOptions(draws=100))


def test_forecast_section_lists_every_model_and_the_eum_band(result, scenario):
    assert result.forecast is not None  # the tutorial has stakeholders
    sections = dict(extra_sections(result, scenario))
    table = sections["Stakeholder forecast"]
    for model in ("compromise", "median", "status-quo", "nash", "eum", "smp", "EUM band"):
        assert model in table
    assert "valley-line" in table
    assert dict(forecast_section(result.forecast, scenario)).keys() == {
        "Stakeholder forecast", "Forecast trajectories"}


def test_report_carries_the_extra_sections(result, scenario):
    page = render_report(result, scenario)
    assert "Stakeholder forecast" in page and "Forecast trajectories" in page
    # and only from the result: without a forecast there is none
    bare = render_report(result.model_copy(update={"forecast": None}), scenario)
    assert "Stakeholder forecast" not in bare and "Forecast trajectories" not in bare


def test_deals_section_comes_with_a_deal_space(result, with_deals, scenario):
    assert result.deals is None
    assert "Deal space" not in dict(extra_sections(result, scenario))
    sections = dict(extra_sections(with_deals, scenario))
    assert "Deal space" in sections and "Nash bargaining" in sections["Deal space"]
    assert any(title.startswith("Pareto frontier: NO against SO") for title in sections)
    assert [title for title, _ in deals_section(with_deals.deals, scenario)] == [
        "Deal space", "Pareto frontier: NO against SO"]
    assert "Pareto frontier" in render_report(with_deals, scenario)


def test_analyze_with_deals_writes_the_section(tmp_path, capsys):
    from ceasefire.cli import main

    status = main(["analyze", "tutorial", "-n", "200", "--seed", "1", "--deals",
                   "--deals-draws", "100", "--decomposition-draws", "20", "--out",
                   str(tmp_path)])
    assert status == 0, capsys.readouterr().err
    assert "Pareto frontier" in (tmp_path / "report.html").read_text()
