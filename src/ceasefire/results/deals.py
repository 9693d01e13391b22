"""The result of ``deals``: the declared deal space of one scenario, for one start month."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Estimate, LikelySettlement, Month, Record, Slug

__all__ = ["DealsResult", "Package", "PackageSolution", "Variant"]


class Package(Record):
    """One package: its terms, who has a stake, who accepts, and at what surplus."""

    terms: dict[Slug, Slug]
    changes: dict[Slug, Slug] = Field(description="The terms that differ from each "
                                      "issue's default option.")
    p_all_veto_accept: Estimate
    veto_players: list[ActorId]
    acceptance: dict[ActorId, Estimate] = Field(description=(
        "P(accept) of every actor with a stake in the package; actors with none are "
        "absent."))
    surplus: dict[ActorId, float] = Field(description="Mean deal value minus war value, in "
                                          "each actor's value units.")
    robust: float | None = Field(None, description=(
        "The robustness score (a low quantile of the least relative net surplus); None "
        "where not computed or below zero."))
    infeasible: bool = False


class Gain(Record):
    """What a variant's changes buy against its proposal."""

    p_all_veto_accept: float = Field(ge=-1, le=1)
    surplus: dict[ActorId, float]


class Variant(Package):
    """A package near a named proposal, and what its changes buy."""

    changed_from_proposal: dict[Slug, Slug]
    gain: Gain


class PackageSolution(Record):
    """A solution over the deal space (``package`` None: no agreement)."""

    package: Package | None
    score: float | None
    blockers: list[ActorId] = Field(description="Veto players that leave it no package.")


class Space(Record):
    """The declared space and how it was covered."""

    issues: dict[Slug, list[Slug]]
    size: int = Field(ge=0)
    evaluated: int = Field(ge=0)
    method: Literal["enumerated", "searched"]
    note: str


class Zone(Record):
    """The zone of agreement: packages every veto player accepts with P >= p*."""

    size: int = Field(ge=0)
    share: float = Field(ge=0, le=1)


class Frontier(Record):
    """The belligerents' Pareto frontier of mean surpluses (the first packages listed)."""

    parties: list[ActorId]
    size: int = Field(ge=0)
    packages: list[Package]


class Settings(Record):
    """Choices that change the numbers."""

    dtype: Literal["float32", "float64"]
    quantile: float = Field(ge=0, le=1)


class DealsResult(Result):
    """The declared deal space of one scenario for deals signed at one month.

    The solutions, the likely settlement, the best packages by P(all veto players
    accept), the named proposals, their nearest acceptable variants and the
    belligerents' Pareto frontier. The per-package arrays stay on the Python object
    (:attr:`values`, :attr:`space_object`) and are not serialised.
    """

    kind: Literal["deals"] = "deals"
    start_month: int = Field(ge=0, le=12)
    start: Month
    p_star: float = Field(gt=0, le=1)
    actors: list[ActorId]
    belligerents: list[ActorId]
    veto: dict[ActorId, Literal["all", "terms", "none"]]
    space: Space
    zone: Zone
    likely_settlement: LikelySettlement | None
    solutions: dict[Slug, PackageSolution]
    top: list[Package]
    proposals: dict[Slug, Package]
    nearest: dict[Slug, dict[str, list[Variant]]] = Field(description=(
        "Proposal id -> distance (number of changed terms, as text) -> packages."))
    frontier: Frontier
    settings: Settings

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "top": ("top", "*rank"),
        "acceptance": ("top", "*rank", "acceptance", "*actor"),
        "proposals": ("proposals", "*proposal"),
        "frontier": ("frontier", "packages", "*rank"),
    }

    @property
    def values(self) -> Any:
        """The per-package arrays (:class:`~ceasefire.deals.evaluate.SpaceValues`) or None."""
        return (self._per_draw or {}).get("values")

    @property
    def space_object(self) -> Any:
        """The :class:`~ceasefire.deals.space.DealSpace`, or None."""
        return (self._per_draw or {}).get("space")

    def headline(self) -> str:
        """The zone's size and the likely settlement."""
        likely = self.likely_settlement
        terms = "none" if likely is None else (
            "; ".join(f"{k}={v}" for k, v in likely.terms.items()) or "defaults")
        text = (f"{self.zone.size:,} of {self.space.evaluated:,} packages in the zone")
        if likely is not None:
            text += (f"; likely settlement P={likely.p_all_veto_accept.p:.2f}: "
                     f"{terms[:300]}")
        return text
