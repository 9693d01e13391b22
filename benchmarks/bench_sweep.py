"""Benchmark of ``sweep`` (issue 15): draws a second on 1 and K workers, and flat memory.

Run: python benchmarks/bench_sweep.py [--scenario alaska-2025] [--block 2000]
[--blocks 6] [--memory-blocks 2 6] [--workers 2] [--fit-draws 2000]

The game is fitted once (as ``ceasefire sweep`` does); then

- *one worker*: each of ``--memory-blocks`` counts of blocks runs in a fresh child process,
  in process, and reports its peak resident memory (``ru_maxrss``) and its draws a second;
  the peak should not grow with the number of blocks (nothing is kept per block);
- *K workers*: ``--blocks`` blocks on a local Dask cluster of ``--workers`` processes
  (the cluster's start-up included), checked to give the same summary, bit for bit.

The time of 10,000,000 draws is extrapolated from each rate (it excludes the one fit).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cloudpickle
import numpy as np

from ceasefire._memory import keep_freed_memory
from ceasefire.bargaining.equilibrium import SolverOptions, fit_game
from ceasefire.sweep import BlockTask, blocks_root, sweep_blocks
from ceasefire.workflows import prepare, scenario_of

TEN_MILLION = 10_000_000


def _child(task_file: str, blocks: int) -> None:
    """Run ``blocks`` blocks in this fresh process; print seconds and peak RSS (MiB)."""
    keep_freed_memory()
    task = cloudpickle.loads(Path(task_file).read_bytes())
    start = time.perf_counter()
    total = sweep_blocks(task, blocks, root=blocks_root(1))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(task_file + f".{blocks}.npy").write_bytes(cloudpickle.dumps(total))
    print(f"{seconds} {peak}")


def _same(first, second) -> bool:
    return all(np.array_equal(getattr(first, n), getattr(second, n))
               for n in ("signed", "in_force", "narrow", "accept", "all_accept", "histogram",
                         "low", "high")) and np.array_equal(first.control.m2,
                                                            second.control.m2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="alaska-2025")
    parser.add_argument("--block", type=int, default=2000)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--memory-blocks", type=int, nargs="+", default=[2, 6])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fit-draws", type=int, default=2000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    keep_freed_memory()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} at the start")
    scenario = scenario_of(args.scenario)
    start = time.perf_counter()
    base = prepare(scenario, draws=args.fit_draws, rng=1)
    fitted = fit_game(base.compiled, base.expected, SolverOptions())
    fit_s = time.perf_counter() - start
    print(f"fit ({args.fit_draws:,} draws, default solver options): {fit_s:.1f} s")
    task = BlockTask(scenario, fitted, draws=10**12, block=args.block)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        task_file = str(Path(folder) / "task.pkl")
        Path(task_file).write_bytes(cloudpickle.dumps(task))
        summaries = {}
        for blocks in args.memory_blocks:
            out = subprocess.run([sys.executable, __file__, "--child", task_file, str(blocks)],
                                 capture_output=True, text=True, check=True).stdout.split()
            seconds, peak = float(out[-2]), float(out[-1])
            summaries[blocks] = cloudpickle.loads(
                Path(task_file + f".{blocks}.npy").read_bytes())
            rate = blocks * args.block / seconds
            rows.append((f"1 worker, {blocks} blocks", blocks * args.block, seconds, rate,
                         f"{peak:,.0f} MiB"))
        start = time.perf_counter()
        total = sweep_blocks(task, args.blocks, root=blocks_root(1), workers=args.workers)
        seconds = time.perf_counter() - start
        rows.append((f"{args.workers} workers, {args.blocks} blocks (with start-up)",
                     args.blocks * args.block, seconds, args.blocks * args.block / seconds,
                     "-"))
        if args.blocks in summaries:
            print("same summary on 1 and", args.workers, "workers:",
                  _same(total, summaries[args.blocks]))
    print(f"\nblocks of {args.block:,} draws of {args.scenario}")
    print(f"{'run':<42} {'draws':>7} {'s':>7} {'draws/s':>8} {'10M draws':>10} {'peak RSS':>9}")
    for name, draws, seconds, rate, peak in rows:
        hours = TEN_MILLION / rate / 3600
        print(f"{name:<42} {draws:>7,} {seconds:>7.1f} {rate:>8.1f} {hours:>8.1f} h "
              f"{peak:>9}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
