"""JSON Schemas (Draft 2020-12) of the result documents (DESIGN.md section 9.9).

Every ``--json`` document of ``analyze``, ``whatif``, ``deals``, ``forecast`` and
``calibrate`` is one object: the envelope of :mod:`ceasefire.results` (``schema_version``,
``kind``, ``ceasefire_version``, ``scenario``, ``seed``, ``draws``), the kind's own keys,
and run metadata under ``run``. :func:`result_schema` returns the schema of one kind;
``ceasefire schema --results KIND`` prints it.

How the schemas are built:

- the top level of each document is closed (``additionalProperties: false``), so a new
  key must be added here knowingly; the envelope's keys are checked by
  ``$defs/envelope`` (through ``allOf``) and listed in ``properties`` so that
  ``additionalProperties`` knows them;
- inside, maps are keyed by ids (actor ids such as ``RU``, kebab-case ids of regions,
  proposals, issues and options, calendar months ``YYYY-MM``) and checked through
  ``propertyNames``; records inside name their required keys but stay open;
- a distribution over draws is ``{mean, p10, p50, p90}`` (``$defs/summary``), a
  probability is a number in [0, 1] (``$defs/probability``), a probability with its Monte
  Carlo standard error is ``{p, se}`` (``$defs/estimate``);
- ``run`` is an object with any content (wall times, paths, workers...).

The module holds plain data only, so importing it stays cheap.
"""

from __future__ import annotations

import copy
from typing import Any

from ceasefire.errors import InputError

__all__ = ["RESULT_KINDS", "SCHEMA_VERSION", "result_schema", "result_schema_text"]

RESULT_KINDS = ("analyze", "whatif", "deals", "forecast", "calibrate")
"""The kinds of result document that have a published schema."""

SCHEMA_VERSION = 1
"""The documents' ``schema_version``; equal to :data:`ceasefire.results.SCHEMA_VERSION`
(a test checks), kept here so that building a schema does not import numpy."""

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ENVELOPE_KEYS = ("schema_version", "kind", "ceasefire_version", "scenario", "seed", "draws")
_SHARE_TOLERANCE = 1e-9
"""Room for rounding on shares: the dynamics can leave a control share at 1 + 1e-16."""

# --- shared definitions ------------------------------------------------------------------

_NUMBER: dict[str, Any] = {"type": "number"}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_TEXT: dict[str, Any] = {"type": "string"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _record(required: dict[str, Any], optional: dict[str, Any] | None = None, *,
            closed: bool = False) -> dict[str, Any]:
    """An object with these required (and optional) keys; open unless ``closed``."""
    schema: dict[str, Any] = {"type": "object",
                              "properties": {**required, **(optional or {})},
                              "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _map(keys: str | dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """An object keyed by ids (``keys`` names a ``$defs`` entry or is a schema)."""
    names = _ref(keys) if isinstance(keys, str) else keys
    return {"type": "object", "propertyNames": names, "additionalProperties": values}


def _by_actor(values: dict[str, Any]) -> dict[str, Any]:
    return _map("actor_id", values)


def _by_id(values: dict[str, Any]) -> dict[str, Any]:
    return _map("kebab_id", values)


def _by_month(values: dict[str, Any]) -> dict[str, Any]:
    return {**_map("month", values), "minProperties": 1}


def _list(items: dict[str, Any], *, unique: bool = False) -> dict[str, Any]:
    schema = {"type": "array", "items": items}
    if unique:
        schema["uniqueItems"] = True
    return schema


_DEFS: dict[str, Any] = {
    "actor_id": {"type": "string", "pattern": "^[A-Z][A-Z0-9]{1,5}$",
                 "description": "An actor id: upper case, 2-6 characters (RU, UA, IAEA)."},
    "kebab_id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                 "description": "A kebab-case id of a region, issue, option, proposal, lever "
                                "or factor."},
    "month": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
              "description": "A calendar month YYYY-MM (month 0 is the scenario's month)."},
    "date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "probability": {"type": "number", "minimum": 0, "maximum": 1},
    "standard_error": {"type": "number", "minimum": 0, "maximum": 0.5,
                       "description": "Monte Carlo standard error of a probability."},
    "difference": {"type": "number", "minimum": -1, "maximum": 1,
                   "description": "A difference of two probabilities."},
    "share": {"type": "number", "minimum": -_SHARE_TOLERANCE,
              "maximum": 1 + _SHARE_TOLERANCE,
              "description": "A fraction in [0, 1], up to rounding (1e-9)."},
    "estimate": _record({"p": _ref("probability"), "se": _ref("standard_error")}, closed=True)
    | {"description": "A probability over draws with its Monte Carlo standard error."},
    "summary": _record({k: _NUMBER for k in ("mean", "p10", "p50", "p90")}, closed=True)
    | {"description": "A quantity over draws: mean and 10th, 50th, 90th percentiles."},
    "share_summary": _record({k: _ref("share") for k in ("mean", "p10", "p50", "p90")},
                             closed=True)
    | {"description": "A share over draws: mean and 10th, 50th, 90th percentiles."},
    "bands": _record({k: _NUMBER for k in ("p10", "p50", "p90")}, closed=True)
    | {"description": "A quantity over draws: 10th, 50th and 90th percentiles."},
    "scenario_head": _record(
        {"id": {"type": "string", "minLength": 1},
         "as_of": _nullable(_ref("date")),
         "hash": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}}, closed=True)
    | {"description": "The input: its id, date (null for a table file) and content hash."},
    "envelope": _record({
        "schema_version": {"const": SCHEMA_VERSION},
        "kind": {"type": "string", "minLength": 1},
        "ceasefire_version": {"type": "string", "minLength": 1},
        "scenario": _ref("scenario_head"),
        "seed": _nullable({"type": "integer", "minimum": 0}),
        "draws": _nullable({"type": "integer", "minimum": 1}),
    }) | {"description": "The head every result document starts with."},
    "run": {"type": "object",
            "description": "Run metadata (wall times, paths, workers): the only part that "
                           "differs between two runs with the same seed."},
    "likely_settlement": _nullable(_record({"proposal": _ref("kebab_id"),
                                            "p_all_veto_accept": _ref("probability"),
                                            "rule": _TEXT})),
}


def _envelope_properties(kind: str, *, random: bool) -> dict[str, Any]:
    """Top-level entries of the envelope's keys (checked in full by ``$defs/envelope``)."""
    properties: dict[str, Any] = dict.fromkeys(_ENVELOPE_KEYS, True)
    properties["kind"] = {"const": kind}
    if random:  # Monte Carlo kinds record their root seed and draws
        properties["seed"] = {"type": "integer", "minimum": 0}
        properties["draws"] = {"type": "integer", "minimum": 1}
    else:
        properties["seed"] = {"type": "null"}
        properties["draws"] = {"type": "null"}
    return properties


def _document(kind: str, title: str, description: str, properties: dict[str, Any], *,
              optional: dict[str, Any] | None = None, random: bool = True,
              run_required: bool = True) -> dict[str, Any]:
    run = {"run": _ref("run")}
    required = {**properties, **(run if run_required else {})}
    optional = {**(optional or {}), **({} if run_required else run)}
    return {
        "$schema": _DIALECT,
        "$id": f"urn:ceasefire:results:{kind}:{SCHEMA_VERSION}",
        "title": title,
        "description": description,
        "type": "object",
        "allOf": [_ref("envelope")],
        "properties": {**_envelope_properties(kind, random=random), **required, **optional},
        "required": [*_ENVELOPE_KEYS, *required],
        "additionalProperties": False,
    }


# --- analyze -----------------------------------------------------------------------------

_WAR_PARTS = ("territory", "casualties", "economy")


def _effect() -> dict[str, Any]:
    """A lever's (or factor's) effect: with it minus without it, on the same draws."""
    return _record({
        "war_value": _by_actor(_NUMBER),
        "acceptance": _by_id(_by_actor(_ref("difference"))),
        "p_all_veto_accept": _by_id(_ref("difference")),
    })


def _analyze() -> dict[str, Any]:
    window = _record({
        "p_star": _ref("probability"),
        "opens": _nullable(_ref("month")),
        "closes": _nullable(_ref("month")),
        "best_month": _ref("month"),
        "best_p_all_veto_accept": _ref("probability"),
    })
    proposal = _record({
        "name": _TEXT,
        "terms": _by_id(_ref("kebab_id")),
        "acceptance": _by_actor(_ref("probability")),
        "acceptance_se": _by_actor(_ref("standard_error")),
        "p_all_veto_accept": _ref("probability"),
        "p_all_veto_accept_se": _ref("standard_error"),
        "veto_players": _list(_ref("actor_id"), unique=True),
        "surplus": _by_actor(_ref("summary")),
        "margin": _by_actor(_NUMBER),
        "window": window,
        "reasons": _list(_TEXT),
    })
    timing = _record({
        "acceptance": _by_actor(_ref("probability")),
        "p_all_veto_accept": _ref("probability"),
        "gains_by_waiting": _by_actor(_NUMBER),
    })
    solution = _record({"proposal": _nullable(_ref("kebab_id")),
                        "score": _nullable(_NUMBER)})
    summary_or_none = _nullable(_ref("summary"))
    line = _record({
        "issue": _ref("kebab_id"),
        "gainer": _ref("actor_id"),
        "loser": _ref("actor_id"),
        "named_lines": _by_id(_NUMBER),
        "p_zone_open": _ref("estimate"),
        "gainer_reservation": summary_or_none,
        "loser_reservation": summary_or_none,
        "p_gainer_accepts_some_line": _ref("probability"),
        "p_loser_accepts_some_line": _ref("probability"),
        "rubinstein": _record({"gainer_first": summary_or_none,
                               "loser_first": summary_or_none}),
    })
    leverage = _record({
        "draws": {"type": "integer", "minimum": 1},
        "note": _TEXT,
        "levers": _by_id(_effect()),
        "factors": _by_id(_effect()),
    })
    properties = {
        "horizon_months": {"type": "integer", "minimum": 1},
        "months": _record({"0": _ref("month"),
                           "start_months": {**_list(_ref("month")), "minItems": 1}}),
        "proposals": _by_id(proposal),
        "likely_settlement": _ref("likely_settlement"),
        "timing": _by_id(_by_month(timing)),
        "war_value": _by_actor(_by_month(_ref("summary"))),
        "war_value_parts": _by_actor(_record({part: _NUMBER for part in _WAR_PARTS})),
        "control": _by_id(_by_actor(_by_month(_ref("share_summary")))),
        "gains_km2": _by_actor(_by_month(_ref("summary"))),
        "solutions": _record({"nash": solution, "kalai-smorodinsky": solution,
                              "egalitarian": solution,
                              "blocked_by": _list(_ref("actor_id"), unique=True)}),
        "leverage": leverage,
    }
    return _document(
        "analyze", "ceasefire analyze results",
        "Every engine of the bargaining core on one scenario: each named proposal's "
        "acceptance now and for deals signed in each of months 0..12, war values, control "
        "and gains over the horizon, bargaining solutions, the line question and the "
        "leverage decomposition. Distributions over draws are {mean, p10, p50, p90}.",
        properties, optional={"line": line})


# --- whatif ------------------------------------------------------------------------------


def _triple(value: dict[str, Any], difference: dict[str, Any]) -> dict[str, Any]:
    return _record({"base": value, "variant": value, "difference": difference}, closed=True)


def _whatif() -> dict[str, Any]:
    chance = _triple(_ref("probability"), _ref("difference"))
    likely = _ref("likely_settlement")
    properties = {
        "changes": _record({"set": {"type": "object"}, "levers": _by_id({"type": "boolean"})}),
        "variant_scenario": _ref("scenario_head"),
        "proposals": _by_id(_record({
            "acceptance": _by_actor(chance),
            "p_all_veto_accept": chance,
            "window_opens": _record({"base": _nullable(_ref("month")),
                                     "variant": _nullable(_ref("month"))}, closed=True),
        })),
        "war_value": _by_actor(_triple(_NUMBER, _NUMBER)),
        "likely_settlement": _record({"base": likely, "variant": likely}, closed=True),
    }
    return _document(
        "whatif", "ceasefire whatif results",
        "The same analysis with levers or parameters changed, on the same draws: each "
        "headline number as {base, variant, difference}.",
        properties, optional={"line": _record({"p_zone_open": chance})})


# --- deals -------------------------------------------------------------------------------


def _package(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return _record({
        "terms": _by_id(_ref("kebab_id")),
        "changes": _by_id(_ref("kebab_id")),
        "p_all_veto_accept": _ref("estimate"),
        "acceptance": _by_actor({"anyOf": [
            _ref("estimate"),
            _record({"p": {"type": "null"}, "se": {"type": "null"}}, closed=True)]}),
        "surplus": _by_actor(_NUMBER),
        "required": _list(_ref("actor_id"), unique=True),
        **(extra or {}),
    }, {"robust": _nullable(_NUMBER), "infeasible": {"type": "boolean"}})


def _deals() -> dict[str, Any]:
    package = _package()
    variant = _package({
        "changed_from_proposal": _by_id(_ref("kebab_id")),
        "gain": _record({"p_all_veto_accept": _ref("difference"),
                         "surplus": _by_actor(_NUMBER)}),
    })
    actors = _list(_ref("actor_id"), unique=True)
    properties = {
        "start_month": {"type": "integer", "minimum": 0, "maximum": 12},
        "start": _ref("month"),
        "p_star": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "actors": actors,
        "belligerents": actors,
        "veto": _by_actor({"enum": ["all", "terms", "none"]}),
        "space": _record({
            "issues": _by_id({**_list(_ref("kebab_id"), unique=True), "minItems": 1}),
            "size": _COUNT,
            "evaluated": _COUNT,
            "method": {"enum": ["enumerated", "searched"]},
            "note": _TEXT,
        }),
        "zone": _record({"size": _COUNT, "share": _ref("probability")}),
        "solutions": _by_id(_record({"package": _nullable(package),
                                     "score": _nullable(_NUMBER),
                                     "blocking": actors})),
        "top": _list(package),
        "proposals": _by_id(package),
        "nearest": _by_id(_map({"type": "string", "pattern": "^[0-9]+$"}, _list(variant))),
        "frontier": _record({"parties": actors, "size": _COUNT, "packages": _list(package)}),
        "settings": _record({"dtype": {"enum": ["float32", "float64"]},
                             "quantile": _ref("probability")}),
    }
    return _document(
        "deals", "ceasefire deals results",
        "The declared deal space of one scenario for deals signed at one month: solutions, "
        "the best packages by P(all veto players accept), the named proposals, their "
        "nearest acceptable variants and the belligerents' Pareto frontier.",
        properties)


# --- forecast ----------------------------------------------------------------------------

_FORECAST_MODELS = ("compromise", "median", "status-quo", "nash", "eum", "smp")


def _forecast() -> dict[str, Any]:
    name = {"type": "string", "minLength": 1}
    by_dimension = _map(name, _NUMBER)
    model = _record({
        "forecast": by_dimension,
        "final_positions": _map(name, by_dimension),
        "turns": _COUNT,
        "converged": {"type": "boolean"},
        "options": {"type": "object"},
    })
    models = {"enum": list(_FORECAST_MODELS)}
    properties = {"models": _map(models, model)}
    optional = {
        "skipped": _map(models, _TEXT),
        "eum_band": _map(name, _record({"low": _NUMBER, "high": _NUMBER,
                                        "presets": _map(name, _NUMBER)})),
    }
    return _document(
        "forecast", "ceasefire forecast results",
        "Stakeholder forecasts of each contested dimension, one per model, on the input's "
        "own scale; deterministic, so seed and draws are null.",
        properties, optional=optional, random=False)


# --- calibrate ---------------------------------------------------------------------------


def _calibrate() -> dict[str, Any]:
    bands = _by_actor(_ref("summary"))
    properties = {
        "months": {"type": "integer", "minimum": 1},
        "gains_km2_per_month": bands,
        "casualties_per_day": bands,
        "revenue_vs_reference": bands,
        "months_to_fall": _by_id(_record({"share_taken": _ref("probability"),
                                          "p50": _nullable({"type": "number",
                                                            "minimum": 0})})),
    }
    return _document(
        "calibrate", "ceasefire calibrate results",
        "The model's first months, to set beside the record: gains and casualties of each "
        "belligerent, oil and gas revenue against its reference level, when each fortified "
        "region falls. Distributions over draws are {mean, p10, p50, p90}.",
        properties)


_BUILDERS = {"analyze": _analyze, "whatif": _whatif, "deals": _deals,
             "forecast": _forecast, "calibrate": _calibrate}


def result_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of one kind of result document.

    Parameters
    ----------
    kind
        One of :data:`RESULT_KINDS`: ``analyze``, ``whatif``, ``deals``, ``forecast``,
        ``calibrate``.

    Returns
    -------
    dict
        A fresh schema with ``$schema``, ``$id`` (``urn:ceasefire:results:KIND:VERSION``),
        ``title``, ``description`` and the shared ``$defs``.

    Raises
    ------
    InputError
        When ``kind`` is not one of :data:`RESULT_KINDS`.
    """
    if kind not in _BUILDERS:
        raise InputError(f"result kind {kind!r} is unknown; allowed: "
                         f"{', '.join(RESULT_KINDS)} (hint: e.g. --results analyze)")
    schema = _BUILDERS[kind]()
    schema["$defs"] = copy.deepcopy(_DEFS)
    return schema


def result_schema_text(kind: str) -> str:
    """Return :func:`result_schema` of ``kind`` as indented JSON text ending in a newline.

    Parameters
    ----------
    kind
        One of :data:`RESULT_KINDS`.

    Raises
    ------
    InputError
        When ``kind`` is not one of :data:`RESULT_KINDS`.
    """
    import json

    return json.dumps(result_schema(kind), indent=2, ensure_ascii=False) + "\n"
