"""Small synthetic scenarios for the deal-space tests (dicts through the loader)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np

from ceasefire.bargaining import valuation_context, veto_codes
from ceasefire.dynamics import simulate_war
from ceasefire.scenario import load_scenario, scenario_from_dict, scenario_to_dict
from ceasefire.scenario.compile import compile_scenario

MINIMAL = Path(__file__).resolve().parents[1] / "scenario" / "minimal.yaml"


def synthetic_dict() -> dict[str, Any]:
    """Two belligerents and a patron (veto over the terms it delivers); four issues with
    a territorial issue, a hazard-lowering guarantee, supports below 1 and an exclusion."""
    data = copy.deepcopy(scenario_to_dict(load_scenario(str(MINIMAL))))
    data["actors"][0].update(veto="all", ratification_margin=0.05, casualty_weight=0.02,
                             cost_weight=0.05)
    data["actors"][1].update(veto="all", ratification_margin={"low": 0.02, "mode": 0.05,
                                                              "high": 0.1},
                             casualty_weight=0.03, cost_weight=0.1)
    data["actors"].append({"id": "PA", "name": "Patron", "role": "patron", "side": "SO",
                           "veto": "terms", "discount_factor": 0.98, "cost_weight": 0.1,
                           "sources": {"discount_factor": ["judgement"]}})
    data["regions"][0]["value"] = {"NO": {"low": 0.5, "mode": 1, "high": 1.5},
                                   "SO": {"low": 0.5, "mode": 1, "high": 2}, "PA": 0.2}
    data["regions"][0]["sources"]["value"] = ["judgement"]
    data["regions"][0]["front"] = {"attacker": "NO", "base_gain_km2": 20, "fortification": 1,
                                   "supply": 1, "noise_sd": 0.3,
                                   "sources": {"base_gain_km2": ["judgement"]}}
    data["forces"] = [{"id": "NO", "combat_power": 1.5, "casualties_per_day": 100,
                       "casualties_per_km2_gained": 30, "sources": {"combat_power": ["judgement"]}},
                      {"id": "SO", "combat_power": 1.0, "casualties_per_day": 80,
                       "sources": {"combat_power": ["judgement"]}}]
    data["opinion"] = [{"id": "SO", "support": 0.4, "drift_per_month": 0.01,
                        "sources": {"support": ["judgement"]}}]
    issue = data["issues"][0]
    issue["options"] = [
        {"id": "stays"},
        {"id": "to-north", "control": {"NO": 1.0}, "support": {"SO": {"low": 0.2, "mode": 0.3,
                                                                        "high": 0.5}},
         "sources": {"control": ["judgement"]}},
        {"id": "split", "control": {"NO": 0.8, "SO": 0.2}, "support": {"SO": 0.6},
         "sources": {"control": ["judgement"]}},
    ]
    data["issues"] += [
        {"id": "relief", "name": "Sanctions relief", "kind": "term", "default": "none",
         "options": [{"id": "none"},
                     {"id": "partial", "value": {"NO": 0.1, "SO": -0.02, "PA": -0.02},
                      "delivered_by": ["PA"], "support": {"SO": 0.7},
                      "sources": {"value": ["judgement"]}},
                     {"id": "full", "value": {"NO": {"low": 0.2, "mode": 0.3, "high": 0.4},
                                              "SO": -0.05, "PA": -0.05},
                      "delivered_by": ["PA"], "support": {"SO": 0.4},
                      "excludes": [{"issue": "guarantee", "option": "strong"}],
                      "sources": {"value": ["judgement"]}}]},
        {"id": "guarantee", "name": "Guarantee", "kind": "term", "default": "none",
         "options": [{"id": "none"},
                     {"id": "weak", "value": {"NO": -0.05, "SO": 0.1}, "hazard_factor": 0.8,
                      "sources": {"value": ["judgement"]}},
                     {"id": "strong", "value": {"NO": -0.2, "SO": 0.3, "PA": -0.1},
                      "hazard_factor": {"low": 0.3, "mode": 0.5, "high": 0.6},
                      "delivered_by": ["PA"], "sources": {"value": ["judgement"]}}]},
        {"id": "recognition", "name": "Recognition", "kind": "term", "default": "no",
         "options": [{"id": "no"},
                     {"id": "yes", "term": "one-off", "value": {"NO": 2.0, "SO": -3.0},
                      "support": {"SO": 0.2}, "sources": {"value": ["judgement"]}}]},
    ]
    data["proposals"].append({"id": "relief-deal", "name": "Relief for the valley",
                              "terms": {"valley-fate": "to-north", "relief": "full"}})
    return data


def synthetic_scenario():
    return scenario_from_dict(synthetic_dict())


def context_of(scenario, draws: int = 300, seed: int = 3, start: int = 0):
    compiled = compile_scenario(scenario, draws=draws, rng=seed)
    paths = simulate_war(compiled, noise=False)
    return valuation_context(compiled, paths, start), veto_codes(scenario)


def all_options(space) -> np.ndarray:
    return space.decode(np.arange(space.size))
