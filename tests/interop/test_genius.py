"""Genius XML: written, read back and compared; a hand-made Genius file read; the fit."""

from __future__ import annotations

import csv
import itertools

import numpy as np
import pytest

from ceasefire.errors import InputError
from ceasefire.interop import (
    Domain,
    additive_fit,
    additive_fits,
    read_genius_domain,
    read_genius_profile,
    write_genius,
)
from ceasefire.interop.genius import AdditiveUtility

# A small domain and profile in Genius's layout (negotiation_template / utility_space /
# objective / issue / item; weights beside the issues), written by hand for this test:
# weights listed before the issues and out of order, integer evaluations whose largest is
# not 1, a reservation value and a discount factor.
GENIUS_DOMAIN = """<?xml version="1.0" encoding="UTF-8"?>
<negotiation_template>
  <utility_space number_of_issues="2">
    <objective index="0" name="harbour" type="objective" etype="objective">
      <issue index="1" name="berths" etype="discrete" type="discrete" vtype="discrete">
        <item index="1" value="two" cost="0" description="two berths"/>
        <item index="2" value="four" cost="0" description="four berths"/>
        <item index="3" value="six" cost="0" description="six berths"/>
      </issue>
      <issue index="2" name="fees" etype="discrete" type="discrete" vtype="discrete">
        <item index="1" value="low"/>
        <item index="2" value="high"/>
      </issue>
    </objective>
  </utility_space>
</negotiation_template>
"""
GENIUS_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<utility_space>
  <objective index="0" name="harbour" type="objective" etype="objective">
    <weight index="2" value="0.25"/>
    <weight index="1" value="0.75"/>
    <issue index="1" name="berths" etype="discrete" type="discrete" vtype="discrete">
      <item index="1" value="two" evaluation="2"/>
      <item index="2" value="four" evaluation="5"/>
      <item index="3" value="six" evaluation="10"/>
    </issue>
    <issue index="2" name="fees" etype="discrete" type="discrete" vtype="discrete">
      <item index="1" value="high" evaluation="1"/>
      <item index="2" value="low" evaluation="4"/>
    </issue>
  </objective>
  <discount_factor value="0.9"/>
  <reservation value="0.3"/>
</utility_space>
"""


@pytest.fixture
def genius_files(tmp_path):
    (tmp_path / "harbour.xml").write_text(GENIUS_DOMAIN, encoding="utf-8")
    (tmp_path / "harbour-port.xml").write_text(GENIUS_PROFILE, encoding="utf-8")
    return tmp_path / "harbour.xml", tmp_path / "harbour-port.xml"


def test_a_hand_made_genius_file_is_read(genius_files):
    domain_file, profile_file = genius_files
    domain = read_genius_domain(domain_file)
    assert domain.name == "harbour"
    assert domain.issues == ("berths", "fees")
    assert domain.options == (("two", "four", "six"), ("low", "high"))
    profile = read_genius_profile(profile_file, domain)
    assert profile.weights == (0.75, 0.25)  # matched by index, not file order
    assert profile.evaluations == ((2.0, 5.0, 10.0), (4.0, 1.0))  # in the domain's order
    assert profile.reservation == 0.3 and profile.discount == 0.9
    every = np.array(list(itertools.product(range(3), range(2))))
    # U = sum_i w_i e_i / max e_i: six berths and low fees is the best outcome
    expected = [0.75 * b / 10 + 0.25 * f / 4 for b in (2, 5, 10) for f in (4, 1)]
    np.testing.assert_allclose(profile.utility(every), expected, rtol=0, atol=1e-15)
    assert profile.utility(np.array([[2, 0]]))[0] == pytest.approx(1.0)


def test_write_then_read_gives_identical_utilities(tmp_path, tutorial_domain):
    fits = write_genius(tutorial_domain, tmp_path)
    domain = read_genius_domain(tmp_path / "tutorial-domain.xml")
    assert domain.issues == tutorial_domain.issues
    assert domain.options == tutorial_domain.options
    for fit in fits:
        read = read_genius_profile(tmp_path / f"tutorial-{fit.party}.xml", domain)
        assert read == fit.utility  # every weight, evaluation and the reservation, exactly
        np.testing.assert_array_equal(read.utility(tutorial_domain.outcomes),
                                      fit.utility.utility(tutorial_domain.outcomes))


def test_the_csv_holds_the_exact_table(tmp_path, hand_made):
    write_genius(hand_made, tmp_path)
    with open(tmp_path / "hand-made-utilities.csv", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(hand_made.outcomes) == 11
    for k, row in enumerate(rows):
        assert tuple(row[i] for i in hand_made.issues) == hand_made.labels()[k]
        for j, party in enumerate(hand_made.parties):
            assert float(row[f"u_{party}"]) == hand_made.utility[k, j]
            assert int(row[f"veto_{party}"]) == hand_made.required[k, j]
        assert int(row["acceptable"]) == hand_made.acceptable[k]


def test_no_temporary_file_is_left(tmp_path, hand_made):
    write_genius(hand_made, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["hand-made-NO.xml", "hand-made-PA.xml", "hand-made-SO.xml",
                     "hand-made-domain.xml", "hand-made-utilities.csv"]


def test_an_additive_utility_is_fitted_exactly(hand_made):
    # an additive utility (no interaction) is reproduced: R^2 = 1, the Genius utility is
    # the exact one rescaled, and the reservation value 0 is mapped with it
    a, b, c = hand_made.outcomes.T
    additive = 0.4 * a - 0.3 * b + 0.2 * c - 0.25
    domain = Domain(name="additive", issues=hand_made.issues, options=hand_made.options,
                    outcomes=hand_made.outcomes, parties=("X",), utility=additive[:, None],
                    required=np.ones((len(a), 1), bool))
    fit = additive_fit(domain, "X")
    assert fit.r_squared == pytest.approx(1.0, abs=1e-12)
    assert fit.max_error < 1e-12
    assert fit.sign_agreement == 1.0 and not fit.clipped
    genius = fit.utility.utility(domain.outcomes)
    np.testing.assert_allclose(fit.low + fit.span * genius, additive, atol=1e-12)
    np.testing.assert_allclose(fit.utility.reservation, -fit.low / fit.span, atol=1e-15)
    assert sum(fit.utility.weights) == pytest.approx(1.0)
    assert all(max(e) == pytest.approx(1.0) and min(e) >= 0 for e in fit.utility.evaluations)


def test_the_fit_report_says_how_good_the_approximation_is(hand_made):
    fits = additive_fits(hand_made)
    assert [f.party for f in fits] == list(hand_made.parties)
    for fit in fits:
        report = fit.to_dict()
        assert 0 <= report["r_squared"] <= 1 and report["max_error"] >= 0
        assert 0 <= report["sign_agreement"] <= 1 and 0 <= report["reservation"] <= 1
    # NO's utility has an interaction term, so its fit is not exact
    assert fits[0].r_squared < 1 and fits[0].max_error > 1e-3


def test_tutorial_fit_quality(tutorial_domain):
    for fit in additive_fits(tutorial_domain):
        assert fit.r_squared > 0.8, fit.to_dict()


@pytest.mark.parametrize(("text", "message"), [
    ("not xml <", "not well-formed XML"),
    ("<domain/>", "root element <domain>"),
    ("<utility_space><objective/></utility_space>", "no <issue>"),
    ('<utility_space><objective><issue name="price" type="real"><evaluator ftype="linear"/>'
     "</issue></objective></utility_space>", "allowed: discrete issues only"),
])
def test_bad_genius_files_are_refused_with_the_reason(tmp_path, text, message):
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_genius_domain(path)


def test_bad_profiles_are_refused(tmp_path, genius_files):
    domain = read_genius_domain(genius_files[0])
    for old, new, message in [
        ('evaluation="2"', 'evaluation="-2"', "negative evaluation"),
        ('evaluation="2"', 'evaluation="two"', "allowed: a number"),
        ('<weight index="2"', '<weight index="9"', "names no issue"),
        ('value="six" evaluation', 'value="eight" evaluation', "domain's are"),
    ]:
        path = tmp_path / "profile.xml"
        path.write_text(GENIUS_PROFILE.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(InputError, match=message):
            read_genius_profile(path, domain)
    with pytest.raises(InputError, match="no <weight>"):
        read_genius_profile(genius_files[0])


def test_a_zero_issue_contributes_nothing():
    profile = AdditiveUtility(issues=("a", "b"), options=(("x", "y"), ("p",)),
                              weights=(0.5, 0.5), evaluations=((0.0, 1.0), (0.0,)))
    np.testing.assert_array_equal(profile.utility(np.array([[0, 0], [1, 0]])), [0.0, 0.5])
