"""Slow checks of the evaluation: forward passes on one fit agree with full re-solves, and
the numbers do not depend on the number of workers."""

from __future__ import annotations

import pytest

from ceasefire.sensitivity import SensitivityOptions, sensitivity

SMALL = {"samples": 32, "replicates": 4, "fit_draws": 400,
         "parameters": ("actors.*.discount_factor", "forces.NO.combat_power"),
         "outputs": ("deal-12", "control")}


@pytest.mark.slow
def test_forward_only_indices_agree_with_full_re_solves():
    forward = sensitivity("tutorial", SensitivityOptions(**SMALL), rng=21)
    resolved = sensitivity("tutorial", SensitivityOptions(**SMALL, evaluation="resolve"),
                           rng=21)
    assert resolved.fit.evaluation == "resolve"
    for name, output in forward.outputs.items():
        if output.variance <= 0:
            continue
        other = resolved.outputs[name]
        for path, index in output.indices.items():
            check = other.indices[path]
            for field in ("first", "total"):
                a, b = getattr(index, field), getattr(check, field)
                width = getattr(index, f"{field}_ci") + getattr(check, f"{field}_ci")
                assert abs(a - b) <= width + 1e-9, (name, path, field, a, b, width)


@pytest.mark.slow
def test_the_numbers_do_not_depend_on_the_workers():
    options = SensitivityOptions(**{**SMALL, "samples": 8, "replicates": 1,
                                    "block_rows": 4})
    one = sensitivity("tutorial", options, rng=4)
    two = sensitivity("tutorial", options, rng=4, workers=2)
    assert one.replace(run={}) == two.replace(run={})
