"""Offensive and culminated regimes of the fronts (MODELS.md section 4, version 2)."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.dynamics import simulate_war
from ceasefire.dynamics.regimes import regime_gains, stationary_share
from ceasefire.errors import ScenarioError
from ceasefire.scenario.checks import lever_paths, lever_target
from ceasefire.scenario.compile import BLOCK, compile_scenario
from ceasefire.scenario.edit import with_values
from ceasefire.scenario.loading import scenario_from_dict, scenario_to_dict

VALLEYS = ("east-valley", "west-valley")
PATHS = ("control", "gains_km2", "casualties", "tanks", "reserves", "power", "opinion",
         "economic_cost", "revenue")


def regime(scenario, **fields):
    """Set the same regime fields on both tutorial valleys."""
    return with_values(scenario, {f"regions.{r}.front.regime.{k}": v
                                  for r in VALLEYS for k, v in fields.items()})


def without_regimes(scenario):
    """The scenario as it was before regimes: no front has one, and no claim is orphaned."""
    data = scenario_to_dict(scenario)
    for region in data["regions"]:
        front = region.get("front")
        if front:
            front.pop("regime", None)
            front["sources"] = {k: v for k, v in front.get("sources", {}).items()
                                if not k.startswith("regime")}
    cited: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, dict):
                    cited.update(c for ids in value.values() for c in ids)
                elif key != "evidence":
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(data)
    data["evidence"] = [c for c in data["evidence"] if c["id"] in cited]
    return scenario_from_dict(data)


def front_index(paths, region):
    return paths.fronts.index(region)


# --- the regimes move gains the way the theory says --------------------------------------


def test_a_culminated_regime_lowers_expected_gains(tutorial):
    """Exact on the deterministic path: culminated for good, month 0 gains are m times the
    offensive ones when nothing is taken back, and the attacker has gained less by the end
    of every month (month by month an offensive that has taken everything gains nothing)."""
    stay = dict(p_culminate=0.0, p_resume=0.0, counter_gain_km2=0.0, exhaustion_sensitivity=0.0)
    offensive = compile_scenario(regime(tutorial, start="offensive", **stay), draws=300, rng=7)
    culminated = compile_scenario(regime(tutorial, start="culminated", **stay), draws=300,
                                  rng=7)
    a = simulate_war(offensive, noise=False)
    b = simulate_war(culminated, noise=False)
    north = a.belligerents.index("NO")
    assert np.all(b.culminated == 1) and np.all(a.culminated == 0)
    assert b.gains_km2[0, north] == pytest.approx(0.3 * a.gains_km2[0, north], rel=1e-12)
    cumulative_a, cumulative_b = (np.cumsum(p.gains_km2[:, north], axis=0) for p in (a, b))
    assert np.all(cumulative_b <= cumulative_a + 1e-9)
    assert np.all(cumulative_b[-1] < cumulative_a[-1])
    # and with switching, the expected gains fall as culmination grows likelier
    totals = [simulate_war(compile_scenario(regime(tutorial, p_culminate=p), draws=300, rng=7),
                           noise=False).gains_km2[:, north].sum(0)
              for p in (0.0, 0.05, 0.2, 0.5)]
    for low, high in zip(totals[1:], totals[:-1], strict=True):
        assert np.all(low <= high + 1e-9)


def test_counter_attacks_give_negative_gains_and_never_take_back_more_than_held(tutorial):
    start = tutorial
    held0 = np.array([start.point(start.region(r).control["NO"]) * start.point(
        start.region(r).area_km2) for r in VALLEYS])
    for counter in (20.0, 1e5):
        s = regime(tutorial, start="culminated", p_resume=0.0, culminated_scale=0.0,
                   counter_gain_km2=counter)
        for noise in (False, True):
            paths = simulate_war(compile_scenario(s, draws=500, rng=3), noise=noise)
            north = paths.belligerents.index("NO")
            regions = [paths.regions.index(r) for r in VALLEYS]
            held = paths.control[:, regions, north] * paths.area_km2[regions][None]
            assert np.all(paths.gains_km2[:, north] <= 0)
            assert np.any(paths.gains_km2[:, north] < 0)
            assert paths.control.min() >= 0
            # never more taken back than North held there at the start
            taken_back = -paths.gains_km2[:, north].sum(0)
            assert np.all(taken_back <= held0.sum() + 1e-9)
            assert np.all(held >= -1e-9)
            if counter > 1e4:  # an overwhelming counter-attack takes back exactly all of it
                assert np.allclose(held[-1], 0.0, atol=1e-9)
                assert np.allclose(taken_back, held0.sum())


def test_regime_gains_cap_both_ways():
    held_def, held_att = np.array([10.0, 10.0]), np.array([3.0, 3.0])
    advance, counter = np.array([50.0, 50.0]), np.array([8.0, 8.0])
    take, back = regime_gains(held_def, held_att, advance, counter, np.array([0.1, 0.1]),
                              np.array([False, True]), expected=False)
    assert take.tolist() == [10.0, 5.0] and back.tolist() == [0.0, 3.0]
    take, back = regime_gains(held_def, held_att, advance, counter, np.array([0.1, 0.1]),
                              np.array([0.0, 0.5]), expected=True)
    assert take.tolist() == [10.0, 7.5] and back.tolist() == [0.0, 1.5]


def test_zero_switching_probabilities_reproduce_the_model_without_regimes(tutorial, alaska):
    """Start offensive, never culminate: bit for bit the paths of the model without regimes,
    on the realised and the noise-free path, whatever the other regime numbers."""
    for scenario, draws in ((tutorial, 300), (alaska, 200)):
        before = compile_scenario(without_regimes(scenario), draws=draws, rng=13)
        paths = {f"regions.{r.id}.front.regime.{k}": v for r in scenario.regions
                 if r.front is not None and r.front.regime is not None
                 for k, v in (("p_culminate", 0.0), ("start", "offensive"))}
        never = compile_scenario(with_values(scenario, paths), draws=draws, rng=13)
        for noise in (False, True):
            a, b = simulate_war(before, noise=noise), simulate_war(never, noise=noise)
            assert np.all(b.culminated == 0)
            for name in PATHS:
                assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


# --- the chain ---------------------------------------------------------------------------


def test_the_share_of_culminated_months_is_the_stationary_share(tutorial):
    p_c, p_r = 0.1, 0.3
    s = regime(tutorial, p_culminate=p_c, p_resume=p_r, exhaustion_sensitivity=0.0)
    compiled = compile_scenario(s, draws=4000, rng=21).with_months(60)
    realised = simulate_war(compiled, noise=True)
    k = front_index(realised, "east-valley")
    burn_in = 12  # (1 - p_c - p_r)^12 < 0.003 of the start remains
    per_draw = realised.culminated[burn_in:, k].mean(axis=0)
    share, se = per_draw.mean(), per_draw.std(ddof=1) / np.sqrt(per_draw.size)
    assert share == pytest.approx(stationary_share(p_c, p_r), abs=4 * se)
    # the expected path carries the regime probability along the same chain
    expected = simulate_war(compiled, noise=False)
    pi = expected.culminated[:, k].astype(float)
    assert np.all(pi[0] == 0) and np.allclose(pi[1], p_c, atol=1e-7)
    assert np.allclose(pi[2], p_c * (1 - p_r) + (1 - p_c) * p_c, atol=1e-7)
    assert np.allclose(pi[-1], stationary_share(p_c, p_r), atol=1e-6)


def test_fronts_of_one_group_switch_together(tutorial):
    paths = simulate_war(compile_scenario(tutorial, draws=400, rng=8), noise=True)
    east, west = (front_index(paths, r) for r in VALLEYS)
    assert paths.culminated[:, east].any()
    assert np.array_equal(paths.culminated[:, east], paths.culminated[:, west])


def test_exhaustion_raises_the_chance_of_culmination(tutorial):
    """A weaker attacker (its force ratio below month 0's) culminates more often."""
    weaker = with_values(tutorial, {"levers.arms-package.probability": 1.0,
                                    "levers.arms-package.effects.0.value": 2.0})
    shares = []
    for eta in (0.0, 3.0):
        s = regime(weaker, exhaustion_sensitivity=eta)
        paths = simulate_war(compile_scenario(s, draws=300, rng=4), noise=False)
        shares.append(paths.culminated[:, front_index(paths, "east-valley")].astype(float))
    assert np.all(shares[1] >= shares[0] - 1e-7)
    assert np.any(shares[1] > shares[0] + 1e-3)


# --- reproducibility ---------------------------------------------------------------------


def test_regimes_do_not_depend_on_chunking_or_the_number_of_draws(tutorial):
    compiled = compile_scenario(tutorial, draws=2 * BLOCK + 100, rng=5)
    whole = simulate_war(compiled)
    assert whole.culminated.any()
    parts = [simulate_war(compiled.blocks(k, k + 1)) for k in range(3)]
    for name in ("culminated", "control", "gains_km2", "casualties"):
        joined = np.concatenate([getattr(p, name) for p in parts], axis=-1)
        assert np.array_equal(getattr(whole, name), joined), name
    small = simulate_war(compile_scenario(tutorial, draws=50, rng=5))
    assert np.array_equal(small.culminated, whole.culminated[..., :50])
    again = simulate_war(compile_scenario(tutorial, draws=2 * BLOCK + 100, rng=5))
    assert np.array_equal(again.gains_km2, whole.gains_km2)


def test_the_expected_path_does_not_depend_on_the_noise_seeds(tutorial):
    from dataclasses import replace

    compiled = compile_scenario(tutorial, draws=200, rng=3)
    seeds = tuple(np.random.SeedSequence(99).spawn(len(compiled.noise_seeds)))
    a = simulate_war(compiled, noise=False)
    b = simulate_war(replace(compiled, noise_seeds=seeds), noise=False)
    assert np.array_equal(a.culminated, b.culminated)
    assert np.array_equal(a.gains_km2, b.gains_km2)
    assert 0 < a.culminated.max() < 1  # a probability, not a sampled regime


# --- alaska-2025 ---------------------------------------------------------------------------


def test_an_alaska_fan_chart_can_show_a_stalemate(alaska):
    """Monthly gains reach zero or below in the fan chart's band, and some draws gain
    nothing, net, over a whole year of the horizon; without regimes neither happens."""
    horizon = alaska.horizon_months
    compiled = compile_scenario(alaska, draws=2000, rng=0).with_months(horizon + 1)
    paths = simulate_war(compiled, noise=True)
    gains = paths.gains_km2[:horizon, paths.belligerents.index("RU")]
    assert np.percentile(gains, 10, axis=1).min() <= 0
    total = np.concatenate([np.zeros((1, gains.shape[1])), np.cumsum(gains, axis=0)])
    year = total[12:] - total[:-12]
    assert (year <= 0).any(axis=0).mean() > 0.002
    before = compile_scenario(without_regimes(alaska), draws=2000, rng=0)
    old = simulate_war(before.with_months(horizon + 1), noise=True)
    assert old.gains_km2.min() >= 0


def test_alaska_fronts_all_have_regimes(alaska):
    fronts = [r for r in alaska.regions if r.front is not None]
    assert fronts and all(r.front.regime is not None for r in fronts)
    assert {r.front.regime.group for r in fronts} == {"ru-offensive"}
    assert alaska.region("sumy-border").front.regime.start == "culminated"


# --- the scenario fields -----------------------------------------------------------------


@pytest.mark.parametrize("field, value", [("p_culminate", 1.2), ("p_resume", -0.1),
                                          ("culminated_scale", 2.0),
                                          ("counter_gain_km2", -5.0), ("start", "stalled")])
def test_regime_fields_are_validated(tutorial, field, value):
    with pytest.raises(ScenarioError):
        regime(tutorial, **{field: value})


def test_regime_numbers_may_be_uncertain_and_levers_may_change_them(tutorial):
    s = regime(tutorial, p_culminate={"low": 0.0, "mode": 0.05, "high": 0.2})
    compiled = compile_scenario(s, draws=200, rng=1)
    drawn = compiled.get("regions.east-valley.front.regime.p_culminate")
    assert drawn.min() >= 0 and drawn.max() <= 0.2 and drawn.std() > 0
    assert lever_target(s, "regions.east-valley.front.regime.p_culminate") is not None
    assert lever_target(s, "regions.east-valley.front.regime") is None
    assert lever_target(s, "regions.east-valley.front.regime.group") is None
    assert "regions.east-valley.front.regime.counter_gain_km2" in lever_paths(s)
    lever = with_values(s, {"levers.arms-package.effects.1.path":
                            "regions.east-valley.front.regime.p_culminate",
                            "levers.arms-package.effects.1.op": "add",
                            "levers.arms-package.effects.1.value": 0.9,
                            "levers.arms-package.probability": 1.0})
    series = compile_scenario(lever, draws=200, rng=1).series(
        "regions.east-valley.front.regime.p_culminate")
    assert np.all(series[-1] > 0.9)
    paths = simulate_war(compile_scenario(lever, draws=200, rng=1), noise=True)
    assert paths.culminated[:, 0].mean() > 0.5  # clipped at 1, never wrapped
