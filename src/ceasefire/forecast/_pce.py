"""Votes, coalitions, pairwise victory and Probabilistic Condorcet Elections (KTAB's kmodel).

Shared by the SMP model. The sums run in the same order as KTAB's C++ loops (voters
in index order, starting from the floor), so that near-ties break the same way.

References
----------
Wise, B., Lester, S. & Efird, B. (2015-2019) KTAB, the KAPSARC Toolkit for Behavioral
Analysis, ``KTAB/kmodel`` (MIT licence); restated in ``shared/peers/ktab/ALGORITHM.md`` §2.4.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ceasefire.errors import InputError

__all__ = [
    "COALITION_FLOOR",
    "coalitions",
    "in_blocks",
    "pce",
    "scalar_pce",
    "scalar_pce_many",
    "sequential_sum",
    "victory_probabilities",
    "vote",
]

#: Floor added to every coalition strength in a PCE (avoids 0/0).
COALITION_FLOOR = 1e-8

_VOTING_RULES = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
_VP_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
_PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")


def in_blocks(work: Callable[[int], None], starts: Iterable[int], threads: int | None) -> None:
    """Run ``work(start)`` for every block start, on a few threads.

    numpy releases the GIL inside its array loops, so independent blocks of the O(N^3)
    computations run in parallel; each block writes its own slice of the output, so the
    result is the same whatever the number of threads.
    """
    starts = list(starts)
    if threads is None:  # threads pay off only when there are many blocks
        workers = min(4, os.cpu_count() or 1) if len(starts) >= 16 else 1
    else:
        workers = threads
    if workers <= 1 or len(starts) <= 1:
        for start in starts:
            work(start)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work, start) for start in starts]:
            future.result()


def sequential_sum(start: float | np.ndarray, terms: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sum ``start + terms[0] + terms[1] + ...`` left to right along ``axis``.

    Floating-point addition is not associative; KTAB accumulates in index order, and
    near-ties (for instance a bargain that changes nothing) break on the last bits.
    numpy reduces over the outermost axis of a C-contiguous array row by row, in order
    (pairwise summation is used only along the innermost axis); a unit test pins this.
    """
    terms = np.ascontiguousarray(np.moveaxis(np.asarray(terms, dtype=float), axis, 0))
    if np.ndim(start) == 0:
        return np.add.reduce(terms, axis=0, initial=float(start))
    first = np.broadcast_to(start, terms.shape[1:])[None]
    return np.add.reduce(np.concatenate([first, terms], axis=0), axis=0)


def vote(weight: np.ndarray | float, delta: np.ndarray, rule: str) -> np.ndarray:
    r"""Vote of voters with weight ``w`` for option a over b, given ``delta = u(a) - u(b)``.

    .. math::
        v = w\,\Delta \;(\text{Prop}),\quad w\,\mathrm{clip}(\Delta/10^{-8},-1,1)\;(\text{Binary}),
        \quad w(0.8\Delta + 0.2\,\mathrm{bin})\;(\text{PropBin}),\quad w(0.5\Delta+0.5\Delta^3)
        \;(\text{PropCbc}),\quad w\Delta^3\;(\text{Cubic}),\quad w\Delta\,[\Delta<0] +
        \tfrac23 w\Delta\,[\Delta>0]\;(\text{ASymProsp}).

    References
    ----------
    KTAB ``Model::vote``; ALGORITHM.md §2.4.
    """
    delta = np.asarray(delta, dtype=float)
    if rule == "Prop":
        return weight * delta
    if rule == "Binary":
        return weight * np.clip(delta / 1e-8, -1.0, 1.0)
    if rule == "PropBin":
        return weight * (0.8 * delta + 0.2 * np.clip(delta / 1e-8, -1.0, 1.0))
    if rule == "PropCbc":
        return weight * (0.5 * delta + 0.5 * (delta * delta * delta))
    if rule == "Cubic":
        return weight * (delta * delta * delta)
    if rule == "ASymProsp":
        return np.where(delta < 0, weight * delta, (2.0 / 3.0) * weight * delta)
    raise InputError(f"voting rule {rule!r} is unknown; allowed: {', '.join(_VOTING_RULES)}")


def coalitions(
    utility: np.ndarray, weights: np.ndarray, rule: str, threads: int | None = None
) -> np.ndarray:
    r"""Coalition strengths over options: ``C[a, b]`` backs option a against b.

    .. math:: C(a,b) = 10^{-8} + \sum_k \max\{0, v_k(a,b)\}

    Parameters
    ----------
    utility
        ``[voters, options]``: each voter's utility of each option.
    weights
        ``[voters]``.
    rule
        Voting rule (see :func:`vote`).
    threads
        Worker threads for the blocks (``None``: by CPU count).

    References
    ----------
    KTAB ``Model::coalitions``; ALGORITHM.md §2.4.
    """
    n_opt = utility.shape[1]
    if rule != "ASymProsp":
        # Every other rule is an odd function of the utility difference, so the negative
        # part of the (a, b) vote is exactly the positive part of the (b, a) vote and the
        # full matrix needs one pass; sums run over voters in index order, as in KTAB.
        strength = np.empty((n_opt, n_opt))
        block = max(1, 200_000 // max(1, utility.shape[0] * n_opt))

        def run(start: int) -> None:
            stop = min(n_opt, start + block)
            votes = utility[:, start:stop, None] - utility[:, None, :]
            if rule == "Prop":
                # w max(d, 0) equals max(w d, 0) exactly for w >= 0, in one pass less.
                np.maximum(votes, 0.0, out=votes)
                votes *= weights[:, None, None]
            else:
                votes = vote(weights[:, None, None], votes, rule)
                np.maximum(votes, 0.0, out=votes)
            strength[start:stop] = np.add.reduce(votes, axis=0, initial=COALITION_FLOOR)

        in_blocks(run, range(0, n_opt, block), threads)
        np.fill_diagonal(strength, COALITION_FLOOR)
        return strength
    # [voters, a, b]: KTAB only evaluates a > b (lower triangle) and credits the
    # negative part of that vote to (b, a).
    votes = vote(weights[:, None, None], utility[:, :, None] - utility[:, None, :], rule)
    positive = sequential_sum(COALITION_FLOOR, np.where(votes > 0, votes, 0.0))
    negative = sequential_sum(COALITION_FLOOR, np.where(votes < 0, -votes, 0.0))
    lower = np.tril(np.ones((n_opt, n_opt), dtype=bool), -1)
    strength = np.full((n_opt, n_opt), COALITION_FLOOR)
    strength[lower] = positive[lower]
    strength.T[lower] = negative[lower]
    return strength


def victory_probabilities(strength: np.ndarray, model: str) -> np.ndarray:
    r"""Pairwise victory probabilities ``P[a, b]`` from coalition strengths.

    .. math:: P(a \succ b) = \frac{C(a,b)^n}{C(a,b)^n + C(b,a)^n},\; n = 1, 2, 4, 8

    and ``Binary``: a side with 1.1 times the other's strength wins surely (the loser
    keeps 1e-6 before normalising), otherwise linear in ``r = C(a,b)/(C(a,b)+C(b,a))``.

    References
    ----------
    KTAB ``Model::vProb``; ALGORITHM.md §2.4.
    """
    c1 = strength
    c2 = np.swapaxes(strength, -1, -2)
    if model == "Linear":
        x1, x2 = c1, c2
    elif model == "Square":
        x1, x2 = c1 * c1, c2 * c2
    elif model == "Quartic":
        x1, x2 = (c1 * c1) ** 2, (c2 * c2) ** 2
    elif model == "Octic":
        x1, x2 = ((c1 * c1) ** 2) ** 2, ((c2 * c2) ** 2) ** 2
    elif model == "Binary":
        thresh = 1.10
        ratio = c1 / (c1 + c2)
        mid = (ratio * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c1 >= thresh * c2, 1.0, np.where(c2 >= thresh * c1, 1e-6, mid))
        x2 = np.where(c1 >= thresh * c2, 1e-6, np.where(c2 >= thresh * c1, 1.0, 1.0 - mid))
    else:
        raise InputError(f"victory model {model!r} is unknown; allowed: {', '.join(_VP_MODELS)}")
    prob = x1 / (x1 + x2)
    diag = np.arange(prob.shape[-1])
    prob[..., diag, diag] = 0.5
    return prob


def pce(prob: np.ndarray, model: str, strength: np.ndarray | None = None) -> np.ndarray:
    r"""Probabilistic Condorcet Election: outcome probabilities from pairwise ``P[a, b]``.

    ``Conditional``: :math:`\pi_a \propto \prod_b P(a \succ b)` (diagonal included).
    ``MarkovUniform``: iterate :math:`q_a = \frac1n\sum_b P(a\succ b)(\pi_a+\pi_b)`,
    :math:`\pi \leftarrow (\pi+q)/2` from uniform until the change is below 1e-6.
    ``MarkovIncentive``: challenge incentive :math:`n(a,b) = C(a,b)P(a\succ b)` (+1e-10 on
    the diagonal), :math:`Q(a\to b) = n(a,b)/\sum_k n(k,b)`, iterate
    :math:`q_a = \sum_b P(a\succ b)[\pi_a Q(b\to a) + \pi_b Q(a\to b)]` until below 1e-8.

    References
    ----------
    KTAB ``Model::condPCE``, ``Model::markovPCE``; ALGORITHM.md §2.4.
    """
    n_opt = prob.shape[0]
    if model == "Conditional":
        raw = np.cumprod(prob, axis=1)[:, -1]
        total = sequential_sum(0.0, raw)
        return raw / total
    if model == "MarkovUniform":
        pi = np.full(n_opt, 1.0 / n_opt)
        for _ in range(1000):
            q = (prob * (pi[:, None] + pi[None, :])).sum(axis=1) / n_opt
            new = (pi + q) / 2.0
            change = np.max(np.abs(new - pi))
            pi = new
            if change < 1e-6:
                break
        return pi / pi.sum()
    if model == "MarkovIncentive":
        if strength is None:
            raise InputError("MarkovIncentive PCE needs the coalition strengths")
        incentive = strength * prob + np.diag(np.full(n_opt, 1e-10))
        challenge = incentive / incentive.sum(axis=0, keepdims=True)  # Q[a, b] = Q(a -> b)
        pi = np.full(n_opt, 1.0 / n_opt)
        for _ in range(10000):
            q = (prob * (pi[:, None] * challenge.T + pi[None, :] * challenge)).sum(axis=1)
            new = (pi + q) / 2.0
            new = new / new.sum()
            change = np.max(np.abs(new - pi))
            pi = new
            if change < 1e-8:
                break
        return pi
    raise InputError(f"PCE model {model!r} is unknown; allowed: {', '.join(_PCE_MODELS)}")


def scalar_pce_many(
    utility: np.ndarray, weights: np.ndarray, rule: str, vp_model: str, pce_model: str
) -> np.ndarray:
    """Several independent elections at once: ``utility [voters, elections, options]``.

    Returns ``[elections, options]``; each row equals :func:`scalar_pce` on that slice.
    """
    _, n_el, n_opt = utility.shape
    if rule == "ASymProsp" or pce_model != "Conditional":
        return np.array([scalar_pce(utility[:, g, :], weights, rule, vp_model, pce_model)
                         for g in range(n_el)])
    votes = utility[:, :, :, None] - utility[:, :, None, :]
    if rule == "Prop":  # w max(d, 0) == max(w d, 0) exactly for w >= 0
        np.maximum(votes, 0.0, out=votes)
        votes *= weights[:, None, None, None]
    else:
        votes = vote(weights[:, None, None, None], votes, rule)
        np.maximum(votes, 0.0, out=votes)
    strength = np.add.reduce(votes, axis=0, initial=COALITION_FLOOR)
    diag = np.arange(n_opt)
    strength[:, diag, diag] = COALITION_FLOOR
    prob = victory_probabilities(strength, vp_model)
    raw = np.cumprod(prob, axis=-1)[..., -1]
    total = sequential_sum(0.0, raw, axis=-1)
    return raw / total[:, None]


def scalar_pce(
    utility: np.ndarray, weights: np.ndarray, rule: str, vp_model: str, pce_model: str,
    threads: int | None = None,
) -> np.ndarray:
    """Outcome probabilities of options ``[options]`` given ``utility [voters, options]``."""
    strength = coalitions(utility, weights, rule, threads)
    prob = victory_probabilities(strength, vp_model)
    return pce(prob, pce_model, strength)
