"""Simulated negotiations per second: NegMAS's SAO on a scenario's domain (issue #14).

Run: python benchmarks/bench_negmas.py [--scenario tutorial] [--draw 0] [--draws 50]
[--rounds 100] [--seconds 5] [--seed 7]

Needs the negmas extra (pip install 'ceasefire[negmas]'). The domain is the one
``ceasefire export`` writes: every allowed package, each party's exact utility at one
draw. NegMAS runs its stacked alternating offers mechanism (SAO) for ``--rounds`` steps
among the veto players, each with a time-based negotiator (all Boulware, all linear, all
conceder, in turn); one negotiation's cost includes building the mechanism and its
negotiators, not the outcome space and the utility functions (built once, reused).

Our side: :func:`ours` plays the same scenario's talks for ``rounds`` months on a batch of
draws (the forward pass of the bargaining game, :func:`ceasefire.bargaining.equilibrium.play`)
and returns how many negotiations it ran and the seconds the forward pass took; the fit
(the backward induction, like NegMAS's utility functions) is built once and not timed.
``benchmarks/bench_negotiate.py`` runs both on alaska-2025 with a 100-month window.
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Any

from ceasefire.interop import Domain, build_domain


def with_rounds(scenario: Any, rounds: int) -> Any:
    """The scenario (a name, path or Scenario) with a window of ``rounds`` months."""
    from ceasefire.scenario.edit import with_values
    from ceasefire.workflows import scenario_of

    return with_values(scenario_of(scenario), {"horizon_months": rounds})


def ours(scenario: Any, rounds: int, *, draws: int, seed: int, repeat: int = 3,
         ) -> tuple[int, float, float]:
    """Our talks on ``draws`` draws, ``rounds`` months each: ``(runs, play s, fit s)``.

    The game is fitted once (not part of the rate, as NegMAS's utility functions are
    built once); the forward pass is timed ``repeat`` times and the fastest kept, since
    the machine may be shared.
    """
    from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
    from ceasefire.workflows import prepare

    prepared = prepare(with_rounds(scenario, rounds), draws=draws, rng=seed)
    start = time.perf_counter()
    fitted = fit_game(prepared.compiled, prepared.expected, SolverOptions())
    fit_s = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        play(prepared.compiled, prepared.expected, fitted)
        best = min(best, time.perf_counter() - start)
    return draws, best, fit_s


def negmas_rate(domain: Domain, rounds: int, seconds: float, *, least: int = 3,
                ) -> tuple[float, int, int]:
    """NegMAS SAO negotiations per second: ``(rate, runs, agreements)``.

    Runs for at least ``seconds`` and at least ``least`` negotiations.
    """
    from ceasefire.interop.negmas_bridge import (
        CURVES,
        negmas_ufuns,
        negotiate,
        outcome_space,
    )

    space = outcome_space(domain)
    parties = domain.veto_parties
    ufuns = negmas_ufuns(domain, space=space, parties=parties)
    zone = {label for label, ok in zip(domain.labels(), domain.acceptable, strict=True) if ok}
    runs = agreements = 0
    start = time.perf_counter()
    for curve in itertools.cycle(CURVES):
        run = negotiate(domain, dict.fromkeys(parties, curve), rounds=rounds, space=space,
                        ufuns=ufuns, zone=zone)
        runs += 1
        agreements += run.agreement is not None
        elapsed = time.perf_counter() - start
        if runs >= least and elapsed >= seconds:
            return runs / elapsed, runs, agreements
    raise AssertionError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="tutorial")
    parser.add_argument("--draw", type=int, default=0)
    parser.add_argument("--draws", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    start = time.perf_counter()
    domain = build_domain(args.scenario, draw=args.draw, draws=args.draws, rng=args.seed)
    built = time.perf_counter() - start
    print(f"{args.scenario}: {len(domain.outcomes):,} packages, negotiators "
          f"{', '.join(domain.veto_parties)}; zone {int(domain.acceptable.sum()):,}; draw "
          f"{args.draw} of {args.draws} (seed {args.seed}); domain built in {built:.1f} s")
    rate, runs, agreements = negmas_rate(domain, args.rounds, args.seconds)
    print(f"NegMAS SAO, {args.rounds} rounds: {rate:,.2f} negotiations/s "
          f"({runs} runs, {agreements} agreements)")
    count, elapsed, fit_s = ours(args.scenario, args.rounds, draws=args.draws, seed=args.seed)
    mine = count / elapsed
    print(f"ceasefire, {args.rounds} months: {mine:,.0f} negotiations/s ({count:,} runs in "
          f"{elapsed:.2f} s; fit {fit_s:.1f} s, not counted); {mine / rate:,.0f} x NegMAS "
          "(target: at least 100 x)")


if __name__ == "__main__":
    main()
