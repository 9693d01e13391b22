"""The JSON Schemas generated from the result types, and every command's ``--json`` against them."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from functools import cache

import jsonschema
import pytest

from ceasefire.cli import main
from ceasefire.errors import InputError
from ceasefire.results import RESULT_KINDS, SCHEMA_VERSION, result_schema

SMALL = "tutorial"
LARGE = "alaska-2025"


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    cls = jsonschema.Draft202012Validator
    return cls(result_schema(kind), format_checker=cls.FORMAT_CHECKER)


def _cli_json(*argv: str) -> dict:
    """Run ``ceasefire ARGV... --json`` in-process; return the parsed document."""
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main([*argv, "--json"])
    assert status == 0, stdout.getvalue()[-2000:]
    return json.loads(stdout.getvalue())


def _as_json(document: dict) -> dict:
    """What ``--json`` prints: strict JSON (no NaN), read back."""
    return json.loads(json.dumps(document, allow_nan=False))


def _first_lever(name: str) -> str:
    from ceasefire.scenario import load_scenario

    return load_scenario(name).levers[0].id


@cache
def _document(kind: str, name: str) -> dict:
    """A real document of ``kind`` on scenario ``name``, with few draws (cached)."""
    if kind == "analyze":
        return _cli_json("analyze", name, "-n", "100", "--seed", "1", "--no-report",
                         "--decomposition-draws", "50", "--deals", "--deals-draws", "40")
    if kind == "whatif":
        return _cli_json("whatif", name, "--lever", f"{_first_lever(name)}=on", "-n", "60",
                         "--seed", "2")
    if kind == "deals":
        return _cli_json("deals", name, "--draws", "40", "--seed", "3")
    if kind == "forecast":
        return _cli_json("forecast", name)
    if kind == "calibrate":
        return _cli_json("calibrate", name, "-n", "100", "--seed", "4")
    if kind == "backtest":
        return _cli_json("backtest", name, "-n", "100", "--seed", "5")
    if kind == "negotiate":
        return _cli_json("negotiate", name, "--runs", "100", "--seed", "6", "--strategy",
                         "NO=boulware" if name == SMALL else "RU=boulware")
    if kind == "sensitivity":
        return _cli_json("sensitivity", name, "--draws", "8", "--replicates", "1",
                         "--fit-draws", "80", "--parameters", "actors.*", "--seed", "6",
                         "--no-store")
    if kind == "sweep":
        return _cli_json("sweep", name, "--draws", "120", "--block", "50", "--seed", "6",
                         "--fit-draws", "80", "--candidates", "12", "--fitting-paths", "1")
    raise AssertionError(kind)


def _check(kind: str, document: dict) -> None:
    assert document["kind"] == kind
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


def _fresh(kind: str) -> dict:
    """A copy of the tutorial document of ``kind`` to mutate, checked valid first."""
    document = copy.deepcopy(_document(kind, SMALL))
    _check(kind, document)
    return document


def _rejected(kind: str, document: dict) -> list[jsonschema.ValidationError]:
    """The errors of a mutated document (made from :func:`_fresh`)."""
    errors = list(_validator(kind).iter_errors(document))
    assert errors, "the schema accepted the mutated document"
    return errors


# --- the schemas themselves --------------------------------------------------------------


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_each_schema_is_valid_draft_2020_12(kind):
    schema = result_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:ceasefire:results:{kind}:{SCHEMA_VERSION}"
    assert schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["kind"]["const"] == kind


def test_maps_keyed_by_ids_are_closed_to_other_keys():
    def walk(node):
        if isinstance(node, dict):
            if "patternProperties" in node:
                assert node["additionalProperties"] is False, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in RESULT_KINDS:
        walk(result_schema(kind))


def test_each_call_returns_a_fresh_schema():
    schema = result_schema("analyze")
    schema["$defs"]["Estimate"]["properties"]["p"]["maximum"] = 100
    assert result_schema("analyze")["$defs"]["Estimate"]["properties"]["p"]["maximum"] == 1


def test_an_unknown_kind_names_the_allowed_ones():
    with pytest.raises(InputError) as caught:
        result_schema("scenarios")
    assert all(kind in str(caught.value) for kind in RESULT_KINDS)


# --- real documents validate -------------------------------------------------------------


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_documents_on_the_tutorial_validate(kind):
    _check(kind, _document(kind, SMALL))


@pytest.mark.parametrize("kind", ["analyze", "whatif", "forecast", "calibrate", "backtest"])
def test_documents_on_alaska_validate(kind):
    _check(kind, _document(kind, LARGE))


@pytest.mark.slow
def test_deals_on_alaska_validates():
    _check("deals", _document("deals", LARGE))


def test_forecast_of_a_table_file_validates(shared_file):
    path = shared_file("peers/ktab/dummyData_3Dim.csv")
    document = _cli_json("forecast", str(path))
    assert document["scenario"]["as_of"] is None and "skipped" in document
    _check("forecast", document)


def test_a_document_of_another_kind_is_rejected():
    errors = _rejected("deals", _document("analyze", SMALL))
    assert any(list(e.path) == ["kind"] for e in errors)


# --- what the schemas reject -------------------------------------------------------------


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_an_extra_top_level_key_is_rejected(kind):
    document = _fresh(kind)
    document["wall_s"] = 0.1  # run metadata outside `run`
    errors = _rejected(kind, document)
    assert any("wall_s" in e.message for e in errors)


_REQUIRED = {
    "analyze": ["proposals", "timing", "war_value", "control", "gains_km2", "blockers"],
    "whatif": ["changes", "proposals", "war_value", "run"],
    "deals": ["solutions", "top", "proposals", "frontier", "run"],
    "forecast": ["models", "run"],
    "calibrate": ["gains_km2_per_month", "months_to_fall"],
    "backtest": ["rows", "scores", "overall", "calibration", "record"],
    "negotiate": ["players", "strategies", "transcript", "batch"],
}


@pytest.mark.parametrize(("kind", "key"), [
    *((kind, key) for kind, keys in _REQUIRED.items() for key in keys),
    *((kind, key) for kind in RESULT_KINDS
      for key in ("schema_version", "scenario", "seed", "run")),
])
def test_a_missing_required_key_is_rejected(kind, key):
    document = _fresh(kind)
    del document[key]
    errors = _rejected(kind, document)
    assert any(e.validator == "required" and repr(key) in e.message for e in errors)


def _some(mapping: dict) -> str:
    return next(iter(mapping))


def test_a_probability_above_one_is_rejected():
    document = _fresh("analyze")
    proposal = document["proposals"][_some(document["proposals"])]
    actor = _some(proposal["acceptance"])
    proposal["acceptance"][actor]["p"] = 1.5
    errors = _rejected("analyze", document)
    assert any(actor in list(e.path) and "1.5" in e.message for e in errors)


def test_a_probability_without_its_standard_error_is_rejected():
    document = _fresh("analyze")
    proposal = document["proposals"][_some(document["proposals"])]
    del proposal["p_all_veto_accept"]["se"]
    _rejected("analyze", document)


@pytest.mark.parametrize("where", ["p_all_veto_accept", "acceptance"])
def test_a_deals_probability_above_one_is_rejected(where):
    document = _fresh("deals")
    package = document["top"][0]
    estimate = package[where]
    if where == "acceptance":
        estimate = estimate[_some(estimate)]
    estimate["p"] = 1.5
    _rejected("deals", document)


def test_a_whatif_probability_above_one_is_rejected():
    document = _fresh("whatif")
    proposal = document["proposals"][_some(document["proposals"])]
    proposal["p_all_veto_accept"]["variant"] = 1.5
    _rejected("whatif", document)


def _bad_month(label: str) -> str:
    year, month = label.split("-")
    return f"{year}-{int(month)}"  # 2030-01 -> 2030-1


@pytest.mark.parametrize("section", ["timing", "war_value", "gains_km2"])
def test_a_month_key_without_leading_zero_is_rejected(section):
    document = _fresh("analyze")
    series = document[section][_some(document[section])]
    label = _some(series)
    assert _bad_month(label) != label
    series[_bad_month(label)] = series.pop(label)
    errors = _rejected("analyze", document)
    assert any(_bad_month(label) in e.message for e in errors)


def test_the_month_key_of_the_issue_is_rejected():
    document = _fresh("analyze")
    control = document["control"][_some(document["control"])]
    series = control[_some(control)]
    series["2025-8"] = series[_some(series)]
    errors = _rejected("analyze", document)
    assert any("2025-8" in e.message for e in errors)


def test_an_actor_key_that_is_not_an_actor_id_is_rejected():
    document = _fresh("analyze")
    actor = _some(document["war_value"])
    document["war_value"][actor.lower()] = document["war_value"].pop(actor)
    _rejected("analyze", document)


def test_a_summary_must_have_its_four_numbers():
    document = _fresh("analyze")
    series = document["war_value"][_some(document["war_value"])]
    del series[_some(series)]["p90"]
    _rejected("analyze", document)


def test_a_share_in_percent_is_rejected():
    document = _fresh("analyze")
    control = document["control"][_some(document["control"])]
    series = control[_some(control)]
    series[_some(series)]["p50"] = 76.0
    _rejected("analyze", document)


def test_forecast_must_not_carry_a_seed():
    document = _fresh("forecast")
    document["seed"] = 1
    _rejected("forecast", document)


def test_an_unknown_forecast_model_is_rejected():
    document = _fresh("forecast")
    document["models"]["oracle"] = document["models"]["median"]
    _rejected("forecast", document)


# --- the command -------------------------------------------------------------------------


def test_schema_command_prints_a_result_schema(capsys, tmp_path):
    assert main(["schema", "--results", "analyze"]) == 0
    out = capsys.readouterr().out
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:ceasefire:results:analyze:{SCHEMA_VERSION}"
    assert schema == result_schema("analyze")
    target = tmp_path / "sub" / "analyze.schema.json"
    assert main(["schema", "--results", "analyze", "--out", str(target)]) == 0
    assert target.read_text() == out
    assert [p.name for p in target.parent.iterdir()] == ["analyze.schema.json"]


def test_schema_command_without_results_still_prints_the_scenario_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"].startswith("urn:ceasefire:scenario:")


def test_schema_command_with_an_unknown_kind_exits_1(capsys, tmp_path):
    target = tmp_path / "x.json"
    assert main(["schema", "--results", "scenario", "--out", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "scenario" in captured.err
    assert all(kind in captured.err for kind in RESULT_KINDS)
    assert not target.exists()
