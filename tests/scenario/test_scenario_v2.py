"""Version 2 of the scenario (MODELS.md 2.1-2.6): bargaining, claims, ratification, threats.

Each new cross-reference check names the place and the fix; the built-in scenarios carry the
new numbers, cite evidence for each of them and compile to the paths the solver reads.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import yaml
from helpers_scenario import BUILTINS, load_builtin, minimal_text

from ceasefire.errors import ScenarioError
from ceasefire.scenario import read_scenario_text
from ceasefire.scenario.checks import check_scenario
from ceasefire.scenario.compile import compile_scenario
from ceasefire.scenario.loading import _Loader
from ceasefire.scenario.model import Bargaining, Scenario

FILE = "v2.yaml"
MINIMAL: dict[str, Any] = yaml.load(minimal_text(), Loader=_Loader)


def with_patron(data: dict[str, Any]) -> dict[str, Any]:
    """Add a patron PA that may mediate."""
    data["actors"].append({"id": "PA", "name": "Patron", "role": "patron", "side": "SO",
                           "veto": "terms", "discount_factor": 0.98,
                           "sources": {"discount_factor": ["judgement"]}})
    return data


def mutated(change) -> dict[str, Any]:
    data = with_patron(copy.deepcopy(MINIMAL))
    change(data)
    return data


def problems_of(data: dict[str, Any], *, strict: bool = False) -> list:
    with pytest.raises(ScenarioError) as caught:
        read_scenario_text(yaml.safe_dump(data, sort_keys=False), file=FILE,
                           strict_evidence=strict)
    return caught.value.problems


def only(data: dict[str, Any], *, strict: bool = False):
    problems = problems_of(data, strict=strict)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def valid(data: dict[str, Any], *, strict: bool = True) -> Scenario:
    return read_scenario_text(yaml.safe_dump(data, sort_keys=False), file=FILE,
                              strict_evidence=strict)


def option(data: dict[str, Any]) -> dict[str, Any]:
    """The minimal file's `to-north` option."""
    return data["issues"][0]["options"][1]


def conditional(data: dict[str, Any], **lever: Any) -> None:
    data["levers"].append({"id": "threat", "name": "Threat", "factor": "economy",
                           "status": "announced", "against": "NO", "probability": 0.5,
                           "effects": [{"path": "economy.NO.export_loss", "value": 0.1}],
                           "sources": {"probability": ["judgement"],
                                       "effects": ["judgement"]}, **lever})


# --- defaults ------------------------------------------------------------------------------


def test_a_file_without_the_new_sections_is_valid_and_takes_the_defaults():
    scenario = valid(with_patron(copy.deepcopy(MINIMAL)))
    assert scenario.bargaining == Bargaining()
    assert scenario.bargaining.base_hazard == 0.02
    assert scenario.territorial_claims == []
    ua = scenario.actor("SO")
    assert (ua.ratification_threshold, ua.constitutional_threshold, ua.ratification_spread,
            ua.audience_cost, ua.peace_value_per_month) == (0.0, 0.5, 0.1, 0.0, 0.0)
    compiled = compile_scenario(scenario, draws=4, rng=0)
    assert np.all(compiled.get("bargaining.base_hazard") == 0.02)
    assert np.all(compiled.get("bargaining.hazard_sensitivity") == 1.0)
    assert np.all(compiled.get("actors.SO.constitutional_threshold") == 0.5)


def test_the_old_top_level_base_hazard_is_gone():
    problem = only(mutated(lambda d: d.update(base_hazard=0.02)))
    assert problem.path == "base_hazard" and problem.message == "unknown field"


def test_a_complete_v2_section_is_valid():
    def change(d):
        d["bargaining"] = {"proposers": {"NO": 0.3, "SO": 0.3, "PA": 0.4}, "mediator": "PA",
                           "mediator_plan": "give-valley", "base_hazard": 0.01,
                           "hazard_sensitivity": {"low": 0.5, "mode": 1, "high": 2},
                           "sources": {"proposers": ["judgement"],
                                       "base_hazard": ["judgement"],
                                       "hazard_sensitivity": ["judgement"]}}
        d["territorial_claims"] = [{"id": "whole-valley", "actor": "NO", "regions": ["valley"],
                                    "completion_value_per_month": 2,
                                    "sources": {"completion_value_per_month": ["judgement"]}}]
        option(d).update(support={"SO": 0.2}, constitutional=["SO"],
                         support_shift={"SO": -0.05}, sovereignty_value={"SO": -10})
        option(d)["sources"].update(support=["judgement"], support_shift=["judgement"],
                                    sovereignty_value=["judgement"])
        conditional(d)
    scenario = valid(mutated(change))
    compiled = compile_scenario(scenario, draws=8, rng=1)
    assert np.all(compiled.get("bargaining.proposers.PA") == 0.4)
    assert np.all(compiled.get("territorial_claims.whole-valley.completion_value_per_month") == 2)
    prefix = "issues.valley-fate.options.to-north"
    assert np.all(compiled.get(f"{prefix}.sovereignty_value.SO") == -10)
    assert np.all(compiled.get(f"{prefix}.support_shift.SO") == -0.05)
    # actors missing from the new per-actor maps are optional and mean 0
    assert np.all(compiled.get(f"{prefix}.support_shift.NO") == 0)
    assert np.all(compiled.get(f"{prefix}.sovereignty_value.PA") == 0)
    assert np.all(compiled.get(f"{prefix}.sanctions_relief") == 0)
    assert scenario.levers[-1].against == "NO"


# --- bargaining -----------------------------------------------------------------------------


def test_proposers_must_sum_to_one():
    problem = only(mutated(lambda d: d.update(bargaining={"proposers": {"NO": 0.5, "SO": 0.4}})))
    assert problem.path == "bargaining.proposers"
    assert "sum to 0.9, not 1" in problem.message
    assert "scale them to sum to 1" in problem.hint


def test_proposers_within_tolerance_pass():
    valid(mutated(lambda d: d.update(bargaining={
        "proposers": {"NO": 0.5, "SO": 0.5 + 5e-7}})), strict=False)


def test_a_proposer_must_be_a_belligerent_or_the_mediator():
    problem = only(mutated(lambda d: d.update(bargaining={
        "proposers": {"NO": 0.5, "SO": 0.25, "PA": 0.25}})))
    assert problem.path == "bargaining.proposers.PA"
    assert "set bargaining.mediator: PA" in problem.hint


@pytest.mark.parametrize(("mediator", "message", "hint"), [
    ("NO", "is a belligerent and cannot mediate", "name a patron or third party"),
    ("XX", "unknown actor 'XX'", "PA"),
])
def test_the_mediator_is_an_actor_that_is_not_a_belligerent(mediator, message, hint):
    problem = only(mutated(lambda d: d.update(bargaining={"mediator": mediator})))
    assert problem.path == "bargaining.mediator"
    assert message in problem.message and hint in problem.hint


def test_an_unknown_mediator_plan_is_refused_with_the_known_proposals():
    problem = only(mutated(lambda d: d.update(bargaining={"mediator": "PA",
                                                          "mediator_plan": "give-vally"})))
    assert problem.path == "bargaining.mediator_plan"
    assert problem.message == "unknown proposal 'give-vally'"
    assert "give-valley" in problem.hint


def test_a_mediator_plan_needs_a_mediator():
    problem = only(mutated(lambda d: d.update(bargaining={"mediator_plan": "give-valley"})))
    assert problem.path == "bargaining.mediator_plan"
    assert "needs a mediator" in problem.message and "bargaining.mediator" in problem.hint


def test_base_hazard_is_a_share():
    problem = only(mutated(lambda d: d.update(bargaining={"base_hazard": 2})))
    assert problem.path == "bargaining.base_hazard"
    assert "[0, 1]" in problem.message


# --- territorial claims ---------------------------------------------------------------------


def claim(**fields: Any) -> dict[str, Any]:
    return {"id": "whole", "actor": "NO", "regions": ["valley"],
            "completion_value_per_month": 1, **fields}


def test_a_claim_with_an_unknown_region_names_it_and_the_nearest():
    problem = only(mutated(lambda d: d.update(territorial_claims=[claim(regions=["valey"])])))
    assert problem.path == "territorial_claims[whole].regions[0]"
    assert problem.message == "unknown region 'valey'"
    assert "did you mean 'valley'?" in problem.hint


def test_a_claim_is_a_belligerents():
    problem = only(mutated(lambda d: d.update(territorial_claims=[claim(actor="PA")])))
    assert problem.path == "territorial_claims[whole].actor"
    assert "not a belligerent" in problem.message and "NO" in problem.hint


def test_a_claim_needs_a_region_and_a_non_negative_value():
    problems = problems_of(mutated(lambda d: d.update(territorial_claims=[
        claim(regions=[], completion_value_per_month=-1)])))
    paths = {p.path for p in problems}
    assert {"territorial_claims[whole].regions",
            "territorial_claims[whole].completion_value_per_month"} <= paths


def test_claim_ids_are_unique():
    problem = only(mutated(lambda d: d.update(territorial_claims=[claim(), claim()])))
    assert "used more than once" in problem.message


# --- conditional levers ---------------------------------------------------------------------


def test_a_conditional_lever_needs_a_mediator():
    problem = only(mutated(lambda d: conditional(d)))
    assert problem.path == "levers[threat].against"
    assert "needs a mediator" in problem.message
    assert "bargaining.mediator" in problem.hint


def with_mediator(d: dict[str, Any]) -> None:
    d["bargaining"] = {"mediator": "PA"}


def test_a_conditional_lever_is_against_a_belligerent():
    def change(d):
        with_mediator(d)
        conditional(d, against="PA")
    problem = only(mutated(change))
    assert problem.path == "levers[threat].against"
    assert "'PA', which is not a belligerent" in problem.message
    assert "NO, SO" in problem.hint


def test_a_conditional_lever_has_no_start_month():
    def change(d):
        with_mediator(d)
        conditional(d, start_month=3)
    problem = only(mutated(change))
    assert problem.path == "levers[threat].start_month"
    assert "not at month 3" in problem.message
    assert "remove start_month" in problem.hint


def test_a_conditional_lever_with_a_mediator_is_valid():
    def change(d):
        with_mediator(d)
        conditional(d)
    assert valid(mutated(change)).levers[-1].against == "NO"


# --- options --------------------------------------------------------------------------------


def test_nothing_is_priced_twice_value_and_sovereignty_value():
    def change(d):
        option(d).update(value={"SO": -5}, sovereignty_value={"SO": -10})
    problem = only(mutated(change))
    assert problem.path == "issues[valley-fate].options[to-north].sovereignty_value.SO"
    assert "both a value and a sovereignty_value" in problem.message
    assert "remove SO from value, or from sovereignty_value" in problem.hint


def test_value_and_sovereignty_value_of_different_actors_are_fine():
    valid(mutated(lambda d: option(d).update(value={"NO": 5}, sovereignty_value={"SO": -10})),
          strict=False)


@pytest.mark.parametrize("shift", [1.5, -2, {"low": -0.5, "mode": 0.5, "high": 1.2}])
def test_support_shift_is_bounded(shift):
    problem = only(mutated(lambda d: option(d).update(support_shift={"SO": shift})))
    assert problem.path == "issues[valley-fate].options[to-north].support_shift.SO"
    assert "[-1, 1]" in problem.message


@pytest.mark.parametrize("field", ["support_shift", "sovereignty_value"])
def test_per_actor_maps_name_known_actors(field):
    problem = only(mutated(lambda d: option(d).update({field: {"XX": 0.1}})))
    assert problem.path == f"issues[valley-fate].options[to-north].{field}.XX"
    assert problem.message == "unknown actor 'XX'"


def test_constitutional_names_known_actors():
    problem = only(mutated(lambda d: option(d).update(constitutional=["XX"])))
    assert problem.path.startswith("issues[valley-fate].options[to-north].constitutional")
    assert "unknown actor 'XX'" in problem.message


def test_sanctions_relief_is_a_share():
    problem = only(mutated(lambda d: option(d).update(sanctions_relief=40)))
    assert problem.path == "issues[valley-fate].options[to-north].sanctions_relief"
    assert "did you mean 0.4?" in problem.hint


def test_peace_spending_is_not_negative():
    problem = only(mutated(lambda d: d["economy"][0].update(peace_spending_per_month=-1)))
    assert problem.path == "economy[NO].peace_spending_per_month"


# --- evidence of the new fields ---------------------------------------------------------------


@pytest.mark.parametrize(("where", "field"), [
    ("bargaining", "base_hazard"),
    ("claim", "completion_value_per_month"),
    ("option", "support_shift"),
])
def test_new_fields_cite_existing_claims(where, field):
    def change(d):
        if where == "bargaining":
            d["bargaining"] = {"base_hazard": 0.01, "sources": {field: ["no-such-claim"]}}
        elif where == "claim":
            d["territorial_claims"] = [claim(sources={field: ["no-such-claim"]})]
        else:
            option(d).update(support_shift={"SO": 0.1})
            option(d)["sources"][field] = ["no-such-claim"]
    problem = only(mutated(change))
    assert problem.message == "cites unknown claim 'no-such-claim'"
    assert field in problem.path


@pytest.mark.parametrize(("where", "path"), [
    ("bargaining", "bargaining.base_hazard"),
    ("claim", "territorial_claims[whole].completion_value_per_month"),
    ("option", "issues[valley-fate].options[to-north].support_shift"),
    ("actor", "actors[NO].constitutional_threshold"),
])
def test_strict_evidence_covers_the_new_numbers(where, path):
    def change(d):
        if where == "bargaining":
            d["bargaining"] = {"base_hazard": 0.01}
        elif where == "claim":
            d["territorial_claims"] = [claim()]
        elif where == "option":
            option(d).update(support_shift={"SO": 0.1})
        else:
            d["actors"][0]["constitutional_threshold"] = 0.3
    problem = only(mutated(change), strict=True)
    assert problem.path == path and problem.message.endswith("has no evidence")


# --- the built-in scenarios ---------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILTINS)
def test_builtins_carry_the_v2_sections_and_compile(name):
    scenario = load_builtin(name)
    assert check_scenario(scenario, strict_evidence=True) == []
    assert scenario.bargaining.mediator is not None
    assert scenario.bargaining.mediator_plan in {p.id for p in scenario.proposals}
    assert scenario.territorial_claims
    assert any(lever.against for lever in scenario.levers)
    compiled = compile_scenario(scenario, draws=16, rng=3)
    hazard = compiled.get("bargaining.base_hazard")
    assert hazard.shape == (16,) and np.all((hazard > 0) & (hazard < 0.1))
    for item in scenario.territorial_claims:
        value = compiled.get(f"territorial_claims.{item.id}.completion_value_per_month")
        assert np.all(value >= 0)
    for actor_id in scenario.belligerents:
        theta = compiled.get(f"actors.{actor_id}.constitutional_threshold")
        assert np.all((theta >= 0) & (theta <= 1))
    assert sum(scenario.point(v) for v in scenario.bargaining.proposers.values()) == \
        pytest.approx(1)


@pytest.fixture(scope="module")
def alaska():
    return load_builtin("alaska-2025")


def test_alaska_bargaining(alaska):
    b = alaska.bargaining
    assert (b.mediator, b.mediator_plan) == ("US", "donetsk-for-freeze")
    assert b.proposers == {"RU": 0.25, "UA": 0.25, "US": 0.5}
    assert 0.005 <= alaska.point(b.base_hazard) <= 0.04
    compiled = compile_scenario(alaska, draws=32, rng=0)
    assert np.all(compiled.get("actors.UA.constitutional_threshold") == 0.5)


def test_alaska_claims_cover_whole_oblasts(alaska):
    claims = {c.id: c for c in alaska.territorial_claims}
    donbas = set(claims["ru-donbas"].regions)
    assert donbas == {r.id for r in alaska.regions if r.province in ("Donetsk", "Luhansk")}
    south = set(claims["ru-south"].regions)
    assert all(alaska.region(r).province in ("Zaporizhzhia", "Kherson") for r in south)
    assert all(c.actor == "RU" for c in claims.values())


def test_alaska_terms_follow_the_law_and_nothing_is_priced_twice(alaska):
    options = {(i.id, o.id): o for i in alaska.issues for o in i.options}
    for option_ in options.values():
        assert not set(option_.value) & set(option_.sovereignty_value)
    for (issue, option_id), option_ in options.items():
        if issue == "donetsk-line" and option_.x:
            assert option_.constitutional == ["UA"], option_id
    assert options["recognition", "de-jure"].constitutional == ["UA"]
    assert "UA" in options["recognition", "de-jure"].sovereignty_value
    assert options["recognition", "de-facto"].constitutional == []
    assert options["kherson-left-bank", "to-ua"].constitutional == ["RU"]
    for relief in ("partial", "full"):
        option_ = options["sanctions-relief", relief]
        assert "RU" not in option_.value and alaska.point(option_.sanctions_relief) > 0
    # guarantees act through the hazard and the shift of support, not a value of their own
    for guarantee in ("european-reassurance", "us-backed"):
        option_ = options["security-guarantees", guarantee]
        assert not {"RU", "UA"} & set(option_.value)
        assert alaska.point(option_.support_shift["UA"]) > 0
    assert alaska.point(options["security-guarantees", "us-backed"].support_shift["UA"]) > \
        alaska.point(options["security-guarantees", "european-reassurance"].support_shift["UA"])


def test_alaska_threats_are_conditional(alaska):
    levers = {lever.id: lever for lever in alaska.levers}
    assert levers["secondary-tariffs-ultimatum"].against == "RU"
    assert levers["us-aid-pause"].against == "UA"
    assert all(lever.start_month == 0 for lever in levers.values() if lever.against)


def test_alaska_peace_spending_is_below_war_spending(alaska):
    for economy in alaska.economy:
        if economy.war_spending_per_month:
            assert alaska.point(economy.peace_spending_per_month) < \
                alaska.point(economy.war_spending_per_month), economy.id


def test_every_new_number_of_alaska_cites_a_claim(alaska):
    # strict evidence (the built-ins' rule) covers the new records; check the fields by name
    new_fields = {
        "bargaining": ["proposers", "base_hazard", "hazard_sensitivity"],
        "actors": ["ratification_threshold", "constitutional_threshold",
                   "ratification_spread", "audience_cost", "peace_value_per_month"],
        "economy": ["peace_spending_per_month"],
        "options": ["sanctions_relief", "support_shift", "sovereignty_value", "constitutional"],
        "levers": ["against"],
        "territorial_claims": ["completion_value_per_month", "regions"],
    }
    records = {
        "bargaining": [alaska.bargaining],
        "actors": alaska.actors, "economy": alaska.economy, "levers": alaska.levers,
        "options": [o for i in alaska.issues for o in i.options],
        "territorial_claims": alaska.territorial_claims,
    }
    claims = {c.id for c in alaska.evidence}
    checked = 0
    for kind, fields in new_fields.items():
        for record in records[kind]:
            for field in fields:
                if field in record.model_fields_set:
                    cited = record.sources.get(field, [])
                    assert cited, f"{kind} {getattr(record, 'id', '')}: {field} cites nothing"
                    assert set(cited) <= claims
                    checked += 1
    assert checked >= 30
