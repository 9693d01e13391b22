"""The result of ``forecast``: each stakeholder model's forecast of each dimension."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, get_args

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Name, Record

__all__ = ["MODEL_NAMES", "EumBand", "ForecastResult", "KnifeEdge", "ModelForecast",
           "StakeholderInfo", "Trajectory"]

ModelName = Literal["compromise", "median", "status-quo", "nash", "eum", "smp"]
MODEL_NAMES: tuple[str, ...] = get_args(ModelName)


class Trajectory(Record):
    """One dimension round by round: the model's forecast and each stakeholder's position."""

    forecast: list[float | None]
    positions: dict[Name, list[float | None]]


class ModelForecast(Record):
    """One model's forecast on the input's own scale."""

    forecast: dict[Name, float | None]
    final_positions: dict[Name, dict[Name, float | None]] = Field(description=(
        "Stakeholder -> dimension -> final position."))
    turns: int = Field(ge=0)
    converged: bool
    options: dict[str, Any]
    diagnostics: dict[str, Any] = Field(description="Model-specific figures (e.g. the EUM's "
                                        "median and mean by round).")
    trajectory: dict[Name, Trajectory]


class StakeholderInfo(Record):
    """Who a stakeholder is: its display name and the actor it speaks for, if any."""

    name: str
    actor: ActorId | None = Field(description="The scenario's actor that is the same party "
                                  "(None: no actor, or a table file).")


class EumBand(Record):
    """The spread of the expected utility model's forecast across its published readings."""

    low: float
    high: float
    presets: dict[Name, float]


class KnifeEdge(Record):
    """Whether the EUM's forecast of a dimension hangs on one stakeholder's capability.

    The rule (``ceasefire.forecast.eum.eum_knife_edge``): rerun the model with each
    stakeholder's capability halved, then doubled, one at a time; knife-edge when one such
    run moves the forecast by more than ``threshold`` of the dimension's scale.
    """

    knife_edge: bool
    spread: float = Field(ge=0.0, description=(
        "The largest move of the forecast, as a share of the dimension's scale."))
    threshold: float = Field(gt=0.0, description="The share above which it is knife-edge.")
    stakeholder: Name | None = Field(description=(
        "The stakeholder whose capability change moved it most (None: nothing moved)."))
    factor: float | None = Field(gt=0.0, description="The factor applied to its capability.")
    forecast: float = Field(description="The EUM forecast as run.")
    moved_to: float | None = Field(description="The forecast after that change.")
    band_share: float | None = Field(ge=0.0, description=(
        "Width of the preset band as a share of the scale (reported, not part of the rule)."))
    reason: str


class ForecastResult(Result):
    """Stakeholder forecasts of each contested dimension, one per model.

    On the input's own scale; deterministic, so ``seed`` and ``draws`` are null.
    """

    kind: Literal["forecast"] = "forecast"
    seed: None = None
    draws: None = None
    stakeholders: dict[Name, StakeholderInfo]
    models: dict[ModelName, ModelForecast]
    skipped: dict[ModelName, str] = Field(default_factory=dict, description=(
        "Models that could not run on this input, with the reason."))
    eum_band: dict[Name, EumBand] | None = None
    eum_knife_edge: dict[Name, KnifeEdge] | None = Field(default=None, description=(
        "Per dimension, whether the EUM forecast (with the options it ran with) is "
        "knife-edge; None when the EUM did not run."))

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "forecast": ("models", "*model", "forecast", "*dimension"),
        "final_positions": ("models", "*model", "final_positions", "*stakeholder",
                            "*dimension"),
    }

    def headline(self) -> str:
        """Each model's forecast of the first dimension."""
        parts = []
        for name, model in self.models.items():
            if model.forecast:
                _dimension, value = next(iter(model.forecast.items()))
                parts.append(f"{name} {value:.1f}" if value is not None else f"{name} n/a")
        return ("first dimension: " + ", ".join(parts)) if parts else "no model ran"
