"""One contract for every model: signature, result type, invariants, degenerate inputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from forecast_helpers import random_table
from hypothesis import given, settings
from hypothesis import strategies as st

import ceasefire.forecast as forecast
from ceasefire.errors import ModelError
from ceasefire.forecast import MODELS, ForecastResult, make_table, run_model, weighted_median
from ceasefire.forecast.summary import model_forecast

ALL = list(MODELS)
# Tolerance on the 0-100 scale: SMP rounds bargains to 0.01, the rest is exact arithmetic.
TOL = {"smp": 0.02, "eum": 1e-6}

PUBLIC_API = {
    "DEFAULT_EUM_PRESET", "EUM_PRESETS", "MODELS", "CompromiseOptions", "EUMOptions",
    "ForecastResult", "MedianOptions", "NashOptions", "SMPOptions", "StakeholderTable",
    "StatusQuoOptions", "compromise", "eum", "eum_band", "eum_knife_edge", "eum_preset",
    "load_table", "make_table", "median", "nash", "read_china_json", "read_decide",
    "read_eum_table", "read_ktab", "read_ktab_csv", "read_ktab_xml", "run_model", "smp",
    "status_quo", "table_from_scenario", "weighted_median", "write_ktab_csv", "write_ktab_xml",
}


def test_public_api_is_pinned():
    assert set(forecast.__all__) == PUBLIC_API


@pytest.mark.parametrize("name", ALL)
def test_result_contract(name):
    table = random_table(1, n=6, dims=2)
    result = run_model(name, table)
    assert isinstance(result, ForecastResult)
    assert result.model == name
    assert result.positions.shape == (result.turns + 1, 6, 2)
    assert result.forecasts.shape == (result.turns + 1, 2)
    assert np.all(np.isfinite(result.positions)) and np.all(np.isfinite(result.forecasts))
    summary = model_forecast(result).model_dump(mode="json")
    json.dumps(summary, allow_nan=False)
    assert set(summary["forecast"]) == {"d0", "d1"}
    assert set(summary["final_positions"]) == set(table.actor_ids)
    again = run_model(name, table)
    np.testing.assert_array_equal(result.positions, again.positions)


@pytest.mark.parametrize("name", ALL)
def test_all_positions_equal_means_no_moves(name):
    table = make_table(actor_ids=list("abcd"), positions=[[40.0], [40.0], [40.0], [40.0]],
                       saliences=[[0.5], [0.9], [0.2], [0.7]], capabilities=[1, 2, 3, 4],
                       scale_low=[0], scale_high=[100], status_quo=[40.0])
    result = run_model(name, table)
    np.testing.assert_allclose(result.positions, 40.0)
    assert result.forecast[0] == pytest.approx(40.0)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [2, 3])
def test_scaling_capabilities_changes_nothing(name, seed):
    table = random_table(seed)
    base = run_model(name, table)
    scaled = run_model(name, table.replace(capabilities=table.capabilities * 7.3))
    tol = TOL.get(name, 1e-9)
    np.testing.assert_allclose(scaled.forecast, base.forecast, atol=tol)
    np.testing.assert_allclose(scaled.final_positions, base.final_positions, atol=tol)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [4, 5])
def test_mirrored_positions_mirror_the_forecast(name, seed):
    table = random_table(seed)
    base = run_model(name, table)
    mirrored = run_model(name, table.replace(positions=100.0 - table.positions,
                                             status_quo=100.0 - table.status_quo))
    tol = TOL.get(name, 1e-7)
    np.testing.assert_allclose(mirrored.forecast, 100.0 - base.forecast, atol=tol)
    np.testing.assert_allclose(mirrored.final_positions, 100.0 - base.final_positions, atol=tol)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("zero", ["capability", "salience"])
def test_zero_weight_actor_changes_nothing(name, zero):
    table = random_table(6)
    cap = np.append(table.capabilities, 0.0 if zero == "capability" else 50.0)
    sal = np.vstack([table.saliences, [[0.0 if zero == "salience" else 0.8]]])
    extra = make_table(actor_ids=[*table.actor_ids, "ghost"],
                       positions=np.vstack([table.positions, [[99.0]]]), saliences=sal,
                       capabilities=cap, scale_low=[0], scale_high=[100],
                       status_quo=table.status_quo, dimension_ids=table.dimension_ids)
    base = run_model(name, table)
    more = run_model(name, extra)
    np.testing.assert_allclose(more.forecast, base.forecast, atol=1e-9)
    np.testing.assert_allclose(more.final_positions[:-1], base.final_positions, atol=1e-9)
    assert more.final_positions[-1, 0] == 99.0


@pytest.mark.parametrize("name", ALL)
def test_one_actor(name):
    table = make_table(actor_ids=["solo"], positions=[[30.0]], saliences=[[0.5]],
                       capabilities=[1.0], scale_low=[0], scale_high=[100], status_quo=[20.0])
    result = run_model(name, table)
    expected = 20.0 if name == "status-quo" else 30.0
    assert result.forecast[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "eum"])
def test_zero_saliences_are_a_clear_error(name):
    table = make_table(actor_ids=list("abc"), positions=[[30.0], [40.0], [50.0]],
                       saliences=[[0.0]] * 3, capabilities=[1, 2, 3], scale_low=[0],
                       scale_high=[100])
    with pytest.raises(ModelError, match="zero"):
        run_model(name, table)


def test_smp_with_zero_saliences_moves_nobody():
    table = make_table(actor_ids=list("abc"), positions=[[30.0], [40.0], [50.0]],
                       saliences=[[0.0]] * 3, capabilities=[1, 2, 3], scale_low=[0],
                       scale_high=[100])
    result = run_model("smp", table)
    np.testing.assert_allclose(result.final_positions, table.positions)
    assert math.isfinite(result.forecast[0])


def test_status_quo_missing_is_a_clear_error():
    with pytest.raises(ModelError, match="status quo"):
        run_model("status-quo", random_table(1, status_quo=False))


def test_nash_is_not_the_compromise():
    table = random_table(8)
    nash = run_model("nash", table, forecast.NashOptions(disagreement="worst"))
    comp = run_model("compromise", table)
    assert abs(nash.forecast[0] - comp.forecast[0]) > 1e-3


def test_nash_with_pareto_optimal_status_quo_returns_it():
    table = make_table(actor_ids=list("ab"), positions=[[20.0], [80.0]], saliences=[[1.0], [1.0]],
                       capabilities=[1, 1], scale_low=[0], scale_high=[100], status_quo=[50.0])
    result = run_model("nash", table)
    assert result.forecast[0] == 50.0
    assert model_forecast(result).diagnostics["disagreement"]["dim0"] == "no-gain"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(0.01, 10)), min_size=1, max_size=15))
def test_weighted_median_properties(rows):
    x = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows])
    m = weighted_median(x, w)
    assert m in x
    total = w.sum()
    assert w[x <= m].sum() >= 0.5 * total * (1 - 1e-9)
    assert w[x < m].sum() < 0.5 * total * (1 + 1e-9)


def test_weighted_median_takes_the_lower_one_on_exact_ties():
    assert weighted_median(np.array([1.0, 2.0]), np.array([1.0, 1.0])) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_compromise_and_median_stay_inside_the_positions(seed):
    table = random_table(seed, n=5)
    for name in ("compromise", "median", "nash"):
        value = run_model(name, table).forecast[0]
        assert table.positions.min() - 1e-9 <= value <= table.positions.max() + 1e-9
