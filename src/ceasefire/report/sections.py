"""Report sections of the deal space, the stakeholder forecast and the talks as they unfold.

They render what an ``analyze`` result holds (``--deals``, stakeholders, the negotiation);
they run no engine.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.results import AnalyzeResult, DealsResult, ForecastResult, Package
    from ceasefire.results.negotiation import MonthRecord, Negotiation
    from ceasefire.scenario import Scenario

__all__ = ["deals_section", "extra_sections", "forecast_section", "negotiation_section"]


def extra_sections(result: AnalyzeResult, scenario: Scenario) -> list[tuple[str, Any]]:
    """Sections placed after ``analyze``'s own.

    The deal space (``analyze --deals``), where the scenario has stakeholders their
    forecast, and the talks as they unfold (the typical transcript and the batch figures).
    """
    sections = []
    if result.deals is not None:
        sections.extend(deals_section(result.deals, scenario))
    if result.forecast is not None:
        sections.extend(forecast_section(result.forecast, scenario))
    if result.negotiation is not None:
        sections.extend(negotiation_section(result.negotiation, scenario))
    return sections


def _describe(package: Package | None) -> str:
    if package is None:
        return "no agreement"
    changes = package.changes or {"": "every issue at its default"}
    terms = ", ".join(f"{k}: {v}" if k else v for k, v in changes.items())
    p = package.p_all_veto_accept
    return f"{html.escape(terms)} (P all accept {p.p:.0%} ± {p.se:.1%})"


def deals_section(deals: DealsResult, scenario: Scenario) -> list[tuple[str, Any]]:
    """The whole deal space: solutions, zone of agreement, the belligerents' Pareto plot."""
    from ceasefire.report.deal_figures import pareto_figure
    from ceasefire.report.figures import actor_colours

    names = {"nash": "Nash bargaining", "kalai-smorodinsky": "Kalai–Smorodinsky",
             "egalitarian": "egalitarian", "most-robust": "most robust"}
    items = []
    likely = deals.likely_settlement
    if likely is not None:
        terms = ", ".join(f"{k}: {v}" for k, v in likely.terms.items())
        tie = ""
        if likely.plateau is not None and likely.plateau.size > 1:
            shared = ", ".join(f"{k}: {v}" for k, v in likely.plateau.shared.items())
            tie = (f"; {likely.plateau.size:,} packages tie with it within Monte Carlo error "
                   f"and share {html.escape(shared) or 'no term'}, the answer the draws "
                   "support")
        items.append(f"<li><b>likely settlement</b>: {html.escape(terms)} (P all accept "
                     f"{likely.p_all_veto_accept.p:.0%} ± {likely.p_all_veto_accept.se:.1%})"
                     f"{tie}</li>")
    for key, label in names.items():
        solution = deals.solutions.get(key)
        if solution is None:
            continue
        blocked = (f"; blocked by {html.escape(', '.join(solution.blockers))}"
                   if solution.package is None and solution.blockers else "")
        items.append(f"<li><b>{label}</b>: {_describe(solution.package)}{blocked}</li>")
    caption = (
        f"<p>Every package of the declared deal space ({deals.space.evaluated:,} packages, "
        f"{deals.space.method}), scored on the first {deals.draws:,} draws, signed now. "
        f"{deals.zone.size:,} packages pass every veto with P ≥ {deals.p_star:.0%} (the zone "
        "of agreement). Solutions (see <code>ceasefire deals</code> and docs/deals.md):</p>"
        f"<ul>{''.join(items)}</ul>")
    if deals.cloud is None:
        return [("Deal space", caption)]
    x_actor, y_actor = deals.cloud.parties
    return [("Deal space", caption),
            (f"Pareto frontier: {x_actor} against {y_actor}",
             pareto_figure(deals, colours=actor_colours(scenario)))]


def forecast_section(forecast: ForecastResult, scenario: Scenario) -> list[tuple[str, Any]]:
    """Where the stakeholder models put each contested dimension, with the EUM's band."""
    from ceasefire.report.figures import actor_colours, clip
    from ceasefire.report.forecast_figures import forecast_figure

    models = forecast.models
    dimensions = list(next(iter(models.values())).forecast) if models else []
    rows = []
    for dimension in dimensions:
        cells = "".join("<td>n/a</td>" if m.forecast[dimension] is None
                        else f"<td>{m.forecast[dimension]:.1f}</td>" for m in models.values())
        band = forecast.eum_band.get(dimension) if forecast.eum_band else None
        spread = f"{band.low:.1f} – {band.high:.1f}" if band is not None else "—"
        rows.append(f"<tr><td>{html.escape(clip(dimension, 300))}</td>{cells}"
                    f"<td>{spread}</td></tr>")
    head = "".join(f"<th>{html.escape(name)}</th>" for name in models)
    edges = forecast.eum_knife_edge or {}
    fragile = [f"on {html.escape(clip(d, 300))}, {html.escape(edges[d].reason)}"
               for d in dimensions if d in edges and edges[d].knife_edge]
    warning = ("" if not fragile else
               "<p><b>The EUM forecast is knife-edge</b> (halving or doubling one "
               "stakeholder's capability moves it by more than "
               f"{100 * next(iter(edges.values())).threshold:.0f} % of the scale): "
               f"{'; '.join(fragile)}. Read it as fragile, not as a point forecast.</p>")
    caption = (
        "<p>Where the stakeholder models put each contested dimension, from the scenario's "
        "table of positions, saliences and capabilities. The compromise model (capability "
        "× salience weighted mean) is the benchmark that complex models rarely beat on "
        "real cases; the EUM band is the spread of Bueno de Mesquita's expected utility "
        "model across its published readings (model ambiguity, not Monte Carlo "
        "uncertainty). These are exploratory: no coercive benchmark validates them. See "
        "<code>ceasefire forecast</code>.</p>"
        f"{warning}"
        f'<div class="table-wrap"><table><tr><th>dimension</th>{head}<th>EUM band</th></tr>'
        f"{''.join(rows)}</table></div>")
    stakeholders = scenario.stakeholders
    unit = stakeholders.dimensions[0].scale.unit if stakeholders is not None else ""
    colours = actor_colours(scenario, [s for s, info in forecast.stakeholders.items()
                                       if info.actor is None])
    for name, info in forecast.stakeholders.items():
        if info.actor is not None:
            colours[name] = colours[info.actor]  # a party has one colour everywhere
    figure = forecast_figure(forecast, colours=colours, unit=unit)
    return [("Stakeholder forecast", caption), ("Forecast trajectories", figure)]


_QUIET = "deal-in-force"
"""A month of the transcript with no talks: runs of them are folded into one row."""
_BATCH_MONTHS = (1, 3, 6, 12, 24, 36)
"""Months (counted from 1) at which the batch table shows the cumulative figures."""


def _vote(response: Any) -> str:
    if response.accepts:
        return "accepts under threat" if response.threatened else "accepts"
    return f"refuses: {html.escape(response.reason or '')}"


def _cells(m: MonthRecord) -> list[str]:
    """One transcript month as escaped table cells."""
    esc = html.escape
    front = ", ".join(f"{esc(a)} {km2:+,.0f}&nbsp;km²" for a, km2 in m.news.gains_km2.items()
                      if abs(km2) >= 0.5)
    moves = ", ".join(f"{esc(x.region)} {x.points:.1f}&nbsp;pts" for x in m.news.moves[:3])
    beliefs = ", ".join(f"{esc(a)}&nbsp;{v:.2f}" for a, v in m.beliefs.items())
    if m.proposer is None:
        offer = "—"
    elif m.offer is None:
        offer = f"{esc(m.proposer)}: no offer"
    else:
        title = "; ".join(m.offer.wording) or "every issue at its default"
        offer = (f"{esc(m.proposer)}: <span title=\"{esc(title)}\">{esc(m.offer.package)}"
                 f"</span> ({m.proposer_gain or 0.0:+.2f})")
    answers = "; ".join(f"{esc(a)} {_vote(r)} ({r.gain:+.2f})" for a, r in m.responses.items())
    events = [m.outcome.replace("-", " ")]
    if m.collapsed:
        events.insert(0, "a deal in force collapsed")
    events += [f"threat {esc(t)} carried out" for t in m.threats]
    events += [f"narrow: {esc(k)}" for k in m.narrow_signed]
    return [esc(m.month), "; ".join(p for p in (front, moves) if p) or "—", beliefs or "—",
            offer, answers or "—", "; ".join(events)]


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def negotiation_section(negotiation: Negotiation, scenario: Scenario) -> list[tuple[str, Any]]:
    """"Talks as they unfold": the typical run month by month, then the batch figures.

    The run is chosen by the rule recorded in the transcript (docs/negotiate.md); months in
    which a signed deal simply holds are folded into one row.
    """
    esc = html.escape
    t, b = negotiation.transcript, negotiation.batch
    rows: list[list[str]] = []
    months = t.months
    k = 0
    while k < len(months):
        m = months[k]
        quiet = (m.outcome == _QUIET and not m.collapsed and not m.narrow_signed
                 and not m.threats)
        if quiet:
            end = k
            while end + 1 < len(months) and months[end + 1].outcome == _QUIET and not (
                    months[end + 1].collapsed or months[end + 1].narrow_signed
                    or months[end + 1].threats):
                end += 1
            span = esc(m.month) if end == k else f"{esc(m.month)} – {esc(months[end].month)}"
            rows.append([span, "", "", "—", "—", "the deal holds"])
            k = end + 1
            continue
        rows.append(_cells(m))
        k += 1
    end = (f"the first deal, {esc(t.package or '')}, is signed in {esc(t.signed)}"
           + (f" and collapses in {esc(t.collapsed)}" if t.collapsed else " and holds")
           if t.signed else "no deal is signed within the window")
    truth = f" Its true m is {t.true_m:.2f}." if t.true_m is not None else ""
    intro = (
        f"<p>One run of the bargaining game (run {t.draw}: {esc(t.rule)}), month by month: "
        "the battlefield news since the month before (each belligerent's net gain and the "
        "regions that moved most), each belligerent's expectation of m at the start of the "
        "month, the proposer and its offer (hover for the terms; its own gain in brackets), "
        "each veto player's answer with the reason it refuses and its gain, and what "
        "followed. Gains are in each party's war-cost annuities: a party accepts when its "
        f"gain is at least 0, or below 0 under a mediator's threat.{truth} On this run "
        f"{end}. See docs/negotiate.md and <code>ceasefire negotiate</code>.</p>")
    transcript = _html_table(["month", "battlefield", "expected m", "offer", "answers",
                              "outcome"], rows)
    labels = list(b.by_month)
    shown = [labels[i] for i in sorted({min(c, len(labels)) - 1 for c in _BATCH_MONTHS})]

    def pm(e: Any) -> str:
        return f"{e.p:.0%} ± {e.se:.1%}"

    series = [["comprehensive deal signed", *[pm(b.by_month[m]) for m in shown]],
              ["deal in force", *[pm(b.in_force[m]) for m in shown]]]
    if b.narrow_at_least_one_by is not None:
        series.append(["at least one narrow agreement",
                       *[pm(b.narrow_at_least_one_by[m]) for m in shown]])
    concessions = []
    for actor, c in b.concessions.items():
        if c.gain is None:
            concessions.append([esc(actor), "—", "—", "—"])
            continue
        concessions.append([esc(actor), f"{c.gain.p50:+.2f} ({c.gain.p10:+.2f} to "
                            f"{c.gain.p90:+.2f})",
                            f"{c.share.mean:.0%}" if c.share is not None else "—",
                            f"{c.proposed:.0%}"])
    packages = [[esc(p.id), esc(p.name), pm(p.p), esc(p.median_month)] for p in b.packages[:5]]
    batch = (
        f"<p>Over all {b.runs:,} runs (the same forward paths as the forecast above): "
        "P(by the end of the month), with one Monte Carlo standard error.</p>"
        + _html_table(["", *map(esc, shown)], series)
        + (_html_table(["package", "name", "P(signed)", "median month"], packages)
           if packages else "<p>No run signs a deal.</p>")
        + "<p>Concessions at the first signature: each belligerent's gain from the "
        "signed package (median, 10th to 90th percentile, war-cost annuities), its mean "
        "share of the belligerents' summed gains (the smaller share conceded more) and the "
        "share of the deals it proposed.</p>"
        + _html_table(["belligerent", "gain", "share of the gains", "proposed"], concessions))
    return [("Talks as they unfold", intro + transcript + "<h3>Over every run</h3>" + batch)]
