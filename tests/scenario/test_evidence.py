"""The reverse index claim -> parameters is derived from the records' sources."""

from __future__ import annotations

import pytest
from helpers_scenario import BUILTINS, load_builtin, minimal_text

from ceasefire.errors import InputError
from ceasefire.evidence import claims_for, evidence_index, normalize_path, parameter_index
from ceasefire.scenario import load_scenario, read_scenario_text


@pytest.fixture(scope="module")
def mini():
    return read_scenario_text(minimal_text())


def test_reverse_index_of_the_minimal_file(mini):
    assert evidence_index(mini) == {
        "front-report": ["regions.valley.area_km2", "regions.valley.control",
                         "regions.valley.lat", "regions.valley.lon", "economy.NO.reserves",
                         "levers.sanctions.effects"],
        "judgement": ["actors.NO.discount_factor", "actors.SO.discount_factor",
                      "issues.valley-fate.options.to-north.control"],
    }


@pytest.mark.parametrize("name", BUILTINS)
def test_reverse_index_inverts_the_forward_index(name):
    scenario = load_builtin(name)
    forward = parameter_index(scenario)
    reverse = evidence_index(scenario)
    assert list(reverse) == [claim.id for claim in scenario.evidence]
    pairs = {(p, c) for p, claims in forward.items() for c in claims}
    assert pairs == {(p, c) for c, paths in reverse.items() for p in paths}
    # Built-ins cite every claim, and every cited claim exists.
    assert all(reverse.values())


def test_claims_for_a_field_a_record_and_below_a_field(mini):
    assert [c.id for c in claims_for(mini, "regions.valley.control")] == ["front-report"]
    assert [c.id for c in claims_for(mini, "regions[valley].control.NO")] == ["front-report"]
    assert [c.id for c in claims_for(mini, "actors.SO")] == ["judgement"]
    assert [c.id for c in claims_for(mini, "issues.valley-fate")] == ["judgement"]
    assert [c.id for c in claims_for(mini, "regions")] == ["front-report"]


def test_claims_for_nothing_given_is_every_claim(mini):
    assert claims_for(mini) == list(mini.evidence)
    assert claims_for(mini, "") == list(mini.evidence)


def test_a_field_without_sources_has_no_claims(mini):
    assert claims_for(mini, "regions.valley.province") == []


@pytest.mark.parametrize("path", ["regions.nowhere", "actors.XX.discount_factor",
                                  "regions.valley.no_such_field", "weather"])
def test_a_path_that_names_nothing_is_an_input_error(mini, path):
    with pytest.raises(InputError, match="names no record or parameter"):
        claims_for(mini, path)


def test_normalize_path():
    assert normalize_path("regions[kramatorsk-belt].control.RU") == \
        "regions.kramatorsk-belt.control.RU"
    assert normalize_path(" actors.RU ") == "actors.RU"


def test_tutorial_front_claim_supports_the_fronts():
    index = evidence_index(load_scenario("tutorial"))
    assert "regions.east-valley.front.base_gain_km2" in index["tutorial-front"]
    assert "stakeholders.actors.north.capability" in index["tutorial-stakeholders"]
