"""The result of ``calibrate``: the model's first months, to set beside the record."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Estimate, Record, Slug, Summary

__all__ = ["CalibrateResult", "Fall"]


class Fall(Record):
    """When a fortified region falls on the expected path (90 % held by its attacker)."""

    taken: Estimate = Field(description="P(it falls within the simulated months).")
    month_p50: float | None = Field(ge=0, description=(
        "Median month it falls, over draws where it does (None: it never does)."))


class CalibrateResult(Result):
    """The model's first months, to set beside the record (DESIGN.md section 9.17).

    Gains and casualties of each belligerent, oil and gas revenue against its reference
    level, and when each fortified region falls.
    """

    kind: Literal["calibrate"] = "calibrate"
    months: int = Field(ge=1)
    gains_km2_per_month: dict[ActorId, Summary]
    casualties_per_day: dict[ActorId, Summary]
    revenue_vs_reference: dict[ActorId, Summary] = Field(description=(
        "Oil and gas revenue in month 0 as a fraction of its reference level, minus one."))
    months_to_fall: dict[Slug, Fall]

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "gains_km2_per_month": ("gains_km2_per_month", "*actor"),
        "casualties_per_day": ("casualties_per_day", "*actor"),
        "revenue_vs_reference": ("revenue_vs_reference", "*actor"),
        "months_to_fall": ("months_to_fall", "*region"),
    }

    def headline(self) -> str:
        """Gains of each belligerent (median, km² a month)."""
        return ", ".join(f"{a} gains {s.p50:,.0f} km²/month"
                         for a, s in self.gains_km2_per_month.items())
