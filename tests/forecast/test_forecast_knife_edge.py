"""The EUM's default (per-pair probabilities) and the knife-edge verdict (issue 13, item 12)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from forecast_helpers import random_table
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.forecast import (
    DEFAULT_EUM_PRESET,
    EUM_PRESETS,
    EUMOptions,
    eum,
    eum_band,
    eum_knife_edge,
    eum_preset,
    make_table,
    table_from_scenario,
    weighted_median,
)
from ceasefire.forecast.eum import KNIFE_EDGE_FACTORS, KNIFE_EDGE_SHARE, success_probability


def _table(positions, capabilities, saliences=None, dims=("d",)):
    n = len(capabilities)
    positions = np.array(positions, dtype=float).reshape(n, len(dims))
    saliences = np.ones((n, len(dims))) if saliences is None else np.array(saliences)
    return make_table(actor_ids=[f"a{i}" for i in range(n)], positions=positions,
                      saliences=saliences, capabilities=capabilities,
                      dimension_ids=list(dims), scale_low=[0.0] * len(dims),
                      scale_high=[100.0] * len(dims))


@pytest.fixture(scope="module")
def alaska():
    from ceasefire.scenario import load_scenario

    return table_from_scenario(load_scenario("alaska-2025"), None)


@pytest.fixture(scope="module")
def alaska_result():
    from ceasefire import stakeholder_forecast

    return stakeholder_forecast("alaska-2025")


# ----------------------------------------------------------------------------- the default


def test_the_default_is_the_per_pair_reading():
    assert EUMOptions().p_denominator == "pair"
    assert DEFAULT_EUM_PRESET == "per-pair"
    assert EUM_PRESETS[DEFAULT_EUM_PRESET] == EUMOptions()
    table = random_table(3, n=7)
    np.testing.assert_array_equal(eum(table).positions,
                                  eum(table, eum_preset("per-pair")).positions)


def test_the_cli_default_is_the_engine_default():
    from ceasefire.cli import forecast_cmds

    assert forecast_cmds._DEFAULT_PRESET == DEFAULT_EUM_PRESET


def test_named_presets_keep_their_sources_reading():
    """Scholz's code and jmckib divide once over all triples; the paper and decisionmechanics
    divide per pair (ALGORITHM.md 1.8); the one-choice variants stay variants of Scholz."""
    assert EUM_PRESETS["scholz"] == EUMOptions(p_denominator="all")
    for name in ("jmckib", "bdm1997", "q0.5", "most-enforceable", "fixed-range", "no-risk"):
        assert EUM_PRESETS[name].p_denominator == "all", name
    for name in ("per-pair", "paper", "decisionmechanics"):
        assert EUM_PRESETS[name].p_denominator == "pair", name


def test_alaska_probabilities_are_support_shares_under_the_default(alaska):
    """Per pair, P(i beats j) is the share of third-party distance votes for i: between the
    two belligerents it is near a half (their supporters are evenly matched), and the two
    directions sum to 1. The old single denominator kept every P below 0.01."""
    x, w = alaska.positions[:, 0], alaska.capabilities * alaska.saliences[:, 0]
    ids = list(alaska.actor_ids)
    ru, ua, us = ids.index("russia-putin"), ids.index("ukraine-zelensky"), \
        ids.index("united-states-trump")
    pair = success_probability(x, w, EUMOptions().p_denominator)
    for i, j in ((ru, ua), (ru, us), (ua, us)):
        assert 0.25 < pair[i, j] < 0.75
        assert pair[i, j] + pair[j, i] == pytest.approx(1.0)
    assert success_probability(x, w, "all").max() < 0.01  # why the default changed


def test_alaska_default_forecast_leaves_the_weighted_median(alaska):
    """With real probabilities the challenges move positions: the forecast is not the
    round-0 weighted median, and it differs from the old single-denominator reading."""
    start = weighted_median(alaska.positions[:, 0], alaska.capabilities * alaska.saliences[:, 0])
    result = eum(alaska)
    assert result.options.p_denominator == "pair"
    assert abs(result.forecast[0] - start) > 0.1 * 100
    assert result.forecast[0] != pytest.approx(eum(alaska, eum_preset("scholz")).forecast[0])
    band = eum_band(alaska)["donetsk-line"]
    assert band["low"] <= band["presets"][DEFAULT_EUM_PRESET] <= band["high"]
    assert set(band["presets"]) == set(EUM_PRESETS)


# ----------------------------------------------------------------------------- the rule


def test_rule_fires_when_one_stakeholder_decides():
    """a0 at 100 holds 55 % of the weight: halved it is outweighed and the forecast leaves 100."""
    table = _table([100, 0, 0], [55, 25, 20])
    verdict = eum_knife_edge(table)["d"]
    assert eum(table).forecast[0] == 100.0
    assert verdict["knife_edge"] is True
    assert (verdict["stakeholder"], verdict["factor"]) == ("a0", 0.5)
    assert verdict["moved_to"] == 0.0 and verdict["spread"] == 1.0
    assert "halving a0" in verdict["reason"] and "100 %" in verdict["reason"]


def test_rule_is_per_dimension():
    """One split dimension, one where everybody sits between 45 and 55 (positions and the
    median never leave that interval, so nothing can move by 25 % of the scale)."""
    table = _table([[100, 45], [0, 55], [0, 50]], [55, 25, 20], dims=("split", "consensus"))
    verdicts = eum_knife_edge(table)
    assert verdicts["split"]["knife_edge"] is True
    assert verdicts["consensus"]["knife_edge"] is False
    assert verdicts["consensus"]["spread"] <= 0.1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(40.0, 64.0), st.floats(0.5, 50.0), st.floats(0.1, 1.0)),
                min_size=2, max_size=7))
def test_rule_never_fires_inside_a_narrow_window(rows):
    """EUM moves are to or between actors' positions, so when every position lies within
    24 % of the scale the forecast cannot move by more than 24 %: never knife-edge."""
    table = _table([r[0] for r in rows], [r[1] for r in rows], [[r[2]] for r in rows])
    verdict = eum_knife_edge(table)["d"]
    assert verdict["spread"] <= 0.24 + 1e-9
    assert verdict["knife_edge"] is False


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rule_matches_its_definition(seed):
    """The verdict is exactly: some stakeholder x 0.5 or x 2 moves the forecast > 25 %."""
    table = random_table(seed, n=6, dims=2)
    options = eum_preset("scholz")
    base = eum(table, options).forecast
    shifts = []
    for i in range(table.n_actors):
        for factor in KNIFE_EDGE_FACTORS:
            caps = np.array(table.capabilities)
            caps[i] *= factor
            shifts.append(np.abs(eum(table.replace(capabilities=caps), options).forecast - base))
    largest = np.max(shifts, axis=0) / 100.0
    verdicts = eum_knife_edge(table, options)
    for k, dim in enumerate(table.dimension_ids):
        assert verdicts[dim]["spread"] == pytest.approx(largest[k])
        assert verdicts[dim]["knife_edge"] == bool(largest[k] > KNIFE_EDGE_SHARE)
        assert verdicts[dim]["forecast"] == pytest.approx(base[k])


def test_band_is_reported_but_does_not_decide():
    table = _table([40, 45, 50, 55, 60], [10, 20, 30, 20, 10])
    band = eum_band(table)
    verdict = eum_knife_edge(table, band=band)["d"]
    assert verdict["band_share"] == pytest.approx((band["d"]["high"] - band["d"]["low"]) / 100)
    assert verdict["knife_edge"] is False and verdict["stakeholder"] is None


# ----------------------------------------------------------------------------- alaska, outputs


def test_alaska_is_knife_edge_and_says_why(alaska_result):
    edge = alaska_result.eum_knife_edge["donetsk-line"]
    assert alaska_result.models["eum"].options["p_denominator"] == "pair"
    assert edge.knife_edge is True and edge.spread > KNIFE_EDGE_SHARE
    assert edge.threshold == KNIFE_EDGE_SHARE
    assert edge.forecast == alaska_result.models["eum"].forecast["donetsk-line"]
    assert edge.stakeholder in alaska_result.stakeholders
    band = alaska_result.eum_band["donetsk-line"]
    assert edge.band_share == pytest.approx((band.high - band.low) / 100)


def test_the_knife_edge_round_trips_exactly(alaska_result):
    from ceasefire.results import ForecastResult, result_schema

    document = json.loads(json.dumps(alaska_result.to_dict(), allow_nan=False))
    assert "eum_knife_edge" in document
    assert ForecastResult.model_validate(document) == alaska_result
    import jsonschema

    jsonschema.Draft202012Validator(result_schema("forecast")).validate(document)
    bad = json.loads(json.dumps(document))
    bad["eum_knife_edge"]["donetsk-line"]["spread"] = -0.1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(result_schema("forecast")).validate(bad)


def test_no_eum_no_verdict():
    from ceasefire import stakeholder_forecast

    result = stakeholder_forecast("tutorial", models=["compromise"])
    assert result.eum_knife_edge is None and result.eum_band is None


def test_cli_prints_the_verdict(capsys):
    from ceasefire.cli import main

    assert main(["forecast", "alaska-2025", "--model", "eum"]) == 0
    captured = capsys.readouterr()
    text = " ".join((captured.out + captured.err).split())  # the console wraps lines
    assert "eum (per-pair)" in text
    assert "eum knife-edge" in text and "yes (" in text
    assert "capability moves the forecast" in text


def test_report_caption_says_knife_edge_only_when_it_is(alaska_result):
    from ceasefire.report.sections import forecast_section
    from ceasefire.scenario import load_scenario

    scenario = load_scenario("alaska-2025")
    caption = dict(forecast_section(alaska_result, scenario))["Stakeholder forecast"]
    assert "knife-edge" in caption and "25 % of the scale" in caption
    calm = {d: e.model_copy(update={"knife_edge": False})
            for d, e in alaska_result.eum_knife_edge.items()}
    quiet = alaska_result.model_copy(update={"eum_knife_edge": calm})
    assert "knife-edge" not in dict(forecast_section(quiet, scenario))["Stakeholder forecast"]
