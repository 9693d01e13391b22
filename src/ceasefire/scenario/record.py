"""The record: what was observed, to set beside the model (DESIGN.md section 9.21).

A record is a CSV of observations with the columns ``date`` (``YYYY-MM-DD``, the end of
the period a figure covers), ``metric``, ``value`` and ``source`` (a claim id of the
scenario, or a short citation). Metrics are ``occupied_km2``, ``gains_km2.<actor>`` (km²
gained in the month), ``casualties_per_day.<actor>``, ``oil_gas_revenue_change.<actor>``
(against the year before, as a fraction), ``control.<region>.<actor>`` and
``event.<id>`` (0 or 1). A built-in scenario may ship one beside it
(``<id>.record.csv``); observations dated on or before the scenario's ``as_of`` are a
calibration check, not a forecast test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ceasefire.errors import InputError

__all__ = ["METRIC", "Observation", "builtin_record", "load_record", "read_record"]

METRIC = re.compile(
    r"^(occupied_km2"
    r"|(gains_km2|casualties_per_day|oil_gas_revenue_change)\.[A-Z][A-Z0-9]{1,5}"
    r"|control\.[a-z0-9]+(-[a-z0-9]+)*\.[A-Z][A-Z0-9]{1,5}"
    r"|event\.[a-z0-9]+(-[a-z0-9]+)*)$")
"""The metrics a record may hold."""

_COLUMNS = ("date", "metric", "value", "source")
_MAX_ROWS = 100_000


class Observation(BaseModel):
    """One observed figure and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    date: dt.date
    metric: str = Field(pattern=METRIC.pattern)
    value: float
    source: str = Field(min_length=1)


def read_record(path: str | Path, *, text: str | None = None) -> tuple[Observation, ...]:
    """Read a record CSV; every problem names the file, the line and the fix.

    Raises
    ------
    InputError
        On a missing file, a wrong header, a bad date, an unknown metric, a value that is
        not a finite number, an empty source, or more than 100,000 rows.
    """
    where = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{where}: cannot read the record ({error}); fix: check the "
                             "path") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != _COLUMNS:
        raise InputError(f"{where}:1: the header must be {','.join(_COLUMNS)}, got "
                         f"{','.join(header or [])!r}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(rows) >= _MAX_ROWS:
            raise InputError(f"{where}: more than {_MAX_ROWS:,} observations; fix: split it")
        if len(row) != len(_COLUMNS):
            raise InputError(f"{where}:{line}: expected {len(_COLUMNS)} columns "
                             f"({','.join(_COLUMNS)}), got {len(row)}")
        date, metric, value, source = (cell.strip() for cell in row)
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"{where}:{line}: date {date!r} is not YYYY-MM-DD") from None
        if not METRIC.match(metric):
            raise InputError(f"{where}:{line}: unknown metric {metric!r}; allowed: "
                             "occupied_km2, gains_km2.<actor>, casualties_per_day.<actor>, "
                             "oil_gas_revenue_change.<actor>, control.<region>.<actor>, "
                             "event.<id>")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise InputError(f"{where}:{line}: value {value!r} is not a finite number")
        if not source:
            raise InputError(f"{where}:{line}: the source is empty; fix: cite a claim id "
                             "or the outlet and date")
        rows.append(Observation(date=day, metric=metric, value=number, source=source))
    return tuple(rows)


def builtin_record(scenario_id: str) -> tuple[Observation, ...] | None:
    """The record shipped with a built-in scenario, or ``None`` when it has none."""
    resource = resources.files("ceasefire.scenario.builtin").joinpath(
        f"{scenario_id}.record.csv")
    if not resource.is_file():
        return None
    return read_record(f"{scenario_id}.record.csv", text=resource.read_text("utf-8"))


def load_record(source: str | Path | Sequence[Observation] | None,
                scenario_id: str) -> tuple[Observation, ...] | None:
    """The observations a job compares the model with.

    A record CSV, observations already read, or (``source`` None) the record shipped with
    the built-in ``scenario_id``; ``None`` when there is none.
    """
    if source is None:
        return builtin_record(scenario_id)
    if isinstance(source, str | Path):
        return read_record(source)
    return tuple(source)
