"""The schematic map: one point per region at its coordinates, control under each proposal."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.analysis import analyze
from ceasefire.bargaining.packages import _deal_control
from ceasefire.report.map import (
    control_now,
    proposal_changes,
    proposal_control,
    region_map,
)
from ceasefire.scenario.compile import compile_scenario

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def analysis():
    return analyze("tutorial", draws=100, rng=1)


def test_one_point_per_region_at_its_coordinates(analysis):
    fig = region_map(analysis)
    regions = analysis.scenario.regions
    trace = fig.data[0]
    assert trace.type == "scatter"
    np.testing.assert_allclose(trace.x, [r.lon for r in regions])
    np.testing.assert_allclose(trace.y, [r.lat for r in regions])
    # coloured by the first belligerent's share now
    np.testing.assert_allclose(trace.marker.color, control_now(analysis)[:, 0])
    cities = [c for r in regions for c in r.cities]
    np.testing.assert_allclose(fig.data[1].x, [c.lon for c in cities])
    np.testing.assert_allclose(fig.data[1].y, [c.lat for c in cities])


def test_map_is_a_plain_plane_never_geo_or_tiles(analysis):
    fig = region_map(analysis)
    assert {trace.type for trace in fig.data} == {"scatter"}
    layout = fig.to_plotly_json()["layout"]
    assert "geo" not in layout and "mapbox" not in layout and "map" not in layout
    assert layout["yaxis"]["scaleanchor"] == "x"  # equal aspect


def test_dropdown_has_now_and_every_proposal(analysis):
    menu = region_map(analysis).layout.updatemenus[0]
    assert len(menu.buttons) == 1 + len(analysis.proposals)
    assert menu.buttons[0].label.startswith("Now")
    last = menu.buttons[-1].args[0]["marker.color"][0]
    np.testing.assert_allclose(last, proposal_control(analysis, analysis.proposals[-1])[:, 0])


def test_proposal_control_matches_the_engine(analysis):
    # The map's control under each proposal is the engine's (packages._deal_control),
    # averaged over draws, for a deal signed now.
    s = analysis.scenario
    compiled = compile_scenario(s, draws=analysis.draws, rng=analysis.seed)
    paths = analysis.expected
    now = paths.control[0]
    for pid in analysis.proposals:
        mine = proposal_control(analysis, pid)
        expected = now.mean(-1).copy()
        terms = s.proposal(pid).terms
        for issue in s.issues:
            deal = _deal_control(compiled, paths, issue, terms.get(issue.id, issue.default),
                                 now)
            if deal is not None:
                rows, control = deal
                expected[rows] = control.mean(-1)
        np.testing.assert_allclose(mine, expected, atol=1e-9, err_msg=pid)


def test_line_option_moves_regions_in_order(analysis):
    # South holds 500 km2 of the east valley and 400 of the west; x = 55.6 passes 500.4 km2:
    # all of the east valley, then 0.4 km2 of the west.
    changes = {c.region: c for c in proposal_changes(analysis, "east-for-guarantee")}
    assert set(changes) == {"east-valley"}  # 0.4 km2 of 500 rounds below the threshold
    assert changes["east-valley"].after["NO"] == pytest.approx(1.0)
    assert "NO 50% → 100%" in changes["east-valley"].summary()
    west = proposal_control(analysis, "east-for-guarantee")[1]
    assert west[0] == pytest.approx(0.2 + 0.4 / 500, abs=1e-6)
    assert proposal_changes(analysis, "freeze") == []
