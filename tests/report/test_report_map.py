"""The schematic map: one point per region at its coordinates, control under each proposal."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire import analyze
from ceasefire.bargaining.packages import deal_control
from ceasefire.report.map import (
    control_now,
    proposal_changes,
    proposal_control,
    region_map,
)
from ceasefire.scenario import load_scenario
from ceasefire.workflows.prepare import prepare

pytest.importorskip("plotly")

CHANGED = 0.005
"""A share that moves less than this under a deal is drawn as unchanged."""


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def result(scenario):
    return analyze(scenario, draws=100, rng=1)


@pytest.fixture(scope="module")
def engine(result, scenario):
    """Each proposal's control under a deal signed now, straight from the engine.

    The mean over draws of :func:`ceasefire.bargaining.packages.deal_control`, on the
    result's draws (same seed) and its expected war paths ``[regions, belligerents]``.
    """
    prepared = prepare(scenario, draws=result.draws, rng=result.seed)
    now = prepared.expected.control[0].mean(-1)
    deals = {p.id: deal_control(prepared.compiled, prepared.expected, p.terms).mean(-1)
             for p in scenario.proposals}
    return now, deals


def test_one_point_per_region_at_its_coordinates(result, scenario):
    fig = region_map(result, scenario)
    regions = scenario.regions
    trace = fig.data[0]
    assert trace.type == "scatter"
    np.testing.assert_allclose(trace.x, [r.lon for r in regions])
    np.testing.assert_allclose(trace.y, [r.lat for r in regions])
    # coloured by the first belligerent's share now
    np.testing.assert_allclose(trace.marker.color, control_now(result, scenario)[:, 0])
    cities = [c for r in regions for c in r.cities]
    np.testing.assert_allclose(fig.data[1].x, [c.lon for c in cities])
    np.testing.assert_allclose(fig.data[1].y, [c.lat for c in cities])


def test_control_now_is_the_result_at_month_zero(result, scenario):
    # the mean over the realised paths at month 0, region by region, belligerent by
    # belligerent (the per-draw arrays the result was summarised from)
    per_draw = result.per_draw.control.isel(month=0).mean("draw")
    expected = per_draw.sel(region=[r.id for r in scenario.regions],
                            belligerent=list(scenario.belligerents))
    np.testing.assert_allclose(control_now(result, scenario), expected.values)


def test_map_is_a_plain_plane_never_geo_or_tiles(result, scenario):
    fig = region_map(result, scenario)
    assert {trace.type for trace in fig.data} == {"scatter"}
    layout = fig.to_plotly_json()["layout"]
    assert "geo" not in layout and "mapbox" not in layout and "map" not in layout
    assert layout["yaxis"]["scaleanchor"] == "x"  # equal aspect


def test_dropdown_has_now_and_every_proposal(result, scenario):
    menu = region_map(result, scenario).layout.updatemenus[0]
    assert len(menu.buttons) == 1 + len(result.proposals)
    assert menu.buttons[0].label.startswith("Now")
    last = menu.buttons[-1].args[0]["marker.color"][0]
    np.testing.assert_allclose(
        last, proposal_control(result, scenario, list(result.proposals)[-1])[:, 0])


def test_proposal_control_matches_the_engine(result, scenario, engine):
    # The map's control under each proposal is the engine's (packages.deal_control),
    # averaged over draws, for a deal signed now; a region the deal moves by less than
    # half a percentage point is drawn as it is now.
    now, deals = engine
    np.testing.assert_allclose(control_now(result, scenario), now, atol=1e-9)
    for pid in result.proposals:
        mine = proposal_control(result, scenario, pid)
        moved = np.abs(deals[pid] - now).max(-1) >= CHANGED
        expected = np.where(moved[:, None], deals[pid], now)
        np.testing.assert_allclose(mine, expected, atol=1e-9, err_msg=pid)
        assert {c.region for c in proposal_changes(result, scenario, pid)} == {
            region.id for region, m in zip(scenario.regions, moved, strict=True) if m}


def test_line_option_moves_regions_in_order(result, scenario, engine):
    # South holds 500 km2 of the east valley and 400 of the west; x = 55.6 passes 500.4 km2:
    # all of the east valley, then 0.4 km2 of the west.
    _, deals = engine
    index = [r.id for r in scenario.regions]
    west = deals["east-for-guarantee"][index.index("west-valley")]
    assert west[0] == pytest.approx(0.2 + 0.4 / 500, abs=1e-6)
    changes = {c.region: c for c in proposal_changes(result, scenario, "east-for-guarantee")}
    assert set(changes) == {"east-valley"}  # 0.4 km2 of 500 rounds below the threshold
    assert changes["east-valley"].after["NO"] == pytest.approx(1.0)
    assert "NO 50% → 100%" in changes["east-valley"].summary()
    # so the map draws the west valley as it is now
    shown = proposal_control(result, scenario, "east-for-guarantee")[index.index("west-valley")]
    assert shown[0] == pytest.approx(0.2, abs=1e-6)
    assert proposal_changes(result, scenario, "freeze") == []
