"""The month-by-month bargaining solver (MODELS.md 2.5): its horizon, determinism,
invariances, mechanisms at the board level, consistency of the equilibrium it returns,
belief weights and a threat acting through payoffs."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from ceasefire.bargaining.board import Board, MonthState
from ceasefire.bargaining.equilibrium import (
    WEIGHT_CAP,
    SolverOptions,
    _annuity,
    _mixture,
    _Weights,
    fit_game,
    play,
    solve,
    solver_horizon,
)
from ceasefire.bargaining.packages import deal_control
from ceasefire.dynamics import simulate_war
from ceasefire.dynamics.beliefs import evidence
from ceasefire.scenario import load_scenario
from ceasefire.scenario.edit import with_values
from ceasefire.scenario.loading import scenario_from_dict, scenario_to_dict
from ceasefire.workflows.prepare import prepare

DRAWS = 200
SEED = 7
OPTIONS = SolverOptions(fitting_paths=2, candidates=12)

pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")


@pytest.fixture(scope="module")
def tutorial():
    return load_scenario("tutorial")


def _solve(scenario, *, draws: int = DRAWS, rng: int = SEED, options: SolverOptions = OPTIONS):
    p = prepare(scenario, draws=draws, rng=rng)
    return p, solve(p.compiled, p.expected, options)


@pytest.fixture(scope="module")
def base(tutorial):
    return _solve(tutorial)


def _same_decisions(a, b) -> None:
    for name in ("signed", "package", "accept"):
        x, y = getattr(a, name), getattr(b, name)
        assert np.array_equal(x, y), f"{name} differs in {np.sum(x != y)} entries"


# --- 1. the horizon ----------------------------------------------------------------------


def _horizon_rule(discount: np.ndarray) -> int:
    """T = 12 ceil(ln 0.05 / (12 ln delta_bar)) in [120, 360]; delta_bar the 99th percentile
    (linear interpolation between order statistics), computed without numpy's quantile."""
    x = sorted(float(v) for v in np.ravel(discount))
    pos = 0.99 * (len(x) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(x) - 1)
    high = x[lo] + (pos - lo) * (x[hi] - x[lo])
    years = math.ceil(math.log(0.05) / (12 * math.log(high)))
    return min(max(12 * years, 120), 360)


@pytest.mark.parametrize(("delta", "expected"), [(0.99, 300), (0.9, 120), (0.999, 360),
                                                 (0.98, 156), (0.995, 360), (0.95, 120)])
def test_solver_horizon_constant_discount(delta, expected):
    assert _horizon_rule(np.full(7, delta)) == expected
    assert solver_horizon(np.full(7, delta)) == expected
    assert solver_horizon(np.full((3, 50), delta)) == expected


def test_solver_horizon_uses_99th_percentile():
    rng = np.random.default_rng(3)
    for _ in range(20):
        discount = rng.uniform(0.95, 0.995, size=(3, 40))
        assert solver_horizon(discount) == _horizon_rule(discount)
    # one very patient outlier among 1000 draws sits above the 99th percentile
    discount = np.full(1000, 0.98)
    discount[0] = 0.999
    assert solver_horizon(discount) == _horizon_rule(np.full(5, 0.98)) == 156


def test_equilibrium_reports_the_horizon_rule(base):
    p, eq = base
    players = eq.players
    discount = np.stack([p.compiled.get(f"actors.{a}.discount_factor") for a in players])
    assert eq.solver_horizon == _horizon_rule(discount)
    assert 120 <= eq.solver_horizon <= 360 and eq.solver_horizon % 12 == 0


# --- 2. determinism --------------------------------------------------------------------


def test_same_seed_is_bit_identical(tutorial, base):
    _, eq = base
    _, again = _solve(tutorial)
    for name in ("signed", "package", "collapsed", "continuation", "accept", "reasons"):
        assert np.array_equal(getattr(eq, name), getattr(again, name)), name


# --- 3. invariance to a constant on a region nothing moves ------------------------------


def test_constant_on_unmoved_region_changes_nothing(tutorial, base):
    s = tutorial
    region = next(r for r in s.regions if r.id == "north-heartland")
    # the premise: no front, no claim over it, no option moves it
    assert region.front is None
    assert all(region.id not in c.regions for c in s.territorial_claims)
    for issue in s.issues:
        assert region.id not in (issue.line.regions if issue.line is not None else [])
        for option in issue.options:
            assert region.id not in (getattr(option, "control", None) or {})
    _, eq = base
    _, shifted = _solve(with_values(s, {"regions.north-heartland.value.NO": 5.0 + 10.0}))
    _same_decisions(eq, shifted)
    assert np.array_equal(eq.reasons, shifted.reasons)


# --- 4. rescaling one party's utilities ------------------------------------------------------


def _double(value):
    if isinstance(value, dict):
        return {k: (2 * v if k in ("low", "mode", "high") else v) for k, v in value.items()}
    return 2 * value


def _rescaled(scenario, party: str):
    """Every utility of ``party`` times 2."""
    data = copy.deepcopy(scenario_to_dict(scenario))
    for actor in data["actors"]:
        if actor["id"] == party:
            for key in ("casualty_weight", "cost_weight", "peace_value_per_month"):
                if key in actor:
                    actor[key] = _double(actor[key])
    for region in data["regions"]:
        if party in region.get("value", {}):
            region["value"][party] = _double(region["value"][party])
    for issue in data["issues"]:
        for option in issue["options"]:
            for key in ("value", "sovereignty_value"):
                if party in (option.get(key) or {}):
                    option[key][party] = _double(option[key][party])
    for claim in data.get("territorial_claims") or []:
        if claim["actor"] == party:
            claim["completion_value_per_month"] = _double(claim["completion_value_per_month"])
    return scenario_from_dict(data, file="rescaled")


@pytest.mark.parametrize("party", ["NO", "SO", "PA"])
def test_rescaling_one_party_changes_no_decision(tutorial, base, party):
    _, eq = base
    scaled = _rescaled(tutorial, party)
    assert scaled != tutorial
    _, again = _solve(scaled)
    _same_decisions(eq, again)


# --- 5. mechanisms at the board ----------------------------------------------------------------

PACKAGES = [
    {"valley-line": "freeze"},
    {"valley-line": "east-valley-to-north"},
    {"valley-line": "east-valley-to-north", "guarantee": "patron-guarantee"},
    {"valley-line": "both-valleys-to-north"},
    {"valley-line": "both-valleys-to-north", "sanctions-relief": "lifted"},
    {"valley-line": "both-valleys-to-north", "guarantee": "patron-guarantee"},
    {"valley-line": "freeze", "sanctions-relief": "lifted"},
]
PLAYERS = ("NO", "SO", "PA")


def _board(scenario, draws: int = 60):
    p = prepare(scenario, draws=draws, rng=SEED)
    board = Board(p.compiled, PLAYERS, PACKAGES, p.expected.control[0], p.expected.area_km2)
    return p, board


@pytest.mark.parametrize("changes", [
    {"actors.SO.ratification_threshold": 0.35},
    {"actors.SO.constitutional_threshold": 0.6},
    {"actors.SO.ratification_threshold": 0.45, "actors.SO.constitutional_threshold": 0.7},
    {"actors.NO.ratification_threshold": 0.5, "actors.NO.constitutional_threshold": 0.6},
])
def test_higher_threshold_never_raises_ratification(tutorial, changes):
    p, board = _board(tutorial)
    _, stricter = _board(with_values(tutorial, changes))
    n, b = p.compiled.draws, len(tutorial.belligerents)
    rng = np.random.default_rng(0)
    raised_any = False
    for shift in (np.zeros((b, n)), rng.normal(0, 0.5, (b, n)), np.full((b, n), -1.0)):
        r0, r1 = board.ratification(shift), stricter.ratification(shift)
        assert r0.shape == (len(PACKAGES), b, n)
        assert np.all((r0 >= 0) & (r0 <= 1)) and np.all((r1 >= 0) & (r1 <= 1))
        assert np.all(r1 <= r0)
        raised_any |= bool(np.any(r1 < r0))
    if any(k.startswith("actors.SO") for k in changes):  # South concedes in these packages
        assert raised_any


def _state(p, players=PLAYERS) -> MonthState:
    n = p.compiled.draws
    b = len(p.compiled.scenario.belligerents)
    return MonthState(control=p.expected.control[0], war_cost=np.zeros((len(players), n)),
                      lost=np.zeros((len(players), n)), opinion_shift=np.zeros((b, n)),
                      features=np.ones((n, 4)))


def _hazard(p, board) -> np.ndarray:
    n = p.compiled.draws
    annuity = _annuity(p.compiled, p.expected, PLAYERS)
    values = board.values(_state(p), np.zeros((len(PLAYERS), n)), annuity)
    return values.hazard


def test_guarantee_never_raises_hazard(tutorial):
    p, board = _board(tutorial)
    h = _hazard(p, board)
    assert h.shape == (len(PACKAGES), p.compiled.draws)
    assert np.all((h > 0) & (h < 1))
    # the same line with and without the patron's guarantee (hazard factor 0.5)
    for bare, guaranteed in ((1, 2), (3, 5)):
        assert np.all(h[guaranteed] <= h[bare])
        assert np.all(h[guaranteed] < h[bare])
    # a stronger guarantee (a larger reduction) lowers it further
    path = "issues.guarantee.options.patron-guarantee.hazard_factor"
    for factor in (0.25, 0.1):
        p2, stronger = _board(with_values(tutorial, {path: factor}))
        h2 = _hazard(p2, stronger)
        assert np.all(h2[[2, 5]] <= h[[2, 5]])
        assert np.all(h2[[2, 5]] < h[[2, 5]])
        # packages without the guarantee are untouched
        assert np.array_equal(h2[[0, 1, 3, 4, 6]], h[[0, 1, 3, 4, 6]])
        h = h2


# --- 6. consistency of the equilibrium ---------------------------------------------------------


def test_forward_paths_are_consistent(base):
    p, eq = base
    n, months = DRAWS, eq.months
    assert months == p.compiled.scenario.horizon_months
    assert eq.signed.shape == eq.package.shape == eq.collapsed.shape == (n,)
    assert np.all((eq.signed >= -1) & (eq.signed < months))
    assert np.all((eq.package >= -1) & (eq.package < len(eq.candidates)))
    assert np.array_equal(eq.package >= 0, eq.signed >= 0)
    assert np.array_equal(eq.proposer >= 0, eq.signed >= 0)
    assert np.all(eq.proposer < len(eq.proposers))
    # a deal collapses only after it is signed, within the window
    assert np.all((eq.collapsed == -1) | ((eq.signed >= 0) & (eq.collapsed > eq.signed)
                                         & (eq.collapsed < months)))
    signed_by, in_force = eq.signed_by(), eq.in_force()
    assert signed_by.shape == in_force.shape == (months, n)
    assert not np.any(in_force & ~signed_by)
    assert np.all(np.diff(signed_by.astype(int), axis=0) >= 0)  # cumulative
    assert eq.continuation.shape == (months, len(eq.players), n)
    assert np.all(np.isfinite(eq.continuation))
    assert np.isclose(eq.proposer_probability.sum(), 1.0)
    # the solve is not degenerate: some paths sign, some do not
    assert 0 < np.mean(eq.signed >= 0) < 1


@pytest.fixture(scope="module")
def alaska_talks():
    p = prepare("alaska-2025", draws=300, rng=SEED)
    fitted = fit_game(p.compiled, p.expected, OPTIONS)
    return p, fitted, play(p.compiled, p.expected, fitted, record=True)


def test_the_war_stops_while_a_deal_holds_and_resumes_from_its_line(alaska_talks):
    """MODELS.md 2.2: no fighting while a deal holds; a collapse resumes the war and the
    bargaining from the deal's control (the forward paths are played again for it)."""
    p, fitted, eq = alaska_talks
    talks, months = eq.talks, eq.months
    paths = talks.paths
    terms = [dict(c.terms) for c in eq.candidates]
    spells = 0
    for d in np.flatnonzero(talks.ratified.any(axis=0)):
        for s in np.flatnonzero(talks.ratified[:, d]):
            ends = np.flatnonzero(talks.collapsed[s + 1:, d])
            c = s + 1 + ends[0] if ends.size else months
            spells += 1
            control = paths.control[s + 1:c + 1, ..., d]
            assert np.array_equal(control, np.broadcast_to(control[:1], control.shape))
            assert np.all(paths.casualties[s + 1:c, :, d] == 0)
            assert not talks.ratified[s + 1:c, d].any()  # no talks while it holds
            compiled = p.compiled.take(np.array([d]))
            deal = deal_control(compiled, p.expected.take(np.array([d])),
                                terms[talks.offered[s, d]], now=paths.control[s][..., [d]])
            assert np.allclose(control[0], deal[..., 0], rtol=0, atol=1e-9)
            if c < months:  # fighting again from the deal's control
                assert np.all(paths.casualties[c, :, d] > 0)
    assert spells > 10 and talks.collapsed.any()
    again = play(p.compiled, p.expected, fitted)
    assert np.array_equal(again.signed, eq.signed)
    assert np.array_equal(again.collapsed, eq.collapsed)
    assert np.array_equal(again.force, eq.force)
    # without truces the war goes on through a deal: the first signatures and month 0's
    # answers are the same (the leverage decomposition's), what follows them is not
    fighting = play(p.compiled, p.expected, fitted, truces=False)
    for name in ("signed", "package", "proposer"):
        assert np.array_equal(getattr(fighting, name), getattr(eq, name)), name
    assert np.array_equal(fighting.accept[:, 0], eq.accept[:, 0])
    assert np.array_equal(fighting.continuation[0], eq.continuation[0])
    assert not np.array_equal(fighting.force, eq.force)


def test_named_outputs_and_zones(base):
    p, eq = base
    s = p.compiled.scenario
    named = len(s.proposals)
    P, J = len(eq.candidates), len(eq.players)
    for zone in (eq.zone_own, eq.zone_common):
        assert zone.dtype == np.bool_ and zone.shape == (P, DRAWS)
    assert eq.accept.dtype == np.bool_ and eq.accept.shape == (named, 13, J, DRAWS)
    assert eq.reasons.dtype == np.int8 and eq.reasons.shape == (named, 13, J, DRAWS)
    assert np.all((eq.reasons >= 0) & (eq.reasons <= 4))
    assert np.array_equal(eq.reasons == 0, eq.accept)  # code 0 iff the player accepts
    assert eq.required.shape == (named, J)
    # no veto over a package: always "accepts"
    free = ~eq.required[:, None, :, None] & np.ones_like(eq.accept)
    assert np.all(eq.accept[free])
    assert eq.ratification.shape == (named, J, DRAWS)
    assert np.all((eq.ratification >= 0) & (eq.ratification <= 1))
    assert eq.hazard.shape == (named, DRAWS)
    assert np.all((eq.hazard >= 0) & (eq.hazard <= 1))


@pytest.mark.parametrize("limit", [1, 3, 4, 5, 12])
def test_candidates_named_first_then_searched(tutorial, limit):
    _, eq = _solve(tutorial, draws=60, options=SolverOptions(fitting_paths=1, candidates=limit))
    names = [proposal.id for proposal in tutorial.proposals]
    ids = [c.id for c in eq.candidates]
    assert ids[:len(names)] == names
    assert all(not c.searched for c in eq.candidates[:len(names)])
    for k, c in enumerate(eq.candidates[len(names):]):
        assert c.searched and c.id == f"searched-{k + 1}"
    assert len(eq.candidates) <= max(limit, len(names))
    for c, proposal in zip(eq.candidates, tutorial.proposals, strict=False):
        assert dict(c.terms) == dict(proposal.terms)


# --- 7. belief weights ------------------------------------------------------------------------


def _weights(compiled, rng, months=13):
    """The mixture's log m on ``compiled``'s draws, and the weights on their paths."""
    log_m, mean, sd = _mixture(compiled, 1, rng)
    paths = None if log_m is None else simulate_war(compiled.with_months(months), noise=True,
                                                    log_m=log_m)
    return log_m, _Weights(log_m, mean, sd, paths), paths


def test_weights_are_one_when_every_prior_is_the_analysts(tutorial):
    sd = float(tutorial.beliefs.analyst_sd_log_m)
    changes = {}
    for prior in tutorial.beliefs.priors:
        changes[f"beliefs.priors.{prior.id}.mean_log_m"] = -sd**2 / 2
        changes[f"beliefs.priors.{prior.id}.sd_log_m"] = sd
    p = prepare(with_values(tutorial, changes), draws=150, rng=SEED)
    log_m, weights, _ = _weights(p.compiled, np.random.default_rng(1))
    assert log_m.shape == (150,)
    for t in (0, 6, 12):  # before any signal and after some
        w = weights.at(t)
        assert w.shape == (1 + len(tutorial.beliefs.priors), 150)
        np.testing.assert_allclose(w, 1.0, rtol=1e-12, atol=0)


def test_weights_are_capped_with_distinct_priors(tutorial):
    # priors far apart: p_i / q would reach 3 where only i's density is material
    changes = {"beliefs.priors.NO.mean_log_m": 1.5, "beliefs.priors.NO.sd_log_m": 0.05,
               "beliefs.priors.SO.mean_log_m": -1.5, "beliefs.priors.SO.sd_log_m": 0.05}
    for scenario in (tutorial, with_values(tutorial, changes)):
        p = prepare(scenario, draws=400, rng=SEED)
        _, weights, _ = _weights(p.compiled, np.random.default_rng(2))
        for t in (0, 6):
            w = weights.at(t)
            assert np.all(np.isfinite(w)) and np.all(w >= 0)
            assert w.max() <= WEIGHT_CAP == 3.0
            assert not np.allclose(w, 1.0)
    # with the far priors the cap binds on some paths for every weighting, before signals
    assert np.all((weights.at(0) >= WEIGHT_CAP * (1 - 1e-9)).any(axis=1))


def test_weights_are_the_ratio_of_the_posteriors(tutorial):
    """p_i(m | D_t) / q(m | D_t), checked by integrating Bayes' rule on a grid."""
    changes = {"beliefs.priors.NO.mean_log_m": 0.3, "beliefs.priors.NO.sd_log_m": 0.4,
               "beliefs.priors.SO.mean_log_m": -0.3, "beliefs.priors.SO.sd_log_m": 0.4}
    p = prepare(with_values(tutorial, changes), draws=40, rng=SEED)
    log_m, weights, paths = _weights(p.compiled, np.random.default_rng(3))
    _, mean, sd = _mixture(p.compiled, 1, np.random.default_rng(3))
    precision, total, _ = evidence(paths.beliefs.signal, paths.beliefs.signal_sd)
    grid = np.linspace(-6, 6, 120_001)
    for t in (0, 4, 12):
        w = weights.at(t)
        for d in range(0, 40, 7):
            log_like = -0.5 * (precision[t, d] * grid**2 - 2 * total[t, d] * grid)
            like = np.exp(log_like - log_like.max())
            prior = np.exp(-0.5 * ((grid[None] - mean[:, d, None]) / sd[:, d, None]) ** 2) \
                / sd[:, d, None]
            post = prior * like[None]
            post /= post.sum(axis=1, keepdims=True)  # each component's posterior
            evidence_c = (prior * like[None]).sum(axis=1)  # its marginal likelihood
            q = (evidence_c[:, None] * post).sum(axis=0) / evidence_c.sum()
            here = [np.interp(log_m[d], grid, f) for f in (*post, q)]
            expected = np.minimum(np.array(here[:-1]) / here[-1], WEIGHT_CAP)
            np.testing.assert_allclose(w[:, d], expected, rtol=1e-3)


def test_mixture_without_beliefs(tutorial):
    p = prepare(tutorial.model_copy(update={"beliefs": None}), draws=20, rng=SEED)
    log_m, weights, _ = _weights(p.compiled, np.random.default_rng(0))
    assert log_m is None
    assert np.array_equal(weights.at(5), np.ones((1, 20)))


# --- 8. a threat acting only on payoffs ----------------------------------------------------------


def _north_under_threat(scenario) -> tuple[float, float]:
    """North's mean acceptance of the mediator's plan offered at month 0, and its mean
    month-0 continuation value (in units of its annuity)."""
    _, eq = _solve(scenario)
    plan = [c.id for c in eq.candidates].index(scenario.bargaining.mediator_plan)
    north = eq.players.index("NO")
    return float(eq.accept[plan, 0, north].mean()), float(eq.continuation[0, north].mean())


def test_threat_does_not_lower_north_acceptance_of_the_plan(tutorial):
    lever = next(lv for lv in tutorial.levers if lv.id == "tariff-threat")
    assert lever.against == "NO" and tutorial.bargaining.mediator == "PA"
    accept_on, value_on = _north_under_threat(tutorial)
    accept_off, value_off = _north_under_threat(
        with_values(tutorial, {"levers.tariff-threat.probability": 0.0}))
    print(f"North accepts the plan at month 0: threat {accept_on:.3f}, none {accept_off:.3f}; "
          f"continuation {value_on:.4f} vs {value_off:.4f}")
    assert accept_on >= accept_off - 0.03
    # the threat acts through payoffs: North's value of bargaining on falls with it
    # (in the tutorial North accepts the plan on every path either way, so this is the
    # informative half of the check)
    assert value_on < value_off
