"""``backtest``: forecasts from the war paths, in-sample rows apart, exact JSON, reproducible."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import jsonschema
import numpy as np
import pytest

import ceasefire
from ceasefire.dynamics import DAYS_PER_MONTH, simulate_war
from ceasefire.errors import InputError
from ceasefire.results import BacktestResult, load_result, result_schema
from ceasefire.results.backtest import crps_ensemble
from ceasefire.scenario import load_scenario
from ceasefire.scenario.compile import compile_scenario
from ceasefire.scenario.record import Observation, builtin_record

DRAWS = 300


@cache
def _tutorial(seed: int = 5) -> BacktestResult:
    return ceasefire.backtest("tutorial", draws=DRAWS, rng=seed)


@cache
def _paths(months: int = 12):
    compiled = compile_scenario(load_scenario("tutorial"), draws=DRAWS, rng=5)
    return compiled, simulate_war(compiled.with_months(months), noise=True)


def _obs(date: str, metric: str, value: float) -> Observation:
    return Observation(date=dt.date.fromisoformat(date), metric=metric, value=value,
                       source="test")


def _only(result: BacktestResult, metric: str, date: str):
    (row,) = [r for r in result.rows if r.metric == metric and str(r.date) == date]
    return row


def test_the_tutorial_record_has_scores_and_keeps_its_pre_cutoff_rows():
    result = _tutorial()
    shipped = builtin_record("tutorial")
    as_of = load_scenario("tutorial").as_of
    assert result.record.builtin and result.record.observations == len(shipped)
    assert len(result.rows) == len(shipped)
    assert [(r.date, r.metric) for r in result.rows] == sorted((r.date, r.metric)
                                                               for r in result.rows)
    assert {r.value for r in shipped if r.date <= as_of} >= {60, 72, 75}
    assert result.overall.scored >= 5 and "gains_km2.NO" in result.scores
    assert all(r.source.startswith("synthetic") for r in result.rows)


def test_in_sample_rows_are_a_calibration_check_and_never_scored():
    result = _tutorial()
    as_of = result.scenario.as_of
    inside = [r for r in result.rows if r.in_sample]
    assert inside and all(r.date <= as_of for r in inside)
    assert all(r.status == "in-sample" and r.crps is None and r.covered is not None
               for r in inside)
    assert result.calibration.rows == len(inside)
    assert result.calibration.inside.p == np.mean([r.covered for r in inside])
    scored = [r for r in result.rows if r.status == "scored"]
    assert all(not r.in_sample and r.date > as_of for r in scored)
    assert sum(s.rows for s in result.scores.values()) == result.overall.scored == len(scored)
    gains = [r for r in scored if r.metric == "gains_km2.NO"]
    assert result.scores["gains_km2.NO"].crps == pytest.approx(np.mean([r.crps for r in gains]))
    # pre-scenario rows are set beside month 0 and say so
    early = [r for r in inside if r.month < result.month0]
    assert early and all(r.model_month == result.month0 and "month 0" in r.reason
                         for r in early)


def test_coverage_is_the_observation_inside_p10_to_p90():
    for row in _tutorial().rows:
        if row.forecast is not None:
            assert row.covered == (row.forecast.p10 <= row.value <= row.forecast.p90)
    far = ceasefire.backtest("tutorial", [_obs("2030-03-31", "gains_km2.NO", 1e6),
                                          _obs("2030-03-31", "casualties_per_day.NO", -1e6)],
                             draws=50, rng=1)
    assert [r.covered for r in far.rows] == [False, False]
    assert far.overall.coverage.p == 0 and far.scores["gains_km2.NO"].crps > 9e5


def test_events_are_reported_as_not_forecast_never_with_a_made_up_probability():
    row = _only(_tutorial(), "event.agreement-signed", "2030-06-30")
    assert row.status == "not-forecast" and row.probability is None
    assert row.brier is None and row.log_score is None and row.forecast is None
    assert "not forecast by this model version" in row.reason
    assert "event.agreement-signed" not in _tutorial().scores
    assert _tutorial().overall.not_forecast == 1 and _tutorial().overall.brier is None


def test_forecasts_are_the_realised_war_paths_of_that_month():
    compiled, paths = _paths()
    result = _tutorial()
    # 2030-03 is month 2 of the tutorial (month 0 = 2030-01)
    gains = _only(result, "gains_km2.NO", "2030-03-31")
    assert gains.model_month == "2030-03"
    assert gains.crps == pytest.approx(crps_ensemble(paths.gains_km2[2, 0], 41))
    assert gains.forecast.p50 == pytest.approx(np.median(paths.gains_km2[2, 0]))
    deaths = _only(result, "casualties_per_day.NO", "2030-03-31")
    assert deaths.forecast.mean == pytest.approx(np.mean(paths.casualties[2, 0])
                                                 / DAYS_PER_MONTH)
    # a share on the last day of March is the share at the start of April
    share = _only(result, "control.east-valley.NO", "2030-03-31")
    assert share.forecast.mean == pytest.approx(np.mean(paths.control[3, 0, 0]))
    revenue = _only(result, "oil_gas_revenue_change.NO", "2030-06-30")
    reference = compiled.get("economy.NO.oil_gas_revenue_per_month")
    assert revenue.forecast.mean == pytest.approx(np.mean(paths.revenue[5, 0] / reference - 1))


def test_a_share_mid_month_is_interpolated_and_revenue_after_a_year_is_year_on_year():
    _, paths = _paths(14)
    result = ceasefire.backtest("tutorial", [
        _obs("2030-02-14", "control.east-valley.NO", 0.6),
        _obs("2031-02-28", "oil_gas_revenue_change.NO", -0.1)], draws=DRAWS, rng=5)
    share = paths.control[:, 0, 0]
    weight = 14 / 28
    mid = _only(result, "control.east-valley.NO", "2030-02-14")
    assert mid.forecast.mean == pytest.approx(np.mean(share[1] + weight * (share[2] - share[1])))
    year = _only(result, "oil_gas_revenue_change.NO", "2031-02-28")
    assert year.model_month == "2031-02"
    assert year.forecast.mean == pytest.approx(np.mean(paths.revenue[13, 0]
                                                       / paths.revenue[1, 0] - 1))


def test_rows_without_a_forecast_are_skipped_with_their_reason():
    result = ceasefire.backtest("tutorial", [
        _obs("2040-06-30", "gains_km2.NO", 10),
        _obs("2030-03-31", "occupied_km2", 900),
        _obs("2030-03-31", "control.no-such-valley.NO", 0.5),
        _obs("2030-03-31", "gains_km2.PA", 0),
        _obs("2030-03-31", "oil_gas_revenue_change.SO", 0),
        _obs("2030-03-31", "gains_km2.NO", 60)], draws=50, rng=1)
    reasons = {r.metric: r.reason for r in result.rows if r.status == "skipped"}
    assert "beyond the simulated months" in reasons["gains_km2.NO"]
    assert "whose territory" in reasons["occupied_km2"]
    assert "east-valley" in reasons["control.no-such-valley.NO"]
    assert "not a belligerent" in reasons["gains_km2.PA"]
    assert "no oil and gas revenue" in reasons["oil_gas_revenue_change.SO"]
    assert result.overall.skipped == 5 and result.overall.scored == 1
    assert result.months == 36 + 13  # as far as the record needs, up to the horizon plus 13
    near = ceasefire.backtest("tutorial", [_obs("2030-03-31", "gains_km2.NO", 60)], draws=50,
                              rng=1)
    assert near.months == 3 and near.rows[0].crps == _only(result, "gains_km2.NO",
                                                           "2030-03-31").crps


def test_alaska_s_pre_summit_record_is_all_in_sample():
    result = ceasefire.backtest("alaska-2025", draws=200, rng=3)
    assert result.rows and all(r.status == "in-sample" for r in result.rows)
    assert result.scores == {} and result.overall.scored == 0
    assert result.overall.coverage is None and result.calibration.rows == len(result.rows)
    assert "no out-of-sample observation scored" in repr(result)


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    a = ceasefire.backtest("tutorial", draws=DRAWS, rng=5)
    assert a.to_dict() | {"run": {}} == _tutorial(5).to_dict() | {"run": {}}  # only run differs
    other = ceasefire.backtest("tutorial", draws=DRAWS, rng=6)
    assert other.seed == 6 and other.scores != a.scores


def test_json_round_trip_is_exact_and_the_document_fits_its_schema():
    result = _tutorial()
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert BacktestResult.from_dict(document) == result
    assert load_result(document).to_dict() == result.to_dict()
    validator = jsonschema.Draft202012Validator(result_schema("backtest"))
    assert not list(validator.iter_errors(document))
    document["scores"]["gains-km2"] = document["scores"]["gains_km2.NO"]
    assert list(validator.iter_errors(document))  # a metric key that is not a metric


def test_tables_and_headline():
    result = _tutorial()
    rows = result.to_frame("rows")
    assert {"date", "metric", "value", "in_sample", "forecast.p10", "crps", "covered",
            "status", "reason"} <= set(rows.columns)
    assert len(rows) == len(result.rows)
    scores = result.to_frame("scores")
    assert set(scores["metric"]) == set(result.scores)
    assert "inside the 80 % interval" in result.headline()
    assert "not forecast by this model version" in result.headline()


def test_a_record_file_is_read_and_a_bad_one_names_its_line(tmp_path):
    path = tmp_path / "record.csv"
    path.write_text("date,metric,value,source\n2030-02-28,gains_km2.NO,50,made up\n")
    result = ceasefire.backtest("tutorial", path, draws=50, rng=1)
    assert not result.record.builtin and result.run["record_path"] == str(path)
    assert result.rows[0].status == "scored"
    path.write_text("date,metric,value,source\n2030-02-30,gains_km2.NO,50,made up\n")
    with pytest.raises(InputError, match=r"record\.csv:2: date"):
        ceasefire.backtest("tutorial", path, draws=50)


def test_a_scenario_without_a_shipped_record_needs_one(tmp_path):
    import yaml

    from ceasefire.scenario import scenario_to_dict

    data = scenario_to_dict(load_scenario("tutorial"))
    data["id"] = "my-war"
    path = tmp_path / "my-war.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="ships no record"):
        ceasefire.backtest(path, draws=10)
