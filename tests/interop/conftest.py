"""Shared domains of the interop tests: the tutorial at one draw, and a hand-made one."""

from __future__ import annotations

import pytest
from helpers_interop import DRAW, DRAWS, SEED, small_domain

from ceasefire.bargaining.equilibrium import SolverOptions, solve
from ceasefire.interop import Domain, domain_of
from ceasefire.workflows.prepare import prepare


@pytest.fixture(scope="session")
def tutorial_solved():
    """The tutorial's equilibrium on a few draws: (prepared, equilibrium)."""
    prepared = prepare("tutorial", draws=DRAWS, rng=SEED)
    return prepared, solve(prepared.compiled, prepared.expected, SolverOptions())


@pytest.fixture(scope="session")
def tutorial_domain(tutorial_solved):
    prepared, equilibrium = tutorial_solved
    return domain_of(prepared, equilibrium, draw=DRAW)


@pytest.fixture
def hand_made() -> Domain:
    return small_domain()
