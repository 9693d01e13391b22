"""The web app's limits and choices, one frozen options model (no web library imported)."""

from __future__ import annotations

from pydantic import Field

from ceasefire.options import Options

__all__ = ["Settings"]


class Settings(Options):
    """What the server allows and how it runs engines.

    Every limit answers a request that exceeds it with a clear error: too many draws or a
    malformed body 422, a body past ``max_body_bytes`` 413, a full queue 503, a run past
    its time budget 504 (and the run is stopped).
    """

    max_draws: int = Field(2000, ge=1, le=20_000, description=(
        "Most Monte Carlo draws a request may ask for (memory and time grow with them)."))
    dashboard_draws: dict[str, int] = Field(
        default_factory=lambda: {"tutorial": 400, "alaska-2025": 300}, description=(
            "Draws of the dashboard's quick runs per scenario id (others: quick_draws)."))
    quick_draws: int = Field(300, ge=10, le=20_000, description=(
        "Draws of a quick what-if when the request names none."))
    quick_variant_draws: int | None = Field(None, ge=10, le=20_000, description=(
        "Draws a quick what-if's variant plays: the first of the base run's draws (the same "
        "numbers), for a faster preliminary answer with wider standard errors; None: all."))
    max_body_bytes: int = Field(1_000_000, ge=1_000, le=50_000_000, description=(
        "Largest request body; larger ones get 413 before they are read whole."))
    request_timeout_s: float = Field(120.0, gt=0, le=3600, description=(
        "Time budget of a full run (analyze, refined what-if, deals, forecast): past it "
        "the run's process is stopped and the request gets 504."))
    quick_timeout_s: float = Field(60.0, gt=0, le=3600, description=(
        "Time budget of a quick what-if, its base fit included (first call per scenario)."))
    quick_workers: int = Field(2, ge=1, le=64, description=(
        "Threads for quick what-ifs (numpy releases the GIL in its heavy loops)."))
    quick_queue: int = Field(16, ge=0, le=10_000, description=(
        "Quick what-ifs that may wait for a thread; past it the server answers 503."))
    job_workers: int = Field(2, ge=1, le=64, description=(
        "Full runs at once, each in its own process (so a run over budget can be stopped)."))
    job_queue: int = Field(8, ge=0, le=10_000, description=(
        "Full runs that may wait for a process; past it the server answers 503."))
    keep_jobs: int = Field(64, ge=1, le=10_000, description=(
        "Finished jobs kept for polling; the oldest are forgotten first."))
    max_uploads: int = Field(32, ge=0, le=10_000, description=(
        "Uploaded scenarios kept (in the run store, or in memory without it); the oldest "
        "are forgotten first."))
    fit_cache: int = Field(8, ge=1, le=1_000, description=(
        "Fitted base games kept for quick what-ifs (per scenario, draws and seed)."))
    run_store: str | None = Field(None, description=(
        "The run store file: full runs are recorded in it, uploaded scenarios kept in it, "
        "and /api/runs reads it (default: $CEASEFIRE_STORE, else the user data folder); "
        "the operator's choice, never a request's."))
    use_store: bool = Field(True, description=(
        "Record full runs and keep uploads in the run store; False writes nothing there "
        "(uploads live in memory until the server stops; /api/runs still reads it)."))
    isolation: str = Field("process", pattern="^(process|thread)$", description=(
        "Where full runs execute: 'process' (stopped at their time budget) or 'thread' "
        "(cannot be stopped: the request still gets 504, the thread finishes its run)."))
