"""The exported domain is the core's own valuation at one draw, nothing recomputed."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_interop import DRAW, DRAWS, SEED

from ceasefire.errors import InputError
from ceasefire.interop import Domain, build_domain, domain_of
from ceasefire.interop.domain import negmas_json


def test_utilities_are_the_cores_gains_in_annuity_units(tutorial_solved, tutorial_domain):
    prepared, equilibrium = tutorial_solved
    now = equilibrium.now
    packages = [tutorial_domain.terms(k) for k in range(len(tutorial_domain.outcomes))]
    gain = now.values(prepared.compiled, prepared.expected, packages).gain()
    expected = gain[..., DRAW] / now.annuity[None, :, DRAW]
    np.testing.assert_array_equal(tutorial_domain.utility, expected)
    np.testing.assert_array_equal(tutorial_domain.required,
                                  now.required(prepared.compiled, prepared.expected, packages))
    assert tutorial_domain.parties == now.players


def test_every_allowed_package_once(tutorial_domain):
    labels = tutorial_domain.labels()
    assert len(labels) == len(set(labels)) == 12  # the tutorial declares no exclusion
    assert tutorial_domain.issues == ("valley-line", "sanctions-relief", "guarantee")


def test_acceptance_set_is_the_solvers_zone_on_its_candidates(tutorial_solved,
                                                             tutorial_domain):
    # the solver's own zone (month 0, each party's belief) for its candidate packages
    prepared, equilibrium = tutorial_solved
    index = {label: k for k, label in enumerate(tutorial_domain.labels())}
    defaults = {i.id: i.default for i in prepared.scenario.issues}
    for c, candidate in enumerate(equilibrium.candidates):
        terms = {**defaults, **dict(candidate.terms)}
        label = tuple(terms[i] for i in tutorial_domain.issues)
        assert tutorial_domain.acceptable[index[label]] == equilibrium.zone_own[c, DRAW]


def test_draw_out_of_range_is_refused_before_solving():
    with pytest.raises(InputError, match="--draw 40: must be less than --draws 40"):
        build_domain("tutorial", draws=DRAWS, draw=DRAWS, rng=SEED)


def test_domain_of_refuses_a_draw_the_equilibrium_lacks(tutorial_solved):
    prepared, equilibrium = tutorial_solved
    with pytest.raises(InputError, match="allowed: 0 to 39"):
        domain_of(prepared, equilibrium, draw=DRAWS)


def test_a_malformed_domain_is_refused(hand_made):
    with pytest.raises(InputError, match=r"\[outcomes, parties\]"):
        Domain(name="x", issues=hand_made.issues, options=hand_made.options,
               outcomes=hand_made.outcomes, parties=("A",), utility=hand_made.utility,
               required=hand_made.required)


def test_negmas_json_holds_the_exact_table(hand_made):
    import json

    document = json.loads(negmas_json(hand_made))
    assert [tuple(o) for o in document["outcomes"]] == hand_made.labels()
    for k, party in enumerate(document["parties"]):
        assert party["reserved_value"] == 0.0
        assert party["utility"] == hand_made.utility[:, k].tolist()
    assert document["acceptable"] == hand_made.acceptable.astype(int).tolist()
