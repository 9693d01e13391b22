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
    """Per draw: the best Nash product and the best mediator gain over accepted packages."""
    gain = values.gain()  # [P, J, N]
    accept = ((gain >= 0) | ~required[:, :, None]).all(axis=1)
    nash = np.where(accept, np.prod(np.maximum(gain[:, belligerents], 0), axis=1), -np.inf)
    mine = (np.where(accept, gain[:, mediator], -np.inf) if mediator is not None
            else np.full(accept.shape, -np.inf))
    return nash.max(axis=0), mine.max(axis=0)


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
    cand = best(now.values(compiled, expected, terms),
                now.required(compiled, expected, terms), belligerents, mediator)
    space = (dict(zip([i.id for i in s.issues], combo, strict=True))
             for combo in itertools.product(*[[o.id for o in i.options] for i in s.issues]))
    space = [p for p in space if _allowed(s, p)]
    start = time.perf_counter()
    full_nash = np.full(args.draws, -np.inf)
    full_mine = np.full(args.draws, -np.inf)
    for k in range(0, len(space), CHUNK):
        chunk = space[k:k + CHUNK]
        nash, mine = best(now.values(compiled, expected, chunk),
                          now.required(compiled, expected, chunk), belligerents, mediator)
        full_nash, full_mine = np.maximum(full_nash, nash), np.maximum(full_mine, mine)
    seconds = time.perf_counter() - start

    def share(candidate, whole):
        some = np.isfinite(whole)
        tolerance = 1e-9 * np.maximum(np.abs(whole), 1.0)
        return (candidate >= whole - tolerance)[some].mean() if some.any() else 1.0, some.mean()

    print(f"{args.scenario}: {len(eq.candidates)} candidates against {len(space):,} packages, "
          f"{args.draws} path-months (month 0), scored in {seconds:.1f} s")
    for name, c, w in (("Nash product", cand[0], full_nash),
                       ("mediator's gain", cand[1], full_mine)):
        hit, some = share(c, w)
        print(f"  {name}: the candidate set holds the best package in {hit:.1%} of the "
              f"{some:.0%} path-months where some package is accepted by every veto player")


if __name__ == "__main__":
    main()
