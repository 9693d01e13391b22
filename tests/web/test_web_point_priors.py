"""A scenario whose beliefs are on points: the API shows each prior's points, not a null.

``GET /api/scenarios/{id}`` describes a normal prior by the range its mean moves in (the
dashboard's slider); a prior on points (``Prior.points``, with ``analyst_points``) by its
points of log m, their probabilities and the mean of log m under them.
"""

from __future__ import annotations

import math

import pytest

from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.loading import dump_scenario, scenario_to_dict

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SLOW, FAST = math.log(0.5), math.log(1.5)


def _on_points_text() -> str:
    data = scenario_to_dict(load_scenario("tutorial"))
    data["name"] = "Tutorial on points"
    data["beliefs"] = {
        "analyst_points": {"log_m": [SLOW, 0.0, FAST], "probability": [0.25, 0.5, 0.25]},
        "priors": [{"id": "NO", "points": {"log_m": [0.0, FAST], "probability": [0.2, 0.8]}},
                   {"id": "SO", "points": {"log_m": [SLOW, 0.0, FAST],
                                           "probability": [0.6, 0.4, 0.0]}}],
        "sources": {"analyst_points": ["tutorial-beliefs"]}}
    return dump_scenario(Scenario.model_validate(data))


def test_a_prior_on_points_shows_its_points_probabilities_and_mean(client):
    created = client.post("/api/scenarios", content=_on_points_text(),
                          headers={"content-type": "text/plain"})
    assert created.status_code == 201, created.text
    body = client.get(f"/api/scenarios/{created.json()['id']}").json()
    north, south = body["priors"]
    assert north["id"] == "NO" and north["form"] == "points"
    assert "mean_log_m" not in north  # nothing for the dashboard's mean slider to move
    assert north["points"]["log_m"] == pytest.approx([0.0, FAST])
    assert north["points"]["probability"] == pytest.approx([0.2, 0.8])
    assert north["points"]["mean_log_m"] == pytest.approx(0.8 * FAST)
    assert south["points"]["probability"] == pytest.approx([0.6, 0.4, 0.0])
    assert south["points"]["mean_log_m"] == pytest.approx(0.6 * SLOW)
    analyst = body["analyst_points"]
    assert analyst["log_m"] == pytest.approx([SLOW, 0.0, FAST])
    assert analyst["mean_log_m"] == pytest.approx(0.25 * (SLOW + FAST))


def test_a_normal_prior_keeps_its_slider_range(client):
    body = client.get("/api/scenarios/tutorial").json()
    assert body["analyst_points"] is None
    north = next(p for p in body["priors"] if p["id"] == "NO")
    assert north["form"] == "normal" and "points" not in north
    assert north["mean_log_m"] == {"low": 0.3, "mode": 0.3, "high": 0.3}
    assert north["sd_log_m"] == pytest.approx(0.2)
