"""Sensitivity on a scenario whose analyst's belief on log m is on points (MODELS.md 2.4).

The attacker's true strength is then a design quantile mapped through the analyst's
points by the compiler's own inversion, not a normal quantile scaled by the analyst's
spread (which is 0 on points, and would give every row m = 1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.compile import LOG_M, compile_scenario
from ceasefire.scenario.loading import scenario_to_dict
from ceasefire.sensitivity.evaluate import build_rows
from ceasefire.sensitivity.parameters import uncertain_parameters

SLOW, FAST = math.log(0.5), math.log(1.5)
POINTS = [SLOW, 0.0, FAST]
ANALYST = [0.25, 0.25, 0.5]


@pytest.fixture(scope="module")
def on_points() -> Scenario:
    data = scenario_to_dict(load_scenario("tutorial"))
    data["beliefs"] = {
        "analyst_points": {"log_m": POINTS, "probability": ANALYST},
        "priors": [{"id": "NO", "points": {"log_m": [0.0, FAST], "probability": [0.2, 0.8]}},
                   {"id": "SO", "points": {"log_m": POINTS, "probability": [0.6, 0.4, 0.0]}}],
        "sources": {"analyst_points": ["tutorial-beliefs"]}}
    return Scenario.model_validate(data)


def _strength(compiled):
    uncertain = uncertain_parameters(compiled)
    return uncertain, [p.path for p in uncertain].index(LOG_M)


def test_rows_take_the_analysts_points_in_their_proportions(on_points):
    compiled = compile_scenario(on_points, draws=8, rng=1)
    uncertain, column = _strength(compiled)
    rows = 400
    unit = np.full((rows, len(uncertain)), 0.5)
    unit[:, column] = (np.arange(rows) + 0.5) / rows  # evenly over (0, 1)
    built = build_rows(compiled.subset(1), uncertain, tuple(range(len(uncertain))), unit,
                       noise=np.random.SeedSequence(2))
    log_m = np.asarray(built.params[LOG_M])
    assert log_m.shape == (rows,)
    counts = [int(np.sum(log_m == x)) for x in POINTS]
    assert counts == [100, 100, 200]  # 1/4, 1/4, 1/2, and nothing off the points
    # the quantiles are ordered, so the points come in order: the inverse CDF
    assert np.all(np.diff(log_m) >= 0)


def test_the_mapping_is_the_compilers_rule(on_points):
    compiled = compile_scenario(on_points, draws=2000, rng=4)
    uncertain, column = _strength(compiled)
    drawn = np.asarray(compiled.params[LOG_M])
    shares = [np.mean(drawn == x) for x in POINTS]
    np.testing.assert_allclose(shares, ANALYST, atol=0.04)
    # at the cumulative probabilities' edges, the design gives the compiler's points
    p = uncertain[column]
    np.testing.assert_array_equal(p.quantile(np.array([0.0, 0.2499, 0.25, 0.4999, 0.5, 1.0])),
                                  [SLOW, SLOW, 0.0, 0.0, FAST, FAST])


def test_a_strength_left_out_takes_the_analysts_median_point(on_points):
    compiled = compile_scenario(on_points, draws=4, rng=1)
    uncertain, column = _strength(compiled)
    others = tuple(i for i in range(len(uncertain)) if i != column)
    unit = np.full((3, len(others)), 0.5)
    built = build_rows(compiled.subset(1), uncertain, others, unit,
                       noise=np.random.SeedSequence(3))
    np.testing.assert_array_equal(built.params[LOG_M], [FAST, FAST, FAST])


def test_the_strength_on_points_is_described_by_its_points_and_range(on_points):
    p = uncertain_parameters(compile_scenario(on_points, draws=4, rng=1))
    strength = next(x for x in p if x.path == LOG_M)
    assert strength.kind == "strength"
    assert strength.range() == pytest.approx((SLOW, FAST))
    assert strength.central() == FAST
    assert "points" in strength.describe() and f"{FAST:g}" in strength.describe()
    # a normal belief keeps its standard normal quantile
    normal = next(x for x in uncertain_parameters(
        compile_scenario(load_scenario("tutorial"), draws=4, rng=1))
                  if x.path == LOG_M)
    assert normal.range() == pytest.approx((-3.0902, 3.0902), abs=1e-4)
    assert "normal" in normal.describe()


def test_a_sensitivity_run_on_points_sees_the_strength_move_the_front(on_points):
    from ceasefire.sensitivity import SensitivityOptions, sensitivity

    options = SensitivityOptions(samples=8, replicates=1, fit_draws=100, fitting_paths=1,
                                 candidates=8, parameters=(LOG_M,), outputs=("control",))
    result = sensitivity(on_points, options, rng=1)
    info = result.parameters[LOG_M]
    assert (info.kind, info.low, info.high, info.central) == ("strength", SLOW, FAST, FAST)
    # with every row at m = 1 (the analyst's spread, 0 on points) the index would be 0
    assert result.outputs["control"].indices[LOG_M].total > 0
