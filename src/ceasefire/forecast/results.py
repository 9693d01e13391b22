"""The one result type every forecasting model returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ceasefire.forecast.table import StakeholderTable

__all__ = ["ForecastResult"]


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """Round-by-round record of one model run on one stakeholder table.

    Attributes
    ----------
    model
        ``compromise``, ``median``, ``status-quo``, ``nash``, ``eum`` or ``smp``.
    table
        The input table.
    options
        The options object the model ran with (a frozen dataclass).
    positions
        ``[rounds + 1, actors, dimensions]`` on the input scale; row 0 is the input.
    forecasts
        ``[rounds + 1, dimensions]``: the model's forecast after each round.
    turns
        Number of rounds run (0 for the static baselines).
    converged
        Whether the model's own stopping rule ended the run (rather than a round limit).
    diagnostics
        Model-specific record: plain numbers, lists and arrays (e.g. SMP's stop ratios,
        EUM's risk exponents and accepted offers).
    """

    model: str
    table: StakeholderTable
    options: Any
    positions: np.ndarray
    forecasts: np.ndarray
    turns: int
    converged: bool = True
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def forecast(self) -> np.ndarray:
        """The final forecast, ``[dimensions]`` on the input scale."""
        return self.forecasts[-1]

    @property
    def final_positions(self) -> np.ndarray:
        """Final positions, ``[actors, dimensions]`` on the input scale."""
        return self.positions[-1]

    def forecast_by_dimension(self) -> dict[str, float]:
        """Return the final forecast keyed by dimension id."""
        return {d: _finite(v) for d, v in zip(self.table.dimension_ids, self.forecast, strict=True)}

    def final_positions_by_actor(self) -> dict[str, dict[str, float]]:
        """Return final positions keyed by actor id, then dimension id."""
        dims = self.table.dimension_ids
        return {
            a: {d: _finite(self.final_positions[i, k]) for k, d in enumerate(dims)}
            for i, a in enumerate(self.table.actor_ids)
        }


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _options_dict(options: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    if options is None:
        return {}
    if is_dataclass(options):
        return _jsonable(asdict(options))
    return _jsonable(dict(options))


def _jsonable(value: Any) -> Any:
    """Turn numpy values into plain Python, NaN and infinities into None."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _finite(float(value))
    return value
