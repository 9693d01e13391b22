"""Simulated negotiations per second: ceasefire's talks against NegMAS's SAO (issue #14).

Run: python benchmarks/bench_negotiate.py [--scenario alaska-2025] [--rounds 100]
[--draws 2000] [--seconds 10] [--seed 7]

Both sides negotiate the same scenario for ``--rounds`` rounds, in the same run:

- **ceasefire**: the scenario with ``horizon_months`` set to ``--rounds`` (100 months of
  talks), its bargaining game fitted once (the backward induction, not timed: like NegMAS's
  utility functions, it is built once and shared by every negotiation), then the forward
  pass :func:`ceasefire.bargaining.equilibrium.play` on ``--draws`` draws, each draw one
  negotiation of ``--rounds`` months among the belligerents, the veto patrons and the
  mediator over the solver's candidate packages, with the war simulated under the talks,
  threats, ratification, collapse and the narrow agreements. Negotiations/s = draws /
  the fastest of three forward passes.
- **NegMAS**: its stacked alternating offers mechanism (SAO) for ``--rounds`` steps among
  the veto players over every allowed package of the scenario's package space, each with
  a time-based negotiator (Boulware, linear, conceder in turn), the utilities exact at one
  draw (``benchmarks/bench_negmas.py``; building the mechanism and the negotiators counts,
  the outcome space and the utility functions do not).

The ratio is printed; the target is at least 100 times NegMAS's rate. Needs the negmas
extra (pip install 'ceasefire[negmas]').
"""

from __future__ import annotations

import argparse
import platform
import time

from bench_negmas import negmas_rate, ours, with_rounds

from ceasefire.interop import build_domain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--domain-draws", type=int, default=200,
                        help="Draws the NegMAS domain's equilibrium is solved on.")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    scenario = with_rounds(args.scenario, args.rounds)
    print(f"{args.scenario}, {args.rounds} rounds; python {platform.python_version()} on "
          f"{platform.machine()}")

    start = time.perf_counter()
    domain = build_domain(scenario, draw=0, draws=args.domain_draws, rng=args.seed)
    print(f"NegMAS domain: {len(domain.outcomes):,} packages, negotiators "
          f"{', '.join(domain.veto_parties)}, zone {int(domain.acceptable.sum()):,} "
          f"(built in {time.perf_counter() - start:.1f} s)")
    rate, runs, agreements = negmas_rate(domain, args.rounds, args.seconds)
    print(f"NegMAS SAO: {rate:,.2f} negotiations/s ({runs} runs, {agreements} agreements)")

    count, elapsed, fit_s = ours(scenario, args.rounds, draws=args.draws, seed=args.seed)
    mine = count / elapsed
    print(f"ceasefire play: {mine:,.0f} negotiations/s ({count:,} draws in {elapsed:.2f} s; "
          f"fit {fit_s:.1f} s, shared, not counted)")
    print(f"ratio: {mine / rate:,.0f} x NegMAS (target: at least 100 x)")


if __name__ == "__main__":
    main()
