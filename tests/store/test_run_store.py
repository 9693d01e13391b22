"""The run store's Python API: record, find, read back, remove, and refuse bad places."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ceasefire.errors import InputError
from ceasefire.store import STORE_SCHEMA_VERSION, RunStore, StoreError, store_path


def _record(store, result, **extra):
    return store.record("analyze", result, scenario_source="tutorial",
                        scenario_text="id: tutorial", options={"draws": 100}, seconds=1.5,
                        **extra)


def test_a_run_reads_back_whole(store, small_result):
    run_id = _record(store, small_result)
    run = store.get(run_id)
    assert run.load() == small_result
    assert run.result == small_result.to_dict()
    assert (run.command, run.kind, run.seed, run.draws) == ("analyze", "analyze", 3, 100)
    assert run.scenario_hash == small_result.scenario.hash
    assert run.scenario_text == "id: tutorial" and run.options == {"draws": 100}
    assert run.version == small_result.ceasefire_version and run.seconds == 1.5


def test_the_result_tables_are_stored_as_tables(store, small_result):
    import duckdb

    run_id = _record(store, small_result)
    counts = store.table_counts(run_id)
    assert set(counts) == set(type(small_result).TABLES)
    for name, count in counts.items():
        assert count == len(small_result.to_frame(name)), name
    rows = store.table(run_id, "proposals")
    frame = small_result.to_frame("proposals")
    assert [(r["proposal"], r["actor"], r["p"]) for r in rows] == list(
        frame[["proposal", "actor", "p"]].itertuples(index=False, name=None))
    # plain SQL over the file, as an analyst would query it
    with duckdb.connect(str(store.path), read_only=True) as connection:
        (n,) = connection.execute("SELECT count(*) FROM analyze_proposals WHERE run_id = ?",
                                  [run_id]).fetchone()
    assert n == len(frame)


def test_runs_are_listed_newest_first_and_found_by_prefix_or_last(store, small_result):
    first = _record(store, small_result)
    second = _record(store, small_result)
    assert [r["id"] for r in store.list()] == [second, first]
    assert store.get("last").id == second and store.get("last~1").id == first
    assert store.get(first[:6]).id == first
    assert store.list(command="deals") == []
    assert len(store.list(scenario="tutorial", limit=1)) == 1


def test_an_unknown_or_ambiguous_id_names_the_store_and_the_fix(store, small_result):
    _record(store, small_result, run_id="aa000001")
    _record(store, small_result, run_id="aa000002")
    with pytest.raises(InputError, match=r"no such run in the run store .*runs\.duckdb.*"
                                         r"ceasefire runs list"):
        store.get("ffffffff")
    with pytest.raises(InputError, match=r"ambiguous.*give more of the id"):
        store.get("aa")
    with pytest.raises(InputError, match="no such run"):
        store.get("last~5")


def test_delete_removes_the_run_and_its_table_rows(store, small_result):
    kept, removed = _record(store, small_result), _record(store, small_result)
    assert store.delete([removed]) == [removed]
    assert [r["id"] for r in store.list()] == [kept]
    assert sum(store.table_counts(kept).values()) > 0
    import duckdb

    with duckdb.connect(str(store.path), read_only=True) as connection:
        (n,) = connection.execute("SELECT count(*) FROM analyze_control WHERE run_id = ?",
                                  [removed]).fetchone()
    assert n == 0


def test_reading_a_missing_store_finds_nothing_and_creates_nothing(store):
    assert store.list() == []
    with pytest.raises(InputError, match="no such run"):
        store.get("last")
    assert not store.path.exists()


def test_the_default_place_is_the_environment_then_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CEASEFIRE_STORE", str(tmp_path / "x.duckdb"))
    assert store_path() == tmp_path / "x.duckdb"
    assert store_path(tmp_path / "y.duckdb") == tmp_path / "y.duckdb"
    monkeypatch.delenv("CEASEFIRE_STORE")
    import platformdirs

    assert store_path().parent == platformdirs.user_data_path("ceasefire", appauthor=False)


def test_a_folder_is_refused_with_the_fix(tmp_path, small_result):
    with pytest.raises(InputError, match=r"is a folder; fix: give a file name"):
        RunStore(tmp_path).record("analyze", small_result)
    with pytest.raises(InputError, match="is a folder"):
        RunStore(tmp_path).list()


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path, small_result):
    path = tmp_path / "notes.duckdb"
    path.write_text("my notes, not a database\n" * 20)
    for action in (lambda s: s.record("analyze", small_result), lambda s: s.list()):
        with pytest.raises(InputError, match="not a DuckDB database file; fix: move the file"):
            action(RunStore(path))
    assert path.read_text().startswith("my notes")


def test_another_programs_database_is_refused(tmp_path, small_result):
    import duckdb

    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE sales (x INTEGER)")
    with pytest.raises(InputError, match="not a ceasefire run store"):
        RunStore(path).record("analyze", small_result)


def test_a_store_from_a_newer_version_is_refused(store, small_result):
    import duckdb

    _record(store, small_result)
    with duckdb.connect(str(store.path)) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                           [str(STORE_SCHEMA_VERSION + 1)])
    with pytest.raises(StoreError, match=r"newer ceasefire.*upgrade"):
        store.list()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unwritable_folder_is_refused_before_any_work(tmp_path):
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(InputError, match="--no-store skips recording"):
            RunStore(folder / "runs.duckdb").check()
    finally:
        folder.chmod(0o700)


def test_a_store_held_open_elsewhere_fails_after_the_timeout_with_the_fix(store,
                                                                          small_result):
    _record(store, small_result)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, duckdb
            connection = duckdb.connect({str(store.path)!r})
            print("holding", flush=True)
            sys.stdin.readline()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        busy = RunStore(store.path, timeout=0.5)
        with pytest.raises(StoreError, match=r"busy for 0\.5 s;.*--no-store"):
            _record(busy, small_result)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert len(store.list()) == 1  # and usable again once it is let go


def test_a_path_through_a_file_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"run store .*a-file/runs\.duckdb.*--no-store"):
        RunStore(blocker / "runs.duckdb").check()


def test_a_column_whose_values_change_type_is_widened_not_lost(store, small_result):
    first = _record(store, small_result)
    document = small_result.to_dict()
    proposal = next(iter(document["proposals"]))
    actor = next(iter(document["proposals"][proposal]["acceptance"]))
    document["proposals"][proposal]["acceptance"][actor]["p"] = "n/a"
    second = store.record("analyze", document)
    assert "n/a" in [row["p"] for row in store.table(second, "proposals")]
    assert len(store.table(first, "proposals")) == len(small_result.to_frame("proposals"))
