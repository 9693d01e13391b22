"""One small recorded game on the tutorial, shared by the negotiate tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
from ceasefire.bargaining.strategies import parse_strategies
from ceasefire.workflows.prepare import prepare

DRAWS = 160
SEED = 11


@dataclass(frozen=True)
class Game:
    prepared: Any
    fitted: Any
    eq: Any
    boulware: Any


@pytest.fixture(scope="session")
def game() -> Game:
    """The tutorial at equilibrium and with a Boulware North, on the same draws."""
    prepared = prepare("tutorial", draws=DRAWS, rng=SEED)
    fitted = fit_game(prepared.compiled, prepared.expected, SolverOptions())
    eq = play(prepared.compiled, prepared.expected, fitted, record=True)
    chosen = parse_strategies(["NO=boulware"], eq.players,
                              mediator=prepared.scenario.bargaining.mediator)
    boulware = play(prepared.compiled, prepared.expected, fitted, strategies=chosen,
                    record=True)
    return Game(prepared, fitted, eq, boulware)
