"""The typed, immutable scenario (DESIGN.md sections 4 and 9.3).

A scenario is one YAML file validated into these frozen pydantic models. Numbers may be
uncertain (:mod:`ceasefire.scenario.values`); each field's allowed range is checked
against the value's whole support. Cross-references (ids, proposals, evidence) are
checked by :mod:`ceasefire.scenario.checks` after the structure is valid.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ceasefire.scenario.values import Bounds, Number, Quantity, point_value, support

__all__ = [
    "FORMAT_VERSION",
    "Actor",
    "Bargaining",
    "Beliefs",
    "City",
    "Claim",
    "Dimension",
    "Economy",
    "Effect",
    "Forces",
    "Front",
    "Issue",
    "Lever",
    "LineSpec",
    "LogMPoints",
    "NarrowAgreement",
    "Opinion",
    "Option",
    "Prior",
    "Proposal",
    "Regime",
    "Region",
    "Scale",
    "Scenario",
    "Source",
    "Stakeholder",
    "Stakeholders",
    "TerritorialClaim",
    "month_label",
]

FORMAT_VERSION = 1

ActorId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,5}$")]
"""Short upper-case actor ids: ``RU``, ``UA``, ``US``, ``EU``, ``IN``."""
KebabId = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
"""Kebab-case ids of regions, levers, issues, options, proposals and claims."""


def _bounded(bounds: Bounds) -> AfterValidator:
    def check(value: Any) -> Any:
        lo, hi = support(value)
        if bounds.contains(lo, hi):
            return value
        shown = f"{lo:g}" if lo == hi else f"a distribution over [{lo:g}, {hi:g}]"
        hint = bounds.hint
        if bounds.high == 1 and lo == hi and 1 < lo <= 100:
            guess = f"did you mean {lo / 100:g}?"
            hint = f"{hint}; {guess}" if hint else f"shares are fractions: {guess}"
        elif lo != hi and not hint:
            # A distribution whose support leaves the range: offer a bounded one.
            hint = (f"use a distribution inside {bounds.describe()}, e.g. {{low, mode, high}} "
                    "or dist: uniform")
        message = f"expected a value in {bounds.describe()}, got {shown}"
        if hint:
            message += f"; hint: {hint}"
        raise PydanticCustomError("out_of_range", message)

    return AfterValidator(check)


Share = Annotated[Quantity, _bounded(Bounds(0, 1))]
NonNegative = Annotated[Quantity, _bounded(Bounds(0, math.inf))]
Positive = Annotated[Quantity, _bounded(Bounds(0, math.inf, open_low=True))]
AtLeastOne = Annotated[Quantity, _bounded(Bounds(1, math.inf))]
Discount = Annotated[
    Quantity,
    _bounded(Bounds(0, 1, open_low=True, open_high=True,
                    hint="a monthly discount factor lies strictly between 0 and 1, e.g. 0.98")),
]
Real = Quantity
TrustFactor = Annotated[
    Quantity,
    _bounded(Bounds(0, 1, open_low=True,
                    hint="a trust factor multiplies a deal's collapse hazard: 1 is no effect, "
                    "0.9 lowers it by a tenth")),
]
SupportShift = Annotated[
    Quantity,
    _bounded(Bounds(-1, 1, hint="a shift of public support in share points, e.g. 0.08 for "
                    "eight points more support")),
]


class Record(BaseModel):
    """A frozen record; unknown keys are errors, so typos do not pass silently."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Sourced(Record):
    """A record whose fields cite evidence: ``sources`` maps field names to claim ids."""

    sources: dict[str, list[KebabId]] = Field(default_factory=dict)


# --- evidence ---------------------------------------------------------------------------

Grade = Literal[
    "confirmed", "official", "anonymous-officials", "unconfirmed", "opinion",
    "modelling-assumption",
]
"""Reliability grades, from strongest to weakest."""


class Source(Record):
    """Where a claim was read."""

    outlet: str
    title: str = ""
    date: dt.date | None = None
    url: str = ""


class Claim(Record):
    """One piece of evidence, in the team's own words."""

    id: KebabId
    claim: str = Field(min_length=1)
    grade: Grade
    source: Source
    disputed: bool = False
    note: str = ""


# --- actors, regions, forces, economy, opinion ------------------------------------------


class Actor(Sourced):
    """A party: belligerent, patron or third party (MODELS.md section 2).

    ``veto`` is ``all`` (must accept every package), ``terms`` (must accept packages that
    contain a term it delivers) or ``none``.

    Ratification (MODELS.md 2.3): public support for each concession is compared with
    ``ratification_threshold`` (ordinary terms) or ``constitutional_threshold`` (terms that
    need a constitutional change or a referendum, see :attr:`Option.constitutional`), with
    spread ``ratification_spread``; a government whose ratification fails pays
    ``audience_cost`` times its value of what the deal concedes. ``peace_value_per_month`` is
    a mediator's own monthly value of peace (MODELS.md 2.5). ``ratification_margin`` is
    version 1's and goes.
    """

    id: ActorId
    name: str
    role: Literal["belligerent", "patron", "third-party"]
    side: ActorId
    veto: Literal["all", "terms", "none"] = "none"
    discount_factor: Discount
    ratification_margin: NonNegative = 0.0
    ratification_threshold: Share = 0.0
    constitutional_threshold: Share = 0.5
    ratification_spread: Positive = 0.1
    audience_cost: NonNegative = 0.0
    peace_value_per_month: Real = 0.0
    casualty_weight: NonNegative = 0.0
    cost_weight: NonNegative = 0.0
    description: str = ""


Feature = Literal[
    "fortified-city", "nuclear-plant", "rare-earths", "industrial-hub", "logistics-hub",
    "land-corridor", "river-line", "border-zone", "buffer-zone", "capital", "port",
]


class City(Record):
    """A city point for the map: coordinates are GeoNames facts."""

    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    population: int | None = Field(default=None, ge=0)


class Regime(Record):
    """Offensive and culminated regimes of a front: a two-state Markov chain (MODELS.md 4).

    Each month the front is *offensive* (the attacker advances at its full rate) or
    *culminated* (the attacker exhausted: its rate is scaled by ``culminated_scale`` and
    the defender takes back up to ``counter_gain_km2`` a month). The front switches from
    offensive to culminated with probability ``p_culminate`` a month, raised as the
    attacker's force ratio falls below its month-0 level (``exhaustion_sensitivity``),
    and back with probability ``p_resume`` (Hamilton 1989). Fronts naming the same
    ``group`` switch on the same random numbers (one theatre-wide culmination); by
    default each front is its own group. Every field at its default leaves the front as
    it is without a regime. Numbers are cited in the front's ``sources`` as
    ``regime.<field>``.
    """

    start: Literal["offensive", "culminated"] = "offensive"
    p_culminate: Share = 0.0
    p_resume: Share = 0.0
    culminated_scale: Share = 1.0
    counter_gain_km2: NonNegative = 0.0
    exhaustion_sensitivity: NonNegative = 0.0
    group: KebabId | None = None


class Front(Sourced):
    """Front parameters of a contested region (MODELS.md section 4)."""

    attacker: ActorId
    base_gain_km2: NonNegative
    fortification: AtLeastOne = 1.0
    supply: Positive = 1.0
    noise_sd: NonNegative = 0.3
    regime: Regime | None = None


class Region(Sourced):
    """A territorial unit that deals move."""

    id: KebabId
    name: str
    province: str
    area_km2: Positive
    population: NonNegative = 0.0
    control: dict[ActorId, Share]
    features: list[Feature] = Field(default_factory=list)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    cities: list[City] = Field(default_factory=list)
    value: dict[ActorId, Real] = Field(default_factory=dict)
    front: Front | None = None
    description: str = ""


class Forces(Sourced):
    """Forces of a belligerent: combat power, losses and equipment (MODELS.md section 4)."""

    id: ActorId
    combat_power: Positive
    min_power: Positive = 0.1
    gain_exponent: Positive = 1.0
    casualties_per_day: NonNegative
    casualties_per_km2_gained: NonNegative = 0.0
    casualties_per_km2_lost: NonNegative = 0.0
    tanks: NonNegative = 0.0
    tank_losses_per_month: NonNegative = 0.0
    tank_losses_per_km2: NonNegative = 0.0
    tank_production_per_month: NonNegative = 0.0
    tank_dependence: Share = 0.0
    reserve_dependence: Share = 0.0


class Economy(Sourced):
    """Monthly public finances of an actor, in the scenario's currency (MODELS.md section 5).

    ``peace_spending_per_month`` is defence spending at peace: after a deal it replaces
    ``war_spending_per_month`` (MODELS.md 2.2: defence spending falls to a peacetime level,
    not to zero).
    """

    id: ActorId
    oil_gas_revenue_per_month: NonNegative = 0.0
    other_revenue_per_month: NonNegative = 0.0
    spending_per_month: NonNegative = 0.0
    war_spending_per_month: NonNegative = 0.0
    reserves: NonNegative = 0.0
    reserves_floor: NonNegative = 0.0
    export_loss: Share = 0.0
    refinery_loss: Share = 0.0
    oil_price_drift: Real = 0.0
    oil_price_volatility: NonNegative = 0.0
    escalation_cost_per_month: NonNegative = 0.0
    peace_spending_per_month: NonNegative = 0.0


class Opinion(Sourced):
    """Domestic support for concessions and how it moves (MODELS.md section 6)."""

    id: ActorId
    support: Share
    drift_per_month: Real = 0.0
    loss_sensitivity: Real = 0.0
    reference_casualties_per_day: Positive = 1000.0
    strike_pressure: Real = 0.0


# --- levers -------------------------------------------------------------------------------

LeverStatus = Literal["in-force", "announced", "rumoured"]
Factor = Literal["battlefield", "economy", "outside-powers", "nuclear", "opinion"]


class Effect(Record):
    """A lever's effect on one time-varying parameter (``economy.RU.export_loss``)."""

    path: str
    op: Literal["add", "scale"] = "add"
    value: Real
    ramp_months: int = Field(default=0, ge=0)


class Lever(Sourced):
    """A named pressure that changes parameters from its start month on.

    A lever with ``against`` is a conditional threat of the mediator (MODELS.md 2.6): it
    switches on, with its ``probability``, from the month after that belligerent refuses a
    mediator offer, and stays on until a deal; its ``start_month`` must be 0.
    """

    id: KebabId
    name: str
    factor: Factor
    status: LeverStatus
    start_month: int = Field(default=0, ge=0)
    probability: Share = 1.0
    against: ActorId | None = None
    effects: list[Effect] = Field(min_length=1)
    description: str = ""


# --- issues, options, proposals -----------------------------------------------------------


class Exclusion(Record):
    """Another issue's option that cannot be combined with this option."""

    issue: KebabId
    option: KebabId


class Option(Sourced):
    """One option of a deal issue.

    A territorial option declares only the control it leads to (territory is valued on
    the actors); other terms carry per-actor ``value`` (per month for a ``flow`` term, once
    for a ``one-off``). ``support`` is the share of an actor's public that accepts this
    term as a concession; ``hazard_factor`` scales the deal's monthly risk of collapse.

    Version 2 (MODELS.md 2.1-2.3): ``sanctions_relief`` is the share of the revenue lost to
    sanctions that the term restores (it acts only through the economic cost, so a relief
    option carries no value for the sanctioned side); ``support_shift`` moves an actor's
    support for every concession of a package this term is part of (share points);
    ``sovereignty_value`` is the one-off value of a de jure term for the conceding side and
    replaces ``value`` for that actor; ``constitutional`` lists the actors for which the term
    needs a constitutional change or a referendum (their ``constitutional_threshold`` applies).
    """

    id: KebabId
    name: str = ""
    control: dict[ActorId, Share] | None = None
    x: float | None = Field(default=None, ge=0, le=100)
    value: dict[ActorId, Real] = Field(default_factory=dict)
    term: Literal["flow", "one-off"] = "flow"
    hazard_factor: Positive = 1.0
    support: dict[ActorId, Share] = Field(default_factory=dict)
    sanctions_relief: Share = 0.0
    support_shift: dict[ActorId, SupportShift] = Field(default_factory=dict)
    sovereignty_value: dict[ActorId, Real] = Field(default_factory=dict)
    constitutional: list[ActorId] = Field(default_factory=list)
    delivered_by: list[ActorId] = Field(default_factory=list)
    demilitarised: bool = False
    excludes: list[Exclusion] = Field(default_factory=list)


class LineSpec(Record):
    """The line question as one number (MODELS.md section 9).

    ``x`` in [0, 100] is the share, by area, of what ``loser`` holds in ``regions`` that
    passes to ``gainer``; the regions pass in the order listed. ``reference_area_km2`` is
    the cited size of what is at stake, the denominator of ``x``.
    """

    regions: list[KebabId] = Field(min_length=1)
    gainer: ActorId
    loser: ActorId
    reference_area_km2: Positive


class Issue(Sourced):
    """A dimension of a deal: ``territory`` (one region), ``line`` or ``term``."""

    id: KebabId
    name: str
    kind: Literal["territory", "line", "term"]
    region: KebabId | None = None
    line: LineSpec | None = None
    default: KebabId
    options: list[Option] = Field(min_length=1)
    description: str = ""


class Proposal(Sourced):
    """A named package: an option for some issues; the others stay at their default."""

    id: KebabId
    name: str
    terms: dict[KebabId, KebabId]
    description: str = ""


# --- stakeholders -------------------------------------------------------------------------


class Scale(Record):
    """The scale of a contested dimension: its ends, unit and named points."""

    low: Number
    high: Number
    unit: str = ""
    labels: dict[str, str] = Field(default_factory=dict)


class Dimension(Sourced):
    """A contested dimension of the stakeholder table."""

    id: KebabId
    name: str
    scale: Scale
    status_quo: Number


class Stakeholder(Sourced):
    """A stakeholder's capability, and position and salience on each dimension.

    Its id is a kebab-case slug (``russia-putin``); ``actor`` links it to the actor it
    speaks for where they are the same party (``RU``), so that results can be joined.
    """

    id: KebabId
    name: str = ""
    actor: ActorId | None = None
    capability: NonNegative
    positions: dict[str, Real]
    salience: dict[str, Share]


class Stakeholders(Record):
    """The stakeholder table for the forecasting models (DESIGN.md section 4)."""

    dimensions: list[Dimension] = Field(min_length=1)
    actors: list[Stakeholder] = Field(min_length=1)


# --- beliefs about the war -----------------------------------------------------------------

MAX_SD_LOG_M = 2.0
"""Largest spread of log m a scenario may give (a factor of e^2 = 7.4 at one sd)."""
MAX_MEAN_LOG_M = 3.0
"""Largest |mean of log m| of a prior (a factor of e^3 = 20)."""

LogMSpread = Annotated[
    Quantity,
    _bounded(Bounds(0, MAX_SD_LOG_M, hint="a spread of log m: 0.2 is about +-20 %")),
]
LogMMean = Annotated[
    Quantity,
    _bounded(Bounds(-MAX_MEAN_LOG_M, MAX_MEAN_LOG_M,
                    hint="a mean of log m: log 2 = 0.69 expects twice the analyst's pace")),
]


MAX_POINTS = 16
"""Most points a belief on a finite set of values of log m may have (the belief paths
hold each party's probability of each point, each month, on each path)."""
PROBABILITY_TOLERANCE = 1e-6
"""How far from 1 the probabilities of a belief on points may sum (they are then
rescaled to sum to 1 exactly)."""


class LogMPoints(Record):
    """A belief on a finite set of values of log m (MODELS.md 2.4).

    ``log m = log_m[k]`` with probability ``probability[k]``. Fixed numbers, not
    distributions: the analyst's points (``analyst_points``) are the support of every
    belief in the scenario, and each prior gives its own probabilities to some of them.
    A single point with probability 1 is a party certain of ``m``. Unlike the normal
    form, the points need not average to ``E[m] = 1``: to keep the calibrated pace as the
    analyst's expectation, choose points with ``sum_k p_k exp(log_m[k]) = 1`` (e.g.
    ``log 0.7`` and ``log 1.3``, each with probability 1/2).
    """

    log_m: list[float] = Field(min_length=1, max_length=MAX_POINTS)
    probability: list[float] = Field(min_length=1, max_length=MAX_POINTS)

    @field_validator("log_m")
    @classmethod
    def _points_in_range(cls, value: list[float]) -> list[float]:
        for x in value:
            if abs(x) > MAX_MEAN_LOG_M:
                raise PydanticCustomError(
                    "out_of_range",
                    "a point of log m must lie in [{low}, {high}], got {given}; hint: "
                    "log 2 = 0.69 is twice the analyst's pace, log 0.5 = -0.69 half of it",
                    {"low": f"{-MAX_MEAN_LOG_M:g}", "high": f"{MAX_MEAN_LOG_M:g}",
                     "given": f"{x:g}"})
        if len(set(value)) < len(value):
            repeated = sorted({x for x in value if value.count(x) > 1})
            raise PydanticCustomError(
                "repeated_point",
                "the points of log m must differ, got {given} more than once; hint: add "
                "their probabilities into one point",
                {"given": ", ".join(f"{x:g}" for x in repeated)})
        return value

    @field_validator("probability")
    @classmethod
    def _probabilities(cls, value: list[float]) -> list[float]:
        for p in value:
            if not 0 <= p <= 1:
                raise PydanticCustomError(
                    "out_of_range",
                    "a probability must lie in [0, 1], got {given}; hint: probabilities "
                    "are fractions, e.g. 0.25", {"given": f"{p:g}"})
        total = math.fsum(value)
        if abs(total - 1) > PROBABILITY_TOLERANCE:
            raise PydanticCustomError(
                "probability_sum",
                "the probabilities must sum to 1, got {given}; hint: give one probability "
                "per point, e.g. [0.5, 0.5]", {"given": f"{total:.9g}"})
        return value

    @model_validator(mode="after")
    def _one_probability_per_point(self) -> LogMPoints:
        if len(self.probability) != len(self.log_m):
            raise PydanticCustomError(
                "points_length",
                "{points} points of log m but {probabilities} probabilities; hint: give "
                "one probability per point, in the same order",
                {"points": len(self.log_m), "probabilities": len(self.probability)})
        return self

    def masses(self) -> list[float]:
        """The probabilities rescaled to sum to 1 exactly."""
        total = math.fsum(self.probability)
        return [p / total for p in self.probability]


class Prior(Sourced):
    """A belligerent's prior on log m, the attacker's advance-rate multiplier (MODELS.md 2.4).

    Either normal, ``log m ~ Normal(mean_log_m, sd_log_m^2)`` (``sd_log_m = 0`` is a
    party certain of its view, which no signal moves), or on points, ``points`` (a
    :class:`LogMPoints` on some of the analyst's points, when the analyst's distribution
    is on points too). A point with probability 0 is one the party rules out; no signal
    revives it.
    """

    id: ActorId
    mean_log_m: LogMMean | None = None
    sd_log_m: LogMSpread | None = None
    points: LogMPoints | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Prior:
        normal = (self.mean_log_m is not None, self.sd_log_m is not None)
        if self.points is not None and any(normal):
            raise PydanticCustomError(
                "prior_form",
                "a prior is normal (mean_log_m, sd_log_m) or on points (points), got both; "
                "hint: remove mean_log_m and sd_log_m, or points")
        if self.points is None and not all(normal):
            missing = "sd_log_m" if normal[0] else "mean_log_m"
            raise PydanticCustomError(
                "prior_form",
                "a normal prior needs mean_log_m and sd_log_m, {missing} is missing; hint: "
                "add {missing}, or give the prior on points: points: {log_m: [...], "
                "probability: [...]}", {"missing": missing})
        return self


class Beliefs(Sourced):
    """What the parties believe about the war, and the analyst's view (MODELS.md 2.4).

    ``m`` multiplies the offensive advance of ``attacker`` on all its fronts; one ``m`` per
    outer draw, ``log m ~ Normal(-s_A^2 / 2, s_A^2)`` with ``s_A = analyst_sd_log_m``, so
    that ``E[m] = 1``; or, with ``analyst_points``, ``log m`` on those points with their
    probabilities. The analyst's points are then the support of every belief: each prior
    must be on points too, each of them one of the analyst's (the importance weights
    ``p_i / q`` of the solver are ratios of probabilities on one support). ``attacker``
    defaults to the belligerent that attacks on the most fronts. A belligerent without a
    prior holds the analyst's distribution.
    """

    attacker: ActorId | None = None
    analyst_sd_log_m: LogMSpread = 0.0
    analyst_points: LogMPoints | None = None
    priors: list[Prior] = Field(default_factory=list)
    description: str = ""

    @field_validator("priors")
    @classmethod
    def _one_support(cls, priors: list[Prior], info: ValidationInfo) -> list[Prior]:
        points = info.data.get("analyst_points")
        for prior in priors:
            if points is None and prior.points is not None:
                raise PydanticCustomError(
                    "belief_form",
                    "the prior of {actor} is on points but the analyst's distribution is "
                    "normal; hint: give the analyst's distribution on points too "
                    "(analyst_points: {log_m: [...], probability: [...]}), with every point "
                    "of the priors among them", {"actor": prior.id})
            if points is not None and prior.points is None:
                raise PydanticCustomError(
                    "belief_form",
                    "the prior of {actor} is normal but the analyst's distribution is on "
                    "points; hint: give the prior on the analyst's points: points: "
                    "{log_m: [...], probability: [...]}", {"actor": prior.id})
            if points is not None and prior.points is not None:
                outside = [x for x in prior.points.log_m if x not in points.log_m]
                if outside:
                    raise PydanticCustomError(
                        "belief_support",
                        "the prior of {actor} has points of log m that are not the "
                        "analyst's: {given}; the analyst's are {allowed}; hint: add them "
                        "to analyst_points, with probability 0 where the analyst rules "
                        "them out",
                        {"actor": prior.id, "given": ", ".join(f"{x:g}" for x in outside),
                         "allowed": ", ".join(f"{x:g}" for x in points.log_m)})
        return priors

    @model_validator(mode="after")
    def _one_analyst_form(self) -> Beliefs:
        if self.analyst_points is not None and "analyst_sd_log_m" in self.model_fields_set:
            raise PydanticCustomError(
                "belief_form",
                "the analyst's distribution is normal (analyst_sd_log_m) or on points "
                "(analyst_points), got both; hint: remove one of them")
        return self


# --- bargaining and claims (version 2) ------------------------------------------------------


class Bargaining(Sourced):
    """How the parties bargain month by month (MODELS.md 2.2 and 2.5).

    ``proposers`` is each actor's monthly probability of making the offer (belligerents and
    the mediator; the values sum to 1); empty means each belligerent equally, plus the
    mediator if any. ``mediator`` is a non-belligerent that proposes and holds conditional
    threats; ``mediator_plan`` the proposal it tables when no package is acceptable to all.
    ``base_hazard`` is each side's base monthly hazard that a signed deal collapses,
    ``logistic(a_0)``; ``hazard_sensitivity`` is beta, how much a side's gain from renewed war
    raises it.
    """

    proposers: dict[ActorId, Share] = Field(default_factory=dict)
    mediator: ActorId | None = None
    mediator_plan: KebabId | None = None
    base_hazard: Share = 0.02
    hazard_sensitivity: NonNegative = 1.0
    description: str = ""


class TerritorialClaim(Sourced):
    """A claim that is not divisible (MODELS.md 2.1).

    While the claim is complete (the other belligerent holds at most 1 % of each region in
    ``regions``) it is worth ``completion_value_per_month`` to ``actor``, in the actor's own
    units, the units of its region values.
    """

    id: KebabId
    actor: ActorId
    regions: list[KebabId] = Field(min_length=1)
    completion_value_per_month: NonNegative
    description: str = ""


class NarrowAgreement(Sourced):
    """An issue the belligerents can agree alone while the war goes on (issue 14, item 2).

    A prisoner exchange, a moratorium on strikes on energy infrastructure, a grain or
    navigation arrangement. ``value`` is each belligerent's value of it in its own units
    (the units of its region values): per month while kept for a ``flow`` agreement, once
    at signing for a ``one-off`` (an exchange: an event that can repeat). Each month it is
    on the table with probability ``proposal_rate``; it is signed when every belligerent's
    discounted value of it is at least zero. A kept flow agreement collapses with monthly
    probability ``hazard``, or expires honoured after ``duration_months`` (none: it lasts
    until it collapses or a comprehensive deal subsumes it). While it is kept, and for
    ``trust_months`` after it was honoured, a comprehensive deal's monthly collapse hazard
    is multiplied by ``trust_factor``. The engine is
    :func:`ceasefire.bargaining.narrow.narrow_agreements`.
    """

    id: KebabId
    name: str
    term: Literal["flow", "one-off"] = "flow"
    value: dict[ActorId, Real]
    proposal_rate: Share
    hazard: Share = 0.0
    duration_months: int | None = Field(default=None, ge=1, le=240)
    trust_factor: TrustFactor = 1.0
    trust_months: int = Field(default=0, ge=0, le=240)
    description: str = ""


# --- the scenario -------------------------------------------------------------------------


class Scenario(Record):
    """One conflict as of one date: the only input every engine takes."""

    format_version: int
    id: KebabId
    name: str
    as_of: dt.date
    currency: str = "USD bn"
    horizon_months: int = Field(default=36, ge=1, le=240)
    implementation_months: int = Field(default=1, ge=0, le=24)
    description: str = ""
    actors: list[Actor] = Field(min_length=2)
    regions: list[Region] = Field(min_length=1)
    forces: list[Forces] = Field(default_factory=list)
    economy: list[Economy] = Field(default_factory=list)
    levers: list[Lever] = Field(default_factory=list)
    opinion: list[Opinion] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    proposals: list[Proposal] = Field(default_factory=list)
    bargaining: Bargaining = Field(default_factory=Bargaining)
    territorial_claims: list[TerritorialClaim] = Field(default_factory=list)
    narrow_agreements: list[NarrowAgreement] = Field(default_factory=list)
    stakeholders: Stakeholders | None = None
    beliefs: Beliefs | None = None
    evidence: list[Claim] = Field(default_factory=list)
    sources: dict[str, list[KebabId]] = Field(default_factory=dict)

    @field_validator("format_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise PydanticCustomError(
                "format_version",
                "this file is in format {given}, this ceasefire reads format {known}; "
                "hint: start from `ceasefire new FILE --from alaska-2025` and carry your "
                "values over",
                {"given": value, "known": FORMAT_VERSION},
            )
        return value

    # Lookups by id: cheap, and they keep engines from depending on list positions.
    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        return _by_id(self.actors, actor_id, "actor")

    def region(self, region_id: str) -> Region:
        """Return the region with this id."""
        return _by_id(self.regions, region_id, "region")

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        return _by_id(self.issues, issue_id, "issue")

    def proposal(self, proposal_id: str) -> Proposal:
        """Return the proposal with this id."""
        return _by_id(self.proposals, proposal_id, "proposal")

    def claim(self, claim_id: str) -> Claim:
        """Return the evidence claim with this id."""
        return _by_id(self.evidence, claim_id, "claim")

    @property
    def belligerents(self) -> list[str]:
        """Ids of the belligerents, in file order."""
        return [a.id for a in self.actors if a.role == "belligerent"]

    def point(self, value: Quantity) -> float:
        """Return the central value of a number or uncertain value."""
        return point_value(value)


def month_label(as_of: dt.date, month: int) -> str:
    """Calendar label ``YYYY-MM`` of month ``month`` counted from the scenario's month.

    Month 0 is the calendar month of ``as_of`` (DESIGN.md section 9.1).
    """
    index = as_of.year * 12 + as_of.month - 1 + month
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_index(as_of: dt.date, day: dt.date) -> int:
    """The month of ``day`` counted from the scenario's month (negative before it)."""
    return (day.year - as_of.year) * 12 + day.month - as_of.month


def _by_id(items: list[Any], item_id: str, kind: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    from ceasefire.errors import InputError

    known = ", ".join(i.id for i in items) or "none"
    raise InputError(f"no {kind} with id {item_id!r}; known ids: {known}")
