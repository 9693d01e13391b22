"""Replaying some paths, and the months a deal holds (MODELS.md 2.2): the war stops."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.dynamics import simulate_war
from ceasefire.dynamics.war import Truce, draw_noise
from ceasefire.scenario.compile import BLOCK, compile_scenario

FIELDS = ("control", "gains_km2", "casualties", "reserves", "tanks", "opinion", "culminated")


def _same(a, b) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True) for f in FIELDS)


@pytest.fixture(scope="module")
def compiled(alaska):
    return compile_scenario(alaska, draws=BLOCK + 200, rng=4, months=24)


@pytest.fixture(scope="module")
def whole(compiled):
    return simulate_war(compiled)


def test_a_subset_of_draws_replays_its_paths_bit_for_bit(compiled, whole):
    rows = np.array([BLOCK + 150, 3, 3, 77, BLOCK])  # two blocks, out of order, repeated
    part = simulate_war(compiled.take(rows))
    assert _same(whole.take(rows), part)
    assert np.array_equal(whole.beliefs.mean_log_m[..., rows], part.beliefs.mean_log_m)
    again = simulate_war(compiled.take(rows).take(np.array([4, 0])))
    assert _same(whole.take(rows[[4, 0]]), again)
    assert _same(whole.take(rows[:2]), simulate_war(compiled.take(rows).subset(2)))


def test_noise_drawn_once_plays_the_same_paths(compiled, whole):
    noise = draw_noise(compiled)
    assert _same(whole, simulate_war(compiled, noise=noise))
    rows = np.array([10, BLOCK + 5])
    assert _same(whole.take(rows), simulate_war(compiled.take(rows), noise=noise.take(rows)))
    with pytest.raises(ValueError, match="these paths need 24 of 2"):
        simulate_war(compiled.take(rows), noise=noise)


def _truce(compiled, whole, start: int, end: int, draws: np.ndarray) -> Truce:
    n = compiled.draws
    control = whole.control[0].copy()
    control[..., draws] = whole.control[start - 1][..., draws]  # frozen where it stood
    return Truce(np.where(np.isin(np.arange(n), draws), start, 1 << 20),
                 np.where(np.isin(np.arange(n), draws), end, 1 << 20), control)


def test_a_truce_stops_the_war_and_a_collapse_resumes_it_from_the_deal(compiled, whole):
    draws = np.arange(0, compiled.draws, 7)
    others = np.setdiff1d(np.arange(compiled.draws), draws)
    start, end = 5, 12
    # a deal that hands the attacker one more share of the first front region
    truce = _truce(compiled, whole, start, end, draws)
    front = next(k for k, r in enumerate(compiled.scenario.regions) if r.front is not None)
    gain = np.minimum(0.05, truce.control[front, 1, draws])
    truce.control[front, 0, draws] += gain
    truce.control[front, 1, draws] -= gain
    paths = simulate_war(compiled, truces=[truce])

    # the other draws are untouched, the months before the truce too
    assert _same(whole.take(others), paths.take(others))
    assert np.array_equal(whole.control[:start], paths.control[:start])
    # the deal's control from its first month to the collapse; no fighting meanwhile
    held = paths.control[start:end + 1, ..., draws]
    assert np.array_equal(held, np.broadcast_to(held[:1], held.shape))
    assert np.allclose(held[0], truce.control[..., draws], rtol=0, atol=1e-12)
    assert np.all(paths.casualties[start:end, :, draws] == 0)
    assert np.all(paths.gains_km2[start:end, :, draws] == 0)
    for name in ("opinion", "culminated"):
        still = getattr(paths, name)[..., draws][start:end]
        assert np.array_equal(still, np.broadcast_to(still[:1], still.shape), equal_nan=True)
    assert np.all(np.diff(paths.tanks[start:end + 1][..., draws], axis=0) >= 0)  # none lost
    # a truce sends no signal: the beliefs stand still
    assert np.all(np.isnan(paths.beliefs.signal[start:end, draws]))
    means = paths.beliefs.mean_log_m[start:end + 1, :, draws]
    assert np.array_equal(means, np.broadcast_to(means[:1], means.shape))
    # the economy runs on, and the war resumes from the deal's line
    reserves = paths.reserves[..., draws]
    assert not np.array_equal(reserves[end], reserves[start])
    assert np.all(paths.casualties[end][:, draws] > 0)
    after = paths.control[end + 1:, front][..., draws]
    assert not np.allclose(after, held[0][front])


def test_a_truce_that_holds_freezes_the_war_to_the_end(compiled, whole):
    draws = np.array([1, 2, BLOCK + 1])
    truce = _truce(compiled, whole, 3, 1 << 20, draws)
    paths = simulate_war(compiled, truces=[truce])
    held = paths.control[3:, ..., draws]
    assert np.array_equal(held, np.broadcast_to(held[:1], held.shape))
    assert np.all(paths.casualties[3:, :, draws] == 0)
