"""Talks as they unfold (issue 14): transcripts agree with the equilibrium's rules line by line,
the batch is the core's forecast, and a strategy's cost is reported on the same draws."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ceasefire.bargaining.agreement_summary import summarise_agreement
from ceasefire.bargaining.equilibrium import SolverOptions, _game, solve
from ceasefire.bargaining.outcome import REASONS, TACTIC
from ceasefire.bargaining.transcript import (
    NEWS_KM2,
    NEWS_POINTS,
    batch,
    compare,
    gains_at_signing,
    negotiation,
    transcript,
    typical_run,
)
from ceasefire.errors import InputError
from ceasefire.results.negotiation import RESPONSE_REASONS
from ceasefire.results.stats import difference
from ceasefire.workflows.negotiate import players_of
from ceasefire.workflows.prepare import prepare


def _required(game, eq):
    return eq.now.required(game.prepared.compiled, game.prepared.expected,
                           [dict(c.terms) for c in eq.candidates])


def _mediator(game, eq) -> int:
    return eq.players.index(game.prepared.scenario.bargaining.mediator)


def _threat_targets(game, eq) -> set[int]:
    s = game.prepared.scenario
    return {eq.players.index(lever.against) for lever in s.levers if lever.against}


def test_reason_codes_line_up_with_the_solver():
    assert RESPONSE_REASONS[: len(REASONS) - 1] == REASONS[1:]
    assert RESPONSE_REASONS[TACTIC - 1] == "tactic"


def test_a_signed_deal_is_accepted_by_every_veto_player_then(game):
    eq = game.eq
    talks, required = eq.talks, _required(game, eq)
    mediator, targets = _mediator(game, eq), _threat_targets(game, eq)
    months, draws = np.nonzero(talks.ratified)
    assert len(months) > 0
    for t, n in zip(months, draws, strict=True):
        p, by = talks.offered[t, n], talks.proposer[t, n]
        for j in range(len(eq.players)):
            if j == by or not required[p, j]:
                continue
            assert not talks.refused[t, j, n]
            # on its belief then: a gain, or a threatened party under the mediator's floor
            assert talks.gain[t, j, n] >= 0 or (by == mediator and j in targets)
    # the first signature of each run is the month its transcript says "signed"
    n = int(np.flatnonzero(eq.signed >= 0)[0])
    told = transcript(eq, game.prepared.compiled, game.prepared.expected, n)
    month = told.months[int(eq.signed[n])]
    assert told.signed == month.month and month.outcome == "signed"
    assert all(r.accepts for r in month.responses.values())
    assert all(r.gain >= 0 or r.threatened for r in month.responses.values())


def test_no_equilibrium_party_accepts_less_than_its_continuation_value(game):
    eq = game.eq
    talks, required = eq.talks, _required(game, eq)
    mediator, targets = _mediator(game, eq), _threat_targets(game, eq)
    asked = np.zeros(talks.refused.shape, dtype=bool)
    offered = np.maximum(talks.offered, 0)
    for j in range(len(eq.players)):
        asked[:, j] = ((talks.offered >= 0) & (talks.proposer != j)
                       & required[offered, j])
    accepted = asked & ~talks.refused
    floorless = accepted & (talks.proposer != mediator)[:, None, :]
    assert floorless.any()
    assert np.all(talks.gain[floorless] >= 0)
    # under the mediator's offers only a party a threat targets may take less than 0
    others = [j for j in range(len(eq.players)) if j not in targets]
    assert np.all(talks.gain[:, others][accepted[:, others]] >= 0)
    # and every equilibrium refusal has a binding reason, never the tactic code
    assert not np.any(talks.reason[talks.refused] == TACTIC)


def test_every_transcript_response_follows_the_rule(game):
    eq = game.eq
    for n in range(0, eq.draws, 17):
        for m in transcript(eq, game.prepared.compiled, game.prepared.expected, n).months:
            for r in m.responses.values():
                assert r.accepts == (r.reason is None)
                if r.accepts:
                    assert r.gain >= 0 or (r.threatened and m.proposer ==
                                           game.prepared.scenario.bargaining.mediator)
                else:
                    assert r.reason in ("belief", "ratification", "claim", "value")


def test_the_batch_at_equilibrium_is_the_core_forecast_exactly(game):
    eq, s = game.eq, game.prepared.scenario
    figures, core = batch(eq, s), summarise_agreement(eq, s)
    assert figures.by_month == core.by_month
    assert figures.in_force == core.in_force
    assert figures.packages == core.packages
    assert figures.median_month == core.median_month
    assert figures.narrow_at_least_one_by == core.narrow.at_least_one_by
    assert set(figures.strategies.values()) == {"equilibrium"}


def test_recording_the_talks_changes_nothing(game):
    p = game.prepared
    plain = solve(p.compiled, p.expected, SolverOptions())
    for name in ("signed", "package", "proposer", "collapsed", "force", "continuation",
                 "accept", "zone_own"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(game.eq, name))
    assert plain.talks is None and game.eq.talks is not None


def test_a_boulware_north_delays_the_deal_and_is_reported_as_paired_differences(game):
    s = game.prepared.scenario
    change = compare(game.boulware, game.eq, s)
    # holding out until the deadline: fewer deals early (the documented direction)
    assert change.p_within_12.d < 0
    assert change.p_within_12.d + 2 * change.p_within_12.se < 0
    t = 11
    expected = difference(game.boulware.signed_by()[t], game.eq.signed_by()[t])
    assert change.by_month[list(change.by_month)[t]] == expected
    assert set(change.gain) == set(s.belligerents)
    assert batch(game.boulware, s).strategies["NO"] == "boulware"


def test_compare_needs_one_game_on_the_same_draws(game):
    other = SimpleNamespace(draws=game.eq.draws + 1, candidates=game.eq.candidates)
    with pytest.raises(InputError, match="same draws"):
        compare(other, game.eq, game.prepared.scenario)


def test_the_transcript_tells_the_paths_it_was_played_on(game):
    eq = game.eq
    n = 3
    told = transcript(eq, game.prepared.compiled, game.prepared.expected, n)
    paths = eq.talks.paths
    assert len(told.months) == eq.months and told.draw == n
    assert told.months[0].news.moves == []
    for t in (1, 5):
        news = told.months[t].news
        for move in news.moves:
            assert move.points >= NEWS_POINTS or move.km2 >= NEWS_KM2
        b = paths.belligerents[0]
        assert news.gains_km2[b] == pytest.approx(paths.gains_km2[t - 1, 0, n])
        assert told.months[t].beliefs[b] == pytest.approx(paths.beliefs.expected_m[t, 0, n])
    narrow = [k for m in told.months for k in m.narrow_signed]
    assert len(narrow) == int(eq.narrow.events[:, :, n].sum())


def test_a_draw_out_of_range_is_refused(game):
    with pytest.raises(InputError, match="--draw 999"):
        transcript(game.eq, game.prepared.compiled, game.prepared.expected, 999)


def test_the_typical_run_signs_in_the_median_month(game):
    draw, rule = typical_run(game.eq)
    signed = game.eq.signed[game.eq.signed >= 0]
    assert game.eq.signed[draw] == np.sort(signed)[(len(signed) - 1) // 2]
    assert "median" in rule
    assert negotiation(game.eq, game.prepared.compiled,
                       game.prepared.expected).transcript.draw == draw


def test_the_typical_run_signs_nothing_when_most_runs_do_not():
    fake = SimpleNamespace(signed=np.array([4, -1, -1, 2, -1]))
    assert typical_run(fake)[0] == 1


def test_concessions_read_the_gains_at_signing(game):
    eq, s = game.eq, game.prepared.scenario
    gains = gains_at_signing(eq)
    signs = eq.signed >= 0
    assert np.isnan(gains[:, ~signs]).all() and np.isfinite(gains[:, signs]).all()
    figures = batch(eq, s)
    for b in s.belligerents:
        c = figures.concessions[b]
        assert c.gain.mean == pytest.approx(gains[eq.players.index(b), signs].mean())
    shares = [figures.concessions[b].share.mean for b in s.belligerents]
    assert sum(shares) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["tutorial", "alaska-2025"])
def test_players_of_follows_the_solver(name):
    prepared = prepare(name, draws=4, rng=0)
    assert players_of(prepared.scenario) == _game(prepared.compiled, prepared.expected).players
