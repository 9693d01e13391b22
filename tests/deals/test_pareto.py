from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ceasefire.deals.pareto import combine_fronts, pareto_front


def brute_force(points: np.ndarray) -> np.ndarray:
    """O(n^2) reference: a point is on the frontier when no other point dominates it."""
    geq = np.all(points[None, :, :] >= points[:, None, :], axis=2)
    gt = np.any(points[None, :, :] > points[:, None, :], axis=2)
    return ~np.any(geq & gt, axis=1)


def dominates(q: np.ndarray, p: np.ndarray) -> bool:
    return bool(np.all(q >= p) and np.any(q > p))


point_sets = st.integers(1, 5).flatmap(lambda k: arrays(
    np.float64, st.tuples(st.integers(1, 700), st.just(k)),
    elements=st.integers(-4, 4).map(float)))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(point_sets)
def test_frontier_is_exact(points):
    mask = pareto_front(points)
    assert np.array_equal(mask, brute_force(points))
    front = points[mask]
    for p in points[~mask][:50]:  # every other point is dominated by a frontier point
        assert any(dominates(q, p) for q in front)


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(300, 3000), st.just(3)),
              elements=st.floats(-1, 1, allow_nan=False)))
def test_frontier_of_continuous_points(points):
    assert np.array_equal(pareto_front(points), brute_force(points))


def test_large_anticorrelated_sample_matches_brute_force():
    rng = np.random.default_rng(0)
    points = rng.dirichlet(np.ones(4), size=3000) * rng.lognormal(0, 0.1, size=(3000, 4))
    assert np.array_equal(pareto_front(points), brute_force(points))


def test_combined_fronts_equal_front_of_all_sums():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(40, 3)), rng.normal(size=(30, 3))
    sums, pairs = combine_fronts(a[pareto_front(a)], b[pareto_front(b)])
    everything = (a[:, None] + b[None]).reshape(-1, 3)
    expected = everything[brute_force(everything)]
    assert {tuple(r) for r in np.round(sums, 12)} == {tuple(r) for r in np.round(expected, 12)}
    assert len(pairs) == len(sums)
