"""What the model says about the first months of the war, to set beside the record.

The calibration targets are facts about a particular war (DESIGN.md section 9.17 for
``alaska-2025``); this module computes the model's side of the comparison for any
scenario: monthly gains, daily casualties, oil and gas revenue against its reference
level, and how long each fortified region holds out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ceasefire.dynamics.war import DAYS_PER_MONTH, WarPaths, simulate_war
from ceasefire.results import CalibrateResult, ScenarioMeta
from ceasefire.results.calibrate import Fall, RecordRow
from ceasefire.results.stats import estimate, summary
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.scenario.record import Observation

__all__ = ["calibrate"]


def calibrate(compiled: CompiledScenario, expected: WarPaths, *, months: int = 6,
              record: Sequence[Observation] = ()) -> CalibrateResult:
    """Summarise the model's first ``months`` months for comparison with the record.

    ``gains_km2_per_month`` and ``casualties_per_day`` are per belligerent (mean over the
    months of each draw's realised path); ``revenue_vs_reference`` is each actor's oil and
    gas revenue in month 0 as a fraction of its reference level
    (``oil_gas_revenue_per_month``, the level a year earlier), minus one;
    ``months_to_fall`` is, per fortified region with a front, the share of draws in which
    its attacker comes to hold 90 % of it within the simulated months on the expected
    path, and the median month it does. ``record`` holds the observations to set beside
    them; those dated on or before the scenario's ``as_of`` with a matching metric are kept.
    """
    scenario = compiled.scenario
    realised = simulate_war(compiled, noise=True)
    bel = realised.belligerents
    gains = {b: summary(realised.gains_km2[:months, k].mean(axis=0)) for k, b in enumerate(bel)}
    casualties = {b: summary(realised.casualties[:months, k].mean(axis=0) / DAYS_PER_MONTH)
                  for k, b in enumerate(bel)}
    revenue = {}
    for k, actor in enumerate(realised.actors):
        reference = compiled.get(f"economy.{actor}.oil_gas_revenue_per_month")
        if np.all(reference == 0):
            continue
        # month 0: the levers in force at the scenario date, before any announced one bites
        level = realised.revenue[0, k] / np.where(reference > 0, reference, 1)
        revenue[actor] = summary(level - 1)
    fall = {}
    for i, region in enumerate(scenario.regions):
        if region.front is None or "fortified-city" not in region.features:
            continue
        attacker = bel.index(region.front.attacker)
        held = expected.control[:, i, attacker] >= 0.9  # [months + 1, draws]
        first = np.where(held.any(axis=0), held.argmax(axis=0), -1).astype(float)
        taken = first >= 0
        fall[region.id] = Fall(taken=estimate(taken),
                               month_p50=float(np.median(first[taken])) if taken.any() else None)
    kinds = {"gains_km2": gains, "casualties_per_day": casualties,
             "oil_gas_revenue_change": revenue}
    beside = [RecordRow(**o.model_dump()) for o in record if o.date <= scenario.as_of
              and o.metric.split(".")[0] in kinds and o.metric.split(".")[1] in
              kinds[o.metric.split(".")[0]]]
    return CalibrateResult(scenario=ScenarioMeta.of(scenario), seed=compiled.seed,
                           draws=compiled.draws, months=months, gains_km2_per_month=gains,
                           casualties_per_day=casualties, revenue_vs_reference=revenue,
                           months_to_fall=fall, record=sorted(beside, key=lambda r: r.date),
                           horizon_months=scenario.horizon_months)
