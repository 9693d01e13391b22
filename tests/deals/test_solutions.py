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


def utilities_and_disagreement(seed: int = 4, packages: int = 400):
    """Utilities V[package, party] and disagreement points W[party], surpluses off zero."""
    rng = np.random.default_rng(seed)
    disagreement = np.array([0.3, -0.2])
    utility = rng.uniform(-1.0, 2.0, size=(packages, 2))
    utility = utility[np.all(np.abs(utility - disagreement) > 0.01, axis=1)]
    return utility, disagreement


@pytest.mark.parametrize("scale,shift", [
    ((1.0, 1.0), (7.5, 0.0)), ((1.0, 1.0), (0.0, -40.0)), ((1.0, 1.0), (1e3, -2.5)),
    ((3.0, 1.0), (0.0, 0.0)), ((1.0, 0.01), (0.0, 0.0)), ((5.0, 0.2), (2.0, -1e3)),
])
def test_nash_and_kalai_smorodinsky_ignore_affine_maps_of_utilities(scale, shift):
    """u_i -> a_i u_i + b_i moves V_i and W_i alike: the same package must be chosen."""
    utility, disagreement = utilities_and_disagreement()
    a, b = np.array(scale), np.array(shift)
    base = solve(values_from(utility - disagreement), ("A", "B"), [0, 1], np.ones(2))
    moved_surplus = (a * utility + b) - (a * disagreement + b)
    moved = solve(values_from(moved_surplus), ("A", "B"), [0, 1], np.ones(2))
    for name in ("nash", "kalai-smorodinsky"):
        assert base[name].row is not None
        assert moved[name].row == base[name].row, name


def test_shifting_utilities_without_the_disagreement_point_changes_the_answer():
    """The invariance above is not vacuous: the set-up is sensitive to a one-sided shift."""
    utility, disagreement = utilities_and_disagreement()
    base = solve(values_from(utility - disagreement), ("A", "B"), [0, 1], np.ones(2))
    shifted = solve(values_from(utility + np.array([0.5, 0.0]) - disagreement), ("A", "B"),
                    [0, 1], np.ones(2))
    assert shifted["nash"].row != base["nash"].row
    assert shifted["kalai-smorodinsky"].row != base["kalai-smorodinsky"].row


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
