"""The fit's own noise (docs/model.md 5.5): threat effects pooled over months and capped
for their target, and fits on independent fitting paths (``analyze --fits``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import ceasefire
from ceasefire.bargaining.equilibrium import (
    THREAT_SMOOTHING,
    SolverOptions,
    _game,
    _month,
    _setting,
    _smoothed,
    fit_game,
    play,
)
from ceasefire.bargaining.regression import fit
from ceasefire.cli import main
from ceasefire.dynamics import simulate_war
from ceasefire.workflows.prepare import prepare

OPTIONS = SolverOptions(fitting_paths=2, candidates=12)

pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")


@pytest.fixture(scope="module")
def prepared():
    return prepare("tutorial", draws=150, rng=5)


@pytest.fixture(scope="module")
def fitted(prepared):
    return fit_game(prepared.compiled, prepared.expected, OPTIONS)


# --- pooling a threat's effect over months ---------------------------------------------------


def _fits(months: int, rng: np.random.Generator):
    """Fits of random data with a flag in column 2, one per month, month 0 first."""
    out = []
    for _ in range(months):
        x = np.column_stack([np.ones(50), rng.normal(size=50), rng.random(50) < 0.3])
        y = x @ rng.normal(size=(3, 2)) + rng.normal(size=(50, 2))
        out.append(fit(x, y, np.ones((1, 50))))
    return out


def test_the_effect_used_in_month_t_is_the_mean_of_the_raw_ones_of_t_to_t_plus_11():
    raw = _fits(30, np.random.default_rng(0))
    history: dict = {}
    pooled = [None] * 30
    for t in range(29, -1, -1):  # backward, as the induction runs
        pooled[t] = _smoothed(raw[t], [2], history)
    for t in (0, 5, 17, 18, 29):
        window = raw[t:t + THREAT_SMOOTHING]
        expected = np.mean([f.coef[:, 2] / f.scale[2] for f in window], axis=0)
        assert np.allclose(pooled[t].slope(0, 2), expected[0], rtol=0, atol=1e-12)
        # the predictions stay the month's own regression's
        x = np.array([[1.0, 0.3, 1.0], [1.0, -1.0, 0.0]])
        assert np.array_equal(pooled[t].predict(x, 0), raw[t].predict(x, 0))
    assert not np.allclose(pooled[0].slope(0, 2), raw[0].slope(0, 2))
    # other features keep their own slopes
    assert np.array_equal(pooled[3].slope(0, 1), raw[3].slope(0, 1))


def test_a_threat_never_raises_the_value_of_the_party_it_is_made_against(prepared, fitted):
    compiled, expected = prepared.compiled, prepared.expected
    game = _game(compiled, expected)
    assert game.threats, "the tutorial declares a conditional lever"
    terms = [dict(c.terms) for c in fitted.candidates]
    paths = simulate_war(compiled.with_months(14), noise=True)
    at = _setting(expected, game, terms, compiled, paths, 1, False)
    for t in range(13):
        m = _month(game, at, fitted.fits[t], t, game.weighting)
        for lever, target in game.threats:
            assert (m.jumps[lever][target] <= 0).all()
    # an estimate of the wrong sign: the target's jump is capped at zero, the others' kept
    (lever, target), = game.threats[:1]
    column = at.track.flag_features[lever]
    wrong = fitted.fits[0].with_slope(column, np.ones_like(fitted.fits[0].coef[:, column]))
    m = _month(game, at, wrong, 0, game.weighting)
    assert (m.jumps[lever][target] == 0).all()
    others = np.delete(m.jumps[lever], target, axis=0)
    assert (others > 0).any() and (others >= 0).all()


# --- fits on independent fitting paths -------------------------------------------------------


def test_replicate_0_is_the_fit_and_other_replicates_are_reproducible(prepared, fitted):
    compiled, expected = prepared.compiled, prepared.expected
    again = fit_game(compiled, expected, OPTIONS, candidates=fitted.candidates, replicate=0)
    assert all(np.array_equal(a.coef, b.coef) for a, b in zip(fitted.fits, again.fits,
                                                              strict=True))
    one = fit_game(compiled, expected, OPTIONS, candidates=fitted.candidates, replicate=1)
    same = fit_game(compiled, expected, OPTIONS, candidates=fitted.candidates, replicate=1)
    assert all(np.array_equal(a.coef, b.coef) for a, b in zip(one.fits, same.fits,
                                                              strict=True))
    assert not np.array_equal(one.fits[0].coef, fitted.fits[0].coef)
    # played on the same forward paths
    base, other = play(compiled, expected, fitted), play(compiled, expected, one)
    assert base.signed.shape == other.signed.shape


@pytest.fixture(scope="module")
def analyses():
    common = dict(rng=3, draws=150, decomposition_draws=40, fitting_paths=2, candidates=12)
    return (ceasefire.analyze("tutorial", **common),
            ceasefire.analyze("tutorial", fits=3, **common))


def test_fits_report_the_spread_and_leave_the_reported_forecast_alone(analyses):
    one, three = analyses
    assert one.agreement.fit_noise is None
    noise = three.agreement.fit_noise
    assert noise is not None and noise.fits == 3
    assert noise.p_within_12[0] == three.agreement.p_within_12.p  # the reported fit first
    assert noise.sd_within_12 == pytest.approx(np.std(noise.p_within_12, ddof=1), abs=1e-15)
    assert noise.sd_within_24 == pytest.approx(np.std(noise.p_within_24, ddof=1), abs=1e-15)
    assert list(noise.by_month_sd) == list(three.agreement.by_month)
    last = list(three.agreement.by_month)[11]
    assert noise.by_month_sd[last] == pytest.approx(noise.sd_within_12, abs=1e-15)
    # the refits do not touch the reported answer
    assert three.agreement.model_copy(update={"fit_noise": None}) == one.agreement
    assert three.proposals == one.proposals
    assert "refits" in three.run["wall_s"] and "refits" not in one.run["wall_s"]
    assert "across 3 fits" in noise.headline()


def test_fits_give_each_factors_effect_under_each_pair_of_fits(analyses):
    one, three = analyses
    assert three.leverage.factors and all(e.fit_differences is None
                                          for e in one.leverage.factors.values())
    for factor, effect in three.leverage.factors.items():
        spread = effect.fit_differences
        assert spread is not None and spread.fits == 3, factor
        assert spread.within_12[0] == pytest.approx(effect.p_within_12.d, abs=1e-15)
        assert spread.within_24[0] == pytest.approx(effect.p_within_24.d, abs=1e-15)
        assert spread.sd_within_12 == pytest.approx(np.std(spread.within_12, ddof=1),
                                                    abs=1e-15)
        # the reported effects are the single fit's
        assert effect.model_copy(update={"fit_differences": None}) == \
            one.leverage.factors[factor]


def test_analyze_fits_on_the_command_line(capsys):
    code = main(["analyze", "tutorial", "--draws", "120", "--seed", "2", "--fits", "2",
                 "--fitting-paths", "2", "--candidates", "12", "--decomposition-draws", "10",
                 "--no-report", "--no-store", "--json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    noise = document["agreement"]["fit_noise"]
    assert noise["fits"] == 2 and len(noise["p_within_12"]) == 2
    assert document["schema_version"] == 6


def test_fits_out_of_range_are_refused_at_the_option(capsys):
    code = main(["analyze", "tutorial", "--fits", "0", "--no-report", "--no-store"])
    assert code != 0
    assert "--fits" in capsys.readouterr().err


def test_whatif_fits_give_the_change_under_each_pair_of_fits():
    result = ceasefire.whatif("tutorial", levers={"arms-package": False}, rng=3, draws=120,
                              fitting_paths=2, candidates=12, fits=3)
    spread = result.agreement.fit_differences
    assert spread is not None and spread.fits == 3
    base, variant = result.base.agreement.fit_noise, result.variant.agreement.fit_noise
    assert spread.within_12 == pytest.approx(
        np.subtract(variant.p_within_12, base.p_within_12).tolist(), abs=1e-15)
    assert spread.within_12[0] == pytest.approx(result.agreement.p_within_12.difference.d,
                                                abs=1e-15)  # the reported fits first
    assert spread.sd_within_24 == pytest.approx(np.std(spread.within_24, ddof=1), abs=1e-15)
    single = ceasefire.whatif("tutorial", levers={"arms-package": False}, rng=3, draws=120,
                              fitting_paths=2, candidates=12)
    assert single.agreement.fit_differences is None
    assert single.agreement.p_within_12 == result.agreement.p_within_12


def test_the_report_says_how_much_the_forecast_moves_across_fits(analyses, tmp_path):
    from ceasefire.report import write_report
    from ceasefire.scenario import load_scenario

    one, three = analyses
    scenario = load_scenario("tutorial")
    html = write_report(three, scenario, tmp_path / "three").read_text()
    assert "Across 3 fits on independent fitting paths: within 12 months" in html
    html = write_report(one, scenario, tmp_path / "one").read_text()
    assert "fits on independent fitting paths" not in html


def test_whatif_fits_on_the_command_line(capsys):
    code = main(["whatif", "tutorial", "--draws", "100", "--seed", "3", "--lever",
                 "arms-package=off", "--fits", "2", "--no-store"])
    assert code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "across 2 fits of both games:" in out and "the ± leaves this spread out" in out
