"""How often the solver's candidate set holds the best package of the whole deal space.

Run: python benchmarks/check_candidates.py [--scenario alaska-2025] [--draws 500]
[--candidates 48]

MODELS.md 2.5 offers at most 128 candidates per solve (the named proposals plus searched
ones) and scores the full space against the equilibrium continuation values. This check
takes month 0 of the forward paths (one path-month per draw), scores every package of the
declared space there, and reports the share of path-months in which the best package of
the candidate set is as good as the best of the whole space, for two readings of "best":
the Nash product of the belligerents' gains over the packages every veto player accepts,
and the mediator's gain over the same packages. The issue's target is 99 %.

It also bounds what any fixed candidate set could reach. The best package differs from
path-month to path-month; choosing, with hindsight, the k packages that are best most
often on the first half of the path-months holds the best of the second half in the
share printed as "chosen on one half"; on the sampled path-months themselves, no k
packages can hold more than the k most frequent best packages do (exact where the best
package is unique, whose share is printed); and the Good-Turing estimate of the
probability that a fresh path-month's best package was never the best on any sampled one
(Good 1953: the share of packages seen exactly once) is the share no set drawn from the
sample can hold. Good, I. J. (1953) The population frequencies of species and the estimation of
population parameters. *Biometrika* 40(3-4).

Last, it measures what a search on each path-month would reach instead of a fixed set:
from the candidate set's best package on each path-month, coordinate ascent over the
whole declared space (each issue in turn to its best allowed option on that path-month,
until no issue moves), with the share of path-months where it ends on the best package of
the space and the time it takes (the data for the design decision the 99 % target needs,
docs/model.md 5.5).
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from ceasefire.bargaining.candidates import _allowed
from ceasefire.bargaining.equilibrium import SolverOptions, solve
from ceasefire.workflows.prepare import prepare

CHUNK = 2000


def best(values, required, belligerents, mediator):
    """Per objective (Nash product, mediator's gain): ``[2, P, N]`` over accepted packages."""
    gain = values.gain()  # [P, J, N]
    accept = ((gain >= 0) | ~required[:, :, None]).all(axis=1)
    nash = np.where(accept, np.prod(np.maximum(gain[:, belligerents], 0), axis=1), -np.inf)
    mine = (np.where(accept, gain[:, mediator], -np.inf) if mediator is not None
            else np.full(accept.shape, -np.inf))
    return np.stack([nash, mine])


def hindsight(argbest: np.ndarray, k: int) -> float:
    """Share of the second half's best packages among the first half's ``k`` most frequent."""
    half = len(argbest) // 2
    rows, counts = np.unique(argbest[:half], return_counts=True)
    chosen = rows[np.argsort(-counts, kind="stable")[:k]]
    return float(np.isin(argbest[half:], chosen).mean())


def in_sample(argbest: np.ndarray, k: int) -> float:
    """The most any ``k`` packages can hold: the ``k`` most frequent best packages' share."""
    _, counts = np.unique(argbest, return_counts=True)
    return float(np.sort(counts)[::-1][:k].sum() / len(argbest))


def unseen(argbest: np.ndarray) -> float:
    """Good-Turing: share of path-months whose best package is best on no other one."""
    _, counts = np.unique(argbest, return_counts=True)
    return float((counts == 1).sum() / len(argbest))


def search(scores_of, s, start: list[dict[str, str]], objective: int, sweeps: int = 4
           ) -> list[dict[str, str]]:
    """Coordinate ascent on each path-month from its own package ``start[n]``.

    ``scores_of(packages)`` gives ``[2, P, N]`` (:func:`best`). Every distinct package of
    a step is scored once on every path-month, and each path-month takes its own best.
    """
    current = list(start)
    n = len(current)
    for _ in range(sweeps):
        moved = False
        for issue in s.issues:
            trials = {}
            for p in current:
                for o in issue.options:
                    q = dict(p, **{issue.id: o.id})
                    if _allowed(s, q):
                        trials.setdefault(tuple(sorted(q.items())), q)
            keys, packages = list(trials), list(trials.values())
            score = np.concatenate([scores_of(packages[k:k + CHUNK])[objective]
                                    for k in range(0, len(packages), CHUNK)])  # [T, N]
            index = {key: k for k, key in enumerate(keys)}
            for d in range(n):
                own = [index[tuple(sorted(dict(current[d], **{issue.id: o.id}).items()))]
                       for o in issue.options
                       if _allowed(s, dict(current[d], **{issue.id: o.id}))]
                top = max(own, key=lambda k: (score[k, d], -k))
                here = index[tuple(sorted(current[d].items()))]
                if np.isfinite(score[top, d]) and (not np.isfinite(score[here, d]) or score[
                        top, d] > score[here, d] + 1e-12 * abs(score[here, d])):
                    current[d], moved = packages[top], True
        if not moved:
            break
    return current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--candidates", type=int, default=48)
    args = parser.parse_args()
    prepared = prepare(args.scenario, draws=args.draws, rng=3)
    s, compiled, expected = prepared.scenario, prepared.compiled, prepared.expected
    eq = solve(compiled, expected, SolverOptions(candidates=args.candidates))
    now = eq.now
    belligerents = [now.players.index(b) for b in s.belligerents]
    mediator = (now.players.index(s.bargaining.mediator) if s.bargaining.mediator else None)
    terms = [dict(c.terms) for c in eq.candidates]
    defaults = {i.id: i.default for i in s.issues}
    terms = [dict(defaults, **t) for t in terms]

    def scores_of(packages):
        return best(now.values(compiled, expected, packages),
                    now.required(compiled, expected, packages), belligerents, mediator)

    in_set = scores_of(terms)
    cand = in_set.max(axis=1)
    space = (dict(zip([i.id for i in s.issues], combo, strict=True))
             for combo in itertools.product(*[[o.id for o in i.options] for i in s.issues]))
    space = [p for p in space if _allowed(s, p)]
    start = time.perf_counter()
    whole = np.full((2, args.draws), -np.inf)
    argbest = np.zeros((2, args.draws), dtype=int)
    ties = np.zeros((2, args.draws), dtype=int)  # packages within 1e-9 of the best
    for k in range(0, len(space), CHUNK):
        chunk = space[k:k + CHUNK]
        scores = best(now.values(compiled, expected, chunk),
                      now.required(compiled, expected, chunk), belligerents, mediator)
        top = scores.max(axis=1)
        slack = 1e-9 * np.abs(np.where(np.isfinite(whole), whole, 0))
        better = top > whole + slack
        level = np.where(better, top, whole)[:, None]
        near = (scores >= level - 1e-9 * np.abs(level)).sum(axis=1)
        ties = np.where(better, near, ties + near)
        argbest = np.where(better, scores.argmax(axis=1) + k, argbest)
        whole = np.maximum(whole, top)
    seconds = time.perf_counter() - start

    print(f"{args.scenario}: {len(eq.candidates)} candidates against {len(space):,} packages, "
          f"{args.draws} path-months (month 0), scored in {seconds:.1f} s")
    some = np.isfinite(whole[0])
    print(f"  some package is accepted by every veto player in {some.mean():.0%} of them")
    for o, name in enumerate(("Nash product", "mediator's gain")):
        if not some.any():
            break
        with np.errstate(invalid="ignore"):
            gap = np.where(some, (whole[o] - cand[o]) / np.abs(whole[o]).clip(1e-300), 0)
        exact = (gap <= 1e-9)[some].mean()
        close = (gap <= 0.01)[some].mean()
        k = len(eq.candidates)
        print(f"  {name}: the candidate set holds the best package in {exact:.1%} "
              f"(within 1 % of its value in {close:.1%}); a unique best in "
              f"{(ties[o][some] == 1).mean():.0%}")
        print(f"    any {k} (128) packages: at most {in_sample(argbest[o][some], k):.1%} "
              f"({in_sample(argbest[o][some], 128):.1%}) of these path-months, where the best "
              f"is unique; chosen on one half, {hindsight(argbest[o][some], k):.1%} "
              f"({hindsight(argbest[o][some], 128):.1%}) of the other; Good-Turing unseen "
              f"{unseen(argbest[o][some]):.1%}")
        start = time.perf_counter()
        found = search(scores_of, s, [terms[k] for k in in_set[o].argmax(axis=0)], o)
        reached = scores_of(found)[o][np.arange(len(found)), np.arange(len(found))]
        with np.errstate(invalid="ignore"):
            gap = np.where(some, (whole[o] - reached) / np.abs(whole[o]).clip(1e-300), 0)
        print(f"    a search on each path-month from the set's best: the best package in "
              f"{(gap <= 1e-9)[some].mean():.1%} (within 1 % of its value in "
              f"{(gap <= 0.01)[some].mean():.1%}), {time.perf_counter() - start:.1f} s for "
              f"{args.draws} path-months")


if __name__ == "__main__":
    main()
