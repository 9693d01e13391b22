"""ceasefire: model the end of a war as a negotiation.

The library is organised around one immutable :class:`~ceasefire.scenario.Scenario`
that every engine takes; engines are pure functions returning typed results::

    import ceasefire

    scenario = ceasefire.load_scenario("alaska-2025")
    result = ceasefire.analyze(scenario, draws=2000, rng=7)
    result.likely_settlement          # typed records; result.to_dict() is the --json document
    result.to_frame("acceptance")     # tidy pandas tables

The names below are imported on first use, so ``import ceasefire`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Scenario": "ceasefire.scenario",
    "load_scenario": "ceasefire.scenario",
    "builtin_names": "ceasefire.scenario",
    "analyze": "ceasefire.workflows",
    "whatif": "ceasefire.workflows",
    "calibrate": "ceasefire.workflows",
    "backtest": "ceasefire.workflows",
    "explore": "ceasefire.workflows",
    "stakeholder_forecast": "ceasefire.workflows",
    "AnalysisOptions": "ceasefire.workflows",
    "DealOptions": "ceasefire.workflows",
    "load_result": "ceasefire.results",
    "table_from_scenario": "ceasefire.forecast",
    "run_model": "ceasefire.forecast",
    "CeasefireError": "ceasefire.errors",
    "ScenarioError": "ceasefire.errors",
    "InputError": "ceasefire.errors",
    "ModelError": "ceasefire.errors",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ceasefire' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
