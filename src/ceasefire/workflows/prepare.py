"""The one preparation stage every workflow shares: load, compile, expected war paths.

Only the workflows accept a scenario by name or path; the engines below take a
:class:`~ceasefire.scenario.Scenario` (or its compiled draws) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ceasefire.dynamics import WarPaths, simulate_war
from ceasefire.errors import InputError
from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.compile import CompiledScenario, compile_scenario, resolve_seed

__all__ = ["Prepared", "prepare", "scenario_of"]

ScenarioSource = Scenario | str | Path


def scenario_of(source: ScenarioSource, *, horizon: int | None = None) -> Scenario:
    """The scenario named by ``source`` (a Scenario, a built-in name or a YAML path).

    ``horizon`` overrides its reporting horizon (months counted from each start month).
    """
    scenario = load_scenario(str(source) if isinstance(source, Path) else source)
    if horizon is not None:
        if not 1 <= horizon <= 240:
            raise InputError(f"horizon: got {horizon}; allowed: 1 to 240 months")
        scenario = scenario.model_copy(update={"horizon_months": horizon})
    return scenario


@dataclass(frozen=True)
class Prepared:
    """A scenario's draws and its noise-free war paths, computed once."""

    scenario: Scenario
    compiled: CompiledScenario
    expected: WarPaths

    @property
    def seed(self) -> int:
        """The root seed every draw derives from."""
        return self.compiled.seed

    def subset(self, draws: int) -> Prepared:
        """The first ``draws`` draws (the same numbers as a run with fewer draws)."""
        if draws >= self.compiled.draws:
            return self
        compiled = self.compiled.subset(draws)
        return Prepared(self.scenario, compiled, simulate_war(compiled, noise=False))


def prepare(source: ScenarioSource, *, draws: int,
            rng: int | np.random.Generator | None = None,
            horizon: int | None = None) -> Prepared:
    """Load and compile a scenario and simulate its expected war paths."""
    scenario = scenario_of(source, horizon=horizon)
    compiled = compile_scenario(scenario, draws=draws, rng=resolve_seed(rng))
    return Prepared(scenario, compiled, simulate_war(compiled, noise=False))
