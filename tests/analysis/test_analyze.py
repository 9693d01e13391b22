"""The analysis as a whole: reproducibility and the JSON contract of DESIGN 9.9."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ceasefire.bargaining.analysis import AnalysisOptions, run_analysis
from ceasefire.scenario import load_scenario
from ceasefire.scenario.model import month_label
from ceasefire.workflows import analyze, prepare


@pytest.fixture(scope="module")
def result():
    return analyze("tutorial", rng=8, draws=400, decomposition_draws=100)


@pytest.fixture(scope="module")
def engine():
    """The engine's per-draw arrays for the same draws (the result summarises them)."""
    prepared = prepare("tutorial", draws=400, rng=8)
    return run_analysis(prepared.compiled, prepared.expected,
                        AnalysisOptions(draws=400, decomposition_draws=100))


def test_same_seed_same_document_except_run(result):
    again = analyze("tutorial", rng=8, draws=400, decomposition_draws=100).to_dict()
    first = result.to_dict()
    first.pop("run"), again.pop("run")
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_the_result_does_not_depend_on_the_workers():
    one = analyze("tutorial", rng=8, draws=200, decomposition_draws=50, workers=1).to_dict()
    two = analyze("tutorial", rng=8, draws=200, decomposition_draws=50, workers=2).to_dict()
    one.pop("run"), two.pop("run")
    assert one == two


def test_document_follows_the_contract(result):
    doc = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    for key in ("schema_version", "kind", "ceasefire_version", "scenario", "seed", "draws"):
        assert key in doc
    assert doc["kind"] == "analyze" and doc["seed"] == 8 and doc["draws"] == 400
    assert set(doc["scenario"]) == {"id", "as_of", "hash"}
    proposal = doc["proposals"]["freeze"]
    assert 0 <= proposal["acceptance"]["NO"]["p"] <= 1
    assert 0 <= proposal["p_all_veto_accept"]["p"] <= 1
    assert set(doc["timing"]["freeze"]) == {month_label(load_scenario("tutorial").as_of, m)
                                            for m in range(13)}
    assert set(doc["war_value"]["SO"]["2030-01"]) == {"mean", "p10", "p50", "p90"}
    assert "2030-01" in doc["control"]["east-valley"]["NO"]
    assert "2030-01" in doc["gains_km2"]["NO"]


def test_the_summary_is_the_engine_s_draws(result, engine):
    now = engine.now
    for p, pid in enumerate(engine.proposals):
        estimate = result.proposals[pid].p_all_veto_accept
        assert estimate.p == now.all_accept[p].mean()
        assert estimate.se == pytest.approx(np.sqrt(estimate.p * (1 - estimate.p) / 400))


def test_p_all_never_exceeds_any_veto_players_acceptance(result):
    for proposal in result.proposals.values():
        for actor in proposal.veto_players:
            assert proposal.p_all_veto_accept.p <= proposal.acceptance[actor].p + 1e-12


def test_month_labels_run_in_calendar_months():
    import datetime as dt

    assert month_label(dt.date(2025, 8, 15), 0) == "2025-08"
    assert month_label(dt.date(2025, 8, 15), 5) == "2026-01"


def test_war_value_parts_add_up(engine):
    wv = engine.war_values
    assert np.allclose(wv.total, wv.territory - wv.casualties - wv.economy)


def test_every_proposal_is_scored_with_reasons(result):
    scenario = load_scenario("tutorial")
    assert set(result.proposals) == {p.id for p in scenario.proposals}
    assert all(p.reasons for p in result.proposals.values())


def test_acceptance_table_is_tidy_and_agrees_with_the_document(result):
    frame = result.to_frame("acceptance")
    stakes = sum(len(p.acceptance) for p in result.proposals.values())
    assert len(frame) == 13 * stakes
    row = frame[(frame.month == "2030-01") & (frame.proposal == "freeze") & (frame.actor == "NO")]
    assert row.p.item() == result.proposals["freeze"].acceptance["NO"].p
    later = result.to_frame("agreement")
    row = later[(later.month == "2030-07") & (later.proposal == "freeze")]
    assert row.p.item() == result.timing["freeze"]["2030-07"].p_all_veto_accept.p


def test_beliefs_summarise_the_engine_s_posterior(result, engine):
    beliefs = engine.realised.beliefs
    assert beliefs is not None and result.beliefs is not None
    month0, later = result.start_months[0], result.start_months[6]
    for j, actor in enumerate(beliefs.belligerents):
        series = result.beliefs[actor]
        assert series[month0].p50 == pytest.approx(np.median(beliefs.expected_m[0, j]))
        assert series[later].mean == pytest.approx(beliefs.expected_m[6, j].mean())
    gap = beliefs.gap()
    assert result.belief_gap[later].p90 == pytest.approx(np.percentile(gap[6], 90))
    # the parties learn: the gap in what they expect narrows as the war reveals m
    assert result.belief_gap[later].mean < result.belief_gap[month0].mean
    half = result.belief_gap_half_life
    assert 0 < half.p_halves.p <= 1 and half.months.p50 >= 1
