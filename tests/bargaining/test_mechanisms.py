"""The mechanisms of bargaining over time (issue #13), on small variants of the tutorial.

Each test builds the variant the theory speaks about and checks the direction (or the
exact result) the theory predicts: immediate agreement under complete information with a
stationary war, delay under mutual optimism, stability in the solver's own choices (the
horizon, the fitting paths, the regression basis), and a claim completed by the package
that hands over its regions.
"""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.bargaining.board import Board
from ceasefire.bargaining.equilibrium import SolverOptions, solve
from ceasefire.results.stats import difference
from ceasefire.scenario import Scenario, load_scenario
from ceasefire.scenario.edit import with_values
from ceasefire.workflows.prepare import prepare


@pytest.fixture(scope="module")
def tutorial() -> Scenario:
    return load_scenario("tutorial")


def _solve(scenario: Scenario, *, draws: int = 200, seed: int = 5, **options):
    prepared = prepare(scenario, draws=draws, rng=seed)
    options = {"fitting_paths": 2, "candidates": 12, **options}
    return prepared, solve(prepared.compiled, prepared.expected, SolverOptions(**options))


def _stationary(tutorial: Scenario) -> Scenario:
    """Fronts frozen, no concession needing ratification (r = 1), a constant hazard,
    common beliefs, no levers, and one issue: the line in 101 steps."""
    data = tutorial.model_dump(mode="json", exclude_none=True)
    for region in data["regions"]:
        region.pop("front", None)
    line = next(i for i in data["issues"] if i["kind"] == "line")
    line["options"] = [{"id": f"x-{k}", "x": float(k)} for k in range(101)]
    line["default"] = "x-0"
    data["issues"] = [line]
    data["proposals"] = [{"id": "freeze", "name": "Freeze", "terms": {line["id"]: "x-0"}}]
    data["levers"] = []
    data.pop("beliefs", None)
    data["territorial_claims"] = []
    data["bargaining"] = {"proposers": {"NO": 0.5, "SO": 0.5}, "base_hazard": 0.02,
                          "hazard_sensitivity": 0.0}
    for actor in data["actors"]:
        actor["audience_cost"] = 0.0
    return Scenario.model_validate(data)


def test_a_stationary_war_with_common_beliefs_ends_in_month_0(tutorial):
    """The textbook result (Rubinstein 1982; Merlo & Wilson 1995): with nothing to learn
    and nothing to wait for, the first proposer offers what the other accepts, now."""
    _, eq = _solve(_stationary(tutorial), candidates=1)
    assert np.all(eq.signed == 0)


MUTUAL = {"beliefs.priors.NO.mean_log_m": 1.2, "beliefs.priors.NO.sd_log_m": 0.3,
          "beliefs.priors.SO.mean_log_m": -1.2, "beliefs.priors.SO.sd_log_m": 0.3}
COMMON = {"beliefs.priors.NO.mean_log_m": -0.02, "beliefs.priors.NO.sd_log_m": 0.2,
          "beliefs.priors.SO.mean_log_m": -0.02, "beliefs.priors.SO.sd_log_m": 0.2}


@pytest.fixture(scope="module")
def optimism(tutorial):
    """The tutorial solved on a common belief and under mutual optimism (same draws)."""
    return (_solve(with_values(tutorial, COMMON), draws=300)[1],
            _solve(with_values(tutorial, MUTUAL), draws=300)[1])


def test_mutual_optimism_keeps_deals_from_holding(optimism):
    """Priors that each expect to gain by fighting (Fearon 1995; Yildiz 2011) make every
    deal a truce that either side expects to break: its hazard rises with each side's
    gain from renewed war (MODELS 2.2), so deals are signed and do not hold (the Minsk
    pattern of scenario-facts: twelve recommitments in three years)."""
    common, hopes = optimism
    held = difference(hopes.in_force()[1:].mean(0), common.in_force()[1:].mean(0))
    assert held.d + 2 * held.se < 0
    assert np.median(hopes.hazard) > np.median(common.hazard)


def test_learning_ends_the_war_of_optimists(optimism):
    """As the signal moves both beliefs to the truth, the price of optimism falls
    (Slantchev 2003): the shortfall of deals in force against the common belief, on the
    same draws, is smaller in the last six months than in months 1-6."""
    common, hopes = optimism
    gap = common.in_force().astype(float) - hopes.in_force()
    change = gap[-6:].mean(axis=0) - gap[1:7].mean(axis=0)
    assert gap[1:7].mean() > 0.1  # optimism costs deals early on
    assert change.mean() + 2 * change.std(ddof=1) / np.sqrt(change.size) < 0


def test_doubling_the_horizon_barely_moves_the_forecast(tutorial):
    """MODELS 2.5: T is a numerical choice, not a model parameter."""
    _, base = _solve(tutorial, draws=300, horizon=120)
    _, double = _solve(tutorial, draws=300, horizon=240)
    month = min(23, base.months - 1)
    change = difference(double.signed_by()[month], base.signed_by()[month])
    assert abs(change.d) < 0.02 + 2 * change.se


@pytest.mark.slow
@pytest.mark.parametrize("change", [{"fitting_paths": 6}, {"squares": True}])
def test_the_forecast_is_stable_in_the_fitting_paths_and_the_basis(tutorial, change):
    _, base = _solve(tutorial, draws=400, fitting_paths=3)
    _, other = _solve(tutorial, draws=400, **{"fitting_paths": 3, **change})
    month = base.months - 1
    shift = difference(other.signed_by()[month], base.signed_by()[month])
    assert abs(shift.d) < 0.05 + 2 * shift.se


def test_all_donetsk_completes_russia_s_donetsk_claim():
    """MODELS 2.1: a claim is complete when the other side holds at most 1 % of each of
    its regions; handing over the rest of Donetsk completes Russia's Donbas claim."""
    prepared = prepare("alaska-2025", draws=20, rng=1)
    s = prepared.scenario
    claim = next(c for c in s.territorial_claims if "donetsk-ru-held" in c.regions)
    board = Board(prepared.compiled, ("RU", "UA"),
                  [{}, s.proposal("donetsk-for-freeze").terms], prepared.expected.control[0],
                  prepared.expected.area_km2)
    control = prepared.expected.control[0]
    completion = board.package_completion(control, board.moved(control))
    value = prepared.compiled.get(f"territorial_claims.{claim.id}.completion_value_per_month")
    assert np.all(completion[0, 0] < value)  # today: Ukraine holds part of Donetsk
    assert np.all(completion[1, 0] >= value)  # all of Donetsk to Russia completes it
    assert np.all(completion[:, 1] == 0)  # Ukraine has no claim of its own
