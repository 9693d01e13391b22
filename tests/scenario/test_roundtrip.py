"""Load, dump and load again gives the same scenario."""

from __future__ import annotations

import copy

import pytest
from helpers_scenario import BUILTINS, load_builtin, minimal_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.errors import ScenarioError
from ceasefire.scenario import (
    dump_scenario,
    load_scenario,
    read_scenario_text,
    scenario_from_dict,
    scenario_to_dict,
)

TUTORIAL = scenario_to_dict(load_scenario("tutorial"))


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_round_trips_through_yaml(name):
    scenario = load_builtin(name)
    again = read_scenario_text(dump_scenario(scenario), strict_evidence=True)
    assert again == scenario
    assert dump_scenario(again) == dump_scenario(scenario)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_round_trips_through_plain_data(name):
    scenario = load_builtin(name)
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario


def test_minimal_round_trips():
    scenario = read_scenario_text(minimal_text())
    assert read_scenario_text(dump_scenario(scenario)) == scenario


def test_dump_keeps_norway_a_string():
    text = dump_scenario(load_scenario("tutorial"))
    assert read_scenario_text(text).actors[0].id == "NO"
    assert "'NO'" in text or '"NO"' in text


def test_scenario_is_frozen():
    scenario = load_scenario("tutorial")
    with pytest.raises(ValueError):
        scenario.actors[0].name = "changed"  # type: ignore[misc]


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1)


@st.composite
def quantities(draw, low=0.0, high=1.0):
    """A constant or a PERT value inside [low, high]."""
    a, b, c = sorted(draw(st.floats(min_value=low, max_value=high)) for _ in range(3))
    return draw(st.sampled_from([b, {"low": a, "mode": b, "high": c},
                                 {"dist": "uniform", "low": a, "high": c}]))


@st.composite
def perturbed_tutorials(draw):
    """The tutorial with its numbers redrawn inside their allowed ranges."""
    data = copy.deepcopy(TUTORIAL)
    for region in data["regions"]:
        first = draw(share)
        ids = list(region["control"])
        region["control"] = {ids[0]: first, **{k: (1 - first) / len(ids[1:])
                                               for k in ids[1:]}}
        region["area_km2"] = draw(st.floats(min_value=1, max_value=1e6))
        region["value"] = {k: draw(quantities(-10, 10)) for k in region["value"]}
    for actor in data["actors"]:
        actor["discount_factor"] = draw(quantities(0.5, 0.999))
        actor["ratification_margin"] = draw(quantities(0, 1))
    for lever in data["levers"]:
        if "against" not in lever:  # a conditional lever starts on a refusal, not a date
            lever["start_month"] = draw(st.integers(0, 36))
        lever["probability"] = draw(quantities(0, 1))
    data["horizon_months"] = draw(st.integers(1, 240))
    data["name"] = draw(st.text(min_size=1, max_size=30))
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(perturbed_tutorials())
def test_perturbed_tutorial_round_trips(data):
    try:
        scenario = scenario_from_dict(data)
    except ScenarioError:
        # Control shares can round above 1; anything else wrong is a real failure.
        assert sum(sum(r["control"].values()) > 1 for r in data["regions"]) > 0
        return
    text = dump_scenario(scenario)
    assert read_scenario_text(text) == scenario
