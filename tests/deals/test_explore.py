"""The whole pipeline: the space against the equilibrium, sampled spaces, built-ins."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_deals import synthetic_scenario

from ceasefire.deals import DealOptions, deal_space
from ceasefire.deals import explore_deals as explore_deals_engine
from ceasefire.errors import ScenarioError
from ceasefire.scenario import builtin_names, load_scenario
from ceasefire.workflows import explore


def explore_deals(scenario, *, rng: int, **options) -> dict:
    """The deals job's JSON document (``--json``) on the scenario."""
    return explore(scenario, DealOptions(**options), rng=rng).to_dict()


def prepared(scenario, *, draws: int, seed: int):
    from ceasefire.workflows.prepare import prepare

    p = prepare(scenario, draws=draws, rng=seed)
    return p.compiled, p.expected


def _alaska():
    if "alaska-2025" not in builtin_names():
        pytest.skip("alaska-2025 is not there yet")
    try:
        return load_scenario("alaska-2025")
    except ScenarioError:
        pytest.skip("alaska-2025 does not validate yet")


def _row(result, terms) -> int:
    space = result.space_object
    code = space.encode(space.package(dict(terms))[None])[0]
    return int(np.flatnonzero(result.values.codes == code)[0])


def test_the_zone_is_the_solvers_own_zone_extended_to_the_space():
    """Each solver candidate's P(all accept) is the solver's zone, exactly (same draws)."""
    compiled, expected = prepared(synthetic_scenario(), draws=60, seed=2)
    result = explore_deals_engine(compiled, expected, DealOptions())
    eq = result.equilibrium
    values = result.values
    assert values.draws == eq.draws == 60
    seen = 0
    for k, candidate in enumerate(eq.candidates):
        row = _row(result, candidate.terms)
        assert values.all_count[row] == eq.zone_own[k].sum()
        # common=True: the zone on the analyst's belief
        assert values.common_count[row] == eq.zone_common[k].sum()
        seen += int(eq.zone_own[k].any())
    assert seen  # the synthetic scenario has a candidate in the zone on some draws
    for k, proposal in enumerate(compiled.scenario.proposals):
        row = _row(result, proposal.terms)
        assert result.proposals[proposal.id].p_all_veto_accept.p == eq.zone_own[k].mean()
        # each veto player's acceptance is the solver's month-0 vote on the named proposal
        for j, player in enumerate(eq.players):
            column = result.actors.index(player)
            if eq.required[k, j]:
                assert values.accept_count[row, column] == eq.accept[k, 0, j].sum()


def test_common_belief_scores_match_now_values_on_the_analysts_belief():
    compiled, expected = prepared(synthetic_scenario(), draws=40, seed=5)
    result = explore_deals_engine(compiled, expected, DealOptions())
    eq, space, values = result.equilibrium, result.space_object, result.values
    terms = [space.terms(o) for o in space.decode(values.codes)]
    common = eq.now.values(compiled, expected, terms, common=True)
    need = eq.now.required(compiled, expected, terms)[:, :, None]
    expected_count = ((common.gain() >= 0) | ~need).all(axis=1).sum(axis=1)
    np.testing.assert_array_equal(values.common_count, expected_count)
    own = eq.now.values(compiled, expected, terms)
    columns = [result.actors.index(p) for p in eq.players]
    np.testing.assert_allclose(values.mean_surplus[:, columns],
                               (own.deal - own.war[None]).mean(axis=2), rtol=1e-12, atol=1e-12)


def test_a_passed_equilibrium_is_reused_and_fewer_draws_are_the_first_ones():
    compiled, expected = prepared(synthetic_scenario(), draws=60, seed=2)
    whole = explore_deals_engine(compiled, expected, DealOptions())
    again = explore_deals_engine(compiled, expected, DealOptions(),
                                 equilibrium=whole.equilibrium)
    assert again.equilibrium is whole.equilibrium
    np.testing.assert_array_equal(again.values.all_count, whole.values.all_count)
    fewer = explore_deals_engine(compiled, expected, DealOptions(space_draws=25),
                                 equilibrium=whole.equilibrium)
    assert fewer.values.draws == fewer.space.draws == 25 and "first 25" in fewer.space.note
    eq = whole.equilibrium
    for k, candidate in enumerate(eq.candidates):
        assert fewer.values.all_count[_row(fewer, candidate.terms)] == eq.zone_own[k, :25].sum()
    # the agreed packages are the solver's, on every draw
    assert fewer.agreed.draws == 60
    signed = {c.id: float(((eq.package == k) & (eq.signed >= 0)).mean())
              for k, c in enumerate(eq.candidates)}
    for package in fewer.agreed.packages:
        assert package.p.p == pytest.approx(signed[package.id])


def test_a_later_start_month_is_an_error():
    from ceasefire.errors import InputError

    with pytest.raises(InputError, match="month 0"):
        explore(synthetic_scenario(), DealOptions(draws=20, start=2), rng=1)


def test_past_the_cap_the_result_says_it_was_sampled():
    scenario = synthetic_scenario()
    full = explore_deals(scenario, draws=60, rng=1)
    capped = explore_deals(scenario, draws=60, rng=1, cap=10)
    assert full["space"]["method"] == "enumerated"
    assert capped["space"]["method"] == "sampled" and "cap" in capped["space"]["note"]
    assert capped["space"]["evaluated"] == 10
    rows = {tuple(sorted(p["terms"].items())): p for p in full["top"]}
    for package in capped["top"]:
        same = rows.get(tuple(sorted(package["terms"].items())))
        if same is not None:
            assert package["p_all_veto_accept"] == same["p_all_veto_accept"]


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
    document = explore_deals(scenario, draws=100, rng=1, top=3, space_draws=20)
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
