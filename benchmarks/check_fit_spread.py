"""How much the forecast moves with the fitting paths' random numbers alone.

Run: python benchmarks/check_fit_spread.py [--scenario alaska-2025] [--draws 2000]
[--fitting-paths 4] [--fits 4] [--seed 7] [--leverage SEEDS]

The standard errors ``analyze`` reports are over the outer draws of the forward pass
(MODELS.md 2.5): they take the fitted continuation values as given. The fit is itself a
Monte Carlo estimate (least-squares Monte Carlo on the fitting paths, Longstaff &
Schwartz 2001), and the equilibrium's choices are discontinuous in it: a responder
accepts when its gain is not negative, so a small shift of a continuation value moves
every path whose gain is near zero. This check fits the game ``--fits`` times on the same
outer draws, candidates and forward paths, changing only the seed of the fitting paths,
plays each fit forward on the same paths, and compares the spread of P(deal signed
within 12 and 24 months) across fits with the forward pass's own standard error. The
fits are ``analyze --fits``'s (``fit_game``'s ``replicate``).
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
from ceasefire.workflows.prepare import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--fitting-paths", type=int, default=4)
    parser.add_argument("--fits", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--leverage", type=int, default=0, metavar="SEEDS", help=(
        "Instead: the leverage decomposition (500 draws) under this many solver seeds."))
    args = parser.parse_args()
    prepared = prepare(args.scenario, draws=args.draws, rng=args.seed)
    compiled, expected = prepared.compiled, prepared.expected
    options = SolverOptions(fitting_paths=args.fitting_paths)
    first = fit_game(compiled, expected, options)
    if args.leverage:
        leverage_spread(compiled, play(compiled, expected, first), args.leverage)
        return
    rows = []
    for k in range(args.fits):
        start = time.perf_counter()
        # independent fitting paths only (analyze --fits): play() keeps the forward paths
        fitted = first if k == 0 else fit_game(
            compiled, expected, options.model_copy(update={"refine": False}),
            candidates=first.candidates, replicate=k)
        signed = play(compiled, expected, fitted).signed_by()
        rows.append((signed[11].mean(), signed[min(23, len(signed) - 1)].mean()))
        print(f"  fit {k}: P(deal within 12 months) {rows[-1][0]:.3f}, within 24 "
              f"{rows[-1][1]:.3f} ({time.perf_counter() - start:.0f} s)", flush=True)
    p = np.array(rows)
    forward = np.sqrt(p.mean(axis=0) * (1 - p.mean(axis=0)) / args.draws)
    spread = p.std(axis=0, ddof=1) if args.fits > 1 else np.zeros(2)
    print(f"{args.scenario}, {args.draws} draws x {args.fitting_paths} fitting paths, "
          f"{len(first.candidates)} candidates, {args.fits} fits:")
    for j, months in enumerate((12, 24)):
        print(f"  within {months} months: mean {p[:, j].mean():.3f}; sd across fits "
              f"{spread[j]:.3f} against the forward pass's se {forward[j]:.3f} "
              f"({spread[j] / forward[j]:.1f} times)")


def leverage_spread(compiled, equilibrium, seeds: int) -> None:
    """Each factor's effect on P(deal within 12 months) under other solver seeds.

    Both arms of each paired difference share the seed (their fitting and forward paths),
    as in ``analyze``; only the seed changes between rows, so the spread of a factor's
    effect across rows, set against its paired se, shows how much of it is the fit's.
    """
    from ceasefire.bargaining.analysis import _leverage
    from ceasefire.results.stats import difference

    rows: dict[str, list[str]] = {}
    for k in range(seeds):
        seed = compiled.seed if k == 0 else compiled.seed * 1000 + k
        out = _leverage(dataclasses.replace(compiled, seed=seed), 500, equilibrium, workers=2)
        base = out["base"]["within_12"]
        print(f"  seed {seed}: base P(deal within 12 months) {base.mean():.3f}", flush=True)
        for factor, off in out["factors"].items():
            d = difference(base, off["within_12"])
            rows.setdefault(factor, []).append(f"{d.d:+.3f} ± {d.se:.3f}")
    for factor, effects in rows.items():
        print(f"  {factor}: " + ", ".join(effects))


if __name__ == "__main__":
    main()
