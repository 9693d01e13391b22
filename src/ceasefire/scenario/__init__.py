"""The scenario: typed model, loading with clear errors, and the built-in scenarios."""

from __future__ import annotations

from ceasefire.scenario.loading import (
    builtin_names,
    builtin_text,
    dump_scenario,
    load_scenario,
    read_scenario_text,
    scenario_from_dict,
    scenario_to_dict,
)
from ceasefire.scenario.model import Scenario
from ceasefire.scenario.values import point_value, sample_value

__all__ = [
    "Scenario",
    "builtin_names",
    "builtin_text",
    "dump_scenario",
    "load_scenario",
    "point_value",
    "read_scenario_text",
    "sample_value",
    "scenario_from_dict",
    "scenario_to_dict",
]
