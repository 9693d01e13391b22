"""The common envelope of every JSON result (DESIGN.md section 9.9).

Every ``--json`` document, web API answer and run-store record is one object with
``schema_version``, ``kind``, ``ceasefire_version``, ``scenario`` (``id``, ``as_of``,
``hash``), ``seed`` and ``draws``; run metadata (wall times, paths, timestamps) lives
only under ``run``, so two runs with the same seed differ only there.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from ceasefire import __version__

__all__ = ["SCHEMA_VERSION", "content_hash", "envelope", "summary"]

SCHEMA_VERSION = 1


def content_hash(data: Any) -> str:
    """Return ``sha256:<hex>`` of the canonical JSON of ``data`` (sorted keys)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def envelope(
    kind: str,
    *,
    scenario: dict[str, Any],
    seed: int | None,
    draws: int | None,
) -> dict[str, Any]:
    """Return the head every result document starts with.

    Parameters
    ----------
    kind
        What produced the document: ``analyze``, ``deals``, ``forecast``, ...
    scenario
        ``{"id": ..., "as_of": ..., "hash": ...}`` of the input.
    seed, draws
        The root seed and the number of Monte Carlo draws (``None`` where the engine
        is deterministic).
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "ceasefire_version": __version__,
        "scenario": dict(scenario),
        "seed": seed,
        "draws": draws,
    }


def summary(samples: np.ndarray, axis: int = 0) -> dict[str, Any]:
    """Summarise draws as ``{mean, p10, p50, p90}`` (floats, or nested lists off axis 0)."""
    samples = np.asarray(samples, dtype=float)
    mean = samples.mean(axis=axis)
    p10, p50, p90 = np.percentile(samples, [10, 50, 90], axis=axis)
    return {
        "mean": _plain(mean),
        "p10": _plain(p10),
        "p50": _plain(p50),
        "p90": _plain(p90),
    }


def _plain(value: np.ndarray) -> Any:
    return float(value) if np.ndim(value) == 0 else np.asarray(value).tolist()
