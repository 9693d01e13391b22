"""The SALib layer: Sobol indices of the Ishigami function, Morris ranking, one shape."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.errors import InputError
from ceasefire.sensitivity.design import design, morris_indices, sobol_indices

# Ishigami & Homma (1990) with a = 7, b = 0.1: analytic indices from Sobol' & Levitan
# (1999), as tabulated by Saltelli et al. (2008) *Global Sensitivity Analysis: The Primer*.
FIRST = np.array([0.314, 0.442, 0.0])
TOTAL = np.array([0.558, 0.442, 0.244])


def ishigami(unit: np.ndarray) -> np.ndarray:
    x = -np.pi + 2 * np.pi * unit
    return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
            + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    found = sobol_indices(ishigami, ["x1", "x2", "x3"], 4096, rng=11)
    np.testing.assert_allclose(found.first[0], FIRST, atol=0.04)
    np.testing.assert_allclose(found.total[0], TOTAL, atol=0.04)
    # and the analytic values lie within (a little beyond) the bootstrap intervals
    assert np.all(np.abs(found.first[0] - FIRST) <= 1.5 * found.first_ci[0] + 0.01)
    assert np.all(np.abs(found.total[0] - TOTAL) <= 1.5 * found.total_ci[0] + 0.01)


def test_same_seed_same_indices_and_both_methods_share_one_shape():
    a = sobol_indices(ishigami, ["x1", "x2", "x3"], 64, rng=3)
    b = sobol_indices(ishigami, ["x1", "x2", "x3"], 64, rng=3)
    np.testing.assert_array_equal(a.total, b.total)
    np.testing.assert_array_equal(a.total_ci, b.total_ci)
    m = morris_indices(lambda u: u @ np.array([3.0, 1.0, 0.0]), ["a", "b", "c"], 20, rng=3)
    assert a.first.shape == m.mu_star.shape == (1, 3)
    assert np.isnan(m.first).all() and np.isnan(a.mu_star).all()


def test_morris_ranks_the_factors_of_a_linear_function():
    m = morris_indices(lambda u: u @ np.array([3.0, 1.0, 0.0]), ["a", "b", "c"], 20, rng=5)
    assert list(np.argsort(-m.importance[0])) == [0, 1, 2]
    # a step moves the quantile by half its range: the effect is half the slope
    np.testing.assert_allclose(m.mu_star[0], [1.5, 0.5, 0.0], atol=1e-9)


@pytest.mark.parametrize(("method", "rows", "message"), [
    ("sobol", 100, "power of two"), ("sobol", 2, "power of two"),
    ("morris", 1, "at least 2"), ("fast", 8, "allowed: sobol, morris")])
def test_bad_designs_are_refused_with_what_is_allowed(method, rows, message):
    with pytest.raises(InputError, match=message):
        design(method, ["a"], rows, rng=1)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_compact_layers_rebuild_the_design(method):
    from ceasefire.sensitivity.evaluate import Layers

    d = design(method, ["a", "b", "c", "d"], 8, rng=7)
    layers = Layers.of(method, d.layers, [0] * d.layers.shape[0])
    for index in range(d.layers.shape[0]):
        np.testing.assert_array_equal(layers.layer(index, slice(2, 7)), d.layers[index, 2:7])
