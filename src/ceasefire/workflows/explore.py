"""``deals`` and ``calibrate``: the deal space, and the model's first months, on prepared draws."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from ceasefire.deals import DealOptions, explore_deals
from ceasefire.dynamics.calibration import calibrate as calibrate_engine
from ceasefire.errors import InputError
from ceasefire.results import CalibrateResult, DealsResult
from ceasefire.scenario.record import load_record
from ceasefire.workflows.prepare import ScenarioSource, prepare

__all__ = ["calibrate", "explore"]


def explore(scenario: ScenarioSource, options: DealOptions | None = None, *,
            rng: int | np.random.Generator | None = None, **changes: Any) -> DealsResult:
    """Evaluate every package of a scenario's declared deal space.

    ``options`` are :class:`~ceasefire.deals.DealOptions`; keyword ``changes``
    (``draws=500``, ``start=3``, ``workers=2``...) are applied on top and checked.
    """
    options = DealOptions.of(options, **changes)
    start = time.perf_counter()
    prepared = prepare(scenario, draws=options.draws, rng=rng)
    result = explore_deals(prepared.compiled, prepared.expected, options)
    wall = dict(result.run["wall_s"], prepare=round(time.perf_counter() - start, 4)
                - result.run["wall_s"]["total"])
    return result.with_run(wall_s=wall)


def calibrate(scenario: ScenarioSource, *, draws: int = 2000,
              rng: int | np.random.Generator | None = 0, months: int = 6,
              record: str | Path | None = None) -> CalibrateResult:
    """The model's first ``months`` months, to set beside the record (DESIGN.md 9.17).

    ``record`` is a record CSV (DESIGN.md 9.21); by default a built-in scenario's own.
    """
    if not 1 <= draws <= 100_000:
        raise InputError(f"draws: got {draws}; allowed: 1 to 100,000")
    start = time.perf_counter()
    prepared = prepare(scenario, draws=draws, rng=rng)
    simulated = prepared.compiled.months
    if not 1 <= months <= simulated:
        raise InputError(f"months: got {months}; allowed: 1 to {simulated} (the months "
                         f"simulated for {prepared.scenario.id}: its horizon plus 13)")
    observations = load_record(record, prepared.scenario.id) or ()
    result = calibrate_engine(prepared.compiled, prepared.expected, months=months,
                              record=observations)
    return result.with_run(wall_s={"total": round(time.perf_counter() - start, 4)})
