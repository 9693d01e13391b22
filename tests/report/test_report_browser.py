"""The report in a real browser: Debian's Chromium driven by Playwright, network blocked.

The report of ``analyze --deals`` (so the extra sections are there) is opened at 1280 px
and 390 px wide. Every figure must be drawn (an SVG, a real height), the page must not
scroll sideways on a phone, the navigation must wrap, wide tables must scroll in their
own box, titles and labels must not overprint, and the page must attempt no request
beyond its own file. Screenshots of both widths are written for a person to look at
(``$CEASEFIRE_SCREENSHOTS``, or pytest's temporary folder).

Needs the ``playwright`` package (in the ``test`` extra) and ``/usr/bin/chromium``
(``apt-get install chromium``; Playwright's own browser download is not used). Without
them the test skips, unless ``CEASEFIRE_REQUIRE_BROWSER=1`` (as CI sets), when it fails.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LOCAL = ("file:", "data:", "about:", "blob:")
WIDTHS = (1280, 390)
MAIN_CHART_PX = 150


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    pytest.importorskip("plotly")
    from ceasefire.cli import main

    out = tmp_path_factory.mktemp("browser-report")
    status = main(["analyze", "alaska-2025", "-n", "200", "--seed", "3", "--deals",
                   "--deals-draws", "100", "--decomposition-draws", "40", "--out", str(out)])
    assert status == 0
    return out / "report.html"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CEASEFIRE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


# Everything the page shows, measured in one call: figures, overflow, navigation,
# tables, and the boxes of each figure's titles, annotations and legend.
MEASURE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const figures = [...document.querySelectorAll('.plotly-graph-div')].map((div) => ({
    id: div.id,
    svg: div.querySelector('svg.main-svg') !== null,
    box: box(div),
    labels: [...div.querySelectorAll('text[class*="title"], .annotation-text, g.legend')]
      .map((el) => ({text: (el.textContent || '').slice(0, 60), box: box(el)}))
      .filter((l) => l.box.w > 0 && l.box.h > 0),
  }));
  const nav = document.querySelector('nav');
  const links = [...nav.querySelectorAll('a')].map(box);
  const wraps = [...document.querySelectorAll('table')].map((t) => {
    const wrap = t.parentElement;
    return {wrapped: wrap.classList.contains('table-wrap'),
            overflow: getComputedStyle(wrap).overflowX,
            box: box(wrap), scroll: wrap.scrollWidth, client: wrap.clientWidth};
  });
  return {width: window.innerWidth, scrollWidth: document.scrollingElement.scrollWidth,
          figures, links, navWrap: getComputedStyle(nav).flexWrap,
          navScroll: nav.scrollWidth, navClient: nav.clientWidth, tables: wraps,
          violations: window.__violations || []};
}"""

WATCH_CSP = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
                          (e) => window.__violations.push(e.blockedURI || e.violatedDirective));"""


def _overlap(a: dict, b: dict, tolerance: float = 2.0) -> bool:
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > tolerance
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > tolerance)


def _open(browser, report: Path, width: int) -> tuple[dict, list[str], list[str], object]:
    """Load the report at ``width``; return measures, requests attempted, errors, page."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH_CSP)
    page.goto(report.as_uri(), wait_until="load")
    expected = page.locator(".plotly-graph-div").count()
    page.wait_for_function(
        f"document.querySelectorAll('.plotly-graph-div svg.main-svg').length >= {expected}",
        timeout=60_000)
    page.wait_for_timeout(300)  # let the last relayouts settle
    return page.evaluate(MEASURE), requests, errors, page


@pytest.mark.parametrize("width", WIDTHS)
def test_report_in_a_real_browser(browser, report, shots, width):
    start = time.perf_counter()
    seen, requests, errors, page = _open(browser, report, width)
    page.screenshot(path=str(shots / f"report-{width}px.png"), full_page=True)
    page.context.close()
    print(f"\nscreenshot: {shots / f'report-{width}px.png'} "
          f"({time.perf_counter() - start:.1f} s at {width} px)")

    # no network: nothing but the file itself (and data: or blob: URLs) was requested
    assert [url for url in requests if not url.startswith(LOCAL)] == []
    assert seen["violations"] == []
    assert errors == []

    # every figure is drawn, at a real height, within the page's width
    assert len(seen["figures"]) >= 13
    for figure in seen["figures"]:
        assert figure["svg"], f"{figure['id']} has no SVG"
        assert figure["box"]["h"] > MAIN_CHART_PX, f"{figure['id']} is {figure['box']['h']} px"
        assert figure["box"]["x"] >= 0
        assert figure["box"]["x"] + figure["box"]["w"] <= width + 1, figure["id"]
    ids = [figure["id"] for figure in seen["figures"]]
    assert {"fig-extra-2", "fig-extra-4"} <= set(ids)  # Pareto and forecast trajectories

    # the page never scrolls sideways
    assert seen["scrollWidth"] <= seen["width"] + 1

    # the navigation wraps inside the page (on a phone: onto several lines)
    assert seen["navWrap"] == "wrap"
    assert seen["navScroll"] <= seen["navClient"] + 1
    assert all(link["x"] >= 0 and link["x"] + link["w"] <= width + 1 for link in seen["links"])
    if width < 600:
        assert len({round(link["y"]) for link in seen["links"]}) > 1

    # every table sits in its own scrolling box; on a phone some do scroll
    for table in seen["tables"]:
        assert table["wrapped"] and table["overflow"] == "auto"
        assert table["box"]["x"] + table["box"]["w"] <= width + 1
    if width < 600:
        assert any(t["scroll"] > t["client"] for t in seen["tables"])

    # titles (figure, subplot and axis), annotations and legends do not overprint
    for figure in seen["figures"]:
        labels = figure["labels"]
        clashes = [(a["text"], b["text"]) for i, a in enumerate(labels)
                   for b in labels[i + 1:] if _overlap(a["box"], b["box"])]
        assert clashes == [], f"{figure['id']}: overlapping labels {clashes[:3]}"
