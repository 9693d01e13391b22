"""The run store: every run of a command, kept in one embedded DuckDB file.

A run is written in one transaction (the ``runs`` row and the rows of its tables), so a
process killed at any moment leaves either the whole run or nothing: DuckDB replays only
committed work from its write-ahead log. DuckDB lets one process at a time open a file for
writing; every access here opens a short-lived connection and, while another process holds
the file, waits with a growing pause (bounded by ``timeout``) before failing with a message
naming the file and the fix. Several processes writing at once therefore take turns and
lose nothing. Within one process, writes take turns on a lock per file (DuckDB's
connections of one process share the database and would otherwise conflict).

Tables (schema version :data:`STORE_SCHEMA_VERSION`)::

    meta(key, value)                       schema_version
    runs(id, created, command, kind, scenario_id, scenario_hash, scenario_source,
         scenario_text, options, outputs, seed, draws, version, seconds, result)
    result_tables(kind, name, table_name)  which tidy table holds which part of a kind
    <kind>_<name>(run_id, ...)             the result's tidy tables (Result.TABLES), as rows
    scenarios(id, created, hash, name, text)  scenario texts kept by id (the web's uploads)

Schema history: 1, the runs; 2, the ``scenarios`` table (a version-1 file gains it, and
the rows of the web app's former ``web_uploads`` table, at its next write; until then it
reads as a store without scenarios).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import secrets
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ceasefire.errors import CeasefireError, InputError

if TYPE_CHECKING:
    import duckdb

    from ceasefire.results import Result

__all__ = ["ENV_VAR", "SCENARIO_ID_DIGITS", "STORE_SCHEMA_VERSION", "RunRecord", "RunStore",
           "StoreError", "default_store_path", "scenario_id", "store_path"]

STORE_SCHEMA_VERSION = 2
"""Bumped whenever the store's tables change shape; an older file is migrated at its next
write (reading never changes a file)."""

SCENARIO_ID_DIGITS = 16
"""Hex digits of a kept scenario's id: the start of the SHA-256 of its text."""

ENV_VAR = "CEASEFIRE_STORE"
"""Environment variable naming the store file (``--store`` wins over it)."""

DEFAULT_TIMEOUT_S = 60.0
"""How long an access waits for another process to let go of the file."""

_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_FIX_BUSY = ("another process holds it open (a DuckDB shell or notebook?); close it, or "
             "record elsewhere with --store FILE, or skip recording with --no-store")


_LEGACY_UPLOADS = "web_uploads"  # the web app's table of uploads under schema version 1
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """The lock the threads of this process take in turn to write to ``path``."""
    key = os.path.abspath(path)
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


def scenario_id(text: str) -> str:
    """The id a scenario text is kept under: the first hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:SCENARIO_ID_DIGITS]


class StoreError(CeasefireError):
    """The run store cannot be used: busy past the timeout, written by a newer version."""


def default_store_path() -> Path:
    """``runs.duckdb`` in the user's data folder (platformdirs: XDG, macOS, Windows)."""
    import platformdirs

    return platformdirs.user_data_path("ceasefire", appauthor=False) / "runs.duckdb"


def store_path(given: str | os.PathLike[str] | None = None) -> Path:
    """The store file: ``given``, else ``$CEASEFIRE_STORE``, else :func:`default_store_path`."""
    if given is not None and str(given):
        return Path(given).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else default_store_path()


@dataclass(frozen=True)
class RunRecord:
    """One stored run: its inputs (scenario text, options, seed), version, timing, result."""

    id: str
    created: datetime
    command: str
    kind: str
    scenario_id: str
    scenario_hash: str
    scenario_source: str
    scenario_text: str | None
    options: dict[str, Any]
    outputs: dict[str, Any]
    seed: int | None
    draws: int | None
    version: str
    seconds: float
    result: dict[str, Any] = field(repr=False)

    def load(self) -> Result:
        """The result as its typed object (:func:`ceasefire.results.load_result`)."""
        from ceasefire.results import load_result

        return load_result(self.result)

    def to_dict(self) -> dict[str, Any]:
        """The whole record as a JSON document (``ceasefire runs export``)."""
        return {"id": self.id, "created": self.created.isoformat(), "command": self.command,
                "kind": self.kind,
                "scenario": {"id": self.scenario_id, "hash": self.scenario_hash,
                             "source": self.scenario_source, "text": self.scenario_text},
                "options": self.options, "outputs": self.outputs, "seed": self.seed,
                "draws": self.draws, "version": self.version, "seconds": self.seconds,
                "result": self.result}


_SUMMARY_COLUMNS = ("id", "created", "command", "kind", "scenario_id", "scenario_hash",
                    "scenario_source", "seed", "draws", "version", "seconds")
_ALL_COLUMNS = (*_SUMMARY_COLUMNS, "scenario_text", "options", "outputs", "result")


class RunStore:
    """A run store file (see the module docstring).

    Parameters
    ----------
    path
        The DuckDB file; see :func:`store_path` for the default.
    timeout
        Seconds an access waits while another process holds the file.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.path = store_path(path)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # --- checks and connections ------------------------------------------------------

    def check(self) -> None:
        """Refuse, before any work, a place the store cannot live; creates nothing.

        Raises
        ------
        InputError
            When the path is a folder, its folder cannot be written, or the file exists but
            is not a DuckDB database.
        """
        from ceasefire._files import check_writable

        where = f"run store {self.path}"
        if self.path.is_dir():
            raise InputError(f"{where}: is a folder; fix: give a file name such as "
                             f"{self.path / 'runs.duckdb'} (--store FILE or ${ENV_VAR})")
        try:
            check_writable(self.path)
        except InputError as error:
            raise InputError(f"{where}: {error} (--store FILE or ${ENV_VAR} choose "
                             "another place; --no-store skips recording)") from None
        self._check_file()

    def _check_file(self) -> None:
        """An existing file must be a DuckDB database (its magic bytes)."""
        if not self.path.is_file():
            return
        try:
            with open(self.path, "rb") as stream:
                head = stream.read(16)
        except OSError as error:
            raise InputError(f"run store {self.path}: cannot read it ({error.strerror}); fix: "
                             "check its permissions or choose another --store FILE") from None
        if head and head[8:12] != _MAGIC:
            raise InputError(self._not_a_store("it is not a DuckDB database file"))

    def _not_a_store(self, why: str) -> str:
        return (f"run store {self.path}: {why}; fix: move the file away (a new store is "
                f"created in its place), or choose another file with --store FILE or "
                f"${ENV_VAR}")

    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection, waiting (bounded) while another process holds the file."""
        if write:
            self.check()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _write_lock(self.path), self._open(write=True) as connection:
                yield connection
            return
        with self._open(write=False) as connection:
            yield connection

    @contextlib.contextmanager
    def _open(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        deadline = time.monotonic() + self.timeout
        pause = 0.005
        read_only = not write
        while True:
            try:
                connection = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.ConnectionException as error:
                if "different configuration" not in str(error):
                    raise StoreError(f"run store {self.path}: {error}") from None
                if read_only:  # this process holds it read-write (another thread): share it
                    read_only = False
                    continue
                # another thread of this process reads it: wait, as for another process
            except duckdb.IOException as error:
                if "lock" not in str(error).lower() and not self._being_created(str(error)):
                    raise self._io_error(str(error)) from None
            except duckdb.Error as error:
                raise self._io_error(str(error)) from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreError(f"run store {self.path}: busy for {self.timeout:g} s; "
                                 f"{_FIX_BUSY}")
            time.sleep(min(left, pause * (0.5 + random.random())))
            pause = min(pause * 2, 0.25)
        try:
            yield connection
        finally:
            connection.close()

    def _being_created(self, message: str) -> bool:
        """Whether DuckDB refused a file that another process is still creating.

        Such a file is empty, or has its header begun; it is waited for like a file in use.
        """
        if "not a valid DuckDB database" not in message:
            return False
        try:
            with open(self.path, "rb") as stream:
                head = stream.read(16)
        except OSError:
            return False
        return len(head) < 12 or head[8:12] == _MAGIC

    def _io_error(self, message: str) -> CeasefireError:
        if "not a valid DuckDB database" in message:
            return InputError(self._not_a_store("it is not a DuckDB database file"))
        if "serialization" in message.lower() or "version" in message.lower():
            return InputError(self._not_a_store(f"DuckDB cannot read it ({message})"))
        return InputError(f"run store {self.path}: {message}; fix: check the path, or "
                          f"choose another file with --store FILE or ${ENV_VAR}")

    def _readable(self) -> bool:
        """Whether there is a store to read (reading never creates one)."""
        if self.path.is_dir():
            raise InputError(f"run store {self.path}: is a folder; fix: give the store file "
                             f"(--store FILE or ${ENV_VAR})")
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return False
        self._check_file()
        return True

    @contextlib.contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        if not self._readable():
            yield None
            return
        with self._connect(write=False) as connection:
            if not self._schema_version(connection):
                yield None
                return
            yield connection

    def _schema_version(self, connection: duckdb.DuckDBPyConnection) -> int:
        """The file's schema version (0: empty file); refuses another program's database."""
        tables = {row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        if "meta" not in tables:
            if tables:
                raise InputError(self._not_a_store(
                    "it is a DuckDB database but not a ceasefire run store (no 'meta' table)"))
            return 0
        row = connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > STORE_SCHEMA_VERSION:
            raise StoreError(f"run store {self.path}: schema version {version} was written by "
                             f"a newer ceasefire (this one reads up to {STORE_SCHEMA_VERSION}); "
                             "fix: upgrade ceasefire, or use another --store FILE")
        return version

    def _create_schema(self, connection: duckdb.DuckDBPyConnection) -> None:
        """Create the tables, or bring an older file's up to date (inside a transaction)."""
        if self._schema_version(connection) == STORE_SCHEMA_VERSION:
            return
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, "
                           "value VARCHAR)")
        connection.execute("""
            CREATE TABLE IF NOT EXISTS runs (
                id VARCHAR PRIMARY KEY, created TIMESTAMP NOT NULL, command VARCHAR NOT NULL,
                kind VARCHAR NOT NULL, scenario_id VARCHAR, scenario_hash VARCHAR,
                scenario_source VARCHAR, scenario_text VARCHAR, options JSON, outputs JSON,
                seed UBIGINT, draws BIGINT, version VARCHAR, seconds DOUBLE,
                result JSON NOT NULL)""")
        connection.execute("CREATE TABLE IF NOT EXISTS result_tables (kind VARCHAR, "
                           "name VARCHAR, table_name VARCHAR, PRIMARY KEY (kind, name))")
        connection.execute("CREATE TABLE IF NOT EXISTS scenarios (id VARCHAR PRIMARY KEY, "
                           "created TIMESTAMP NOT NULL, hash VARCHAR NOT NULL, name VARCHAR, "
                           "text VARCHAR NOT NULL)")
        if _has_table(connection, _LEGACY_UPLOADS):  # version 1 with the web's own table
            connection.execute(
                "INSERT OR IGNORE INTO scenarios SELECT left(hash, ?), created, hash, name, "
                f"text FROM {_LEGACY_UPLOADS} WHERE hash IS NOT NULL", [SCENARIO_ID_DIGITS])
            connection.execute(f"DROP TABLE {_LEGACY_UPLOADS}")
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                           [str(STORE_SCHEMA_VERSION)])

    # --- writing ----------------------------------------------------------------------

    def record(self, command: str, result: Result | Mapping[str, Any], *,
               scenario_source: str = "", scenario_text: str | None = None,
               options: Mapping[str, Any] | None = None,
               outputs: Mapping[str, Any] | None = None, seconds: float = 0.0,
               run_id: str | None = None) -> str:
        """Store one run in one transaction and return its id.

        Parameters
        ----------
        command
            The command that produced it (``analyze``, ``deals``, ...).
        result
            A :class:`~ceasefire.results.Result` (its tidy tables are stored too) or its
            JSON document.
        scenario_source, scenario_text
            What the user named (a built-in name or a path) and that input's text.
        options
            The command's options as given, by parameter name (JSON values).
        outputs
            Options that switch the command's file outputs off when it is re-run.
        seconds
            Wall time of the run.
        run_id
            The id to use (default: a new random one); see :func:`new_run_id`.
        """
        document = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        tables = _tables_of(result, document)
        scenario = document.get("scenario") or {}
        run_id = run_id or new_run_id()
        row = {
            "id": run_id, "created": datetime.now(UTC).replace(tzinfo=None),
            "command": command, "kind": str(document.get("kind", command)),
            "scenario_id": scenario.get("id"), "scenario_hash": scenario.get("hash"),
            "scenario_source": scenario_source, "scenario_text": scenario_text,
            "options": _json(dict(options or {})), "outputs": _json(dict(outputs or {})),
            "seed": document.get("seed"), "draws": document.get("draws"),
            "version": str(document.get("ceasefire_version", "")), "seconds": float(seconds),
            "result": _json(document),
        }
        with self._connect(write=True) as connection, _transaction(connection):
            self._create_schema(connection)
            connection.execute(
                f"INSERT INTO runs ({', '.join(row)}) VALUES "
                f"({', '.join('?' for _ in row)})", list(row.values()))
            for name, records in tables.items():
                _insert_table(connection, row["kind"], name, run_id, records)
        return run_id

    def delete(self, run_ids: Sequence[str]) -> list[str]:
        """Remove runs (ids or unique prefixes) and their table rows, in one transaction."""
        with self._connect(write=True) as connection:
            if not self._schema_version(connection):
                raise self._unknown(run_ids[0] if run_ids else "")
            ids = [self._resolve(connection, run_id) for run_id in run_ids]
            with _transaction(connection):
                for (table,) in connection.execute(
                        "SELECT DISTINCT table_name FROM result_tables").fetchall():
                    connection.execute(f'DELETE FROM "{table}" WHERE run_id IN '
                                       f"(SELECT unnest(?::VARCHAR[]))", [ids])
                connection.execute("DELETE FROM runs WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                   [ids])
        return ids

    # --- scenario texts ---------------------------------------------------------------

    def save_scenario(self, text: str, *, name: str = "", keep: int | None = None) -> str:
        """Keep a scenario's text, in one transaction, and return its id.

        The id is the start of the text's SHA-256 (:func:`scenario_id`): the same text
        saved again is one row, made the newest. With ``keep``, only the ``keep`` newest
        scenarios stay (the oldest are removed in the same transaction).
        """
        if keep is not None and keep < 1:
            raise InputError(f"keep: got {keep}; allowed: at least 1 (or None: keep all)")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = digest[:SCENARIO_ID_DIGITS]
        with self._connect(write=True) as connection, _transaction(connection):
            self._create_schema(connection)
            connection.execute("INSERT OR REPLACE INTO scenarios VALUES (?, ?, ?, ?, ?)",
                               [found, datetime.now(UTC).replace(tzinfo=None), digest,
                                name, text])
            if keep is not None:
                _prune_scenarios(connection, keep)
        return found

    def scenario_text(self, scenario_id: str) -> str | None:
        """A kept scenario's text by id, or None when the store does not hold it."""
        rows = self._scenario_rows("SELECT text FROM scenarios WHERE id = ?", [scenario_id])
        return str(rows[0][0]) if rows else None

    def scenario_ids(self) -> list[str]:
        """The ids of the kept scenarios, oldest first."""
        return [str(row[0]) for row in self._scenario_rows(
            "SELECT id FROM scenarios ORDER BY created, id", [])]

    def _scenario_rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._reading() as connection:
            if connection is None or not _has_table(connection, "scenarios"):
                return []  # no store yet, or one of schema version 1 not yet written to
            return connection.execute(sql, params).fetchall()

    # --- reading ----------------------------------------------------------------------

    def list(self, *, command: str | None = None, scenario: str | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
        """The runs, newest first, without their texts and results (one dict per run)."""
        where, params = [], []
        if command:
            where.append("command = ?")
            params.append(command)
        if scenario:
            where.append("(scenario_id = ? OR scenario_source = ?)")
            params += [scenario, scenario]
        sql = (f"SELECT {', '.join(_SUMMARY_COLUMNS)} FROM runs"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + " ORDER BY created DESC, id DESC" + (f" LIMIT {int(limit)}" if limit else ""))
        with self._reading() as connection:
            if connection is None:
                return []
            return [dict(zip(_SUMMARY_COLUMNS, values, strict=True))
                    for values in connection.execute(sql, params).fetchall()]

    def get(self, run_id: str) -> RunRecord:
        """One run by id, unique id prefix, ``last`` or ``last~N`` (the N-th before last).

        Raises
        ------
        InputError
            Naming the store and how to list its runs, when no run (or several) match.
        """
        with self._reading() as connection:
            if connection is None:
                raise self._unknown(run_id)
            found = self._resolve(connection, run_id)
            values = connection.execute(f"SELECT {', '.join(_ALL_COLUMNS)} FROM runs "
                                        "WHERE id = ?", [found]).fetchone()
        row = dict(zip(_ALL_COLUMNS, values, strict=True))
        for key in ("options", "outputs", "result"):
            row[key] = json.loads(row[key]) if row[key] is not None else {}
        return RunRecord(**row)

    def table(self, run_id: str, name: str) -> list[dict[str, Any]]:
        """The rows of one of a run's tidy tables, as stored (``run_id`` column dropped)."""
        record = self.get(run_id)
        with self._reading() as connection:
            assert connection is not None  # get() found the run
            known = dict(connection.execute(
                "SELECT name, table_name FROM result_tables WHERE kind = ?",
                [record.kind]).fetchall())
            if name not in known:
                raise InputError(f"run {record.id}: no table {name!r}; its tables: "
                                 f"{', '.join(sorted(known)) or 'none'}")
            cursor = connection.execute(f'SELECT * EXCLUDE (run_id) FROM "{known[name]}" '
                                        "WHERE run_id = ?", [record.id])
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]

    def table_counts(self, run_id: str) -> dict[str, int]:
        """Each tidy table of a run, with its number of rows."""
        record = self.get(run_id)
        with self._reading() as connection:
            assert connection is not None
            names = connection.execute("SELECT name, table_name FROM result_tables WHERE "
                                       "kind = ? ORDER BY name", [record.kind]).fetchall()
            return {name: connection.execute(f'SELECT count(*) FROM "{table}" WHERE '
                                             "run_id = ?", [record.id]).fetchone()[0]
                    for name, table in names}

    def _resolve(self, connection: duckdb.DuckDBPyConnection, run_id: str) -> str:
        wanted = run_id.strip()
        last = re.fullmatch(r"last(?:~(\d+))?", wanted)
        if last:
            back = int(last.group(1) or 0)
            row = connection.execute("SELECT id FROM runs ORDER BY created DESC, id DESC "
                                     "LIMIT 1 OFFSET ?", [back]).fetchone()
            if row is None:
                raise self._unknown(run_id)
            return str(row[0])
        if not wanted:
            raise self._unknown(run_id)
        found = [r[0] for r in connection.execute(
            "SELECT id FROM runs WHERE starts_with(id, ?) ORDER BY id LIMIT 6",
            [wanted.lower()]).fetchall()]
        if len(found) == 1:
            return str(found[0])
        if not found:
            raise self._unknown(run_id)
        raise InputError(f"run id {run_id!r} is ambiguous in {self.path}: it starts "
                         f"{', '.join(found[:5])}{' ...' if len(found) > 5 else ''}; fix: "
                         "give more of the id")

    def _unknown(self, run_id: str) -> InputError:
        return InputError(f"run {run_id!r}: no such run in the run store {self.path}; fix: "
                          "`ceasefire runs list` shows the ids (--store FILE or "
                          f"${ENV_VAR} to look in another store)")


def _has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = connection.execute("SELECT count(*) FROM information_schema.tables WHERE "
                             "table_schema = 'main' AND table_name = ?", [name]).fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def _transaction(connection: Any) -> Iterator[None]:
    """One transaction, committed when the block ends.

    Any exception (a signal's included) rolls it back, so no partial write is ever seen.
    """
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            connection.execute("ROLLBACK")
        raise


def _prune_scenarios(connection: duckdb.DuckDBPyConnection, keep: int) -> None:
    """Remove all but the ``keep`` newest scenarios."""
    connection.execute("DELETE FROM scenarios WHERE id NOT IN (SELECT id FROM scenarios "
                       "ORDER BY created DESC, id DESC LIMIT ?)", [keep])


def new_run_id() -> str:
    """A new run id: eight hexadecimal characters, random (unique across processes)."""
    return secrets.token_hex(4)


# --- tidy tables ------------------------------------------------------------------------


def _tables_of(result: Any, document: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The result's tidy tables (``Result.TABLES``), as rows; none for a bare document."""
    from ceasefire.results.base import rows

    layout = getattr(type(result), "TABLES", None)
    if not layout:
        from ceasefire.results import RESULT_TYPES

        kind_type = RESULT_TYPES.get(str(document.get("kind")))
        layout = getattr(kind_type, "TABLES", None) or {}
    return {name: list(rows(document, path)) for name, path in layout.items()}


def table_name(kind: str, name: str) -> str:
    """The SQL name of a kind's tidy table: ``analyze_proposals``."""
    return re.sub(r"[^a-z0-9_]", "_", f"{kind}_{name}".lower())


_WIDER = {frozenset({"BIGINT", "DOUBLE"}): "DOUBLE"}


def _sql_type(values: list[Any]) -> str | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, bool) for v in present):
        return "BOOLEAN"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "BIGINT"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "DOUBLE"
    return "VARCHAR"


def _as(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "VARCHAR":
        return value if isinstance(value, str) else _json(value)
    if kind == "DOUBLE":
        return float(value)
    return value


def _insert_table(connection: duckdb.DuckDBPyConnection, kind: str, name: str, run_id: str,
                  records: list[dict[str, Any]]) -> None:
    """Add a run's rows to its kind's table, creating or widening columns as needed."""
    table = table_name(kind, name)
    connection.execute("CREATE TABLE IF NOT EXISTS " + f'"{table}" (run_id VARCHAR NOT NULL)')
    connection.execute("INSERT OR IGNORE INTO result_tables VALUES (?, ?, ?)",
                       [kind, name, table])
    if not records:
        return
    columns: dict[str, list[Any]] = {}
    for position, record in enumerate(records):
        for column, value in record.items():
            columns.setdefault(column, [None] * len(records))[position] = value
    existing = dict(connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = 'main'", [table]).fetchall())
    chosen: dict[str, str] = {}
    for column, values in columns.items():
        wanted = _sql_type(values)
        if column == "run_id" or (wanted is None and column not in existing):
            continue
        have = existing.get(column)
        if have is None:
            connection.execute(f'ALTER TABLE "{table}" ADD COLUMN {_quote(column)} {wanted}')
            have = wanted
        elif wanted is not None and wanted != have:
            wider = _WIDER.get(frozenset({have, wanted}), "VARCHAR")
            if wider != have:
                connection.execute(f'ALTER TABLE "{table}" ALTER {_quote(column)} TYPE {wider}')
                have = wider
        chosen[column] = str(have)
    names = list(chosen)
    selected = ", ".join(f"unnest(?::{chosen[c]}[])" for c in names)
    quoted = ", ".join(_quote(c) for c in names)
    connection.execute(f'INSERT INTO "{table}" (run_id{", " if names else ""}{quoted}) '
                       f"SELECT ?{', ' if names else ''}{selected}"
                       + ("" if names else f" FROM range({len(records)})"),
                       [run_id, *([_as(chosen[c], v) for v in columns[c]] for c in names)])


def _quote(name: str) -> str:
    """An SQL identifier, quoted (ids and field names become column names)."""
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str:
    return json.dumps(value, allow_nan=False, ensure_ascii=False, default=str)
