"""Scenario texts kept in the run store: by id, pruned, atomic, and shared by writers.

The web app keeps its uploads here (:meth:`RunStore.save_scenario`); a store written before
the ``scenarios`` table existed (schema version 1, with the web's own ``web_uploads``
table) must still open, and gains the table and those uploads at its next write.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from ceasefire.errors import InputError
from ceasefire.store import STORE_SCHEMA_VERSION, scenario_id


def _text(n: int) -> str:
    return f"id: kept-{n}\nname: Scenario {n}\n"


def test_a_saved_text_reads_back_by_its_content_id(store):
    found = store.save_scenario(_text(1), name="Scenario 1")
    assert found == hashlib.sha256(_text(1).encode()).hexdigest()[:16] == scenario_id(_text(1))
    assert store.scenario_text(found) == _text(1)
    assert store.scenario_text("0" * 16) is None
    assert store.scenario_ids() == [found]


def test_the_same_text_saved_again_is_one_scenario_made_the_newest(store):
    first, second = store.save_scenario(_text(1)), store.save_scenario(_text(2))
    assert store.scenario_ids() == [first, second]
    assert store.save_scenario(_text(1)) == first
    assert store.scenario_ids() == [second, first]


def test_keep_removes_the_oldest_in_the_same_write(store):
    ids = [store.save_scenario(_text(n), keep=2) for n in range(4)]
    assert store.scenario_ids() == ids[2:]
    assert store.scenario_text(ids[0]) is None and store.scenario_text(ids[3]) == _text(3)
    with pytest.raises(InputError, match="at least 1"):
        store.save_scenario(_text(9), keep=0)
    assert store.scenario_text(scenario_id(_text(9))) is None


def test_scenarios_and_runs_share_the_file_and_do_not_touch_each_other(store, small_result):
    kept = store.save_scenario(_text(1))
    run_id = store.record("analyze", small_result)
    store.delete([run_id])
    assert store.scenario_ids() == [kept] and store.list() == []


def test_reading_a_missing_store_finds_no_scenario_and_creates_nothing(store):
    assert store.scenario_ids() == [] and store.scenario_text("abc") is None
    assert not store.path.exists()


def _as_version_1(path, uploads):
    """Turn a fresh store into one as schema version 1 left it, with the web's uploads."""
    import duckdb

    with duckdb.connect(str(path)) as connection:
        connection.execute("DROP TABLE scenarios")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        connection.execute("CREATE TABLE web_uploads (id VARCHAR PRIMARY KEY, created "
                           "TIMESTAMP NOT NULL, hash VARCHAR, name VARCHAR, text VARCHAR "
                           "NOT NULL)")
        for n, text in enumerate(uploads):
            digest = hashlib.sha256(text.encode()).hexdigest()
            connection.execute("INSERT INTO web_uploads VALUES (?, ?, ?, ?, ?)",
                               [f"upload-{digest[:16]}", f"2026-01-0{n + 1} 00:00:00",
                                digest, f"Scenario {n}", text])


def _tables(path):
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        version = connection.execute("SELECT value FROM meta").fetchone()[0]
        names = {row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    return int(version), names


def test_a_version_1_store_opens_and_gains_the_table_and_its_uploads_at_its_next_write(
        store, small_result):
    old_run = store.record("analyze", small_result)
    _as_version_1(store.path, [_text(1), _text(2)])
    # reading changes nothing: its runs are there, its scenarios not yet
    assert [r["id"] for r in store.list()] == [old_run]
    assert store.get(old_run).load() == small_result
    assert store.scenario_ids() == []
    assert _tables(store.path)[0] == 1
    # the next write brings it up to date, in the same transaction
    added = store.save_scenario(_text(3))
    version, names = _tables(store.path)
    assert version == STORE_SCHEMA_VERSION == 2
    assert "scenarios" in names and "web_uploads" not in names
    assert store.scenario_ids() == [scenario_id(_text(1)), scenario_id(_text(2)), added]
    assert store.scenario_text(scenario_id(_text(2))) == _text(2)
    assert store.get(old_run).load() == small_result


def test_a_version_1_store_is_brought_up_to_date_by_recording_a_run(store, small_result):
    store.record("analyze", small_result)
    _as_version_1(store.path, [_text(1)])
    store.record("analyze", small_result)
    assert store.scenario_ids() == [scenario_id(_text(1))]
    assert len(store.list()) == 2


# --- real processes: killed mid-write, and writing at once --------------------------------

pytestmark_posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

_WRITER = textwrap.dedent("""
    import os, sys, time
    from ceasefire.store import RunStore, store as module

    path, mode, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store = RunStore(path, timeout=120)
    if mode == "pause-inside":  # stop inside the transaction, after the insert
        def slow(connection, keep):
            print("inside", flush=True)
            time.sleep(600)

        module._prune_scenarios = slow
    if mode == "wait":
        while not os.path.exists(path + ".go"):
            time.sleep(0.01)
    for n in range(first, first + count):
        found = store.save_scenario(f"id: kept-{n}\\nname: Scenario {n}\\n", keep=1000)
        print("saved", found, flush=True)
""")


def _writer(path, mode, first, count):
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(path), mode, str(first),
                             str(count)], stdout=subprocess.PIPE, text=True)


@pytestmark_posix
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_process_killed_inside_its_write_leaves_no_partial_scenario(store, signum,
                                                                       kill_inside):
    kept = store.save_scenario(_text(0))
    child = _writer(store.path, "pause-inside", 1, 1)
    kill_inside(child, signum)
    assert store.scenario_ids() == [kept]
    assert store.scenario_text(scenario_id(_text(1))) is None
    assert store.save_scenario(_text(1)) in store.scenario_ids()  # and it takes new ones


@pytestmark_posix
def test_four_concurrent_writer_processes_lose_nothing(store):
    writers = [_writer(store.path, "wait", 10 * k, 5) for k in range(4)]
    time.sleep(0.5)
    (store.path.parent / (store.path.name + ".go")).touch()  # start together
    reported = []
    for writer in writers:
        out, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        reported += [line.split()[1] for line in out.splitlines() if line.startswith("saved")]
    assert len(reported) == 20
    assert sorted(store.scenario_ids()) == sorted(reported)
    assert all(store.scenario_text(scenario_id(_text(10 * k + n))) == _text(10 * k + n)
               for k in range(4) for n in range(5))


def test_threads_of_one_process_writing_and_reading_at_once_lose_nothing(store,
                                                                          small_result):
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for n in range(4):
                store.save_scenario(_text(10 * k + n), keep=1000)
                store.scenario_ids()
            store.record("analyze", small_result)
        except BaseException as error:  # reported below, with the thread's number
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert len(store.scenario_ids()) == 24 and len(store.list()) == 6
