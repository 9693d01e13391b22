"""``/api/runs``: the run store, read only (``ceasefire runs list`` and ``show`` over HTTP).

Kept apart from the other routes: the store is optional (DuckDB, imported when a store
is opened) and its file is the operator's choice (``Settings.run_store``, the CLI's
``--store``), never a request's. The app records its full runs there
(:mod:`ceasefire.web.storage`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query

__all__ = ["add_run_routes"]

RunId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_~-]{1,64}$", description=(
    "A run id, a unique prefix of one, ``last`` or ``last~N``."))]


def add_run_routes(app: FastAPI, store: str | None) -> None:
    """Add the read-only run-store routes; ``store`` is its path (None: the default)."""

    def open_store() -> Any:
        from ceasefire.store import RunStore

        return RunStore(store)

    @app.get("/api/runs", tags=["runs store"])
    async def list_runs(
        command: Annotated[str | None, Query(pattern=r"^[a-z-]{1,40}$")] = None,
        scenario: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """Stored runs, newest first, without their results."""
        rows = await asyncio.to_thread(
            lambda: open_store().list(command=command, scenario=scenario, limit=limit))
        return {"runs": [{**row, "created": row["created"].isoformat()
                          if hasattr(row["created"], "isoformat") else row["created"]}
                         for row in rows]}

    @app.get("/api/runs/{run_id}", tags=["runs store"])
    async def get_run(run_id: RunId) -> dict[str, Any]:
        """One stored run: its inputs, version, timing and result."""
        from ceasefire.errors import InputError
        from ceasefire.web.scenarios import NotFound

        try:
            record = await asyncio.to_thread(lambda: open_store().get(run_id))
        except InputError as error:
            raise NotFound(str(error)) from None
        return record.to_dict()
