"""The result of ``negotiate``: one set of talks month by month, and the batch of runs (issue 14).

A :class:`Transcript` is one forward path of the bargaining game told month by month:
what changed on the battlefield, what each side believes about the pace of the war, who
proposes what, who refuses and why, the threats carried out, ratification, signature or
breakdown, a collapse, the narrow agreements signed. A :class:`Batch` is the same talks
over every run: P(a deal by month), the agreed packages, the concessions each party
makes, P(at least one narrow agreement by month). With strategies off the equilibrium a
:class:`Comparison` gives the paired differences against the equilibrium on the same
draws. Pure data: the rules that fill them live in
:mod:`ceasefire.bargaining.transcript`; docs/negotiate.md explains how to read them.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ceasefire.results.agreement import AgreedPackage
from ceasefire.results.base import Result
from ceasefire.results.records import (
    ActorId,
    Difference,
    Estimate,
    Month,
    Record,
    Slug,
    Summary,
)

__all__ = [
    "OUTCOMES",
    "RESPONSE_REASONS",
    "Batch",
    "Battlefield",
    "Comparison",
    "Concession",
    "GainChange",
    "MonthRecord",
    "Negotiation",
    "NegotiationResult",
    "Offer",
    "RegionMove",
    "Response",
    "Transcript",
]

ResponseReason = Literal["belief", "ratification", "claim", "value", "tactic"]
"""Why a party refuses an offer: the binding reason of MODELS.md 2.7 (the first of belief,
ratification and claim whose removal alone turns the refusal into acceptance, else
value), or *tactic*: its strategy refuses what its continuation value alone would accept."""

RESPONSE_REASONS: tuple[ResponseReason, ...] = ("belief", "ratification", "claim", "value",
                                                "tactic")
"""The reasons in the solver's order (codes 1..5 of ``bargaining.outcome``)."""

Outcome = Literal["deal-in-force", "no-offer", "refused", "ratification-failed", "signed"]
OUTCOMES: tuple[Outcome, ...] = ("deal-in-force", "no-offer", "refused",
                                 "ratification-failed", "signed")
"""How a month of talks ends: no talks (a deal holds), the proposer offers nothing, a veto
player refuses, every veto player accepts but ratification fails, or the deal is signed."""

Share = Annotated[float, Field(ge=-1e-9, le=1 + 1e-9)]


class RegionMove(Record):
    """A region whose control moved during the previous month."""

    region: Slug
    gainer: ActorId = Field(description="The belligerent whose share grew.")
    points: float = Field(ge=0, description="Percentage points of the region it took.")
    km2: float = Field(ge=0, description="Area it took, km².")


class Battlefield(Record):
    """What the fighting changed during the month before the talks (month 0: nothing yet)."""

    gains_km2: dict[ActorId, float] = Field(description=(
        "Net area each belligerent gained on the fronts where it attacks, km²."))
    moves: list[RegionMove] = Field(description=(
        "Regions whose control moved by at least the news threshold (largest first)."))


class Offer(Record):
    """The package a proposer put on the table."""

    package: Slug = Field(description="The candidate's id (a named proposal's, or "
                          "``searched-<n>``).")
    name: str
    terms: dict[Slug, Slug]
    searched: bool
    wording: list[str] = Field(description=(
        "The terms off their issue's default, in words: ``issue name: option name``."))


class Response(Record):
    """A veto player's answer to the month's offer."""

    accepts: bool
    reason: ResponseReason | None = Field(description="Why it refuses (null: it accepts).")
    gain: float = Field(description=(
        "Its gain from the offer signed now over fighting on and bargaining again, "
        "r (V - X) - (1 - r_j) a_j, in units of its war-cost annuity (0: indifferent)."))
    threatened: bool = Field(description=(
        "It accepts a mediator's offer worth less than fighting on, because refusing would "
        "carry out a threat against it."))


class MonthRecord(Record):
    """One month of one run: news, beliefs, the offer, the answers and what followed."""

    month: Month
    news: Battlefield
    beliefs: dict[ActorId, float] = Field(description=(
        "Each belligerent's expectation of m, the attacker's advance-rate multiplier, at "
        "the start of the month (1: the pace the model is calibrated to)."))
    proposer: ActorId | None = Field(description="Who proposes (null: no talks, a deal holds).")
    offer: Offer | None = Field(description="What it offers (null: nothing).")
    proposer_gain: float | None = Field(description=(
        "The proposer's own gain from its offer, in its war-cost annuities."))
    responses: dict[ActorId, Response] = Field(description=(
        "Every other veto player's answer (players whose veto the package does not reach "
        "are not asked)."))
    threats: list[Slug] = Field(description=(
        "Conditional levers carried out after a refusal of the mediator's offer this "
        "month; they act from the next month."))
    outcome: Outcome
    collapsed: bool = Field(description="A deal in force collapsed at the start of the month.")
    narrow_signed: list[Slug] = Field(description="Narrow agreements signed this month.")
    narrow_kept: list[Slug] = Field(description=(
        "Narrow flow agreements kept at the end of the month."))


class Transcript(Record):
    """One run of the talks, month by month over the window."""

    draw: int = Field(ge=0, description="The run (Monte Carlo draw), 0-based.")
    rule: str = Field(description="Why this run was chosen.")
    true_m: float | None = Field(description=(
        "The run's true m (what the battlefield reveals to both sides over time); null "
        "where the scenario declares no beliefs."))
    signed: Month | None = Field(description="Month of the first signature (null: none).")
    package: Slug | None = Field(description="The package first signed.")
    collapsed: Month | None = Field(description="Month the first deal collapsed (null: held).")
    months: list[MonthRecord]


class Concession(Record):
    """How much of the gain from the signed deal a belligerent keeps (docs/negotiate.md).

    Over the runs that sign, at the month of the first signature: its gain from the
    package over fighting on, in its war-cost annuities, and its share of the
    belligerents' summed gains. The party that keeps the smaller share conceded more.
    """

    gain: Summary | None = Field(description=(
        "Its gain from the signed package at signing, in its war-cost annuities (null: "
        "no run signs)."))
    share: Summary | None = Field(description=(
        "Its share of the belligerents' summed gains, over the runs where every "
        "belligerent gains (null: none)."))
    proposed: float = Field(ge=0, le=1, description=(
        "Share of the signed deals it proposed."))


class Batch(Record):
    """The talks over every run: when a deal is signed, on what terms, who concedes."""

    runs: int = Field(ge=1)
    strategies: dict[ActorId, str]
    by_month: dict[Month, Estimate] = Field(description=(
        "P(a comprehensive deal is signed by the end of that month), cumulative."))
    in_force: dict[Month, Estimate] = Field(description=(
        "P(a signed deal holds at the end of that month)."))
    p_within_12: Estimate
    p_within_24: Estimate
    median_month: Month | None = Field(description=(
        "The lower median month of signing over the runs that sign (null: under 1 %)."))
    packages: list[AgreedPackage] = Field(description="Agreed packages, most likely first.")
    concessions: dict[ActorId, Concession] = Field(description="Per belligerent.")
    threats: Estimate = Field(description=(
        "P(a conditional lever is carried out before a deal)."))
    narrow_at_least_one_by: dict[Month, Estimate] | None = Field(description=(
        "P(at least one narrow agreement signed by the end of that month); null where the "
        "scenario declares none."))


class GainChange(Record):
    """A mean difference over the same draws and its paired standard error."""

    d: float
    se: float = Field(ge=0)


class Comparison(Record):
    """The strategy profile minus the equilibrium, draw by draw (common random numbers)."""

    by_month: dict[Month, Difference] = Field(description="Change in P(signed by month).")
    p_within_12: Difference
    p_within_24: Difference
    packages: dict[Slug, Difference] = Field(description=(
        "Change in P(this package is signed), for every package signed in either run."))
    gain: dict[ActorId, GainChange] = Field(description=(
        "Change in each belligerent's gain from the talks within the window: its gain "
        "from the first signed package at signing, 0 on a run without a deal, in its "
        "war-cost annuities."))
    narrow_at_least_one_by: dict[Month, Difference] | None = None


class Negotiation(Record):
    """A typical transcript and the batch figures (``analyze``'s ``negotiation``)."""

    transcript: Transcript
    batch: Batch


class NegotiationResult(Result):
    """``ceasefire negotiate``: one run's transcript and the batch over every run.

    ``draws`` is the number of runs. With strategies off the equilibrium, ``batch`` is the
    strategy profile's, ``equilibrium`` the equilibrium's on the same draws and
    ``comparison`` their paired differences; otherwise those two are null.
    """

    kind: Literal["negotiate"] = "negotiate"
    players: list[ActorId]
    strategies: dict[ActorId, str]
    news_threshold: dict[str, float] = Field(description=(
        "A region is news when its control moved by at least ``points`` percentage "
        "points or ``km2`` km²."))
    transcript: Transcript
    batch: Batch
    equilibrium: Batch | None = None
    comparison: Comparison | None = None

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "transcript": ("transcript", "months", "*row"),
        "by_month": ("batch", "by_month", "*month"),
        "packages": ("batch", "packages", "*rank"),
        "concessions": ("batch", "concessions", "*actor"),
        "comparison": ("comparison", "by_month", "*month"),
    }

    def headline(self) -> str:
        """The transcript's end and P(deal within 12 months); the change with strategies."""
        t, b = self.transcript, self.batch
        story = (f"run {t.draw}: {t.package} signed {t.signed}" if t.signed is not None
                 else f"run {t.draw}: no deal")
        p = b.p_within_12
        line = f"{story}; P(deal within 12 months) {p.p:.2f} ± {p.se:.2f}"
        if self.comparison is not None:
            d = self.comparison.p_within_12
            profile = ", ".join(f"{a}={s}" for a, s in self.strategies.items()
                                if s != "equilibrium")
            line += f"; {profile}: {d.d:+.2f} ± {d.se:.2f} against the equilibrium"
        return line
