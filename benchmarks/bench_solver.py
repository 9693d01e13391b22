"""Benchmark of the month-by-month bargaining solver (issue #13, DESIGN 19).

Run: python benchmarks/bench_solver.py [--scenario alaska-2025] [--draws 2000]
[--fitting-paths 4] [--candidates 48] [--repeat 1]

Reports the solve's wall time and its throughput in path-months x candidate packages a
second (the backward pass over the fitting paths plus the forward pass), and the whole
``ceasefire analyze`` at its defaults, whose target is 30 s on two cores (DESIGN 19).
"""

from __future__ import annotations

import argparse
import statistics
import time

from ceasefire._memory import keep_freed_memory
from ceasefire.bargaining.equilibrium import (
    FULL_MONTHS,
    START_MONTHS,
    SolverOptions,
    solve,
)
from ceasefire.workflows import analyze
from ceasefire.workflows.prepare import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--fitting-paths", type=int, default=4)
    parser.add_argument("--candidates", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    keep_freed_memory()
    prepared = prepare(args.scenario, draws=args.draws, rng=1)
    options = SolverOptions(fitting_paths=args.fitting_paths, candidates=args.candidates)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        eq = solve(prepared.compiled, prepared.expected, options)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    window = max(eq.months, START_MONTHS)
    full = min(window + FULL_MONTHS, eq.solver_horizon - 1)
    k = args.fitting_paths
    path_months = (args.draws * (eq.solver_horizon - full) + args.draws * k * (full + 1)
                   + args.draws * eq.months)
    print(f"solve {args.scenario}: {args.draws} outer draws x {k} fitting paths, "
          f"{len(eq.candidates)} candidates, T = {eq.solver_horizon} months")
    print(f"  {seconds:.2f} s; {path_months * len(eq.candidates) / seconds / 1e6:.2f} M "
          "path-month-packages a second")
    start = time.perf_counter()
    analyze(args.scenario, rng=1, draws=args.draws, workers=2)
    print(f"analyze {args.scenario} at {args.draws} draws (no report): "
          f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
