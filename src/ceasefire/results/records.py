"""Typed records for the ideas every result shares (DESIGN.md sections 9.9 and 9.20).

Ids are constrained strings, so a document keyed by a misspelt id fails its schema:
actor ids (``RU``, ``IAEA``), kebab-case slugs (regions, proposals, issues, options,
levers, factors) and calendar months (``YYYY-MM``). A probability is always an
:class:`Estimate` ``{p, se}``; a distribution over draws is a :class:`Summary`
``{mean, p10, p50, p90}``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "ActorId",
    "Bands",
    "Difference",
    "Estimate",
    "LikelySettlement",
    "Month",
    "Name",
    "Plateau",
    "Record",
    "ShareSummary",
    "Slug",
    "Summary",
]

ActorId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,5}$")]
"""An actor id: upper case, 2-6 characters (``RU``, ``IAEA``)."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
"""A kebab-case id of a region, issue, option, proposal, lever, factor or stakeholder."""

Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""A calendar month ``YYYY-MM``; month 0 is the scenario's month."""

Name = Annotated[str, StringConstraints(min_length=1)]
"""A free name, as an input file spells it (dimensions and stakeholders of table files)."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class Record(BaseModel):
    """An immutable, closed record: unknown keys, NaN and infinities are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False,
                              json_schema_serialization_defaults_required=True)


class Estimate(Record):
    """A probability over draws with its Monte Carlo standard error."""

    p: Probability
    se: Annotated[float, Field(ge=0.0, le=0.5)]


class Difference(Record):
    """A difference of two probabilities on the same draws, with its paired standard error."""

    d: Annotated[float, Field(ge=-1.0, le=1.0)]
    se: Annotated[float, Field(ge=0.0)]


class Summary(Record):
    """A quantity over draws: its mean and its 10th, 50th and 90th percentiles."""

    mean: float
    p10: float
    p50: float
    p90: float


_SHARE = Field(ge=-1e-9, le=1 + 1e-9)  # a share, up to rounding (paths can end at 1 + 1e-16)


class ShareSummary(Summary):
    """A share over draws (a fraction in [0, 1]): its mean and percentiles."""

    mean: float = _SHARE
    p10: float = _SHARE
    p50: float = _SHARE
    p90: float = _SHARE


class Bands(Record):
    """A series over draws: 10th, 50th and 90th percentiles at each point."""

    p10: list[float]
    p50: list[float]
    p90: list[float]


class Plateau(Record):
    """Packages whose probability ties with the likely settlement's within Monte Carlo error.

    What they share is the answer the draws support; what varies among them, they do not
    decide.
    """

    size: int = Field(ge=1)
    shared: dict[Slug, Slug] = Field(description="Issue -> the option every package of the "
                                     "plateau has.")
    varying: dict[Slug, list[Slug]] = Field(description="Issue -> the options found among "
                                            "them, where they differ.")
    rule: str


class LikelySettlement(Record):
    """The most probable settlement and the rule that picked it (DESIGN.md 9.7, 9.19)."""

    proposal: Slug | None = Field(description="The named proposal, where it is one.")
    terms: dict[Slug, Slug]
    p_all_veto_accept: Estimate
    rule: str
    plateau: Plateau | None = Field(None, description=(
        "Where other packages tie with it within Monte Carlo error (deals only)."))
