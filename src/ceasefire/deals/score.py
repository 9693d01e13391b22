r"""Every package of the space scored against the equilibrium continuation values.

A package signed at month 0 is accepted by veto player j on a path when its expected
gain of signing over fighting on, :math:`r (V_j - X_j) - (1 - r_j) a_j`, is not negative
(MODELS.md 2.5), with :math:`X_j = u_j + \delta_j C_j` the equilibrium value of fighting
this month and bargaining again. The values are those of
:meth:`ceasefire.bargaining.equilibrium.Now.values` (the board of the solver's forward
paths at month 0), computed chunk by chunk: the zone of agreement of ``deals`` is the
solver's own zone (``Equilibrium.zone_own``) extended to the whole declared space.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from ceasefire.bargaining.board import Board, MonthState
from ceasefire.deals.evaluate import SpaceValues
from ceasefire.deals.space import DealSpace
from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario

__all__ = ["CELLS", "MIN_DRAWS", "PACKAGE_DRAWS", "score_draws", "score_packages", "subset_now"]

CELLS = 1 << 21
"""Elements (packages x players x draws) of one chunk: 16 MB per float64 array, so that
the board's temporaries stay well under 1 GB."""
PACKAGE_DRAWS = 20_000_000
"""Packages x draws scored at most by default (about a minute for alaska-2025)."""
MIN_DRAWS = 100
"""Draws the space is scored on at least (fewer only when the run has fewer)."""


def score_draws(packages: int, draws: int, requested: int | None = None) -> int:
    """Draws the space is scored on: ``requested``, or all unless the space is large.

    By default every draw, unless ``packages x draws`` exceeds :data:`PACKAGE_DRAWS`;
    then the first ``PACKAGE_DRAWS // packages`` draws (at least :data:`MIN_DRAWS`).
    """
    if requested is not None:
        return max(1, min(requested, draws))
    if packages * draws <= PACKAGE_DRAWS:
        return draws
    return max(1, min(draws, max(MIN_DRAWS, PACKAGE_DRAWS // max(packages, 1))))


def subset_now(now: object, draws: int) -> object:
    """The month-0 state of the equilibrium (a ``Now``) on its first ``draws`` draws."""
    state = now.state
    return replace(now, state=MonthState(
        control=state.control[..., :draws], war_cost=state.war_cost[..., :draws],
        lost=state.lost[..., :draws], opinion_shift=state.opinion_shift[..., :draws],
        features=state.features[:draws]), own=now.own[..., :draws],
        common=now.common[..., :draws], annuity=now.annuity[..., :draws])


@dataclass(frozen=True)
class _Setting:
    compiled: CompiledScenario
    summit: np.ndarray
    area: np.ndarray
    now: object
    columns: np.ndarray  # actor column of each player
    actors: int
    quantile: float | None


def score_packages(now: object, compiled: CompiledScenario, expected: WarPaths,
                   space: DealSpace, options: Iterable[np.ndarray] | np.ndarray, *,
                   quantile: float | None = 0.1, workers: int = 1, canonical: bool = False,
                   ) -> SpaceValues:
    """Score packages (option indices ``[P, issues]``, or chunks of them) at month 0.

    Parameters
    ----------
    now
        ``Equilibrium.now`` (possibly cut to its first draws by :func:`subset_now`);
        ``compiled`` and ``expected`` must have the same draws.
    compiled, expected
        The scenario's draws and their noise-free paths (the map the lines are drawn on).
    space
        The package space the option indices refer to.
    options
        ``[P, issues]`` option indices, or an iterable of such chunks.
    quantile
        Quantile over draws of the robust score (None: skip it).
    workers
        Threads over chunks (results do not depend on it).
    canonical
        Sort the rows by package number (else they keep the order given).

    Returns
    -------
    SpaceValues
        Columns are the scenario's actors; actors the solver does not model have no
        acceptance (-1) and zero surplus. ``all_count`` is on the parties' own beliefs,
        ``common_count`` on the analyst's; ``robust`` the ``quantile`` over draws of the
        least gain in annuity units, min over the required veto players of
        :math:`(r (V_j - X_j) - (1 - r_j) a_j) / A_j`.
    """
    s = compiled.scenario
    actor_ids = [a.id for a in s.actors]
    draws = compiled.draws
    setting = _Setting(compiled=compiled, summit=expected.control[0], area=expected.area_km2,
                       now=now, columns=np.array([actor_ids.index(p) for p in now.players]),
                       actors=len(actor_ids), quantile=quantile)
    if isinstance(options, np.ndarray):
        options = np.asarray(options, dtype=np.int64).reshape(-1, len(space.issues))
        rows = max(1, CELLS // max(len(now.players) * draws, 1))
        chunks = [options[k:k + rows] for k in range(0, len(options), rows)]
    else:
        chunks = [c for c in options if len(c)]
    work = [(space, c) for c in chunks]
    if workers > 1 and len(work) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda w: _chunk(setting, *w), work))
    else:
        results = [_chunk(setting, *w) for w in work]
    if not results:
        n = len(actor_ids)
        return SpaceValues(codes=np.zeros(0, np.int64), accept_count=np.zeros((0, n), np.int64),
                           all_count=np.zeros(0, np.int64), mean_surplus=np.zeros((0, n)),
                           required=np.zeros((0, n), bool),
                           robust=None if quantile is None else np.zeros(0), draws=draws,
                           quantile=quantile, common_count=np.zeros(0, np.int64))
    parts = [np.concatenate([r[k] for r in results]) for k in range(6)]
    robust = None if quantile is None else np.concatenate([r[6] for r in results])
    codes = parts[0]
    if canonical:
        order = np.argsort(codes, kind="stable")
        parts = [p[order] for p in parts]
        robust = None if robust is None else robust[order]
    codes, accept, all_count, common_count, mean, required = parts
    return SpaceValues(codes=codes, accept_count=accept, all_count=all_count,
                       mean_surplus=mean, required=required, robust=robust, draws=draws,
                       quantile=quantile, common_count=common_count)


def _chunk(setting: _Setting, space: DealSpace, options: np.ndarray) -> tuple:
    """Counts, surpluses, vetoes and robust score of one chunk of packages."""
    now = setting.now
    packages = [space.terms(o) for o in options]
    # the board of ``Now.values`` and ``Now.required``, built once for both beliefs
    board = Board(setting.compiled, now.players, packages, setting.summit, setting.area)
    own = board.values(now.state, now.own, now.annuity)
    common = board.values(now.state, now.common, now.annuity)
    need = board.required[:, :, None]  # [P, J, 1]
    gain = own.gain()  # [P, J, N]
    ok = gain >= 0
    n_rows, n_actors = len(options), setting.actors
    accept = np.full((n_rows, n_actors), -1, dtype=np.int64)
    accept[:, setting.columns] = ok.sum(axis=2)
    all_count = (ok | ~need).all(axis=1).sum(axis=1)
    common_count = ((common.gain() >= 0) | ~need).all(axis=1).sum(axis=1)
    mean = np.zeros((n_rows, n_actors))
    mean[:, setting.columns] = (own.deal - own.war[None]).mean(axis=2)
    required = np.zeros((n_rows, n_actors), dtype=bool)
    required[:, setting.columns] = board.required
    robust = None
    if setting.quantile is not None:
        least = np.where(need, gain / now.annuity[None], np.inf).min(axis=1)  # [P, N]
        kth = int(np.floor(setting.quantile * (least.shape[1] - 1)))
        robust = np.partition(least, kth, axis=1)[:, kth]
    return (space.encode(options), accept, all_count, common_count, mean, required, robust)
