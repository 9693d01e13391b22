"""The result of ``sweep``: the bargaining equilibrium's outputs over many blocks of draws.

The distributions of what ``analyze`` reports about the talks (when a deal is signed,
whether it holds, which package, who accepts each named proposal now, narrow agreements)
and of control at the end of the reporting window, each with its Monte Carlo standard
error, from a sweep of any number of draws run in blocks on one fitted game
(:mod:`ceasefire.sweep`). Pure data: the rules that fill it live in
:mod:`ceasefire.sweep.reduce`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Estimate, Month, Record, Slug

__all__ = ["Distribution", "SweepFit", "SweepResult", "SweptPackage", "SweptProposal"]


class Distribution(Record):
    """A share over the sweep's draws, kept as moments and a fixed-bin histogram.

    The percentiles are read off the histogram, linear within a bin between the least and
    the greatest share seen in it: exact to the bin width, ``1 / len(histogram)``, and
    exact where a bin holds a single value; the mean and standard deviation are exact.
    """

    mean: float
    se: float = Field(ge=0.0, description="Monte Carlo standard error of the mean, sd / sqrt(n).")
    sd: float = Field(ge=0.0, description="Standard deviation over draws (n - 1 in the divisor).")
    p10: float
    p50: float
    p90: float
    histogram: list[int] = Field(description=(
        "Draws in each of equal bins over [0, 1] (the last bin includes 1)."))


class SweptPackage(Record):
    """A package signed on some of the sweep's paths."""

    id: Slug = Field(description="The candidate's id: a named proposal's, or "
                     "``searched-<n>`` for one the solver's search found.")
    name: str
    terms: dict[Slug, Slug]
    searched: bool
    p: Estimate = Field(description="P(the path's first deal is this package, within the "
                        "window).")
    median_month: Month = Field(description="Lower median month of signing over the paths "
                                "that sign it.")


class SweptProposal(Record):
    """A named proposal offered now (month 0): who accepts it."""

    acceptance: dict[ActorId, Estimate] = Field(description=(
        "P(the party accepts), against its equilibrium continuation value on its own "
        "belief (1 where it has no veto over the package)."))
    p_all_veto_accept: Estimate


class SweepFit(Record):
    """The one backward induction every block's forward pass shares."""

    draws: int = Field(ge=1, description="Outer draws the continuation values were fitted on "
                       "(drawn with the sweep's seed, as `analyze --seed` draws them).")
    fitting_paths: int = Field(ge=1)
    candidates: int = Field(ge=1, description="Candidate packages the solver could offer.")
    solver_horizon: int = Field(ge=1, description="The solver's horizon T (MODELS.md 2.5).")


class SweepResult(Result):
    """The equilibrium's outputs over a sweep of draws, with Monte Carlo standard errors.

    Each block of ``block`` draws (the last may be smaller) is drawn from its own child of
    the seed, so the numbers are the same whatever ran the blocks. The standard errors
    are those of the forward pass's draws, given the fit (the fit's own sampling error is
    common to every draw and does not shrink with them).
    """

    kind: Literal["sweep"] = "sweep"
    block: int = Field(ge=1, description="Draws per block.")
    blocks: int = Field(ge=1)
    fit: SweepFit
    months: int = Field(ge=1, description="The reporting window (the scenario's "
                        "``horizon_months``), months 0..months-1.")
    by_month: dict[Month, Estimate] = Field(description=(
        "P(a comprehensive deal is signed by the end of that month), cumulative."))
    in_force: dict[Month, Estimate] = Field(description=(
        "P(a signed deal holds at the end of that month)."))
    p_within_12: Estimate
    p_within_24: Estimate
    median_month: Month | None = Field(description=(
        "Lower median month of signing over the paths that sign; null when fewer than 1 % "
        "of paths sign."))
    packages: list[SweptPackage] = Field(description="The packages signed on some path, most "
                                         "likely first (ties: the lower candidate index).")
    proposals: dict[Slug, SweptProposal] = Field(description=(
        "Each named proposal offered now: P(each party accepts), P(every veto player does)."))
    narrow_at_least_one_by: dict[Month, Estimate] = Field(description=(
        "P(at least one narrow agreement signed by the end of that month); empty when the "
        "scenario declares none."))
    control_month: Month = Field(description=(
        "The month at whose start control is read: the end of the reporting window."))
    control: dict[Slug, dict[ActorId, Distribution]] = Field(description=(
        "Each belligerent's share of each region at the end of the window, on the "
        "realised war paths (the fighting's course, as `analyze` reports control)."))

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "by_month": ("by_month", "*month"),
        "in_force": ("in_force", "*month"),
        "packages": ("packages", "*rank"),
        "acceptance": ("proposals", "*proposal", "acceptance", "*actor"),
        "narrow": ("narrow_at_least_one_by", "*month"),
        "control": ("control", "*region", "*actor"),
    }

    def headline(self) -> str:
        """P(deal within 12 months) and the most likely package, over all the draws."""
        p = self.p_within_12
        line = f"P(deal within 12 months) {p.p:.1%} ± {p.se:.1%} over {self.draws or 0:,} draws"
        if self.packages:
            top = self.packages[0]
            line += f"; most likely: {top.id} ({top.p.p:.1%})"
        return line
