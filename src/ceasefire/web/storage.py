"""The run store as the web app uses it: every full run recorded, uploaded scenarios kept.

Full runs (analyze, refined what-ifs, deals, forecast, negotiate) are recorded with
:meth:`~ceasefire.store.RunStore.record`, as the CLI records its runs, so ``GET /api/runs``
and ``ceasefire runs list`` show them. Uploaded scenarios are kept as text in the same
DuckDB file (:meth:`~ceasefire.store.RunStore.save_scenario`), so a restarted server
still knows them; nothing is ever written to a path a request names. The store file is
the operator's choice (``Settings.run_store``; ``None``: ``$CEASEFIRE_STORE`` or the user
data folder), resolved at each access; ``Settings.use_store = False`` writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.store import RunStore

__all__ = ["UPLOAD_PREFIX", "WebStore", "upload_id"]

log = logging.getLogger("ceasefire.web")

UPLOAD_PREFIX = "upload-"
"""An uploaded scenario's id: this, then the id the run store keeps its text under."""

RECORDED = frozenset({"analyze", "whatif", "deals", "forecast", "negotiate"})
"""The job kinds recorded as runs (the CLI commands of the same names)."""


def upload_id(text: str) -> str:
    """The id of an uploaded text: ``upload-`` and the start of its SHA-256."""
    from ceasefire.store.store import scenario_id

    return UPLOAD_PREFIX + scenario_id(text)


class WebStore:
    """Records the web app's runs and keeps its uploads in one run store file.

    The store lets this server's threads take turns at writing (and waits for other
    processes).
    """

    def __init__(self, path: str | None) -> None:
        self.path = path

    def _store(self) -> RunStore:
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
        self._store().record(command, document, scenario_source=scenario_source,
                             scenario_text=scenario_text, options=dict(options),
                             outputs=dict(outputs or {}), seconds=seconds, run_id=run_id)
        return run_id

    # --- uploads --------------------------------------------------------------------

    def save_upload(self, text: str, *, name: str, keep: int) -> str:
        """Keep an uploaded scenario's text (only the ``keep`` newest stay); return its id."""
        return UPLOAD_PREFIX + self._store().save_scenario(text, name=name, keep=keep)

    def upload_text(self, scenario_id: str) -> str | None:
        """An uploaded scenario's text, or None when the store does not hold it."""
        if not scenario_id.startswith(UPLOAD_PREFIX):
            return None
        return self._store().scenario_text(scenario_id.removeprefix(UPLOAD_PREFIX))

    def upload_ids(self) -> list[str]:
        """The ids of the uploads kept, oldest first."""
        return [UPLOAD_PREFIX + found for found in self._store().scenario_ids()]
