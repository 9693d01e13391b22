"""Narrow agreements in the scenario (issue 14, item 2): records, checks, evidence, schema.

A narrow agreement validates and compiles to per-draw arrays; a bad one is refused with the
place and the fix; the built-ins declare theirs with evidence dated on or before their date.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import numpy as np
import pytest
import yaml
from helpers_scenario import BUILTINS, minimal_text

from ceasefire.errors import ScenarioError
from ceasefire.scenario import load_scenario, read_scenario_text, scenario_to_dict
from ceasefire.scenario.compile import compile_scenario
from ceasefire.scenario.loading import _Loader, dump_scenario
from ceasefire.scenario.model import NarrowAgreement, Scenario
from ceasefire.scenario.schema import scenario_json_schema

FILE = "narrow.yaml"
MINIMAL: dict[str, Any] = yaml.load(minimal_text(), Loader=_Loader)


def narrow(**fields: Any) -> dict[str, Any]:
    """A valid flow agreement of the minimal file's belligerents, NO and SO."""
    return {"id": "truce", "name": "Truce", "value": {"NO": 0.1, "SO": {"low": -0.1,
                                                                          "mode": 0.1,
                                                                          "high": 0.3}},
            "proposal_rate": 0.2, "hazard": 0.1, "duration_months": 2, "trust_factor": 0.9,
            "trust_months": 3, **fields}


def with_narrow(*agreements: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data["narrow_agreements"] = list(agreements)
    return data


def read(data: dict[str, Any], *, strict: bool = False) -> Scenario:
    return read_scenario_text(yaml.safe_dump(data, sort_keys=False), file=FILE,
                              strict_evidence=strict)


def problems_of(data: dict[str, Any], *, strict: bool = False) -> list:
    with pytest.raises(ScenarioError) as caught:
        read(data, strict=strict)
    return caught.value.problems


def only(data: dict[str, Any], *, strict: bool = False):
    problems = problems_of(data, strict=strict)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- the record -------------------------------------------------------------------------------


def test_a_file_without_narrow_agreements_has_none():
    assert read(copy.deepcopy(MINIMAL)).narrow_agreements == []


def test_a_narrow_agreement_validates_and_compiles_to_per_draw_arrays():
    swap = {k: v for k, v in narrow(id="swap", term="one-off").items()
            if k not in ("hazard", "duration_months")}
    scenario = read(with_narrow(narrow(), swap))
    truce = scenario.narrow_agreements[0]
    assert isinstance(truce, NarrowAgreement) and truce.term == "flow"
    compiled = compile_scenario(scenario, draws=50, rng=0)
    so = compiled.get("narrow_agreements.truce.value.SO")
    assert so.shape == (50,) and so.min() >= -0.1 and so.max() <= 0.3 and so.std() > 0
    assert np.all(compiled.get("narrow_agreements.truce.proposal_rate") == 0.2)
    assert np.all(compiled.get("narrow_agreements.truce.duration_months") == 2)
    assert np.all(compiled.get("narrow_agreements.truce.trust_months") == 3)
    assert np.all(compiled.get("narrow_agreements.swap.hazard") == 0)


def test_defaults_are_a_flow_agreement_that_leaves_the_hazard_alone():
    scenario = read(with_narrow({"id": "truce", "name": "Truce",
                                 "value": {"NO": 0.1, "SO": 0.1}, "proposal_rate": 0.5}))
    truce = scenario.narrow_agreements[0]
    assert (truce.term, truce.hazard, truce.duration_months, truce.trust_factor,
            truce.trust_months) == ("flow", 0.0, None, 1.0, 0)


def test_a_misspelt_path_fails_at_compile_time_not_as_zero():
    compiled = compile_scenario(read(with_narrow(narrow())), draws=4, rng=0)
    with pytest.raises(Exception, match="did you mean"):
        compiled.get("narrow_agreements.truce.proposal_rat")


# --- bad input names the place ------------------------------------------------------------------


def test_a_value_of_a_non_belligerent_names_it():
    problem = only(with_narrow(narrow(value={"NO": 0.1, "SO": 0.1, "XX": 1.0})))
    assert problem.path == "narrow_agreements[truce].value.XX"
    assert "'XX' is not a belligerent" in problem.message and "NO, SO" in problem.hint


def test_every_belligerent_needs_a_value():
    problem = only(with_narrow(narrow(value={"NO": 0.1})))
    assert problem.path == "narrow_agreements[truce].value"
    assert problem.message == "no value for SO"


def test_ids_are_unique():
    problem = only(with_narrow(narrow(), narrow()))
    assert problem.path == "narrow_agreements[truce].id"
    assert "used more than once" in problem.message


@pytest.mark.parametrize("field", ["hazard", "duration_months"])
def test_a_one_off_has_no_hazard_or_duration(field):
    agreement = narrow(term="one-off")
    del agreement["duration_months" if field == "hazard" else "hazard"]
    problem = only(with_narrow(agreement))
    assert problem.path == f"narrow_agreements[truce].{field}"
    assert "one-off" in problem.message and "term: flow" in problem.hint


@pytest.mark.parametrize(("field", "value", "allowed"), [
    ("proposal_rate", 1.5, "[0, 1]"),
    ("hazard", -0.1, "[0, 1]"),
    ("trust_factor", 1.2, "(0, 1]"),
    ("trust_factor", 0, "(0, 1]"),
    ("trust_factor", {"low": 0.8, "mode": 1.0, "high": 1.1}, "(0, 1]"),
])
def test_numbers_out_of_range_say_what_is_allowed(field, value, allowed):
    problem = only(with_narrow(narrow(**{field: value})))
    assert problem.path == f"narrow_agreements[truce].{field}"
    assert allowed in problem.message


@pytest.mark.parametrize(("field", "value"), [("duration_months", 0), ("trust_months", -1),
                                              ("term", "forever"), ("valu", 1)])
def test_bad_fields_are_refused_with_their_place(field, value):
    problems = problems_of(with_narrow(narrow(**{field: value})))
    assert any(p.path.startswith(f"narrow_agreements[truce].{field}") for p in problems)


def test_sources_must_name_existing_claims_and_fields():
    problem = only(with_narrow(narrow(sources={"hazard": ["no-such-claim"]})))
    assert problem.path == "narrow_agreements[truce].sources.hazard"
    assert problem.message == "cites unknown claim 'no-such-claim'"


def test_strict_evidence_covers_the_numbers_of_a_narrow_agreement():
    problems = problems_of(with_narrow(narrow()), strict=True)
    paths = {p.path for p in problems}
    assert {f"narrow_agreements[truce].{f}" for f in
            ("value", "proposal_rate", "hazard", "duration_months", "trust_factor",
             "trust_months")} == paths


# --- the built-in scenarios -------------------------------------------------------------------


@pytest.fixture(scope="module")
def alaska() -> Scenario:
    return load_scenario("alaska-2025")


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_declares_narrow_agreements_that_compile(name):
    scenario = load_scenario(name)
    assert scenario.narrow_agreements
    compiled = compile_scenario(scenario, draws=20, rng=1)
    for agreement in scenario.narrow_agreements:
        for b in scenario.belligerents:
            assert compiled.get(f"narrow_agreements.{agreement.id}.value.{b}").shape == (20,)


def test_the_tutorial_has_a_version_of_every_feature():
    agreements = load_scenario("tutorial").narrow_agreements
    assert {a.term for a in agreements} == {"flow", "one-off"}
    assert any(a.duration_months is not None and a.hazard for a in agreements)
    assert all(a.trust_months and a.trust_factor != 1 for a in agreements)


def test_alaska_has_exchanges_a_moratorium_and_black_sea_navigation(alaska):
    by_id = {a.id: a for a in alaska.narrow_agreements}
    assert set(by_id) == {"prisoner-exchange", "energy-strike-moratorium",
                          "black-sea-navigation"}
    assert by_id["prisoner-exchange"].term == "one-off"
    moratorium = by_id["energy-strike-moratorium"]
    assert moratorium.duration_months == 1  # 30 days from 18 Mar 2025
    assert alaska.point(moratorium.hazard) >= 0.2  # breaches alleged within days
    assert by_id["black-sea-navigation"].duration_months is None


def test_every_number_of_alaskas_narrow_agreements_cites_dated_evidence(alaska):
    claims = {c.id: c for c in alaska.evidence}
    for agreement in alaska.narrow_agreements:
        for field in agreement.model_fields_set - {"id", "name", "term", "description",
                                                   "sources"}:
            cited = agreement.sources.get(field)
            assert cited, f"{agreement.id}.{field} cites nothing"
            assert set(cited) <= set(claims)
            for claim_id in cited:
                date = claims[claim_id].source.date
                assert date is not None and date <= alaska.as_of, claim_id
        # the values and the trust factor are judgements, and say so
        for field in ("value", "trust_factor"):
            grades = {claims[c].grade for c in agreement.sources[field]}
            assert "modelling-assumption" in grades, f"{agreement.id}.{field}"


def test_the_trust_factors_of_alaska_reach_no_effect(alaska):
    # the record cuts both ways (Minsk, the grain deal): each range must include 1
    for agreement in alaska.narrow_agreements:
        factor = agreement.trust_factor
        high = factor if isinstance(factor, float) else factor.high
        assert high == 1.0, agreement.id


# --- schema and round trip -----------------------------------------------------------------------


def test_the_json_schema_accepts_narrow_agreements_and_rejects_a_bad_one():
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    data = scenario_to_dict(load_scenario("alaska-2025"))
    assert list(validator.iter_errors(data)) == []
    data["narrow_agreements"][0]["trust_factor"] = 1.5
    paths = [list(e.absolute_path) for e in validator.iter_errors(data)]
    assert paths and paths[0][:3] == ["narrow_agreements", 0, "trust_factor"]


@pytest.mark.parametrize("name", BUILTINS)
def test_narrow_agreements_survive_a_round_trip(name):
    scenario = load_scenario(name)
    again = read_scenario_text(dump_scenario(scenario), file=FILE)
    assert again.narrow_agreements == scenario.narrow_agreements
