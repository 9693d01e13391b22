"""The HTML report: one offline file, every section, escaped text, atomic writes, sources."""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from ceasefire import DealOptions, analyze, load_result
from ceasefire.errors import CeasefireError, InputError
from ceasefire.evidence import weak_evidence
from ceasefire.report import figures, write_report
from ceasefire.report import html as report_html
from ceasefire.report.html import REPORT_NAME, render_report
from ceasefire.scenario import load_scenario

# The tutorial has stakeholders, so its result carries a forecast with sections of its own;
# it declares the parties' beliefs, so they get a section too.
SECTION_TITLES = ["Headline", "Control over time", "War values", "Beliefs", "Acceptance",
                  "Timing", "When a deal is signed", "Leverage", "The line question", "Map",
                  "Stakeholder forecast", "Forecast trajectories", "Talks as they unfold",
                  "Sources"]
EVIL = '<script>alert("pwned")</script>'

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("tutorial")


@pytest.fixture(scope="module")
def result(scenario):
    return analyze(scenario, draws=200, rng=1)


@pytest.fixture(scope="module")
def page(result, scenario, tmp_path_factory) -> str:
    path = write_report(result, scenario, tmp_path_factory.mktemp("report"))
    return path.read_text(encoding="utf-8")


def _plotly_banner() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()[:120]


def _without_plotlyjs(page: str) -> str:
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    assert page.count(bundle) == 1
    return page.replace(bundle, "")


class _Tags(HTMLParser):
    """Collect every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_report_is_written_with_every_section(result, scenario, tmp_path):
    out = tmp_path / "new" / "folder"
    path = write_report(result, scenario, out)
    assert path == out / REPORT_NAME
    assert path.is_file()
    page = path.read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == SECTION_TITLES
    assert scenario.name in page
    # one figure per plot (ten of analyze's, the forecast trajectories), each with a
    # fixed id (reproducible output); the leverage decomposition has one figure, by factor
    assert page.count("Plotly.newPlot(") == 13  # the agreement curve included
    assert sorted(os.listdir(out)) == [REPORT_NAME]


def test_plotly_js_is_inlined_exactly_once(page):
    assert page.count(_plotly_banner()) == 1
    # the config script, the bundle, then one script per figure: nothing else runs
    assert page.count("<script") == 2 + page.count("Plotly.newPlot(")


def test_report_loads_nothing_from_the_network(page):
    tags = _tags(page)
    loading = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"),
               "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
               "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
               "track": ("src",), "input": ("src",), "base": ("href",)}
    for tag, attrs in tags.tags:
        for attr in loading.get(tag, ()):
            assert attr not in attrs, f"<{tag} {attr}=...> loads a resource"
        assert not any(key.startswith("on") and "http" in (value or "")
                       for key, value in attrs.items())
    css = "".join(tags.styles)
    assert "url(" not in css and "@import" not in css
    # outside the plotly.js bundle (whose code names URLs it never fetches for these
    # plots), no address at all appears: the tutorial cites no web source
    rest = _without_plotlyjs(page)
    assert "http://" not in rest and "https://" not in rest
    assert "cdn.plot.ly" not in rest
    # and the browser is told to refuse any load
    csp = next(attrs["content"] for tag, attrs in tags.tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp


def test_source_links_are_links_not_loads(tmp_path):
    s = load_scenario("tutorial")
    claims = list(s.evidence)
    claims[0] = claims[0].model_copy(update={"source": claims[0].source.model_copy(
        update={"url": "https://example.org/article?a=1&b=2"})})
    claims[1] = claims[1].model_copy(update={"source": claims[1].source.model_copy(
        update={"url": "javascript:alert(1)"})})
    s = s.model_copy(update={"evidence": claims})
    a = analyze(s, draws=50, rng=2)
    page = write_report(a, s, tmp_path).read_text(encoding="utf-8")
    sources = _section(page, "sources")
    assert ('<a class="url" href="https://example.org/article?a=1&amp;b=2" '
            'rel="noopener noreferrer">') in sources
    assert 'href="javascript:' not in page
    rest = _without_plotlyjs(page).replace(sources, "")
    assert "https://" not in rest


def test_scenario_text_is_escaped(tmp_path):
    s = load_scenario("tutorial")
    regions = [r.model_copy(update={"name": f"Valley {EVIL}"}) if r.id == "east-valley" else r
               for r in s.regions]
    proposals = [p.model_copy(update={"name": f"Deal {EVIL}"}) for p in s.proposals]
    levers = [lv.model_copy(update={"name": f"Lever {EVIL}"}) for lv in s.levers]
    claims = [c.model_copy(update={"claim": f"Claim {EVIL}", "note": EVIL})
              for c in s.evidence]
    evil = s.model_copy(update={"name": f"War {EVIL}", "description": EVIL, "regions": regions,
                                "proposals": proposals, "levers": levers,
                                "evidence": claims})
    a = analyze(evil, draws=50, rng=3)
    page = write_report(a, evil, tmp_path).read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "</script><" not in _without_plotlyjs(page).replace(
        "</script><script>", "").replace("</script></div>", "")
    assert page.count("<script") == 2 + page.count("Plotly.newPlot(")
    assert "War &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "Claim &lt;script&gt;" in page


def test_a_failing_figure_leaves_no_report(result, scenario, tmp_path, monkeypatch):
    def broken(_result, _scenario):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(figures, "timing_figure", broken)
    with pytest.raises(RuntimeError, match="figure failed"):
        write_report(result, scenario, tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_failed_write_keeps_the_old_report_and_no_temporary_file(result, scenario, tmp_path,
                                                                   monkeypatch):
    old = tmp_path / REPORT_NAME
    old.write_text("old report", encoding="utf-8")

    def no_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", no_replace)
    # the system's error comes back as a clear one that names the file
    with pytest.raises(InputError, match=r"report\.html: disk full"):
        write_report(result, scenario, tmp_path)
    assert os.listdir(tmp_path) == [REPORT_NAME]
    assert old.read_text(encoding="utf-8") == "old report"


def test_a_new_report_replaces_the_old_one(result, scenario, tmp_path):
    (tmp_path / REPORT_NAME).write_text("old report", encoding="utf-8")
    write_report(result, scenario, tmp_path)
    assert (tmp_path / REPORT_NAME).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.listdir(tmp_path) == [REPORT_NAME]


def test_same_result_same_report(result, scenario):
    assert render_report(result, scenario) == render_report(result, scenario)


def test_a_result_read_back_from_json_gives_the_same_report(result, scenario):
    # the report renders the result's summaries only: no engine, no per-draw arrays
    saved = load_result(json.loads(result.to_json()))
    assert saved.per_draw is None
    assert render_report(saved, scenario) == render_report(result, scenario)


def test_report_holds_summaries_not_draws(scenario):
    # the figures carry percentiles and means, so the page barely grows with the draws
    small = len(render_report(analyze(scenario, draws=100, rng=4), scenario))
    large = len(render_report(analyze(scenario, draws=2000, rng=4), scenario))
    assert abs(large - small) < 0.01 * small


def test_sources_list_every_claim_and_flag_weak_ones(tmp_path):
    s = load_scenario("tutorial")
    claims = [c.model_copy(update={"grade": "unconfirmed"}) if c.id == "tutorial-economy"
              else c.model_copy(update={"grade": "confirmed", "disputed": True})
              if c.id == "tutorial-opinion" else c for c in s.evidence]
    s = s.model_copy(update={"evidence": claims})
    a = analyze(s, draws=50, rng=5)
    page = write_report(a, s, tmp_path).read_text(encoding="utf-8")
    sources = _section(page, "sources")
    for claim in s.evidence:
        assert f"<code>{claim.id}</code>" in sources
    assert '<span class="grade unconfirmed">unconfirmed</span>' in sources
    assert '<span class="grade disputed">disputed</span>' in sources

    flags = {(kind, rid): {c.id for c in weak} for kind, rid, weak in weak_evidence(s)}
    # the sanctions lever cites the unconfirmed economy claim; South's opinion the disputed one
    assert "tutorial-economy" in flags[("levers", "export-sanctions")]
    assert "tutorial-opinion" in flags[("actors", "SO")]
    # a proposal is flagged through the options it picks, not the ones it leaves
    assert "tutorial-opinion" in flags[("proposals", "east-for-guarantee")]
    assert "tutorial-opinion" not in flags[("proposals", "freeze")]
    # the result carries the same records, and marks those resting on unconfirmed or
    # disputed claims (the leverage section's flag reads that mark)
    carried = {(w.kind, w.id): (set(w.claims), w.unconfirmed_or_disputed)
               for w in a.weak_evidence}
    assert set(carried) == set(flags)
    for key, claims in flags.items():
        assert carried[key][0] == claims, key
    assert carried[("levers", "export-sanctions")][1]
    table = sources.split("<h3>Claims")[0]
    row = re.search(r"<tr><td>lever</td>.*?export-sanctions.*?</tr>", table, re.S).group(0)
    assert "tutorial-economy" in row and "unconfirmed" in row
    # the leverage section points at the lever that rests on an unconfirmed claim
    assert "Sanctions on North&#x27;s exports" in _section(page, "leverage")


def test_confirmed_claims_are_not_flagged():
    s = load_scenario("tutorial")
    claims = [c.model_copy(update={"grade": "confirmed"}) for c in s.evidence]
    assert weak_evidence(s.model_copy(update={"evidence": claims})) == []


def test_extra_sections_go_before_the_sources(result, scenario, monkeypatch):
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    extra = [("Forecast <trajectory>", fig), ("Deals", "<p id='deals-frag'>Pareto</p>")]
    monkeypatch.setattr(report_html, "extra_sections", lambda r, s: extra)
    page = render_report(result, scenario)
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings[-3:] == ["Forecast &lt;trajectory&gt;", "Deals", "Sources"]
    assert "<p id='deals-frag'>Pareto</p>" in page
    assert page.count("Plotly.newPlot(") == 12 + 1
    assert page.count(_plotly_banner()) == 1


def test_the_deal_space_and_forecast_come_from_the_result(scenario):
    # a result with a deal space gets its sections, then the forecast's, then the sources
    with_deals = analyze(scenario, draws=60, rng=6, decomposition_draws=10,
                         deals=DealOptions(draws=50))
    headings = re.findall(r"<h2>(.*?)</h2>", render_report(with_deals, scenario))
    assert headings[-6:] == ["Deal space", "Pareto frontier: NO against SO",
                             "Stakeholder forecast", "Forecast trajectories",
                             "Talks as they unfold", "Sources"]
    # without a forecast in the result, no forecast section
    bare = with_deals.model_copy(update={"deals": None, "forecast": None})
    headings = re.findall(r"<h2>(.*?)</h2>", render_report(bare, scenario))
    assert headings[-3:] == ["Map", "Talks as they unfold", "Sources"]


def test_without_plotly_the_error_names_the_extra(result, scenario, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(CeasefireError, match=r"pip install 'ceasefire\[report\]'"):
        write_report(result, scenario, tmp_path)
    assert os.listdir(tmp_path) == []


def test_window_and_settlement_in_headline(result, scenario, page):
    headline = _section(page, "headline")
    likely = scenario.proposal(result.likely_settlement.proposal).name
    assert likely in headline
    doc = result.to_dict()
    for pid, proposal in doc["proposals"].items():
        opens = proposal["window"]["opens"] or "never"
        name = scenario.proposal(pid).name
        row = re.search(rf"<tr><td>{re.escape(name)}</td>.*?</tr>", headline, re.S).group(0)
        assert f"<td>{opens}</td>" in row


def test_figures_use_no_raw_draws(result, scenario):
    fig = figures.control_figure(result, scenario)
    points = sum(len(trace.x) for trace in fig.data)
    assert points < 10 * (result.horizon_months + 1) * len(fig.data)
    timing = figures.timing_figure(result, scenario).data[0]
    # the heat map is the share of draws in which every veto player accepts [proposal, start]
    per_draw = result.per_draw.all_veto_accept.mean("draw")
    expected = per_draw.transpose("proposal", "start").sel(proposal=list(result.proposals))
    np.testing.assert_allclose(np.asarray(timing.z), expected.values)
    assert list(timing.x) == result.start_months


def test_report_file_gets_the_usual_permissions(result, scenario, tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = write_report(result, scenario, tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.slow
def test_alaska_report_has_every_region_on_the_map(tmp_path):
    from ceasefire.report.map import region_map

    try:
        scenario = load_scenario("alaska-2025")
    except Exception as exc:  # the built-in is still being written
        pytest.skip(f"alaska-2025 does not load yet: {exc}")
    a = analyze(scenario, draws=100, rng=1)
    page = write_report(a, scenario, tmp_path).read_text(encoding="utf-8")
    assert re.findall(r"<h2>(.*?)</h2>", page) == SECTION_TITLES
    assert len(region_map(a, scenario).data[0].x) == len(scenario.regions)
    sources = _section(page, "sources")
    for claim in scenario.evidence:
        assert f"<code>{claim.id}</code>" in sources
    assert "https://" not in _without_plotlyjs(page).replace(sources, "")
