"""The bargaining solutions over the space: an optimiser, invariances, no agreement."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from ceasefire.deals import SpaceValues, likely_settlement, solve


def values_from(surplus: np.ndarray, all_count=None, draws: int = 100) -> SpaceValues:
    p = len(surplus)
    return SpaceValues(codes=np.arange(p), accept_count=np.zeros((p, 2), dtype=np.int64),
                       all_count=np.zeros(p, np.int64) if all_count is None else all_count,
                       mean_surplus=surplus, required=np.ones((p, 2), dtype=bool),
                       robust=None, draws=draws, quantile=None)


def frontier_points(n: int = 2001, curvature: float = 2.0) -> np.ndarray:
    """A concave frontier s2 = 1 - s1^c on a fine grid, minus a fixed disagreement point."""
    s1 = np.linspace(0, 1, n)
    return np.stack([s1, 1 - s1**curvature], axis=1)


def test_nash_matches_a_direct_optimiser():
    points = frontier_points()
    chosen = solve(values_from(points), ("A", "B"), [0, 1], np.ones(2))["nash"]
    best = minimize_scalar(lambda x: -(x * (1 - x**2)), bounds=(0, 1), method="bounded")
    assert points[chosen.row, 0] == pytest.approx(best.x, abs=1e-3)


@pytest.mark.parametrize("scale,shift", [(3.0, 0.0), (0.01, 0.0), (5.0, 2.0)])
def test_nash_and_kalai_smorodinsky_ignore_rescaling(scale, shift):
    rng = np.random.default_rng(4)
    points = rng.uniform(0.01, 1, size=(400, 2))
    base = solve(values_from(points), ("A", "B"), [0, 1], np.ones(2))
    # utilities u -> a u + b move W by the same map, so surpluses only scale by a
    scaled = points.copy()
    scaled[:, 1] *= scale
    moved = solve(values_from(scaled), ("A", "B"), [0, 1], np.array([1.0, scale + shift]))
    assert moved["nash"].row == base["nash"].row
    assert moved["kalai-smorodinsky"].row == base["kalai-smorodinsky"].row


def test_egalitarian_depends_on_the_units_of_the_normalisation():
    points = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    even = solve(values_from(points), ("A", "B"), [0, 1], np.ones(2))["egalitarian"]
    skewed = solve(values_from(points), ("A", "B"), [0, 1], np.array([1.0, 0.2]))
    assert even.row == 1
    assert skewed["egalitarian"].row == 2  # B's surplus counts five times as much


def test_no_agreement_names_the_blocking_party():
    points = np.array([[1.0, -1.0], [2.0, -0.5]])
    result = solve(values_from(points), ("A", "B"), [0, 1], np.ones(2))
    assert result["nash"].row is None
    assert result["nash"].blocking == ("B",)


def test_likely_settlement_breaks_ties_by_nash_product():
    points = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 0.1]])
    values = values_from(points, all_count=np.array([60, 60, 50]))
    assert likely_settlement(values, [0, 1]).row == 1
