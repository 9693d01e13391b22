"""The HTML report of ``ceasefire analyze``: one self-contained, offline file.

The report renders a typed :class:`~ceasefire.results.AnalyzeResult` (fresh, or read back
from its JSON) and the scenario it was run on (for names, the map and the sources); it runs
no engine and re-derives no rule, so a saved result renders the same report.
:func:`write_report` renders every section in memory (plotly.js inlined once, figures as
plotly JSON of summaries, never raw draws), then writes ``report.html`` through a temporary
file in the same folder and :func:`os.replace`, so a failure never leaves a half-written
report. Every text that comes from the scenario is HTML-escaped; the page's
Content-Security-Policy forbids any network load (DESIGN.md sections 9.14 and 9.15).
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ceasefire import __version__
from ceasefire._files import write_text_atomic
from ceasefire.evidence import evidence_index, is_weak
from ceasefire.report import figures
from ceasefire.report import map as report_map
from ceasefire.report._template import CSP, CSS, PAGE
from ceasefire.report.sections import extra_sections

if TYPE_CHECKING:
    from ceasefire.results import AnalyzeResult
    from ceasefire.scenario.model import Claim, Scenario

__all__ = ["REPORT_NAME", "render_report", "write_report"]

REPORT_NAME = "report.html"

_CONFIG = {"displaylogo": False, "responsive": True,
           "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def write_report(result: AnalyzeResult, scenario: Scenario,
                 out_dir: str | os.PathLike[str]) -> Path:
    """Write the HTML report of an ``analyze`` result to ``out_dir/report.html``.

    Parameters
    ----------
    result
        The result of :func:`ceasefire.analyze`, or one read back from its JSON; its deal
        space (``--deals``) and stakeholder forecast get sections of their own.
    scenario
        The scenario it was run on (names, the map, the sources).
    out_dir
        Folder of the report; created if missing.

    Returns
    -------
    pathlib.Path
        The report's path.

    Raises
    ------
    CeasefireError
        When plotly (the ``report`` extra) is not installed.
    """
    page = render_report(result, scenario)
    target = Path(out_dir) / REPORT_NAME
    write_text_atomic(target, page)
    return target


def render_report(result: AnalyzeResult, scenario: Scenario) -> str:
    """Return the report's HTML text (see :func:`write_report`)."""
    figures.require_plotly()
    import plotly.offline

    r, s = result, scenario
    parts: list[tuple[str, str, str]] = [
        ("headline", "Headline", _headline(r, s)),
        ("control", "Control over time", _control(r, s)),
        ("war-values", "War values", _war_values(r, s)),
        *([("beliefs", "Beliefs", _beliefs(r, s))] if r.beliefs is not None else []),
        ("acceptance", "Acceptance", _acceptance(r, s)),
        ("timing", "Timing", _timing(r, s)),
        *([("agreement", "When a deal is signed", _agreement(r, s))]
          if r.agreement is not None else []),
        ("leverage", "Leverage", _leverage(r, s)),
    ]
    if r.line is not None:
        parts.append(("line", "The line question", _line(r, s)))
    if r.sensitivity is not None:
        parts.append(("sensitivity", "What drives the answer", _sensitivity(r, s)))
    parts.append(("map", "Map", _map(r, s)))
    for n, (title, body) in enumerate(extra_sections(r, s), start=1):
        # The section and its figure need ids of their own: a figure drawn into the
        # section that shares its id blanks the figure and squashes the next one.
        content = (_figure(body, f"fig-extra-{n}") if hasattr(body, "to_plotly_json")
                   else str(body))
        parts.append((f"extra-{n}", _esc(title, _MAX_NAME), content))
    parts.append(("sources", "Sources", _sources(r, s)))

    body = "\n".join(f'<section id="{sid}">\n<h2>{title}</h2>\n{content}\n</section>'
                     for sid, title, content in parts)
    nav = "".join(f'<a href="#{sid}">{title}</a>' for sid, title, _ in parts)
    meta = (f"Scenario <code>{_esc(s.id)}</code> as of {_esc(s.as_of.isoformat())} "
            f"(month 0 = {_esc(r.start_months[0])}) · {r.draws:,} Monte Carlo draws · "
            f"seed {r.seed} · horizon {r.horizon_months} months")
    footer = (f"Written by ceasefire {_esc(__version__)} from scenario "
              f"<code>{_esc(s.id)}</code>, seed {r.seed}, {r.draws:,} draws. "
              "Every figure summarises the draws (percentiles, means, standard errors); the "
              "same scenario and seed give the same report.")
    return PAGE.substitute(csp=CSP, version=_esc(__version__), title=_name(s.name), css=CSS,
                           plotlyjs=plotly.offline.get_plotlyjs(), meta=meta, nav=nav,
                           body=body, footer=footer)


# --- helpers ------------------------------------------------------------------------------


_MAX_NAME = 300
"""Characters of a name shown in a heading or a table; longer ones end in an ellipsis."""
_MAX_TEXT = 20_000
"""Characters of any scenario text in the page (a claim, a note): the page stays bounded."""


def _esc(value: object, limit: int = _MAX_TEXT) -> str:
    return html.escape(figures.clip(value, limit), quote=True)


def _name(value: object) -> str:
    """A name from the scenario, escaped and cut to :data:`_MAX_NAME` characters."""
    return _esc(value, _MAX_NAME)


# Draws a figure with the layout that suits its container's width: a grid of panels on
# a wide screen, one column on a narrow one (switching when the window is resized).
_SCRIPT = """(function () {
  var el = document.getElementById(%(id)s);
  var data = %(data)s, wide = %(layout)s, narrow = %(narrow)s, changes = %(changes)s;
  var config = %(config)s;
  function pick() { return narrow !== null && el.clientWidth < %(px)d ? "narrow" : "wide"; }
  function draw(kind, first) {
    var layout = JSON.parse(JSON.stringify(kind === "narrow" ? narrow : wide));
    var traces = data.map(function (trace, i) {
      return kind === "narrow" && changes[i] ? Object.assign({}, trace, changes[i]) : trace;
    });
    el.style.height = layout.height + "px";
    if (first) { Plotly.newPlot(el, traces, layout, config); }
    else { Plotly.react(el, traces, layout, config); }
  }
  var current = pick();
  draw(current, true);
  if (narrow !== null) {
    window.addEventListener("resize", function () {
      var next = pick();
      if (next !== current) { current = next; draw(next, false); }
    });
  }
})();"""


def _figure(fig: Any, div_id: str) -> str:
    """A figure as a div and its script; plotly.js itself is in the page head, once.

    A fixed ``div_id`` (plotly's default is random) keeps the report reproducible. The
    figure carries a second layout for containers narrower than
    :data:`figures.NARROW_PX` (:func:`figures.narrow_layout`): subplots in one column,
    shorter labels. JSON is written by plotly's encoder, which escapes ``<``, ``>`` and
    ``/``, so no text can close the script.
    """
    from plotly.io.json import to_json_plotly

    doc = fig.to_dict()
    layout = dict(doc.get("layout", {}))
    layout.pop("meta", None)
    changes = {str(k): v for k, v in figures.narrow_traces(fig).items()}
    script = _SCRIPT % {
        "id": to_json_plotly(div_id), "data": to_json_plotly(doc.get("data", [])),
        "layout": to_json_plotly(layout),
        "narrow": to_json_plotly(figures.narrow_layout(fig)),
        "changes": to_json_plotly(changes), "config": to_json_plotly(_CONFIG),
        "px": figures.NARROW_PX}
    height = int(layout.get("height") or 450)
    return (f'<div class="figure"><div id="{_esc(div_id)}" class="plotly-graph-div" '
            f'style="height:{height}px;width:100%"></div>\n<script>{script}</script></div>')


def _caption(text: str) -> str:
    return f'<p class="caption">{text}</p>'


def _sentence(text: str) -> str:
    """``text`` with its first letter in capitals (a headline opening a sentence)."""
    return text[:1].upper() + text[1:]


def _table(header: Iterable[str], rows: Iterable[Iterable[str]],
           numeric: Iterable[int] = (), row_class: Iterable[str] | None = None) -> str:
    """A table of already-escaped cells; ``numeric`` columns are right-aligned."""
    num = set(numeric)
    head = "".join(f'<th class="num">{h}</th>' if k in num else f"<th>{h}</th>"
                   for k, h in enumerate(header))
    classes = list(row_class) if row_class is not None else None
    lines = []
    for n, row in enumerate(rows):
        cells = "".join(f'<td class="num">{c}</td>' if k in num else f"<td>{c}</td>"
                        for k, c in enumerate(row))
        css = f' class="{classes[n]}"' if classes and classes[n] else ""
        lines.append(f"<tr{css}>{cells}</tr>")
    # The wrapper scrolls a wide table in its own box, not the whole page.
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table></div>")


def _pct(p: float) -> str:
    return f"{p:.0%}"


# --- sections -----------------------------------------------------------------------------


def _headline(r: AnalyzeResult, s: Scenario) -> str:
    cards = []
    likely = r.likely_settlement
    if likely is None:
        cards.append(("Likely settlement", "none", "the scenario names no proposal"))
    else:
        prob = likely.p_all_veto_accept
        cards.append(("Likely settlement", _name(s.proposal(likely.proposal).name),
                      f"P(all veto players accept now) = {prob.p:.1%} ± {2 * prob.se:.1%}; "
                      "the named proposal most likely to be accepted"))
    cards.append(("Blockers", _esc(", ".join(r.blockers)) if r.blockers else "none",
                  "veto players whose expected surplus is negative under every named proposal"
                  if r.blockers else "no veto player rejects every named proposal on average"))
    opened = [(p.window.opens, pid) for pid, p in r.proposals.items()
              if p.window.opens is not None]
    p_star = next(iter(r.proposals.values())).window.p_star if r.proposals else figures.P_STAR
    if opened:
        month, pid = min(opened)
        cards.append(("Bargaining window opens", _esc(month),
                      f"first month in which P(all veto accept) ≥ {p_star:g}, "
                      f"for {_name(s.proposal(pid).name)}"))
    else:
        cards.append(("Bargaining window", "closed",
                      f"no named proposal reaches P(all veto accept) ≥ {p_star:g} in "
                      f"{r.start_months[0]} to {r.start_months[-1]}"))
    grid = "".join(f'<div class="card"><div class="label">{label}</div>'
                   f'<div class="value">{value}</div><div class="note">{note}</div></div>'
                   for label, value, note in cards)
    out = [_caption(
        f"{_esc(s.description.strip()) if s.description else ''} "
        "What follows answers: which named proposal every veto player would accept, now and "
        "in each of the next twelve months; what drives the answer; and how sure the model "
        "is (each number is a share or a percentile of the Monte Carlo draws)."),
        f'<div class="headline">{grid}</div>']
    if likely is not None:
        reasons = r.proposals[likely.proposal].reasons
        if reasons:
            out.append(f"<h3>Why {_name(s.proposal(likely.proposal).name)}</h3>"
                       "<ul class='reasons'>"
                       + "".join(f"<li>{_esc(reason)}</li>" for reason in reasons) + "</ul>")
    rows = []
    for proposal in r.proposals.values():
        window = proposal.window
        rows.append([_name(proposal.name), _esc(", ".join(proposal.veto_players)),
                     _pct(proposal.p_all_veto_accept.p), _esc(window.opens or "never"),
                     _esc(window.closes or "—"),
                     f"{_esc(window.best_month)} ({_pct(window.best.p)})"])
    out.append("<h3>Bargaining window by proposal</h3>")
    out.append(_table(["proposal", "veto players", "P(all accept) now", "window opens",
                       "closes", "best month"], rows, numeric=(2,)))
    solutions = []
    for key, label in (("nash", "Nash bargaining"), ("kalai-smorodinsky", "Kalai–Smorodinsky"),
                       ("egalitarian", "egalitarian")):
        sol = r.solutions.get(key)
        name = _name(s.proposal(sol.proposal).name) if sol is not None and sol.proposal else (
            "no agreement (no proposal gives every veto player a positive expected surplus)")
        solutions.append(f"<li>{label}: {name}</li>")
    out.append("<h3>Bargaining solutions over the named proposals (signed now)</h3>"
               f"<ul class='reasons'>{''.join(solutions)}</ul>")
    weak = [c for c in s.evidence if is_weak(c)]
    if weak:
        out.append(_caption(
            f'<span class="flag">⚑ {len(weak)} of {len(s.evidence)} claims</span> behind '
            "these numbers are unconfirmed, disputed or modelling assumptions; the "
            '<a href="#sources">sources</a> list them and the results they drive.'))
    return "\n".join(out)


def _control(r: AnalyzeResult, s: Scenario) -> str:
    return "\n".join([
        _caption(
            "How the front may move if the war goes on. Each panel is a contested region (one "
            "with a front): the line is the median share the attacker holds across the "
            f"{r.draws:,} simulated war paths, the band covers the middle 80% of them (10th "
            "to 90th percentile). A narrow band means a predictable front; a wide one, an "
            "open outcome."),
        _figure(figures.control_figure(r, s), "fig-control"),
        "<h3>Area gained per month</h3>",
        _caption("Square kilometres each belligerent takes in each month (median and "
                 "10th–90th percentile band); compare with the recent record the scenario is "
                 "calibrated to."),
        _figure(figures.gains_figure(r, s), "fig-gains"),
    ])


def _war_values(r: AnalyzeResult, s: Scenario) -> str:
    unit = _esc(s.currency)
    return "\n".join([
        _caption(
            "W, each party's value of fighting on instead of signing, for a deal signed in "
            "each of the next twelve months (median and 10th–90th percentile band). Values "
            "are in each party's own units, so compare a party only with itself. A W that "
            "falls with the start month means the party's position erodes while it waits: "
            "a reason to settle while ahead."),
        _figure(figures.war_value_figure(r, s), "fig-war-values"),
        "<h3>What W is made of, now</h3>",
        _caption(
            "The value of the territory a party's side holds, minus the weighted cost of "
            f"casualties and of the war's economic cost (spending and lost revenue, in {unit} "
            "before weighting), discounted over the horizon and beyond; means over draws."),
        _figure(figures.war_value_parts_figure(r, s), "fig-war-value-parts"),
    ])


def _beliefs(r: AnalyzeResult, s: Scenario) -> str:
    half = r.belief_gap_half_life
    if half is not None and half.months is not None:
        note = (f"The gap halves within the horizon in {half.p_halves.p:.0%} of draws, after "
                f"{half.months.p50:.0f} months (median; 10th–90th percentile "
                f"{half.months.p10:.0f}–{half.months.p90:.0f}).")
    else:
        note = "The gap does not halve within the horizon in any draw."
    return "\n".join([
        _caption(
            "Why a war goes on when a deal would leave both sides better off: each side "
            "expects to do better by fighting (mutual optimism; Fearon 1995). m is how fast "
            "the attacker really advances, as a multiple of the analyst's expectation; each "
            "side starts from its own prior (the scenario cites what its leaders said before "
            "the summit) and updates it by Bayes' rule on each month's gains, so the beliefs "
            "converge as the war reveals m (Slantchev 2003; Smith & Stam 2004). Fans: the "
            "10th–90th percentile over draws and the median. " + note),
        _figure(figures.beliefs_figure(r, s), "fig-beliefs"),
    ])


def _acceptance(r: AnalyzeResult, s: Scenario) -> str:
    return "\n".join([
        _caption(
            "The probability that each party accepts each named proposal signed now: the "
            "share of draws where the deal beats fighting on by more than the party's "
            "ratification margin. Error bars are ±2 Monte Carlo standard errors. The dark "
            "hatched bar is the probability that every veto player accepts at once; the "
            f"dotted line is p* = {figures.P_STAR:g}. Parties without a veto over a "
            "proposal are shown for information."),
        _figure(figures.acceptance_figure(r, s), "fig-acceptance"),
    ])


def _timing(r: AnalyzeResult, s: Scenario) -> str:
    return "\n".join([
        _caption(
            "P(all veto players accept) for a deal signed in each month from now to twelve "
            "months ahead. The bargaining window of a proposal opens in the first month "
            f"where the probability reaches p* = {figures.P_STAR:g}."),
        _figure(figures.timing_figure(r, s), "fig-timing"),
        "<h3>Who gains by waiting</h3>",
        _caption(
            "For each veto player and proposal: the expected value of fighting until that "
            "month and signing then, minus signing now. Blue: the party gains by waiting "
            "(it has reason to stall); red: waiting costs it (it has reason to settle "
            "early). Colours are scaled per party; the numbers are in the party's own units."),
        _figure(figures.waiting_figure(r, s), "fig-waiting"),
    ])


_BINDING_EVERY = 3
"""The binding-reason table shows every third start month (0, 3, 6, 9, 12)."""
_ZONE_ROWS = 20
"""Candidates listed in the zone table (those most often in a zone)."""


def _agreement(r: AnalyzeResult, s: Scenario) -> str:
    a = r.agreement
    names = {p.id: p.name for p in s.proposals}
    within = (f"Within 12 months a deal is signed on {a.p_within_12.p:.0%} ± "
              f"{2 * a.p_within_12.se:.1%} of the paths, within 24 months on "
              f"{a.p_within_24.p:.0%} ± {2 * a.p_within_24.se:.1%}"
              + (f" (the window is {a.months} months)" if a.months < 24 else "")
              + (f"; the median month of signing is {_esc(a.median_month)}."
                 if a.median_month else "; too few paths sign for a median month.")
              + (f" {_esc(_sentence(a.fit_noise.headline()))}."
                 if a.fit_noise is not None else ""))
    out = [
        _caption(
            "The month-by-month bargaining game (MODELS.md 2.5–2.7): each month a party "
            "(or the mediator) proposes a package, the others accept or refuse against "
            "what they expect from bargaining on, and an accepted package may later "
            "collapse. Solid: the share of forward paths on which a comprehensive deal "
            "has been signed by the end of each month, with a band of ±2 Monte Carlo "
            "standard errors; dashed: the share on which a signed deal is still in force. "
            f"{within} The solver looks {a.solver_horizon} months ahead; the report shows "
            f"the first {a.months}."),
        _figure(figures.agreement_figure(r, s), "fig-agreement"),
        "<h3>What is signed</h3>",
    ]
    if a.packages:
        plateau = set(a.plateau)
        rows = []
        for k, package in enumerate(a.packages):
            kind = "searched" if package.searched else "named proposal"
            who = ", ".join(f"{_esc(actor)}&nbsp;{share:.0%}" for actor, share in
                            sorted(package.proposers.items(), key=lambda kv: -kv[1]))
            rows.append([str(k + 1), f"{_name(package.name)} <small>({kind})</small>",
                         f"{package.p.p:.1%} ± {2 * package.p.se:.1%}",
                         _esc(package.median_month), who or "—",
                         "✓" if package.id in plateau else ""])
        shared = ", ".join(f"{_esc(k)}: {_esc(v)}" for k, v in a.plateau_shares.items())
        out.append(_table(["#", "package", "P(signed within the window)", "median month",
                           "proposed by", "plateau"], rows, numeric=(0, 2)))
        out.append(_caption(
            f"The plateau: {len(a.plateau)} package{'s' if len(a.plateau) != 1 else ''} "
            "whose probability is within two paired standard errors of the most likely "
            "one's, so the draws do not rank them"
            + (f"; every one of them has {shared}." if shared and len(a.plateau) > 1
               else "." if len(a.plateau) > 1 else "; the most likely package stands alone.")
            + " Searched packages are found by the solver; their names list the terms "
            "off the default."))
    else:
        out.append(_caption("No path signs a deal within the window."))
    out.append(_binding(r, s, names))
    out.append(_zone(a, names))
    return "\n".join(out)


def _binding(r: AnalyzeResult, s: Scenario, names: dict[str, str]) -> str:
    belligerents = list(s.belligerents)
    months = r.start_months[::_BINDING_EVERY]
    header = ["proposal"] + [f"{_esc(m)} {_esc(b)}" for m in months for b in belligerents]
    rows = []
    for pid, series in r.timing.items():
        cells = []
        for month in months:
            entry = series.get(month)
            for b in belligerents:
                reason = entry.binding.get(b) if entry is not None else None
                cells.append(_esc(reason) if reason else "")
        rows.append([_name(names.get(pid, pid)), *cells])
    return "\n".join([
        "<h3>Why a proposal is refused</h3>",
        _caption(
            "For each named proposal offered in a start month, the reason each belligerent "
            "refuses it where it refuses in more than half the draws (blank: it accepts in "
            "at least half): <i>belief</i> if it would accept with the analyst's belief in "
            "place of its own, else <i>ratification</i> if it would with certain "
            "ratification, else <i>claim</i> if it would without its indivisible claim, "
            "else <i>value</i> (the package is simply worth less to it than bargaining "
            "on); the most frequent among its refusing draws."),
        _table(header, rows),
    ])


def _zone(a: Any, names: dict[str, str]) -> str:
    zone = a.zone
    labels = {p.id: p.name for p in a.packages}
    order = sorted(zone.own, key=lambda c: -max(zone.own[c].p, zone.common.get(c, zone.own[c]).p))
    shown = [c for c in order if zone.own[c].p > 0 or (c in zone.common and zone.common[c].p > 0)]
    rows = [[_name(names.get(c) or labels.get(c) or c),
             f"{zone.own[c].p:.1%}", f"{zone.common[c].p:.1%}" if c in zone.common else "—"]
            for c in shown[:_ZONE_ROWS]]
    rows.append(["<b>some candidate</b>", f"<b>{zone.p_any_own.p:.1%}</b>",
                 f"<b>{zone.p_any_common.p:.1%}</b>"])
    more = (f" The {_ZONE_ROWS} candidates most often in a zone are shown, of "
            f"{len(shown)}." if len(shown) > _ZONE_ROWS else "")
    return "\n".join([
        "<h3>The zone of agreement now: own beliefs against the analyst's</h3>",
        _caption(
            "P(every veto player accepts the package at month 0 against what it expects "
            "from bargaining on), each party on its own belief and all on the analyst's. "
            "A package in the zone on the analyst's belief but not on the parties' own is "
            "lost to their optimism (the price of optimism)." + more
            + f" Threats: a conditional lever is switched on before a deal on "
            f"{a.threats.p:.0%} of the paths."),
        _table(["candidate", "own beliefs", "analyst's belief"], rows, numeric=(1, 2)),
    ])


def _leverage(r: AnalyzeResult, s: Scenario) -> str:
    draws = r.leverage.draws
    note = (f"on the first {draws:,} of the {r.draws:,} draws"
            if draws < r.draws else f"on all {draws:,} draws")
    flagged = {w.id for w in r.weak_evidence if w.kind == "levers" and w.unconfirmed_or_disputed}
    flag_note = ""
    if flagged:
        names = ", ".join(_name(lv.name) for lv in s.levers if lv.id in flagged)
        flag_note = (f' <span class="flag">⚑</span> Levers that rest on unconfirmed or '
                     f"disputed claims: {names}.")
    factors = ", ".join(f"{_esc(f)} ({', '.join(_esc(x) for x in e.levers)})"
                        for f, e in r.leverage.factors.items())
    return "\n".join([
        _caption(
            "What each pressure does. A factor's effect is the bargaining equilibrium with "
            "its levers minus the equilibrium re-solved with all of them switched off "
            f"together, on the same draws and seed (common random numbers), {note}; error "
            "bars are two paired standard errors. The panels give the change in P(a deal is "
            "signed within 12 and within 24 months), in each proposal's P(all veto players "
            "accept) offered now and in each party's P(accept) of the likely settlement, in "
            "percentage points, and in each party's continuation value now, in units of its "
            "own war-cost annuity (a lever that lowers it makes fighting on worse for that "
            "party, so it accepts more). Per-lever effects are not computed: re-solving the "
            "equilibrium for every lever does not fit the time budget."
            + (f" Factors and their levers: {factors}." if factors else "") + flag_note),
        _figure(figures.leverage_figure(r, s), "fig-leverage-factors"),
    ])


def _line(r: AnalyzeResult, s: Scenario) -> str:
    line = r.line
    gainer, loser = _esc(line.gainer), _esc(line.loser)

    def med(summary: Any) -> str:
        return "—" if summary is None else f"{summary.p50:.0f}"

    zone = line.p_zone_open
    rows = [
        [f"least {gainer} accepts (its reservation line)", med(line.gainer_reservation),
         _pct(line.p_gainer_accepts_some_line.p)],
        [f"most {loser} concedes (its reservation line)", med(line.loser_reservation),
         _pct(line.p_loser_accepts_some_line.p)],
        [f"Rubinstein's split, {gainer} proposes first", med(line.rubinstein.gainer_first),
         _pct(zone.p)],
        [f"Rubinstein's split, {loser} proposes first", med(line.rubinstein.loser_first),
         _pct(zone.p)],
    ]
    fig = figures.line_figure(r, s)
    return "\n".join([
        _caption(
            f"The line question as one number x: 0 is a freeze on the current line, 100 "
            f"hands {gainer} all the {loser}-held land in the line's regions, which pass in "
            "a fixed order. Each curve is a party's net surplus from a line at x signed now "
            "(deal value minus war value minus ratification margin; median and 10th–90th "
            "percentile band): the party accepts the lines where its curve is above zero. "
            "Dashed: median reservation lines; solid: Rubinstein's split of the surpluses "
            "under each proposer order, the line at which the proposer's share of the summed "
            "surpluses is its Rubinstein share (median over the draws where the zone is "
            "open); dotted: the scenario's named lines. x = 100 is the "
            f"{line.modelled_area_km2:,.0f} km² {loser} holds in these regions in the model; "
            f"the cited figure is {line.reference_area_km2:,.0f} km²."),
        _figure(fig, "fig-line") if fig is not None else "",
        _table(["", "x (median)", "share of draws"], rows, numeric=(1, 2)),
        _caption(f"The zone of agreement is open (some line both accept) in {zone.p:.1%} "
                 f"± {2 * zone.se:.1%} of draws. Medians of the reservation lines are over "
                 "the draws where the party accepts some line."),
    ])


def _sensitivity(r: AnalyzeResult, s: Scenario) -> str:
    """Which uncertain parameters move the outputs: a tornado chart and indices tables.

    Says how many draws the analysis of ``analyze --sensitivity`` used and that they are a
    subset of the report's (docs/sensitivity.md).
    """
    from ceasefire.report.sensitivity_figures import (
        headline_output,
        indices_rows,
        leading_parameters,
        tornado_figure,
    )

    sens = r.sensitivity
    draws = sens.fit.draws
    subset = (f"the first {draws:,} of the report's {r.draws:,} draws, a subset"
              if draws < r.draws else f"all {draws:,} of the report's draws")
    refit = (" (fitted again on a wider base, as the parameters left the first fit's range)"
             if sens.fit.refit else "")
    if sens.method == "morris":
        design = (f"Morris screening (Morris 1991): {sens.samples} trajectories, each moving "
                  "one parameter at a time by half its probability mass")
        measure = ("mu* is the mean absolute change of the output when one parameter moves "
                   "one step (in the output's own units: a probability, a share, or x on "
                   "the line's 0–100 scale); sigma large against mu* means the effect "
                   "depends on the other parameters; mu is the signed mean")
    else:
        design = (f"Sobol' indices (Saltelli 2010): {sens.samples} base samples")
        measure = ("ST (total order) is the share of the output's variance a parameter "
                   "takes part in, S1 (first order) the share it explains alone")
    caption = _caption(
        f"Which of the scenario's {len(sens.parameters):,} uncertain numbers move the "
        f"answer, and by how much: {design}, each row played on {sens.replicates} "
        f"forward path(s) ({sens.evaluations:,} in all) over every parameter's own range. "
        + ("<b>Computed on a subset of draws:</b> " if draws < r.draws else "")
        + f"the bargaining game is fitted on {subset} "
        f"(same seed {r.seed}){refit}, and every row is played by the forward pass on that "
        "fit, so these figures are rougher than the rest of the report; run "
        "<code>ceasefire sensitivity</code> for more samples, or a Sobol analysis of the "
        f"leading parameters. {measure}; ± is the half-width of the "
        f"{sens.confidence:.0%} confidence interval.")
    output = headline_output(sens)
    if output is None:
        return caption + _caption("No output varied over the sample: no indices.")
    if sens.method == "morris":
        columns = [("mu_star", "mu*"), ("mu_star_ci", "±"), ("sigma", "sigma"), ("mu", "mu")]
    else:
        columns = [("total", "ST"), ("total_ci", "±"), ("first", "S1"), ("first_ci", "± S1")]
    rows = [[_esc(row["parameter"])] + [f"{row[key]:.3g}" if key in row else "·"
                                        for key, _ in columns]
            for row in indices_rows(sens, output, top=TOP_PARAMETERS)]
    leading = [[_esc(sens.outputs[name].label), f"{sens.outputs[name].mean:.3g}",
                "; ".join(f"{_esc(path)} {value:.3g} ± {ci:.2g}" for path, value, ci in top)]
               for name, top in leading_parameters(sens)]
    still = [name for name, o in sens.outputs.items() if o.variance <= 0]
    label = _esc(sens.outputs[output].label)
    return "\n".join([
        caption,
        _figure(tornado_figure(sens, output, top=TOP_PARAMETERS), "fig-sensitivity"),
        _caption(f"The {len(rows)} parameters that move <i>{label}</i> most:"),
        _table(["parameter", *(name for _, name in columns)], rows,
               numeric=range(1, len(columns) + 1)),
        _caption("Every output that varies over the sample, with its mean over the sample "
                 "and its three leading parameters ("
                 + ("mu*" if sens.method == "morris" else "ST") + " ± half-width):"),
        _table(["output", "mean", "leading parameters"], leading, numeric=(1,)),
        _caption("No variance over the sample, so no indices: "
                 + ", ".join(_esc(n) for n in still) + ".") if still else "",
    ])


TOP_PARAMETERS = 15
"""Parameters in the report's tornado chart and indices table."""


def _map(r: AnalyzeResult, s: Scenario) -> str:
    belligerents = list(s.belligerents)
    first = _esc(belligerents[0])
    second = _esc(belligerents[1]) if len(belligerents) > 1 else "the others"
    now = report_map.control_now(r, s)
    key = []
    for k, region in enumerate(s.regions):
        shares = ", ".join(f"{_esc(b)}&nbsp;{now[k, j]:.0%}" for j, b in enumerate(belligerents)
                           if now[k, j] >= 0.005)
        key.append([str(k + 1), _name(region.name), _name(region.province),
                    f"{s.point(region.area_km2):,.0f}", shares,
                    _esc(region.front.attacker) if region.front is not None else "—",
                    _esc(", ".join(region.features)) or "—"])
    rows = []
    for pid in r.proposals:
        changes = report_map.proposal_changes(r, s, pid)
        moved = "; ".join(f"{_name(s.region(c.region).name)}: {_esc(c.summary())}"
                          for c in changes) or "no region changes hands"
        rows.append([_name(s.proposal(pid).name), moved])
    return "\n".join([
        _caption(
            "A schematic map. Each region is a numbered circle at its centroid, sized by the "
            "square root of its area (not to scale) and coloured by the share "
            f"{first} holds now (red: {first}, blue: {second}, white: split); black dots are "
            "cities. Names are shown where circles do not crowd; the key below lists every "
            "region, and "
            "hovering shows its details (zoom in where circles crowd). The menu shows control "
            "under each named proposal: the regions it changes get a thick outline and are "
            "listed below. Oblast outlines and the front line are left out: no map package "
            "with a suitable licence ships them offline, and the regions deals move are "
            "smaller than any package's units."),
        _figure(report_map.region_map(r, s), "fig-map"),
        "<h3>Map key</h3>",
        _table(["#", "region", "province", "km²", "control now", "attacker", "features"],
               key, numeric=(0, 3)),
        "<h3>What each proposal changes on the map</h3>",
        _table(["proposal", "regions that change hands (share now → under the deal)"], rows),
    ])


# --- provenance ---------------------------------------------------------------------------


def _grade(claim: Claim) -> str:
    badge = f'<span class="grade {_esc(claim.grade)}">{_esc(claim.grade)}</span>'
    if claim.disputed:
        badge += ' <span class="grade disputed">disputed</span>'
    return badge


def _sources(r: AnalyzeResult, s: Scenario) -> str:
    names = {"actors": {x.id: x.name for x in s.actors},
             "regions": {x.id: x.name for x in s.regions},
             "levers": {x.id: x.name for x in s.levers},
             "proposals": {x.id: x.name for x in s.proposals}}
    kinds = {"actors": "party", "regions": "region", "levers": "lever",
             "proposals": "proposal"}
    flag_rows = []
    claims_by_id = {c.id: c for c in s.evidence}
    for flag in r.weak_evidence:
        kind, rid = flag.kind, flag.id
        claims = [claims_by_id[c] for c in flag.claims if c in claims_by_id]
        strong = [c for c in claims if c.grade == "unconfirmed" or c.disputed]
        assumed = [c for c in claims if c.grade == "modelling-assumption" and not c.disputed]
        flag_rows.append([
            kinds[kind], f"{_name(names[kind][rid])} <code>{_esc(rid)}</code>",
            ", ".join(f'<code>{_esc(c.id)}</code> {_grade(c)}' for c in strong) or "—",
            ", ".join(f"<code>{_esc(c.id)}</code>" for c in assumed) or "—"])
    out = [_caption(
        "The claims behind this report's numbers, in the scenario's words, with their source "
        "and reliability grade. Results that rest on claims graded unconfirmed, on "
        "disputed claims or on modelling assumptions (judgements no source gives, set with "
        "wide uncertainty) are flagged first; the leverage and acceptance figures above "
        "should be read with them in mind.")]
    if flag_rows:
        out.append("<h3>Results that rest on weak evidence</h3>")
        out.append(_table(["kind", "record", "unconfirmed or disputed claims",
                           "modelling assumptions"], flag_rows))
    supports = evidence_index(s)
    rows, classes = [], []
    for claim in s.evidence:
        src = claim.source
        source = _esc(src.outlet)
        if src.title:
            source += f", <i>{_esc(src.title)}</i>"
        if src.url.startswith(("http://", "https://")):
            # A link to follow, never a resource the page loads.
            link = (f'<a class="url" href="{_esc(src.url)}" rel="noopener noreferrer">'
                    f"{_esc(src.url)}</a>")
        else:
            link = f'<span class="url">{_esc(src.url)}</span>' if src.url else ""
        params = supports.get(claim.id, [])
        used = (f"<details><summary>{len(params)} parameter{'s' if len(params) != 1 else ''}"
                "</summary>" + "<br>".join(f"<code>{_esc(p)}</code>" for p in params)
                + "</details>") if params else "—"
        text = _esc(claim.claim) + (f"<br><small>{_esc(claim.note)}</small>"
                                    if claim.note else "")
        rows.append([f"<code>{_esc(claim.id)}</code>", text, _grade(claim), source,
                     _esc(src.date.isoformat()) if src.date else "—", link, used])
        classes.append("weak" if is_weak(claim) else "")
    out.append(f"<h3>Claims ({len(s.evidence)})</h3>")
    out.append(_table(["id", "claim", "grade", "source", "date", "link", "supports"], rows,
                      row_class=classes))
    return "\n".join(out)
