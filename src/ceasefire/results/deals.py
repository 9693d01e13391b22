"""The result of ``deals``: the declared deal space of one scenario, for one start month."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from ceasefire.errors import InputError
from ceasefire.results.agreement import AgreedPackage
from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Estimate, LikelySettlement, Month, Record, Slug

__all__ = ["Agreed", "Cloud", "DealsResult", "Package", "PackageSolution", "Variant"]


class Package(Record):
    """One package: its terms, who has a stake, who accepts, and at what surplus."""

    terms: dict[Slug, Slug]
    changes: dict[Slug, Slug] = Field(description="The terms that differ from each "
                                      "issue's default option.")
    p_all_veto_accept: Estimate
    veto_players: list[ActorId]
    acceptance: dict[ActorId, Estimate] = Field(description=(
        "P(accept) of every actor the solver models with a stake in the package: its gain "
        "of signing now over fighting on, r (V - X) - (1 - r) a, is not negative; actors "
        "with no stake are absent."))
    surplus: dict[ActorId, float] = Field(description="Mean V - X: the deal's value minus the "
                                          "equilibrium value of fighting on and bargaining "
                                          "again, in each actor's own value units.")
    robust: float | None = Field(None, description=(
        "The robustness score: a low quantile over draws of the least gain of signing "
        "among the veto players, in units of each one's war-cost annuity A; None where no "
        "veto applies."))
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
    method: Literal["enumerated", "sampled"]
    draws: int | None = Field(None, ge=1, description=(
        "Draws every package was scored on (the first ones of the run)."))
    note: str


class Zone(Record):
    """The zone of agreement: packages every veto player accepts with P >= p*.

    Each veto player accepts a package signed now against its equilibrium continuation
    value, on its own belief (``size``) or on the analyst's (``size_common``); the
    difference is the price of optimism (MODELS.md 2.7).
    """

    size: int = Field(ge=0)
    share: float = Field(ge=0, le=1)
    size_common: int | None = Field(None, ge=0, description="Packages in the zone on the "
                                    "analyst's (common) belief.")
    share_common: float | None = Field(None, ge=0, le=1)


class Agreed(Record):
    """What is actually agreed on the solver's forward paths (as ``analyze``'s agreement)."""

    draws: int = Field(ge=1, description="Forward paths (all the run's draws).")
    months: int = Field(ge=1, description="The reporting window.")
    p_signed: Estimate = Field(description="P(a comprehensive deal is signed within the "
                               "window).")
    packages: list[AgreedPackage] = Field(description=(
        "The candidate packages signed on some path, most likely first."))
    zone_own: dict[Slug, Estimate] = Field(description=(
        "Per solver candidate: P(every veto player accepts it now), own beliefs."))
    zone_common: dict[Slug, Estimate] = Field(description=(
        "Per solver candidate: the same on the analyst's belief."))


class Frontier(Record):
    """The belligerents' Pareto frontier of mean surpluses (the first packages listed)."""

    parties: list[ActorId]
    size: int = Field(ge=0)
    packages: list[Package]


class Cloud(Record):
    """A fixed-seed sample of packages in the plane of two parties' surpluses, for plots.

    Always holds the packages on that plane's Pareto frontier (``frontier`` marks them).
    """

    parties: list[ActorId] = Field(min_length=2, max_length=2)
    surplus: list[tuple[float, float]] = Field(description="Mean surplus of each party, "
                                               "in its own value units.")
    p_all_veto_accept: list[float]
    frontier: list[bool]
    labels: list[str] = Field(description="Each package's non-default terms.")


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
    cloud: Cloud | None = Field(description=(
        "Packages to plot in the plane of the first two belligerents' surpluses."))
    agreed: Agreed | None = Field(None, description=(
        "The packages actually agreed on the solver's paths, beside the zone."))
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
    def equilibrium(self) -> Any:
        """The solver's :class:`~ceasefire.bargaining.outcome.Equilibrium`, or None."""
        return (self._per_draw or {}).get("equilibrium")

    @property
    def space_object(self) -> Any:
        """The :class:`~ceasefire.deals.space.DealSpace`, or None."""
        return (self._per_draw or {}).get("space")

    def every_package(self) -> Any:
        """Every evaluated package as a pandas table (needs the per-package arrays).

        Columns: ``package`` (its code), one column per issue (the option, categorical),
        ``p_all_veto_accept`` and its standard error ``p_all_se``, then per actor
        ``p_accept_<actor>``, ``surplus_<actor>`` and ``veto_<actor>``, and ``robust``.
        """
        import pandas as pd

        from ceasefire.results.stats import standard_error

        values, space = self.values, self.space_object
        if values is None or space is None:
            raise InputError("every_package: this result has no per-package arrays (it was "
                             "read from JSON); fix: run the exploration again")
        options = space.decode(values.codes)
        data: dict[str, Any] = {"package": values.codes}
        for i, issue in enumerate(space.issues):
            data[issue] = pd.Categorical.from_codes(options[:, i], categories=space.options[i])
        data["p_all_veto_accept"] = values.p_all
        data["p_all_se"] = standard_error(values.p_all, values.draws)
        if values.p_common is not None:
            data["p_all_veto_accept_common"] = values.p_common
        for k, actor in enumerate(self.actors):
            data[f"p_accept_{actor}"] = values.p_accept[:, k]
            data[f"surplus_{actor}"] = values.mean_surplus[:, k]
            data[f"veto_{actor}"] = values.required[:, k]
        if values.robust is not None:
            data["robust"] = values.robust
        return pd.DataFrame(data)

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
