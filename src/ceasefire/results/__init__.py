"""Results: one typed layer for everything an engine returns (DESIGN.md section 9.9).

Every kind of result (:class:`AnalyzeResult`, :class:`WhatifResult`, :class:`DealsResult`,
:class:`ForecastResult`, :class:`CalibrateResult`, :class:`BacktestResult`,
:class:`NegotiationResult`, :class:`SweepResult`) follows
:class:`Result`'s protocol:
``kind``, the scenario's metadata, ``seed``, ``draws``, ``to_dict``/``from_dict`` (exact
round trip), ``to_frame`` (tidy pandas tables), a short ``repr`` and ``_repr_html_`` for
notebooks. Shared ideas have one record each: :class:`Estimate` ``{p, se}`` for every
probability, :class:`Summary` for a quantity over draws, :class:`Window`,
:class:`LineQuestion`, :class:`LikelySettlement`. The JSON Schemas are generated from the
types (:func:`result_schema`). This package is pure data: it imports no engine.
"""

from __future__ import annotations

from ceasefire.results.agreement import AgreedPackage, Agreement, FitNoise, Zone
from ceasefire.results.analyze import (
    AnalyzeResult,
    Effect,
    FitDifferences,
    LineQuestion,
    ProposalResult,
    Solution,
    TimingEntry,
    WhatifResult,
    Window,
)
from ceasefire.results.backtest import BacktestResult
from ceasefire.results.base import SCHEMA_VERSION, Result, ScenarioMeta, content_hash
from ceasefire.results.calibrate import CalibrateResult
from ceasefire.results.deals import DealsResult, Package
from ceasefire.results.forecast import ForecastResult, ModelForecast
from ceasefire.results.negotiation import Negotiation, NegotiationResult
from ceasefire.results.records import Bands, Difference, Estimate, LikelySettlement, Summary
from ceasefire.results.schema import (
    RESULT_KINDS,
    RESULT_TYPES,
    load_result,
    result_schema,
    result_schema_text,
)
from ceasefire.results.sensitivity import SensitivityResult
from ceasefire.results.sweep import Distribution, SweepResult, SweptPackage, SweptProposal

__all__ = [
    "RESULT_KINDS",
    "RESULT_TYPES",
    "SCHEMA_VERSION",
    "AgreedPackage",
    "Agreement",
    "AnalyzeResult",
    "BacktestResult",
    "Bands",
    "CalibrateResult",
    "DealsResult",
    "Difference",
    "Distribution",
    "Effect",
    "Estimate",
    "FitDifferences",
    "FitNoise",
    "ForecastResult",
    "LikelySettlement",
    "LineQuestion",
    "ModelForecast",
    "Negotiation",
    "NegotiationResult",
    "Package",
    "ProposalResult",
    "Result",
    "ScenarioMeta",
    "SensitivityResult",
    "Solution",
    "Summary",
    "SweepResult",
    "SweptPackage",
    "SweptProposal",
    "TimingEntry",
    "WhatifResult",
    "Window",
    "Zone",
    "content_hash",
    "load_result",
    "result_schema",
    "result_schema_text",
]
