"""Scenario references of the web app: ids, never file-system paths.

An id names a built-in scenario (``alaska-2025``) or one uploaded to this server
(``upload-`` and the first 16 hex digits of its content hash). Uploaded text is validated
like a file and kept in memory (the run store takes them over when it lands), never
written to disk; the oldest are forgotten past ``Settings.max_uploads``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from ceasefire.errors import InputError
from ceasefire.scenario import Scenario, builtin_names, load_scenario, read_scenario_text

__all__ = ["ID_PATTERN", "MAX_SCENARIO_CHARS", "NotFound", "ScenarioRegistry", "UnknownScenario",
           "scenario_summary"]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
"""A scenario id: lower-case letters, digits and hyphens; nothing a path could hide in."""
MAX_SCENARIO_CHARS = 500_000
"""Characters of an uploaded scenario's text (the body limit bounds it too)."""
UPLOAD_PREFIX = "upload-"


class NotFound(InputError):
    """A reference (scenario, job, stored run) that names nothing on this server (404)."""


class UnknownScenario(NotFound):
    """An id that names no built-in or uploaded scenario (404)."""


@lru_cache(maxsize=8)
def _builtin(name: str) -> Scenario:
    return load_scenario(name)


class ScenarioRegistry:
    """Built-in scenarios and the uploads of this server's lifetime, by id."""

    def __init__(self, max_uploads: int) -> None:
        self._uploads: OrderedDict[str, Scenario] = OrderedDict()
        self._max = max_uploads
        self._lock = threading.Lock()

    def ids(self) -> list[str]:
        """Built-in ids, then uploaded ones (oldest first)."""
        with self._lock:
            return [*builtin_names(), *self._uploads]

    def get(self, scenario_id: str) -> Scenario:
        """The scenario named ``scenario_id``.

        Raises
        ------
        InputError
            A path-like or malformed id (never looked up on disk).
        UnknownScenario
            An id that names nothing.
        """
        if not re.fullmatch(ID_PATTERN, scenario_id):
            raise InputError(f"scenario {scenario_id[:100]!r}: not a scenario id; allowed: "
                             "lower-case letters, digits and hyphens (a built-in name or "
                             "the id an upload returned), never a file path")
        if scenario_id in builtin_names():
            return _builtin(scenario_id)
        with self._lock:
            found = self._uploads.get(scenario_id)
            if found is not None:
                self._uploads.move_to_end(scenario_id)
                return found
        known = ", ".join(self.ids())
        raise UnknownScenario(f"scenario {scenario_id!r}: no built-in or uploaded scenario "
                              f"has this id; known: {known} (hint: upload it with POST "
                              "/api/scenarios)")

    def add(self, text: str) -> tuple[str, Scenario]:
        """Validate scenario text (YAML or JSON) and keep it; return its id and scenario.

        Raises
        ------
        ScenarioError
            Every problem, each with its path and line, as for a file.
        """
        scenario = validate_text(text)
        scenario_id = UPLOAD_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        if self._max == 0:
            raise InputError("this server keeps no uploaded scenario (max_uploads is 0)")
        with self._lock:
            self._uploads[scenario_id] = scenario
            self._uploads.move_to_end(scenario_id)
            while len(self._uploads) > self._max:
                self._uploads.popitem(last=False)
        return scenario_id, scenario


def validate_text(text: str) -> Scenario:
    """Parse and validate scenario text as the loader does a file named ``upload``."""
    if len(text) > MAX_SCENARIO_CHARS:
        raise InputError(f"scenario text: {len(text):,} characters; allowed: at most "
                         f"{MAX_SCENARIO_CHARS:,}")
    return read_scenario_text(text, file="upload")


def scenario_summary(scenario_id: str, scenario: Scenario) -> dict[str, Any]:
    """What the dashboard needs to draw its controls: parties, levers, proposals, regions."""
    from ceasefire.results import ScenarioMeta

    sampled = _ranges(scenario)
    actors = []
    for actor in scenario.actors:
        actors.append({
            "id": actor.id, "name": actor.name, "role": actor.role,
            "discount_factor": sampled.get(f"actors.{actor.id}.discount_factor"),
            "ratification_threshold": sampled.get(f"actors.{actor.id}.ratification_threshold"),
        })
    priors = []
    if scenario.beliefs is not None:
        priors = [{"id": p.id, "mean_log_m": sampled.get(f"beliefs.priors.{p.id}.mean_log_m")}
                  for p in scenario.beliefs.priors]
    return {
        "id": scenario_id, "name": scenario.name, "as_of": scenario.as_of.isoformat(),
        "description": scenario.description, "horizon_months": scenario.horizon_months,
        "hash": ScenarioMeta.of(scenario).hash,
        "belligerents": list(scenario.belligerents),
        "actors": actors, "priors": priors,
        "levers": [{"id": lever.id, "name": lever.name, "factor": lever.factor,
                    "status": lever.status, "probability": lever.probability,
                    "against": lever.against, "start_month": lever.start_month,
                    "description": lever.description} for lever in scenario.levers],
        "proposals": [{"id": p.id, "name": p.name, "terms": dict(p.terms)}
                      for p in scenario.proposals],
        "regions": [{"id": r.id, "name": r.name, "province": r.province}
                    for r in scenario.regions],
        "claims": len(scenario.evidence),
    }


def _ranges(scenario: Scenario) -> dict[str, dict[str, float]]:
    """``{low, mode, high}`` of the numbers a slider may move (a fixed number: all equal)."""
    out: dict[str, dict[str, float]] = {}

    def put(path: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, int | float):
            out[path] = {"low": float(value), "mode": float(value), "high": float(value)}
            return
        data = value.model_dump() if hasattr(value, "model_dump") else value
        if isinstance(data, dict) and {"low", "high"} <= set(data):
            low, high = float(data["low"]), float(data["high"])
            mode = data.get("mode")
            out[path] = {"low": low, "high": high,
                         "mode": float(mode) if mode is not None else (low + high) / 2}

    for actor in scenario.actors:
        put(f"actors.{actor.id}.discount_factor", actor.discount_factor)
        put(f"actors.{actor.id}.ratification_threshold",
            getattr(actor, "ratification_threshold", None))
    if scenario.beliefs is not None:
        for prior in scenario.beliefs.priors:
            put(f"beliefs.priors.{prior.id}.mean_log_m", prior.mean_log_m)
    return out
