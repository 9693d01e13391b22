"""The bargaining core on one compiled scenario: the engine behind ``analyze``.

War values for each start month, each named proposal's value and acceptance by party now
and for deals signed in each of the next twelve months, the bargaining solutions,
Rubinstein's split of the line question and the leverage decomposition. It returns the
per-draw arrays (:class:`Analysis`); :mod:`ceasefire.bargaining.summary` turns them into
the typed :class:`~ceasefire.results.AnalyzeResult`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pydantic import Field

from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play, solve
from ceasefire.bargaining.line import line_issue, line_net_surplus
from ceasefire.bargaining.outcome import Equilibrium
from ceasefire.bargaining.packages import (
    PackageValues,
    deal_context,
    deal_control,
    evaluate_packages,
    option_columns,
    package_index,
    veto_codes,
)
from ceasefire.bargaining.solutions import (
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_split,
)
from ceasefire.bargaining.transcript import negotiation as talks_negotiation
from ceasefire.bargaining.values import (
    actor_parameters,
    discounted_values,
    payoff_streams,
)
from ceasefire.dynamics import WarPaths, simulate_war
from ceasefire.options import Options
from ceasefire.results.negotiation import Negotiation
from ceasefire.scenario import Scenario
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.scenario.model import month_label

__all__ = ["MAX_DRAWS", "START_MONTHS", "Analysis", "AnalysisOptions", "equilibrium_timing",
           "run_analysis"]

START_MONTHS = 13
"""Deals signed in months 0..12 are scored (DESIGN.md section 9.1)."""

MAX_DRAWS = 20_000
"""Draws ``analyze`` takes at most: it keeps every draw's war paths and package values
(about 150 KiB a draw on ``alaska-2025``), so 20,000 draws need about 3 GiB."""

Progress = Callable[[str, float], None]


class AnalysisOptions(Options):
    """The choices of an analysis (the seed comes apart, as ``rng``)."""

    draws: int = Field(2000, ge=1, le=MAX_DRAWS, description=(
        f"Monte Carlo draws of the scenario's uncertain values (at most {MAX_DRAWS:,}: "
        "every draw's paths are kept in memory)."))
    horizon: int | None = Field(None, ge=1, le=240, description=(
        "Months counted from each start month (default: the scenario's)."))
    decomposition_draws: int = Field(500, ge=1, le=MAX_DRAWS, description=(
        "Draws of the leverage decomposition, which re-solves the bargaining equilibrium "
        "once with every lever and once per factor (the first draws, common random "
        "numbers)."))
    leverage: bool = Field(True, description=(
        "Run the leverage decomposition (what-ifs skip it: they compare two runs)."))
    line_grid: int = Field(101, ge=2, le=10_001, description=(
        "Points of the 0-100 line grid for Rubinstein's split."))
    workers: int = Field(1, ge=1, le=64, description="Threads for independent runs.")
    fitting_paths: int = Field(4, ge=1, le=64, description=(
        "Fitting paths per outer draw of the bargaining solver's regressions."))
    candidates: int = Field(48, ge=1, le=128, description=(
        "Candidate packages of the bargaining solver: the named proposals plus searched "
        "ones (at most 128)."))
    fits: int = Field(1, ge=1, le=16, description=(
        "Fits of the bargaining game on independent fitting paths (the same draws, "
        "candidates and forward paths); with 2 or more, the spread of the agreement "
        "forecast across them is reported as the fit's own noise (docs/model.md 5.5)."))


@dataclass(frozen=True)
class WarValues:
    """W_i(s) and its parts, ``[start months, actors, draws]``."""

    total: np.ndarray
    territory: np.ndarray
    casualties: np.ndarray
    economy: np.ndarray


@dataclass(frozen=True)
class Analysis:
    """Results of :func:`analyze`. Arrays keep draws on the last axis."""

    scenario: Scenario
    seed: int
    draws: int
    horizon: int
    realised: WarPaths
    expected: WarPaths
    war_values: WarValues
    proposals: tuple[str, ...]
    timing: tuple[PackageValues, ...]
    gains_by_waiting: np.ndarray
    line: dict[str, Any] | None
    solutions: dict[str, Any]
    leverage: dict[str, Any]
    deal_control: dict[str, np.ndarray] = field(default_factory=dict)
    wall_s: dict[str, float] = field(default_factory=dict)
    equilibrium: Equilibrium | None = None
    negotiation: Negotiation | None = None
    fit_curves: np.ndarray | None = None
    """With ``fits`` > 1: P(signed by the end of month t) and P(in force) on the forward
    paths under each fit, ``[fits, 2, months]``, the reported fit (:attr:`equilibrium`)
    first and then the game fitted again on independent fitting paths."""

    @property
    def now(self) -> PackageValues:
        """Proposal values for a deal signed now (month 0)."""
        return self.timing[0]

    def label(self, month: int) -> str:
        """Calendar label of a month."""
        return month_label(self.scenario.as_of, month)

    def likely_settlement(self) -> str | None:
        """The named proposal with the highest P(all veto players accept) now.

        Ties are broken by the Nash product of the belligerents' expected surpluses.
        """
        if not self.proposals:
            return None
        p_all = self.now.all_veto_probability()
        nash = self.solutions.get("nash_products", np.zeros(len(self.proposals)))
        order = np.lexsort((-np.asarray(nash), -p_all))
        return self.proposals[int(order[0])]


def run_analysis(compiled: CompiledScenario, expected: WarPaths, options: AnalysisOptions, *,
                 progress: Progress | None = None) -> Analysis:
    """Run the bargaining core on a compiled scenario and its expected war paths.

    Parameters
    ----------
    compiled
        The scenario's draws (its horizon already set).
    expected
        The noise-free war paths of ``compiled`` (the parties' expectations).
    options
        Draws of the decomposition, the line grid and the worker threads.
    progress
        Optional callback ``(stage, fraction done)``.
    """
    scenario = compiled.scenario
    tell = progress or (lambda stage, done: None)
    clock: dict[str, float] = {}
    start = time.perf_counter()
    tell("war paths", 0.1)
    # the realised path feeds the fan charts, which cover the horizon from month 0
    realised = simulate_war(compiled.with_months(scenario.horizon_months + 1), noise=True)
    clock["dynamics"] = time.perf_counter() - start

    tell("war values", 0.35)
    core = _core(compiled, expected)
    clock["values"] = time.perf_counter() - start - clock["dynamics"]

    equilibrium = negotiation = None
    fit_curves = None
    if scenario.proposals:
        t0 = time.perf_counter()
        fitted = fit_game(compiled, expected, SolverOptions(
            fitting_paths=options.fitting_paths, candidates=options.candidates),
            progress=lambda stage, done: tell(stage, 0.35 + 0.25 * done))
        # the forward pass of solve(), with the talks recorded for the typical transcript;
        # the talks (and the forward war paths they hold) are dropped once it is told
        recorded = play(compiled, expected, fitted, record=True)
        negotiation = talks_negotiation(recorded, compiled, expected)
        equilibrium = replace(recorded, talks=None)
        core["timing"] = equilibrium_timing(compiled, equilibrium)
        clock["equilibrium"] = time.perf_counter() - t0
        if options.fits > 1:
            t0 = time.perf_counter()
            tell("fit noise", 0.6)
            fit_curves = np.stack([_curves(equilibrium)] + [_curves(solve(
                compiled, expected, fitted.options, candidates=fitted.candidates, replicate=k))
                for k in range(1, options.fits)])
            clock["refits"] = time.perf_counter() - t0

    tell("line and solutions", 0.6)
    line = (_line(compiled, expected, core, options.line_grid, equilibrium)
            if line_issue(compiled) is not None and equilibrium is not None else None)
    solutions = _solutions(compiled, core["timing"][0])

    tell("leverage", 0.7)
    t0 = time.perf_counter()
    leverage = _leverage(compiled, min(options.decomposition_draws, compiled.draws),
                         equilibrium, workers=options.workers, options=options)
    clock["leverage"] = time.perf_counter() - t0
    clock["total"] = time.perf_counter() - start
    return Analysis(scenario=scenario, seed=compiled.seed, draws=compiled.draws,
                    horizon=scenario.horizon_months, realised=realised, expected=expected,
                    war_values=core["war_values"], proposals=core["proposals"],
                    timing=core["timing"], gains_by_waiting=core["gains_by_waiting"],
                    line=line, solutions=solutions, leverage=leverage,
                    deal_control={p.id: deal_control(compiled, expected, p.terms).mean(-1)
                                  for p in scenario.proposals},
                    wall_s=clock, equilibrium=equilibrium, negotiation=negotiation,
                    fit_curves=fit_curves)


def _curves(eq: Equilibrium) -> np.ndarray:
    """``[2, months]``: P(signed by the end of each month) and P(in force)."""
    return np.stack([eq.signed_by().mean(axis=-1), eq.in_force().mean(axis=-1)])


def _core(compiled: CompiledScenario, paths: WarPaths, *, start_months: int = START_MONTHS,
          ) -> dict[str, Any]:
    """War values for each start month and every proposal's values and acceptance."""
    s = compiled.scenario
    horizon = s.horizon_months
    params = actor_parameters(compiled)
    streams = payoff_streams(paths, params)
    parts = {"territory": streams.territory, "casualties": streams.casualty_cost,
             "economy": streams.economic_cost}
    values = {name: discounted_values(stream, params.discount, range(start_months), horizon)
              for name, stream in parts.items()}
    total = values["territory"] - values["casualties"] - values["economy"]
    war_values = WarValues(total=total, **values)

    columns = option_columns(compiled)
    proposals = tuple(p.id for p in s.proposals)
    index = package_index(s, [p.terms for p in s.proposals])
    veto = veto_codes(s)
    timing, contexts = [], []
    for m in range(start_months):
        contexts.append(deal_context(compiled, paths, params, streams, columns, total[m], m,
                                     war_cost_value=values["casualties"][m]
                                     + values["economy"][m]))
        timing.append(evaluate_packages(contexts[-1], index, veto))

    # Gains by waiting: fight m months, then sign; against signing now (MODELS.md 2).
    payoff = streams.payoff
    waited = np.zeros((start_months, len(params.actors), compiled.draws))
    for m in range(1, start_months):
        waited[m] = waited[m - 1] + params.discount ** (m - 1) * payoff[m - 1]
    deal_now = timing[0].value
    gains = np.stack([waited[m][None] + params.discount[None] ** m * timing[m].value - deal_now
                      for m in range(start_months)])  # [months, P, actors, draws]
    return {"params": params, "context_now": contexts[0], "war_values": war_values,
            "proposals": proposals, "timing": tuple(timing), "gains_by_waiting": gains}


def equilibrium_timing(compiled: CompiledScenario, eq: Equilibrium,
                       ) -> tuple[PackageValues, ...]:
    """The named proposals offered in months 0..12, scored against the equilibrium.

    Each party's acceptance compares with its equilibrium continuation value (DESIGN.md
    9.19), as package values of every actor (``analyze``'s timing, and the dashboard's
    quick what-if on an equilibrium played on a base fit).

    ``value`` and ``surplus`` are V - X in the actor's own units, ``margin`` the least
    surplus acceptance needs, (1 - r_j) a_j / r; actors outside the game have no stake.
    """
    s = compiled.scenario
    actors = [a.id for a in s.actors]
    rows = [actors.index(p) for p in eq.players]
    named, n = len(s.proposals), compiled.draws
    out = []
    for m in range(START_MONTHS):
        surplus = np.zeros((named, len(actors), n))
        margin = np.zeros_like(surplus)
        accept = np.ones(surplus.shape, dtype=bool)
        required = np.zeros((named, len(actors)), dtype=bool)
        surplus[:, rows] = eq.surplus[:, m]
        margin[:, rows] = eq.margin[:, m]
        accept[:, rows] = eq.accept[:, m]
        required[:, rows] = eq.required
        all_accept = np.all(accept | ~required[:, :, None], axis=1)
        out.append(PackageValues(value=surplus, surplus=surplus, margin=margin, accept=accept,
                                 required=required, all_accept=all_accept))
    return tuple(out)


def _line(compiled: CompiledScenario, paths: WarPaths, core: dict[str, Any],
          points: int, equilibrium: Equilibrium) -> dict[str, Any]:
    """Each party's reservation line now, and Rubinstein's split of the zone between them.

    Lines are scored against the equilibrium continuation values (MODELS.md 3 and 9).
    """
    s = compiled.scenario
    issue = line_issue(compiled)
    grid = np.linspace(0.0, 100.0, points)
    parties = [issue.line.gainer, issue.line.loser]
    net = line_net_surplus(compiled, paths, equilibrium.now, issue, grid, parties).net
    actors = [a.id for a in s.actors]
    g, lo = actors.index(issue.line.gainer), actors.index(issue.line.loser)
    params = core["params"]
    split = rubinstein_split(grid, net[:, 0], net[:, 1], params.discount[g],
                             params.discount[lo])
    index = {r.id: k for k, r in enumerate(s.regions)}
    regions = [index[r] for r in issue.line.regions]
    loser = s.belligerents.index(issue.line.loser)
    held = (paths.control[0][regions][:, loser] * paths.area_km2[regions]).sum(0)
    return {"issue": issue.id, "gainer": issue.line.gainer, "loser": issue.line.loser,
            "grid": grid, "net": net, "parties": parties, "split": split,
            "named": {o.id: o.x for o in issue.options},
            "modelled_area_km2": float(held.mean()),
            "reference_area_km2": float(s.point(issue.line.reference_area_km2))}


def _solutions(compiled: CompiledScenario, now: PackageValues) -> dict[str, Any]:
    """Nash, Kalai-Smorodinsky and egalitarian over the named proposals, signed now."""
    s = compiled.scenario
    belligerents = [k for k, a in enumerate(s.actors) if a.role == "belligerent"]
    mean_surplus = now.surplus.mean(axis=-1)  # [P, actors]
    veto_ok = np.all((mean_surplus > 0) | ~now.required, axis=1)
    surplus = mean_surplus[:, belligerents]
    war_value = np.abs(now.value - now.surplus).mean(axis=-1)[:, belligerents]
    nash = nash_bargaining(surplus, veto_ok)
    positive = np.all(surplus > 0, axis=1) & veto_ok
    products = np.where(positive, np.prod(np.where(positive[:, None], surplus, 1), axis=1), 0)
    blockers = [s.actors[k].id for k in range(len(s.actors))
                if now.required[:, k].any() and not (mean_surplus[:, k] > 0).any()]
    return {"nash": nash, "kalai-smorodinsky": kalai_smorodinsky(surplus, veto_ok),
            # no named proposals: nothing to choose, and no row to read W from
            "egalitarian": egalitarian(surplus, war_value[0] if len(war_value) else
                                       np.ones(len(belligerents)), veto_ok),
            "nash_products": products, "blockers": blockers}


def _leverage(compiled: CompiledScenario, draws: int, equilibrium: Equilibrium | None, *,
              workers: int, options: AnalysisOptions | None = None) -> dict[str, Any]:
    """Re-solve the equilibrium with every lever, and with each factor's levers off.

    Common random numbers: the first ``draws`` draws, the same seed, so the paired
    differences (with the factor minus without it) are meaningful draw by draw. Each run
    returns, per draw, whether a deal is signed within 12 and within 24 months, the
    acceptance of each named proposal offered now by each player and by every veto
    player, and each player's continuation value now (in units of its war-cost annuity).
    Every run offers the analysis's own candidates, so the runs differ only in the
    levers. Factors only: re-solving per lever (13 levers on ``alaska-2025``) does not fit
    the decomposition's 30 s (DESIGN.md 9.19).
    """
    s = compiled.scenario
    options = options or AnalysisOptions()
    sub = compiled.subset(draws)
    factors = {f: tuple(lever.id for lever in s.levers if lever.factor == f)
               for f in sorted({lever.factor for lever in s.levers})}
    out: dict[str, Any] = {"draws": sub.draws, "factor_levers": factors, "players": (),
                           "base": None, "factors": {}}
    if not s.proposals or not factors or equilibrium is None or not options.leverage:
        return out
    solver = SolverOptions(fitting_paths=options.fitting_paths, candidates=options.candidates)

    def play_variant(off: frozenset[str], replicate: int) -> Equilibrium:
        variant = sub.with_levers_off(off)
        # its answers are first signatures and month 0's, which no truce changes
        return solve(variant, simulate_war(variant, noise=False), solver,
                     candidates=equilibrium.candidates, replicate=replicate, truces=False)

    def run(off: frozenset[str]) -> dict[str, Any]:
        eq = play_variant(off, 0)
        signed = eq.signed_by()  # [months, draws]
        accept = eq.accept[:, 0]  # [named, players, draws], offered now
        return {"players": eq.players, "required": eq.required,
                "within_12": signed[min(12, eq.months) - 1],
                "within_24": signed[min(24, eq.months) - 1],
                "accept": accept,
                "all_accept": np.all(accept | ~eq.required[:, :, None], axis=1),
                "continuation": eq.continuation[0]}

    def within(job: tuple[frozenset[str], int]) -> np.ndarray:
        signed = play_variant(*job).signed_by()
        return signed[[min(12, len(signed)) - 1, min(24, len(signed)) - 1]].mean(axis=-1)

    variants = [frozenset()] + [frozenset(ids) for ids in factors.values()]
    # Independent solves: threads share the cores (numpy releases the GIL); order is fixed.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(run, variants))
        again = [(off, k) for k in range(1, options.fits) for off in variants]
        refits = list(pool.map(within, again))
    result = {**out, "players": outcomes[0]["players"], "base": outcomes[0],
              "factors": dict(zip(factors, outcomes[1:], strict=True))}
    if options.fits > 1:  # P(within 12, 24 months) [fits, variants, 2], the reported first
        first = [[o["within_12"].mean(), o["within_24"].mean()] for o in outcomes]
        result["fit_curves"] = np.concatenate(
            [[first], np.reshape(refits, (options.fits - 1, len(variants), 2))])
    return result
