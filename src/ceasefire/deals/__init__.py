"""The deal space: every package scored against the equilibrium, the zone, the solutions.

Also the most robust package and the nearest acceptable variants of a proposal
(DESIGN.md sections 5 and 9.10).
"""

from __future__ import annotations

from ceasefire.deals.evaluate import (
    SpaceValues,
    evaluate_options,
    evaluate_space,
    value_coefficients,
)
from ceasefire.deals.explore import DealOptions, explore_deals, package_summary
from ceasefire.deals.pareto import combine_fronts, dominated_by, pareto_front
from ceasefire.deals.score import score_draws, score_packages, subset_now
from ceasefire.deals.search import (
    Choice,
    admissible,
    blocking_parties,
    frontier,
    likely_settlement,
    most_robust,
    nash_products,
    nearest_acceptable,
    solve,
    zone_of_agreement,
)
from ceasefire.deals.space import DEFAULT_CAP, DealSpace, deal_space

__all__ = [
    "DEFAULT_CAP",
    "Choice",
    "DealOptions",
    "DealSpace",
    "SpaceValues",
    "admissible",
    "blocking_parties",
    "combine_fronts",
    "deal_space",
    "dominated_by",
    "evaluate_options",
    "evaluate_space",
    "explore_deals",
    "frontier",
    "likely_settlement",
    "most_robust",
    "nash_products",
    "nearest_acceptable",
    "package_summary",
    "pareto_front",
    "score_draws",
    "score_packages",
    "solve",
    "subset_now",
    "value_coefficients",
    "zone_of_agreement",
]
