"""The solver's agreement summarised as typed results, on a hand-built equilibrium."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
import numpy as np
import pytest

import ceasefire
from ceasefire.bargaining.agreement_summary import (
    add_binding,
    binding_entries,
    package_name,
    summarise_agreement,
)
from ceasefire.bargaining.outcome import REASONS, Candidate, Equilibrium
from ceasefire.results import SCHEMA_VERSION, AnalyzeResult, Estimate, load_result, result_schema
from ceasefire.results.agreement import REFUSAL_REASONS
from ceasefire.results.analyze import TimingEntry
from ceasefire.results.stats import difference
from ceasefire.scenario import load_scenario

PLAYERS = ("NO", "SO", "PA")
TERMS = {
    "freeze": {"valley-line": "freeze", "sanctions-relief": "none", "guarantee": "none"},
    "east-for-guarantee": {"valley-line": "east-valley-to-north", "sanctions-relief": "none",
                           "guarantee": "patron-guarantee"},
    "all-for-relief": {"valley-line": "both-valleys-to-north", "sanctions-relief": "lifted",
                       "guarantee": "none"},
    "searched-1": {"valley-line": "east-valley-to-north", "sanctions-relief": "lifted",
                   "guarantee": "none"},
}
CANDIDATES = tuple(Candidate(id=k, terms=v, searched=k.startswith("searched"))
                   for k, v in TERMS.items())
SE8 = {k: float(np.sqrt(k / 8 * (1 - k / 8) / 8)) for k in range(9)}  # se of k of 8 draws


def equilibrium(**change) -> Equilibrium:
    """Eight draws, a six-month window, three named proposals and one searched package.

    Deals: draw 0 signs freeze in month 0 (NO proposes), 1 searched-1 in month 2 (SO;
    collapses in month 4), 2 freeze in month 2 (PA), 4 freeze in month 4 (NO), 5
    searched-1 in month 1 (SO; collapses in month 3), 7 east-for-guarantee in month 5
    (PA); draws 3 and 6 sign nothing.
    """
    draws, named = 8, 3
    accept = np.ones((named, 13, 3, draws), dtype=bool)
    reasons = np.zeros((named, 13, 3, draws), dtype=np.int8)
    # freeze in month 0: SO refuses in draws 0-4 (belief, belief, ratification x2, belief),
    # NO in draws 6-7 (value); PA, who has no veto over it, "refuses" in draws 0-5
    accept[0, 0, 1, :5] = False
    reasons[0, 0, 1, :5] = [1, 1, 2, 2, 1]
    accept[0, 0, 0, 6:] = False
    reasons[0, 0, 0, 6:] = 4
    accept[0, 0, 2, :6] = False
    reasons[0, 0, 2, :6] = 4
    # freeze in month 3: SO refuses in exactly half the draws (not binding)
    accept[0, 3, 1, :4] = False
    reasons[0, 3, 1, :4] = 3
    # east-for-guarantee in month 6: NO refuses in every draw, claim and value tie
    accept[1, 6, 0, :] = False
    reasons[1, 6, 0, :] = [3, 3, 3, 4, 4, 4, 2, 1]
    required = np.array([[True, True, False], [True, True, True], [True, True, False]])
    zone_own = np.zeros((4, draws), dtype=bool)
    zone_own[0, :6] = True
    zone_own[3, 6] = True
    zone_common = np.zeros((4, draws), dtype=bool)
    zone_common[0, :3] = True
    fields = dict(
        players=PLAYERS, proposers=PLAYERS, proposer_probability=np.array([0.4, 0.4, 0.2]),
        candidates=CANDIDATES, solver_horizon=120, fitting_paths=4, months=6,
        signed=np.array([0, 2, 2, -1, 4, 1, -1, 5]),
        package=np.array([0, 3, 0, -1, 0, 3, -1, 1]),
        proposer=np.array([0, 1, 2, -1, 0, 1, -1, 2]),
        collapsed=np.array([-1, 4, -1, -1, -1, 3, -1, -1]),
        continuation=np.zeros((6, 3, draws)), accept=accept, reasons=reasons,
        required=required, zone_own=zone_own, zone_common=zone_common,
        ratification=np.ones((named, 3, draws)), hazard=np.full((named, draws), 0.02),
        threats=np.array([0, 2, 0, 1, 0, 0, 3, 0]))
    fields.update(change)
    months = fields["months"]
    if fields["continuation"].shape[0] != months:  # one row a month of the window
        fields["continuation"] = np.zeros((months, 3, fields["signed"].shape[0]))
    return Equilibrium(**fields)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def agreement(scenario):
    return summarise_agreement(equilibrium(), scenario)


def test_by_month_is_cumulative_with_binomial_errors(agreement):
    months = [f"2030-{m:02d}" for m in range(1, 7)]
    assert list(agreement.by_month) == months
    signed = [1, 2, 4, 4, 5, 6]  # draws signed by the end of each month
    for month, k in zip(months, signed, strict=True):
        assert agreement.by_month[month] == Estimate(p=k / 8, se=SE8[k])
    assert (agreement.months, agreement.solver_horizon, agreement.fitting_paths,
            agreement.candidates) == (6, 120, 4, 4)


def test_in_force_drops_a_deal_in_the_month_it_collapses(agreement):
    # draw 5 collapses in month 3 and draw 1 in month 4: neither holds at those months' end
    held = [1, 2, 4, 3, 3, 4]
    assert [e.p for e in agreement.in_force.values()] == [k / 8 for k in held]
    assert [e.se for e in agreement.in_force.values()] == [SE8[k] for k in held]


def test_within_12_and_24_months_are_clamped_to_the_window(agreement):
    assert agreement.p_within_12 == agreement.p_within_24 == Estimate(p=0.75, se=SE8[6])
    long = summarise_agreement(equilibrium(months=30), load_scenario("tutorial"))
    assert long.p_within_12 == long.by_month["2030-12"]  # months 0..11
    assert long.p_within_24 == long.by_month["2031-12"]


def test_median_month_is_the_lower_median_of_the_signing_draws(agreement, scenario):
    # signing months 0, 1, 2, 2, 4, 5: half have signed by the end of month 2
    assert agreement.median_month == "2030-03"
    none = summarise_agreement(equilibrium(signed=np.full(8, -1), package=np.full(8, -1),
                                           proposer=np.full(8, -1)), scenario)
    assert none.median_month is None and none.packages == [] and none.plateau == []
    assert none.by_month["2030-06"] == Estimate(p=0.0, se=0.0)


def test_packages_most_likely_first_with_month_and_proposers(agreement):
    packages = agreement.packages
    assert [p.id for p in packages] == ["freeze", "searched-1", "east-for-guarantee"]
    freeze, searched, east = packages
    assert freeze.p == Estimate(p=3 / 8, se=SE8[3]) and freeze.median_month == "2030-03"
    assert freeze.proposers == {"NO": pytest.approx(2 / 3), "PA": pytest.approx(1 / 3)}
    assert freeze.name == "Freeze on the current line" and not freeze.searched
    assert freeze.terms == TERMS["freeze"]
    assert searched.searched and searched.median_month == "2030-02"  # months 1 and 2
    assert searched.proposers == {"SO": 1.0}
    assert searched.name == "valley-line: east-valley-to-north; sanctions-relief: lifted"
    assert east.p.p == 1 / 8 and east.median_month == "2030-06"
    # all-for-relief is never signed: not an agreed package
    assert "all-for-relief" not in {p.id for p in packages}


def test_plateau_uses_the_paired_difference(agreement):
    # with eight draws every agreed package ties with freeze within two standard errors
    top = np.array([1, 0, 1, 0, 1, 0, 0, 0])
    east = np.array([0, 0, 0, 0, 0, 0, 0, 1])
    gap = difference(top, east)
    assert gap.d == 0.25 and gap.d <= 2 * gap.se
    assert agreement.plateau == ["freeze", "searched-1", "east-for-guarantee"]
    assert agreement.plateau_shares == {}


def test_plateau_leaves_out_a_clearly_less_likely_package(scenario):
    # 100 draws: freeze 45, searched-1 40, east-for-guarantee 2
    n = 100
    package = np.full(n, -1)
    package[:45], package[45:85], package[85:87] = 0, 3, 1
    signed = np.where(package >= 0, 1, -1)
    eq = equilibrium(signed=signed, package=package, proposer=np.where(package >= 0, 0, -1),
                     collapsed=np.full(n, -1), threats=np.zeros(n),
                     zone_own=np.zeros((4, n), bool), zone_common=np.zeros((4, n), bool),
                     accept=np.ones((3, 13, 3, n), bool),
                     reasons=np.zeros((3, 13, 3, n), np.int8),
                     ratification=np.ones((3, 3, n)), hazard=np.zeros((3, n)),
                     continuation=np.zeros((6, 3, n)))
    result = summarise_agreement(eq, scenario)
    assert [p.id for p in result.packages] == ["freeze", "searched-1", "east-for-guarantee"]
    assert result.plateau == ["freeze", "searched-1"]
    assert result.plateau_shares == {"guarantee": "none"}


def test_zone_on_own_and_common_beliefs_and_threats(agreement):
    zone = agreement.zone
    assert set(zone.own) == set(zone.common) == set(TERMS)
    assert zone.own["freeze"] == Estimate(p=6 / 8, se=SE8[6])
    assert zone.common["freeze"] == Estimate(p=3 / 8, se=SE8[3])
    assert zone.own["all-for-relief"] == Estimate(p=0.0, se=0.0)
    assert zone.p_any_own == Estimate(p=7 / 8, se=SE8[7])
    assert zone.p_any_common == Estimate(p=3 / 8, se=SE8[3])
    assert agreement.threats == Estimate(p=3 / 8, se=SE8[3])


def test_binding_is_the_modal_reason_of_a_majority_refusal(scenario):
    entries = binding_entries(equilibrium(), scenario)
    assert list(entries) == ["freeze", "east-for-guarantee", "all-for-relief"]
    assert len(entries["freeze"]) == 13 and "2031-01" in entries["freeze"]
    now = entries["freeze"]["2030-01"]
    assert now["binding"] == {"SO": "belief"}  # 5 of 8 refuse: belief 3, ratification 2
    assert now["refusals"]["SO"] == {"belief": 3 / 8, "ratification": 2 / 8, "claim": 0.0,
                                     "value": 0.0}
    assert now["refusals"]["NO"] == {"belief": 0.0, "ratification": 0.0, "claim": 0.0,
                                     "value": 2 / 8}
    assert "PA" in now["refusals"] and "PA" not in now["binding"]  # no veto over freeze
    assert entries["freeze"]["2030-04"]["binding"] == {}  # half the draws is not a majority
    assert entries["freeze"]["2030-02"] == {"binding": {}, "refusals": {}}
    # a tie between claim and value goes to the reason listed first
    assert entries["east-for-guarantee"]["2030-07"]["binding"] == {"NO": "claim"}


def test_reason_codes_match_the_solver():
    assert REASONS[0] == "accepts" and REASONS[1:] == REFUSAL_REASONS


def test_add_binding_fills_the_timing_entries(scenario):
    blank = TimingEntry(acceptance={}, p_all_veto_accept=Estimate(p=0.5, se=0.1),
                        gains_by_waiting={})
    months = [f"2030-{m:02d}" for m in range(1, 13)] + ["2031-01"]
    timing = {p.id: dict.fromkeys(months, blank) for p in scenario.proposals}
    filled = add_binding(timing, equilibrium(), scenario)
    entry = filled["freeze"]["2030-01"]
    assert entry.binding == {"SO": "belief"}
    assert entry.p_all_veto_accept == blank.p_all_veto_accept
    assert filled["freeze"]["2030-02"].binding == {}
    assert blank.binding == {} and blank.refusals == {}


def test_searched_name_lists_the_terms_off_their_default(scenario):
    plain = Candidate(id="searched-9", terms={"valley-line": "freeze",
                                               "sanctions-relief": "none"}, searched=True)
    assert package_name(plain, scenario) == "every issue at its default"
    unknown = Candidate(id="no-such", terms={"guarantee": "patron-guarantee"}, searched=False)
    assert package_name(unknown, scenario) == "guarantee: patron-guarantee"


# --- the result document ------------------------------------------------------------------


@cache
def _result() -> AnalyzeResult:
    scenario = load_scenario("tutorial")
    base = ceasefire.analyze(scenario, rng=3, draws=60, decomposition_draws=10)
    eq = equilibrium()
    return base.replace(agreement=summarise_agreement(eq, scenario),
                        timing=add_binding(base.timing, eq, scenario))


def test_schema_version_is_6():
    assert SCHEMA_VERSION == 6
    assert _result().to_dict()["schema_version"] == 6


def test_a_result_with_an_agreement_round_trips_exactly():
    result = _result()
    document = result.to_dict()
    text = json.dumps(document, allow_nan=False)
    back = AnalyzeResult.from_dict(json.loads(text))
    assert back.to_dict() == document and back == result
    assert load_result(json.loads(text)).agreement == result.agreement
    assert document["agreement"]["by_month"]["2030-03"] == {"p": 0.5, "se": SE8[4]}
    assert document["timing"]["freeze"]["2030-01"]["binding"] == {"SO": "belief"}


def test_a_result_with_an_agreement_fits_its_schema():
    validator = jsonschema.Draft202012Validator(result_schema("analyze"))
    document = _result().to_dict()
    assert not list(validator.iter_errors(document))
    document["timing"]["freeze"]["2030-01"]["binding"]["SO"] = "mood"
    assert list(validator.iter_errors(document))
    document = _result().to_dict()
    document["agreement"]["by_month"]["2030-3"] = {"p": 0.5, "se": 0.1}
    assert list(validator.iter_errors(document))


def test_agreement_tables():
    result = _result()
    frame = result.to_frame("agreement_by_month")
    assert list(frame.columns) == ["month", "p", "se", "in_force_p", "in_force_se"]
    assert list(frame["month"]) == list(result.agreement.by_month)
    row = frame[frame.month == "2030-04"].iloc[0]
    assert (row.p, row.in_force_p) == (0.5, 3 / 8)
    packages = result.to_frame("agreed_packages")
    assert list(packages["id"]) == ["freeze", "searched-1", "east-for-guarantee"]
    assert list(packages["rank"]) == [0, 1, 2]
    assert packages["p.p"].iloc[0] == 3 / 8 and packages["median_month"].iloc[1] == "2030-02"
    assert packages["proposers.SO"].iloc[1] == 1.0


def test_without_the_solver_the_agreement_is_null_and_its_tables_empty():
    result = _result().replace(agreement=None)
    assert result.to_dict()["agreement"] is None
    assert result.to_frame("agreement_by_month").empty
    assert result.to_frame("agreed_packages").empty
