"""The full runs the web app hands to a worker: one function per kind, plain data in and out.

A task runs in a child process (or a thread) and knows nothing of HTTP: it receives the
scenario (a built-in name, or an uploaded scenario as the dictionary the loader
validates again), its options and a progress callback, calls the workflow and returns
the result's JSON document, the one serialisation the CLI's ``--json`` uses too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ceasefire.errors import CeasefireError, InputError, ScenarioError
from ceasefire.scenario import Scenario

__all__ = ["TASKS", "describe_error", "run_task", "scenario_payload"]

Progress = Callable[[str, float], None]


def scenario_payload(scenario_id: str, scenario: Scenario, builtin: bool) -> dict[str, Any]:
    """How a scenario travels to a worker: a built-in by name, an upload as its data."""
    if builtin:
        return {"builtin": scenario_id}
    from ceasefire.scenario.loading import scenario_to_dict

    return {"data": scenario_to_dict(scenario), "id": scenario_id}


def _scenario(payload: dict[str, Any]) -> Scenario:
    from ceasefire.scenario import load_scenario
    from ceasefire.scenario.loading import scenario_from_dict

    if "builtin" in payload:
        return load_scenario(payload["builtin"])
    return scenario_from_dict(payload["data"], file=f"upload {payload.get('id', '')}".strip())


def _analyze(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    from ceasefire.workflows import analyze

    return analyze(scenario, rng=options["seed"], draws=options["draws"],
                   horizon=options.get("horizon"), leverage=options.get("leverage", False),
                   progress=tell).to_dict()


def _whatif(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    from ceasefire.workflows import whatif

    tell("base and variant", 0.05)
    return whatif(scenario, changes=options.get("changes") or {},
                  levers=options.get("levers") or {}, rng=options["seed"],
                  draws=options["draws"], horizon=options.get("horizon")).to_dict()


def _deals(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    from ceasefire.workflows import explore

    tell("deal space", 0.05)
    return explore(scenario, rng=options["seed"], draws=options["draws"],
                   start=options.get("start", 0), top=options.get("top", 10)).to_dict()


def _forecast(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    from ceasefire.workflows import stakeholder_forecast

    tell("stakeholder models", 0.05)
    return stakeholder_forecast(scenario, models=options.get("models"),
                                dimension=options.get("dimension")).to_dict()


def _negotiate(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    from ceasefire.workflows.negotiate import negotiate

    strategies = tuple(f"{player}={name}" for player, name in
                       (options.get("strategies") or {}).items())
    return negotiate(scenario, runs=options["draws"], draw=options.get("draw", 0),
                     strategies=strategies, rng=options["seed"],
                     horizon=options.get("horizon"), progress=tell).to_dict()


def _sleep(scenario: Scenario, options: dict[str, Any], tell: Progress) -> dict[str, Any]:
    """A task that only waits (tests of the time budget; not reachable from the API)."""
    import time

    time.sleep(float(options.get("seconds", 60)))
    return {"slept": options.get("seconds", 60)}


TASKS: dict[str, Callable[[Scenario, dict[str, Any], Progress], dict[str, Any]]] = {
    "analyze": _analyze, "whatif": _whatif, "deals": _deals, "forecast": _forecast,
    "negotiate": _negotiate, "sleep": _sleep,
}


def run_task(kind: str, scenario: dict[str, Any], options: dict[str, Any],
             progress: Progress) -> dict[str, Any]:
    """Run one task and return its JSON document."""
    return TASKS[kind](_scenario(scenario), options, progress)


def describe_error(error: BaseException) -> dict[str, Any]:
    """An error as plain data: the HTTP status it maps to, its message and problems."""
    if isinstance(error, ScenarioError):
        return {"status": 422, "message": str(error).splitlines()[0],
                "problems": [{"path": p.path, "message": p.message, "hint": p.hint,
                              "line": p.line} for p in error.problems]}
    if isinstance(error, InputError | CeasefireError):
        return {"status": 422, "message": str(error), "problems": []}
    if isinstance(error, MemoryError):
        return {"status": 507, "message": "the run ran out of memory; ask for fewer draws",
                "problems": []}
    return {"status": 500, "message": f"internal error ({error.__class__.__name__}); the "
                                       "server logged it", "problems": []}
