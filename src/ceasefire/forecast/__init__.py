"""Stakeholder forecasting: compromise, median, status quo, Nash, BDM's EUM and KTAB's SMP.

Every model is a pure, deterministic function ``model(table, options=None) ->
ForecastResult`` of a :class:`StakeholderTable` and a frozen options object::

    from ceasefire.forecast import load_table, smp, compromise
    table, _ = load_table("dummyData_3Dim.csv")
    print(smp(table).forecast, compromise(table).forecast)

References
----------
Achen (2006); Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011) *J. Theoretical
Politics* 23(4); Nash (1950); KTAB (Wise et al., KAPSARC). See ``docs/forecast/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ceasefire.errors import InputError
from ceasefire.forecast.baselines import (
    CompromiseOptions,
    MedianOptions,
    NashOptions,
    StatusQuoOptions,
    compromise,
    median,
    nash,
    status_quo,
    weighted_median,
)
from ceasefire.forecast.eum import (
    DEFAULT_EUM_PRESET,
    EUM_PRESETS,
    EUMOptions,
    eum,
    eum_knife_edge,
    eum_preset,
)
from ceasefire.forecast.eum_io import (
    load_table,
    read_china_json,
    read_decide,
    read_eum_table,
    table_from_scenario,
)
from ceasefire.forecast.ktab_io import (
    read_ktab,
    read_ktab_csv,
    read_ktab_xml,
    write_ktab_csv,
    write_ktab_xml,
)
from ceasefire.forecast.results import ForecastResult
from ceasefire.forecast.smp import SMPOptions, smp
from ceasefire.forecast.table import StakeholderTable, make_table

__all__ = [
    "DEFAULT_EUM_PRESET",
    "EUM_PRESETS",
    "MODELS",
    "CompromiseOptions",
    "EUMOptions",
    "ForecastResult",
    "MedianOptions",
    "NashOptions",
    "SMPOptions",
    "StakeholderTable",
    "StatusQuoOptions",
    "compromise",
    "eum",
    "eum_band",
    "eum_knife_edge",
    "eum_preset",
    "load_table",
    "make_table",
    "median",
    "nash",
    "read_china_json",
    "read_decide",
    "read_eum_table",
    "read_ktab",
    "read_ktab_csv",
    "read_ktab_xml",
    "run_model",
    "smp",
    "status_quo",
    "table_from_scenario",
    "weighted_median",
    "write_ktab_csv",
    "write_ktab_xml",
]

#: The models by CLI name, all with the signature ``model(table, options=None)``.
MODELS: dict[str, Callable[..., ForecastResult]] = {
    "compromise": compromise,
    "median": median,
    "status-quo": status_quo,
    "nash": nash,
    "eum": eum,
    "smp": smp,
}


def run_model(name: str, table: StakeholderTable, options: Any = None) -> ForecastResult:
    """Run the model called ``name`` (a key of :data:`MODELS`)."""
    try:
        model = MODELS[name]
    except KeyError:
        raise InputError(f"model {name!r} is unknown; allowed: {', '.join(MODELS)}") from None
    return model(table, options)


def eum_band(
    table: StakeholderTable, presets: dict[str, EUMOptions] | None = None
) -> dict[str, dict[str, Any]]:
    """Model-ambiguity band: the EUM forecast under every preset, per dimension.

    Returns ``{dimension: {"low": ..., "high": ..., "presets": {name: value}}}``.
    """
    presets = presets if presets is not None else EUM_PRESETS
    values = {name: eum(table, options).forecast for name, options in presets.items()}
    band: dict[str, dict[str, Any]] = {}
    for k, dim in enumerate(table.dimension_ids):
        per = {name: float(v[k]) for name, v in values.items()}
        band[dim] = {"low": min(per.values()), "high": max(per.values()), "presets": per}
    return band
