from __future__ import annotations

import numpy as np
import pytest
from helpers_deals import all_options, synthetic_scenario

from ceasefire.deals import deal_space
from ceasefire.errors import InputError
from ceasefire.scenario import load_scenario


def test_tutorial_space_has_every_combination():
    space = deal_space(load_scenario("tutorial"))
    assert space.size == 12
    options = all_options(space)
    assert len({tuple(o) for o in options}) == 12
    assert np.array_equal(space.encode(options), np.arange(12))


def test_constraints_exclude_exactly_the_forbidden_packages():
    scenario = synthetic_scenario()
    space = deal_space(scenario)
    options = all_options(space)
    terms = [space.terms(o) for o in options]
    forbidden = np.array([t["relief"] == "full" and t["guarantee"] == "strong" for t in terms])
    assert forbidden.any()
    assert np.array_equal(space.feasible(options), ~forbidden)
    enumerated = np.concatenate([codes for codes, _ in space.chunks(5)])
    assert np.array_equal(enumerated, np.flatnonzero(~forbidden))


def test_chunks_in_any_digit_order_cover_the_feasible_space_once():
    space = deal_space(synthetic_scenario())
    plain = np.concatenate([c for c, _ in space.chunks(7)])
    permuted = np.concatenate([c for c, _ in space.chunks(4, first=(2, 0))])
    assert np.array_equal(np.sort(permuted), plain)


def test_package_errors_name_the_allowed_ids():
    space = deal_space(load_scenario("tutorial"))
    with pytest.raises(InputError, match="allowed: freeze"):
        space.package({"valley-line": "everything"})
    with pytest.raises(InputError, match="known issues"):
        space.package({"moon": "yes"})
    assert space.describe(space.package({})) == "defaults only"
