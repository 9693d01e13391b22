"""The packages the solver may offer besides the named proposals (MODELS.md 2.5).

Three steps. *Searched* packages are the month-0 maximisers of weighted sums of the
belligerents' values, ``lam * V_RU / A_RU + (1 - lam) * V_UA / A_UA``, within each *hazard
class* (the packages that agree on every option that changes the collapse hazard:
guarantees, recognition, alignment, arms). Within a class that value is additive over
issues, so each issue takes its best option; a combination that breaks an exclusion is
dropped; the weights run from the compromise outwards. Those values ignore what decides a
vote (ratification, claims, the hazard, the continuation values), so, scored against a
quick first solve, :func:`climb` moves one issue at a time to the packages each proposer
(and the Nash product) prefers on average among those the others accept, and
:func:`ascend` does the same draw by draw from the best package found so far on each
draw, keeping the local maxima that recur on most draws. The full deal space is scored
against the equilibrium, not solved over (``benchmarks/check_candidates.py`` measures how
often the candidates hold the best package of the whole space).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ceasefire.bargaining.board import Board
from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario

__all__ = ["WEIGHTS", "ascend", "candidate_packages", "climb"]

WEIGHTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9)
"""Weights on the first belligerent, from the compromise outwards."""


def candidate_packages(compiled: CompiledScenario, expected: WarPaths,
                       players: Sequence[str], annuity: np.ndarray, *, limit: int,
                       ) -> list[dict[str, str]]:
    """Up to ``limit - len(named)`` searched packages (every issue given), named ones left out.

    ``annuity`` ``[players, draws]`` is each player's war-cost annuity A.
    """
    from ceasefire.bargaining.equilibrium import sanctions_loss

    s = compiled.scenario
    room = limit - len(s.proposals)
    if not s.issues or room <= 0:
        return []
    board = Board(compiled, players, [{}], expected.control[0], expected.area_km2)
    control = expected.control[0]
    territory = board.column_territory(control, board.moved(control))  # [J, C, n]
    delta = board.discount[:, None]
    lost = board.cost_weight * sanctions_loss(compiled, expected, players)[0]  # [J, n]
    value = ((territory + board.flow + board.relief[None] * lost[:, None]) / (1 - delta)
             + board.once) / annuity[:, None]
    bel = board.belligerents
    score = value[bel].mean(axis=-1)  # [B, C]
    hazardous = [i for i, issue in enumerate(s.issues)
                 if any(s.point(o.hazard_factor) != 1 for o in issue.options)]
    offsets = np.cumsum([0] + [len(i.options) for i in s.issues])
    named = {_key(s, p.terms) for p in s.proposals}
    found: list[dict[str, str]] = []
    seen = set(named)
    classes = list(itertools.product(*[range(len(s.issues[i].options)) for i in hazardous]))
    for lam in WEIGHTS:
        weighted = lam * score[0] + (1 - lam) * score[-1]
        for chosen in classes:
            terms = {}
            for i, issue in enumerate(s.issues):
                if i in hazardous:
                    k = chosen[hazardous.index(i)]
                else:
                    k = int(np.argmax(weighted[offsets[i]:offsets[i + 1]]))
                terms[issue.id] = issue.options[k].id
            key = _key(s, terms)
            if key in seen or not _allowed(s, terms):
                continue
            seen.add(key)
            found.append(terms)
            if len(found) >= room:
                return found
    return found


def _key(scenario, terms) -> tuple[str, ...]:
    return tuple(terms.get(i.id, i.default) for i in scenario.issues)


def _allowed(scenario, terms: dict[str, str]) -> bool:
    """Whether no chosen option excludes another chosen option."""
    for issue in scenario.issues:
        option = next(o for o in issue.options if o.id == terms[issue.id])
        for rule in option.excludes:
            if terms.get(rule.issue) == rule.option:
                return False
    return True


def ascend(board: Board, values_of, starts: list[dict[str, str]], proposers: np.ndarray,
           annuity: np.ndarray, limit: int, sweeps: int = 3) -> list[dict[str, str]]:
    """The packages that serve each proposer best on most draws, by per-draw ascent.

    ``values_of(board)`` scores the board's packages (month 0 of a first, quick solve);
    ``proposers`` are the players who propose, ``annuity`` ``[J, N]`` each player's A.
    For every objective (each proposer's
    gain where every other veto player accepts, and the Nash product of the belligerents'
    gains where all accept) and every draw, coordinate ascent starts from the best of
    ``starts`` on that draw and moves one issue at a time to its best allowed option, on
    that draw's values; a package no veto player blocks always beats one some player
    blocks, and among blocked ones the smaller total shortfall wins, so the ascent walks
    towards acceptance. The draws' local maxima are returned, the most frequent first
    (objectives taking turns), at most ``limit``.
    """
    s = board.scenario
    packages: list[dict[str, str]] = []
    index: dict[tuple[str, ...], int] = {}

    def add(p: dict[str, str]) -> int:
        key = _key(s, p)
        if key not in index:
            index[key] = len(packages)
            packages.append(dict(zip([i.id for i in s.issues], key, strict=True)))
        return index[key]

    scores: dict[int, np.ndarray] = {}  # package -> [objectives, N]

    def score(rows: list[int]) -> None:
        new = [r for r in dict.fromkeys(rows) if r not in scores]
        if new:
            trial = board.with_packages([packages[r] for r in new])
            for r, sc in zip(new, _objectives(values_of(trial), trial, proposers, annuity),
                             strict=True):
                scores[r] = sc

    first = [add(dict({i.id: i.default for i in s.issues}, **p)) for p in starts]
    score(first)
    table = np.stack([scores[r] for r in first])  # [S, K, N]
    current = np.asarray(first)[table.argmax(axis=0)]  # [K, N]
    draws = np.arange(current.shape[1])
    for _ in range(sweeps):
        before = current.copy()
        for issue in s.issues:
            distinct = np.unique(current)
            trials = np.full((len(distinct), len(issue.options)), -1)
            for a, r in enumerate(distinct):
                for o, option in enumerate(issue.options):
                    p = dict(packages[r], **{issue.id: option.id})
                    if _allowed(s, p):
                        trials[a, o] = add(p)
            score([r for r in trials.ravel() if r >= 0])
            where = np.searchsorted(distinct, current)  # [K, N]
            for k in range(current.shape[0]):
                rows = trials[where[k]]  # [N, O]
                value = np.stack([np.where(rows[:, o] >= 0, _at(scores, rows[:, o], k, draws),
                                           -np.inf) for o in range(rows.shape[1])], axis=1)
                best = rows[draws, value.argmax(axis=1)]
                current[k] = np.where(best >= 0, best, current[k])
        if np.array_equal(before, current):
            break
    ranked = []
    for k in range(current.shape[0]):
        rows, counts = np.unique(current[k], return_counts=True)
        ranked.append(rows[np.argsort(-counts, kind="stable")].tolist())
    out: list[int] = []
    for turn in itertools.zip_longest(*ranked):
        out += [r for r in turn if r is not None and r not in out]
    return [packages[r] for r in out[:limit]]


def _at(scores: dict[int, np.ndarray], rows: np.ndarray, k: int,
        draws: np.ndarray) -> np.ndarray:
    """Objective ``k`` of package ``rows[n]`` on draw ``n``."""
    return np.array([scores[r][k, n] if r >= 0 else -np.inf
                     for r, n in zip(rows.tolist(), draws.tolist(), strict=True)])


BLOCKED = -1e6
"""Score offset of a package some veto player blocks (below any accepted package)."""


def _objectives(values, board: Board, proposers: np.ndarray,
                annuity: np.ndarray) -> np.ndarray:
    """``[P, K, N]``: each proposer's objective, then the Nash product's, per draw.

    Where the package is blocked, ``BLOCKED`` less the total shortfall of those who
    block it (the proposer's own included), in units of their annuities, so that ascent
    moves towards acceptance and no party's units weigh more than another's.
    """
    gain = values.gain()  # [P, J, N]
    required = board.required[:, :, None]
    short = np.where(required, np.maximum(-gain, 0) / annuity[None], 0)  # [P, J, N]
    out = []
    for player in proposers:
        blocked = (short > 0).any(axis=1)
        out.append(np.where(blocked, BLOCKED - short.sum(axis=1), gain[:, player]))
    bel = board.belligerents
    blocked = (short > 0).any(axis=1)
    out.append(np.where(blocked, BLOCKED - short.sum(axis=1),
                        np.prod(np.maximum(gain[:, bel], 0), axis=1)))
    return np.stack(out, axis=1)


def climb(board: Board, values_of, starts: list[dict[str, str]], proposers: np.ndarray,
           sweeps: int = 3) -> list[dict[str, str]]:
    """Local maxima of each proposer's objective, by coordinate ascent from ``starts``.

    ``values_of(board)`` scores the board's packages (month 0 of a first, quick solve);
    ``proposers`` are the players who propose. Objective ``k`` is the mean over draws of
    proposer ``k``'s expected gain where every other veto player accepts (0 elsewhere),
    and the last one the Nash product of the belligerents' gains where all accept. Each
    sweep moves one issue at a time to its best allowed option, for every start at once.
    """
    s = board.scenario
    found: list[dict[str, str]] = []
    for k in range(len(proposers) + 1):
        current = [dict({i.id: i.default for i in s.issues}, **p) for p in starts]
        for _ in range(sweeps):
            moved = False
            for issue in s.issues:
                trials = [dict(p, **{issue.id: o.id}) for p in current for o in issue.options]
                trials = [p for p in trials if _allowed(s, p)]
                if not trials:
                    continue
                trial = board.with_packages(trials)
                score = _objective(values_of(trial), trial, proposers, k)
                best: dict[tuple, tuple[float, dict[str, str]]] = {}
                for p, value in zip(trials, score, strict=True):
                    key = tuple(v for i, v in p.items() if i != issue.id)
                    if key not in best or value > best[key][0] + 1e-12:
                        best[key] = (value, p)
                new = [best[tuple(v for i, v in p.items() if i != issue.id)][1]
                       if _allowed(s, p) else p for p in current]
                moved |= new != current
                current = new
            if not moved:
                break
        found += current
    return found


def _objective(values, board: Board, proposers: np.ndarray, k: int) -> np.ndarray:
    gain = values.gain()  # [P, J, N]
    accept = (gain >= 0) | ~board.required[:, :, None]
    if k < len(proposers):
        player = proposers[k]
        others = np.delete(accept, player, axis=1).all(axis=1)
        return np.where(others, np.maximum(gain[:, player], 0), 0).mean(axis=-1)
    bel = board.belligerents
    return np.where(accept.all(axis=1), np.prod(np.maximum(gain[:, bel], 0), axis=1),
                    0).mean(axis=-1)
