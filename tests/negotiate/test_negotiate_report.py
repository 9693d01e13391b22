"""The report's "Talks as they unfold": the typical transcript as a table and the batch figures."""

from __future__ import annotations

import html

import pytest

from ceasefire.bargaining.transcript import negotiation
from ceasefire.report.sections import extra_sections, negotiation_section


@pytest.fixture(scope="module")
def told(game):
    return negotiation(game.eq, game.prepared.compiled, game.prepared.expected)


def test_the_section_shows_the_typical_run_and_the_batch(game, told):
    (title, story), = negotiation_section(told, game.prepared.scenario)
    assert title == "Talks as they unfold"
    figures = story[story.index("Over every run"):]
    signed = told.transcript.signed
    assert signed is not None and f"<td>{signed}</td>" in story
    assert html.escape(told.transcript.rule) in story
    assert "the deal holds" in story  # the quiet months after the signature are folded
    rows = story[:story.index("Over every run")].count("<tr>")
    assert rows < len(told.transcript.months) + 1
    first = told.batch.by_month[next(iter(told.batch.by_month))]
    assert f"{first.p:.0%} ± {first.se:.1%}" in figures
    assert "at least one narrow agreement" in figures
    for actor in game.prepared.scenario.belligerents:
        assert f"<td>{actor}</td>" in figures


def test_names_from_the_scenario_are_escaped(game, told):
    months = list(told.transcript.months)
    k = next(i for i, m in enumerate(months) if m.offer is not None)
    offer = months[k].offer.model_copy(update={"wording": ['<script>alert("x")</script>']})
    months[k] = months[k].model_copy(update={"offer": offer})
    tampered = told.model_copy(update={"transcript": told.transcript.model_copy(
        update={"months": months})})
    story = negotiation_section(tampered, game.prepared.scenario)[0][1]
    assert "<script>" not in story and "&lt;script&gt;" in story


def test_extra_sections_put_the_talks_last(game, told):
    class Result:  # the two fields extra_sections reads besides the negotiation
        deals = None
        forecast = None
        negotiation = told

    titles = [title for title, _ in extra_sections(Result(), game.prepared.scenario)]
    assert titles[-1] == "Talks as they unfold"
