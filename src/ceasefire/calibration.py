"""What the model says about the first months of the war, to set beside the record.

The calibration targets are facts about a particular war (DESIGN.md section 9.17 for
``alaska-2025``); this module computes the model's side of the comparison for any
scenario: monthly gains, daily casualties, oil and gas revenue against its reference
level, and how long each fortified region holds out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ceasefire.dynamics import DAYS_PER_MONTH, simulate_war
from ceasefire.results import summary
from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.compile import compile_scenario

__all__ = ["Calibration", "calibrate"]


@dataclass(frozen=True)
class Calibration:
    """Model summaries over the first ``months`` months, ``{mean, p10, p50, p90}`` over draws.

    ``gains_km2_per_month`` and ``casualties_per_day`` are per belligerent (mean over the
    months of each draw's realised path); ``revenue_vs_reference`` is each actor's oil and
    gas revenue in month 0 as a fraction of its reference level
    (``oil_gas_revenue_per_month``, the level a year earlier), minus one;
    ``months_to_fall`` is, per fortified region with a front, the month its attacker first
    holds 90 % of it on the expected path (``None`` where it holds out beyond the
    simulated months).
    """

    months: int
    gains_km2_per_month: dict[str, dict[str, float]]
    casualties_per_day: dict[str, dict[str, float]]
    revenue_vs_reference: dict[str, dict[str, float]]
    months_to_fall: dict[str, dict[str, float | None]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"months": self.months, "gains_km2_per_month": self.gains_km2_per_month,
                "casualties_per_day": self.casualties_per_day,
                "revenue_vs_reference": self.revenue_vs_reference,
                "months_to_fall": self.months_to_fall}


def calibrate(scenario: Scenario | str, *, draws: int = 2000, rng: int = 0,
              months: int = 6) -> Calibration:
    """Summarise the model's first ``months`` months for comparison with the record."""
    scenario = load_scenario(scenario)
    compiled = compile_scenario(scenario, draws=draws, rng=rng)
    realised = simulate_war(compiled, noise=True)
    expected = simulate_war(compiled, noise=False)
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
        fall[region.id] = {
            "share_taken": float(taken.mean()),
            "p50": float(np.median(first[taken])) if taken.any() else None,
        }
    return Calibration(months=months, gains_km2_per_month=gains, casualties_per_day=casualties,
                       revenue_vs_reference=revenue, months_to_fall=fall)
