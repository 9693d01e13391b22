"""Sensitivity on the tutorial: an inert parameter gets no index, Morris ranks, results
round-trip and replay."""

from __future__ import annotations

import numpy as np
import pytest

from ceasefire.errors import InputError
from ceasefire.results import SensitivityResult, load_result
from ceasefire.sensitivity import SensitivityOptions, sensitivity

DUMMY = "actors.OB.discount_factor"  # the observer of conftest.with_dummy

PARAMETERS = ("actors.*.discount_factor", "beliefs.log_m", "levers.arms-package.happens")


@pytest.fixture(scope="module")
def sobol(with_dummy) -> SensitivityResult:
    options = SensitivityOptions(samples=16, replicates=2, fit_draws=200,
                                 parameters=PARAMETERS, outputs=("deal-12", "control",
                                                                 "accept.*.PA"))
    return sensitivity(with_dummy, options, rng=5)


def test_a_parameter_that_enters_no_output_gets_indices_within_the_ci_of_zero(sobol):
    assert DUMMY in sobol.parameters
    varied = [o for o in sobol.outputs.values() if o.variance > 0]
    assert varied
    for output in varied:
        index = output.indices[DUMMY]
        assert abs(index.first) <= index.first_ci + 1e-12
        # rows that differ only in the dummy are played on the same paths: exactly 0
        assert index.total == 0.0
        assert list(output.indices)[-1] == DUMMY or output.indices[DUMMY].total == min(
            i.total for i in output.indices.values())


def test_chance_is_a_factor_and_the_result_says_how_it_was_fitted(sobol):
    control = sobol.outputs["control"]
    assert control.chance is not None and control.chance.total > 0
    assert sobol.fit.draws >= 200 and sobol.fit.evaluation == "forward"
    assert sobol.fit.refit == bool(sobol.fit.outside)
    assert sobol.evaluations == 16 * (len(sobol.parameters) + 3) * 2


def test_json_round_trip_and_tables(sobol):
    back = load_result(sobol.to_dict())
    assert isinstance(back, SensitivityResult) and back == sobol
    table = sobol.to_frame("indices")
    assert {"output", "parameter", "first", "total", "total_ci"} <= set(table.columns)
    assert len(sobol.to_frame("parameters")) == len(sobol.parameters)
    assert "driven most by" in repr(sobol)


def test_the_same_seed_gives_the_same_numbers(with_dummy, sobol):
    options = SensitivityOptions(samples=16, replicates=2, fit_draws=200,
                                 parameters=PARAMETERS, outputs=("deal-12", "control",
                                                                 "accept.*.PA"))
    again = sensitivity(with_dummy, options, rng=5)
    assert again.replace(run={}) == sobol.replace(run={})


def test_morris_runs_and_ranks(with_dummy):
    options = SensitivityOptions(method="morris", samples=6, replicates=2, fit_draws=200,
                                 parameters=PARAMETERS, outputs=("control",))
    result = sensitivity(with_dummy, options, rng=2)
    output = result.outputs["control"]
    ranked = [index.mu_star for index in output.indices.values()]
    assert ranked == sorted(ranked, reverse=True)
    assert output.indices[DUMMY].mu_star == 0.0
    assert ranked[0] > 0
    assert output.chance is None and output.indices[DUMMY].first is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"outputs": ("deals",)}, "allowed: deal, accept, control"),
    ({"parameters": ("actors.XX.*",)}, "matches no uncertain parameter"),
    ({"samples": 48}, "power of two"),
])
def test_bad_choices_fail_before_any_work(monkeypatch, changes, message):
    import ceasefire.bargaining.equilibrium as equilibrium

    def no_work(*args, **kwargs):
        raise AssertionError("the game was fitted before the choices were checked")

    monkeypatch.setattr(equilibrium, "fit_game", no_work)
    with pytest.raises(InputError, match=message):
        sensitivity("tutorial", SensitivityOptions(**changes), rng=1)


def test_bad_method_names_the_choices():
    with pytest.raises(InputError, match=r"sobol.*morris"):
        SensitivityOptions.of(method="fast")


def test_uncertain_parameters_cover_levers_and_the_true_strength():
    from ceasefire.scenario import load_scenario
    from ceasefire.scenario.compile import compile_scenario
    from ceasefire.sensitivity import uncertain_parameters

    compiled = compile_scenario(load_scenario("tutorial"), draws=8, rng=1)
    found = {p.path: p for p in uncertain_parameters(compiled)}
    assert {"actors.NO.discount_factor", "beliefs.log_m", "levers.arms-package.happens",
            "levers.tariff-threat.happens"} <= set(found)
    assert "levers.export-sanctions.happens" not in found  # probability 1
    p = found["actors.NO.discount_factor"]
    values = p.quantile(np.array([0.0, 0.5, 1.0]))
    assert 0.96 <= values[0] < values[1] < values[2] <= 0.99
