"""The application layer: each job a user runs, from a scenario name or path to a result.

``analyze``, ``whatif``, ``explore`` (the deal space), ``calibrate`` and
``stakeholder_forecast`` share
one preparation stage (:func:`prepare`: load, compile, expected war paths), take options
objects (:class:`~ceasefire.bargaining.analysis.AnalysisOptions`,
:class:`~ceasefire.deals.DealOptions`) and return typed results
(:mod:`ceasefire.results`). The CLI, the report and the web app call these and nothing
below them.
"""

from __future__ import annotations

from ceasefire.bargaining.analysis import AnalysisOptions
from ceasefire.deals import DealOptions
from ceasefire.workflows.analyze import analyze, whatif
from ceasefire.workflows.backtest import backtest
from ceasefire.workflows.explore import calibrate, explore
from ceasefire.workflows.forecast import stakeholder_forecast
from ceasefire.workflows.prepare import Prepared, prepare, scenario_of

__all__ = ["AnalysisOptions", "DealOptions", "Prepared", "analyze", "backtest", "calibrate",
           "explore", "prepare", "scenario_of", "stakeholder_forecast", "whatif"]
