"""The whole pipeline: enumerated and searched spaces, the built-in scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_deals import context_of, synthetic_scenario

from ceasefire.deals import DealOptions, deal_space, evaluate_space, frontier
from ceasefire.deals.beyond import frontier_packages
from ceasefire.errors import ScenarioError
from ceasefire.scenario import builtin_names, load_scenario
from ceasefire.workflows import explore


def explore_deals(scenario, *, rng: int, **options) -> dict:
    """The deals job's JSON document (``--json``) on the scenario."""
    return explore(scenario, DealOptions(**options), rng=rng).to_dict()


def _alaska():
    if "alaska-2025" not in builtin_names():
        pytest.skip("alaska-2025 is not there yet")
    try:
        return load_scenario("alaska-2025")
    except ScenarioError:
        pytest.skip("alaska-2025 does not validate yet")


@pytest.mark.parametrize("name", ["synthetic", pytest.param("alaska", marks=pytest.mark.slow)])
def test_searched_frontier_equals_enumerated_frontier(name):
    scenario = synthetic_scenario() if name == "synthetic" else _alaska()
    context, veto = context_of(scenario, draws=200)
    space = deal_space(scenario)
    parties = [k for k, a in enumerate(scenario.actors) if a.role == "belligerent"]
    values = evaluate_space(context, veto, space, dtype=np.float64, quantile=None)
    enumerated = set(values.codes[frontier(values, parties)].tolist())
    searched = set(space.encode(frontier_packages(context, veto, space, parties)).tolist())
    assert searched == enumerated


def test_past_the_cap_the_result_says_it_was_searched():
    scenario = synthetic_scenario()
    full = explore_deals(scenario, draws=200, rng=1)
    capped = explore_deals(scenario, draws=200, rng=1, cap=10)
    assert full["space"]["method"] == "enumerated"
    assert capped["space"]["method"] == "searched" and "cap" in capped["space"]["note"]
    assert capped["space"]["evaluated"] == full["frontier"]["size"]
    full_front = {tuple(p["terms"].items()) for p in full["frontier"]["packages"]}
    capped_front = {tuple(p["terms"].items()) for p in capped["frontier"]["packages"]}
    assert full_front == capped_front
    for name in ("nash", "kalai-smorodinsky", "egalitarian"):
        package = full["solutions"][name]["package"]
        # a solution on the belligerents' frontier is found by the search too (one off
        # it was kept by another veto player's constraint, which the search cannot see)
        if package is not None and tuple(package["terms"].items()) in full_front:
            assert capped["solutions"][name]["package"]["terms"] == package["terms"]


def test_solutions_are_admissible_and_on_the_frontier():
    result = explore_deals(synthetic_scenario(), draws=300, rng=2)
    front = {tuple(p["terms"].items()) for p in result["frontier"]["packages"]}
    for name in ("nash", "kalai-smorodinsky"):
        package = result["solutions"][name]["package"]
        if package is None:
            assert result["solutions"][name]["blockers"]
            continue
        assert all(package["surplus"][a] > 0 for a in package["veto_players"])
        assert tuple(package["terms"].items()) in front


def test_nearest_variants_change_that_many_terms_and_are_acceptable():
    result = explore_deals(synthetic_scenario(), draws=300, rng=2, p_star=0.05)
    for proposal, by_distance in result["nearest"].items():
        own = result["proposals"][proposal]["terms"]
        for distance, items in by_distance.items():
            for item in items:
                changed = [k for k, v in item["terms"].items() if own[k] != v]
                assert len(changed) == int(distance)
                assert item["p_all_veto_accept"]["p"] >= 0.05


@pytest.mark.slow
def test_alaska_deals_run():
    scenario = _alaska()
    document = explore_deals(scenario, draws=300, rng=1, top=3)
    assert document["space"]["size"] == deal_space(scenario).size
    assert set(document["proposals"]) == {p.id for p in scenario.proposals}
    assert set(document["belligerents"]) == {"RU", "UA"}


def test_the_likely_settlement_reports_its_plateau():
    from ceasefire.deals.search import plateau
    from ceasefire.results.stats import standard_error

    result = explore("tutorial", DealOptions(draws=300), rng=4)
    likely = result.likely_settlement
    tied = likely.plateau
    values = result.values
    best = int(np.argmax(values.p_all))
    rows = plateau(values, best)
    assert tied.size == len(rows) >= 1
    # every tied package is within two standard errors of the difference, no other is
    p, se = values.p_all, standard_error(values.p_all, values.draws)
    gap = (p[best] - p) / np.sqrt(se[best] ** 2 + se ** 2 + 1e-300)
    assert np.all(gap[rows] <= 2) and np.all(np.delete(gap, rows) > 2)
    # what they share is a term every one of them has
    decoded = result.space_object.decode(values.codes[rows])
    for issue, option in tied.shared.items():
        i = result.space_object.issues.index(issue)
        assert {result.space_object.options[i][k] for k in decoded[:, i]} == {option}
    assert set(tied.shared).isdisjoint(tied.varying)
