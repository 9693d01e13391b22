"""The run store: every run kept with its inputs and result, to find, compare and rerun.

:class:`RunStore` writes each run in one transaction to an embedded DuckDB file (by default
``runs.duckdb`` in the user's data folder; ``$CEASEFIRE_STORE`` or an explicit path
elsewhere) and reads runs back by id; :func:`diff_runs` compares two runs figure by figure
and names the inputs that differ; :meth:`RunStore.save_scenario` keeps scenario texts by
id (the web app's uploads). DuckDB is imported only when a store is opened.
"""

from __future__ import annotations

from ceasefire.store.diff import Change, InputChange, ResultDiff, diff_documents, diff_runs
from ceasefire.store.store import (
    ENV_VAR,
    STORE_SCHEMA_VERSION,
    RunRecord,
    RunStore,
    StoreError,
    default_store_path,
    scenario_id,
    store_path,
)

__all__ = ["ENV_VAR", "STORE_SCHEMA_VERSION", "Change", "InputChange", "ResultDiff",
           "RunRecord", "RunStore", "StoreError", "default_store_path", "diff_documents",
           "diff_runs", "scenario_id", "store_path"]
