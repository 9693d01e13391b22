"""The scoring rules: the CRPS of an ensemble, the Brier and log scores, and their pooling."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.results.backtest import (
    BacktestRow,
    aggregate,
    brier_score,
    crps_ensemble,
    log_score,
)
from ceasefire.results.records import Estimate, Summary


def _brute_force(draws, y) -> float:
    """E|X - y| - E|X - X'| / 2 over the empirical distribution, in O(n^2)."""
    x = np.asarray(draws, dtype=float)
    return float(np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :])))


def _integral(draws, y) -> float:
    """The definition: the integral of (F(z) - 1{z >= y})^2 over z, F the empirical CDF."""
    x = np.sort(np.asarray(draws, dtype=float))
    knots = np.sort(np.append(x, y))
    total = 0.0
    for a, b in itertools.pairwise(knots):
        f = np.searchsorted(x, a, side="right") / x.size
        total += (f - (a >= y)) ** 2 * (b - a)
    return total


finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=1, max_size=60), finite)
def test_crps_equals_the_brute_force_ensemble_formula(draws, y):
    assert crps_ensemble(draws, y) == pytest.approx(_brute_force(draws, y), rel=1e-9, abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=30), finite)
def test_crps_equals_the_integral_of_the_squared_cdf_difference(draws, y):
    assert crps_ensemble(draws, y) == pytest.approx(_integral(draws, y), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(("x", "y"), [(3.0, 5.0), (5.0, 3.0), (-2.5, -2.5), (0.0, 1e6)])
def test_a_point_forecast_scores_its_absolute_error(x, y):
    assert crps_ensemble([x] * 7, y) == pytest.approx(abs(x - y))
    assert crps_ensemble([x], y) == abs(x - y)


def test_two_members_have_the_closed_form():
    a, b, y = 1.0, 4.0, 2.0
    assert crps_ensemble([b, a], y) == pytest.approx((abs(a - y) + abs(b - y)) / 2
                                                     - abs(a - b) / 4)


def test_a_large_normal_ensemble_approaches_the_normal_closed_form():
    from scipy.stats import norm

    mu, sigma, y = 2.0, 3.0, 4.5
    draws = norm.ppf((np.arange(200_000) + 0.5) / 200_000, mu, sigma)
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / math.sqrt(math.pi))
    assert crps_ensemble(draws, y) == pytest.approx(exact, rel=1e-4)


def test_crps_ignores_the_order_of_the_draws_and_is_in_the_quantity_s_unit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    assert crps_ensemble(x, 0.3) == pytest.approx(crps_ensemble(x[::-1], 0.3))
    assert crps_ensemble(1000 * x, 300.0) == pytest.approx(1000 * crps_ensemble(x, 0.3))


def test_crps_refuses_no_draws_or_nan():
    with pytest.raises(ValueError, match="no draws"):
        crps_ensemble([], 1.0)
    with pytest.raises(ValueError, match="finite"):
        crps_ensemble([1.0, math.nan], 1.0)


def test_brier_and_log_scores():
    assert brier_score(0.7, 1) == pytest.approx(0.09)
    assert brier_score(0.7, 0) == pytest.approx(0.49)
    assert brier_score(0.5, 1) == 0.25
    assert log_score(0.5, 0) == pytest.approx(math.log(2))
    assert log_score(0.8, 1) == pytest.approx(-math.log(0.8))
    assert log_score(0.0, 1) == pytest.approx(-math.log(1e-6))  # finite, not infinite
    assert log_score(1.0, 0, floor=1e-3) == pytest.approx(-math.log(1e-3))
    with pytest.raises(ValueError, match="0 or 1"):
        brier_score(0.5, 2)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        log_score(1.5, 1)


def _row(metric: str, status: str, **fields) -> BacktestRow:
    base = {"date": dt.date(2030, 3, 31), "month": "2030-03", "metric": metric, "value": 1.0,
            "source": "test", "in_sample": status == "in-sample", "model_month": None,
            "forecast": None, "crps": None, "covered": None, "probability": None,
            "brier": None, "log_score": None, "status": status, "reason": None}
    return BacktestRow(**{**base, **fields})


def test_scores_pool_only_out_of_sample_rows_and_events_get_brier_and_log():
    band = Summary(mean=1, p10=0, p50=1, p90=2)
    rows = [
        _row("gains_km2.NO", "scored", forecast=band, crps=2.0, covered=True),
        _row("gains_km2.NO", "scored", forecast=band, crps=4.0, covered=False),
        _row("gains_km2.NO", "in-sample", forecast=band, covered=False),
        _row("event.agreement-signed", "scored", probability=Estimate(p=0.7, se=0.01),
             brier=brier_score(0.7, 1), log_score=log_score(0.7, 1)),
        _row("event.agreement-signed", "not-forecast", reason="not forecast"),
        _row("occupied_km2", "skipped", reason="undefined"),
    ]
    scores, overall, calibration = aggregate(rows)
    gains = scores["gains_km2.NO"]
    assert gains.rows == 2 and gains.crps == 3.0 and gains.coverage.p == 0.5
    assert gains.brier is None
    event = scores["event.agreement-signed"]
    assert event.rows == 1 and event.crps is None and event.coverage is None
    assert event.brier == pytest.approx(0.09) and event.log_score == pytest.approx(-math.log(0.7))
    assert overall.scored == 3 and overall.coverage.p == 0.5
    assert overall.not_forecast == 1 and overall.skipped == 1
    assert calibration.rows == 1 and calibration.inside.p == 0.0
