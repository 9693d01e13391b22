"""The report's "When a deal is signed" section and the terminal summary's agreement lines."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from ceasefire import analyze
from ceasefire.bargaining.agreement_summary import add_binding, summarise_agreement
from ceasefire.bargaining.outcome import Candidate, Equilibrium
from ceasefire.results import AnalyzeResult
from ceasefire.scenario import load_scenario

pytest.importorskip("plotly")

from ceasefire.report import figures
from ceasefire.report.html import render_report


def _equilibrium() -> Equilibrium:
    """Eight paths over a six-month window: freeze signed on three, a searched package
    on two (one collapses), east-for-guarantee on one; SO refuses freeze now (belief)."""
    draws = 8
    candidates = (
        Candidate("freeze", {"valley-line": "freeze", "guarantee": "none"}, False),
        Candidate("east-for-guarantee", {"valley-line": "east-valley-to-north",
                                         "guarantee": "patron-guarantee"}, False),
        Candidate("all-for-relief", {"valley-line": "both-valleys-to-north",
                                     "guarantee": "none"}, False),
        Candidate("searched-1", {"valley-line": "east-valley-to-north",
                                 "sanctions-relief": "lifted", "guarantee": "none"}, True),
    )
    accept = np.ones((3, 13, 3, draws), dtype=bool)
    reasons = np.zeros((3, 13, 3, draws), dtype=np.int8)
    accept[0, 0, 1, :5] = False
    reasons[0, 0, 1, :5] = [1, 1, 2, 2, 1]
    accept[1, 3, 0, :] = False
    reasons[1, 3, 0, :] = 4
    zone = np.zeros((4, draws), dtype=bool)
    zone[0, :6] = True
    return Equilibrium(
        players=("NO", "SO", "PA"), proposers=("NO", "SO", "PA"),
        proposer_probability=np.array([0.4, 0.4, 0.2]), candidates=candidates,
        solver_horizon=120, fitting_paths=4, months=6,
        signed=np.array([0, 2, 2, -1, 4, 1, -1, 5]),
        package=np.array([0, 3, 0, -1, 0, 3, -1, 1]),
        proposer=np.array([0, 1, 2, -1, 0, 1, -1, 2]),
        collapsed=np.array([-1, 4, -1, -1, -1, 3, -1, -1]),
        continuation=np.zeros((6, 3, draws)), accept=accept, reasons=reasons,
        required=np.array([[True, True, False]] * 3), zone_own=zone,
        zone_common=zone & (np.arange(draws) < 3), ratification=np.ones((3, 3, draws)),
        hazard=np.full((3, draws), 0.02), threats=np.array([0, 2, 0, 1, 0, 0, 3, 0]))


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def bare(scenario):
    return analyze(scenario, draws=60, rng=4, decomposition_draws=10)


@pytest.fixture(scope="module")
def result(bare, scenario):
    eq = _equilibrium()
    return bare.replace(agreement=summarise_agreement(eq, scenario),
                        timing=add_binding(bare.timing, eq, scenario))


@pytest.fixture(scope="module")
def page(result, scenario):
    return render_report(result, scenario)


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_the_section_follows_timing_only_with_an_agreement(page, bare, scenario):
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings[headings.index("Timing") + 1] == "When a deal is signed"
    without = render_report(bare.replace(agreement=None), scenario)
    assert "When a deal is signed" not in without and 'id="agreement"' not in without
    assert page.count("Plotly.newPlot(") == without.count("Plotly.newPlot(") + 1


def test_every_id_stays_unique(page):
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert "fig-agreement" in ids and 'document.getElementById("fig-agreement")' in page


def test_the_curve_has_its_band_and_in_force_line(result, scenario):
    fig = figures.agreement_figure(result, scenario)
    band, signed, in_force = fig.data
    months = list(result.agreement.by_month)
    assert list(signed.x) == months == list(in_force.x)
    assert list(signed.y) == [e.p for e in result.agreement.by_month.values()]
    assert list(in_force.y) == [e.p for e in result.agreement.in_force.values()]
    assert band.fill == "toself" and len(band.x) == 2 * len(months)
    upper = band.y[: len(months)]
    se = np.array([e.se for e in result.agreement.by_month.values()])
    assert np.allclose(upper, np.clip(np.array(signed.y) + 2 * se, 0, 1))
    assert "% of draws" in fig.layout.yaxis.title.text
    assert tuple(fig.layout.yaxis.range) == (0, 1.02)
    assert fig.layout.xaxis.title.text == "calendar month"
    # not a party's colour: the agreement is everyone's outcome
    assert not {signed.line.color, in_force.line.color} & set(
        figures.actor_colours(scenario).values())


def test_the_tables_show_packages_reasons_and_zone(page):
    section = _section(page, "agreement")
    assert section.count("<table") == section.count('<div class="table-wrap"><table') == 3
    # packages, most likely first, plateau marked
    assert section.index("Freeze on the current line") < section.index(
        "valley-line: east-valley-to-north; sanctions-relief: lifted")
    assert "37.5%" in section and "NO&nbsp;67%" in section and "✓" in section
    # binding reasons: SO refuses freeze now for belief; NO east-for-guarantee in month 3
    assert "2030-01 SO" in section and "2030-04 NO" in section and "2030-02 NO" not in section
    assert "<td>belief</td>" in section and "<td>value</td>" in section
    # the zone on own and on common beliefs
    assert "own beliefs" in section and "analyst's belief" in section
    assert "<b>75.0%</b>" in section and "<b>37.5%</b>" in section


def test_a_result_read_back_from_json_gives_the_same_section(result, scenario, page):
    back = AnalyzeResult.from_dict(result.to_dict())
    assert _section(render_report(back, scenario), "agreement") == _section(page, "agreement")


def test_the_terminal_summary_says_when_and_what(result):
    from rich.console import Console

    from ceasefire.cli.analyze_cmds import print_summary

    console = Console(record=True, width=200)
    print_summary(console, result)
    out = console.export_text()
    assert "Deal signed within 12 months: 75% ± 15%; within 24: 75% ± 15%" in out
    assert "median month 2030-03" in out
    assert "most likely package: freeze" in out
    assert "plateau of 3 packages" in out
    assert "freeze now refused by SO (belief)" in out
    bare = result.replace(agreement=None)
    console = Console(record=True, width=200)
    print_summary(console, bare)
    assert "Deal signed" not in console.export_text()
