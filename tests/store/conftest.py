"""Fixtures of the run store tests: one small real result, computed once, and a store."""

from __future__ import annotations

import pytest

import ceasefire


@pytest.fixture(scope="session")
def small_result():
    """A real analyze result of the tutorial scenario, small enough to be quick."""
    return ceasefire.analyze("tutorial", draws=100, rng=3, decomposition_draws=10)


@pytest.fixture
def store_file(tmp_path):
    return tmp_path / "runs.duckdb"


@pytest.fixture
def store(store_file):
    from ceasefire.store import RunStore

    return RunStore(store_file, timeout=20)


@pytest.fixture
def kill_inside():
    """``kill_inside(child, signum)``: kill a writer once it says it is inside its write."""
    import os

    def kill(child, signum: int) -> None:
        try:
            assert child.stdout.readline().strip() == "inside"
            os.kill(child.pid, signum)
        finally:
            child.wait(timeout=60)
        assert child.returncode != 0

    return kill
