"""The result of ``analyze`` and of ``whatif`` (DESIGN.md sections 9.9 and 9.20)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

import numpy as np
from pydantic import Field

from ceasefire.results.agreement import Agreement, FitNoise, Reason
from ceasefire.results.base import Result, ScenarioMeta
from ceasefire.results.deals import DealsResult
from ceasefire.results.forecast import ForecastResult
from ceasefire.results.negotiation import Negotiation
from ceasefire.results.records import (
    ActorId,
    Bands,
    Difference,
    Estimate,
    LikelySettlement,
    Month,
    Record,
    ShareSummary,
    Slug,
    Summary,
)
from ceasefire.results.sensitivity import SensitivityResult
from ceasefire.results.stats import difference

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AgreementChange",
    "AnalyzeResult",
    "Effect",
    "FitDifferences",
    "Leverage",
    "LineQuestion",
    "ProposalResult",
    "Shift",
    "Solution",
    "TimingEntry",
    "WarValueParts",
    "WeakEvidence",
    "WhatifResult",
    "Window",
]

P_STAR = 0.5
"""The threshold of the bargaining window and of the zone of agreement (DESIGN.md 9.7)."""

CHANGED = 0.005
"""A share that moves less than this under a deal counts as unchanged (point rounding)."""


class Window(Record):
    """When P(all veto players accept) first reaches p*, and when it falls below again."""

    p_star: float = Field(gt=0, le=1)
    opens: Month | None
    closes: Month | None
    best_month: Month
    best: Estimate

    @classmethod
    def of(cls, months: list[str], series: list[Estimate], p_star: float = P_STAR) -> Window:
        """The window of a series of P(all accept), one estimate per start month.

        The window opens in the first month whose P reaches ``p_star`` and closes in the
        first later month where it falls below again (``None``: never, within the months).
        """
        p = np.array([e.p for e in series])
        above = p >= p_star
        opens = int(np.argmax(above)) if above.any() else None
        closes = None
        if opens is not None and not above[opens:].all():
            closes = opens + int(np.argmin(above[opens:]))
        best = int(np.argmax(p))
        return cls(p_star=p_star, opens=None if opens is None else months[opens],
                   closes=None if closes is None else months[closes],
                   best_month=months[best], best=series[best])


class ProposalResult(Record):
    """A named proposal signed now: who has a stake, who accepts, and why."""

    name: str
    terms: dict[Slug, Slug]
    veto_players: list[ActorId] = Field(description=(
        "Actors whose refusal blocks this proposal (the whole package, or a term they "
        "deliver)."))
    acceptance: dict[ActorId, Estimate] = Field(description=(
        "P(accept) of every actor with a stake in the proposal (a veto over it, or a "
        "value that it changes); actors with no stake are absent."))
    p_all_veto_accept: Estimate
    surplus: dict[ActorId, Summary] = Field(description=(
        "Deal value minus war value, in each actor's own value units."))
    margin: dict[ActorId, float] = Field(description=(
        "Mean ratification margin the surplus must clear, in the actor's value units."))
    window: Window
    reasons: list[str]
    control: dict[Slug, dict[ActorId, float]] = Field(description=(
        "The regions whose control the proposal changes (by half a percentage point or "
        "more), with each belligerent's mean share under the deal signed now."))


class TimingEntry(Record):
    """A proposal signed in one start month."""

    acceptance: dict[ActorId, Estimate]
    p_all_veto_accept: Estimate
    gains_by_waiting: dict[ActorId, float] = Field(description=(
        "Mean value of fighting until this month and then signing, minus signing now, "
        "in the actor's value units."))
    binding: dict[ActorId, Reason] = Field(default_factory=dict, description=(
        "Each veto player that refuses the proposal in more than half the draws: the "
        "modal reason among its refusing draws (month-by-month solver only)."))
    refusals: dict[ActorId, dict[Reason, float]] = Field(default_factory=dict, description=(
        "Each player that refuses it in some draw: the share of all draws in which it "
        "refuses for each reason (month-by-month solver only)."))


class Solution(Record):
    """A bargaining solution over the named proposals (``None``: no agreement)."""

    proposal: Slug | None
    score: float | None


class WarValueParts(Record):
    """Mean parts of the value of fighting on from now, in the actor's value units."""

    territory: float
    casualties: float
    economy: float


class Rubinstein(Record):
    """Rubinstein's split of the surpluses along the line, under each proposer order.

    The line x at which the proposer's share of the summed surpluses is its Rubinstein
    share (MODELS.md section 3), over the draws with a zone.
    """

    gainer_first: Summary | None
    loser_first: Summary | None


class LineQuestion(Record):
    """Where a line would fall on the scenario's line issue (MODELS.md section 9)."""

    issue: Slug
    gainer: ActorId
    loser: ActorId
    modelled_area_km2: float = Field(ge=0, description=(
        "The loser's mean holdings at month 0 in the line's regions: x = 100 is all of it."))
    reference_area_km2: float = Field(gt=0, description=(
        "The scenario's cited size of what is at stake (9,000 km² of Donetsk for "
        "alaska-2025); x times modelled / reference is the line on the cited scale."))
    named_lines: dict[Slug, float | None]
    p_zone_open: Estimate
    gainer_reservation: Summary | None = Field(description="The least line x the gainer "
                                               "accepts (over draws where it accepts some).")
    loser_reservation: Summary | None = Field(description="The most line x the loser concedes "
                                              "(over draws where it concedes some).")
    p_gainer_accepts_some_line: Estimate
    p_loser_accepts_some_line: Estimate
    rubinstein: Rubinstein
    grid: list[float] = Field(description="Line positions x (0-100) of the net-surplus bands.")
    net_surplus: dict[ActorId, Bands] = Field(description=(
        "Each party's deal value at line x minus its war value, p10/p50/p90 over draws."))


class Shift(Record):
    """A mean difference of a quantity on the same draws, with its paired standard error.

    In the quantity's own units (a continuation value: the party's war-cost annuity).
    """

    d: float
    se: float = Field(ge=0)


class FitDifferences(Record):
    """A change in the agreement forecast under each of K fits of the two games compared.

    Fit k of one game is compared with fit k of the other (the same draws and the same
    fitting paths' random numbers: ``whatif --fits K``, and the leverage decomposition of
    ``analyze --fits K``); the first is the reported one. Their spread is the part of the
    change's error that the standard error leaves out (docs/model.md 5.5, "Fit noise").
    """

    fits: int = Field(ge=2)
    within_12: list[float] = Field(description=(
        "Variant minus base, P(signed within 12 months), under each fit."))
    within_24: list[float] = Field(description=(
        "Variant minus base, P(signed within 24 months), under each fit."))
    sd_within_12: float = Field(ge=0, description="Their standard deviation across the fits.")
    sd_within_24: float = Field(ge=0, description="Their standard deviation across the fits.")

    def headline(self) -> str:
        """One sentence: the range and spread of the change across the fits."""
        def span(values: list[float], sd: float) -> str:
            low, high = 100 * min(values), 100 * max(values)
            return f"{low:+.0f} to {high:+.0f} points (sd {100 * sd:.1f})"

        return (f"across {self.fits} fits of both games: "
                f"{span(self.within_12, self.sd_within_12)} within 12 months, "
                f"{span(self.within_24, self.sd_within_24)} within 24; "
                "the ± leaves this spread out")

    @classmethod
    def of(cls, base: FitNoise, variant: FitNoise) -> Self:
        """The per-fit differences of two runs' :class:`FitNoise` (variant minus base)."""
        return cls.between(np.stack([base.p_within_12, base.p_within_24], axis=-1),
                           np.stack([variant.p_within_12, variant.p_within_24], axis=-1))

    @classmethod
    def between(cls, base: np.ndarray, other: np.ndarray) -> Self:
        """``other - base`` of P(within 12, 24 months) ``[fits, 2]``, per fit."""
        d = np.asarray(other) - np.asarray(base)
        sd = d.std(axis=0, ddof=1)
        return cls(fits=len(d), within_12=d[:, 0].tolist(), within_24=d[:, 1].tolist(),
                   sd_within_12=float(sd[0]), sd_within_24=float(sd[1]))


class Effect(Record):
    """What a factor's levers change in the equilibrium: with them minus without them.

    Both runs re-solve the month-by-month bargaining equilibrium on the same draws with
    the same seed (common random numbers); each difference carries its paired standard
    error (DESIGN.md 9.19).
    """

    levers: list[Slug] = Field(description="The levers switched off together.")
    p_within_12: Difference = Field(description=(
        "Change in P(a comprehensive deal is signed within 12 months)."))
    p_within_24: Difference = Field(description=(
        "Change in P(a comprehensive deal is signed within 24 months; within the window "
        "where it is shorter)."))
    p_all_veto_accept: dict[Slug, Difference] = Field(description=(
        "Change in each named proposal's P(every veto player accepts it), offered now."))
    acceptance: dict[Slug, dict[ActorId, Difference]] = Field(description=(
        "Change in each veto player's P(accept) of each named proposal offered now."))
    continuation: dict[ActorId, Shift] = Field(description=(
        "Change in each player's mean continuation value now, C_j(0) relative to its value "
        "of the war at the current line, in units of its war-cost annuity."))
    fit_differences: FitDifferences | None = Field(None, description=(
        "The change in P(signed within 12 and 24 months) under each of the K fits of both "
        "runs (``analyze --fits K``, K >= 2); null otherwise."))


class Leverage(Record):
    """The leverage decomposition: each factor's levers switched off in turn."""

    draws: int = Field(ge=1)
    note: str
    factors: dict[Slug, Effect]


class WeakEvidence(Record):
    """A record that drives results and rests on weak claims (DESIGN.md section 9.15).

    Its claims are graded unconfirmed or modelling assumptions, or disputed.
    """

    kind: Literal["proposals", "levers", "regions", "actors"]
    id: str
    claims: list[str]
    unconfirmed_or_disputed: bool = Field(description=(
        "Some claim is unconfirmed or disputed (not only a modelling assumption)."))


class HalfLife(Record):
    """How fast the belligerents' beliefs converge: months until their gap halves."""

    months: Summary | None = Field(description=(
        "Months until the gap in expected m is half its month-0 size, over the draws "
        "where it halves within the horizon."))
    p_halves: Estimate = Field(description="P(the gap halves within the horizon).")


class AnalyzeResult(Result):
    """Every engine of the bargaining core on one scenario.

    Each named proposal's acceptance now and for deals signed in each of months 0..12,
    war values, control and gains over the horizon, the bargaining solutions, the line
    question and the leverage decomposition; with ``--deals`` the deal space and, where
    the scenario has stakeholders, the stakeholder forecast; with ``--sensitivity`` what
    drives the answer. Distributions over draws are
    ``{mean, p10, p50, p90}``; probabilities ``{p, se}``.
    """

    kind: Literal["analyze"] = "analyze"
    horizon_months: int = Field(ge=1)
    start_months: list[Month] = Field(min_length=1)
    proposals: dict[Slug, ProposalResult]
    likely_settlement: LikelySettlement | None
    timing: dict[Slug, dict[Month, TimingEntry]]
    war_value: dict[ActorId, dict[Month, Summary]]
    war_value_parts: dict[ActorId, WarValueParts]
    control: dict[Slug, dict[ActorId, dict[Month, ShareSummary]]]
    gains_km2: dict[ActorId, dict[Month, Summary]]
    solutions: dict[Slug, Solution]
    blockers: list[ActorId] = Field(description=(
        "Veto players that no named proposal gives a positive mean surplus now."))
    line: LineQuestion | None
    leverage: Leverage
    weak_evidence: list[WeakEvidence]
    beliefs: dict[ActorId, dict[Month, Summary]] | None = Field(None, description=(
        "Each belligerent's expectation of m, the attacker's advance-rate multiplier "
        "(E[m] = 1 under the analyst's distribution), month by month on the realised paths "
        "(MODELS.md 2.4); None where the scenario declares no beliefs."))
    belief_gap: dict[Month, Summary] | None = Field(None, description=(
        "The gap between the two belligerents' expectations of m, month by month."))
    belief_gap_half_life: HalfLife | None = None
    deals: DealsResult | None = None
    forecast: ForecastResult | None = None
    agreement: Agreement | None = Field(None, description=(
        "What the month-by-month bargaining solver says is agreed on the forward paths "
        "(MODELS.md 2.5-2.7); None for an analysis without the solver."))
    negotiation: Negotiation | None = Field(None, description=(
        "The talks as they unfold on the same forward paths (docs/negotiate.md): a typical "
        "run month by month and the batch figures over every run; None for an analysis "
        "without the solver."))
    sensitivity: SensitivityResult | None = Field(None, description=(
        "What drives the answer (`analyze --sensitivity`, docs/sensitivity.md): indices of "
        "every uncertain parameter for the deal, acceptance, control and line outputs, the "
        "game fitted on a subset of the analysis's draws (`fit.draws`) on the same seed; "
        "None without --sensitivity."))

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "acceptance": ("timing", "*proposal", "*month", "acceptance", "*actor"),
        "proposals": ("proposals", "*proposal", "acceptance", "*actor"),
        "agreement": ("timing", "*proposal", "*month", "p_all_veto_accept"),
        "war_value": ("war_value", "*actor", "*month"),
        "control": ("control", "*region", "*actor", "*month"),
        "gains_km2": ("gains_km2", "*actor", "*month"),
        "beliefs": ("beliefs", "*actor", "*month"),
        "leverage": ("leverage", "factors", "*factor", "p_all_veto_accept", "*proposal"),
        "agreement_by_month": ("agreement", "by_month", "*month"),
        "agreed_packages": ("agreement", "packages", "*rank"),
        "sensitivity": ("sensitivity", "outputs", "*output", "indices", "*parameter"),
    }

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """A tidy table (see :meth:`Result.to_frame`).

        ``agreement_by_month`` has one row per month of the window: ``month``, ``p`` and
        ``se`` of P(signed by its end), ``in_force_p`` and ``in_force_se`` of P(in force);
        ``agreed_packages`` one row per agreed package, most likely first (``rank`` 0),
        with ``p.p``, ``p.se``, ``median_month``, and ``proposers.<actor>`` shares. Both
        are empty for an analysis without the month-by-month solver.
        """
        frame = super().to_frame(table)
        if table == "agreement_by_month" and self.agreement is not None:
            force = self.agreement.in_force
            frame["in_force_p"] = [force[m].p for m in frame["month"]]
            frame["in_force_se"] = [force[m].se for m in frame["month"]]
        return frame

    def headline(self) -> str:
        """The likely settlement and its probability."""
        likely = self.likely_settlement
        if likely is None:
            return "no named proposals"
        p = likely.p_all_veto_accept
        return (f"likely settlement {likely.proposal!r}, P(all veto players accept now) "
                f"{p.p:.2f} ± {p.se:.2f}; {len(self.proposals)} proposals")


class Triple(Record):
    """A number in the base run, in the variant, and their difference."""

    base: float
    variant: float
    difference: float

    @classmethod
    def of(cls, base: float, variant: float) -> Self:
        """The triple of two numbers."""
        return cls(base=base, variant=variant, difference=variant - base)


class ProbabilityTriple(Record):
    """A probability in the base run and in the variant, each ``{p, se}``, and their change.

    ``difference`` is variant minus base. Its standard error is paired (the standard
    deviation of the per-draw differences over the square root of the draws) where both
    runs keep their per-draw arrays, as ``whatif`` does for each proposal's acceptance
    now; otherwise (the agreement forecast, the line's zone, results read from JSON) it is
    the unpaired sqrt(se_base² + se_variant²), which overstates the error of a difference
    on common random numbers.
    """

    base: Estimate
    variant: Estimate
    difference: Difference = Field(description=(
        "Variant minus base, {d, se}: a paired standard error where the per-draw arrays "
        "of both runs are kept (acceptance and P(all veto players accept) of the named "
        "proposals), otherwise the unpaired sqrt(se_base² + se_variant²)."))

    @classmethod
    def of(cls, base: Estimate, variant: Estimate,
           draws: tuple[np.ndarray, np.ndarray] | None = None) -> Self:
        """The triple of two estimates; ``draws`` (base, variant) per draw pairs the error."""
        if draws is not None:
            diff = difference(draws[1], draws[0])
            return cls(base=base, variant=variant, difference=diff)
        se = float(np.hypot(base.se, variant.se))
        return cls(base=base, variant=variant,
                   difference=Difference(d=variant.p - base.p, se=se))


class ProposalChange(Record):
    """A proposal's headline numbers in both runs."""

    acceptance: dict[ActorId, ProbabilityTriple]
    p_all_veto_accept: ProbabilityTriple
    window_opens: dict[Literal["base", "variant"], Month | None]


class AgreementChange(Record):
    """The agreement forecast of the month-by-month solver in both runs."""

    p_within_12: ProbabilityTriple = Field(description=(
        "P(a comprehensive deal is signed within 12 months)."))
    p_within_24: ProbabilityTriple = Field(description=(
        "P(a comprehensive deal is signed within 24 months; within the window where it is "
        "shorter)."))
    fit_differences: FitDifferences | None = Field(None, description=(
        "The change under each of the K fits of both runs (``whatif --fits K``, K >= 2); "
        "null otherwise."))


class WhatifResult(Result):
    """The same analysis with levers or parameters changed, on the same draws.

    Each headline number as ``{base, variant, difference}``: probabilities as ``{p, se}``
    and their difference as ``{d, se}``; the two full analyses are ``base`` and
    ``variant``.
    """

    kind: Literal["whatif"] = "whatif"
    changes: dict[str, Any] = Field(description="Parameter path -> value set.")
    levers: dict[Slug, bool]
    variant_scenario: ScenarioMeta
    proposals: dict[Slug, ProposalChange]
    war_value: dict[ActorId, Triple]
    likely_settlement: dict[Literal["base", "variant"], Slug | None]
    p_zone_open: ProbabilityTriple | None
    agreement: AgreementChange | None = Field(None, description=(
        "The agreement forecast in both runs; None where either run has no month-by-month "
        "solver (a scenario without named proposals)."))
    base: AnalyzeResult
    variant: AnalyzeResult

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "acceptance": ("proposals", "*proposal", "acceptance", "*actor"),
        "agreement": ("proposals", "*proposal", "p_all_veto_accept"),
        "war_value": ("war_value", "*actor"),
    }

    def headline(self) -> str:
        """The largest change in P(all veto players accept)."""
        if not self.proposals:
            return "no named proposals"
        pid, change = max(self.proposals.items(),
                          key=lambda kv: abs(kv[1].p_all_veto_accept.difference.d))
        p = change.p_all_veto_accept
        return (f"largest change: {pid!r} P(all accept) {p.base.p:.2f} -> {p.variant.p:.2f} "
                f"({p.difference.d:+.2f} ± {p.difference.se:.2f})")

    @classmethod
    def compare(cls, base: AnalyzeResult, variant: AnalyzeResult, *,
                changes: dict[str, Any], levers: dict[str, bool]) -> WhatifResult:
        """Set two analyses of the same draws side by side.

        Differences of the named proposals' acceptance are paired where both results
        keep their per-draw arrays (the same draws: common random numbers).
        """
        month0 = base.start_months[0]
        arrays = (base.per_draw, variant.per_draw)
        paired = all(x is not None for x in arrays) and base.draws == variant.draws

        def per_draw(name: str, **at: str) -> tuple[np.ndarray, np.ndarray] | None:
            if not paired:
                return None
            try:
                return tuple(np.asarray(x[name].sel(start=month0, **at).values)
                             for x in arrays)  # type: ignore[return-value]
            except KeyError:
                return None

        proposals = {}
        for pid, p in base.proposals.items():
            other = variant.proposals[pid]
            proposals[pid] = ProposalChange(
                acceptance={a: ProbabilityTriple.of(
                    e, other.acceptance[a], per_draw("accept", proposal=pid, actor=a))
                    for a, e in p.acceptance.items() if a in other.acceptance},
                p_all_veto_accept=ProbabilityTriple.of(
                    p.p_all_veto_accept, other.p_all_veto_accept,
                    per_draw("all_veto_accept", proposal=pid)),
                window_opens={"base": p.window.opens, "variant": other.window.opens})
        line = None
        if base.line is not None and variant.line is not None:
            line = ProbabilityTriple.of(base.line.p_zone_open, variant.line.p_zone_open)
        agreement = None
        if base.agreement is not None and variant.agreement is not None:
            noise = (base.agreement.fit_noise, variant.agreement.fit_noise)
            agreement = AgreementChange(
                p_within_12=ProbabilityTriple.of(base.agreement.p_within_12,
                                                 variant.agreement.p_within_12),
                p_within_24=ProbabilityTriple.of(base.agreement.p_within_24,
                                                 variant.agreement.p_within_24),
                fit_differences=(FitDifferences.of(*noise)
                                 if None not in noise and noise[0].fits == noise[1].fits
                                 else None))

        def likely(r: AnalyzeResult) -> str | None:
            return r.likely_settlement.proposal if r.likely_settlement else None

        return cls(
            scenario=base.scenario, seed=base.seed, draws=base.draws, changes=changes,
            levers=levers, variant_scenario=variant.scenario, proposals=proposals,
            war_value={a: Triple.of(v[month0].mean, variant.war_value[a][month0].mean)
                       for a, v in base.war_value.items()},
            likely_settlement={"base": likely(base), "variant": likely(variant)},
            p_zone_open=line, agreement=agreement, base=base.nested(),
            variant=variant.nested(), run={"base": base.run, "variant": variant.run})
