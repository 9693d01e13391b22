from __future__ import annotations

import ceasefire.deals as deals


def test_public_api_is_pinned():
    assert sorted(deals.__all__) == sorted([
        "DEFAULT_CAP", "Choice", "DealOptions", "DealSpace", "SpaceValues", "admissible",
        "blocking_parties", "combine_fronts", "deal_space", "dominated_by", "evaluate_options",
        "evaluate_space", "explore_deals", "frontier", "likely_settlement", "most_robust",
        "nash_products", "nearest_acceptable", "package_summary", "pareto_front", "score_draws",
        "score_packages", "solve", "subset_now",
        "value_coefficients", "zone_of_agreement"])
    for name in deals.__all__:
        assert hasattr(deals, name)
