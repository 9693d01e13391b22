r"""Bargaining month by month: the subgame-perfect equilibrium of MODELS.md 2.5-2.6.

Each month a proposer is drawn (the belligerents and the mediator, with the scenario's
probabilities); it offers a candidate package or nothing; the veto players vote as if
pivotal; an accepted package is ratified with probability r. A responder j accepts d iff
:math:`r (V_j(d) - X_j) \ge (1 - r_j) a_j`, with :math:`X_j = u_j + \delta_j C_j` the
value of fighting this month and bargaining again; a belligerent proposer offers the
accepted package that maximises its own expected gain, if that gain is not negative; the
mediator offers the accepted package it values most, and when none is accepted by all it
tables its plan, and the conditional levers against a party that refuses switch on
(MODELS.md 2.6). Priors differ and are common knowledge (Yildiz 2003): each party values
outcomes on its own belief and predicts the others' votes from theirs.

*Solving.* Backward induction from the horizon T by least-squares Monte Carlo
(Longstaff & Schwartz 2001): on fitting paths drawn from the mixture q of the beliefs,
one pooled regression per month and belief gives each party's continuation value; at T
the state is frozen and the parties settle on the Nash product, or fight on. Then a
forward pass on fresh paths from the analyst's belief plays the equilibrium month by
month: who proposes what, who refuses, whether it is ratified and when it collapses.

References
----------
Merlo, A. & Wilson, C. (1995) A stochastic model of sequential bargaining with complete
information. *Econometrica* 63(2).
Yildiz, M. (2003) Bargaining without a common prior: an immediate agreement theorem.
*Econometrica* 71(3); (2004) Waiting to persuade. *Quarterly J. Economics* 119(1).
Longstaff, F. & Schwartz, E. (2001) Valuing American options by simulation: a simple
least-squares approach. *Review of Financial Studies* 14(1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from pydantic import Field

from ceasefire.bargaining.board import Board, MonthState, Values
from ceasefire.bargaining.candidates import ascend, candidate_packages, climb
from ceasefire.bargaining.narrow import NarrowOutcome, NarrowPlan, NarrowState, narrow_plan
from ceasefire.bargaining.outcome import REASONS, Candidate, Equilibrium, Talks
from ceasefire.bargaining.packages import deal_control
from ceasefire.bargaining.regression import Fit, fit
from ceasefire.bargaining.strategies import (
    Equilibrium as EquilibriumStrategy,
)
from ceasefire.bargaining.strategies import (
    History,
    Strategy,
    View,
    apply_bluffs,
    bluff_amounts,
    respond,
)
from ceasefire.dynamics import WarPaths, simulate_war
from ceasefire.dynamics.beliefs import evidence, point_log_likelihood
from ceasefire.dynamics.war import Noise, Truce, _kept, draw_noise
from ceasefire.options import Options
from ceasefire.scenario.compile import CompiledScenario, point_beliefs

__all__ = ["Fitted", "Now", "SolverOptions", "fit_game", "play", "solve", "solver_horizon"]

NEVER = 1 << 20
"""Start month of a lever that never starts."""
WEIGHT_CAP = 3.0
"""Largest importance weight p_i / q (MODELS.md 2.4)."""
THREAT_WINDOW = 36
"""Fitting paths switch a conditional lever on at a month drawn from the first this many."""
THREAT_SMOOTHING = 12
"""A threat's effect in month t is the mean of its flag's fitted coefficients over months
t to t + THREAT_SMOOTHING - 1 (see :func:`_smoothed`)."""
FULL_MONTHS = 12
"""Months past the reported ones for which every fitting path enters the regressions."""
START_MONTHS = 13
"""Named proposals are scored for deals offered in months 0..12 (DESIGN.md 9.1)."""

Progress = Callable[[str, float], None]


class SolverOptions(Options):
    """The choices of the equilibrium solver (MODELS.md 2.5)."""

    fitting_paths: int = Field(4, ge=1, le=64, description=(
        "Fitting paths per outer draw for the continuation-value regressions."))
    candidates: int = Field(48, ge=1, le=128, description=(
        "Candidate packages per solve: the named proposals plus searched ones (at most 128)."))
    squares: bool = Field(False, description=(
        "Add squared terms of the control and belief features to the regression basis."))
    refine: bool = Field(True, description=(
        "Refine the searched candidates against a quick first solve (on at most 300 "
        "draws): the packages each proposer prefers, on average and draw by draw."))
    horizon: int | None = Field(None, ge=24, le=720, description=(
        "The solver's horizon T in months (default: the horizon rule of MODELS.md 2.5)."))


def solver_horizon(discount: np.ndarray) -> int:
    r"""The solver's horizon T (MODELS.md 2.5).

    .. math:: T = 12 \lceil \ln 0.05 / (12 \ln \bar\delta) \rceil, \quad T \in [120, 360]

    with :math:`\bar\delta` the 99th percentile of the sampled discount factors: by T,
    the most patient party's weight on the future has fallen below 5 %.
    """
    high = float(np.quantile(np.asarray(discount), 0.99))
    years = math.ceil(math.log(0.05) / (12 * math.log(high)))
    return int(min(max(12 * years, 120), 360))


@dataclass(frozen=True)
class Now:
    """Month 0 of the forward paths: what scoring any package against the equilibrium needs.

    ``own`` and ``common`` are each player's fitted continuation (C - b) / A on its own
    belief and on the analyst's, ``[players, draws]``; ``annuity`` is A.
    """

    players: tuple[str, ...]
    state: MonthState
    own: np.ndarray
    common: np.ndarray
    annuity: np.ndarray

    def values(self, compiled: CompiledScenario, expected: WarPaths,
               packages: Sequence[Mapping[str, str]], *, common: bool = False) -> Values:
        """Values of any packages signed now, against the equilibrium continuation values.

        The deal space and the line question score packages this way (DESIGN.md 9.19).
        """
        board = Board(compiled, self.players, packages, expected.control[0], expected.area_km2)
        return board.values(self.state, self.common if common else self.own, self.annuity)

    def required(self, compiled: CompiledScenario, expected: WarPaths,
                 packages: Sequence[Mapping[str, str]]) -> np.ndarray:
        """``[P, players]`` whose veto applies to each package."""
        return Board(compiled, self.players, packages, expected.control[0],
                     expected.area_km2).required


@dataclass(frozen=True)
class _Game:
    """The fixed parts of one solve: players, proposers, levers, beliefs and the board."""

    players: tuple[str, ...]
    proposers: tuple[str, ...]
    proposer_p: np.ndarray
    proposer_player: np.ndarray
    mediator: int | None
    plan: int | None
    threats: tuple[tuple[str, int], ...]  # (lever id, belligerent player index)
    flag_levers: tuple[str, ...]
    weighting: np.ndarray  # [J] the belief weighting of each player
    annuity: np.ndarray  # [J, n]


@dataclass(frozen=True)
class Fitted:
    """The game solved backwards: what every forward pass on its draws shares.

    The candidates (named proposals first), the continuation-value regressions of the
    reported months and the horizon. :func:`play` runs the forward pass on it, with the
    equilibrium strategies or others (issue 14: strategies off the equilibrium keep the
    equilibrium's continuation values).
    """

    game: _Game
    candidates: tuple[Candidate, ...]
    named: int
    fits: tuple[Fit, ...]
    horizon: int
    options: SolverOptions
    compiled: CompiledScenario

    @property
    def flag_levers(self) -> tuple[str, ...]:
        """The levers whose on/off flags are regression features (they varied in the draws)."""
        return self.game.flag_levers


def solve(compiled: CompiledScenario, expected: WarPaths, options: SolverOptions | None = None,
          *, candidates: Sequence[Candidate] | None = None,
          progress: Progress | None = None, replicate: int = 0,
          truces: bool = True) -> Equilibrium:
    """Solve the bargaining game on ``compiled``'s outer draws (MODELS.md 2.5).

    ``expected`` are the noise-free paths of ``compiled`` (month 0 gives each party's
    war-cost annuity and the map the lines are drawn on). ``candidates`` (named proposals
    first) replaces the search: variants of one scenario solved on the same candidates
    (the leverage decomposition) differ only in what they change. ``replicate``: see
    :func:`fit_game`; ``truces``: see :func:`play`.
    """
    fitted = fit_game(compiled, expected, options, candidates=candidates, progress=progress,
                      replicate=replicate)
    return play(compiled, expected, fitted, truces=truces)


def fit_game(compiled: CompiledScenario, expected: WarPaths,
             options: SolverOptions | None = None, *,
             candidates: Sequence[Candidate] | None = None,
             progress: Progress | None = None, replicate: int = 0) -> Fitted:
    """The candidates and the backward induction of :func:`solve`, without the forward pass.

    ``replicate`` k > 0 fits the same game again on fitting paths from an independent
    random stream (the draws, the forward paths and, given ``candidates``, the candidates
    stay the same): the spread of the answers across replicates is the fit's own Monte
    Carlo error (docs/model.md 5.5, "Fit noise").
    """
    options = options or SolverOptions()
    tell = progress or (lambda stage, done: None)
    s = compiled.scenario
    game = _game(compiled, expected)
    named = [dict(p.terms) for p in s.proposals]
    if candidates is None:
        limit = max(options.candidates, len(named))
        packages = candidate_packages(compiled, expected, game.players, game.annuity,
                                      limit=limit)
        if options.refine and len(named) < limit and s.issues:
            packages = _refined(compiled, expected, game, named, packages, limit, options)
        candidates = tuple(
            [Candidate(p.id, p.terms, False) for p in s.proposals]
            + [Candidate(f"searched-{k + 1}", terms, True) for k, terms in enumerate(packages)])
    candidates = tuple(candidates)
    terms = [dict(c.terms) for c in candidates]
    keep = max(s.horizon_months, START_MONTHS)
    horizon = max(options.horizon or solver_horizon(
        np.stack([compiled.get(f"actors.{p}.discount_factor") for p in game.players])),
        keep + 1)  # T past the reporting window
    tell("fitting paths", 0.0)
    fits = _backward(compiled, expected, game, terms, horizon, keep, options, tell, replicate)
    tell("forward pass", 0.8)
    return Fitted(game=game, candidates=candidates, named=len(named), fits=tuple(fits),
                  horizon=horizon, options=options, compiled=compiled)


def play(compiled: CompiledScenario, expected: WarPaths, fitted: Fitted, *,
         strategies: Mapping[int, Strategy] | None = None, record: bool = False,
         truces: bool = True) -> Equilibrium:
    """The forward pass of a fitted game on fresh paths (MODELS.md 2.5).

    ``compiled`` may hold other draws than the ones the game was fitted on (a block of a
    sweep, a what-if on the same scenario): the continuation-value regressions are
    functions of the state and the parties' parameters, so they carry over, and only
    each draw's war-cost annuity is recomputed; the paths must stay inside the ranges
    the fit saw for that to be an interpolation. ``strategies`` maps a player index to the
    strategy it plays instead of the equilibrium's (:mod:`ceasefire.bargaining.strategies`);
    the continuation values stay the equilibrium's. ``record`` keeps the talks month by
    month (:attr:`Equilibrium.talks`) for transcripts. ``truces=False`` lets the war go
    on while a deal holds: the first signatures and the month-0 answers are the same, at
    less cost, and what follows a signature (deals in force, collapses, later deals) is
    not the model's (MODELS.md 2.2); for comparisons of the former alone.
    """
    game = fitted.game
    if game.annuity.shape[-1] != compiled.draws or compiled is not fitted.compiled:
        game = replace(game, annuity=_annuity(compiled, expected, game.players))
    return _forward(compiled, expected, replace(fitted, game=game),
                    dict(strategies or {}), record, truces)


# --- setting up ---------------------------------------------------------------------------


REFINE_DRAWS = 300
"""Outer draws of the quick first solve that refines the candidates."""


def _refined(compiled: CompiledScenario, expected: WarPaths, game: _Game,
             named: list[dict[str, str]], searched: list[dict[str, str]], limit: int,
             options: SolverOptions) -> list[dict[str, str]]:
    """The packages that serve each proposer best on most draws of a quick first solve.

    A quick solve (the first draws, the searched candidates) gives each
    party's continuation value at month 0; from the best of the named and searched
    packages on each draw, per-draw ascent (:func:`refine`) finds what each proposer (and
    the Nash product) would offer there. The most frequent come first, then the rest of
    the searched ones, up to ``limit``.
    """
    draws = min(compiled.draws, REFINE_DRAWS)
    sub = compiled.subset(draws)
    quick = solve(sub, simulate_war(sub, noise=False), options.model_copy(
        update={"refine": False}))
    now = quick.now
    board = Board(sub, now.players, named or searched[:1], expected.control[0][..., :draws],
                  expected.area_km2[..., :draws])
    room = limit - len(named)
    values = lambda b: b.values(now.state, now.own, now.annuity)  # noqa: E731
    climbed = climb(board, values, named + searched[:max(0, 8 - len(named))],
                    game.proposer_player)
    found = climbed + ascend(board, values, named + climbed + searched,
                             game.proposer_player, now.annuity, limit=limit)
    s = compiled.scenario
    keys = {tuple(p.get(i.id, i.default) for i in s.issues) for p in named}
    out = []
    for p in found + searched:
        key = tuple(p.get(i.id, i.default) for i in s.issues)
        if key not in keys:
            keys.add(key)
            out.append(p)
    return out[:room]


def _game(compiled: CompiledScenario, expected: WarPaths) -> _Game:
    s = compiled.scenario
    bargaining = s.bargaining
    mediator = bargaining.mediator
    players = tuple(a.id for a in s.actors
                    if a.role == "belligerent" or a.veto != "none" or a.id == mediator)
    if bargaining.proposers:
        proposers = tuple(bargaining.proposers)
        weights = np.array([s.point(v) for v in bargaining.proposers.values()], dtype=float)
    else:
        proposers = tuple(s.belligerents) + ((mediator,) if mediator else ())
        weights = np.ones(len(proposers))
    threats = tuple((lever.id, players.index(lever.against)) for lever in s.levers
                    if lever.against is not None)
    varying = tuple(lever.id for lever in s.levers
                    if lever.against is None
                    and len(np.unique(compiled.lever_active[lever.id])) > 1)
    flag_levers = varying + tuple(lever for lever, _ in threats)
    # each belligerent with a prior weights the fitting paths by its own belief
    priors = [p.id for p in s.beliefs.priors] if s.beliefs is not None else []
    weighting = np.array([1 + priors.index(p) if p in priors else 0 for p in players])
    return _Game(players=players, proposers=proposers, proposer_p=weights / weights.sum(),
                 proposer_player=np.array([players.index(p) for p in proposers]),
                 mediator=players.index(mediator) if mediator else None,
                 plan=([p.id for p in s.proposals].index(bargaining.mediator_plan)
                       if bargaining.mediator_plan else None),
                 threats=threats, flag_levers=flag_levers, weighting=weighting,
                 annuity=_annuity(compiled, expected, players))


def _annuity(compiled: CompiledScenario, expected: WarPaths,
             players: Sequence[str]) -> np.ndarray:
    r"""A_i = (monthly war cost of i) / (1 - delta_i), at month 0 of the expected path.

    The one unit in which values of different sizes are compared (MODELS.md 2): it does
    not move when a constant is added to the value of a region, and scales with i's
    utilities.
    """
    s = compiled.scenario
    actors = [a.id for a in s.actors]
    out = []
    for p in players:
        side = s.belligerents.index(s.actor(p).side)
        cost = (compiled.get(f"actors.{p}.casualty_weight") * expected.casualties[0, side] / 1000
                + compiled.get(f"actors.{p}.cost_weight")
                * expected.economic_cost[0, actors.index(p)])
        out.append(cost / (1 - compiled.get(f"actors.{p}.discount_factor")))
    return np.maximum(np.stack(out), 1e-12)


def _mixture(compiled: CompiledScenario, copies: int, rng: np.random.Generator,
             ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Fitting paths' log m from the mixture q of the beliefs, and its components.

    Returns ``(log_m [N] or None, mean [C, N], sd [C, N])``: component 0 is the analyst's
    belief, then each prior in the scenario's order (MODELS.md 2.4), each drawn with
    probability 1 / C.

    With beliefs on points (``beliefs.analyst_points``) the components are returned as
    ``(masses [C, N, K], points [C, N, K])``, each component's probability of each point,
    and ``log m`` takes each point k on a share of the paths within 1/n of
    ``q_k = (1/C) sum_c p_c(k)`` in every copy of the n outer draws (systematic sampling
    of q, Cochran 1977, ch. 8, in a random order), so that no point a belief gives a
    material probability is left without paths by chance. The weights do not rely on
    the shares being q's (see :class:`_Weights`).

    Cochran, W. G. (1977) *Sampling Techniques*, 3rd ed. Wiley, ch. 8.
    """
    s = compiled.scenario
    n = compiled.draws * copies
    if s.beliefs is None:
        return None, np.zeros((1, n)), np.ones((1, n))
    on_points = point_beliefs(s)
    if on_points is not None:
        given = [on_points.prior(b) for b in on_points.given]
        masses = np.stack([on_points.analyst, *given])  # [C, K]
        cumulative = np.cumsum(masses.mean(axis=0))
        cumulative[-1] = 1.0
        draws = compiled.draws
        log_m = np.empty(n)
        for copy in range(copies):
            grid = (rng.random() + np.arange(draws)) / draws
            index = np.minimum(np.searchsorted(cumulative, grid, side="right"),
                               masses.shape[1] - 1)
            log_m[copy * draws:(copy + 1) * draws] = on_points.points[rng.permutation(index)]
        shape = (masses.shape[0], n, masses.shape[1])
        return (log_m, np.broadcast_to(masses[:, None, :], shape),
                np.broadcast_to(on_points.points, shape))
    spread = np.tile(compiled.get("beliefs.analyst_sd_log_m"), copies)
    means = [-spread**2 / 2]
    sds = [spread]
    for prior in s.beliefs.priors:
        means.append(np.tile(compiled.get(f"beliefs.priors.{prior.id}.mean_log_m"), copies))
        sds.append(np.tile(compiled.get(f"beliefs.priors.{prior.id}.sd_log_m"), copies))
    mean, sd = np.stack(means), np.maximum(np.stack(sds), 1e-3)
    component = rng.integers(0, len(means), n)
    log_m = mean[component, np.arange(n)] + sd[component, np.arange(n)] * rng.standard_normal(n)
    return log_m, mean, sd


class _Weights:
    r"""Importance weights of the fitting paths for each belief, month by month.

    A path drawn from the mixture q stands for belief i with weight
    :math:`p_i(m \mid D_t) / q(m \mid D_t)`, the ratio of the posteriors given the
    signals seen before month t (MODELS.md 2.4), capped at ``WEIGHT_CAP``. It differs from
    the prior ratio :math:`p_i(m) / q(m)` only by a factor that depends on the signals,
    which are among the regression's features (through the posterior means), so the
    conditional expectation it estimates is the same (Owen 2013, ch. 9); but it keeps each
    month's regression weighted where that month's information puts the paths, where the
    prior ratio would put almost all weight on paths whose signals the party has by then
    ruled out, and leave the regression to extrapolate to the states it is used in. Each
    component's posterior is conjugate-normal (:func:`ceasefire.dynamics.beliefs.evidence`),
    and the mixture's weights move with each component's marginal likelihood of the
    signals.

    *Beliefs on points* (``mean`` and ``sd`` are then the components' masses and points,
    ``[C, N, K]``, see :func:`_mixture`). On a finite support the importance sampling
    identity holds with any sampling measure that puts paths on every point the belief
    gives mass to, and the one the paths were actually drawn from is known exactly: the
    share :math:`\hat q_k = n_k / N` of the N paths on each point k. Weighting by
    :math:`\pi_i(k) / \hat q_k` rather than by the ratio to q's expected shares gives
    :math:`\sum_n w_n g(m_n) / \sum_n w_n = \sum_k \pi_i(k)\, \bar g_k`, with
    :math:`\bar g_k` the mean of g over the paths on point k: every weighted mean is
    exactly the prior-weighted mean over the points, whatever the shares (the ratio
    estimator with the realised, not the expected, sampling proportions: the
    post-stratified estimator, Owen 2013, ch. 8, as a self-normalised importance sampling
    estimate, ch. 9). With the signals, the
    ratio of the posteriors is

    .. math::

        w_i = \frac{\pi_i(k \mid D_t)}{\hat q(k \mid D_t)}
            = \frac{\pi_i(k)}{\hat q_k}\,
              \frac{\sum_j \hat q_j e^{\ell_t(j)}}{\sum_j \pi_i(j) e^{\ell_t(j)}},

    in which the likelihood of the path's own point cancels
    (:func:`ceasefire.dynamics.beliefs.point_log_likelihood` gives
    :math:`\ell_t`); it is computed in log space, so a noise-free signal (all of
    :math:`\hat q`'s and :math:`\pi_i`'s posterior on the path's own point) gives a weight
    of 1 without dividing 0 by 0. A point of prior probability 0 gets weight 0. The cap
    applies as to normal beliefs; it does not bind at month 0 unless a party puts more
    than ``WEIGHT_CAP`` times the paths' share on a point (the mixture's shares are at
    least 1 / C of each component's probability).

    Owen, A. B. (2013) *Monte Carlo theory, methods and examples*, ch. 8-9 (stratification
    and importance sampling).
    """

    def __init__(self, log_m: np.ndarray | None, mean: np.ndarray, sd: np.ndarray,
                 paths: WarPaths | None) -> None:
        self.log_m, self.mean, self.sd = log_m, mean, sd
        beliefs = None if paths is None else paths.beliefs
        if log_m is None or beliefs is None:
            self.precision = self.total = None
        else:
            self.precision, self.total, _ = evidence(beliefs.signal, beliefs.signal_sd)
        self.points = None
        if log_m is not None and np.ndim(mean) == 3:  # beliefs on points
            self.points = np.asarray(sd[0, 0], dtype=float)  # [K]
            own = log_m[:, None] == self.points[None]  # [N, K]
            if not own.any(axis=1).all():
                raise ValueError("a fitting path's log m is none of the belief's points")
            self.own = own.argmax(axis=1)  # [N]
            shares = np.bincount(self.own, minlength=self.points.size) / log_m.size
            with np.errstate(divide="ignore"):
                self.log_share = np.log(shares)  # [K]
                self.log_masses = np.log(np.moveaxis(mean, 1, 2))  # [C, K, N]

    def at(self, t: int) -> np.ndarray:
        """``[weightings, N]`` at the start of month ``t``."""
        if self.log_m is None:
            return np.ones((1, self.mean.shape[-1]))
        if self.precision is None:
            p, s = 0.0, 0.0
        else:
            k = min(t, self.precision.shape[0] - 1)
            p, s = self.precision[k], self.total[k]
        if self.points is not None:
            return self._on_points(p, s)
        prior = 1 / np.square(self.sd)
        precision = prior + p
        mean = (self.mean * prior + s) / precision
        # log of each component's marginal likelihood of the signals, up to a common term
        log_ml = 0.5 * (np.log(prior / precision) + mean**2 * precision
                        - self.mean**2 * prior)
        log_pi = log_ml - log_ml.max(axis=0)
        pi = np.exp(log_pi)
        pi /= pi.sum(axis=0)
        density = np.sqrt(precision) * np.exp(-0.5 * precision * (self.log_m - mean) ** 2)
        q = (pi * density).sum(axis=0)
        return np.minimum(density / q, WEIGHT_CAP)

    def _on_points(self, precision: np.ndarray | float, total: np.ndarray | float,
                   ) -> np.ndarray:
        """``[weightings, N]``: the ratio of the posteriors on points (class docstring)."""
        n = self.log_m.size
        log_like = point_log_likelihood(self.points, np.broadcast_to(precision, (n,)),
                                        np.broadcast_to(total, (n,)))  # [K, N]
        rows = np.arange(n)

        def log_evidence(log_prior: np.ndarray) -> np.ndarray:  # [..., K, N] -> [..., N]
            terms = log_prior + log_like
            top = terms.max(axis=-2)
            return top + np.log(np.exp(terms - top[..., None, :]).sum(axis=-2))

        log_w = (self.log_masses[:, self.own, rows] - self.log_share[self.own]
                 - log_evidence(self.log_masses)
                 + log_evidence(self.log_share[:, None])[None])
        return np.minimum(np.exp(log_w), WEIGHT_CAP)


def _fitting(compiled: CompiledScenario, expected: WarPaths, game: _Game,
             terms: list[dict[str, str]], copies: int, replicate: int,
             ) -> tuple[CompiledScenario, np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """The fitting paths' draws: every outer draw ``copies`` times (copy 0 first).

    Returns the tiled draws (with the conditional levers' random start months and a
    quarter of the paths starting from a candidate's control), their ``log m`` drawn
    from the mixture q, and the mixture's components (means and sds ``[C, N]``, or
    masses and points ``[C, N, K]`` for beliefs on points: see :func:`_mixture`).
    """
    root = np.random.SeedSequence(compiled.seed, spawn_key=(0x5017E,) + (
        (0xF17, replicate) if replicate else ()))
    rng = np.random.default_rng(root.spawn(1)[0])
    fitting = compiled.tiled(copies, root.spawn(2)[1])
    n, total = compiled.draws, fitting.draws
    log_m, mean, sd = _mixture(compiled, copies, rng)
    starts = {}
    for lever, _ in game.threats:
        # half never; a quarter from month 0, so that the first months' regressions see
        # the lever on; a quarter from a month of the first three years
        on, first = rng.random(total) < 0.5, rng.random(total) < 0.5
        start = np.where(first, 0, rng.integers(0, THREAT_WINDOW, total))
        starts[lever] = np.where(on, start, NEVER)
    fitting = fitting.with_lever_start(starts)
    # a quarter of the paths start from the control of a candidate (MODELS.md 2.2)
    moved = rng.random(total) < 0.25
    pick = rng.integers(0, len(terms), total)
    if moved.any() and terms:
        controls = np.stack([deal_control(compiled, expected, t) for t in terms])
        s = compiled.scenario
        draw = np.arange(total) % n
        changes = {}
        for r, region in enumerate(s.regions):
            for b, belligerent in enumerate(s.belligerents):
                path = f"regions.{region.id}.control.{belligerent}"
                base = fitting.get(path)
                changes[path] = np.where(moved, controls[pick, r, b, draw], base)
        fitting = fitting.with_params(**changes)
    return fitting, log_m, (mean, sd)


# --- the state of the paths, month by month -------------------------------------------------


@dataclass(frozen=True)
class _Track:
    """What the solver reads off a set of paths, for the players ``J``."""

    paths: WarPaths
    war_cost: np.ndarray  # [months, J, N]
    lost: np.ndarray  # [months, J, N]
    opinion_shift: np.ndarray  # [months, B, N]
    features: np.ndarray  # [months, N, F]
    flags: dict[str, np.ndarray]  # lever -> [months, N]
    flag_features: dict[str, int]  # lever -> feature index of its flag

    def state(self, t: int) -> MonthState:
        return MonthState(control=self.paths.control[t], war_cost=self.war_cost[t],
                          lost=self.lost[t], opinion_shift=self.opinion_shift[t],
                          features=self.features[t])


def _track(compiled: CompiledScenario, paths: WarPaths, board: Board, game: _Game,
           squares: bool) -> _Track:
    s = compiled.scenario
    months = paths.casualties.shape[0]
    actors = [a.id for a in s.actors]
    players = game.players
    col = [actors.index(p) for p in players]
    casualties = paths.casualties[:, board.side] / 1000  # [months, J, N]
    war_cost = (board.casualty_weight * casualties
                + board.cost_weight * paths.economic_cost[:, col])
    lost = board.cost_weight * sanctions_loss(compiled, paths, players)
    opinion = paths.opinion[:months][:, [actors.index(b) for b in s.belligerents]]
    logit = np.log(np.clip(opinion, 1e-9, 1 - 1e-9) / np.clip(1 - opinion, 1e-9, 1))
    shift = np.nan_to_num(logit - logit[:1])
    flags = _flags(compiled, game.flag_levers, months)
    features, flag_columns = _features(compiled, paths, months, flags, squares)
    return _Track(paths=paths, war_cost=war_cost, lost=lost, opinion_shift=shift,
                  features=features, flags=flags,
                  flag_features=flag_columns)


def sanctions_loss(compiled: CompiledScenario, paths: WarPaths, players: Sequence[str],
                   ) -> np.ndarray:
    """``[months, J, N]`` oil and gas revenue lost to sanctions (export losses) each month.

    What a deal without a relief term leaves in place (MODELS.md 2.2): refinery losses
    end with the war, export losses do not.
    """
    actors = [a.id for a in compiled.scenario.actors]
    months, n = paths.revenue.shape[0], paths.draws
    out = np.zeros((months, len(players), n))
    for j, p in enumerate(players):
        export = np.broadcast_to(compiled.series(f"economy.{p}.export_loss")[:months],
                                 (months, n)).clip(0, 1)
        refinery = np.broadcast_to(compiled.series(f"economy.{p}.refinery_loss")[:months],
                                   (months, n)).copy()
        kept = _kept(export.copy(), refinery)
        gross = paths.revenue[:, actors.index(p)] / np.maximum(kept, 1e-12)
        out[:, j] = gross * export
    return out


def _flags(compiled: CompiledScenario, levers: Sequence[str], months: int,
           ) -> dict[str, np.ndarray]:
    """``[months, N]`` whether each randomised lever is on in each month."""
    s = compiled.scenario
    t = np.arange(months)[:, None]
    out = {}
    for lever_id in levers:
        lever = next(x for x in s.levers if x.id == lever_id)
        start = compiled.lever_start.get(lever_id)
        if start is None:
            start = np.full(compiled.draws, NEVER if lever.against
                            else lever.start_month)
        out[lever_id] = (t >= start[None]) & compiled.lever_active[lever_id][None]
    return out


def _features(compiled: CompiledScenario, paths: WarPaths, months: int,
              flags: dict[str, np.ndarray], squares: bool,
              ) -> tuple[np.ndarray, dict[str, int]]:
    """Regression features ``[months, N, F]`` (MODELS.md 2.5) and each flag's column.

    A constant; the first belligerent's share of each front region; each belligerent's
    reserves (relative to month 0) and public support for concessions; the share of
    fronts culminated; each belligerent's posterior mean of log m (the observation
    statistic); the flags of the randomised levers; each belligerent's discount factor
    as log(1 - delta). Only scale-free numbers, so that rescaling a party's utilities
    changes nothing.
    """
    s = compiled.scenario
    n = paths.draws
    actors = [a.id for a in s.actors]
    fronts = [k for k, r in enumerate(s.regions) if r.front is not None]
    columns = [np.ones((months, n))]
    columns += [paths.control[:months, r, 0] for r in fronts]
    for b in s.belligerents:
        if any(e.id == b and s.point(e.reserves) > 0 for e in s.economy):
            reserves = paths.reserves[:months, actors.index(b)]
            columns.append(reserves / np.maximum(reserves[:1], 1e-12))
        if any(o.id == b for o in s.opinion):
            columns.append(np.nan_to_num(paths.opinion[:months, actors.index(b)]))
    if paths.culminated is not None and paths.culminated.shape[1]:
        columns.append(paths.culminated[:months].mean(axis=1).astype(float))
    beliefs = paths.beliefs
    if beliefs is not None:
        columns += [beliefs.mean_log_m[:months, b] for b in range(len(s.belligerents))]
    flag_columns = {lever: len(columns) + k for k, lever in enumerate(flags)}
    columns += [flag.astype(float) for flag in flags.values()]
    for b in s.belligerents:
        delta = compiled.get(f"actors.{b}.discount_factor")
        columns.append(np.broadcast_to(np.log1p(-delta), (months, n)))
    if squares:
        base = columns[1:1 + len(fronts)]
        if beliefs is not None:
            base = base + [beliefs.mean_log_m[:months, b] for b in range(len(s.belligerents))]
        columns += [c * c for c in base]
    return np.stack(columns, axis=-1), flag_columns




# --- decisions in one month -------------------------------------------------------------------


@dataclass(frozen=True)
class _Month:
    """One month's candidate values, gains and threat jumps on a set of paths."""

    values: Values
    gain: np.ndarray  # [P, J, N] r (V - X) - (1 - r_j) a_j
    predicted: np.ndarray  # [J, N] (C - b) / A
    jumps: dict[str, np.ndarray]  # lever -> [J, N] change of X if the threat is carried out
    required: np.ndarray  # [P, J]


@dataclass(frozen=True)
class _Setting:
    """What every month of one set of paths shares."""

    board: Board
    track: _Track
    annuity: np.ndarray  # [J, N]
    threat_p: dict[str, np.ndarray]  # lever -> [N]


def _month(game: _Game, at: _Setting, fitted: Fit | None, t: int,
           weighting: np.ndarray, **switches: bool) -> _Month:
    """Values of the board's packages in month ``t`` (``fitted=None``: frozen at T)."""
    board, track = at.board, at.track
    state = track.state(t)
    J, n = len(game.players), state.war_cost.shape[-1]
    predicted = (np.zeros((J, n)) if fitted is None
                 else fitted.predict(state.features, weighting).T)
    values = board.values(state, predicted, at.annuity, **switches)
    jumps = {}
    if fitted is not None:
        for lever, _ in game.threats:
            f = track.flag_features[lever]
            off = 1.0 - state.features[:, f]
            jumps[lever] = (board.discount * at.annuity * fitted.slope(weighting, f)[:, None]
                            * off * at.threat_p[lever])
            # a threat does not raise the value of the party it is made against
            target = jumps[lever][dict(game.threats)[lever]]
            np.minimum(target, 0.0, out=target)
    return _Month(values=values, gain=values.gain(), predicted=predicted, jumps=jumps,
                  required=board.required)


@dataclass(frozen=True)
class _Offer:
    """A proposer's choice on every path.

    ``package`` (-1: none), whether it is the mediator's plan tabled without
    acceptance, and who refuses it ``[J, N]``.
    """

    package: np.ndarray
    tabled: np.ndarray
    refuses: np.ndarray


def _offers(m: _Month, game: _Game) -> list[_Offer]:
    """Each proposer's offer (MODELS.md 2.5): the accepted package that serves it best."""
    gain, required = m.gain, m.required[:, :, None]
    _, J, n = gain.shape
    rows = np.arange(n)
    threatened = _threatened(m, game)
    out = []
    for player in game.proposer_player:
        mediator = player == game.mediator
        floor = threatened[None] if mediator else 0.0
        accept = (gain >= floor) | ~required
        accept[:, player] = True
        feasible = accept.all(axis=1)  # [P, N]
        score = np.where(feasible, gain[:, player], -np.inf)
        best = score.argmax(axis=0)
        top = score[best, rows]
        chosen = np.isfinite(top) if mediator else top >= 0
        package = np.where(chosen, best, -1)
        tabled = np.zeros(n, dtype=bool)
        refuses = np.zeros((J, n), dtype=bool)
        if mediator and game.plan is not None:
            tabled = ~chosen
            package = np.where(tabled, game.plan, package)
            refuses = tabled[None] & ~accept[game.plan]
        out.append(_Offer(package=package, tabled=tabled, refuses=refuses))
    return out


def _outcome(m: _Month, game: _Game, offer: _Offer, realised: np.ndarray) -> np.ndarray:
    """``[J, N]`` G - b for every player after ``offer``.

    Signed with probability r, or fought on, with the threats against those who
    refused a plan carried out.

    Decisions compare fitted values; the value carried back is the path's own where the
    war goes on (``realised`` = X - b on the path), as in Longstaff & Schwartz (2001), so
    that regression errors are not compounded month after month through the maximum.
    """
    n = m.gain.shape[-1]
    rows = np.arange(n)
    agreed = (offer.package >= 0) & ~offer.tabled
    pick = np.maximum(offer.package, 0)
    values = m.values
    r = values.ratify[pick, rows]
    signed = (r * (values.deal[pick, :, rows].T - realised)
              - (1 - values.own[pick, :, rows].T) * values.audience[pick, :, rows].T)
    out = realised + np.where(agreed[None], signed, 0.0)
    for lever, target in game.threats:
        out += np.where(offer.refuses[target][None], m.jumps[lever], 0.0)
    return out


def _expected(m: _Month, game: _Game, realised: np.ndarray) -> np.ndarray:
    """G - b averaged over the proposers (the backward pass)."""
    offers = _offers(m, game)
    return sum(p * _outcome(m, game, o, realised)
               for p, o in zip(game.proposer_p, offers, strict=True))


def _settle(m: _Month, belligerents: np.ndarray) -> np.ndarray:
    """At T, with the state frozen: the Nash settlement, or war (MODELS.md 2.5).

    The package every veto player weakly prefers to fighting on that maximises r
    times the product of the belligerents' gains. Returns G - b ``[J, N]``.
    """
    values, gain = m.values, m.gain
    rows = np.arange(gain.shape[-1])
    accept = (gain >= 0) | ~m.required[:, :, None]
    deal = values.deal[:, belligerents]
    feasible = accept.all(axis=1) & (deal > 0).all(axis=1)
    score = np.where(feasible, values.ratify * np.prod(np.maximum(deal, 0), axis=1), -np.inf)
    best = score.argmax(axis=0)
    ok = np.isfinite(score[best, rows])
    return np.where(ok[None], gain[best, :, rows].T, 0.0)


# --- the backward pass ---------------------------------------------------------------------------


def _setting(expected: WarPaths, game: _Game, terms: list[dict[str, str]],
             paths_compiled: CompiledScenario, paths: WarPaths, copies: int,
             squares: bool) -> _Setting:
    """The board and track of one set of paths, ``copies`` paths per outer draw."""
    tile = (lambda x: np.tile(x, copies)) if copies > 1 else (lambda x: x)
    board = Board(paths_compiled, game.players, terms, tile(expected.control[0]),
                  tile(expected.area_km2))
    return _Setting(board=board, track=_track(paths_compiled, paths, board, game, squares),
                    annuity=tile(game.annuity),
                    threat_p={lever: paths_compiled.get(f"levers.{lever}.probability")
                              for lever, _ in game.threats})


def _backward(compiled: CompiledScenario, expected: WarPaths, game: _Game,
              terms: list[dict[str, str]], horizon: int, keep: int, options: SolverOptions,
              tell: Progress, replicate: int = 0) -> list[Fit]:
    """Backward induction from T by least-squares Monte Carlo; the fits of months < keep.

    Every fitting path is used for the months a decision can be reported on and a year
    beyond (``keep + FULL_MONTHS``); after that, where discounting has shrunk their weight,
    one path per outer draw (copy 0, the same paths up to then) carries the regressions.
    """
    copies, n = options.fitting_paths, compiled.draws
    fitting, log_m, (mean, sd) = _fitting(compiled, expected, game, terms, copies, replicate)
    full = min(keep + FULL_MONTHS, horizon - 1) if copies > 1 else 0
    long = fitting.subset(n) if copies > 1 else fitting
    long = long.with_months(horizon + 1)
    first = None if log_m is None else log_m[:n]
    paths = simulate_war(long, noise=True, log_m=first)
    at = _setting(expected, game, terms, long, paths, 1, options.squares)
    fits: list[Fit] = [None] * keep  # type: ignore[list-item]
    threat_slopes: dict[int, list[np.ndarray]] = {}
    value = _settle(_month(game, at, None, horizon, game.weighting), at.board.belligerents)
    weights = _Weights(first, mean[:, :n], sd[:, :n], paths)
    value, fitted = _induct(game, at, value, horizon, full, weights, fits, threat_slopes,
                            tell)
    if copies > 1:  # every path from month `full` down
        short = fitting.with_months(full + 1)
        paths = simulate_war(short, noise=True, log_m=log_m)
        at = _setting(expected, game, terms, short, paths, copies, options.squares)
        m = _month(game, at, fitted, full, game.weighting)
        value = _expected(m, game, m.values.war)
        _induct(game, at, value, full, 0, _Weights(log_m, mean, sd, paths), fits,
                threat_slopes, tell)
    return fits


def _induct(game: _Game, at: _Setting, value: np.ndarray, last: int, first: int,
            weights: _Weights, fits: list[Fit], threat_slopes: dict[int, list[np.ndarray]],
            tell: Progress) -> tuple[np.ndarray, Fit]:
    """Months ``last - 1`` down to ``first``: fit C(t) on G(t + 1), then decide at t.

    ``value`` is G - b at month ``last``; returns G - b at ``first`` and its fit.
    ``threat_slopes`` keeps the threats' raw flag coefficients of the months after
    (:func:`_smoothed`).
    """
    board, track = at.board, at.track
    control = track.paths.control

    def base(t: int) -> np.ndarray:  # b(t) = u(t) / (1 - delta), variable regions only
        return (board.territory(control[t]) + board.completion(control[t])
                - track.war_cost[t]) / (1 - board.discount)

    after = base(last)
    fitted = None
    for t in range(last - 1, first - 1, -1):
        now = base(t)
        target = (value + after - now) / at.annuity
        fitted = fit(track.features[t], target.T, weights.at(t))
        fitted = _smoothed(fitted, [track.flag_features[lever] for lever, _ in game.threats],
                           threat_slopes)
        realised = board.discount * at.annuity * target
        value = _expected(_month(game, at, fitted, t, game.weighting), game, realised)
        after = now
        if t < len(fits):
            fits[t] = fitted
        if t % 24 == 0:
            tell("backward induction", 0.8 * (1 - t / max(last, 1)))
    return value, fitted


def _smoothed(fitted: Fit, columns: Sequence[int], history: dict[int, list[np.ndarray]],
              ) -> Fit:
    r"""Month t's fit with each threat's effect pooled over the months that follow.

    A threat's effect on the continuation values, :math:`\hat C(\text{on}) - \hat C(\text{off})`
    (MODELS.md 2.6), is the coefficient of its flag. In the first months only the fitting
    paths on which the lever started early have the flag on, so one month's coefficient
    is estimated on few paths, and its error is common to every path: it moves every
    mediator's offer and every refusal's value together, and is carried back month after
    month. The coefficient used in month t is therefore the mean of the fitted ones of
    months t to t + ``THREAT_SMOOTHING`` - 1 (a moving average, the simplest kernel
    smoother; Hastie, Tibshirani & Friedman 2009, ch. 6), which assumes that the effect
    changes slowly from month to month. ``history`` holds the raw coefficients of the
    months after t, most recent first.

    Hastie, T., Tibshirani, R. & Friedman, J. (2009) *The Elements of Statistical
    Learning*, 2nd ed. Springer, ch. 6.
    """
    for f in columns:
        raw = history.setdefault(f, [])
        raw.insert(0, fitted.coef[:, f] / fitted.scale[f])
        del raw[THREAT_SMOOTHING:]
        fitted = fitted.with_slope(f, np.mean(raw, axis=0))
    return fitted


# --- the forward pass ----------------------------------------------------------------------------


def _forward(compiled: CompiledScenario, expected: WarPaths, fitted: Fitted,
             chosen: dict[int, Strategy], record: bool, truces: bool) -> Equilibrium:
    """Play the game on fresh paths with m from the analyst's belief.

    Each month the drawn proposer offers what its strategy picks (the equilibrium's by
    default), every veto player votes with its own, and an agreed package is ratified
    with probability r. What play does to the war is known only once it is played: a
    threat carried out changes the war from the next month, and a signed deal stops it
    until it collapses, when the war resumes from the deal's control (MODELS.md 2.2,
    2.6). So the paths are played again, each with the events found on it so far (the
    months before an event are unchanged: random streams are consumed month by month),
    until no new event happens: the paths with a new event alone, then all of them once.
    """
    game = fitted.game
    s = compiled.scenario
    window, n = s.horizon_months, compiled.draws
    root = np.random.SeedSequence(compiled.seed, spawn_key=(0x5017E, 1))
    rng = np.random.default_rng(root)
    chooser = np.cumsum(game.proposer_p)
    proposer = np.minimum(np.searchsorted(chooser, rng.random((window, n)) * chooser[-1],
                                          side="right"), len(chooser) - 1)
    luck = _Luck(proposer, *rng.random((2, window, n)), narrow_plan(
        compiled, window, np.random.default_rng(
            np.random.SeedSequence(compiled.seed, spawn_key=(0x5017E, 2)))),
        draw_noise(compiled.with_months(_months(window))))
    events = _Events(n, {lever: np.full(n, NEVER) for lever, _ in game.threats}, ())
    rows = np.arange(n)
    while True:
        everyone = rows.size == n
        if everyone:
            played = _play(compiled, expected, fitted, game, luck, events, chosen, record,
                           truces)
        else:
            played = _play(compiled.take(rows), expected.take(rows), fitted,
                           replace(game, annuity=game.annuity[:, rows]), luck.take(rows),
                           events.take(rows), chosen, False, truces)
        new = played.new.any()
        if everyone and not new.any():
            break
        events = events.updated(rows, played.new)
        # a path whose new event changes the war only after the window (a deal that holds
        # to the end) has no more events: the last play of every path takes it in
        again = played.new.before(window)
        rows = rows[again] if again.any() else np.arange(n)
    return _equilibrium(fitted, game, played, events)


@dataclass(frozen=True)
class _Luck:
    """The forward pass's random draws.

    The proposers and the ratification and collapse uniforms ``[window, N]``, the
    narrow agreements' plan and the war's noise.
    """

    proposer: np.ndarray
    u_ratify: np.ndarray
    u_collapse: np.ndarray
    plan: NarrowPlan
    war: Noise

    def take(self, rows: np.ndarray) -> _Luck:
        return _Luck(self.proposer[:, rows], self.u_ratify[:, rows], self.u_collapse[:, rows],
                     self.plan.take(rows), self.war.take(rows))


@dataclass(frozen=True)
class _New:
    """The first event of each path that its war did not yet reflect, ``[N]`` each.

    ``fired``: the month each threat was carried out (NEVER: not); ``truce``: a deal
    signed and the month it collapsed (``start`` NEVER: none).
    """

    fired: dict[str, np.ndarray]
    truce: Truce

    def any(self) -> np.ndarray:
        """``[N]``: whether the path has a new event."""
        fired = [f < NEVER for f in self.fired.values()]
        return np.any([self.truce.start < NEVER, *fired], axis=0)

    def before(self, month: int) -> np.ndarray:
        """``[N]``: whether the path's new event changes the bargaining before ``month``."""
        fired = [f + 1 < month for f in self.fired.values()]
        return np.any([(self.truce.start < NEVER) & (self.truce.end < month), *fired], axis=0)


@dataclass(frozen=True)
class _Events:
    """What a forward pass knows of each path's play before it simulates the war.

    ``starts``: each conditional threat's start month (NEVER: not carried out);
    ``truces``: the deals signed on the paths, a path's k-th in the k-th.
    """

    draws: int
    starts: dict[str, np.ndarray]
    truces: tuple[Truce, ...]

    def take(self, rows: np.ndarray) -> _Events:
        return _Events(len(rows), {lever: start[rows] for lever, start in self.starts.items()},
                       tuple(truce.take(rows) for truce in self.truces))

    def known(self, t: int) -> np.ndarray:
        """``[N]``: whether a deal signed in month ``t`` is one of the truces."""
        known = np.zeros(self.draws, dtype=bool)
        for truce in self.truces:
            known |= truce.start == t + 1
        return known

    def updated(self, rows: np.ndarray, new: _New) -> _Events:
        """These events and the new ones found on the paths ``rows``."""
        starts = {lever: start.copy() for lever, start in self.starts.items()}
        if new.fired:  # every threat carried out in the month of the earliest
            first = np.min(np.stack(list(new.fired.values())), axis=0)
            for lever, fired in new.fired.items():
                now = (fired < NEVER) & (fired == first)
                starts[lever][rows[now]] = fired[now] + 1
        truces = list(self.truces)
        signed = new.truce.start < NEVER
        layer = np.zeros(len(rows), dtype=int)
        for truce in truces:
            layer += truce.start[rows] < NEVER
        for k in np.unique(layer[signed]):
            if k == len(truces):
                n = self.draws
                truces.append(Truce(np.full(n, NEVER), np.full(n, NEVER),
                                    np.zeros((*new.truce.control.shape[:2], n))))
            into = signed & (layer == k)
            mine = rows[into]
            old = truces[k]
            start, end, control = old.start.copy(), old.end.copy(), old.control.copy()
            start[mine], end[mine] = new.truce.start[into], new.truce.end[into]
            control[..., mine] = new.truce.control[..., into]
            truces[k] = Truce(start, end, control)
        return _Events(self.draws, starts, tuple(truces))
@dataclass(frozen=True)
class _Played:
    """One play of the forward paths, all of them or some (see :func:`_play`)."""

    new: _New
    signed: np.ndarray
    package: np.ndarray
    who: np.ndarray
    collapsed: np.ndarray
    force: np.ndarray
    continuation: np.ndarray
    at: _Setting
    talks: Talks | None
    narrow: NarrowOutcome


def _play(compiled: CompiledScenario, expected: WarPaths, fitted: Fitted, game: _Game,
          luck: _Luck, events: _Events, chosen: dict[int, Strategy], record: bool,
          truces: bool) -> _Played:
    """Play the paths of ``compiled`` month by month, their war made by ``events``.

    A path whose play departs from its events (a threat carried out, a deal signed that
    the war does not reflect yet) is played on until the war would differ (the month
    after the threat, the deal's collapse), and its first such event is returned.
    """
    fits = fitted.fits
    s = compiled.scenario
    window, n, J = s.horizon_months, compiled.draws, len(game.players)
    terms = [dict(c.terms) for c in fitted.candidates]
    plays = [chosen.get(j, EQUILIBRIUM) for j in range(J)]
    bluffs = bluff_amounts(chosen, J)
    forward = compiled.with_months(_months(window)).with_lever_start(events.starts)
    paths = simulate_war(forward, noise=luck.war, truces=events.truces)
    at = _setting(expected, game, terms, forward, paths, 1, fitted.options.squares)
    rows = np.arange(n)
    signed, package, who, collapsed = (np.full(n, -1) for _ in range(4))
    hazard = np.zeros(n)
    holding = np.zeros(n, dtype=bool)
    force = np.zeros((window, n), dtype=bool)
    fired = {lever: np.full(n, NEVER) for lever, _ in game.threats}
    truce_start, truce_end, offered = np.full(n, NEVER), np.full(n, NEVER), np.full(n, -1)
    pending = np.zeros(n, dtype=bool)  # a deal in force that the war does not reflect
    stale = np.zeros(n, dtype=bool)  # the war no longer follows play: stop playing
    continuation = np.zeros((window, J, n))
    history = History.empty(J, n)
    log = _Log(window, J, n) if record else None
    narrow, track = luck.plan.start(), _NarrowTrack(luck.plan)
    for t in range(window):
        # a deal signed before this month collapses at its monthly hazard, lowered by
        # the narrow agreements kept or honoured (trust); the war and bargaining resume
        # from the deal's control (MODELS.md 2.2)
        ends = holding & (luck.u_collapse[t] < hazard * narrow.hazard_factor)
        collapsed = np.where(ends & (collapsed < 0), t, collapsed)
        holding &= ~ends
        truce_end = np.where(ends & pending, t, truce_end)
        stale |= ends & pending
        pending &= ~ends
        m = _month(game, at, fits[t], t, game.weighting)
        continuation[t] = m.predicted
        live = ~holding & ~stale
        known = events.known(t)
        threatened = _threatened(m, game)
        seen = [apply_bluffs(m.gain, bluffs, viewer=j) for j in range(J)]
        made, by = np.full(n, -1), np.where(live, game.proposer_player[luck.proposer[t]], -1)
        for q, k in enumerate(game.proposer_player):
            mine = live & (luck.proposer[t] == q)
            if not mine.any():
                continue
            floor = threatened if k == game.mediator else np.zeros((J, n))
            views = [View(t=t, months=window, player=j, proposer=int(k), gain=seen[j],
                          required=m.required, floor=floor, history=history,
                          mediator=game.mediator, plan=game.plan) for j in range(J)]
            offer = plays[k].offer(views[k])
            agreed, refuses = respond(plays, views, offer)
            agreed &= mine
            made = np.where(mine, offer, made)
            r = m.values.ratify[np.maximum(offer, 0), rows]
            done = agreed & (luck.u_ratify[t] < r)
            first = done & (signed < 0)
            signed[first], package[first], who[first] = t, offer[first], q
            hazard[done] = m.values.hazard[offer[done], rows[done]]
            holding |= done
            fresh = done & ~known & truces  # the war went on here: a truce from t + 1
            truce_start[fresh], offered[fresh] = t + 1, offer[fresh]
            pending |= fresh
            if k == game.mediator:  # a refusal of the mediator's offer
                for lever, target in game.threats:
                    fire = (mine & refuses[target] & forward.lever_active[lever]
                            & (events.starts[lever] == NEVER))
                    fired[lever] = np.where(fire & (fired[lever] == NEVER), t,
                                            fired[lever])
            if log is not None:
                log.note(t, mine, refuses, agreed, done)
        history = history.record(by, made)
        if log is not None:
            log.month(t, by, made, ends, m)
        force[t] = holding
        narrow = luck.plan.step(narrow, holding)
        track.note(narrow)
        stale |= np.any([f == t for f in fired.values()], axis=0) if fired else False
    truce = Truce(truce_start, truce_end, _truce_control(forward, expected, paths, terms,
                                                         truce_start, offered))
    talks = None
    if log is not None:
        log.explain(game, at, fits, terms)
        talks = log.talks(paths, events.starts, game, plays)
    return _Played(new=_New(fired, truce), signed=signed, package=package, who=who,
                   collapsed=collapsed, force=force, continuation=continuation, at=at,
                   talks=talks, narrow=track.outcome(narrow))


def _months(window: int) -> int:
    """Months of the forward paths: the window, and the months the named proposals need."""
    return max(window, START_MONTHS) + 1


def _truce_control(compiled: CompiledScenario, expected: WarPaths, paths: WarPaths,
                   terms: list[dict[str, str]], start: np.ndarray, offered: np.ndarray,
                   ) -> np.ndarray:
    """``[regions, belligerents, N]``: the control under each path's new deal.

    The deal signed in month ``start - 1``, on that month's map (zero where none).
    """
    out = np.zeros(paths.control.shape[1:])
    signed = np.flatnonzero(start < NEVER)
    if signed.size:
        now = paths.control[0].copy()
        now[..., signed] = np.moveaxis(paths.control[start[signed] - 1, :, :, signed], 0, -1)
        for p in np.unique(offered[signed]):
            mine = signed[offered[signed] == p]
            out[..., mine] = deal_control(compiled, expected, terms[p], now=now)[..., mine]
    return out


def _equilibrium(fitted: Fitted, game: _Game, played: _Played, events: _Events
                 ) -> Equilibrium:
    """The forward pass's result, from its last play (of every path)."""
    fits, candidates, at = fitted.fits, fitted.candidates, played.at
    n, J = played.signed.size, len(game.players)
    starts, signed = events.starts, played.signed
    threats = sum(((starts[lever] < NEVER) & ((signed < 0) | (starts[lever] <= signed)))
                  .astype(int) for lever in starts) if starts else np.zeros(n, dtype=int)
    named = fitted.named
    terms = [dict(c.terms) for c in candidates]
    named_at = replace(at, board=at.board.with_packages(terms[:named])) if named else None
    scored = _named(game, named_at, fits) if named_at is not None else None
    zero = np.zeros(J, dtype=int)
    own = _month(game, at, fits[0], 0, game.weighting)
    common = _month(game, at, fits[0], 0, zero)
    now = Now(players=game.players, state=at.track.state(0), own=own.predicted,
              common=common.predicted, annuity=game.annuity)
    return Equilibrium(
        players=game.players, proposers=game.proposers, proposer_probability=game.proposer_p,
        candidates=candidates, solver_horizon=fitted.horizon,
        fitting_paths=fitted.options.fitting_paths,
        months=played.force.shape[0], signed=signed, package=played.package,
        proposer=played.who, collapsed=played.collapsed, force=played.force,
        continuation=played.continuation,
        accept=scored["accept"] if scored else _empty(game, n),
        reasons=scored["reasons"] if scored else _empty(game, n).astype(np.int8),
        required=at.board.required[:named], zone_own=_zone(own), zone_common=_zone(common),
        ratification=scored["ratification"] if scored else np.zeros((0, J, n)),
        hazard=scored["hazard"] if scored else np.zeros((0, n)),
        threats=np.asarray(threats), surplus=scored["surplus"] if scored else None,
        margin=scored["margin"] if scored else None, now=now, talks=played.talks,
        narrow=played.narrow)


class _NarrowTrack:
    """The narrow agreements' months of one forward pass, for :class:`NarrowOutcome`."""

    def __init__(self, plan: NarrowPlan) -> None:
        self.plan = plan
        k, n = len(plan.agreements), plan.draws
        self.kept = np.zeros((k, plan.months, n), dtype=bool)
        self.events = np.zeros((k, plan.months, n), dtype=bool)
        self.factor = np.ones((plan.months, n))

    def note(self, state: NarrowState) -> None:
        t = state.month
        self.kept[:, t], self.events[:, t] = state.kept, state.events
        self.factor[t] = state.hazard_factor

    def outcome(self, state: NarrowState) -> NarrowOutcome:
        plan = self.plan
        return NarrowOutcome(agreements=plan.agreements, belligerents=plan.belligerents,
                             value=plan.value, accepted=plan.accepted,
                             signed_first=state.signed_first, kept=self.kept,
                             events=self.events, hazard_factor=self.factor)


EQUILIBRIUM = EquilibriumStrategy()
"""The strategy every player plays unless told otherwise."""


def _threatened(m: _Month, game: _Game) -> np.ndarray:
    """``[J, N]`` X after a refusal of the mediator's offer, less X (MODELS.md 2.6)."""
    threatened = np.zeros(m.gain.shape[1:])
    for lever, target in game.threats:
        threatened[target] += m.jumps[lever][target]
    return threatened


class _Log:
    """The talks of one forward pass, month by month, for :class:`Talks`."""

    def __init__(self, window: int, players: int, n: int) -> None:
        self.proposer = np.full((window, n), -1, dtype=np.int16)
        self.offered = np.full((window, n), -1, dtype=np.int32)
        self.refused = np.zeros((window, players, n), dtype=bool)
        self.reason = np.zeros((window, players, n), dtype=np.int8)
        self.agreed = np.zeros((window, n), dtype=bool)
        self.ratified = np.zeros((window, n), dtype=bool)
        self.collapsed = np.zeros((window, n), dtype=bool)
        self.gain = np.zeros((window, players, n))

    def note(self, t: int, mine: np.ndarray, refuses: np.ndarray, agreed: np.ndarray,
             done: np.ndarray) -> None:
        self.refused[t] |= mine[None] & refuses
        self.agreed[t] |= agreed
        self.ratified[t] |= done

    def month(self, t: int, by: np.ndarray, made: np.ndarray, ends: np.ndarray, m: _Month,
              ) -> None:
        """The month's proposer, offer, collapse and each player's gain from the offer."""
        self.proposer[t], self.offered[t], self.collapsed[t] = by, made, ends
        rows = np.arange(made.shape[0])
        self.gain[t] = m.gain[np.maximum(made, 0), :, rows].T

    def explain(self, game: _Game, at: _Setting, fits: Sequence[Fit],
                terms: list[dict[str, str]]) -> None:
        """Why each refuser refused, on the paths of the last pass only.

        A refusal the equilibrium responder would have made too gets the binding reason
        of MODELS.md 2.7 (the first of belief, ratification and claim whose removal alone
        turns it into acceptance, else value); one it would not have made is the
        strategy's (code ``len(REASONS)``, "tactic"). Computed once, after the threats'
        replays (a pass that a threat replays is discarded), and only for the packages
        refused that month.
        """
        zero = np.zeros(len(game.players), dtype=int)
        for t in range(self.offered.shape[0]):
            refused = self.refused[t].any(axis=0)
            if not refused.any():
                continue
            by, made = self.proposer[t], self.offered[t]
            distinct = np.unique(made[refused])
            only = replace(at, board=at.board.with_packages([terms[k] for k in distinct]))
            pick = np.searchsorted(distinct, np.where(refused, made, distinct[0]))
            rows = np.arange(made.shape[0])
            m = _month(game, only, fits[t], t, game.weighting)
            tests = [m.gain, _month(game, only, fits[t], t, zero).gain,
                     _month(game, only, fits[t], t, game.weighting, ratification=False).gain,
                     _month(game, only, fits[t], t, game.weighting, claims=False).gain]
            floor = np.where((by == game.mediator)[None], _threatened(m, game), 0.0)
            ok = [g[pick, :, rows].T >= floor for g in tests]
            code = np.select(ok, [len(REASONS), 1, 2, 3], 4).astype(np.int8)
            self.reason[t] = np.where(self.refused[t], code, 0)

    def talks(self, paths: WarPaths, starts: dict[str, np.ndarray], game: _Game,
              plays: list[Strategy]) -> Talks:
        fired = np.full(self.offered.shape, -1, dtype=np.int16)
        for k, (lever, _) in enumerate(game.threats):
            month = starts[lever] - 1
            hit = month < self.offered.shape[0]
            fired[month[hit], np.flatnonzero(hit)] = k
        return Talks(proposer=self.proposer, offered=self.offered, refused=self.refused,
                     reason=self.reason, agreed=self.agreed, ratified=self.ratified,
                     collapsed=self.collapsed, gain=self.gain, fired=fired,
                     threats=tuple(lever for lever, _ in game.threats),
                     strategies=tuple(p.name for p in plays), paths=paths)


def _zone(m: _Month) -> np.ndarray:
    """``[P, N]`` whether every veto player accepts each package against fighting on."""
    return ((m.gain >= 0) | ~m.required[:, :, None]).all(axis=1)


def _empty(game: _Game, n: int) -> np.ndarray:
    return np.zeros((0, START_MONTHS, len(game.players), n), dtype=bool)


def _named(game: _Game, at: _Setting, fits: list[Fit]) -> dict[str, np.ndarray]:
    """Acceptance and binding reasons of the named proposals, start months 0..12."""
    zero = np.zeros(len(game.players), dtype=int)
    accept, reasons, surplus, margin = [], [], [], []
    for t in range(START_MONTHS):
        m = _month(game, at, fits[t], t, game.weighting)
        required = m.required[:, :, None]
        ok = (m.gain >= 0) | ~required
        belief = (_month(game, at, fits[t], t, zero).gain >= 0) | ~required
        ratify = (_month(game, at, fits[t], t, game.weighting, ratification=False).gain
                  >= 0) | ~required
        claim = (_month(game, at, fits[t], t, game.weighting, claims=False).gain
                 >= 0) | ~required
        code = np.select([ok, belief, ratify, claim], [0, 1, 2, 3], 4).astype(np.int8)
        accept.append(ok)
        reasons.append(code)
        v = m.values
        surplus.append(v.deal - v.war[None])
        with np.errstate(divide="ignore", invalid="ignore"):
            margin.append(np.where(v.ratify[:, None] > 0,
                                   (1 - v.own) * v.audience / v.ratify[:, None], np.inf))
        if t == 0:
            first = v
    return {"accept": np.stack(accept, 1), "reasons": np.stack(reasons, 1),
            "surplus": np.stack(surplus, 1), "margin": np.stack(margin, 1),
            "ratification": first.own, "hazard": first.hazard}
