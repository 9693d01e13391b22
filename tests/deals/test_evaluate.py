"""The vectorised engine against the bargaining core's evaluate_packages, package by package."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_deals import all_options, context_of, synthetic_scenario

from ceasefire.bargaining import evaluate_packages
from ceasefire.deals import deal_space, evaluate_options, evaluate_space
from ceasefire.scenario import load_scenario


def _reference(context, veto, space, codes):
    index = space.to_columns(space.decode(codes))
    return evaluate_packages(context, index, veto)


@pytest.mark.parametrize("name", ["tutorial", "synthetic"])
@pytest.mark.parametrize("max_classes", [None, 1, 1000])
def test_float64_path_equals_evaluate_packages(name, max_classes):
    scenario = load_scenario("tutorial") if name == "tutorial" else synthetic_scenario()
    context, veto = context_of(scenario)
    space = deal_space(scenario)
    got = evaluate_space(context, veto, space, dtype=np.float64, max_classes=max_classes)
    ref = _reference(context, veto, space, got.codes)
    assert np.array_equal(got.accept_count, ref.accept.sum(axis=-1))
    assert np.array_equal(got.all_count, ref.all_accept.sum(axis=-1))
    assert np.array_equal(got.required, ref.required)
    np.testing.assert_allclose(got.mean_surplus, ref.surplus.mean(axis=-1), rtol=1e-12,
                               atol=1e-9)
    # the robust score: quantile of the least relative net surplus of required players
    net = (ref.surplus - ref.margin) / np.maximum(np.abs(context.war_value), 1e-12)[None]
    net = np.where(ref.required[:, :, None], net, np.inf).min(axis=1)
    kth = int(np.floor(0.1 * (net.shape[1] - 1)))
    np.testing.assert_allclose(got.robust, np.partition(net, kth, axis=1)[:, kth], rtol=1e-9,
                               atol=1e-9)


def test_float32_path_within_tolerance():
    scenario = synthetic_scenario()
    context, veto = context_of(scenario, draws=500)
    space = deal_space(scenario)
    got = evaluate_space(context, veto, space, dtype=np.float32)
    ref = _reference(context, veto, space, got.codes)
    # float32 may flip a decision that sits within rounding of its threshold
    assert np.abs(got.accept_count - ref.accept.sum(axis=-1)).max() <= 2
    assert np.abs(got.all_count - ref.all_accept.sum(axis=-1)).max() <= 2
    np.testing.assert_allclose(got.mean_surplus, ref.surplus.mean(axis=-1), rtol=1e-9,
                               atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chunk_size_and_threads_do_not_change_results(dtype):
    scenario = synthetic_scenario()
    context, veto = context_of(scenario, draws=257)
    space = deal_space(scenario)
    base = evaluate_space(context, veto, space, dtype=dtype)
    for chunk, workers in [(1, 1), (7, 2), (64, 1), (10_000, 2)]:
        other = evaluate_space(context, veto, space, dtype=dtype, chunk=chunk, workers=workers)
        for name in ("codes", "accept_count", "all_count", "mean_surplus", "required",
                     "robust"):
            assert np.array_equal(getattr(base, name), getattr(other, name)), name


def test_explicit_packages_keep_their_order():
    scenario = synthetic_scenario()
    context, veto = context_of(scenario)
    space = deal_space(scenario)
    options = all_options(space)[::-1]
    options = options[space.feasible(options)][:9]
    got = evaluate_options(context, veto, space, options, chunk=4)
    assert np.array_equal(got.codes, space.encode(options))
    whole = evaluate_space(context, veto, space, dtype=np.float64)
    rows = np.searchsorted(whole.codes, got.codes)
    assert np.array_equal(got.all_count, whole.all_count[rows])
