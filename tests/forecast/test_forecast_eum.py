"""The expected utility model: BDM (1994) emission standards and its formulas."""

from __future__ import annotations

import numpy as np
import pytest
from forecast_helpers import emission_table
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.errors import InputError
from ceasefire.forecast import EUM_PRESETS, EUMOptions, eum, eum_band, eum_preset
from ceasefire.forecast.eum import _support, risk_exponents, success_probability


def test_emission_standards_is_scholz_consistent(shared_file):
    """ALGORITHM.md 1.7: steady median within about 1 of 9.05-9.9, mean near 7.5.

    The ``scholz`` preset (Scholz's code: one denominator over all triples) is the reading
    that replicates; it is no longer the default (see test_forecast_knife_edge.py).
    """
    table = emission_table(shared_file)
    result = eum(table, eum_preset("scholz"))
    medians = result.diagnostics["medians"][:, 0]
    means = result.diagnostics["means"][:, 0]
    assert medians[0] == 7.0
    assert means[0] == pytest.approx(7.39, abs=0.01)
    assert medians[1] == pytest.approx(8.4, abs=0.1)  # Scholz's first round: 8.4
    # Scholz's 9.05-9.9 within about 1, and never outside the scale's real ends (4-10)
    low, high = table.scale_low[0], table.scale_high[0]
    assert (low, high) == (4.0, 10.0)
    assert max(9.05 - 1.0, low) <= result.forecast[0] <= min(9.9 + 1.0, high)
    assert np.all((result.positions >= low) & (result.positions <= high))
    assert np.all((medians >= low) & (medians <= high))
    assert np.all((means >= 7.2) & (means <= 7.8))  # Scholz: 7.3-7.6
    assert result.converged


def test_paper_reading_runs_to_the_extreme(shared_file):
    """The literal per-pair reading makes nearly every pair a conflict (jmckib's note)."""
    table = emission_table(shared_file)
    result = eum(table, eum_preset("paper"))
    assert result.forecast[0] == pytest.approx(10.0)
    assert result.forecast[0] <= table.scale_high[0]  # the extreme, not beyond it
    assert result.diagnostics["means"][-1, 0] > 9.0


def test_band_covers_every_preset(shared_file):
    table = emission_table(shared_file)
    band = eum_band(table)["issue"]
    assert set(band["presets"]) == set(EUM_PRESETS)
    assert band["low"] <= band["presets"]["scholz"] <= band["high"]
    assert table.scale_low[0] <= band["low"] and band["high"] <= table.scale_high[0]


def test_unknown_preset_and_bad_options():
    with pytest.raises(InputError, match="allowed"):
        eum_preset("nope")
    with pytest.raises(InputError, match="q"):
        EUMOptions(q=1.5)
    with pytest.raises(InputError, match="conflict"):
        EUMOptions(conflict="maybe")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.floats(0, 5)), min_size=1, max_size=12))
def test_support_matches_brute_force(rows):
    x = np.array([float(r[0]) for r in rows])
    w = np.array([r[1] for r in rows])
    gap = np.abs(x[:, None] - x[None, :])
    diff = gap[:, None, :] - gap[:, :, None]
    brute = np.einsum("k,kij->ij", w, np.maximum(diff, 0.0))
    np.testing.assert_allclose(_support(x, w), brute, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0.01, 5)), min_size=2, max_size=10))
def test_pairwise_probabilities_are_complementary(rows):
    x = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows])
    p = success_probability(x, w, "pair")
    differ = np.abs(x[:, None] - x[None, :]) > 1e-9
    np.testing.assert_allclose((p + p.T)[differ], 1.0, atol=1e-9)
    assert np.all((p >= 0) & (p <= 1 + 1e-12))


def test_risk_exponents_range():
    eu = np.array([[0.0, 0.3, -0.2], [0.1, 0.0, 0.4], [0.5, -0.1, 0.0]])
    r = risk_exponents(eu, "adversaries")
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)
    assert np.all(risk_exponents(np.zeros((3, 3)), "adversaries") == 1.0)


def test_eum_is_deterministic(shared_file):
    table = emission_table(shared_file)
    a, b = eum(table), eum(table)
    np.testing.assert_array_equal(a.positions, b.positions)
