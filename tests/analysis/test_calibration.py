"""Calibration of alaska-2025 against the pre-summit record (DESIGN 9.17, docs/model.md).

Targets, all from before 15 August 2025 (sources/scenario-facts.md): Russian gains of
133-564 km2 a month in January-July 2025, about 560 in June and July (DeepState; UK
Defence Intelligence); about 1,000-1,100 Russian casualties a day in mid-2025 (UK Defence
Intelligence); oil and gas revenue -18.5 % year on year in January-July 2025 (Russian
Finance Ministry via Bloomberg); fortified towns holding for over a year (Chasiv Yar about
16 months, Toretsk about 14).
"""

from __future__ import annotations

import pytest

from ceasefire.workflows import calibrate


@pytest.fixture(scope="module")
def calibration():
    return calibrate("alaska-2025", draws=2000, rng=0, months=6)


def test_russian_gains_sit_in_the_record_range_near_its_recent_level(calibration):
    gains = calibration.gains_km2_per_month["RU"]
    assert 133 <= gains.p10 and gains.p90 <= 700
    assert 400 <= gains.p50 <= 600


def test_russian_casualties_match_about_a_thousand_a_day(calibration):
    assert 950 <= calibration.casualties_per_day["RU"].p50 <= 1150


def test_oil_and_gas_revenue_is_down_about_eighteen_and_a_half_percent(calibration):
    assert calibration.revenue_vs_reference["RU"].p50 == pytest.approx(-0.185, abs=0.03)


def test_the_fortified_belt_holds_for_over_a_year(calibration):
    belt = calibration.months_to_fall["kramatorsk-belt"]
    assert belt.taken.p < 0.5 or belt.month_p50 > 12
