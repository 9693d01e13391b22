"""Benchmarks of the bargaining core (issue #3): dynamics throughput and analyze end to end.

Run: python benchmarks/bench_core.py [--scenario alaska-2025] [--draws 10000]
[--analyze-draws 2000] [--repeat 3] [--workers 2]

Targets on 2 cores: dynamics at least 20 million region-month-draw updates a second;
``analyze`` at its defaults (2,000 draws, the bargaining solver included) within 30 s
with the report (DESIGN 19; the dynamics alone within DESIGN 12's 5 s).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ceasefire._memory import keep_freed_memory
from ceasefire.dynamics import simulate_war
from ceasefire.scenario import load_scenario
from ceasefire.scenario.compile import compile_scenario
from ceasefire.workflows import analyze


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result.

    The previous result is dropped before each call, so a call reuses the memory the one
    before it freed, as a long-running process (a server, a sweep) would.
    """
    times, out = [], None
    for _ in range(repeat):
        out = None
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--analyze-draws", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    keep_freed_memory()
    scenario = load_scenario(args.scenario)
    compiled = compile_scenario(scenario, draws=args.draws, rng=1)
    regions = len(scenario.regions)
    fronts = sum(r.front is not None for r in scenario.regions)
    rows = []
    for noise in (False, True):
        seconds, _ = timed(lambda noise=noise: simulate_war(compiled, noise=noise), args.repeat)
        updates = regions * compiled.months * args.draws
        rows.append((f"dynamics ({'realised' if noise else 'expected'} path)", seconds,
                     f"{updates / seconds / 1e6:.1f} M region-month-draws/s "
                     f"({regions} regions, {fronts} fronts, {compiled.months} months)"))
    seconds, _ = timed(lambda: compile_scenario(scenario, draws=args.draws, rng=1), args.repeat)
    rows.append(("compile (sample parameters)", seconds, ""))

    def end_to_end() -> object:
        from ceasefire.report import write_report

        result = analyze(scenario, rng=1, draws=args.analyze_draws, workers=args.workers)
        result.to_json()
        with tempfile.TemporaryDirectory() as folder:
            write_report(result, scenario, Path(folder))
        return result

    seconds, result = timed(end_to_end, args.repeat)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in result.run["wall_s"].items())
    rows.append((f"analyze {args.analyze_draws} draws + report", seconds, f"({parts} s)"))
    print(f"{'benchmark':<40} {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<40} {seconds:8.3f}  {note}")


if __name__ == "__main__":
    main()
