"""Properties of the bargaining model (issue #3, DESIGN 9.18), with common random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.bargaining import (
    deal_value,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_share,
    rubinstein_split,
)
from ceasefire.bargaining.analysis import AnalysisOptions, _core, run_analysis
from ceasefire.dynamics import simulate_war
from ceasefire.scenario import load_scenario
from ceasefire.scenario.edit import with_values
from ceasefire.workflows import prepare

FAST = settings(max_examples=10, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def tutorial():
    return load_scenario("tutorial")


def analyze(scenario, *, draws: int, rng: int, decomposition_draws: int):
    """The engine's Analysis (per-draw arrays), prepared as the application layer does."""
    prepared = prepare(scenario, draws=draws, rng=rng)
    options = AnalysisOptions(draws=draws, decomposition_draws=decomposition_draws)
    return run_analysis(prepared.compiled, prepared.expected, options)


def _accepts(scenario, seed=21, draws=300):
    """Acceptance per start month, proposal, actor and draw, and by every veto player."""
    result = analyze(scenario, draws=draws, rng=seed, decomposition_draws=10)
    return (np.stack([pv.accept for pv in result.timing]),
            np.stack([pv.all_accept for pv in result.timing]))


@pytest.fixture(scope="module")
def tutorial_accepts(tutorial):
    """The tutorial's acceptance, computed once: the base of the common-random-number tests."""
    return _accepts(tutorial)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=st.sampled_from(["NO", "SO"]), weight=st.sampled_from(["casualty_weight",
                                                                   "cost_weight"]),
       factor=st.floats(1.5, 4.0))
def test_costlier_war_does_not_shrink_the_actor_s_acceptance(tutorial, tutorial_accepts, actor,
                                                            weight, factor):
    """Higher kappa or eta makes the actor accept at least as often (common random numbers).

    Version 1 made this exact; in version 2 a costlier war also moves the other side's
    offers, the hazard and the continuation values fitted by regression, so the property
    holds on average over draws and start months, within Monte Carlo error.
    """
    old = tutorial.actor(actor).model_dump()[weight]
    costlier = with_values(tutorial, {f"actors.{actor}.{weight}": old * factor})
    k = [a.id for a in tutorial.actors].index(actor)
    more, base = _accepts(costlier)[0][:, :, k], tutorial_accepts[0][:, :, k]
    assert more.shape == base.shape
    assert more.mean() >= base.mean() - 0.02


def test_higher_costs_leave_the_war_paths_unchanged(tutorial):
    costlier = with_values(tutorial, {"actors.NO.cost_weight": 0.5})
    a = analyze(tutorial, draws=100, rng=2, decomposition_draws=5)
    b = analyze(costlier, draws=100, rng=2, decomposition_draws=5)
    assert np.array_equal(a.expected.control, b.expected.control)


def _war_value_effect(scenario, lever: str) -> np.ndarray:
    """Each actor's mean war value now with the lever minus without it (same draws)."""
    compiled = prepare(scenario, draws=500, rng=3).compiled
    compiled = compiled.with_months(scenario.horizon_months + 1)

    def value(c):
        return _core(c, simulate_war(c, noise=False), start_months=1)["war_values"].total[0]

    return value(compiled).mean(-1) - value(compiled.with_levers_off({lever})).mean(-1)


def test_sanctions_lower_the_targets_war_value(tutorial):
    k = [a.id for a in tutorial.actors].index("NO")
    assert _war_value_effect(tutorial, "export-sanctions")[k] < 0


def test_arms_raise_the_defenders_war_value(tutorial):
    forced = with_values(tutorial, {"levers.arms-package.probability": 1.0})
    k = [a.id for a in tutorial.actors].index("SO")
    assert _war_value_effect(forced, "arms-package")[k] > 0


@given(d1=st.floats(0.5, 0.99), d2=st.floats(0.5, 0.99), step=st.floats(0.0, 0.009))
def test_patience_never_hurts_a_rubinstein_share(d1, d2, step):
    assert rubinstein_share(d1 + step, d2) >= rubinstein_share(d1, d2) - 1e-15
    assert rubinstein_share(d1, d2 + step) <= rubinstein_share(d1, d2) + 1e-15


def test_rubinstein_reference_values():
    # discrete rounds give the proposer an edge: 0.5 against 0.6 still gives 0.571
    assert rubinstein_share(0.5, 0.6) == pytest.approx(0.5714, abs=1e-4)
    assert rubinstein_share(0.9, 0.9) == pytest.approx(1 / 1.9)


_GRID = np.linspace(0.0, 100.0, 1001)


def _split(gainer, loser, d_gainer=0.9, d_loser=0.9):
    net_g, net_l = gainer(_GRID)[:, None], loser(_GRID)[:, None]
    return rubinstein_split(_GRID, net_g, net_l, np.array([d_gainer]), np.array([d_loser]))


def test_rubinstein_split_of_a_closed_zone_is_empty():
    split = _split(lambda x: x - 60, lambda x: 40 - x)
    assert split.low[0] == 60 and split.high[0] == 40
    assert not split.open[0] and np.isnan(split.gainer_first[0])


def test_rubinstein_split_of_linear_surpluses_is_the_split_of_the_zone():
    # S_g = x - 30, S_l = 70 - x: the gainer's share of the surpluses is (x - 30) / 40
    split = _split(lambda x: x - 30, lambda x: 70 - x)
    share = rubinstein_share(0.9, 0.9)
    assert split.low[0] == 30 and split.high[0] == 70
    assert split.gainer_first[0] == pytest.approx(30 + 40 * share, abs=1e-9)
    assert split.loser_first[0] == pytest.approx(70 - 40 * share, abs=1e-9)


def test_rubinstein_splits_the_surpluses_not_x():
    # the gainer values land twice as much: S_g = 2(x - 30), S_l = 70 - x, and its share
    # 2(x - 30) / (x + 10) equals s at x = (60 + 10 s) / (2 - s), not at 30 + 40 s
    split = _split(lambda x: 2 * (x - 30), lambda x: 70 - x)
    s = rubinstein_share(0.9, 0.9)
    assert split.gainer_first[0] == pytest.approx((60 + 10 * s) / (2 - s), abs=1e-3)
    assert abs(split.gainer_first[0] - (30 + 40 * s)) > 5
    # the loser first: the loser's share is s, so the gainer's is 1 - s
    assert split.loser_first[0] == pytest.approx((60 + 10 * (1 - s)) / (1 + s), abs=1e-3)


def test_more_patience_moves_the_split_towards_a_party():
    base = _split(lambda x: x - 30, lambda x: 70 - x, 0.9, 0.9).gainer_first[0]
    patient = _split(lambda x: x - 30, lambda x: 70 - x, 0.95, 0.9).gainer_first[0]
    assert patient > base


def test_deal_without_hazard_is_a_plain_discounted_stream():
    value = deal_value(implementation=np.array(1.0), territory=np.array(2.0),
                       flow=np.array(0.5), one_off=np.array(3.0), war_cost=np.array(9.0),
                       hazard=np.array(0.0), discount=np.array(0.9))
    assert value == pytest.approx(1 + 0.9 * 2.5 / 0.1 + 3)


def _deal_value_month_by_month(implementation, territory, flow, one_off, war_cost, hazard,
                               discount, months=12_000):
    """The deal's value summed month by month, independently of the closed form.

    Month 0 (implementation) pays ``implementation``, and the one-off terms are paid at
    signing. From month 1 the deal is in force with probability (1 - h)^(t-1) and then pays
    territory + flow; once it has collapsed (hazard h at the end of each month in force)
    the party is back at war from the deal's line, paying territory - war_cost a month.
    Every month is discounted by delta^t.
    """
    total = implementation + one_off
    in_force, collapsed, weight = 1.0, 0.0, 1.0
    for _ in range(months):
        weight = weight * discount
        total = total + weight * (in_force * (territory + flow)
                                  + collapsed * (territory - war_cost))
        collapsed = collapsed + in_force * hazard
        in_force = in_force * (1 - hazard)
    return total


@pytest.mark.parametrize("discount", [0.9, 0.97, 0.995])
def test_deal_value_closed_form_equals_a_month_by_month_sum(discount):
    """MODELS.md 2.2 with h > 0: survival, discounting and war after a collapse."""
    from ceasefire.deals import value_coefficients

    hazard = np.array([1e-4, 0.003, 0.02, 0.1, 0.35, 0.8, 1.0])[:, None]
    terms = dict(implementation=np.array([1.3, -0.4]), territory=np.array([2.0, 0.7]),
                 flow=np.array([0.5, -0.2]), one_off=np.array([3.0, 1.1]),
                 war_cost=np.array([9.0, 0.35]))  # one party with a costly war, one without
    delta = np.array(discount)
    summed = _deal_value_month_by_month(**terms, hazard=hazard, discount=delta)
    closed = deal_value(**terms, hazard=hazard, discount=delta)
    assert closed.shape == summed.shape == (7, 2)
    np.testing.assert_allclose(closed, summed, rtol=1e-9, atol=0)
    # the deal space's linear rearrangement (alpha, beta) is the same closed form
    alpha, beta = value_coefficients(delta, hazard)
    t_now, t_deal = terms["implementation"], terms["territory"]
    linear = (t_now + alpha * (t_deal + terms["flow"]) + beta * (t_deal - terms["war_cost"])
              + terms["one_off"])
    np.testing.assert_allclose(linear, summed, rtol=1e-9, atol=0)
    # hazard matters: a collapsing deal is worth less where the war after it is costly
    assert np.all(np.diff(closed[:, 0]) < 0)


def test_guarantees_raise_the_value_of_a_deal_when_war_is_costly():
    common = dict(implementation=np.array(0.0), territory=np.array(1.0), flow=np.array(0.0),
                  one_off=np.array(0.0), war_cost=np.array(2.0), discount=np.array(0.98))
    assert deal_value(hazard=np.array(0.01), **common) > deal_value(hazard=np.array(0.05),
                                                                    **common)


def test_solutions_say_no_agreement_rather_than_multiply_negatives():
    surplus = np.array([[-1.0, -2.0], [-3.0, 1.0]])
    assert nash_bargaining(surplus).index is None
    assert kalai_smorodinsky(surplus).index is None
    assert egalitarian(surplus, np.array([1.0, 1.0])).index is None


@given(scale=st.tuples(st.floats(0.01, 100.0), st.floats(0.01, 100.0)),
       shift=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)))
def test_nash_and_ks_are_invariant_to_affine_maps_of_each_party(scale, shift):
    """u_i -> a_i u_i + b_i (a_i > 0) maps utilities V and disagreement points W alike."""
    rng = np.random.default_rng(0)
    disagreement = np.array([1.0, -2.0])
    x = rng.uniform(-0.5, 4.0, 60)  # packages near a concave frontier, some below W
    y = 4.0 * (1 - (x / 4.0) ** 2) * rng.uniform(0.7, 1.0, 60) - 0.5
    utility = disagreement + np.stack([x, y], axis=1)
    utility = utility[np.all(np.abs(utility - disagreement) > 0.01, axis=1)]
    a, b = np.array(scale), np.array(shift)
    surplus = utility - disagreement
    moved = (a * utility + b) - (a * disagreement + b)
    for solution in (nash_bargaining, kalai_smorodinsky):
        chosen = solution(surplus).index
        assert chosen is not None
        assert solution(moved).index == chosen
        # not vacuous: moving V but not W (or V alone by a unit) changes the answer
        assert solution(surplus + np.array([0.0, 1.0])).index != chosen


@pytest.fixture(scope="module")
def alaska():
    return load_scenario("alaska-2025")


def _scaled(value, factor: float):
    """A weight times ``factor``: a number, or a distribution's low, mode and high."""
    if isinstance(value, dict):
        return {k: (v * factor if k in ("low", "mode", "high") else v) for k, v in value.items()}
    return value * factor


@pytest.mark.slow
@pytest.mark.parametrize("actor, weight", [("RU", "cost_weight"), ("UA", "casualty_weight")])
def test_costlier_war_never_shrinks_the_deal_space_zone_on_alaska(alaska, actor, weight):
    """Every package of the deal space: P(all veto players accept) never falls, draw for draw."""
    from ceasefire.bargaining import valuation_context, veto_codes
    from ceasefire.deals import deal_space, evaluate_space
    from ceasefire.dynamics import simulate_war
    from ceasefire.scenario.compile import compile_scenario

    def all_counts(scenario):
        compiled = compile_scenario(scenario, draws=40, rng=21)
        context = valuation_context(compiled, simulate_war(compiled, noise=False), 0)
        values = evaluate_space(context, veto_codes(scenario), deal_space(scenario),
                                dtype=np.float64, quantile=None)
        return values.codes, values.all_count

    old = alaska.actor(actor).model_dump()[weight]
    codes, base = all_counts(alaska)
    more_codes, more = all_counts(with_values(alaska, {f"actors.{actor}.{weight}":
                                                       _scaled(old, 2.0)}))
    assert np.array_equal(codes, more_codes)
    assert np.all(more >= base) and more.sum() > base.sum()


def _war_values(scenario, draws=300, seed=5):
    from ceasefire.bargaining.analysis import _core
    from ceasefire.dynamics import simulate_war
    from ceasefire.scenario.compile import compile_scenario

    compiled = compile_scenario(scenario, draws=draws, rng=seed)
    paths = simulate_war(compiled, noise=False)
    core = _core(compiled, paths, start_months=1)
    return core["war_values"].total[0], [a.id for a in scenario.actors], (compiled, paths)


@pytest.mark.slow
@FAST
@given(factor=st.floats(1.0, 3.0))
def test_stronger_sanctions_lower_russias_war_value_but_for_the_fiscal_feedback(alaska,
                                                                                 factor):
    """Net effect, as docs/model.md section 8 states it.

    On average stronger sanctions lower Russia's war value. In a draw they can raise it
    only through the documented feedback: reserves below their floor weaken the offensive,
    which also saves casualties.
    """
    lever = alaska.levers[[x.id for x in alaska.levers].index("oil-sanctions")]
    changes = {}
    for j, effect in enumerate(lever.effects):
        if effect.path.startswith("economy.RU"):
            value = effect.model_dump()["value"]
            if isinstance(value, dict):
                scaled = {k: (v * factor if k in ("low", "mode", "high") else v)
                          for k, v in value.items()}
            else:
                scaled = value * factor
            changes[f"levers.oil-sanctions.effects.{j}.value"] = scaled
    assert changes, "oil-sanctions acts on Russia's economy"
    stronger = with_values(alaska, changes)
    base, actors, (compiled, paths) = _war_values(alaska)
    more, _, _ = _war_values(stronger)
    ru = actors.index("RU")
    assert more[ru].mean() <= base[ru].mean() + 1e-9
    _, _, (_, stronger_paths) = _war_values(stronger)
    floor = compiled.get("economy.RU.reserves_floor")
    k = paths.actors.index("RU")
    squeezed = (stronger_paths.reserves[:, k] < floor).any(axis=0)
    rose = more[ru] > base[ru] + 1e-9
    assert not np.any(rose & ~squeezed)


@pytest.mark.slow
@FAST
@given(boost=st.floats(1.0, 1.5))
def test_an_arms_package_never_lowers_ukraines_war_value(alaska, boost):
    lever_id = "us-arms-package-10bn"
    lever = alaska.levers[[x.id for x in alaska.levers].index(lever_id)]
    changes = {f"levers.{lever_id}.probability": 1.0}
    for j, effect in enumerate(lever.effects):
        if effect.path == "forces.UA.combat_power":
            changes[f"levers.{lever_id}.effects.{j}.value"] = boost
    armed, actors, _ = _war_values(with_values(alaska, changes))
    without, _, _ = _war_values(with_values(alaska, {f"levers.{lever_id}.probability": 0.0}))
    ua = actors.index("UA")
    assert np.all(armed[ua] >= without[ua] - 1e-9)
