"""``negotiate``: one set of talks month by month, and the batch of runs (issue 14).

The game is solved backwards once (:func:`~ceasefire.bargaining.equilibrium.fit_game`) and
played forward with the talks recorded: with every party on the equilibrium strategy, and,
when strategies are chosen, once more with them on the same draws and the same uniforms,
so that the two batches differ only by the behaviour chosen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from ceasefire.bargaining.analysis import MAX_DRAWS
from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
from ceasefire.bargaining.strategies import parse_strategies
from ceasefire.bargaining.transcript import (
    NEWS_KM2,
    NEWS_POINTS,
    batch,
    compare,
    transcript,
)
from ceasefire.errors import InputError, ModelError
from ceasefire.results import ScenarioMeta
from ceasefire.results.negotiation import NegotiationResult
from ceasefire.scenario import Scenario
from ceasefire.workflows.prepare import ScenarioSource, prepare, scenario_of

__all__ = ["negotiate", "players_of"]

Progress = Callable[[str, float], None]


def players_of(scenario: Scenario) -> tuple[str, ...]:
    """The players of the bargaining game: belligerents, veto patrons and the mediator.

    In the scenario's actor order, as the solver has them (a test keeps the two equal),
    so that a ``--strategy`` is checked before any work.
    """
    mediator = scenario.bargaining.mediator
    return tuple(a.id for a in scenario.actors
                 if a.role == "belligerent" or a.veto != "none" or a.id == mediator)


def negotiate(scenario: ScenarioSource, *, runs: int = 500, draw: int = 0,
              strategies: Sequence[str] = (), rng: int | np.random.Generator | None = None,
              horizon: int | None = None, options: SolverOptions | None = None,
              progress: Progress | None = None) -> NegotiationResult:
    """Play the talks on ``runs`` draws and tell run ``draw`` month by month.

    Parameters
    ----------
    scenario
        A Scenario, a built-in name or a YAML path.
    runs
        Monte Carlo draws (runs of the talks), at most 20,000.
    draw
        The run told as a transcript, 0-based, below ``runs``.
    strategies
        ``PLAYER=NAME`` texts (``"RU=boulware"``); players not named play the
        equilibrium (docs/negotiate.md lists the strategies).
    rng
        Root seed or Generator; the seed used is recorded in the result.
    horizon
        The reporting window in months (default: the scenario's ``horizon_months``).
    options
        The solver's options (default: :class:`SolverOptions`, as ``analyze``).
    progress
        Optional callback ``(stage, fraction done)``.

    Returns
    -------
    NegotiationResult
        The transcript and the batch; with strategies off the equilibrium also the
        equilibrium's batch on the same draws and the paired differences.

    Raises
    ------
    InputError
        Before any work: runs out of range, a draw not below ``runs``, a strategy text
        that names an unknown player or strategy.
    """
    tell = progress or (lambda stage, done: None)
    if not 1 <= runs <= MAX_DRAWS:
        raise InputError(f"--runs {runs}: allowed 1 to {MAX_DRAWS:,} (every run's war paths "
                         "are kept in memory); fix: pick a number in that range")
    if not 0 <= draw < runs:
        raise InputError(f"--draw {draw}: must be a run from 0 to {runs - 1} (--runs {runs}); "
                         "fix: pick a lower --draw or raise --runs")
    chosen_scenario = scenario_of(scenario, horizon=horizon)
    players = players_of(chosen_scenario)
    chosen = parse_strategies(list(strategies), players,
                              mediator=chosen_scenario.bargaining.mediator)
    if not chosen_scenario.proposals:
        raise InputError(f"scenario {chosen_scenario.id!r} names no proposals, so there is no "
                         "game to play; fix: add some under `proposals`")
    off = {j: s for j, s in chosen.items() if s.name != "equilibrium"}
    clock = {}
    start = time.perf_counter()
    tell("sampling", 0.0)
    prepared = prepare(chosen_scenario, draws=runs, rng=rng)
    fitted = fit_game(prepared.compiled, prepared.expected, options,
                      progress=lambda stage, done: tell(stage, 0.05 + 0.75 * done))
    clock["fit"] = time.perf_counter() - start
    t0 = time.perf_counter()
    tell("talks at the equilibrium", 0.8)
    base = play(prepared.compiled, prepared.expected, fitted, record=True)
    if base.players != players:
        raise ModelError(f"the solver's players {base.players} differ from {players}; "
                         "players_of must follow the solver's rule")
    variant = None
    if off:
        tell("talks with the chosen strategies", 0.9)
        variant = play(prepared.compiled, prepared.expected, fitted, strategies=off,
                       record=True)
    clock["play"] = time.perf_counter() - t0
    s = prepared.scenario
    told = variant if variant is not None else base
    result = NegotiationResult(
        scenario=ScenarioMeta.of(s), seed=prepared.seed, draws=runs, players=list(players),
        strategies=dict(zip(players, told.talks.strategies, strict=True)),
        news_threshold={"points": NEWS_POINTS, "km2": NEWS_KM2},
        transcript=transcript(told, prepared.compiled, prepared.expected, draw),
        batch=batch(told, s),
        equilibrium=batch(base, s) if variant is not None else None,
        comparison=compare(variant, base, s) if variant is not None else None,
        run={"wall_s": {**{k: round(v, 4) for k, v in clock.items()},
                        "total": round(time.perf_counter() - start, 4)}})
    tell("done", 1.0)
    return result
