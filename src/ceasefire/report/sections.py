"""Report sections of the deal space and the stakeholder forecast.

They render what an ``analyze`` result holds (``--deals``, stakeholders); they run no engine.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.results import AnalyzeResult, DealsResult, ForecastResult, Package
    from ceasefire.scenario import Scenario

__all__ = ["deals_section", "extra_sections", "forecast_section"]


def extra_sections(result: AnalyzeResult, scenario: Scenario) -> list[tuple[str, Any]]:
    """Sections placed after ``analyze``'s own.

    The deal space (``analyze --deals``) and, where the scenario has stakeholders, their
    forecast.
    """
    sections = []
    if result.deals is not None:
        sections.extend(deals_section(result.deals, scenario))
    if result.forecast is not None:
        sections.extend(forecast_section(result.forecast, scenario))
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
