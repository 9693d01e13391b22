"""A two-point prior with noise-free signals (issue #13, "Beliefs"; MODELS.md 2.4-2.5).

With beliefs on two points of log m and signals without noise, each party's month-0
continuation value is the prior-weighted mean of its values in the two games where m is
known, to 1e-9:

.. math:: C_i(0) = \\pi_i(m_1)\\, C_i(0 \\mid m_1) + \\pi_i(m_2)\\, C_i(0 \\mid m_2).

*Why it is exact.* The month-0 signal reveals m to every party (its spread is 0, so Bayes
on the two points puts all the mass on the true one), so from month 1 on every fitting
path plays the game of its own m with m known, and the war has no other chance move.
Month 1's state then takes two values, one per point; every later regression is fitted on
two states that its features (the control of the fronts, the posterior means) separate,
and a linear regression is exact on a two-valued function of a feature that separates the
points, so each fitted continuation value is, up to the regression's ridge, the one of
the game with m known and every decision on the paths is that game's. Realised values are
carried back path by path (Longstaff & Schwartz 2001), so the value of month 1 on a path
is exactly the value of the known-m game. In month 0 every path has the same features, so
the regression is a weighted mean, and with weights ``pi_i(k) / share_k`` (the ratio to the
shares of the paths actually on each point, :class:`_Weights`) it is exactly
``sum_k pi_i(k) mean_k``. The ridge shrinks a month-0 fit with one varying feature (the
constant) by the same factor ``1 / (1 + RIDGE / F)`` in every game, which the linear
identity carries through.

*What the scenario leaves out, and why* (with the error each brings when left in):

- no collapse hazard (base hazard 0, which the board clips at 1e-9 a month; no
  sensitivity to the gain from renewed war): a deal's value includes the fitted
  continuation after a collapse (MODELS.md 2.2), and the ridge shrinks a fit on two
  states differently from a fit on one (1e-7 here);
- one fitting path per outer draw: with more, the extra paths start from the fitted
  value of month ``horizon_months + 12`` (see ``_backward``), the same ridge effect
  (1e-9);
- no territorial candidate: a quarter of the fitting paths start from a candidate's
  control, and month 0's regression is then a fit across starting lines, not a mean
  (1e-2);
- casualties that do not depend on the ground gained: otherwise each party's war-cost
  annuity A, the unit of the fitted values, depends on the analyst's m of the outer draw
  (0.3);
- no levers (their flags are randomised on the fitting paths), fixed numbers, no front
  noise, no culmination regime, no oil-price noise: the war's only unknown is m.

The parties disagree: North puts 3/4 on the fast point, South 0.4, the analyst (whose
distribution the patron holds) 1/2, so the weights differ from 1 and from each other, and
the two points lead to different games (no deal at the slow pace, a deal in month 22 at
the fast one).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ceasefire.bargaining.equilibrium import SolverOptions, solve
from ceasefire.scenario import Scenario, load_scenario
from ceasefire.workflows.prepare import prepare

SLOW, FAST = math.log(0.5), math.log(1.5)
"""The two points of log m: half and one and a half times the calibrated pace
(E[m] = 1 under the analyst's 1/2 each)."""
PRIORS = {"NO": [0.25, 0.75], "SO": [0.6, 0.4]}
ANALYST = [0.5, 0.5]
OPTIONS = SolverOptions(fitting_paths=1, candidates=4, refine=False)
DRAWS, SEED = 61, 3
"""61 paths: the mixture's 0.55 on the fast point is not a whole number of them, so the
shares of the paths differ from q's, and weights by q's shares would miss by 3e-2."""


def _mode(node: Any) -> Any:
    """The scenario's data with every uncertain number replaced by its mode."""
    if isinstance(node, dict):
        if {"low", "mode", "high"} <= set(node):
            return node["mode"]
        return {key: _mode(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_mode(value) for value in node]
    return node


def _deterministic_war() -> dict[str, Any]:
    """The tutorial with nothing left to chance but m (see the module docstring)."""
    data = _mode(load_scenario("tutorial").model_dump(mode="json", exclude_none=True))
    for region in data["regions"]:
        if "front" in region:
            region["front"]["noise_sd"] = 0.0
            region["front"].pop("regime", None)
    for economy in data["economy"]:
        economy["oil_price_volatility"] = 0.0
    for forces in data["forces"]:
        forces["casualties_per_km2_gained"] = 0.0
        forces["casualties_per_km2_lost"] = 0.0
    data["levers"] = []
    data["narrow_agreements"] = []
    line = next(issue for issue in data["issues"] if issue["kind"] == "line")
    line["options"] = [option for option in line["options"] if option["id"] == "freeze"]
    data["proposals"] = [
        {"id": "freeze", "name": "Freeze", "terms": {"valley-line": "freeze"}},
        {"id": "freeze-relief", "name": "Freeze with relief",
         "terms": {"valley-line": "freeze", "sanctions-relief": "lifted"}}]
    data["bargaining"].update(mediator_plan="freeze", base_hazard=0.0, hazard_sensitivity=0.0)
    return data


def _on_points(points: list[float], analyst: list[float],
               priors: dict[str, list[float]]) -> Scenario:
    data = _deterministic_war()
    data["beliefs"] = {
        "analyst_points": {"log_m": points, "probability": analyst},
        "priors": [{"id": actor, "points": {"log_m": points, "probability": p}}
                   for actor, p in priors.items()]}
    return Scenario.model_validate(data)


def _known(point: float) -> Scenario:
    """The game with m known to all: every belief a point mass on ``point``."""
    return _on_points([point], [1.0], {actor: [1.0] for actor in PRIORS})


@pytest.fixture(scope="module")
def games():
    prepared = prepare(_on_points([SLOW, FAST], ANALYST, PRIORS), draws=DRAWS, rng=SEED)
    two = solve(prepared.compiled, prepared.expected, OPTIONS)
    known = []
    for point in (SLOW, FAST):
        p = prepare(_known(point), draws=DRAWS, rng=SEED)
        # the same candidates: the search must not differ between the games
        known.append(solve(p.compiled, p.expected, OPTIONS, candidates=two.candidates))
    return two, known


def test_month_0_value_is_the_prior_weighted_value_of_the_known_games(games):
    two, (slow, fast) = games
    assert two.players == slow.players == fast.players == ("NO", "SO", "PA")
    beliefs = {**PRIORS, "PA": ANALYST}  # the patron holds the analyst's distribution
    for j, player in enumerate(two.players):
        own = two.now.own[j]
        assert np.ptp(own) == 0  # month 0 is one state on every path
        expected = beliefs[player][0] * slow.now.own[j] + beliefs[player][1] * fast.now.own[j]
        error = np.max(np.abs(own - expected))
        print(f"{player}: C(0) {own[0]:.12f}, prior-weighted {expected[0]:.12f}, "
              f"error {error:.1e}")
        assert error < 1e-9
        # the identity is not trivially met: the two known games differ by much more
        assert abs(fast.now.own[j, 0] - slow.now.own[j, 0]) > 0.5


def test_the_two_points_are_different_games(games):
    """The check above would be empty if m changed nothing: at the slow pace no deal is
    signed in the window, at the fast one every path signs the same month; the
    two-point game's forward paths (m from the analyst's points) follow each."""
    two, (slow, fast) = games
    assert np.all(slow.signed < 0)
    assert np.all(fast.signed >= 0) and np.ptp(fast.signed) == 0
    true_fast = prepare(_on_points([SLOW, FAST], ANALYST, PRIORS), draws=DRAWS,
                        rng=SEED).compiled.get("beliefs.log_m") == FAST
    assert 0 < true_fast.sum() < DRAWS
    assert np.array_equal(two.signed[~true_fast], slow.signed[~true_fast])
    assert np.array_equal(two.signed[true_fast], fast.signed[true_fast])
