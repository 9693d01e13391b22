"""KTAB's arithmetic: sequential sums, votes, coalitions, PCE."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.forecast._pce import coalitions, pce, scalar_pce, scalar_pce_many, sequential_sum
from ceasefire.forecast._smp_kernels import risk_from_probability, risk_utility, round4


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40), st.integers(1, 5), st.integers(0, 2**31))
def test_sequential_sum_is_left_to_right(rows, cols, seed):
    rng = np.random.default_rng(seed)
    terms = rng.normal(size=(rows, cols, 3)) * 10.0 ** rng.uniform(-9, 3, size=(rows, cols, 3))
    start = 1e-8
    expected = np.full((cols, 3), start)
    for row in terms:
        expected = expected + row
    np.testing.assert_array_equal(sequential_sum(start, terms), expected)


def test_conditional_pce_of_two_options():
    u = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    w = np.array([1.0, 1.0, 2.0])
    c = coalitions(u, w, "Prop")
    assert c[0, 1] == pytest.approx(3.0 + 1e-8)
    p = scalar_pce(u, w, "Prop", "Linear", "Conditional")
    assert p[0] == pytest.approx(0.75, abs=1e-8)
    many = scalar_pce_many(np.stack([u, u[:, ::-1]], axis=1), w, "Prop", "Linear", "Conditional")
    np.testing.assert_allclose(many[0], p)
    np.testing.assert_allclose(many[1], p[::-1])


@pytest.mark.parametrize("model", ["Conditional", "MarkovUniform", "MarkovIncentive"])
def test_pce_models_give_probabilities(model):
    rng = np.random.default_rng(0)
    u = rng.uniform(size=(5, 4))
    w = rng.uniform(1, 2, 5)
    c = coalitions(u, w, "Prop")
    prob = c / (c + c.T)
    p = pce(prob, model, c)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(p >= 0)


def test_utility_and_risk_formulas():
    assert risk_utility(np.array(0.0), 0.7) == 1.0
    assert risk_utility(np.array(1.0), -0.5) == 0.0
    assert risk_utility(np.array(0.5), 1.0) == pytest.approx(0.75)  # 1 - d^2
    r = risk_from_probability(np.array([0.1, 0.3, 0.6]), "Mid")
    assert r.min() == pytest.approx(-0.5) and r.max() == pytest.approx(1.0)
    assert np.all(risk_from_probability(np.array([0.5, 0.5]), "Mid") == 0.0)
    assert round4(np.array(0.123449999)) == 0.1234
    assert round4(np.array(0.12345)) == 0.1235
