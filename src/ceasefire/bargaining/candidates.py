"""The packages the solver may offer besides the named proposals (MODELS.md 2.5).

Two steps. *Searched* packages are the month-0 maximisers of weighted sums of the
belligerents' values, ``lam * V_RU / A_RU + (1 - lam) * V_UA / A_UA``, within each *hazard
class* (the packages that agree on every option that changes the collapse hazard:
guarantees, recognition, alignment, arms). Within a class that value is additive over
issues, so each issue takes its best option; a combination that breaks an exclusion is
dropped; the weights run from the compromise outwards. Those values ignore what decides a
vote (ratification, claims, the hazard, the continuation values), so :func:`refine` then
climbs, one issue at a time, to the packages each proposer (and the Nash product) prefers
among those the others accept, scored against a quick first solve. The full deal space is
scored against the equilibrium, not solved over.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ceasefire.bargaining.board import Board
from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario

__all__ = ["WEIGHTS", "candidate_packages"]

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


def refine(board: Board, values_of, starts: list[dict[str, str]], proposers: np.ndarray,
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
