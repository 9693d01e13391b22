"""A stand-in forward pass for the tests of the reduction (the arrays a summary reads)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

MONTHS, CANDIDATES, NAMED, PLAYERS, REGIONS, SIDES = 8, 5, 2, 3, 4, 2


def fake_equilibrium(rng: np.random.Generator, draws: int) -> SimpleNamespace:
    """The per-draw arrays a summary reads, with the shapes of a forward pass."""
    signed = np.where(rng.random(draws) < 0.6, rng.integers(0, MONTHS, draws), -1)
    package = np.where(signed >= 0, rng.integers(0, CANDIDATES, draws), -1)
    force = rng.random((MONTHS, draws)) < 0.4
    narrow = np.cumsum(rng.random((MONTHS, draws)) < 0.1, axis=0) > 0
    outcome = SimpleNamespace(agreements=("talks",), at_least_one_by=lambda: narrow)
    return SimpleNamespace(
        months=MONTHS, draws=draws, signed=signed, package=package,
        candidates=tuple(range(CANDIDATES)), narrow=outcome,
        accept=rng.random((NAMED, 13, PLAYERS, draws)) < 0.5, in_force=lambda: force)
