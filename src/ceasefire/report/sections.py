"""Report sections from the other engines: the stakeholder forecast and the deal space."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.analysis import Analysis

__all__ = ["deals_section", "extra_sections", "forecast_section"]


def extra_sections(result: Analysis, *, deals_draws: int = 0) -> list[tuple[str, Any]]:
    """Sections added to the ``analyze`` report after its own.

    The deal space is scored on its own ``deals_draws`` draws (the first ones, same
    seed), and only when asked: on a large space it takes longer than the rest together.
    """
    sections = []
    if deals_draws and result.scenario.issues:
        sections.extend(deals_section(result, draws=deals_draws))
    if result.scenario.stakeholders is not None:
        sections.extend(forecast_section(result))
    return sections


def _describe(package: dict[str, Any] | None) -> str:
    if package is None:
        return "no agreement"
    changes = package["changes"] or {"": "every issue at its default"}
    terms = ", ".join(f"{k}: {v}" if k else v for k, v in changes.items())
    p = package["p_all_veto_accept"]
    return f"{html.escape(terms)} (P all accept {p['p']:.0%} ± {p['se']:.1%})"


def deals_section(result: Analysis, *, draws: int) -> list[tuple[str, Any]]:
    """The whole deal space: solutions, zone of agreement, the belligerents' Pareto plot."""
    from ceasefire.deals import explore_deals
    from ceasefire.report.deal_figures import pareto_figure
    from ceasefire.report.figures import actor_colours

    deals = explore_deals(result.scenario, draws=min(draws, result.draws), rng=result.seed)
    doc = deals.to_dict()
    names = {"nash": "Nash bargaining", "kalai-smorodinsky": "Kalai–Smorodinsky",
             "egalitarian": "egalitarian", "likely-settlement": "likely settlement",
             "most-robust": "most robust"}
    items = "".join(
        f"<li><b>{label}</b>: {_describe(doc['solutions'][key]['package'])}"
        + (f"; blocked by {', '.join(doc['solutions'][key]['blocking'])}"
           if doc["solutions"][key]["package"] is None and doc["solutions"][key]["blocking"]
           else "") + "</li>"
        for key, label in names.items() if key in doc["solutions"])
    zone = doc["zone"]
    caption = (
        f"<p>Every package of the declared deal space ({doc['space']['evaluated']:,} "
        f"packages, {doc['space']['method']}), scored on the first {doc['draws']:,} draws, signed "
        f"now. {zone['size']:,} packages pass every veto with P ≥ {doc['p_star']:.0%} (the "
        "zone of agreement). Solutions (see <code>ceasefire deals</code> and "
        "docs/deals.md):</p>"
        f"<ul>{items}</ul>")
    x_actor, y_actor = doc["belligerents"][:2]
    return [("Deal space", caption),
            (f"Pareto frontier: {x_actor} against {y_actor}",
             pareto_figure(deals, x_actor, y_actor, colours=actor_colours(result)))]


def forecast_section(result: Analysis) -> list[tuple[str, Any]]:
    """Where the stakeholder models put each contested dimension, with the EUM's band."""
    from ceasefire.forecast import MODELS, eum_band, run_model, table_from_scenario
    from ceasefire.report.figures import actor_colours, clip
    from ceasefire.report.forecast_figures import forecast_figure

    table = table_from_scenario(result.scenario)
    results = {name: run_model(name, table) for name in MODELS}
    band = eum_band(table)
    rows = []
    for k, dimension in enumerate(table.dimension_ids):
        cells = "".join(f"<td>{r.forecast[k]:.1f}</td>" for r in results.values())
        b = band[dimension]
        rows.append(f"<tr><td>{html.escape(clip(dimension, 300))}</td>{cells}"
                    f"<td>{b['low']:.1f} – {b['high']:.1f}</td></tr>")
    head = "".join(f"<th>{html.escape(name)}</th>" for name in results)
    caption = (
        "<p>Where the stakeholder models put each contested dimension, from the scenario's "
        "table of positions, saliences and capabilities. The compromise model (capability "
        "× salience weighted mean) is the benchmark that complex models rarely beat on "
        "real cases; the EUM band is the spread of Bueno de Mesquita's expected utility "
        "model across its published readings (model ambiguity, not Monte Carlo "
        "uncertainty). These are exploratory: no coercive benchmark validates them. See "
        "<code>ceasefire forecast</code>.</p>"
        f'<div class="table-wrap"><table><tr><th>dimension</th>{head}<th>EUM band</th></tr>'
        f"{''.join(rows)}</table></div>")
    dimensions = result.scenario.stakeholders.dimensions
    unit = dimensions[0].scale.unit if dimensions else ""
    figure = forecast_figure(results, colours=actor_colours(result, table.actor_ids), unit=unit)
    return [("Stakeholder forecast", caption), ("Forecast trajectories", figure)]
