"""The reduction: block summaries merge into exactly what one pass over all draws gives."""

from __future__ import annotations

from functools import reduce
from types import SimpleNamespace

import numpy as np
import pytest
from helpers_sweep import REGIONS, SIDES, fake_equilibrium
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.sweep import Moments, merge, summarise_block
from ceasefire.sweep.reduce import histogram_quantiles


def _split(eq: SimpleNamespace, cuts: list[int]) -> list[SimpleNamespace]:
    parts = []
    for lo, hi in zip([0, *cuts], [*cuts, eq.draws], strict=True):
        force, narrow = eq.in_force()[:, lo:hi], eq.narrow.at_least_one_by()[:, lo:hi]
        parts.append(SimpleNamespace(
            months=eq.months, draws=hi - lo, signed=eq.signed[lo:hi],
            package=eq.package[lo:hi], candidates=eq.candidates,
            narrow=SimpleNamespace(agreements=("talks",),
                                   at_least_one_by=lambda n=narrow: n),
            accept=eq.accept[..., lo:hi], in_force=lambda f=force: f))
    return parts


def test_merged_blocks_count_exactly_what_one_pass_counts():
    rng = np.random.default_rng(5)
    eq = fake_equilibrium(rng, 1000)
    control = rng.beta(2, 3, (REGIONS, SIDES, 1000))
    control[0] = 1.0  # a region always held whole
    whole = summarise_block(eq, control)
    cuts = [170, 400, 401, 900]
    parts = [summarise_block(part, control[..., lo:hi])
             for part, lo, hi in zip(_split(eq, cuts), [0, *cuts], [*cuts, 1000], strict=True)]
    merged = reduce(merge, parts)
    assert merged.draws == whole.draws == 1000
    for name in ("signed", "in_force", "narrow", "accept", "all_accept", "histogram"):
        assert np.array_equal(getattr(merged, name), getattr(whole, name)), name
    assert np.array_equal(merged.low, whole.low) and np.array_equal(merged.high, whole.high)
    np.testing.assert_allclose(merged.control.mean, control.mean(-1), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(merged.control.sd(), control.std(-1, ddof=1), rtol=1e-11,
                               atol=1e-15)
    # the signing counts are those of the per-draw arrays
    assert merged.signed.sum() == (eq.signed >= 0).sum()
    assert np.array_equal(merged.in_force, eq.in_force().sum(-1))


def test_the_merge_is_the_same_floating_point_numbers_every_time_in_block_order():
    rng = np.random.default_rng(9)
    blocks = [Moments.of(rng.standard_normal((3, n)) * 1e3 + 1e6) for n in (7, 100, 1, 33)]
    first = reduce(Moments.merge, blocks)
    again = reduce(Moments.merge, [Moments(b.count, b.mean.copy(), b.m2.copy())
                                   for b in blocks])
    assert np.array_equal(first.mean, again.mean) and np.array_equal(first.m2, again.m2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=200),
       st.integers(1, 60))
def test_histogram_percentiles_are_within_a_bin_of_the_sample_ones(values, bins):
    values = np.asarray(values)
    index = np.minimum((values * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    low = np.full(bins, np.inf)
    high = np.full(bins, -np.inf)
    np.minimum.at(low, index, values)
    np.maximum.at(high, index, values)
    got = histogram_quantiles(counts, (0.1, 0.5, 0.9), low=low, high=high)
    # between the order statistics around each percentile, give or take a bin
    below = np.percentile(values, [10, 50, 90], method="lower") - 1.0 / bins - 1e-12
    above = np.percentile(values, [10, 50, 90], method="higher") + 1.0 / bins + 1e-12
    assert np.all((below <= got) & (np.asarray(got) <= above)), (got, below, above)
    assert all(values.min() - 1e-12 <= g <= values.max() + 1e-12 for g in got)


def test_a_share_held_whole_has_exact_percentiles():
    counts = np.zeros(50, dtype=int)
    counts[-1] = 400
    low, high = np.full(50, np.inf), np.full(50, -np.inf)
    low[-1] = high[-1] = 1.0
    assert histogram_quantiles(counts, (0.1, 0.5, 0.9), low=low, high=high) == [1.0] * 3


@pytest.mark.parametrize("n", [1, 2])
def test_moments_of_one_or_two_draws(n):
    m = Moments.of(np.arange(n, dtype=float).reshape(1, n))
    assert m.count == n and np.all(np.isfinite(m.sd()))
