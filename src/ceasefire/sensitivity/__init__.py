"""Sensitivity of the forecast to every uncertain parameter (issue 15, docs/sensitivity.md).

Sobol first- and total-order indices (Saltelli's design) and Morris screening, through
SALib, over each uncertain parameter's own distribution from the scenario, for the
outputs that matter: P(deal within 12 and 24 months), each party's acceptance of each
named proposal now, control at the horizon, the line question's reservation points.
Each sample row is played by the bargaining game's forward pass on one fit of its
continuation values.

The names below are imported on first use (SALib and scipy load only when a run needs
them).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "SensitivityOptions": "ceasefire.sensitivity.run",
    "sensitivity": "ceasefire.sensitivity.run",
    "Indices": "ceasefire.sensitivity.design",
    "sobol_indices": "ceasefire.sensitivity.design",
    "morris_indices": "ceasefire.sensitivity.design",
    "Parameter": "ceasefire.sensitivity.parameters",
    "uncertain_parameters": "ceasefire.sensitivity.parameters",
    "Output": "ceasefire.sensitivity.outputs",
    "output_choices": "ceasefire.sensitivity.outputs",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ceasefire.sensitivity' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
