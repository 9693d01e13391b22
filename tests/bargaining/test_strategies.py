"""Strategies off the equilibrium (issue 14 item 3): the equilibrium strategy reproduces the
solver's offers, time-based tactics concede in Faratin's order, nobody accepts less than the
value of refusing, alternating offers give Rubinstein's split, and the registry's errors."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.bargaining import equilibrium as eq
from ceasefire.bargaining.candidates import candidate_packages
from ceasefire.bargaining.solutions import rubinstein_share
from ceasefire.bargaining.strategies import (
    MEDIATOR_ONLY,
    STRATEGIES,
    Bluff,
    Equilibrium,
    History,
    SingleText,
    SplitDifference,
    TimeBased,
    TitForTat,
    View,
    acceptable,
    apply_bluffs,
    bluff_amounts,
    concession_target,
    parse_strategies,
    respond,
    strategy,
)
from ceasefire.dynamics import simulate_war
from ceasefire.errors import InputError
from ceasefire.scenario import load_scenario
from ceasefire.workflows.prepare import prepare

pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")

EVERY = ["equilibrium", "boulware", "linear", "conceder", "tit-for-tat", "bluff:0.3",
         "bluff:0.2:boulware", "single-text", "split-difference"]


def _view(gain, required, *, t=0, months=12, player=0, proposer=None, floor=None, history=None,
          mediator=None, plan=None) -> View:
    _, J, n = gain.shape
    return View(t=t, months=months, player=player,
                proposer=player if proposer is None else proposer, gain=gain,
                required=required, floor=np.zeros((J, n)) if floor is None else floor,
                history=history or History.empty(J, n), mediator=mediator, plan=plan)


def _threatened(m, game) -> np.ndarray:
    """X after a refusal of the mediator, less X (as the solver computes it)."""
    out = np.zeros(m.gain.shape[1:])
    for lever, target in game.threats:
        out[target] += m.jumps[lever][target]
    return out


def _check_month(m, game, t: int = 0) -> None:
    """Equilibrium().offer and respond() give _offers' packages and refusals exactly."""
    J, n = m.gain.shape[1:]
    floor = _threatened(m, game)
    history = History.empty(J, n)
    everyone = [Equilibrium()] * J
    for player, solver in zip(game.proposer_player, eq._offers(m, game), strict=True):
        here = floor if player == game.mediator else np.zeros((J, n))
        views = [View(t=t, months=12, player=j, proposer=int(player), gain=m.gain,
                      required=m.required, floor=here, history=history,
                      mediator=game.mediator, plan=game.plan) for j in range(J)]
        offered = Equilibrium().offer(views[player])
        np.testing.assert_array_equal(offered, solver.package)
        agreed, refuses = respond(everyone, views, offered)
        np.testing.assert_array_equal(agreed, (solver.package >= 0) & ~solver.tabled)
        if player == game.mediator:
            np.testing.assert_array_equal(refuses, solver.refuses)


# --- 1. the equilibrium strategy is the solver's -------------------------------------------


@pytest.fixture(scope="module")
def tutorial_months():
    """A small solve of the tutorial (mediator with a plan, a threat): months 0..12."""
    prepared = prepare(load_scenario("tutorial"), draws=60, rng=3)
    compiled, expected = prepared.compiled, prepared.expected
    options = eq.SolverOptions(fitting_paths=1, candidates=8, refine=False, horizon=36)
    game = eq._game(compiled, expected)
    terms = [dict(p.terms) for p in compiled.scenario.proposals] + candidate_packages(
        compiled, expected, game.players, game.annuity, limit=8)
    keep = max(compiled.scenario.horizon_months, eq.START_MONTHS)
    fits = eq._backward(compiled, expected, game, terms, 36, keep, options,
                        lambda stage, done: None)
    forward = compiled.with_months(keep + 1)
    at = eq._setting(expected, game, terms, forward, simulate_war(forward, noise=True), 1,
                     False)
    return game, [eq._month(game, at, fits[t], t, game.weighting) for t in range(13)]


def test_equilibrium_strategy_is_the_solvers_on_the_tutorial(tutorial_months):
    game, months = tutorial_months
    assert game.mediator is not None and game.plan is not None and game.threats
    tabled = 0
    for t, m in enumerate(months):
        _check_month(m, game, t)
        tabled += eq._offers(m, game)[list(game.proposer_player).index(game.mediator)
                                      ].tabled.sum()
    assert tabled > 0  # the plan-tabling branch was exercised


@pytest.mark.parametrize("seed", range(6))
def test_equilibrium_strategy_is_the_solvers_on_tied_random_months(seed):
    # small integer gains make ties common, so argmax tie-breaking is checked too
    rng = np.random.default_rng(seed)
    P, J, n = 9, 4, 300
    gain = rng.integers(-3, 4, (P, J, n)).astype(float)
    required = rng.random((P, J)) < 0.7
    jumps = {"a": -rng.integers(0, 3, (J, n)).astype(float),
             "b": -rng.random((J, n))}
    month = eq._Month(values=None, gain=gain, predicted=np.zeros((J, n)), jumps=jumps,
                      required=required)
    game = eq._Game(players=("A", "B", "C", "M"), proposers=("A", "B", "M"),
                    proposer_p=np.full(3, 1 / 3), proposer_player=np.array([0, 1, 3]),
                    mediator=3, plan=int(rng.integers(P)), threats=(("a", 0), ("b", 1)),
                    flag_levers=("a", "b"), weighting=np.zeros(J, dtype=int),
                    annuity=np.ones((J, n)))
    _check_month(month, game)
    _check_month(month, eq._Game(**{**game.__dict__, "plan": None}))


# --- 2. time-based concession ---------------------------------------------------------------


def test_concession_target_formula():
    best = np.array([2.0, 0.5])
    assert np.allclose(concession_target(0, 10, best, 0.0, 0.2), best)
    assert np.allclose(concession_target(10, 10, best, 0.0, 5.0), 0.0)
    assert np.allclose(concession_target(25, 10, best, 0.0, 1.0), 0.0)  # past the deadline
    assert np.allclose(concession_target(5, 10, best, 0.0, 1.0), best / 2)
    assert np.allclose(concession_target(5, 10, best, 0.0, 0.5), best * (1 - 0.25))


def test_boulware_concedes_slower_than_linear_slower_than_conceder():
    rng = np.random.default_rng(1)
    P, J, n, months = 60, 2, 200, 12
    gain = rng.normal(0.5, 1.0, (P, J, n))
    required = np.ones((P, J), dtype=bool)
    own = {}
    for name in ("boulware", "linear", "conceder"):
        chosen = strategy(name)
        own[name] = np.stack([
            _view(gain, required, t=t, months=months).of(chosen.offer(
                _view(gain, required, t=t, months=months)))[0] for t in range(months + 1)])
    for series in own.values():
        assert (np.diff(series, axis=0) <= 1e-12).all()  # each concedes over time
        assert np.allclose(series[0], gain[:, 0].max(axis=0))  # opens at its best
    inside = slice(1, months)
    assert (own["boulware"] >= own["linear"] - 1e-12).all()
    assert (own["linear"] >= own["conceder"] - 1e-12).all()
    assert (own["boulware"][inside] > own["linear"][inside]).mean() > 0.5
    assert (own["linear"][inside] > own["conceder"][inside]).mean() > 0.5
    # at the deadline each offers its least non-negative gain
    least = np.where(gain[:, 0] >= 0, gain[:, 0], np.inf).min(axis=0)
    for series in own.values():
        assert np.allclose(series[-1], least)


def test_time_based_votes_as_it_would_offer():
    rng = np.random.default_rng(2)
    gain = rng.normal(0.3, 1, (30, 2, 100))
    required = np.ones((30, 2), dtype=bool)
    tactic = TimeBased("linear", 1.0)
    for t in (0, 3, 6, 12):
        view = _view(gain, required, t=t, months=12, player=1, proposer=0)
        own_offer = tactic.offer(replace_player(view, 1))
        assert tactic.accepts(view, own_offer).all()  # it accepts what it would propose
        offered = rng.integers(0, 30, 100)
        took = tactic.accepts(view, offered)
        assert (view.of(offered)[1][took] >= tactic.target(view)[took]).all()


def replace_player(view: View, player: int) -> View:
    return View(**{**view.__dict__, "player": player, "proposer": player})


# --- 3. nobody accepts less than the value of refusing -------------------------------------


def _random_views(seed: int, *, floor_scale: float):
    rng = np.random.default_rng(seed)
    P, J, n = 15, 3, 400
    gain = rng.normal(0.0, 1.0, (P, J, n))
    required = rng.random((P, J)) < 0.8
    floor = rng.normal(0.0, floor_scale, (J, n))
    history = History.empty(J, n)
    for _ in range(4):
        history = history.record(rng.integers(-1, J, n), rng.integers(-1, P, n))
    return rng, gain, required, floor, history


@pytest.mark.parametrize("name", EVERY)
@pytest.mark.parametrize("floor_scale", [0.0, 0.5])
def test_no_strategy_accepts_below_the_value_of_refusing(name, floor_scale):
    rng, gain, required, floor, history = _random_views(5, floor_scale=floor_scale)
    P, J, n = gain.shape
    chosen = strategy(name)
    offered = rng.integers(-1, P, n)
    for player in range(J):
        for t in (0, 4, 12, 30):
            view = _view(gain, required, t=t, months=12, player=player, proposer=(player + 1) % J,
                         floor=floor, history=history, mediator=2, plan=3)
            took = chosen.accepts(view, offered)
            assert took.dtype == bool and took.shape == (n,)
            assert not took[offered < 0].any()
            got = view.of(offered)[player]
            assert (got[took] >= floor[player][took]).all()
            if floor_scale == 0.0:
                assert (got[took] >= 0).all()


@pytest.mark.parametrize("name", [k for k in EVERY if k not in MEDIATOR_ONLY])
def test_belligerent_offers_are_never_below_fighting_on(name):
    _, gain, required, _, history = _random_views(6, floor_scale=0.0)
    chosen = strategy(name)
    for t in (0, 5, 12):
        view = _view(gain, required, t=t, months=12, player=0, history=history, mediator=2)
        offered = chosen.offer(view)
        made = offered >= 0
        assert (view.of(offered)[0][made] >= 0).all()


# --- 4. Rubinstein's alternating offers ----------------------------------------------------


def _rubinstein_month(proposer: int, delta: tuple[float, float], grid: np.ndarray,
                      *, exact: bool):
    """Gains V_j - X_j on a one-issue grid (player 0's share s), with the stationary
    continuation values: the responder's X is delta times its share when it proposes."""
    responder = 1 - proposer
    first = [float(rubinstein_share(delta[0], delta[1])),
             float(rubinstein_share(delta[1], delta[0]))]
    x = np.empty(2)
    x[responder] = delta[responder] * first[responder]
    x[proposer] = delta[proposer] * (1 - first[responder])
    shares = np.stack([grid, 1 - grid], axis=1)  # [P, 2] linear value of the one issue
    if exact:  # put the package that gives the responder exactly X on the grid
        shares = np.vstack([shares, [0.0, 0.0]])
        shares[-1, responder] = x[responder]
        shares[-1, proposer] = 1 - x[responder]
    gain = (shares - x[None])[:, :, None]
    return gain, first


@pytest.mark.parametrize("delta", [(0.9, 0.6), (0.5, 0.5), (0.95, 0.99)])
def test_alternating_offers_give_the_responder_its_continuation_value(delta):
    grid = np.linspace(0, 1, 1001)
    required = None
    history = History.empty(2, 1)
    for t in range(6):
        proposer = t % 2
        gain, first = _rubinstein_month(proposer, delta, grid, exact=True)
        required = np.ones(gain.shape[:2], dtype=bool)
        views = [_view(gain, required, t=t, player=j, proposer=proposer, history=history)
                 for j in range(2)]
        offered = Equilibrium().offer(views[proposer])
        assert offered[0] == len(grid)  # the package giving the responder exactly X
        assert views[0].of(offered)[1 - proposer, 0] == 0.0
        agreed, _ = respond([Equilibrium(), Equilibrium()], views, offered)
        assert agreed.all()  # immediate agreement
        share = (gain[offered[0], proposer, 0]
                 + delta[proposer] * (1 - first[1 - proposer]))
        assert share == pytest.approx(first[proposer], abs=1e-12)  # Rubinstein's split
        history = history.record(np.array([proposer]), offered)


@pytest.mark.parametrize("points", [11, 101, 1001, 10001])
def test_alternating_offers_converge_to_rubinsteins_split(points):
    delta = (0.9, 0.7)
    grid = np.linspace(0, 1, points)
    for proposer in (0, 1):
        gain, first = _rubinstein_month(proposer, delta, grid, exact=False)
        view = _view(gain, np.ones(gain.shape[:2], dtype=bool), player=proposer)
        offered = Equilibrium().offer(view)
        responder_gain = view.of(offered)[1 - proposer, 0]
        assert 0 <= responder_gain <= 1 / (points - 1) + 1e-12
        share = grid[offered[0]] if proposer == 0 else 1 - grid[offered[0]]
        assert abs(share - first[proposer]) <= 1 / (points - 1) + 1e-12


# --- 5. bluffs, tit-for-tat, mediators --------------------------------------------------------


def test_bluff_is_believed_and_costs_the_deals_it_rules_out():
    gain = np.array([[[2.0], [0.1]], [[1.0], [0.6]], [[0.5], [1.0]]])  # [P=3, J=2, N=1]
    required = np.ones((3, 2), dtype=bool)
    bluffer = Bluff(0.5)
    amounts = bluff_amounts({1: bluffer}, 2)
    assert amounts.tolist() == [0.0, 0.5]
    seen = apply_bluffs(gain, amounts, viewer=0)
    assert np.allclose(seen[:, 1], gain[:, 1] - 0.5) and np.allclose(seen[:, 0], gain[:, 0])
    assert apply_bluffs(gain, amounts, viewer=1) is gain
    honest = Equilibrium().offer(_view(gain, required, player=0))
    fooled = Equilibrium().offer(_view(seen, required, player=0))
    assert honest[0] == 0 and fooled[0] == 1  # the bluff wins a better package
    view = _view(apply_bluffs(gain, amounts, viewer=1), required, player=1, proposer=0)
    assert not bluffer.accepts(view, np.array([0]))[0]  # gain 0.1 < 0.5: refused
    assert bluffer.accepts(view, np.array([1]))[0]
    assert Equilibrium().accepts(view, np.array([0]))[0]  # an honest party would sign
    assert strategy("bluff:0.5").name == "bluff:0.5"


def test_tit_for_tat_mirrors_the_opponents_concession():
    # two players; player 1 conceded from package 0 (its best) to package 1
    gain = np.array([[[0.0], [1.0]], [[0.5], [0.5]], [[1.0], [0.0]]])  # [P=3, J=2, N=1]
    required = np.ones((3, 2), dtype=bool)
    tft = TitForTat()
    fresh = _view(gain, required, player=0)
    assert tft.target(fresh)[0] == 1.0 and tft.offer(fresh)[0] == 2  # opens at its best
    history = History.empty(2, 1).record(np.array([0]), np.array([2]))
    history = history.record(np.array([1]), np.array([0]))
    still = _view(gain, required, player=0, history=history)
    assert tft.offer(still)[0] == 2  # one opponent offer: nothing to imitate yet
    history = history.record(np.array([1]), np.array([1]))  # opponent concedes half its range
    moved = _view(gain, required, player=0, history=history)
    assert tft.target(moved)[0] == pytest.approx(0.5)
    assert tft.offer(moved)[0] == 1
    assert tft.accepts(moved, np.array([1]))[0] and not tft.accepts(moved, np.array([0]))[0]


def test_single_text_improves_the_least_satisfied_party_and_hurts_nobody():
    rng = np.random.default_rng(9)
    P, J, n = 25, 3, 300
    gain = rng.normal(0, 1, (P, J, n))
    required = np.ones((P, J), dtype=bool)
    required[:, 2] = False  # the mediator holds no veto
    mediator = SingleText()
    history = History.empty(J, n)
    view = _view(gain, required, player=2, mediator=2, plan=4, history=history)
    text = mediator.offer(view)
    for _ in range(30):
        before = view.of(text)[:2]
        history = history.record(np.full(n, 2), text)
        view = _view(gain, required, player=2, mediator=2, plan=4, history=history)
        new = mediator.offer(view)
        after = view.of(new)[:2]
        assert (after >= before - 1e-12).all()  # a Pareto step for the veto players
        assert (after.min(axis=0) >= before.min(axis=0) - 1e-12).all()
        text = new
    assert np.array_equal(mediator.offer(view), text)  # it reaches a fixed point
    # the first text starts from the plan
    start = _view(gain, required, player=2, mediator=2, plan=4)
    first = mediator.offer(start)
    assert (start.of(first)[:2] >= gain[4, :2] - 1e-12).all()


def test_split_difference_is_the_egalitarian_package():
    gain = np.array([[[4.0], [0.1], [9.0]],
                     [[2.0], [1.0], [0.0]],
                     [[1.0], [2.0], [0.0]],
                     [[-1.0], [4.0], [0.0]]])  # [P=4, J=3, N=1]; normalised by 4 and 4
    required = np.ones((4, 3), dtype=bool)
    offered = SplitDifference().offer(_view(gain, required, player=2, mediator=2))
    assert offered[0] == 1  # min(2/4, 1/4) beats min(1/4, 2/4) on the index tie and 4's -1/4


# --- 6. History and the registry --------------------------------------------------------------


def test_history_records_offers_per_player():
    h = History.empty(3, 4)
    h = h.record(np.array([0, 1, -1, 2]), np.array([5, -1, 7, 3]))
    assert h.last.tolist() == [[5, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, 3]]
    assert h.previous.tolist() == [5, -1, -1, 3] and h.previous_by.tolist() == [0, -1, -1, 2]
    h = h.record(np.array([0, 0, 0, 0]), np.array([6, 6, 6, 6]))
    assert h.last[0].tolist() == [6] * 4 and h.before[0].tolist() == [5, -1, -1, -1]


def test_acceptable_lets_the_proposer_and_unrequired_players_pass():
    gain = np.array([[[-1.0], [1.0]], [[1.0], [-1.0]]])
    required = np.array([[True, True], [True, False]])
    ok = acceptable(gain, required, np.zeros((2, 1)), proposer=0)
    assert ok[:, 0].tolist() == [True, True]


@pytest.mark.parametrize("name", EVERY)
def test_registry_names_round_trip(name):
    made = strategy(name)
    assert made.name == name
    assert strategy(made.name) == made


def test_parse_strategies_per_player():
    players = ("RU", "UA", "US")
    parsed = parse_strategies(["RU=boulware", " UA = conceder", "US=single-text"], players,
                              mediator="US")
    assert parsed[0] == TimeBased("boulware", 0.2) and parsed[1] == TimeBased("conceder", 5.0)
    assert isinstance(parsed[2], SingleText)
    assert parse_strategies(["UA=bluff:1.5"], players)[1] == Bluff(1.5)
    assert set(STRATEGIES) >= {"equilibrium", "boulware", "linear", "conceder", "tit-for-tat",
                               "bluff", "single-text", "split-difference"}


@pytest.mark.parametrize(("specs", "mediator", "needle"), [
    (["XX=boulware"], "US", "unknown player 'XX'; players of this scenario: RU, UA, US"),
    (["RU=boulwar"], "US", "unknown strategy 'boulwar'; allowed: equilibrium, boulware"),
    (["RU"], "US", "expected PLAYER=STRATEGY"),
    (["RU="], "US", "expected PLAYER=STRATEGY"),
    (["RU=boulware", "RU=linear"], "US", "RU is given a strategy twice"),
    (["RU=single-text"], "US", "'single-text' is a mediator's strategy and the mediator is US"),
    (["US=split-difference"], None, "this scenario has no mediator"),
    (["RU=bluff:0.1:single-text"], "US", "mediator's strategy"),
    (["RU=bluff"], "US", "needs an amount"),
    (["RU=bluff:lots"], "US", "is not a number"),
    (["RU=bluff:-1"], "US", "must be a number >= 0"),
    (["RU=linear:2"], "US", "takes no argument"),
])
def test_parse_strategies_errors_name_the_argument_and_the_choices(specs, mediator, needle):
    with pytest.raises(InputError) as caught:
        parse_strategies(specs, ("RU", "UA", "US"), mediator=mediator)
    message = str(caught.value)
    assert needle in message
    assert "--strategy" in message
    assert isinstance(caught.value, ValueError)
