"""NegMAS's negotiators on our domain agree with our acceptance set (needs the extra)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("negmas")

from ceasefire.interop import write_genius
from ceasefire.interop.domain import negmas_json
from ceasefire.interop.negmas_bridge import (
    acceptable_outcomes,
    load_negmas_json,
    negmas_check,
    negmas_ufuns,
    negotiate,
    outcome_space,
    read_genius_with_negmas,
)


def _zone(domain):
    return {label for label, ok in zip(domain.labels(), domain.acceptable, strict=True) if ok}


@pytest.mark.parametrize("which", ["tutorial_domain", "hand_made"])
def test_negmas_acceptance_set_is_ours_exactly(request, which):
    domain = request.getfixturevalue(which)
    space = outcome_space(domain)
    assert {tuple(o) for o in space.enumerate()} == set(domain.labels())  # exclusions kept
    assert acceptable_outcomes(negmas_ufuns(domain, space=space), space) == _zone(domain)


def test_every_negmas_agreement_lies_in_our_zone(hand_made):
    assert 0 < hand_made.acceptable.sum() < len(hand_made.outcomes)
    check = negmas_check(hand_made, every_pairing=True)
    assert len(check.runs) == 3 ** 3 and check.same_zone
    assert check.agreements > 0  # the check is not vacuous
    zone = _zone(hand_made)
    for run in check.runs:
        if run.agreement is not None:
            assert tuple(run.agreement[i] for i in hand_made.issues) in zone
            assert run.in_zone
    assert check.passed


def test_tutorial_check_passes(tutorial_domain):
    check = negmas_check(tutorial_domain)
    assert check.same_zone and check.passed
    assert [r.strategies["NO"] for r in check.runs] == ["boulware", "linear", "conceder"]


def test_one_negotiation_reports_its_strategies_and_steps(hand_made):
    run = negotiate(hand_made, {"NO": "conceder", "SO": "conceder", "PA": "linear"},
                    rounds=50)
    assert run.strategies == {"NO": "conceder", "SO": "conceder", "PA": "linear"}
    assert 0 <= run.steps <= 50
    assert run.agreement is None or run.in_zone


def test_negmas_reads_our_genius_files_as_we_do(tmp_path, tutorial_domain):
    # NegMAS's own Genius reader, an independent one, gives the same additive utilities
    fits = write_genius(tutorial_domain, tmp_path)
    profiles = [tmp_path / f"tutorial-{f.party}.xml" for f in fits]
    theirs = read_genius_with_negmas(tmp_path / "tutorial-domain.xml", profiles,
                                     tutorial_domain.labels())
    ours = np.stack([f.utility.utility(tutorial_domain.outcomes) for f in fits], axis=1)
    np.testing.assert_allclose(theirs, ours, rtol=0, atol=1e-12)


def test_negmas_json_loads_into_a_negmas_scenario(tmp_path, hand_made):
    path = tmp_path / "hand-made-negmas.json"
    path.write_text(negmas_json(hand_made), encoding="utf-8")
    scenario = load_negmas_json(path)
    assert [u.name for u in scenario.ufuns] == list(hand_made.parties)
    for j, ufun in enumerate(scenario.ufuns):
        assert ufun.reserved_value == 0.0
        assert [ufun(o) for o in hand_made.labels()] == hand_made.utility[:, j].tolist()


@pytest.mark.slow
def test_alaska_acceptance_set_is_ours_exactly():
    # the built-in case: 190,464 allowed packages, a zone of about 140 at this draw
    from ceasefire.interop import build_domain

    domain = build_domain("alaska-2025", draws=10, rng=7, draw=0)
    assert len(domain.outcomes) == 190_464 and domain.acceptable.sum() > 0
    space = outcome_space(domain)
    assert acceptable_outcomes(negmas_ufuns(domain, space=space), space) == _zone(domain)
