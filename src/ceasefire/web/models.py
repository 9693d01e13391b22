"""The JSON API's request bodies: closed pydantic models, so a bad request gets 422 with paths.

Draw limits depend on the server's settings and are checked by the routes (with the same
422 shape); everything else is declared here and appears in the OpenAPI spec.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from ceasefire.web.scenarios import ID_PATTERN

__all__ = ["AnalyzeRequest", "DealsRequest", "ForecastRequest", "NegotiateRequest",
           "ScenarioText", "WhatifRequest"]

ScenarioId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
LeverId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
ParameterPath = Annotated[str, StringConstraints(
    pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){1,8}$", max_length=200)]
Number = StrictInt | StrictFloat
Value = Annotated[Number | StrictBool | Annotated[str, StringConstraints(max_length=200)]
                  | dict[Annotated[str, StringConstraints(max_length=40)], Number],
                  Field(description="A number, a flag, a word, or {low, mode, high}.")]
ActorKey = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_-]{0,15}$")]
StrategyName = Annotated[str, StringConstraints(
    pattern=r"^[a-z][a-z-]{0,30}(:[0-9.eE+-]{1,20}(:[a-z][a-z-]{0,30})?)?$", max_length=80)]
ModelName = Literal["compromise", "median", "status-quo", "nash", "eum", "smp"]
SEED_MAX = 2**32 - 1


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class _Run(_Request):
    scenario: ScenarioId = Field("tutorial", description=(
        "A built-in scenario id or the id an upload returned; never a file path."))
    draws: int | None = Field(None, ge=1, description=(
        "Monte Carlo draws (default and most: the server's limits)."))
    seed: int = Field(7, ge=0, le=SEED_MAX, description="Root seed: same seed, same numbers.")
    background: bool = Field(False, description=(
        "Answer 202 with a job to poll (GET /api/jobs/{id}) instead of waiting."))


class AnalyzeRequest(_Run):
    """``analyze``: every engine on one scenario."""

    horizon: int | None = Field(None, ge=1, le=240, description="Months from each start month.")


class WhatifRequest(_Run):
    """A what-if: levers switched on or off, parameters set; quick unless ``refine``."""

    levers: dict[LeverId, bool] = Field(default_factory=dict, max_length=64, description=(
        "Lever id -> true (it happens) or false (switched off)."))
    carried_out: list[LeverId] = Field(default_factory=list, max_length=64, description=(
        "Conditional levers (threats, with ``against``) carried out from month 0 whatever "
        "the talks do: made unconditional and certain."))
    set: dict[ParameterPath, Value] = Field(default_factory=dict, max_length=64, description=(
        "Dotted parameter path -> value, e.g. actors.NO.discount_factor: 0.97."))
    refine: bool = Field(False, description=(
        "Re-solve the game for the variant (the full what-if) instead of playing it "
        "forward on the base run's fit."))
    view: bool = Field(False, description=(
        "Add the dashboard's figures and tables (plotly JSON) to the answer."))


class DealsRequest(_Run):
    """The deal space: every package of the declared space, scored."""

    start: int = Field(0, ge=0, le=12, description="Start month of the deals scored.")
    top: int = Field(10, ge=1, le=100, description="Packages listed by P(all accept).")


class NegotiateRequest(_Run):
    """``negotiate``: the talks month by month on one run, and the batch of runs.

    ``draws`` are the runs of the talks (the CLI's ``--runs``).
    """

    draw: int = Field(0, ge=0, description="The run told as a transcript (0-based, below "
                                            "draws).")
    strategies: dict[ActorKey, StrategyName] = Field(
        default_factory=dict, max_length=16, description=(
            "Player id -> strategy (equilibrium, boulware, linear, conceder, tit-for-tat, "
            "bluff:<b>[:<base>]; for the mediator also single-text, split-difference). "
            "Players not named play the equilibrium."))
    horizon: int | None = Field(None, ge=1, le=240, description="Months of talks.")


class ForecastRequest(_Request):
    """The stakeholder models on a scenario's table."""

    scenario: ScenarioId = "alaska-2025"
    models: list[ModelName] | None = Field(None, max_length=6, description=(
        "Models to run (default: every one that applies)."))
    dimension: Annotated[str, StringConstraints(max_length=80)] | None = None
    background: bool = False


class ScenarioText(_Request):
    """A scenario as text (YAML, or JSON, which is YAML too)."""

    text: Annotated[str, StringConstraints(max_length=500_000)]
