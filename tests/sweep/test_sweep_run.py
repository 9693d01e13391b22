"""``run_sweep``: the same numbers wherever the blocks run, a lost worker changes nothing,
memory does not grow with the number of blocks, and the result reads back exactly."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from helpers_sweep import REGIONS, SIDES, fake_equilibrium

from ceasefire.bargaining.equilibrium import SolverOptions, fit_game
from ceasefire.errors import InputError
from ceasefire.results import SweepResult, load_result
from ceasefire.sweep import BlockTask, blocks_root, run_sweep, summarise_block, sweep_blocks
from ceasefire.workflows import prepare, scenario_of

SMALL = SolverOptions(candidates=12, fitting_paths=2)
SWEEP = {"draws": 250, "block": 100, "rng": 3, "fit_draws": 100, "solver": SMALL}


def _numbers(result: SweepResult) -> dict:
    """The document less ``run`` (where it ran and how long it took)."""
    document = result.to_dict()
    document.pop("run")
    return document


@pytest.fixture(scope="module")
def here() -> SweepResult:
    return run_sweep("tutorial", **SWEEP)


@pytest.fixture(scope="module")
def task() -> BlockTask:
    """Blocks of 20 draws of the tutorial, played on one small fit."""
    scenario = scenario_of("tutorial")
    base = prepare(scenario, draws=100, rng=5)
    return BlockTask(scenario, fit_game(base.compiled, base.expected, SMALL), draws=10**6,
                     block=20)


def _same(first, second) -> bool:
    return (first.draws == second.draws and first.control.count == second.control.count
            and all(np.array_equal(getattr(first, name), getattr(second, name))
                    for name in ("signed", "in_force", "narrow", "accept", "all_accept",
                                 "histogram", "low", "high"))
            and np.array_equal(first.control.mean, second.control.mean)
            and np.array_equal(first.control.m2, second.control.m2))


# --- the result -----------------------------------------------------------------------------


def test_the_result_reads_back_exactly_and_says_its_answer(here):
    document = json.loads(json.dumps(here.to_dict(), allow_nan=False))
    assert load_result(document) == here
    assert here.kind == "sweep" and here.draws == 250 and here.seed == 3
    assert here.block == 100 and here.blocks == 3  # the last block holds the 50 left
    assert here.headline() in repr(here)
    assert "wall_s" in here.run and here.run["where"] == "in process"
    for table in SweepResult.TABLES:
        assert len(here.to_frame(table)) > 0, table


def test_probabilities_are_consistent(here):
    signed = [e.p for e in here.by_month.values()]
    assert signed == sorted(signed)  # cumulative
    assert all(f.p <= s.p + 1e-12 for f, s in zip(here.in_force.values(), here.by_month.values(),
                                                   strict=True))
    assert sum(p.p.p for p in here.packages) == pytest.approx(signed[-1])
    for region in here.control.values():
        shares = list(region.values())
        assert sum(d.mean for d in shares) == pytest.approx(1.0)
        assert all(sum(d.histogram) == 250 and d.p10 <= d.p50 <= d.p90 for d in shares)
        assert all(d.se == pytest.approx(d.sd / np.sqrt(250)) for d in shares)


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(here):
    assert _numbers(run_sweep("tutorial", **SWEEP)) == _numbers(here)
    other = run_sweep("tutorial", **{**SWEEP, "rng": 4})
    assert _numbers(other) != _numbers(here)


@pytest.mark.parametrize(("change", "option"), [
    ({"draws": 0}, "--draws"), ({"block": 0}, "--block"), ({"fit_draws": 0}, "--fit-draws"),
    ({"workers": 0}, "--workers"), ({"workers": 2, "scheduler": "tcp://127.0.0.1:1"},
                                    "--workers"),
    ({"scheduler": "tcp://127.0.0.1:1"}, "--scheduler"),
])
def test_bad_options_are_refused_before_any_work(change, option, monkeypatch):
    def no_fit(*args, **kwargs):
        raise AssertionError("the game was fitted before the options were checked")

    monkeypatch.setattr("ceasefire.bargaining.equilibrium.fit_game", no_fit)
    with pytest.raises(InputError, match=option):
        run_sweep("tutorial", **{**SWEEP, **change})


# --- memory ---------------------------------------------------------------------------------


def _peak(task, blocks: int) -> int:
    tracemalloc.start()
    try:
        sweep_blocks(task, blocks, root=blocks_root(1))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def synthetic_block(k: int, seed: np.random.SeedSequence):
    """A block summary of the shapes of a real one, from a stand-in forward pass."""
    rng = np.random.default_rng(seed)
    return summarise_block(fake_equilibrium(rng, 2000), rng.random((REGIONS, SIDES, 2000)))


def test_the_reduction_holds_nothing_per_block():
    _peak(synthetic_block, 2)
    few, many = _peak(synthetic_block, 20), _peak(synthetic_block, 80)
    assert many < 1.05 * few + 64 * 1024, (few, many)


@pytest.mark.slow
def test_peak_memory_of_the_engine_does_not_grow_with_the_number_of_blocks(task):
    _peak(task, 1)  # warm the caches of the first call
    few, many = _peak(task, 3), _peak(task, 12)
    assert many < 1.1 * few + 256 * 1024, (few, many)


# --- anywhere: local processes, a cluster, a lost worker --------------------------------------


def test_two_local_processes_give_the_same_numbers(here):
    pytest.importorskip("distributed")
    on_two = run_sweep("tutorial", **SWEEP, workers=2)
    assert on_two.run["where"] == "2 local processes"
    assert _numbers(on_two) == _numbers(here)


@pytest.mark.slow
def test_a_cluster_at_a_scheduler_address_gives_the_same_numbers(here):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_cluster = run_sweep("tutorial", **SWEEP, scheduler=cluster.scheduler_address)
    assert on_cluster.run["scheduler"] == cluster.scheduler_address
    assert _numbers(on_cluster) == _numbers(here)


class DiesOnce:
    """A block task whose worker process dies the first time it starts block ``fatal``."""

    def __init__(self, task: BlockTask, fatal: int, marker: Path) -> None:
        self.task, self.fatal, self.marker = task, fatal, marker

    def __call__(self, k: int, seed: np.random.SeedSequence):
        if k == self.fatal and not self.marker.exists():
            self.marker.touch()
            os._exit(1)  # the worker is lost mid-sweep, with its blocks in flight
        return self.task(k, seed)


@pytest.mark.slow
def test_a_worker_lost_mid_sweep_changes_nothing(task, tmp_path):
    pytest.importorskip("distributed")
    marker = tmp_path / "died"
    expected = sweep_blocks(task, 8, root=blocks_root(2))
    survived = sweep_blocks(DiesOnce(task, 3, marker), 8, root=blocks_root(2), workers=2)
    assert marker.exists()  # a worker did die
    assert _same(survived, expected)
