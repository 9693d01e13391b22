"""What-if: the same analysis with levers or parameters changed, and the difference.

Both runs use the same seed, so the differences are the change's effect on the same
draws (common random numbers, MODELS.md section 7), not Monte Carlo noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceasefire.analysis import Analysis, analyze
from ceasefire.errors import InputError
from ceasefire.results import envelope
from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.compile import resolve_seed
from ceasefire.scenario.edit import with_values

__all__ = ["WhatIf", "whatif"]


@dataclass(frozen=True)
class WhatIf:
    """A base analysis, the changed one, and what was changed."""

    base: Analysis
    variant: Analysis
    changes: dict[str, Any]
    levers: dict[str, bool]

    def to_dict(self) -> dict[str, Any]:
        """JSON summary: each headline number for base, variant and their difference."""
        from ceasefire.analysis import scenario_meta

        b, v = self.base.to_dict(), self.variant.to_dict()
        doc = envelope("whatif", scenario=scenario_meta(self.base.scenario), seed=self.base.seed,
                       draws=self.base.draws)
        doc["changes"] = {"set": self.changes, "levers": self.levers}
        doc["variant_scenario"] = v["scenario"]
        doc["proposals"] = {
            pid: {
                "acceptance": _triple(b["proposals"][pid]["acceptance"],
                                      v["proposals"][pid]["acceptance"]),
                "p_all_veto_accept": _triple(b["proposals"][pid]["p_all_veto_accept"],
                                             v["proposals"][pid]["p_all_veto_accept"]),
                "window_opens": {"base": b["proposals"][pid]["window"]["opens"],
                                 "variant": v["proposals"][pid]["window"]["opens"]},
            }
            for pid in b["proposals"]
        }
        month0 = self.base.label(0)
        doc["war_value"] = _triple({a: x[month0]["mean"] for a, x in b["war_value"].items()},
                                   {a: x[month0]["mean"] for a, x in v["war_value"].items()})
        doc["likely_settlement"] = {"base": b["likely_settlement"],
                                    "variant": v["likely_settlement"]}
        if "line" in b and "line" in v:
            doc["line"] = {"p_zone_open": _triple(b["line"]["p_zone_open"]["p"],
                                                  v["line"]["p_zone_open"]["p"])}
        doc["run"] = {"base": b["run"], "variant": v["run"]}
        return doc


def _triple(base: Any, variant: Any) -> dict[str, Any]:
    if isinstance(base, dict):
        return {k: _triple(base[k], variant[k]) for k in base}
    return {"base": base, "variant": variant, "difference": variant - base}


def whatif(
    scenario: Scenario | str,
    *,
    changes: Mapping[str, Any] | None = None,
    levers: Mapping[str, bool] | None = None,
    draws: int = 2000,
    rng: int | np.random.Generator | None = None,
    **options: Any,
) -> WhatIf:
    """Analyse a scenario and a changed copy of it on the same draws.

    Parameters
    ----------
    changes
        Dotted path -> new value (validated like a file).
    levers
        Lever id -> ``True`` (it happens: probability 1) or ``False`` (switched off).
    options
        Passed to :func:`~ceasefire.analysis.analyze` (horizon, decomposition_draws...).
    """
    base_scenario = load_scenario(scenario)
    changes = dict(changes or {})
    levers = dict(levers or {})
    known = {lever.id for lever in base_scenario.levers}
    unknown = set(levers) - known
    if unknown:
        raise InputError(f"--lever: unknown lever(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(known))}")
    for lever_id, on in levers.items():
        changes[f"levers.{lever_id}.probability"] = 1.0 if on else 0.0
    variant_scenario = with_values(base_scenario, changes)
    seed = resolve_seed(rng)
    base = analyze(base_scenario, draws=draws, rng=seed, **options)
    variant = analyze(variant_scenario, draws=draws, rng=seed, **options)
    return WhatIf(base=base, variant=variant, changes=changes,
                  levers=levers)
