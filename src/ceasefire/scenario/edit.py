"""Change a scenario by dotted paths, for what-ifs (``regions.kramatorsk-belt.control.UA``).

The changed scenario is validated like a file, so a bad value gets the same clear error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from ceasefire.errors import InputError, Problem, ScenarioError
from ceasefire.scenario.loading import scenario_from_dict, scenario_to_dict
from ceasefire.scenario.model import Scenario

__all__ = ["parse_assignment", "with_values"]


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE``; the value is read as YAML (``0.8``, ``{low: 1, mode: 2, high: 3}``)."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise InputError(f"--set {text!r}: expected PATH=VALUE, "
                         "e.g. actors.RU.discount_factor=0.97")
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise InputError(f"--set {text!r}: the value is not valid YAML ({error})") from None
    return path.strip(), value


def with_values(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """Return a copy of ``scenario`` with each dotted path set to its value.

    Lists of records are addressed by id (``levers.arms-package.probability``) or by
    position; mappings by key (``regions.pokrovsk-pocket.control.RU``).

    Raises
    ------
    ScenarioError
        Naming the path when it leads nowhere or the value is invalid there.
    """
    data = scenario_to_dict(scenario)
    problems = []
    for path, value in changes.items():
        try:
            _assign(data, path, value)
        except KeyError as error:
            problems.append(Problem(path=path, message=str(error.args[0]),
                                    hint="check the path with `ceasefire show`; lists are "
                                         "addressed by id"))
    if problems:
        raise ScenarioError(problems, file="--set")
    return scenario_from_dict(data, file="scenario after --set")


def _assign(data: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = next((k for k, item in enumerate(node)
                          if isinstance(item, dict) and item.get("id") == part), None)
            if index is None and part.isdigit() and int(part) < len(node):
                index = int(part)
            if index is None:
                ids = [item.get("id") for item in node if isinstance(item, dict)]
                known = ", ".join(map(str, ids))
                raise KeyError(f"{where}: no record with id {part!r} (ids: {known})")
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif part in node:
                node = node[part]
            else:
                node[part] = {}
                node = node[part]
        else:
            raise KeyError(f"{where}: cannot go inside a {type(node).__name__}")
