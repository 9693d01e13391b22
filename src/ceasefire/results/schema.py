"""JSON Schemas (Draft 2020-12) of the result documents, generated from their types.

A document's schema is its pydantic type's serialisation schema with three additions: the
dialect, an ``$id`` (``urn:ceasefire:results:KIND:VERSION``) and maps keyed by ids closed
to other keys (pydantic writes a pattern-keyed map as ``patternProperties`` alone, which
would let a misspelt key through). ``ceasefire schema --results KIND`` prints it.
"""

from __future__ import annotations

import json
from typing import Any

from ceasefire.errors import InputError
from ceasefire.results.analyze import AnalyzeResult, WhatifResult
from ceasefire.results.backtest import BacktestResult
from ceasefire.results.base import SCHEMA_VERSION, Result
from ceasefire.results.calibrate import CalibrateResult
from ceasefire.results.deals import DealsResult
from ceasefire.results.forecast import ForecastResult
from ceasefire.results.negotiation import NegotiationResult
from ceasefire.results.sensitivity import SensitivityResult
from ceasefire.results.sweep import SweepResult

__all__ = ["RESULT_KINDS", "RESULT_TYPES", "load_result", "result_schema", "result_schema_text"]

RESULT_TYPES: dict[str, type[Result]] = {
    "analyze": AnalyzeResult, "whatif": WhatifResult, "deals": DealsResult,
    "forecast": ForecastResult, "calibrate": CalibrateResult, "backtest": BacktestResult,
    "negotiate": NegotiationResult, "sweep": SweepResult, "sensitivity": SensitivityResult}
"""Each kind of result document and its type."""

RESULT_KINDS = tuple(RESULT_TYPES)

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _result_type(kind: Any) -> type[Result]:
    if kind not in RESULT_TYPES:
        raise InputError(f"result kind {kind!r} is unknown; allowed: "
                         f"{', '.join(RESULT_KINDS)} (hint: e.g. --results analyze)")
    return RESULT_TYPES[kind]


def result_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema of one kind of result document.

    Raises
    ------
    InputError
        When ``kind`` is not one of :data:`RESULT_KINDS`.
    """
    schema = _result_type(kind).model_json_schema(mode="serialization")
    _close_maps(schema)
    return {"$schema": _DIALECT, "$id": f"urn:ceasefire:results:{kind}:{SCHEMA_VERSION}",
            **schema}


def result_schema_text(kind: str) -> str:
    """:func:`result_schema` as indented JSON text ending in a newline."""
    return json.dumps(result_schema(kind), indent=2, ensure_ascii=False) + "\n"


def load_result(document: Any) -> Result:
    """Read any result document back into its type (chosen by its ``kind``).

    Raises
    ------
    InputError
        When it is not an object with a known ``kind`` that fits that kind's type.
    """
    if not isinstance(document, dict):
        raise InputError("a result document must be a JSON object (hint: the output of "
                         "a command's --json)")
    return _result_type(document.get("kind")).from_dict(document)


def _close_maps(node: Any) -> None:
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_maps(value)
