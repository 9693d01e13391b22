"""Beliefs about the attacker's pace and how the parties learn (MODELS.md 2.4)."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.dynamics import simulate_war
from ceasefire.dynamics.beliefs import (
    belief_attacker,
    gap_half_life,
    national_signal,
    posterior,
)
from ceasefire.scenario import load_scenario
from ceasefire.scenario.compile import BLOCK, LOG_M, compile_scenario
from ceasefire.scenario.model import Beliefs, Prior

ARRAYS = ("control", "gains_km2", "casualties", "economic_cost", "revenue", "reserves",
          "power", "tanks", "opinion", "culminated")


def _with_beliefs(scenario, beliefs):
    return scenario.model_copy(update={"beliefs": beliefs})


def _with_noise_sd(scenario, sd):
    regions = [r.model_copy(update={"front": r.front.model_copy(update={"noise_sd": sd})})
               if r.front is not None else r for r in scenario.regions]
    return scenario.model_copy(update={"regions": regions})


def _same_paths(a, b):
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


@pytest.mark.parametrize("name", ["tutorial", "alaska-2025"])
@pytest.mark.parametrize("noise", [True, False])
def test_no_spread_gives_the_paths_of_the_model_without_m(name, noise):
    """s_A = 0 (with or without priors) changes no path and no other draw, bit for bit."""
    scenario = load_scenario(name)
    without = _with_beliefs(scenario, None)
    zero = _with_beliefs(scenario, Beliefs(analyst_sd_log_m=0.0))
    a = simulate_war(compile_scenario(without, draws=300, rng=4), noise=noise)
    b = simulate_war(compile_scenario(zero, draws=300, rng=4), noise=noise)
    c = simulate_war(compile_scenario(scenario, draws=300, rng=4), noise=noise,
                     log_m=np.zeros(300))
    _same_paths(a, b)
    _same_paths(a, c)
    assert a.beliefs is None and np.all(b.beliefs.true_log_m == 0)


def test_m_has_its_own_stream(tutorial):
    """Adding m leaves every other sampled number as it was (common random numbers)."""
    without = compile_scenario(_with_beliefs(tutorial, None), draws=500, rng=3)
    with_m = compile_scenario(tutorial, draws=500, rng=3)
    for key, value in without.params.items():
        assert np.array_equal(value, with_m.params[key]), key
    log_m = with_m.get(LOG_M)
    s = tutorial.beliefs.analyst_sd_log_m
    assert log_m.std() == pytest.approx(s, rel=0.1)
    assert np.exp(log_m).mean() == pytest.approx(1.0, abs=0.03)


def test_m_scales_the_attackers_expected_advance(tutorial):
    """On the noise-free path with the regimes' probabilities, m = 2 doubles the first month."""
    compiled = compile_scenario(tutorial, draws=50, rng=1)
    one = simulate_war(compiled, noise=False, log_m=np.zeros(50))
    two = simulate_war(compiled, noise=False, log_m=np.full(50, np.log(2.0)))
    attacker = one.belligerents.index(belief_attacker(tutorial))
    assert np.allclose(two.gains_km2[0, attacker], 2 * one.gains_km2[0, attacker])


def test_posterior_follows_the_conjugate_formula():
    rng = np.random.default_rng(0)
    months, draws = 12, 7
    y = rng.normal(0.3, 0.2, (months, draws))
    y[3, :2] = np.nan  # months without a signal
    sigma = np.where(np.isnan(y), np.inf, 0.2)
    mu0, tau0 = np.array([[0.5] * draws, [-0.3] * draws]), np.array([[0.1] * draws,
                                                                      [0.4] * draws])
    mean, sd = posterior(mu0, tau0, y, sigma)
    assert mean.shape == sd.shape == (months + 1, 2, draws)
    seen = np.isfinite(y)
    for t in range(months + 1):
        n = seen[:t].sum(0)
        total = np.where(seen[:t], y[:t], 0).sum(0)
        precision = 1 / tau0**2 + n / 0.2**2
        assert np.allclose(mean[t], (mu0 / tau0**2 + total / 0.2**2) / precision, rtol=1e-12)
        assert np.allclose(sd[t], precision**-0.5, rtol=1e-12)
    assert np.array_equal(mean[0], mu0) and np.array_equal(sd[0], tau0)


def test_no_signal_keeps_the_prior_exactly():
    mean, sd = posterior(np.array([0.7, -0.4]), np.array([0.1, 0.0]),
                         np.full((5, 2), np.nan), np.full((5, 2), np.inf))
    assert np.all(mean == np.array([0.7, -0.4])) and np.all(sd == np.array([0.1, 0.0]))


def test_national_signal_is_unbiased_for_log_m():
    """y | m ~ N(log m, sigma^2) for a mean-one log-normal shock on weighted fronts."""
    rng = np.random.default_rng(1)
    pred = np.array([[100.0], [50.0], [20.0]])
    s = np.array([[0.3], [0.4], [0.5]])
    eps = rng.normal(-s**2 / 2, s, (3, 200_000))
    m = 1.4
    y, sigma = national_signal((m * pred * np.exp(eps)).sum(0), np.full(200_000, 170.0),
                               (pred**2 * np.expm1(s**2)).sum(0))
    assert y.mean() == pytest.approx(np.log(m), abs=0.01)
    assert y.std() == pytest.approx(sigma[0], rel=0.05)
    none = national_signal(np.zeros(1), np.zeros(1), np.zeros(1))
    assert np.isnan(none[0][0]) and np.isinf(none[1][0])


def test_expected_path_gives_no_signal(alaska):
    paths = simulate_war(compile_scenario(alaska, draws=40, rng=0), noise=False)
    b = paths.beliefs
    assert np.all(np.isnan(b.signal))
    assert np.all(b.mean_log_m == b.mean_log_m[0]) and np.all(b.sd_log_m == b.sd_log_m[0])


def test_a_noise_free_signal_reveals_m(tutorial):
    scenario = _with_noise_sd(tutorial, 1e-7)
    paths = simulate_war(compile_scenario(scenario, draws=200, rng=2))
    b = paths.beliefs
    informed = np.isfinite(b.signal[0])
    assert informed.mean() > 0.9
    assert np.allclose(b.mean_log_m[1][:, informed], b.true_log_m[informed], atol=1e-6)
    assert np.all(b.sd_log_m[1][:, informed] < 1e-5)


def test_beliefs_converge_on_the_true_m(alaska):
    b = simulate_war(compile_scenario(alaska, draws=2000, rng=5)).beliefs
    mse = ((b.mean_log_m - b.true_log_m) ** 2).mean(axis=-1)  # [months + 1, belligerents]
    assert np.all(mse[1:13] < mse[:12])  # falls month by month over the first year
    assert np.all(mse[24] < 0.05 * mse[0])
    # Bayes is consistent with the simulation: standardised signal errors ~ N(0, 1)
    z = (b.signal - b.true_log_m) / b.signal_sd
    z = z[np.isfinite(z)]
    assert abs(z.mean()) < 0.1 and z.std() == pytest.approx(1.0, abs=0.1)


def _tightened(scenario, factor):
    priors = [p.model_copy(update={"sd_log_m": p.sd_log_m * factor})
              for p in scenario.beliefs.priors]
    return _with_beliefs(scenario, scenario.beliefs.model_copy(update={"priors": priors}))


def test_a_confident_prior_learns_more_slowly(alaska):
    """Same draws and signals; priors a third as wide: the gap halves later."""
    loose = simulate_war(compile_scenario(alaska, draws=1000, rng=6)).beliefs
    tight = simulate_war(compile_scenario(_tightened(alaska, 1 / 3), draws=1000,
                                          rng=6)).beliefs
    assert np.array_equal(loose.signal, tight.signal, equal_nan=True)
    half_loose, half_tight = loose.half_life(), tight.half_life()
    assert np.mean(np.isfinite(half_loose)) > 0.9  # alaska: halves within the horizon
    assert np.median(half_tight) > np.median(half_loose)
    assert np.all(half_tight >= half_loose)


def test_half_life_of_a_gap():
    gap = np.array([[4.0, 2.0, 0.0, 1.0], [3.0, 1.5, 0.0, 1.0], [2.0, 0.9, 0.0, 0.9]])
    assert gap_half_life(gap).tolist() == [2.0, 2.0, 0.0, np.inf]


def test_beliefs_do_not_depend_on_chunking(tutorial):
    compiled = compile_scenario(tutorial, draws=BLOCK + 100, rng=5)
    whole = simulate_war(compiled).beliefs
    parts = [simulate_war(compiled.blocks(k, k + 1)).beliefs for k in range(2)]
    for name in ("true_log_m", "signal", "signal_sd", "mean_log_m", "sd_log_m"):
        joined = np.concatenate([getattr(p, name) for p in parts], axis=-1)
        assert np.array_equal(getattr(whole, name), joined, equal_nan=True), name


def test_an_actor_without_a_prior_holds_the_analysts(tutorial):
    scenario = _with_beliefs(tutorial, Beliefs(
        analyst_sd_log_m=0.3, priors=[Prior(id="NO", mean_log_m=0.5, sd_log_m=0.1)]))
    b = simulate_war(compile_scenario(scenario, draws=10, rng=0)).beliefs
    south = b.belligerents.index("SO")
    assert np.allclose(b.mean_log_m[0, south], -0.3**2 / 2)
    assert np.allclose(b.sd_log_m[0, south], 0.3)
    assert np.allclose(b.expected_m[0, south], 1.0)


def test_bad_beliefs_are_clear_errors(tutorial):
    from ceasefire.scenario.checks import check_scenario

    bad = _with_beliefs(tutorial, Beliefs(attacker="SO", priors=[
        Prior(id="PA", mean_log_m=0.0, sd_log_m=0.1),
        Prior(id="NO", mean_log_m=0.0, sd_log_m=0.1),
        Prior(id="NO", mean_log_m=0.1, sd_log_m=0.1)]))
    messages = [message for _, message, _ in check_scenario(bad)]
    assert any("attacks on no front" in m for m in messages)
    assert any("not a belligerent" in m for m in messages)
    assert any("used more than once" in m for m in messages)
    with pytest.raises(ValueError, match="expected a value in"):
        Beliefs(analyst_sd_log_m=5.0)
