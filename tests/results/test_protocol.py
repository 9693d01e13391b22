"""Every result kind follows one protocol: exact JSON round trip, tables, short reprs."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

import ceasefire
from ceasefire.errors import InputError
from ceasefire.results import (
    RESULT_KINDS,
    RESULT_TYPES,
    AnalyzeResult,
    Estimate,
    Result,
    Window,
    load_result,
)
from ceasefire.results.stats import difference, estimate, standard_error


@cache
def _result(kind: str) -> Result:
    """A small real result of each kind on the tutorial."""
    if kind == "analyze":
        return ceasefire.analyze("tutorial", rng=1, draws=120, decomposition_draws=60,
                                 deals=ceasefire.DealOptions(draws=40))
    if kind == "whatif":
        return ceasefire.whatif("tutorial", levers={"arms-package": False}, rng=2, draws=80,
                                decomposition_draws=40)
    if kind == "deals":
        return ceasefire.explore("tutorial", rng=3, draws=40)
    if kind == "forecast":
        return ceasefire.stakeholder_forecast("tutorial")
    if kind == "calibrate":
        return ceasefire.calibrate("tutorial", draws=100, rng=4)
    if kind == "backtest":
        return ceasefire.backtest("tutorial", draws=100, rng=5)
    if kind == "negotiate":
        from ceasefire.workflows.negotiate import negotiate

        return negotiate("tutorial", runs=100, rng=6, strategies=["NO=boulware"])
    if kind == "sensitivity":
        from ceasefire.sensitivity import SensitivityOptions, sensitivity

        return sensitivity("tutorial", SensitivityOptions(
            samples=8, replicates=1, fit_draws=80, parameters=("actors.*",)), rng=6)
    if kind == "sweep":
        from ceasefire.bargaining.equilibrium import SolverOptions
        from ceasefire.sweep import run_sweep

        return run_sweep("tutorial", draws=120, block=50, rng=6, fit_draws=80,
                         solver=SolverOptions(candidates=12, fitting_paths=1))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_json_round_trip_is_exact(kind):
    result = _result(kind)
    document = result.to_dict()
    text = json.dumps(document, allow_nan=False)
    back = RESULT_TYPES[kind].from_dict(json.loads(text))
    assert back.to_dict() == document
    assert back == result  # the arrays on the Python object are not part of equality
    assert load_result(json.loads(text)).to_dict() == document


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_every_result_carries_the_envelope(kind):
    result = _result(kind)
    assert result.kind == kind
    assert result.scenario.id == "tutorial" and result.scenario.hash.startswith("sha256:")
    if kind == "forecast":
        assert result.seed is None and result.draws is None
    else:
        assert isinstance(result.seed, int) and result.draws >= 1
    assert "wall_s" in json.dumps(result.run)


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_repr_is_short_and_says_the_answer(kind):
    result = _result(kind)
    text = repr(result)
    assert len(text) < 1000
    assert type(result).__name__ in text and "tutorial" in text
    assert result.headline() in text


@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_repr_html_is_escaped_and_names_the_tables(kind):
    result = _result(kind)
    page = result._repr_html_()
    assert page.startswith("<div>") and type(result).__name__ in page
    for table in result.TABLES:
        assert f"to_frame(&#x27;{table}&#x27;)" in page


@pytest.mark.parametrize(("kind", "table"), [(k, t) for k in RESULT_KINDS
                                             for t in RESULT_TYPES[k].TABLES])
def test_every_table_is_tidy_and_labelled(kind, table):
    path = RESULT_TYPES[kind].TABLES[table]
    if _result(kind).to_dict().get(path[0], {}) is None:
        # an optional part this result lacks (analyze without the month-by-month solver);
        # tests/results/test_agreement.py checks those tables on a result that has it
        pytest.skip(f"this {kind} result has no {path[0]!r}")
    frame = _result(kind).to_frame(table)
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    labels = [step[1:] for step in path if step.startswith("*")]
    assert set(labels) <= set(frame.columns)
    assert not frame.duplicated(subset=labels).any()  # one row per label combination


def test_an_unknown_table_names_the_known_ones():
    with pytest.raises(InputError, match="acceptance"):
        _result("analyze").to_frame("nope")


def test_acceptance_table_matches_the_document():
    result = _result("analyze")
    frame = result.to_frame("acceptance")
    row = frame.iloc[0]
    entry = result.timing[row["proposal"]][row["month"]].acceptance[row["actor"]]
    assert (row["p"], row["se"]) == (entry.p, entry.se)


def test_a_document_that_does_not_fit_names_the_place():
    document = _result("calibrate").to_dict()
    document["gains_km2_per_month"]["NO"]["p50"] = "many"
    with pytest.raises(InputError, match=r"gains_km2_per_month\.NO\.p50"):
        load_result(document)
    with pytest.raises(InputError, match="kind"):
        load_result({**document, "kind": "oracle"})


def test_results_are_immutable():
    result = _result("analyze")
    with pytest.raises(Exception, match="frozen"):
        result.draws = 5


def test_per_draw_arrays_are_labelled():
    data = _result("analyze").per_draw
    assert data["accept"].dims == ("start", "proposal", "actor", "draw")
    assert list(data["actor"].values) == ["NO", "SO", "PA"]
    assert data.sizes["draw"] == 120
    result = _result("analyze")
    pid = next(iter(result.proposals))
    p = float(data["all_veto_accept"].sel(start=result.start_months[0], proposal=pid).mean())
    assert p == result.proposals[pid].p_all_veto_accept.p
    assert AnalyzeResult.from_dict(result.to_dict()).per_draw is None


def test_analyze_with_deals_carries_the_deal_space_and_the_forecast():
    result = _result("analyze")
    assert result.deals is not None and result.deals.draws == 40
    assert result.deals.seed == result.seed
    assert result.forecast is not None and "compromise" in result.forecast.models


def test_parties_with_no_stake_are_absent_from_acceptance():
    result = ceasefire.analyze("alaska-2025", rng=5, draws=60, decomposition_draws=20)
    for pid, proposal in result.proposals.items():
        assert "IN" not in proposal.acceptance, pid
        assert set(proposal.veto_players) <= set(proposal.acceptance)
        assert {"RU", "UA"} <= set(proposal.acceptance)


# --- the Monte Carlo rules, in one place ---------------------------------------------------


def test_estimate_is_the_share_and_its_binomial_standard_error():
    hits = np.array([1, 0, 0, 1, 1, 1, 0, 1], dtype=bool)
    e = estimate(hits)
    assert e == Estimate(p=0.625, se=float(np.sqrt(0.625 * 0.375 / 8)))
    assert standard_error(0.5, 100) == pytest.approx(0.05)


def test_paired_difference_uses_the_per_draw_differences():
    rng = np.random.default_rng(0)
    a = rng.random(1000) < 0.6
    b = a.copy()
    b[:50] = ~b[:50]  # only 50 draws differ
    d = difference(a, b)
    diff = a.astype(float) - b.astype(float)
    assert d.d == pytest.approx(diff.mean())
    assert d.se == pytest.approx(diff.std(ddof=1) / np.sqrt(1000))
    # far smaller than the standard error of two independent estimates
    assert d.se < np.sqrt(2 * 0.6 * 0.4 / 1000) / 2


@pytest.mark.parametrize(("series", "opens", "closes", "best"), [
    ([0.1, 0.6, 0.7, 0.4], 1, 3, 2),
    ([0.1, 0.2, 0.3, 0.4], None, None, 3),
    ([0.5, 0.5, 0.5, 0.5], 0, None, 0),
])
def test_window_opens_at_p_star_and_closes_below_it(series, opens, closes, best):
    months = [f"2030-{k + 1:02d}" for k in range(len(series))]
    window = Window.of(months, [Estimate(p=p, se=0.01) for p in series])
    assert window.opens == (None if opens is None else months[opens])
    assert window.closes == (None if closes is None else months[closes])
    assert window.best_month == months[best] and window.best.p == max(series)
