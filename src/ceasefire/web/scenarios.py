"""Scenario references of the web app: ids, never file-system paths.

An id names a built-in scenario (``alaska-2025``) or one uploaded to this server
(``upload-`` and the first 16 hex digits of its content hash). Uploaded text is validated
like a file and kept in the run store (:class:`~ceasefire.web.storage.WebStore`), so a
restarted server still serves it, with the parsed scenarios of recent ones in memory;
nothing is written to a path a request names. The oldest uploads are forgotten past
``Settings.max_uploads``. With the store off (``Settings.use_store = False``) they are
kept in this server's memory only.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ceasefire.errors import InputError
from ceasefire.scenario import (
    Scenario,
    builtin_names,
    builtin_text,
    load_scenario,
    read_scenario_text,
)

if TYPE_CHECKING:
    from ceasefire.web.storage import WebStore

__all__ = ["ID_PATTERN", "MAX_SCENARIO_CHARS", "NotFound", "ScenarioRegistry", "UnknownScenario",
           "scenario_summary"]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
"""A scenario id: lower-case letters, digits and hyphens; nothing a path could hide in."""
MAX_SCENARIO_CHARS = 500_000
"""Characters of an uploaded scenario's text (the body limit bounds it too)."""


class NotFound(InputError):
    """A reference (scenario, job, stored run) that names nothing on this server (404)."""


class UnknownScenario(NotFound):
    """An id that names no built-in or uploaded scenario (404)."""


@lru_cache(maxsize=8)
def _builtin(name: str) -> Scenario:
    return load_scenario(name)


class ScenarioRegistry:
    """Built-in scenarios and uploaded ones (in the run store, or in memory), by id.

    Parameters
    ----------
    max_uploads
        Uploads kept (in the store, and parsed in memory); the oldest are forgotten.
    store
        Where uploads are kept; None keeps them in memory only.
    """

    def __init__(self, max_uploads: int, store: WebStore | None = None) -> None:
        self._uploads: OrderedDict[str, tuple[Scenario, str]] = OrderedDict()
        self._max = max_uploads
        self._store = store
        self._lock = threading.Lock()

    def ids(self) -> list[str]:
        """Built-in ids, then uploaded ones (oldest first)."""
        stored = self._store.upload_ids() if self._store is not None else []
        with self._lock:
            return [*builtin_names(), *dict.fromkeys([*stored, *self._uploads])]

    def text(self, scenario_id: str) -> str | None:
        """The text of a scenario: a built-in's YAML or the text uploaded."""
        if scenario_id in builtin_names():
            return builtin_text(scenario_id)
        self.get(scenario_id)  # loads it from the store (or raises)
        with self._lock:
            found = self._uploads.get(scenario_id)
        return found[1] if found is not None else None

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
                return found[0]
        text = self._store.upload_text(scenario_id) if self._store is not None else None
        if text is not None:
            scenario = validate_text(text)
            self._remember(scenario_id, scenario, text)
            return scenario
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
        if self._max == 0:
            raise InputError("this server keeps no uploaded scenario (max_uploads is 0)")
        from ceasefire.web.storage import upload_id

        scenario = validate_text(text)
        scenario_id = upload_id(text)
        if self._store is not None:
            scenario_id = self._store.save_upload(text, name=scenario.name, keep=self._max)
        self._remember(scenario_id, scenario, text)
        return scenario_id, scenario

    def _remember(self, scenario_id: str, scenario: Scenario, text: str) -> None:
        with self._lock:
            self._uploads[scenario_id] = (scenario, text)
            self._uploads.move_to_end(scenario_id)
            while len(self._uploads) > self._max:
                self._uploads.popitem(last=False)


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
    priors, analyst = [], None
    if scenario.beliefs is not None:
        priors = [_prior(prior, sampled) for prior in scenario.beliefs.priors]
        if scenario.beliefs.analyst_points is not None:
            analyst = _on_points(scenario.beliefs.analyst_points)
    return {
        "id": scenario_id, "name": scenario.name, "as_of": scenario.as_of.isoformat(),
        "description": scenario.description, "horizon_months": scenario.horizon_months,
        "hash": ScenarioMeta.of(scenario).hash,
        "belligerents": list(scenario.belligerents),
        "actors": actors, "priors": priors, "analyst_points": analyst,
        "levers": [{"id": lever.id, "name": lever.name, "factor": lever.factor,
                    "status": lever.status, "probability": lever.probability,
                    "against": lever.against, "start_month": lever.start_month,
                    "description": lever.description} for lever in scenario.levers],
        "proposals": [{"id": p.id, "name": p.name, "terms": dict(p.terms)}
                      for p in scenario.proposals],
        "regions": [{"id": r.id, "name": r.name, "province": r.province,
                     "control": {actor: _mode(share) for actor, share in r.control.items()}}
                    for r in scenario.regions],
        "claims": len(scenario.evidence),
    }


def _prior(prior: Any, sampled: dict[str, dict[str, float]]) -> dict[str, Any]:
    """A party's prior on log m: normal (the range its mean's slider moves in) or on points.

    A prior on points has no ``mean_log_m`` to slide: its points, their probabilities and
    the mean of log m under them are reported instead.
    """
    if prior.points is not None:
        return {"id": prior.id, "form": "points", "points": _on_points(prior.points)}
    return {"id": prior.id, "form": "normal",
            "mean_log_m": sampled.get(f"beliefs.priors.{prior.id}.mean_log_m"),
            "sd_log_m": _mode(prior.sd_log_m)}


def _on_points(points: Any) -> dict[str, Any]:
    """Points of log m with their probabilities (rescaled to sum to 1) and their mean."""
    import math

    masses = points.masses()
    return {"log_m": [float(x) for x in points.log_m], "probability": masses,
            "mean_log_m": math.fsum(x * p for x, p in zip(points.log_m, masses, strict=True))}


def _mode(value: Any) -> float | None:
    """The most likely value of a number or a distribution (its mode, else its middle)."""
    if isinstance(value, int | float):
        return float(value)
    data = value.model_dump() if hasattr(value, "model_dump") else {}
    for key in ("mode", "mean", "mu", "value"):
        if isinstance(data.get(key), int | float):
            return float(data[key])
    if isinstance(data.get("low"), int | float) and isinstance(data.get("high"), int | float):
        return (float(data["low"]) + float(data["high"])) / 2
    return None


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
        for prior in scenario.beliefs.priors:  # a prior on points has no mean to slide
            put(f"beliefs.priors.{prior.id}.mean_log_m", prior.mean_log_m)
    return out
