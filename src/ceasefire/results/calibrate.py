"""The result of ``calibrate``: the model's first months, to set beside the record."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import ActorId, Estimate, Record, Slug, Summary

__all__ = ["CalibrateResult", "Fall", "RecordRow"]


class Fall(Record):
    """When a fortified region falls on the expected path (90 % held by its attacker)."""

    taken: Estimate = Field(description="P(it falls within the simulated months).")
    month_p50: float | None = Field(ge=0, description=(
        "Median month it falls, over draws where it does (None: it never does)."))


class RecordRow(Record):
    """An observation of the record (DESIGN.md 9.21) to set beside the model."""

    date: dt.date
    metric: str
    value: float
    source: str


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
    record: list[RecordRow] = Field(description=(
        "The observations of the scenario's record dated on or before its as_of, for the "
        "metrics above (gains_km2, casualties_per_day, oil_gas_revenue_change)."))
    horizon_months: int = Field(ge=1, description="The scenario's reporting horizon.")

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "gains_km2_per_month": ("gains_km2_per_month", "*actor"),
        "casualties_per_day": ("casualties_per_day", "*actor"),
        "revenue_vs_reference": ("revenue_vs_reference", "*actor"),
        "months_to_fall": ("months_to_fall", "*region"),
        "record": ("record", "*row"),
    }

    def headline(self) -> str:
        """Gains of each belligerent (median, km² a month)."""
        return ", ".join(f"{a} gains {s.p50:,.0f} km²/month"
                         for a, s in self.gains_km2_per_month.items())
