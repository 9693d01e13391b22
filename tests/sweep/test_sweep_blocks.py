"""The block runner: one seed per block, results in block order, bounded work in flight."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pytest

from ceasefire.errors import InputError, ModelError
from ceasefire.sweep import block_seed, check_scheduler, run_blocks


def draw(k: int, seed: np.random.SeedSequence) -> tuple[int, float]:
    """A block's stand-in: its index and a number drawn from its own seed."""
    return k, float(np.random.default_rng(seed).standard_normal(1000).sum())


class Marking:
    """A task that leaves a file per block it starts (to see what was in flight)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, k: int, seed: np.random.SeedSequence) -> tuple[int, float]:
        (self.folder / f"started-{k}").touch()
        return draw(k, seed)


def test_block_seeds_are_the_roots_children_and_leave_it_unchanged():
    root = np.random.SeedSequence(2024)
    children = np.random.SeedSequence(2024).spawn(6)
    for k, child in enumerate(children):
        assert np.array_equal(block_seed(root, k).generate_state(4), child.generate_state(4))
    assert root.n_children_spawned == 0


def test_in_process_blocks_come_in_order_with_progress():
    seen = []
    results = list(run_blocks(draw, 5, root=np.random.SeedSequence(1),
                              progress=lambda done, total: seen.append((done, total))))
    assert [k for k, _ in results] == [0, 1, 2, 3, 4]
    assert [value[0] for _, value in results] == [0, 1, 2, 3, 4]
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_a_block_depends_only_on_its_index_and_the_root():
    root = np.random.SeedSequence(7)
    few = dict(run_blocks(draw, 3, root=root))
    many = dict(run_blocks(draw, 9, root=root))
    assert all(few[k] == many[k] for k in few)


@pytest.mark.parametrize(("kwargs", "option"), [
    ({"workers": 0}, "--workers"),
    ({"workers": -2}, "--workers"),
    ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, "--scheduler"),
])
def test_bad_placement_is_refused_at_once(kwargs, option):
    with pytest.raises(InputError, match=option):
        run_blocks(draw, 3, root=np.random.SeedSequence(0), **kwargs)


def test_no_blocks_is_refused():
    with pytest.raises(InputError, match="blocks"):
        run_blocks(draw, 0, root=np.random.SeedSequence(0))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_scheduler_that_does_not_answer_is_named_with_the_fix():
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(InputError) as caught:
        check_scheduler(address, timeout=2)
    message = str(caught.value)
    assert "--scheduler" in message and address in message and "dask scheduler" in message


@pytest.mark.parametrize("address", ["nowhere", "http://host:8786", "tcp://host"])
def test_a_malformed_scheduler_address_is_refused(address):
    with pytest.raises(InputError, match=r"--scheduler.*tcp://HOST:PORT"):
        check_scheduler(address)


def test_a_listening_scheduler_address_is_normalised():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert check_scheduler(f"127.0.0.1:{port}") == f"tcp://127.0.0.1:{port}"


def test_local_processes_give_the_same_blocks_in_order_with_bounded_work_in_flight(tmp_path):
    pytest.importorskip("distributed")
    root = np.random.SeedSequence(11)
    here = list(run_blocks(draw, 24, root=root))
    window = 3
    started_then = []
    results = []
    for k, value in run_blocks(Marking(tmp_path), 24, root=root, workers=2, window=window):
        started = {int(p.name.split("-")[1]) for p in tmp_path.glob("started-*")}
        started_then.append(max(started))
        results.append((k, value))
    assert results == here
    # when block k is handed back, no block past k + window has been submitted
    assert all(latest <= k + window for k, latest in enumerate(started_then))


def always_dies(k: int, seed: np.random.SeedSequence) -> None:
    """A block that takes its worker down every time (e.g. it runs out of memory)."""
    os._exit(1)


@pytest.mark.slow
def test_a_block_that_kills_every_worker_is_given_up_with_a_hint():
    pytest.importorskip("distributed")
    with pytest.raises(ModelError, match=r"killed its worker.*--block"):
        list(run_blocks(always_dies, 2, root=np.random.SeedSequence(0), workers=2))
