"""The bargaining core: war values, package values, acceptance, solutions.

The usual entry point is :func:`valuation_context`, which prepares everything that
package valuation at one start month needs; :func:`evaluate_packages` then scores any
set of packages, and the deal-space engine builds on the same option columns.
"""

from __future__ import annotations

import numpy as np

from ceasefire.bargaining.line import line_issue, line_net_surplus
from ceasefire.bargaining.packages import (
    DealContext,
    OptionColumns,
    PackageValues,
    deal_context,
    evaluate_packages,
    option_columns,
    package_index,
    veto_codes,
)
from ceasefire.bargaining.solutions import (
    RubinsteinSplit,
    Solution,
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein_share,
    rubinstein_split,
)
from ceasefire.bargaining.values import (
    ActorParameters,
    PayoffStreams,
    actor_parameters,
    deal_value,
    discounted_value,
    payoff_streams,
    ratification_margin,
    shift_support,
)
from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario

__all__ = [
    "ActorParameters",
    "DealContext",
    "OptionColumns",
    "PackageValues",
    "PayoffStreams",
    "RubinsteinSplit",
    "Solution",
    "actor_parameters",
    "deal_context",
    "deal_value",
    "discounted_value",
    "egalitarian",
    "evaluate_packages",
    "kalai_smorodinsky",
    "line_issue",
    "line_net_surplus",
    "nash_bargaining",
    "option_columns",
    "package_index",
    "payoff_streams",
    "ratification_margin",
    "rubinstein_share",
    "rubinstein_split",
    "shift_support",
    "valuation_context",
    "veto_codes",
]


def valuation_context(compiled: CompiledScenario, paths: WarPaths, start: int = 0,
                      columns: OptionColumns | None = None) -> DealContext:
    """Everything needed to value packages signed at month ``start`` on ``paths``.

    ``paths`` is normally the noise-free path (``simulate_war(compiled, noise=False)``),
    on which the parties form their expectations (MODELS.md section 2).
    """
    params = actor_parameters(compiled)
    streams = payoff_streams(paths, params)
    war_value = discounted_value(streams.payoff, params.discount, start,
                                 compiled.scenario.horizon_months)
    columns = option_columns(compiled) if columns is None else columns
    return deal_context(compiled, paths, params, streams, columns, np.asarray(war_value), start)
