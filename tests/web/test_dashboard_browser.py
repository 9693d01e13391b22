"""The dashboard in a real browser: Debian's Chromium driven by Playwright, the network cut.

The app runs on uvicorn in a background thread on a free loopback port; every request the
page makes outside the app's origin is aborted and counted (there must be none). At 1280
and 390 px: the page loads the tutorial, a lever flip changes the agreement curve and the
map, a figure's evidence opens, nothing scrolls sideways and no Content-Security-Policy
violation or script error occurs. Screenshots go to ``$CEASEFIRE_SCREENSHOTS`` (e.g.
``docs/img``, for docs/dashboard.md) or pytest's temporary folder.

Needs ``playwright`` and ``/usr/bin/chromium``; without them the test skips, unless
``CEASEFIRE_REQUIRE_BROWSER=1`` (as CI sets), when it fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

WIDTHS = (1280, 390)
WAIT_S = 120

WATCH_CSP = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
                          (e) => window.__violations.push(e.blockedURI || e.violatedDirective));"""


@pytest.fixture(scope="module")
def origin():
    pytest.importorskip("fastapi")
    uvicorn = pytest.importorskip("uvicorn")
    from ceasefire.web import Settings, create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(dashboard_draws={"tutorial": 150}, max_draws=400))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CEASEFIRE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shot(page, path: Path) -> None:
    """A viewport screenshot; as a 128-colour PNG where Pillow is there (docs stay small)."""
    page.screenshot(path=str(path), full_page=False)
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _wait(page, expression: str, timeout: float = WAIT_S) -> None:
    """Poll ``expression`` in the page (the page's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {expression}")


SEEN = """() => {
  const fig = (id) => document.getElementById(id);
  const signed = (fig('fig-agreement').data || []).find((t) => t.mode === 'lines+markers');
  return {
    curve: signed ? JSON.stringify(signed.y) : null,
    mapTitle: fig('fig-map').dataset.title || '',
    mapSvg: fig('fig-map').querySelector('svg.main-svg') !== null,
    figures: ['fig-agreement', 'fig-map', 'fig-acceptance', 'fig-timing'].map((id) => {
      const r = fig(id).getBoundingClientRect();
      return {id, svg: fig(id).querySelector('svg.main-svg') !== null, x: r.left, w: r.width,
              h: r.height};
    }),
    scrollWidth: document.scrollingElement.scrollWidth, width: window.innerWidth,
    preliminary: document.body.dataset.preliminary,
    violations: window.__violations || [],
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_answers_a_lever_flip_offline(browser, origin, shots, width):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def route(route):
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH_CSP)
    page.goto(origin + "/", wait_until="load")
    _wait(page, "() => window.ceasefire && window.ceasefire.answers >= 1")
    page.wait_for_timeout(300)
    before = page.evaluate(SEEN)
    if width < 600:  # on a phone the controls come first: show the answer
        page.locator("#headline-title").scroll_into_view_if_needed()
    _shot(page, shots / f"dashboard-{width}px.png")

    # every figure drawn, inside the page's width; the page never scrolls sideways
    for figure in before["figures"]:
        assert figure["svg"], figure["id"]
        assert figure["h"] > 150, figure
        assert figure["x"] >= 0 and figure["x"] + figure["w"] <= width + 1, figure
    assert before["scrollWidth"] <= before["width"] + 1
    assert before["preliminary"] == "0"  # the base run is a full solve

    # a lever flip, with the keyboard: the quick answer redraws the curve and the map
    page.focus("#lever-arms-package")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "as in the scenario" -> "on" -> "off"
    page.evaluate("() => document.getElementById('lever-arms-package')"
                  ".dispatchEvent(new Event('change'))")
    _wait(page, "() => window.ceasefire.answers >= 2")
    page.wait_for_timeout(300)
    after = page.evaluate(SEEN)
    assert page.input_value("#lever-arms-package") in ("on", "off")
    assert after["preliminary"] == "1"
    assert after["curve"] != before["curve"], "the agreement curve did not move"
    assert after["mapTitle"] != before["mapTitle"], "the map did not change"
    assert page.locator(".card .previous").count() >= 1  # the previous answer, greyed

    # the refined answer replaces the quick one in the background
    _wait(page, "() => window.ceasefire.refined >= 1")
    assert page.evaluate("() => document.body.dataset.preliminary") == "0"

    # the evidence of a figure
    page.click("button[aria-label='Evidence behind the agreement curve']")
    page.wait_for_selector("#evidence:not([hidden])")
    assert page.locator("#evidence-list li").count() >= 1
    assert page.evaluate("() => document.activeElement.id") == "evidence-title"
    _shot(page, shots / f"dashboard-evidence-{width}px.png")
    page.keyboard.press("Escape")
    assert page.locator("#evidence").is_hidden()

    seen = page.evaluate(SEEN)
    context.close()
    assert outside == [], f"requests outside the app: {outside}"
    assert seen["violations"] == []
    assert errors == []


def _open(browser, origin, width):
    """A page on the dashboard with every request outside the app aborted and counted."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    seen = {"outside": [], "inside": [], "errors": []}
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("console", lambda msg: seen["errors"].append(msg.text)
            if msg.type == "error" else None)

    def route(route):
        if route.request.url.startswith(origin + "/"):
            seen["inside"].append(route.request.method + " " + route.request.url[len(origin):])
            route.continue_()
        else:
            seen["outside"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.add_init_script(WATCH_CSP)
    page.goto(origin + "/", wait_until="load")
    _wait(page, "() => window.ceasefire && window.ceasefire.answers >= 1")
    return context, page, seen


MAP_COLOURS = """() => {
  const trace = (document.getElementById('fig-map').data || [])[0];
  const colour = trace && trace.marker && trace.marker.color;
  return colour ? Array.from(colour, Number) : null;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_threats_a_fallen_region_and_the_deal_table(browser, origin, shots, width):
    context, page, seen = _open(browser, origin, width)

    # the deal table fills in from its background job, followed as server-sent events
    _wait(page, "() => document.querySelectorAll('#deals tbody tr').length > 0")
    rows = page.locator("#deals tbody tr")
    assert rows.count() == 10  # the top ten of the tutorial's twelve packages
    assert "all veto players" in page.locator("#deals thead").inner_text()
    assert page.locator("#deals .badge").count() == 1  # the likely settlement is marked
    assert "packages" in page.inner_text("#deals-status")

    # a threat carried out, with the keyboard: a checkbox with its label
    before_curve = page.evaluate(SEEN)["curve"]
    assert page.locator("label[for='carried-tariff-threat']").inner_text().startswith(
        "Carried out")
    page.focus("#carried-tariff-threat")
    page.keyboard.press("Space")
    _wait(page, "() => window.ceasefire.answers >= 2")
    assert page.is_checked("#carried-tariff-threat")
    assert page.is_disabled("#lever-tariff-threat")  # no other setting for that lever
    assert page.evaluate("() => document.body.dataset.preliminary") == "1"
    assert page.evaluate("() => document.body.dataset.extrapolated") == "1"
    assert "levers.tariff-threat" in page.inner_text("#extrapolated")
    assert page.evaluate(SEEN)["curve"] != before_curve

    # a region falls: the map shows the variant's control, and says so in its title
    colours_before = page.evaluate(MAP_COLOURS)
    regions = page.evaluate("() => window.ceasefire.meta.regions.map((r) => r.id)")
    answers = page.evaluate("() => window.ceasefire.answers")
    page.focus("#falls")
    page.select_option("#falls", "east-valley|NO")
    _wait(page, f"() => window.ceasefire.answers > {answers}")
    page.wait_for_timeout(300)
    colours_after = page.evaluate(MAP_COLOURS)
    k = regions.index("east-valley")
    assert colours_before[k] == pytest.approx(0.5)
    assert colours_after[k] == pytest.approx(1.0)  # the first party's share, now whole
    assert "fallen" in page.evaluate("() => document.getElementById('fig-map').dataset.title")
    if width < 600:
        page.locator("#map-title").scroll_into_view_if_needed()
    _shot(page, shots / f"dashboard-threats-{width}px.png")

    # the refinement of the what-if follows its job as events too
    _wait(page, "() => window.ceasefire.refined >= 1")
    page.locator("#deals-title").scroll_into_view_if_needed()
    _shot(page, shots / f"dashboard-deals-{width}px.png")
    assert page.evaluate("() => window.ceasefire.streams") >= 2
    events = [r for r in seen["inside"] if r.endswith("/events")]
    assert len(events) >= 2, seen["inside"]
    # no polling: one status request per job, after its end event
    jobs = [r for r in seen["inside"] if r.startswith("GET /api/jobs/")
            and r.count("/") == 3]
    assert len(jobs) <= len(events), seen["inside"]

    violations = page.evaluate("() => window.__violations")
    context.close()
    assert seen["outside"] == [], f"requests outside the app: {seen['outside']}"
    assert violations == []
    assert seen["errors"] == []
