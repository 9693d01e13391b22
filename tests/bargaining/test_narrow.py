"""Narrow agreements signed while the war goes on (issue 14, item 2; docs/narrow.md).

Each test builds the tutorial with narrow agreements of known numbers and checks a rule a
user would notice: who signs, when, for how long, and how far trust lowers the hazard.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.bargaining.narrow import (
    NEVER,
    agreement_value,
    narrow_agreements,
    narrow_plan,
)
from ceasefire.errors import InputError
from ceasefire.scenario import load_scenario
from ceasefire.scenario.compile import compile_scenario
from ceasefire.scenario.loading import scenario_from_dict, scenario_to_dict

DRAWS = 400
MONTHS = 24


def agreement(**fields: Any) -> dict[str, Any]:
    """A flow agreement both sides value, on the table every month, never broken."""
    return {"id": "truce", "name": "Truce", "value": {"NO": 0.1, "SO": 0.1},
            "proposal_rate": 1.0, "sources": {"value": ["assumed-values"]}, **fields}


def compiled_with(*agreements: dict[str, Any], draws: int = DRAWS, seed: int = 3):
    data = scenario_to_dict(load_scenario("tutorial"))
    data["narrow_agreements"] = list(agreements)
    return compile_scenario(scenario_from_dict(data), draws=draws, rng=seed)


def test_an_agreement_one_side_always_loses_by_is_never_signed():
    compiled = compiled_with(agreement(value={"NO": {"low": -0.5, "mode": -0.2, "high": -0.01},
                                              "SO": 0.3}))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(0))
    assert not out.accepted.any()
    assert np.all(out.signed_first == NEVER)
    assert not out.events.any() and not out.kept.any()
    assert not out.at_least_one_by().any()
    assert np.all(out.hazard_factor == 1)


def test_always_on_the_table_and_valued_by_both_it_is_signed_in_month_zero():
    compiled = compiled_with(agreement(value={"NO": {"low": 0.01, "mode": 0.1, "high": 0.3},
                                              "SO": 0.2}))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(1))
    assert out.accepted.all()
    assert np.all(out.signed_first == 0)
    assert out.at_least_one_by().all()


def test_uncertain_values_make_signing_uncertain_across_draws():
    compiled = compiled_with(agreement(value={"NO": {"low": -0.1, "mode": 0.0, "high": 0.1},
                                              "SO": 0.2}))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(2))
    no_value = compiled.get("narrow_agreements.truce.value.NO")
    assert np.array_equal(out.accepted[0], no_value >= 0)
    assert 0.2 < out.accepted.mean() < 0.8
    assert np.array_equal(out.signed_first[0] == 0, out.accepted[0])


def test_with_no_hazard_a_flow_agreement_is_kept_to_the_end():
    compiled = compiled_with(agreement(hazard=0.0))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(3))
    assert out.kept.all()
    assert out.events[:, 0].all() and not out.events[:, 1:].any()


def test_a_hazard_breaks_it_and_it_may_be_signed_again_later():
    compiled = compiled_with(agreement(hazard=0.5, proposal_rate=0.5))
    out = narrow_agreements(compiled, 60, np.random.default_rng(4))
    kept = out.kept[0]
    # broken spells end; some are signed again after a month out
    assert kept.mean() < 0.9
    assert out.events[0].sum(axis=0).max() > 1
    # a spell lasts a month with probability 1 - h: about half the kept months follow a kept one
    survived = (kept[1:] & kept[:-1]).sum() / kept[:-1].sum()
    assert 0.4 < survived < 0.6


def test_a_fixed_duration_expires_honoured_and_can_be_extended():
    compiled = compiled_with(agreement(duration_months=3, proposal_rate=0.0))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(5))
    assert not out.events.any()  # never on the table
    compiled = compiled_with(agreement(duration_months=3, trust_factor=0.5, trust_months=2))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(5))
    # with proposal rate 1 each expiry is extended at once: signed at 0, 3, 6, ...
    assert np.all(out.events[0, ::3]) and not out.events[0, 1::3].any()
    assert out.kept.all() and np.all(out.hazard_factor == 0.5)


def test_the_trust_factor_applies_only_while_kept_when_trust_months_is_zero():
    compiled = compiled_with(agreement(hazard=0.3, proposal_rate=0.4, trust_factor=0.8))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(6))
    expected = np.where(out.kept[0], 0.8, 1.0)
    assert np.array_equal(out.hazard_factor, expected)
    assert out.kept[0].any() and not out.kept[0].all()


def test_trust_outlasts_an_honoured_agreement_but_not_a_broken_one():
    one_off = agreement(id="swap", term="one-off", proposal_rate=0.2, trust_factor=0.9,
                        trust_months=3)
    compiled = compiled_with(one_off)
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(7))
    events = out.events[0]
    t = np.arange(MONTHS)[:, None]
    last = np.maximum.accumulate(np.where(events, t, -100), axis=0)
    assert np.array_equal(out.hazard_factor, np.where(t - last < 3, 0.9, 1.0))
    # a flow agreement broken every month earns no trust after it ends, however long
    # trust_months: signed, broken, signed again the month after, ...
    compiled = compiled_with(agreement(hazard=1.0, trust_factor=0.5, trust_months=12))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(8))
    assert np.all(out.hazard_factor[0::2] == 0.5) and np.all(out.hazard_factor[1::2] == 1)


def test_factors_multiply_across_agreements():
    compiled = compiled_with(agreement(trust_factor=0.8),
                             agreement(id="swap", term="one-off", trust_factor=0.5,
                                       trust_months=1))
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(9))
    # the truce is kept and a swap happens every month
    assert np.allclose(out.hazard_factor, 0.4)


def test_a_comprehensive_deal_subsumes_them_and_stops_new_ones():
    compiled = compiled_with(agreement(trust_factor=0.8, trust_months=4),
                             agreement(id="swap", term="one-off"))
    signed = np.where(np.arange(DRAWS) % 2 == 0, 5, -1)
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(10), signed)
    deal = np.arange(DRAWS) % 2 == 0
    assert not out.kept[:, 5:, deal].any() and not out.events[:, 5:, deal].any()
    assert out.kept[0][:, ~deal].all() and out.events[1][:, ~deal].all()
    # subsumed counts as honoured: the trust lasts trust_months into the deal
    assert np.allclose(out.hazard_factor[5:9, deal], 0.8)
    assert np.all(out.hazard_factor[9:, deal] == 1)
    # the same path given month by month
    in_force = (np.arange(MONTHS)[:, None] >= 5) & deal[None, :]
    again = narrow_agreements(compiled, MONTHS, np.random.default_rng(10), in_force)
    assert np.array_equal(again.kept, out.kept)
    assert np.array_equal(again.hazard_factor, out.hazard_factor)


def test_after_a_deal_collapses_narrow_agreements_can_be_signed_again():
    compiled = compiled_with(agreement(id="swap", term="one-off"))
    in_force = np.zeros((MONTHS, DRAWS), dtype=bool)
    in_force[3:6] = True
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(11), in_force)
    assert not out.events[0, 3:6].any() and out.events[0, 6:].all()


def test_stepping_gives_what_a_whole_run_gives():
    compiled = compiled_with(agreement(hazard=0.3, proposal_rate=0.3, trust_factor=0.9,
                                       trust_months=2),
                             agreement(id="swap", term="one-off", proposal_rate=0.5))
    plan = narrow_plan(compiled, MONTHS, np.random.default_rng(12))
    in_force = np.random.default_rng(99).random((MONTHS, DRAWS)) < 0.2
    whole = plan.run(in_force)
    state = plan.start()
    for t in range(MONTHS):
        state = plan.step(state, in_force[t])
        assert np.array_equal(state.kept, whole.kept[:, t])
        assert np.array_equal(state.hazard_factor, whole.hazard_factor[t])
    assert np.array_equal(state.signed_first, whole.signed_first)


def test_the_same_seed_gives_the_same_outcome():
    compiled = compiled_with(agreement(hazard=0.3, proposal_rate=0.3))
    first = narrow_agreements(compiled, MONTHS, np.random.default_rng(13))
    second = narrow_agreements(compiled, MONTHS, np.random.default_rng(13))
    third = narrow_agreements(compiled, MONTHS, 13)
    for other in (second, third):
        assert np.array_equal(first.kept, other.kept)
        assert np.array_equal(first.events, other.events)
        assert np.array_equal(first.hazard_factor, other.hazard_factor)
    different = narrow_agreements(compiled, MONTHS, np.random.default_rng(14))
    assert not np.array_equal(first.events, different.events)


@settings(max_examples=15, deadline=None)
@given(rate=st.floats(0, 1), hazard=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_at_least_one_by_month_is_non_decreasing(rate, hazard, seed):
    compiled = compiled_with(agreement(hazard=hazard, proposal_rate=rate), draws=64)
    out = narrow_agreements(compiled, MONTHS, np.random.default_rng(seed))
    share = out.at_least_one_by().mean(axis=1)
    assert np.all(np.diff(share) >= 0)
    assert np.array_equal(out.at_least_one_by()[-1], out.signed_first.max(axis=0) >= 0)
    assert np.all((out.hazard_factor > 0) & (out.hazard_factor <= 1))


def test_the_value_is_the_discounted_stream_while_kept():
    value = np.array([[[1.0], [-2.0]]])
    discount = np.array([[0.9], [0.9]])
    hazard = np.array([[0.5]])
    x = 0.9 * 0.5
    open_ended = agreement_value(value, discount, hazard, np.array([[np.inf]]),
                                 np.array([False]))
    assert np.allclose(open_ended[0, :, 0], [1 / (1 - x), -2 / (1 - x)])
    three = agreement_value(value, discount, hazard, np.array([[3.0]]), np.array([False]))
    assert np.allclose(three[0, :, 0], np.array([1, -2]) * (1 + x + x**2))
    once = agreement_value(value, discount, hazard, np.array([[np.inf]]), np.array([True]))
    assert np.array_equal(once, value)


def test_a_scenario_without_narrow_agreements_gives_empty_arrays():
    compiled = compile_scenario(load_scenario("tutorial").model_copy(
        update={"narrow_agreements": []}), draws=8, rng=0)
    out = narrow_agreements(compiled, 6, np.random.default_rng(0))
    assert out.signed_first.shape == (0, 8) and out.kept.shape == (0, 6, 8)
    assert np.all(out.hazard_factor == 1) and not out.at_least_one_by().any()


@pytest.mark.parametrize("name", ["tutorial", "alaska-2025"])
def test_the_builtins_run(name):
    compiled = compile_scenario(load_scenario(name), draws=200, rng=5)
    out = narrow_agreements(compiled, 36, np.random.default_rng(5))
    assert out.agreements == tuple(a.id for a in compiled.scenario.narrow_agreements)
    assert out.at_least_one_by()[-1].mean() > 0.5
    assert np.all(out.hazard_factor <= 1)


@pytest.mark.parametrize(("months", "signed", "match"), [
    (0, None, "months must be a positive integer"),
    (6, np.zeros(5, dtype=int), "comprehensive_signed must be"),
    (6, np.zeros((6, DRAWS)), "comprehensive_signed must be"),
])
def test_bad_arguments_say_what_is_allowed(months, signed, match):
    compiled = compiled_with(agreement())
    with pytest.raises(InputError, match=match):
        narrow_agreements(compiled, months, np.random.default_rng(0), signed)


def test_stepping_past_the_plan_is_an_error():
    plan = narrow_plan(compiled_with(agreement()), 1, 0)
    state = plan.step(plan.start())
    with pytest.raises(InputError, match=r"covers months 0\.\.0"):
        plan.step(state)


def test_the_example_in_the_docs_runs():
    page = Path(__file__).resolve().parents[2] / "docs" / "narrow.md"
    example = re.search(r"```python\n(.*?)```", page.read_text("utf-8"), re.S).group(1)
    exec(compile(example, "docs/narrow.md", "exec"), {})
