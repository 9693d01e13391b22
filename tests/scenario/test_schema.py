"""The JSON Schema export: valid Draft 2020-12, accepts the built-ins, rejects broken data."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from helpers_scenario import BUILTINS, load_builtin, minimal_text

from ceasefire.scenario import load_scenario, read_scenario_text, scenario_to_dict
from ceasefire.scenario.schema import SCHEMA_DIALECT, scenario_json_schema


@pytest.fixture(scope="module")
def validator():
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(validator, data):
    return sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))


def test_schema_is_draft_2020_12_with_its_identity():
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"].startswith("urn:ceasefire:scenario")
    assert "scenario" in schema["title"]
    assert "{low, mode, high}" in schema["description"]


@pytest.mark.parametrize("name", BUILTINS)
def test_schema_accepts_the_builtins(validator, name):
    assert errors(validator, scenario_to_dict(load_builtin(name))) == []


def test_schema_accepts_the_minimal_file(validator):
    assert errors(validator, scenario_to_dict(read_scenario_text(minimal_text()))) == []


def test_uncertain_value_without_dist_is_accepted(validator):
    data = scenario_to_dict(load_scenario("tutorial"))
    data["actors"][0]["discount_factor"] = {"low": 0.96, "mode": 0.98, "high": 0.99}
    assert errors(validator, data) == []
    data["actors"][0]["discount_factor"] = {"dist": "triangular", "low": 0.9, "mode": 0.95,
                                            "high": 0.99}
    assert errors(validator, data) == []


def test_explicit_distribution_must_name_itself(validator):
    data = scenario_to_dict(load_scenario("tutorial"))
    data["forces"][0]["combat_power"] = {"mean": 1.5, "sd": 0.1}
    assert [list(e.absolute_path) for e in errors(validator, data)] == [
        ["forces", 0, "combat_power"]]


@pytest.mark.parametrize(("where", "value"), [
    (("regions", 0, "control", "NO"), 76),            # a share above 1
    (("actors", 0, "discount_factor"), 1.0),          # not strictly inside (0, 1)
    (("actors", 0, "provnce"), "typo"),               # unknown field
    (("regions", 0, "area_km2"), "large"),            # wrong type
    (("regions", 0, "control", "no"), 0.1),           # not an actor id
    (("format_version",), 2),                         # another format
    (("as_of",), "15 August 2030"),                   # not a date
])
def test_schema_rejects_broken_data(validator, where, value):
    data = copy.deepcopy(scenario_to_dict(load_scenario("tutorial")))
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    found = errors(validator, data)
    assert found, f"the schema accepted {where}={value!r}"
    assert any(list(e.absolute_path)[: len(where) - 1] == list(where[:-1]) for e in found)


def test_schema_rejects_a_missing_required_field(validator):
    data = scenario_to_dict(load_scenario("tutorial"))
    del data["regions"][0]["area_km2"]
    assert [e.message for e in errors(validator, data)] == ["'area_km2' is a required property"]
