"""The solver's vectorised month step against a plain per-path loop (issue #13).

The loop lives in ``benchmarks/bench_solver.py`` (the benchmark times the two against each
other); here it is the correctness half: on a small ``tutorial`` solve, recomputing every
value from scalars path by path gives the same gains, continuation values and offers as
``_month`` and ``_offers`` on all paths at once.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from ceasefire.bargaining.equilibrium import SolverOptions
from ceasefire.workflows.prepare import prepare

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_solver.py"
DRAWS = 120
OPTIONS = SolverOptions(fitting_paths=2, candidates=12)

pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_solver", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def solved(bench):
    p = prepare("tutorial", draws=DRAWS, rng=3)
    eq, fits = bench.solve_with_fits(p.compiled, p.expected, OPTIONS)
    game, at = bench.forward_setting(p.compiled, p.expected, eq, OPTIONS)
    return fits, game, at


@pytest.mark.parametrize("t", [0, 6, 20])
def test_plain_loop_takes_the_solvers_decisions(bench, solved, t):
    fits, game, at = solved
    checked = bench.check_month(game, at, fits[t], t, list(range(DRAWS)))
    vectorised, loop = checked["vectorised"], checked["loop"]
    assert vectorised.shape == (len(game.proposers), DRAWS)
    assert checked["ties"] == 0
    assert np.array_equal(loop, vectorised)
    assert (vectorised >= 0).any(), "no proposer offers anything: the check would be empty"


def test_the_check_fails_on_a_wrong_loop(bench, solved, monkeypatch):
    fits, game, at = solved
    monkeypatch.setattr(bench, "_expit", lambda x: 0.0)  # no collapse hazard at all
    with pytest.raises(AssertionError, match="gains differ"):
        bench.check_month(game, at, fits[0], 0, list(range(DRAWS)))
