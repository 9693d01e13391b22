"""The analysis as a whole: reproducibility and the JSON contract of DESIGN 9.9."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ceasefire.analysis import analyze, month_label
from ceasefire.scenario import load_scenario


@pytest.fixture(scope="module")
def result():
    return analyze("tutorial", draws=400, rng=8, decomposition_draws=100)


def test_same_seed_same_document_except_run(result):
    again = analyze("tutorial", draws=400, rng=8, decomposition_draws=100).to_dict()
    first = result.to_dict()
    first.pop("run"), again.pop("run")
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_document_follows_the_contract(result):
    doc = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    for key in ("schema_version", "kind", "ceasefire_version", "scenario", "seed", "draws"):
        assert key in doc
    assert doc["kind"] == "analyze" and doc["seed"] == 8 and doc["draws"] == 400
    assert set(doc["scenario"]) == {"id", "as_of", "hash"}
    proposal = doc["proposals"]["freeze"]
    assert 0 <= proposal["acceptance"]["NO"] <= 1
    assert 0 <= proposal["p_all_veto_accept"] <= 1
    assert set(doc["timing"]["freeze"]) == {month_label(result.scenario.as_of, m)
                                            for m in range(13)}
    assert set(doc["war_value"]["SO"]["2030-01"]) == {"mean", "p10", "p50", "p90"}
    assert "2030-01" in doc["control"]["east-valley"]["NO"]
    assert "2030-01" in doc["gains_km2"]["NO"]


def test_p_all_never_exceeds_any_veto_players_acceptance(result):
    now = result.now
    for p in range(len(result.proposals)):
        for k in np.flatnonzero(now.required[p]):
            assert now.all_accept[p].mean() <= now.accept[p, k].mean() + 1e-12


def test_month_labels_run_in_calendar_months():
    import datetime as dt

    assert month_label(dt.date(2025, 8, 15), 0) == "2025-08"
    assert month_label(dt.date(2025, 8, 15), 5) == "2026-01"


def test_war_value_parts_add_up(result):
    wv = result.war_values
    assert np.allclose(wv.total, wv.territory - wv.casualties - wv.economy)


def test_every_proposal_is_scored_with_reasons(result):
    doc = result.to_dict()
    scenario = load_scenario("tutorial")
    assert set(doc["proposals"]) == {p.id for p in scenario.proposals}
    assert all(p["reasons"] for p in doc["proposals"].values())


def test_to_frame_is_tidy_and_agrees_with_the_document(result):
    frame = result.to_frame()
    assert len(frame) == 13 * len(result.proposals) * len(result.scenario.actors)
    doc = result.to_dict()
    row = frame[(frame.month == "2030-01") & (frame.proposal == "freeze") & (frame.actor == "NO")]
    assert row.p_accept.item() == doc["proposals"]["freeze"]["acceptance"]["NO"]
    later = frame[(frame.month == "2030-07") & (frame.proposal == "freeze")]
    assert later.p_all_veto_accept.iloc[0] == doc["timing"]["freeze"]["2030-07"][
        "p_all_veto_accept"]
