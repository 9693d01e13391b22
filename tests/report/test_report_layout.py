"""The report's page structure and what fuzzing found: unique ids, many fronts, huge names."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from itertools import pairwise

import numpy as np
import pytest

from ceasefire import DealOptions, analyze
from ceasefire.report import figures
from ceasefire.report.html import render_report
from ceasefire.report.sections import extra_sections
from ceasefire.scenario import load_scenario

pytest.importorskip("plotly")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for key, value in attrs if key == "id" and value is not None]


def _ids(page: str) -> list[str]:
    parser = _Ids()
    parser.feed(page)
    return parser.ids


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def result(scenario):
    return analyze(scenario, draws=100, rng=4, decomposition_draws=10)


@pytest.fixture(scope="module")
def with_deals(scenario):
    return analyze(scenario, draws=100, rng=4, decomposition_draws=10,
                   deals=DealOptions(draws=50))


def test_every_id_in_the_page_is_unique(with_deals, scenario):
    # The extra sections once gave their figure the section's own id: plotly drew into
    # the section, blanking "Forecast trajectories" and squashing the Pareto plot.
    page = render_report(with_deals, scenario)
    ids = _ids(page)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert {"extra-1", "extra-2", "fig-extra-2", "extra-4", "fig-extra-4"} <= set(ids)
    # each figure's script draws into its own div
    for figure_id in (i for i in ids if i.startswith("fig-")):
        assert f'document.getElementById("{figure_id}")' in page


def test_wide_tables_scroll_in_their_own_box(result, scenario):
    page = render_report(result, scenario)
    assert "Stakeholder forecast" in page  # its table too
    assert page.count("<table") == page.count('<div class="table-wrap"><table')


def test_spacing_fits_any_number_of_rows():
    for rows in range(2, 200):
        spacing = figures.vertical_spacing(rows, gap_px=72, panel_px=220)
        assert 0 < spacing < 1 / (rows - 1)


def _with_fronts(n: int):
    s = load_scenario("tutorial")
    front = next(r for r in s.regions if r.front is not None)
    copies = [front.model_copy(update={"id": f"front-{k}", "name": f"Front {k}"})
              for k in range(n)]
    return s.model_copy(update={"regions": [*s.regions, *copies]})


def test_thirty_fronts_draw_one_panel_each():
    # plotly refused: "Vertical spacing cannot be greater than (1 / (rows - 1))"
    s = _with_fronts(30)
    a = analyze(s, draws=30, rng=1, decomposition_draws=5)
    fig = figures.control_figure(a, s)
    contested = sum(r.front is not None for r in s.regions)
    assert contested > 30
    assert len(fig.data) == 2 * contested  # a band and a median per region
    narrow = figures.narrow_layout(fig)
    tops = sorted(narrow[f"yaxis{n if n > 1 else ''}"]["domain"][1]
                  for n in range(1, contested + 1))
    assert len(set(np.round(tops, 9))) == contested  # one column, nothing stacked twice


def test_narrow_layout_stacks_a_grid_in_one_column(result, scenario):
    fig = figures.war_value_figure(result, scenario)
    wide = fig.layout.to_plotly_json()
    narrow = figures.narrow_layout(fig)
    keep = len(figures.stakeholders(result))
    assert keep >= 2
    x_starts = {wide[f"xaxis{n if n > 1 else ''}"]["domain"][0] for n in range(1, keep + 1)}
    assert len(x_starts) > 1  # side by side on a wide screen
    boxes = [narrow[f"yaxis{n if n > 1 else ''}"]["domain"] for n in range(1, keep + 1)]
    for n in range(1, keep + 1):
        assert narrow[f"xaxis{n if n > 1 else ''}"]["domain"] == [0, 1]
    for upper, lower in pairwise(boxes):
        assert lower[1] < upper[0]  # stacked top to bottom, with a gap for the title
    titles = [note["y"] for note in narrow["annotations"]]
    assert titles == [box[1] for box in boxes]
    assert narrow["height"] > wide["height"]


def test_a_single_plot_keeps_its_layout(result, scenario):
    assert figures.narrow_layout(figures.gains_figure(result, scenario)) is None


def test_long_labels_are_cut_and_wrapped_in_linear_time():
    huge = "N" * 10_000_000  # once 95 s in textwrap, copying the rest of the word per line
    label = figures.wrap(huge, 24)
    assert len(label) < 2 * figures.MAX_LABEL
    assert label.endswith("…")
    assert len(figures.text(huge)) == figures.MAX_HOVER
    escaped = "&lt;b&gt;a&lt;/b&gt;"
    assert figures.wrap("<b>a</b> " * 3, 10) == "<br>".join([escaped] * 3)


def test_a_ten_megabyte_name_gives_a_bounded_report():
    s = load_scenario("tutorial")
    actors = list(s.actors)
    actors[0] = actors[0].model_copy(update={"name": "<i>" + "N" * 10_000_000})
    big = s.model_copy(update={"actors": actors})
    a = analyze(big, draws=30, rng=1, decomposition_draws=5)
    page = render_report(a, big)
    base = render_report(analyze(s, draws=30, rng=1, decomposition_draws=5), s)
    assert len(page) < len(base) + 50_000
    assert "N" * 20_000 not in page
    assert "<i>NNN" not in page  # escaped, never markup


def test_one_colour_per_party_everywhere(result, with_deals, scenario):
    colours = figures.actor_colours(scenario)
    assert len(set(colours.values())) == len(colours)
    first, second = scenario.belligerents[:2]
    assert (colours[first], colours[second]) == (figures.FIRST_COLOUR, figures.SECOND_COLOUR)
    # stakeholder ids that are not actors never take an actor's colour
    extra = figures.actor_colours(scenario, others=["Mediator", "Patron"])
    assert {k: extra[k] for k in colours} == colours
    assert not {extra["Mediator"], extra["Patron"]} & set(colours.values())
    sections = dict(extra_sections(with_deals, scenario))
    pareto = next(v for k, v in sections.items() if k.startswith("Pareto"))
    assert pareto.layout.xaxis.title.font.color == colours[first]
    assert pareto.layout.yaxis.title.font.color == colours[second]
    # a stakeholder linked to an actor is drawn in that actor's colour
    trajectories = sections["Forecast trajectories"]
    linked = {name: info.actor for name, info in with_deals.forecast.stakeholders.items()
              if info.actor is not None}
    assert linked
    drawn = {trace.name: trace.line.color for trace in trajectories.data
             if trace.name in linked}
    assert drawn and all(colour == colours[linked[name]] for name, colour in drawn.items())
    acceptance = figures.acceptance_figure(result, scenario)
    for trace in acceptance.data[:-1]:
        assert trace.marker.color == colours[trace.name.split()[0]]


def test_every_value_axis_names_its_unit(result, scenario):
    r, s = result, scenario
    checks = {
        "control": (figures.control_figure(r, s), "% of area"),
        "gains": (figures.gains_figure(r, s), "km²"),
        "war values": (figures.war_value_figure(r, s), "value units"),
        "parts": (figures.war_value_parts_figure(r, s), "value units"),
        "line": (figures.line_figure(r, s), "value units"),
    }
    for name, (fig, unit) in checks.items():
        layout = fig.layout.to_plotly_json()
        titles = [axis["title"]["text"] for key, axis in layout.items()
                  if key.startswith("yaxis") and "title" in axis]
        assert titles and all(unit in t for t in titles), name
    assert "% of draws" in figures.acceptance_figure(r, s).layout.xaxis.title.text
    lever = figures.leverage_figure(r, s)
    notes = " ".join(a.text.replace("<br>", " ") for a in lever.layout.annotations)
    # probabilities in percentage points; continuation values in war-cost annuities
    assert "percentage points" in notes and "annuities" in notes
    assert "% of W" not in notes
