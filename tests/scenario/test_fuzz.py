"""Fuzzing the loader: whatever the input, it returns a Scenario or raises ScenarioError."""

from __future__ import annotations

import copy
from typing import Any

from helpers_scenario import minimal_text
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
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["NO", "SO", "PA", "RU", "east-valley", "freeze", "none", "pert",
                     "2030-02-30", "2030-01-15", "regions.east-valley.front.supply"]),
)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_paths(value, (*prefix, index)))
    return out


PATHS = [p for p in _paths(TUTORIAL) if p]


def _mutate(data: dict, path: tuple, action: str, value: Any) -> dict:
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    else:
        parent[last] = value
    return data


def _loads_or_scenario_error(call, *, round_trip: bool = True) -> None:
    try:
        scenario = call()
    except ScenarioError as error:
        assert error.problems, "a ScenarioError must name at least one problem"
        for problem in error.problems:
            assert problem.message
            assert "\n" not in problem.path
        return
    # A mutation that still validates must round-trip like any other scenario.
    if round_trip:
        assert read_scenario_text(dump_scenario(scenario)) == scenario


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS),
                          st.sampled_from(["set", "set", "delete", "duplicate"]), values),
                min_size=1, max_size=3))
def test_mutated_tutorial_never_raises_anything_but_scenario_error(mutations):
    data = TUTORIAL
    for path, action, value in mutations:
        try:
            data = _mutate(data, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    _loads_or_scenario_error(lambda: scenario_from_dict(data))


@FUZZ
@given(st.text(max_size=200))
def test_random_text_never_raises_anything_but_scenario_error(text):
    _loads_or_scenario_error(lambda: read_scenario_text(text, file="fuzz.yaml"))


yaml_ish = st.lists(
    st.sampled_from(["format_version: 1\n", "id: mini\n", "actors:\n", "  - id: NO\n",
                     "    control: {NO: 0.5\n", "regions: [\n", "  - ", "- ", ": ", "{", "}",
                     "[", "]", "'", '"', "\t", "&a ", "*a ", "!!python/object ", "? ",
                     "--- ", "... ", "%YAML 1.1\n", "!!binary ", "2030-13-45", "NO", ".nan",
                     "1e999", "\n", "    ", "#", "|\n", ">\n", ",", "<<: *a\n"]),
    max_size=30,
).map("".join)


@FUZZ
@given(yaml_ish)
def test_yaml_ish_text_never_raises_anything_but_scenario_error(text):
    _loads_or_scenario_error(lambda: read_scenario_text(text, file="fuzz.yaml"))


@FUZZ
@given(st.integers(0, 2000), st.integers(0, 40), st.text(max_size=20))
def test_spliced_minimal_file_never_raises_anything_but_scenario_error(at, cut, insert):
    base = minimal_text()
    text = base[:at] + insert + base[at + cut:]
    _loads_or_scenario_error(lambda: read_scenario_text(text, file="fuzz.yaml"))


SWEEP_VALUES = ["bogus-id", "NO", None, -1, {}]


def test_every_single_mutation_of_the_tutorial_is_a_clean_result():
    """Exhaustive: each field replaced by each awkward value, or deleted, one at a time."""
    checked = 0
    for path in PATHS:
        for value in [*SWEEP_VALUES, "delete"]:
            action = "delete" if value == "delete" else "set"
            data = _mutate(TUTORIAL, path, action, value)
            _loads_or_scenario_error(lambda data=data: scenario_from_dict(data),
                                     round_trip=False)
            checked += 1
    assert checked > 1500
