"""Benchmarks of the deal space (DESIGN.md section 9.11).

(a) Acceptance of every package of a 4^10 = 1,048,576-package space (40 option columns)
    x 1,000 draws x 2 veto players in float32: values, thresholds and the reduction to
    P(all accept), against a plain BLAS product of the same shape (the physical floor).
(b) The exact Pareto frontier of 1,000,000 anti-correlated points x 4 parties: a
    Dirichlet(1, 1, 1, 1) split times lognormal(0, 0.1) noise (per coordinate), seed 0.

Run: ``python benchmarks/bench_deals.py`` (``--help`` for sizes).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

if "--blas-threads" not in sys.argv:  # threads over chunks, one BLAS thread each
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from ceasefire.bargaining.packages import DealContext, OptionColumns
from ceasefire.bargaining.values import ActorParameters
from ceasefire.deals.evaluate import evaluate_space
from ceasefire.deals.pareto import pareto_front
from ceasefire.deals.space import DealSpace


def synthetic(issues: int, options: int, draws: int, seed: int = 0
              ) -> tuple[DealContext, DealSpace, np.ndarray]:
    """Two belligerents with a veto; one guarantee issue sets the hazard, two issues
    carry concessions with less than full public support."""
    rng = np.random.default_rng(seed)
    actors, columns = 2, issues * options
    names = tuple((f"issue-{i}", f"option-{k}") for i in range(issues) for k in range(options))
    slices = tuple(slice(i * options, (i + 1) * options) for i in range(issues))
    centre = rng.normal(0, 0.02, columns)
    delta = np.stack([centre[:, None] + rng.normal(0, 0.005, (columns, draws)),
                      -0.8 * centre[:, None] + rng.normal(0, 0.005, (columns, draws))])
    flow = rng.normal(0, 0.002, (actors, columns, draws))
    one_off = rng.normal(0.02, 0.05, (actors, columns, draws))
    log_hazard = np.zeros((columns, draws))
    log_hazard[slices[0]] = np.log(np.linspace(1, 0.3, options))[:, None]
    support = np.ones((actors, columns, draws))
    for i in (1, 2):
        support[1, slices[i].start + 1:slices[i].stop] = rng.uniform(0.2, 0.9, (options - 1, draws))
    discount = rng.uniform(0.96, 0.99, (actors, draws))
    survive = 1 - discount * 0.98
    default_value = 1 + discount * (1 / survive
                                    + discount * 0.01 / ((1 - discount) * survive))
    war_value = default_value - rng.normal(0.2, 0.5, (actors, draws))
    cols = OptionColumns(columns=names, issue_slices=slices, flow=flow, one_off=one_off,
                         log_hazard=log_hazard, support=support,
                         delivered_by=np.zeros((actors, columns), dtype=bool))
    params = ActorParameters(actors=("AA", "BB"), side=np.arange(2),
                             discount=discount,
                             margin=np.full((actors, draws), 0.05),
                             casualty_weight=np.zeros((actors, draws)),
                             cost_weight=np.zeros((actors, draws)),
                             value=np.ones((actors, 1, draws)))
    context = DealContext(start=0, columns=cols, territory_delta=delta,
                          territory_now=np.ones((actors, draws)),
                          war_cost=np.full((actors, draws), 0.5), war_value=war_value,
                          opinion_now=np.full((actors, draws), 0.5),
                          opinion_then=np.full((actors, draws), 0.5), params=params,
                          base_hazard=np.full(draws, 0.02))
    space = DealSpace(issues=tuple(f"issue-{i}" for i in range(issues)),
                      options=tuple(tuple(f"option-{k}" for k in range(options))
                                    for _ in range(issues)),
                      defaults=(0,) * issues, offsets=tuple(i * options for i in range(issues)),
                      exclusions=np.zeros((0, 2), dtype=np.int64))
    return context, space, np.array([2, 2])


def bench_acceptance(issues: int, options: int, draws: int, repeat: int,
                     workers: int) -> dict[str, float]:
    context, space, veto = synthetic(issues, options, draws)
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = evaluate_space(context, veto, space, dtype=np.float32, quantile=None,
                                workers=workers)
        best = min(best, time.perf_counter() - start)
    rows = 4096
    a = np.zeros((rows, space.columns), dtype=np.float32)
    a[np.arange(rows)[:, None], np.arange(issues) * options] = 1
    b = np.random.default_rng(1).normal(size=(space.columns, draws)).astype(np.float32)
    out = np.empty((rows, draws), dtype=np.float32)
    blas = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(2):  # two veto players
            for _ in range(0, space.size, rows):
                np.matmul(a, b, out=out)
        blas = min(blas, time.perf_counter() - start)
    return {"packages": space.size, "columns": space.columns, "draws": draws,
            "seconds": best, "blas_seconds": blas, "ratio": best / blas,
            "zone": int((result.p_all >= 0.5).sum())}


def bench_pareto(points: int, parties: int, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    data = rng.dirichlet(np.ones(parties), size=points) * rng.lognormal(
        0, 0.1, size=(points, parties))
    best, size = np.inf, 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = int(pareto_front(data).sum())
        best = min(best, time.perf_counter() - start)
    return {"points": points, "parties": parties, "seconds": best, "front": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=10)
    parser.add_argument("--options", type=int, default=4)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="threads over chunks")
    parser.add_argument("--blas-threads", action="store_true",
                        help="leave BLAS threading as configured (default: one BLAS thread)")
    args = parser.parse_args()
    a = bench_acceptance(args.issues, args.options, args.draws, args.repeat, args.workers)
    b = bench_pareto(args.points, args.parties, args.repeat)
    print(f"{'benchmark':<44} {'seconds':>8}  detail")
    print(f"{'(a) acceptance, float32, 2 veto players':<44} {a['seconds']:8.2f}  "
          f"{a['packages']:,} packages x {a['draws']:,} draws, {a['columns']} columns; "
          f"zone {a['zone']:,}")
    print(f"{'    plain BLAS product of the same shape (1 thread)':<44} {a['blas_seconds']:8.2f}  "
          f"ratio {a['ratio']:.2f}")
    print(f"{'(b) Pareto frontier':<44} {b['seconds']:8.2f}  {b['points']:,} points x "
          f"{b['parties']} parties; front {b['front']:,}")


if __name__ == "__main__":
    main()
