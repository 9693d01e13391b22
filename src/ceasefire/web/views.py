"""What the dashboard draws, as JSON: the report's own figures and tables of a result.

Every figure comes from :mod:`ceasefire.report.figures` and :mod:`ceasefire.report.map`
(the same functions as the offline HTML report), serialised with plotly's encoder and
with the narrow layout the report switches to on a phone. Nothing here computes a
number: it reads a typed :class:`~ceasefire.results.AnalyzeResult`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ceasefire.report import figures
from ceasefire.report import map as report_map

if TYPE_CHECKING:
    from ceasefire.results import AnalyzeResult
    from ceasefire.scenario import Scenario

__all__ = ["answer_view", "claims_view", "figure_json"]


def figure_json(fig: Any) -> dict[str, Any]:
    """A figure as ``{data, layout, narrow, changes}`` (plain JSON, numpy included)."""
    from plotly.io.json import to_json_plotly

    doc = fig.to_dict()
    layout = dict(doc.get("layout", {}))
    layout.pop("meta", None)
    return json.loads(to_json_plotly({
        "data": doc.get("data", []), "layout": layout,
        "narrow": figures.narrow_layout(fig),
        "changes": {str(k): v for k, v in figures.narrow_traces(fig).items()},
        "narrow_px": figures.NARROW_PX}))


def _map(result: AnalyzeResult, scenario: Scenario, likely: str | None) -> dict[str, Any]:
    fig = report_map.region_map(result, scenario)
    out = figure_json(fig)
    # the dashboard's own proposal picker replaces the figure's dropdown (keyboard-usable)
    menus = out["layout"].pop("updatemenus", [])
    out["views"] = [{"label": b["label"], "restyle": b["args"][0]}
                    for b in (menus[0]["buttons"] if menus else [])]
    out["proposals"] = ["now", *result.proposals]
    out["likely"] = likely
    return out


def answer_view(result: AnalyzeResult, scenario: Scenario) -> dict[str, Any]:
    """The dashboard's figures and tables of one result (quick or refined)."""
    start = result.start_months[0]
    acceptance = {}
    for pid, proposal in result.proposals.items():
        entry = result.timing.get(pid, {}).get(start)
        acceptance[pid] = {
            "name": proposal.name, "veto_players": proposal.veto_players,
            "acceptance": {a: e.model_dump() for a, e in proposal.acceptance.items()},
            "p_all_veto_accept": proposal.p_all_veto_accept.model_dump(),
            "binding": dict(entry.binding) if entry is not None else {},
            "window_opens": proposal.window.opens,
        }
    agreement = result.agreement
    likely = None
    if agreement is not None:
        named = [p.id for p in agreement.packages if not p.searched]
        likely = named[0] if named else None
    return {
        "start_month": start,
        "agreement": agreement.model_dump(mode="json") if agreement is not None else None,
        "acceptance": acceptance,
        "likely_named_package": likely,
        "figures": {
            "agreement": figure_json(figures.agreement_figure(result, scenario)),
            "acceptance": figure_json(figures.acceptance_figure(result, scenario)),
            "timing": figure_json(figures.timing_figure(result, scenario)),
            "map": _map(result, scenario, likely),
        },
    }


def claims_view(scenario: Scenario, path: str | None) -> dict[str, Any]:
    """The claims behind a parameter path (all of them without one), with their sources."""
    from ceasefire.evidence import claims_for, evidence_index, is_weak

    supports = evidence_index(scenario)
    claims = []
    for claim in claims_for(scenario, path):
        source = claim.source
        claims.append({
            "id": claim.id, "claim": claim.claim, "grade": claim.grade,
            "disputed": claim.disputed, "weak": is_weak(claim), "note": claim.note,
            "source": {"outlet": source.outlet, "title": source.title,
                       "date": source.date.isoformat() if source.date else None,
                       "url": source.url},
            "supports": supports.get(claim.id, []),
        })
    return {"scenario": scenario.id, "path": path or "", "claims": claims}
