"""Beliefs on a finite set of points of log m (MODELS.md 2.4): the scenario form, the
analyst's draws, Bayes on the points, E_i[m] and the belief gap, and the solver's
importance weights on points."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ceasefire.bargaining.equilibrium import WEIGHT_CAP, _mixture, _Weights
from ceasefire.dynamics import simulate_war
from ceasefire.dynamics.beliefs import (
    belief_gap,
    belief_paths,
    evidence,
    expected_m_on_points,
    point_posterior,
    posterior,
    prior_beliefs,
)
from ceasefire.errors import ScenarioError
from ceasefire.scenario.compile import LOG_M, compile_scenario, point_beliefs
from ceasefire.scenario.loading import scenario_from_dict, scenario_to_dict

POINTS = [math.log(0.5), 0.0, math.log(1.5)]


def _beliefs(tutorial, beliefs):
    data = scenario_to_dict(tutorial)
    data["beliefs"] = {"sources": {"analyst_points": ["tutorial-beliefs"]}, **beliefs}
    return scenario_from_dict(data)


def _three_points(tutorial, analyst=(0.3, 0.4, 0.3), north=(0.1, 0.2, 0.7),
                  south=(0.6, 0.4, 0.0)):
    return _beliefs(tutorial, {
        "analyst_points": {"log_m": POINTS, "probability": list(analyst)},
        "priors": [{"id": "NO", "points": {"log_m": POINTS, "probability": list(north)}},
                   {"id": "SO", "points": {"log_m": POINTS[:2], "probability": list(south[:2])}}]})


# --- the scenario form --------------------------------------------------------------------


@pytest.mark.parametrize(("beliefs", "where", "says"), [
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [0.5, 0.6]}},
     "beliefs.analyst_points.probability", "must sum to 1, got 1.1"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [-0.5, 1.5]}},
     "beliefs.analyst_points.probability", "must lie in [0, 1], got -0.5"),
    ({"analyst_points": {"log_m": [-0.5, 3.5], "probability": [0.5, 0.5]}},
     "beliefs.analyst_points.log_m", "must lie in [-3, 3], got 3.5"),
    ({"analyst_points": {"log_m": [-0.5, 0.5, -0.5], "probability": [0.2, 0.4, 0.4]}},
     "beliefs.analyst_points.log_m", "must differ, got -0.5"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [1.0]}},
     "beliefs.analyst_points", "2 points of log m but 1 probabilities"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [0.5, 0.5]},
      "analyst_sd_log_m": 0.2}, "beliefs", "normal (analyst_sd_log_m) or on points"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [0.5, 0.5]},
      "priors": [{"id": "NO", "points": {"log_m": [0.4], "probability": [1.0]}}]},
     "beliefs.priors", "not the analyst's: 0.4"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [0.5, 0.5]},
      "priors": [{"id": "NO", "mean_log_m": 0.3, "sd_log_m": 0.1}]},
     "beliefs.priors", "prior of NO is normal but the analyst's distribution is on points"),
    ({"analyst_sd_log_m": 0.2,
      "priors": [{"id": "NO", "points": {"log_m": [0.4], "probability": [1.0]}}]},
     "beliefs.priors", "prior of NO is on points but the analyst's distribution is normal"),
    ({"analyst_points": {"log_m": [-0.5, 0.5], "probability": [0.5, 0.5]},
      "priors": [{"id": "NO", "mean_log_m": 0.3, "sd_log_m": 0.1,
                  "points": {"log_m": [0.5], "probability": [1.0]}}]},
     "beliefs.priors[NO]", "normal (mean_log_m, sd_log_m) or on points (points), got both"),
    ({"analyst_sd_log_m": 0.2, "priors": [{"id": "NO", "mean_log_m": 0.3}]},
     "beliefs.priors[NO]", "sd_log_m is missing"),
])
def test_bad_beliefs_on_points_say_where_and_what(tutorial, beliefs, where, says):
    with pytest.raises(ScenarioError) as error:
        _beliefs(tutorial, beliefs)
    text = str(error.value)
    assert f"{where}: " in text and says in text and "hint: " in text, text


def test_probabilities_within_rounding_are_rescaled(tutorial):
    s = _beliefs(tutorial, {"analyst_points": {"log_m": POINTS,
                                               "probability": [0.3333333, 0.3333333, 0.3333333]}})
    beliefs = point_beliefs(s)
    assert math.fsum(beliefs.analyst) == 1.0
    np.testing.assert_allclose(beliefs.analyst, 1 / 3, rtol=1e-12)
    # a belligerent without a prior holds the analyst's; a prior's points map to the analyst's
    s = _three_points(tutorial)
    beliefs = point_beliefs(s)
    assert beliefs.belligerents == ("NO", "SO")
    np.testing.assert_array_equal(beliefs.prior("SO"), [0.6, 0.4, 0.0])
    assert point_beliefs(tutorial) is None


def test_the_analyst_draws_m_from_the_points(tutorial):
    s = _three_points(tutorial, analyst=(0.3, 0.0, 0.7))
    log_m = compile_scenario(s, draws=20_000, rng=4).get(LOG_M)
    assert set(np.unique(log_m)) == {POINTS[0], POINTS[2]}  # probability 0: never drawn
    assert abs(np.mean(log_m == POINTS[2]) - 0.7) < 4 * math.sqrt(0.21 / 20_000)
    # the first draws do not depend on how many there are (canonical blocks)
    assert np.array_equal(compile_scenario(s, draws=100, rng=4).get(LOG_M), log_m[:100])


# --- Bayes on the points ----------------------------------------------------------------------


def test_posterior_on_points_is_bayes_rule(tutorial):
    rng = np.random.default_rng(0)
    months, draws = 6, 5
    signal = rng.normal(0.1, 0.3, (months, draws))
    signal_sd = rng.uniform(0.1, 0.5, (months, draws))
    signal[2, 1], signal_sd[2, 1] = np.nan, np.inf  # a month with no signal
    prior = np.array([[0.1, 0.2, 0.7], [0.6, 0.4, 0.0]])
    masses = point_posterior(POINTS, prior, signal, signal_sd)
    assert masses.shape == (months + 1, 2, 3, draws)
    for t in range(months + 1):
        for d in range(draws):
            like = np.ones(3)
            for s in range(t):
                if np.isfinite(signal[s, d]):
                    like *= np.exp(-0.5 * ((signal[s, d] - np.array(POINTS))
                                           / signal_sd[s, d]) ** 2)
            expected = prior * like
            expected /= expected.sum(axis=1, keepdims=True)
            np.testing.assert_allclose(masses[t, :, :, d], expected, rtol=1e-12, atol=1e-300)
    assert np.array_equal(masses[0], np.broadcast_to(prior[..., None], masses[0].shape))
    assert np.all(masses[:, 1, 2] == 0)  # a point ruled out stays out


def test_a_noise_free_signal_reveals_the_point(tutorial):
    truth = np.array([0, 2, 1, 2])
    signal = np.tile(np.array(POINTS)[truth], (4, 1))
    signal[0, 2] = np.nan  # no signal in the first month on one path
    signal_sd = np.where(np.isnan(signal), np.inf, 0.0)
    prior = np.array([[0.1, 0.2, 0.7], [0.6, 0.4, 0.0]])
    masses = point_posterior(POINTS, prior, signal, signal_sd)
    assert np.all(np.isfinite(masses))
    seen = np.array([1, 1, 2, 1])  # the month from which each path has seen a signal
    for d in range(4):
        for t in range(seen[d], 5):
            if prior[0, truth[d]] > 0:
                np.testing.assert_array_equal(masses[t, 0, :, d], np.eye(3)[truth[d]])
    # South rules out the fast point: on a fast path it settles on the nearest it allows
    np.testing.assert_array_equal(masses[4, 1, :, 1], [0.0, 1.0, 0.0])


def test_expected_m_and_the_gap_on_points(tutorial):
    s = _three_points(tutorial)
    compiled = compile_scenario(s, draws=40, rng=2)
    paths = simulate_war(compiled.with_months(13), noise=True)
    b = paths.beliefs
    rebuilt = belief_paths(compiled, b.belligerents, b.attacker, b.true_log_m, b.signal,
                           b.signal_sd)
    assert rebuilt.masses.shape == (14, 2, 3, 40)
    np.testing.assert_allclose(rebuilt.masses.sum(axis=2), 1.0, rtol=1e-12)
    m = np.exp(POINTS)
    e = rebuilt.expected_m
    np.testing.assert_allclose(e[0, 0], 0.1 * m[0] + 0.2 * m[1] + 0.7 * m[2], rtol=1e-14)
    np.testing.assert_allclose(e[0, 1], 0.6 * m[0] + 0.4 * m[1], rtol=1e-14)
    np.testing.assert_allclose(e, expected_m_on_points(POINTS, rebuilt.masses), rtol=0)
    np.testing.assert_allclose(rebuilt.gap(), np.abs(e[:, 0] - e[:, 1]), rtol=0)
    np.testing.assert_array_equal(belief_gap(rebuilt, "SO", "NO"), rebuilt.gap())
    # the posterior mean and sd of log m are the masses' (the observation statistic)
    x = np.array(POINTS)[:, None]
    mean = (rebuilt.masses * x).sum(axis=2)
    np.testing.assert_allclose(rebuilt.mean_log_m, mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        rebuilt.sd_log_m, np.sqrt((rebuilt.masses * (x - mean[:, :, None]) ** 2).sum(axis=2)),
        rtol=1e-12, atol=1e-15)
    # the priors' moments, as prior_beliefs gives them
    prior_mean, prior_sd = prior_beliefs(compiled)
    np.testing.assert_allclose(prior_mean, rebuilt.mean_log_m[0], rtol=1e-14)
    np.testing.assert_allclose(prior_sd, rebuilt.sd_log_m[0], rtol=1e-14)


def test_normal_beliefs_build_as_before(tutorial):
    compiled = compile_scenario(tutorial, draws=30, rng=2)
    b = simulate_war(compiled.with_months(13), noise=True).beliefs
    rebuilt = belief_paths(compiled, b.belligerents, b.attacker, b.true_log_m, b.signal,
                           b.signal_sd)
    mean, sd = posterior(*prior_beliefs(compiled), b.signal, b.signal_sd)
    assert rebuilt.masses is None and rebuilt.points is None
    assert np.array_equal(rebuilt.mean_log_m, mean) and np.array_equal(rebuilt.sd_log_m, sd)
    assert np.array_equal(rebuilt.expected_m, b.expected_m)


# --- the solver's weights on points ---------------------------------------------------------


def _weights_on_points(scenario, draws, copies=1, months=13):
    compiled = compile_scenario(scenario, draws=draws, rng=5)
    log_m, masses, points = _mixture(compiled, copies, np.random.default_rng(1))
    tiled = compiled.tiled(copies, np.random.SeedSequence(9)) if copies > 1 else compiled
    paths = simulate_war(tiled.with_months(months), noise=True, log_m=log_m)
    return log_m, masses, _Weights(log_m, masses, points, paths), paths


def test_the_mixture_puts_q_s_share_of_paths_on_each_point(tutorial):
    s = _three_points(tutorial)
    log_m, masses, _, _ = _weights_on_points(s, draws=101, copies=3)
    assert masses.shape == (3, 303, 3)  # analyst, North, South
    q = np.array([[0.3, 0.4, 0.3], [0.1, 0.2, 0.7], [0.6, 0.4, 0.0]]).mean(axis=0)
    for copy in range(3):
        block = log_m[copy * 101:(copy + 1) * 101]
        shares = np.array([np.sum(block == x) for x in POINTS])
        assert np.all(np.abs(shares - 101 * q) < 1), shares


def test_weighted_means_are_exactly_prior_weighted_before_any_signal(tutorial):
    """Weights pi_i(k) / share_k: any function of m averages to sum_k pi_i(k) g(x_k)."""
    s = _three_points(tutorial)
    log_m, _, weights, _ = _weights_on_points(s, draws=97)
    w = weights.at(0)
    g = np.sin(3 * log_m) + log_m**2
    priors = np.array([[0.3, 0.4, 0.3], [0.1, 0.2, 0.7], [0.6, 0.4, 0.0]])
    exact = priors @ (np.sin(3 * np.array(POINTS)) + np.array(POINTS) ** 2)
    np.testing.assert_allclose((w * g).sum(axis=1) / w.sum(axis=1), exact, rtol=1e-13)
    assert w.max() <= WEIGHT_CAP
    assert np.all(w[2][log_m == POINTS[2]] == 0)  # South rules the fast point out


def test_weights_are_the_ratio_of_the_posteriors_on_points(tutorial):
    s = _three_points(tutorial)
    log_m, masses, weights, paths = _weights_on_points(s, draws=50)
    precision, total, _ = evidence(paths.beliefs.signal, paths.beliefs.signal_sd)
    shares = np.array([np.mean(log_m == x) for x in POINTS])
    own = np.array([POINTS.index(x) for x in log_m])
    x = np.array(POINTS)
    for t in (0, 3, 12):
        like = np.exp(x[:, None] * total[t] - 0.5 * x[:, None] ** 2 * precision[t])  # [K, N]
        q_post = shares[:, None] * like
        q_post /= q_post.sum(axis=0)
        w = weights.at(t)
        for c in range(3):
            p_post = masses[c].T * like
            p_post /= p_post.sum(axis=0)
            rows = np.arange(50)
            expected = np.minimum(p_post[own, rows] / q_post[own, rows], WEIGHT_CAP)
            np.testing.assert_allclose(w[c], expected, rtol=1e-10)


def test_noise_free_signals_give_every_path_weight_one(tutorial):
    """After a signal without noise every belief that allows the path's point is sure of
    it, as is the mixture: the ratio is 1 (computed without 0 / 0)."""
    data = scenario_to_dict(_three_points(tutorial))
    for region in data["regions"]:
        if "front" in region:
            region["front"]["noise_sd"] = 0.0
    s = scenario_from_dict(data)
    log_m, masses, weights, _ = _weights_on_points(s, draws=40)
    w = weights.at(5)
    assert np.all(np.isfinite(w))
    allowed = np.stack([masses[c, np.arange(40), [POINTS.index(x) for x in log_m]] > 0
                        for c in range(3)])
    np.testing.assert_allclose(w[allowed], 1.0, rtol=1e-12)
    assert np.all(w[~allowed] == 0)
