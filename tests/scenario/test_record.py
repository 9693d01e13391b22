"""Records of what was observed (DESIGN.md 9.21): reading them, and calibrate beside them."""

from __future__ import annotations

import pytest

import ceasefire
from ceasefire.errors import InputError
from ceasefire.scenario import load_scenario
from ceasefire.scenario.record import builtin_record, read_record


def test_the_alaska_record_is_pre_summit_and_cites_the_scenario_s_claims():
    record = builtin_record("alaska-2025")
    scenario = load_scenario("alaska-2025")
    claims = {c.id for c in scenario.evidence}
    assert record and all(o.date <= scenario.as_of for o in record)
    assert {o.source for o in record} <= claims
    assert {o.metric for o in record} == {"gains_km2.RU", "casualties_per_day.RU",
                                          "oil_gas_revenue_change.RU"}


def test_a_scenario_without_a_record_has_none():
    assert builtin_record("no-such-scenario") is None


@pytest.mark.parametrize(("text", "words"), [
    ("when,metric,value,source\n", ":1: the header must be date,metric,value,source"),
    ("date,metric,value,source\n2025-13-01,gains_km2.RU,1,x\n", ":2: date '2025-13-01'"),
    ("date,metric,value,source\n2025-01-31,gains.RU,1,x\n", ":2: unknown metric 'gains.RU'"),
    ("date,metric,value,source\n2025-01-31,gains_km2.RU,nan,x\n", ":2: value 'nan'"),
    ("date,metric,value,source\n2025-01-31,gains_km2.RU,1e999,x\n", ":2: value '1e999'"),
    ("date,metric,value,source\n\n2025-01-31,gains_km2.RU,1,\n", ":3: the source is empty"),
    ("date,metric,value,source\n2025-01-31,gains_km2.RU,1\n", ":2: expected 4 columns"),
])
def test_a_bad_record_names_the_line_and_the_fix(tmp_path, text, words):
    path = tmp_path / "record.csv"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_record(path)
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_calibrate_sets_the_record_beside_the_model():
    result = ceasefire.calibrate("alaska-2025", draws=200, rng=0)
    gains = [r.value for r in result.record if r.metric == "gains_km2.RU"]
    assert gains == [325, 133, 556, 564]
    assert min(gains) <= result.gains_km2_per_month["RU"].p50 <= max(gains) + 100


def test_calibrate_reads_a_record_file_and_keeps_only_pre_cutoff_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("date,metric,value,source\n2029-12-31,gains_km2.NO,70,mine\n"
                    "2030-06-30,gains_km2.NO,90,after the scenario's date\n"
                    "2029-12-31,event.agreement-signed,0,mine\n")
    result = ceasefire.calibrate("tutorial", draws=100, record=path)
    assert [(r.metric, r.value) for r in result.record] == [("gains_km2.NO", 70.0)]


def test_calibrate_command_prints_the_record_and_the_months_past_the_horizon(capsys):
    from ceasefire.cli import main

    assert main(["calibrate", "tutorial", "-n", "100", "--months", "40"]) == 0
    out = capsys.readouterr().out
    assert "record" in out and "60, 72, 75" in out
    assert "beyond the scenario's 36-month reporting horizon" in out
