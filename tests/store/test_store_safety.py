"""The store under stress, with real processes: killed mid-write, and written concurrently.

A killed run must leave the file readable and hold either the whole run or nothing of it;
several processes writing at once must lose no run (DuckDB lets one process write at a
time; the store waits its turn).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from ceasefire.store import RunStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

_WRITER = textwrap.dedent("""
    import json, sys, time
    from ceasefire.results import load_result
    from ceasefire.store import RunStore, store as module

    path, result_file, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    result = load_result(json.loads(open(result_file).read()))
    store = RunStore(path, timeout=120)
    if mode == "pause-inside":
        # stop inside the transaction, after the run's row and some of its tables
        original = module._insert_table
        calls = []

        def slow(*args, **kwargs):
            original(*args, **kwargs)
            calls.append(1)
            if len(calls) == 3:
                print("inside", flush=True)
                time.sleep(600)

        module._insert_table = slow
    if mode == "wait":
        while not __import__("os").path.exists(path + ".go"):
            time.sleep(0.01)
    for _ in range(count):
        run_id = store.record("analyze", result, scenario_source="tutorial",
                              scenario_text="text", options={"n": 1})
        print("recorded", run_id, flush=True)
""")


@pytest.fixture
def result_file(tmp_path, small_result):
    path = tmp_path / "result.json"
    path.write_text(small_result.to_json())
    return path


def _writer(store_file, result_file, mode, count):
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(store_file), str(result_file),
                             mode, str(count)], stdout=subprocess.PIPE, text=True)


def _whole(store, run_id, small_result):
    """The run is there with every row of every table."""
    counts = store.table_counts(run_id)
    return counts == {name: len(small_result.to_frame(name)) for name in small_result.TABLES}


def _orphans(store_file):
    """Table rows whose run is not in ``runs`` (what a partial write would leave)."""
    import duckdb

    with duckdb.connect(str(store_file), read_only=True) as connection:
        tables = [t for (t,) in connection.execute(
            "SELECT DISTINCT table_name FROM result_tables").fetchall()]
        return sum(connection.execute(f'SELECT count(*) FROM "{t}" WHERE run_id NOT IN '
                                      "(SELECT id FROM runs)").fetchone()[0] for t in tables)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_process_killed_inside_its_transaction_leaves_no_partial_run(
        store_file, result_file, small_result, signum, kill_inside):
    store = RunStore(store_file, timeout=30)
    kept = store.record("analyze", small_result)
    child = _writer(store_file, result_file, "pause-inside", 1)
    kill_inside(child, signum)
    assert [r["id"] for r in store.list()] == [kept]
    assert _whole(store, kept, small_result)
    assert _orphans(store_file) == 0
    # and the store takes new runs afterwards
    again = store.record("analyze", small_result)
    assert _whole(store, again, small_result)


def test_a_writer_killed_at_any_moment_leaves_only_whole_runs(store_file, result_file,
                                                              small_result):
    store = RunStore(store_file, timeout=30)
    # a run takes a few tenths of a second: these land at scattered points inside one
    for delay in (0.0, 0.05, 0.11, 0.19):
        child = _writer(store_file, result_file, "loop", 1000)
        assert child.stdout.readline().startswith("recorded")
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        runs = store.list()
        assert all(_whole(store, r["id"], small_result) for r in runs), delay
        assert _orphans(store_file) == 0, delay


def test_four_concurrent_writers_lose_nothing(store_file, result_file, small_result):
    writers = [_writer(store_file, result_file, "wait", 4) for _ in range(4)]
    time.sleep(0.5)
    (store_file.parent / (store_file.name + ".go")).touch()  # start together
    reported = []
    for writer in writers:
        out, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        reported += [line.split()[1] for line in out.splitlines() if line.startswith("recorded")]
    store = RunStore(store_file)
    stored = [r["id"] for r in store.list()]
    assert len(reported) == 16 and sorted(stored) == sorted(reported)
    assert all(_whole(store, run_id, small_result) for run_id in stored)
