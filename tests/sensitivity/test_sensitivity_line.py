"""The line question's reservation points as sensitivity outputs (issue 15).

The line engine scores lines on the compiled draws it is given (no recompiling from a
seed), so the rows of a design, whose values no seed reproduces, get their own
reservation points; and they move with the parameters that should move them.
"""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.bargaining.equilibrium import SolverOptions, fit_game, play
from ceasefire.bargaining.line import line_issue, line_net_surplus
from ceasefire.dynamics import simulate_war
from ceasefire.sensitivity import SensitivityOptions, sensitivity
from ceasefire.sensitivity.evaluate import build_rows
from ceasefire.sensitivity.outputs import line_reservations
from ceasefire.sensitivity.parameters import uncertain_parameters
from ceasefire.workflows.prepare import prepare

DUMMY = "actors.OB.discount_factor"  # the observer of conftest.with_dummy

LAND_SO = "regions.east-valley.value.SO"
"""What the loser (SO) gets from holding the first region of the line question."""


@pytest.fixture(scope="module")
def game():
    base = prepare("tutorial", draws=200, rng=3)
    fitted = fit_game(base.compiled, base.expected,
                      SolverOptions(fitting_paths=2, candidates=8))
    return base, fitted


def _rows(base, target: str, quantiles: np.ndarray):
    """Rows at every parameter's median but ``target``, which takes ``quantiles``."""
    uncertain = uncertain_parameters(base.compiled)
    unit = np.full((len(quantiles), len(uncertain)), 0.5)
    unit[:, [p.path for p in uncertain].index(target)] = quantiles
    return build_rows(base.compiled.subset(1), uncertain, tuple(range(len(uncertain))), unit,
                      noise=np.random.SeedSequence(1))


def test_a_line_at_a_named_x_is_that_option_on_draws_no_seed_gives(game):
    base, fitted = game
    eq = play(base.compiled, base.expected, fitted)
    # the named line's public support for the loser, set by hand per draw: a recompile
    # from the seed would not see it
    path = "issues.valley-line.options.east-valley-to-north.support.SO"
    changed = base.compiled.with_params(**{path: np.linspace(0.05, 0.95, base.compiled.draws)})
    issue = line_issue(changed)
    named = sorted(issue.options, key=lambda o: o.x)
    net = line_net_surplus(changed, base.expected, eq.now, issue,
                           np.array([o.x for o in named]), ["NO", "SO"]).net
    direct = eq.now.values(changed, base.expected, [{issue.id: o.id} for o in named]).gain()
    rows = [eq.now.players.index(p) for p in ("NO", "SO")]
    np.testing.assert_allclose(net, direct[:, rows], rtol=0, atol=1e-12)
    middle = [o.id for o in named].index("east-valley-to-north")
    assert np.ptp(net[middle, 1]) > 0  # the hand-set support reaches SO's gain


def test_the_loser_concedes_less_the_more_it_values_the_land(game):
    base, fitted = game
    rows = _rows(base, LAND_SO, np.array([0.05, 0.25, 0.5, 0.75, 0.95]))
    expected = simulate_war(rows, noise=False)
    gainer, loser = line_reservations(rows, expected, play(rows, expected, fitted))
    assert np.all(np.diff(loser) <= 0) and loser[-1] < loser[0]
    # the gainer's own terms do not depend on what the land is worth to the loser
    assert np.ptp(gainer) == 0
    assert np.all((0 <= gainer) & (gainer <= 100) & (0 <= loser) & (loser <= 100))


def test_line_outputs_in_a_morris_run(with_dummy):
    options = SensitivityOptions(method="morris", samples=4, replicates=1, fit_draws=100,
                                 candidates=8, fitting_paths=1, outputs=("line",),
                                 parameters=(LAND_SO, DUMMY))
    result = sensitivity(with_dummy, options, rng=4)
    assert set(result.outputs) == {"line.NO", "line.SO"}
    loser = result.outputs["line.SO"]
    assert loser.indices[LAND_SO].mu_star > 0 and loser.indices[LAND_SO].mu < 0
    assert loser.indices[DUMMY].mu_star == 0  # a bystander's patience moves no line
    # and neither moves the gainer's point: no variance, so no indices
    assert result.outputs["line.NO"].variance == 0
    assert not any("not analysed" in note for note in result.notes)
    assert any("reservation points" in note for note in result.notes)
