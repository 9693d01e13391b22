"""A JSON Schema (Draft 2020-12) of the scenario format, for editors and other tools.

Built from the pydantic model, then adjusted so that it accepts what the loader accepts:

- an uncertain value ``{low, mode, high}`` without ``dist`` is PERT (the loader adds
  ``dist: pert``), so only the explicit distributions require ``dist``;
- the allowed range of a number (a share in [0, 1], a discount factor in (0, 1)) becomes
  ``minimum``/``maximum`` on the plain-number form, so an editor flags ``control: {RU: 76}``;
- pydantic's ``discriminator`` (an OpenAPI keyword, not JSON Schema) is dropped: ``oneOf``
  alone decides, and exactly one branch matches a valid value;
- maps keyed by actor id reject keys that are not actor ids, as the model does.

The schema checks each record on its own; cross-references (ids, shares adding up to at
most 1, proposals naming real options) are checked by ``ceasefire validate``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ceasefire.scenario.model import FORMAT_VERSION, Scenario
from ceasefire.scenario.values import Bounds

__all__ = ["SCHEMA_DIALECT", "scenario_json_schema", "scenario_schema_text"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SCHEMA_ID = f"urn:ceasefire:scenario:format-{FORMAT_VERSION}"


def _bounds_of(function: Any) -> Bounds | None:
    """Return the :class:`Bounds` a range-checking validator closes over, if any."""
    for cell in getattr(function, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(content, Bounds):
            return content
    return None


def _apply_bounds(schema: JsonSchemaValue, bounds: Bounds) -> None:
    """Put the range on the plain-number branch of a quantity's schema."""
    branches = schema.get("anyOf", [schema])
    for branch in branches:
        if branch.get("type") not in ("number", "integer"):
            continue
        if bounds.low > -float("inf"):
            branch["exclusiveMinimum" if bounds.open_low else "minimum"] = bounds.low
        if bounds.high < float("inf"):
            branch["exclusiveMaximum" if bounds.open_high else "maximum"] = bounds.high


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, plus the ranges that the model checks in after-validators."""

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        result = super().function_after_schema(schema)
        bounds = _bounds_of(schema["function"].get("function"))
        if bounds is not None and isinstance(result, dict):
            _apply_bounds(result, bounds)
        return result


def _tidy(node: Any) -> None:
    """Drop OpenAPI discriminators; close maps whose keys must match a pattern."""
    if isinstance(node, dict):
        node.pop("discriminator", None)
        # ``dict[ActorId, ...]``: the model rejects a key off the pattern (``ru``), so must we.
        if "patternProperties" in node and "properties" not in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)


def scenario_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of a scenario file.

    Returns
    -------
    dict
        A fresh schema document with ``$schema``, ``$id``, ``title`` and ``description``.
    """
    schema = Scenario.model_json_schema(schema_generator=_Generator)
    _tidy(schema)
    defs = schema["$defs"]
    # Only PERT may leave ``dist`` out; every other distribution must name itself, or a
    # bare {low, mode, high} would match both PERT and triangular and fail ``oneOf``.
    defs["Pert"]["required"] = [k for k in defs["Pert"].get("required", []) if k != "dist"]
    for name in ("Triangular", "Uniform", "Normal", "Lognormal"):
        required = defs[name].setdefault("required", [])
        if "dist" not in required:
            required.append("dist")
    schema["properties"]["format_version"]["const"] = FORMAT_VERSION
    head = {
        "$schema": SCHEMA_DIALECT,
        "$id": _SCHEMA_ID,
        "title": f"ceasefire scenario (format {FORMAT_VERSION})",
        "description": (
            "A conflict as of one date: actors, regions, forces, economy, levers, opinion, "
            "issues, proposals, stakeholders and evidence. Numbers may be uncertain: "
            "{low, mode, high} is PERT, or give dist: normal|lognormal|uniform|triangular. "
            "Shares are fractions in [0, 1]. Cross-references are checked by "
            "`ceasefire validate FILE`."
        ),
    }
    schema.pop("title", None)
    schema.pop("description", None)
    return {**head, **schema}


def scenario_schema_text() -> str:
    """Return the scenario JSON Schema as indented JSON text ending in a newline."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
