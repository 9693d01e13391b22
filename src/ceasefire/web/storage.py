"""The run store as the web app uses it: every full run recorded, uploaded scenarios kept.

Full runs (analyze, refined what-ifs, deals, forecast, negotiate) are recorded with
:meth:`~ceasefire.store.RunStore.record`, as the CLI records its runs, so ``GET /api/runs``
and ``ceasefire runs list`` show them. Uploaded scenarios are kept as text in the same
DuckDB file (table ``web_uploads``), so a restarted server still knows them; nothing is
ever written to a path a request names. The store file is the operator's choice
(``Settings.run_store``; ``None``: ``$CEASEFIRE_STORE`` or the user data folder), resolved
at each access; ``Settings.use_store = False`` writes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["UPLOADS_TABLE", "WebStore", "builtin_text"]

log = logging.getLogger("ceasefire.web")

UPLOADS_TABLE = "web_uploads"
"""The table of uploaded scenarios: ``(id, created, hash, name, text)``."""

RECORDED = frozenset({"analyze", "whatif", "deals", "forecast", "negotiate"})
"""The job kinds recorded as runs (the CLI commands of the same names)."""


def builtin_text(name: str) -> str:
    """The YAML text of a built-in scenario (what the CLI records for it)."""
    from importlib import resources

    return resources.files("ceasefire.scenario.builtin").joinpath(f"{name}.yaml").read_text(
        "utf-8")


class WebStore:
    """Records the web app's runs and keeps its uploads in one run store file.

    DuckDB lets one connection write at a time; the lock keeps this server's threads in
    turn (the store itself waits for other processes).
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _store(self) -> Any:
        from ceasefire.store import RunStore

        return RunStore(self.path)

    # --- runs -----------------------------------------------------------------------

    def record(self, command: str, document: Mapping[str, Any], *, scenario_source: str,
               scenario_text: str | None, options: Mapping[str, Any],
               outputs: Mapping[str, Any] | None = None, seconds: float = 0.0) -> str:
        """Record one finished run; returns its id (also set as ``run.id`` in ``document``)."""
        from ceasefire.store.store import new_run_id

        run_id = new_run_id()
        if isinstance(document, dict):
            document["run"] = {**(document.get("run") or {}), "id": run_id}
        with self._lock:
            self._store().record(command, document, scenario_source=scenario_source,
                                 scenario_text=scenario_text, options=dict(options),
                                 outputs=dict(outputs or {}), seconds=seconds, run_id=run_id)
        return run_id

    # --- uploads --------------------------------------------------------------------
    # The run store has no public API for scenarios yet: these use its connection helpers
    # (its locking and schema) and a table of their own beside its tables.

    def save_upload(self, scenario_id: str, text: str, *, content_hash: str, name: str,
                    keep: int) -> None:
        """Keep an uploaded scenario's text; only the ``keep`` newest stay."""
        store = self._store()
        with self._lock, store._connect(write=True) as connection:
            connection.execute("BEGIN TRANSACTION")
            try:
                store._create_schema(connection)
                connection.execute(
                    f"CREATE TABLE IF NOT EXISTS {UPLOADS_TABLE} (id VARCHAR PRIMARY KEY, "
                    "created TIMESTAMP NOT NULL, hash VARCHAR, name VARCHAR, "
                    "text VARCHAR NOT NULL)")
                connection.execute(
                    f"INSERT OR REPLACE INTO {UPLOADS_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [scenario_id, datetime.now(UTC).replace(tzinfo=None), content_hash,
                     name, text])
                connection.execute(
                    f"DELETE FROM {UPLOADS_TABLE} WHERE id NOT IN (SELECT id FROM "
                    f"{UPLOADS_TABLE} ORDER BY created DESC, id DESC LIMIT ?)", [keep])
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def upload_text(self, scenario_id: str) -> str | None:
        """An uploaded scenario's text, or None when the store does not hold it."""
        rows = self._select(f"SELECT text FROM {UPLOADS_TABLE} WHERE id = ?", [scenario_id])
        return str(rows[0][0]) if rows else None

    def upload_ids(self) -> list[str]:
        """The ids of the uploads kept, oldest first."""
        return [str(row[0]) for row in self._select(
            f"SELECT id FROM {UPLOADS_TABLE} ORDER BY created, id", [])]

    def _select(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        store = self._store()
        with self._lock, store._reading() as connection:
            if connection is None:
                return []
            found = connection.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_name = ?", [UPLOADS_TABLE]).fetchone()
            if not found or not found[0]:
                return []
            return connection.execute(sql, params).fetchall()

