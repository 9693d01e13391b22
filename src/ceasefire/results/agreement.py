"""What the month-by-month bargaining solver says is agreed (MODELS.md 2.7, DESIGN.md 9.19-20).

The records of ``analyze``'s ``agreement``: when a comprehensive deal is signed on the
forward paths (cumulative, by calendar month) and whether it is still in force, which
packages are signed and by whom, the plateau of packages the draws cannot tell apart, the
zone of agreement on the parties' own beliefs and on the analyst's, and how often a
conditional lever fired before a deal. Pure data: the rules that fill them live in
:mod:`ceasefire.bargaining.agreement_summary`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ceasefire.results.records import ActorId, Estimate, Month, Record, Slug, Summary

__all__ = ["REFUSAL_REASONS", "AgreedPackage", "Agreement", "FitNoise", "Narrow", "NarrowAgreed",
           "Reason", "Zone"]

Reason = Literal["belief", "ratification", "claim", "value"]
"""Why a party refuses a package (MODELS.md 2.7): the first of *belief* (the analyst's
belief in place of its own), *ratification* (r = 1) and *claim* (z = 0) whose removal alone
turns its refusal into acceptance, otherwise *value*."""

REFUSAL_REASONS: tuple[Reason, ...] = ("belief", "ratification", "claim", "value")
"""The reasons in the solver's order (codes 1..4 of ``bargaining.outcome.REASONS``)."""


class AgreedPackage(Record):
    """A package signed on some of the forward paths."""

    id: Slug = Field(description="The candidate's id: a named proposal's, or "
                     "``searched-<n>`` for one the solver's search found.")
    name: str
    terms: dict[Slug, Slug]
    searched: bool = Field(description="Found by the solver's search, not a named proposal.")
    p: Estimate = Field(description="P(the path signs this package within the window).")
    median_month: Month = Field(description=(
        "Median month of signing over the paths that sign it (the lower median: the first "
        "month by whose end half of them have signed)."))
    proposers: dict[ActorId, float] = Field(description=(
        "Share of its signatures proposed by each actor (the shares sum to 1)."))


class Zone(Record):
    """Packages every veto player accepts at month 0 against its continuation value.

    On the parties' own beliefs and on the analyst's (common) belief; where the first is
    smaller, the difference is the price of optimism (MODELS.md 2.7).
    """

    own: dict[Slug, Estimate] = Field(description=(
        "Per candidate: P(every veto player accepts it now), each on its own belief."))
    common: dict[Slug, Estimate] = Field(description=(
        "Per candidate: the same on the analyst's belief."))
    p_any_own: Estimate = Field(description="P(some candidate is in the zone), own beliefs.")
    p_any_common: Estimate = Field(description="P(some candidate is in the zone), the "
                                   "analyst's belief.")


class NarrowAgreed(Record):
    """One narrow agreement on the forward paths (docs/narrow.md)."""

    accepted: Estimate = Field(description=(
        "P(every belligerent values it at or above fighting on without it)."))
    by_month: dict[Month, Estimate] = Field(description=(
        "P(signed at least once by the end of that month), cumulative."))
    in_force: dict[Month, Estimate] = Field(description=(
        "P(kept at the end of that month); one-off agreements are never 'kept'."))


class Narrow(Record):
    """Narrow agreements signed while the war goes on (issue 14; docs/narrow.md)."""

    at_least_one_by: dict[Month, Estimate] = Field(description=(
        "P(at least one narrow agreement signed by the end of that month), cumulative."))
    agreements: dict[Slug, NarrowAgreed]
    hazard_factor: dict[Month, Summary] = Field(description=(
        "The factor on a comprehensive deal's monthly collapse hazard from the trust the "
        "kept or honoured narrow agreements build (1: none)."))


class FitNoise(Record):
    """The agreement forecast under fits of the game on independent fitting paths.

    The same draws, candidates and forward paths; only the fitting paths' random numbers
    differ (``analyze --fits K``, docs/model.md 5.5 "Fit noise"). The reported forecast is
    the first fit's; the standard errors of its estimates are over the forward paths and
    leave this spread out.
    """

    fits: int = Field(ge=2, description="Fits of the game, the reported one first.")
    p_within_12: list[float] = Field(description="P(signed within 12 months) under each fit.")
    p_within_24: list[float] = Field(description="P(signed within 24 months) under each fit.")
    sd_within_12: float = Field(ge=0, description=(
        "Standard deviation of P(signed within 12 months) across the fits."))
    sd_within_24: float = Field(ge=0, description=(
        "Standard deviation of P(signed within 24 months) across the fits."))
    by_month_sd: dict[Month, float] = Field(description=(
        "Standard deviation across the fits of P(signed by the end of each month)."))
    in_force_sd: dict[Month, float] = Field(description=(
        "Standard deviation across the fits of P(a signed deal in force at each month)."))

    def headline(self) -> str:
        """One sentence: the range and spread across the fits."""
        def span(values: list[float], sd: float) -> str:
            return f"{min(values):.0%}–{max(values):.0%} (sd {sd:.1%})"

        return (f"across {self.fits} fits on independent fitting paths: within 12 months "
                f"{span(self.p_within_12, self.sd_within_12)}, within 24 months "
                f"{span(self.p_within_24, self.sd_within_24)}; the ± over the draws "
                "leaves this spread out")


class Agreement(Record):
    """When a comprehensive deal is signed, what is signed, and what holds it up."""

    months: int = Field(ge=1, description="The reporting window (the scenario's "
                        "``horizon_months``), months 0..months-1.")
    solver_horizon: int = Field(ge=1, description="The solver's horizon T (MODELS.md 2.5).")
    fitting_paths: int = Field(ge=1, description="Fitting paths per outer draw.")
    candidates: int = Field(ge=0, description="Candidate packages the solver could offer.")
    by_month: dict[Month, Estimate] = Field(description=(
        "P(a comprehensive deal is signed by the end of that month), cumulative."))
    in_force: dict[Month, Estimate] = Field(description=(
        "P(a signed deal holds at the end of that month: signed and not collapsed)."))
    p_within_12: Estimate = Field(description=(
        "P(signed in months 0..11), or by the end of the window if it is shorter."))
    p_within_24: Estimate = Field(description=(
        "P(signed in months 0..23), or by the end of the window if it is shorter."))
    median_month: Month | None = Field(description=(
        "Median month of signing over the paths that sign (the lower median); null when "
        "fewer than 1 % of paths sign."))
    packages: list[AgreedPackage] = Field(description=(
        "The packages signed on some path, most likely first (ties: the lower candidate "
        "code)."))
    plateau: list[Slug] = Field(description=(
        "Agreed packages whose probability lies within two paired standard errors of the "
        "most likely one's (always includes it)."))
    plateau_shares: dict[Slug, Slug] = Field(description=(
        "Issue -> the option every package of the plateau has."))
    zone: Zone
    threats: Estimate = Field(description=(
        "P(at least one conditional lever is switched on before a deal)."))
    continuation: dict[ActorId, dict[Month, Summary]] = Field(default_factory=dict, description=(
        "Each player's continuation value C(t) on its own belief, above the value of "
        "holding the current line at the current costs for ever, in units of its war-cost "
        "annuity A (MODELS.md 2.7): what fighting on and bargaining again is worth to it."))
    narrow: Narrow | None = Field(None, description=(
        "The scenario's narrow agreements on the same paths (null when it declares none)."))
    fit_noise: FitNoise | None = Field(None, description=(
        "The forecast's spread across fits on independent fitting paths (null unless "
        "``analyze --fits`` is 2 or more)."))
