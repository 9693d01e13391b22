"""Simulated negotiations per second: NegMAS's SAO on a scenario's domain (issue #14).

Run: python benchmarks/bench_negmas.py [--scenario tutorial] [--draw 0] [--draws 50]
[--rounds 100] [--seconds 5] [--seed 7]

Needs the negmas extra (pip install 'ceasefire[negmas]'). The domain is the one
``ceasefire export`` writes: every allowed package, each party's exact utility at one
draw. NegMAS runs its stacked alternating offers mechanism (SAO) for ``--rounds`` steps
among the veto players, each with a time-based negotiator (all Boulware, all linear, all
conceder, in turn); one negotiation's cost includes building the mechanism and its
negotiators, not the outcome space and the utility functions (built once, reused).

Our side: :func:`ours` takes the same domain and round count, runs a batch of
negotiations of that many rounds, and returns how many it ran; the benchmark times the
call. It is a stub until the negotiation engine lands (issue #14, target: at least 100
times NegMAS's rate), and the benchmark says so.
"""

from __future__ import annotations

import argparse
import itertools
import time

from ceasefire.interop import Domain, build_domain


def ours(domain: Domain, rounds: int) -> int:
    """Run a batch of ``rounds``-round negotiations on ``domain``; return how many ran."""
    raise NotImplementedError("ceasefire's own negotiation engine is not plugged in yet")


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
    try:
        start = time.perf_counter()
        count = ours(domain, args.rounds)
        elapsed = time.perf_counter() - start
    except NotImplementedError as error:
        print(f"ceasefire: not measured ({error})")
        return
    mine = count / elapsed
    print(f"ceasefire, {args.rounds} rounds: {mine:,.0f} negotiations/s ({count:,} runs); "
          f"{mine / rate:,.0f} x NegMAS (target: at least 100 x)")


if __name__ == "__main__":
    main()
