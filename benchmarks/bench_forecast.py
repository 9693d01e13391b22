"""Speed of the forecasting models (plain script; runs on 2 cores).

    python benchmarks/bench_forecast.py [--shared ../shared] [--turns 5] [--threads N]

Reports: SMP wall time to convergence on KTAB's dummyData-a040 and -a080 (KTAB: 7.8 s and
95.6 s with --logmin on 2 cores), SMP milliseconds per turn on dummyData-a160 (KTAB: about
75 s per turn; target here: at most 50 ms), and the EUM on a synthetic 100-actor table for
100 rounds (target: under 0.5 s).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from ceasefire.forecast import EUMOptions, SMPOptions, eum, make_table, read_ktab, smp


def _best_of(repeat: int, run) -> tuple[float, float, object]:
    """Best wall time and best CPU time (all threads) over ``repeat`` runs, and the result."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        out = run()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(os.environ.get("CEASEFIRE_SHARED",
                                  Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default)
    parser.add_argument("--turns", type=int, default=5, help="turns timed at 160 actors")
    parser.add_argument("--threads", type=int, default=None, help="SMP worker threads")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    ktab = args.shared / "peers/ktab"
    print(f"cpus: {os.cpu_count()}, numpy {np.__version__}")
    for name in ("dummyData-a040", "dummyData-a080"):
        table, _ = read_ktab(ktab / f"{name}.csv")
        seconds, cpu, result = _best_of(args.repeat, lambda t=table: smp(t, SMPOptions(
            threads=args.threads)))
        print(f"SMP {name}: {seconds:.3f} s to convergence ({result.turns} turns, "
              f"{1000 * seconds / result.turns:.1f} ms/turn; cpu {cpu:.3f} s)")
    table, _ = read_ktab(ktab / "dummyData-a160.csv")
    seconds, cpu, _ = _best_of(args.repeat, lambda: smp(table, SMPOptions(
        max_turns=args.turns, threads=args.threads)))
    print(f"SMP dummyData-a160: {1000 * seconds / args.turns:.1f} ms/turn "
          f"(first {args.turns} turns, target <= 50; cpu {1000 * cpu / args.turns:.1f} ms/turn)")
    rng = np.random.default_rng(20251125)
    n = 100
    synthetic = make_table(actor_ids=[f"a{i}" for i in range(n)],
                           positions=rng.uniform(0, 100, n), capabilities=rng.uniform(1, 100, n),
                           saliences=rng.uniform(0.1, 1.0, n), scale_low=[0], scale_high=[100])
    options = EUMOptions(max_rounds=100, stable_rounds=0)
    seconds, cpu, result = _best_of(args.repeat, lambda: eum(synthetic, options))
    print(f"EUM 100 actors x {result.turns} rounds: {seconds:.3f} s (target < 0.5; "
          f"cpu {cpu:.3f} s)")


if __name__ == "__main__":
    main()
