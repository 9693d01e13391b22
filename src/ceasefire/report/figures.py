"""The report's plotly figures, one function per figure, each drawing a typed result.

Every figure shows the summaries a result holds over the Monte Carlo draws (10th, 50th
and 90th percentiles, means, probabilities with their standard errors), never the raw
draws, so a figure's size does not grow with the number of draws and a result read back
from JSON draws the same figures. Text from the
scenario is HTML-escaped before plotly sees it (plotly reads a subset of HTML in
labels). plotly is imported inside the functions: it is the ``report`` extra.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import CeasefireError
from ceasefire.results.analyze import (
    P_STAR,  # the threshold p* (DESIGN.md section 9.7)
    Shift,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ceasefire.results import AnalyzeResult, Summary
    from ceasefire.scenario import Scenario

__all__ = [
    "FIRST_COLOUR",
    "FONT",
    "MAX_HOVER",
    "MAX_LABEL",
    "NARROW_PX",
    "P_STAR",
    "SECOND_COLOUR",
    "acceptance_figure",
    "actor_colours",
    "agreement_figure",
    "beliefs_figure",
    "clip",
    "control_figure",
    "gains_figure",
    "leverage_figure",
    "line_figure",
    "narrow",
    "narrow_layout",
    "narrow_traces",
    "party_colours",
    "require_plotly",
    "stakeholders",
    "style",
    "text",
    "timing_figure",
    "vertical_spacing",
    "waiting_figure",
    "war_value_figure",
    "war_value_parts_figure",
    "wrap",
]


FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
"""Fonts installed with the system: the report loads no web font."""

MAX_LABEL = 80
"""Characters of scenario text shown in a figure's label; longer ones end in an ellipsis."""
MAX_HOVER = 1000
"""Characters of scenario text shown in a hover or a table cell (the full text, bounded)."""
NARROW_PX = 600
"""Below this container width (px), a figure switches to its narrow layout."""

# The first two belligerents get the map's diverging colours; others a qualitative set.
FIRST_COLOUR, SECOND_COLOUR = "#b2182b", "#2166ac"
_OTHERS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
           "#17becf", "#8c564b", "#bcbd22", "#f781bf", "#999999", "#6a3d9a", "#b15928",
           "#ff7f00", "#33a02c", "#fb9a99", "#1f78b4")
# Proposals get colours no actor uses, so the two legends of a figure do not clash.
_PROPOSAL_COLOURS = ("#6a3d9a", "#ff9f1c", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f",
                     "#f781bf", "#fdbf6f", "#cab2d6", "#b15928")
_GRID = "#e6e6e6"


def require_plotly() -> Any:
    """Return ``plotly.graph_objects``, or raise a CeasefireError naming the extra."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise CeasefireError(
            "the HTML report needs plotly, which is not installed; "
            "install it with: pip install 'ceasefire[report]'") from exc
    return go


def _subplots(**kwargs: Any) -> go.Figure:
    require_plotly()
    from plotly.subplots import make_subplots

    return make_subplots(**kwargs)


def clip(value: object, limit: int = MAX_LABEL) -> str:
    """``value`` as text of at most ``limit`` characters (an ellipsis marks a cut)."""
    value = str(value)
    return value if len(value) <= limit else value[:limit - 1] + "…"


def text(value: object, limit: int = MAX_HOVER) -> str:
    """Escape scenario text for a plotly label (plotly reads a subset of HTML).

    Text past ``limit`` characters is cut: a 10 MB name must not make a 10 MB label.
    """
    return html.escape(clip(value, limit), quote=False)


def wrap(value: object, width: int = 24, limit: int = MAX_LABEL) -> str:
    """Escape and wrap a label onto lines of ``width`` (``<br>`` is plotly's line break).

    The text is cut to ``limit`` characters first, so the work is linear in its length
    (:func:`textwrap.wrap` copies the rest of an overlong word for every line it cuts).
    """
    lines = textwrap.wrap(clip(value, limit), width) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def party_colours(actors: Sequence[str], belligerents: Sequence[str] = (),
                  others: Sequence[str] = ()) -> dict[str, str]:
    """One colour per party, the same in every figure of the report.

    The first two belligerents get the map's colours (red, blue); the other actors the
    qualitative set, in scenario order; ``others`` (stakeholder ids that are not actor
    ids) continue that set after the actors, so they never take an actor's colour.
    """
    colours: dict[str, str] = {}
    for colour, actor in zip((FIRST_COLOUR, SECOND_COLOUR), belligerents, strict=False):
        colours[actor] = colour
    rest = [a for a in (*actors, *others) if a not in colours]
    for k, actor in enumerate(dict.fromkeys(rest)):
        colours[actor] = _OTHERS[k % len(_OTHERS)]
    return colours


def actor_colours(scenario: Scenario, others: Sequence[str] = ()) -> dict[str, str]:
    """:func:`party_colours` for the scenario's actors (belligerents first, as on the map)."""
    return party_colours([a.id for a in scenario.actors], scenario.belligerents, others)


def vertical_spacing(rows: int, gap_px: float, panel_px: float) -> float:
    """``make_subplots``'s vertical spacing for a gap of ``gap_px`` between panels.

    Always below plotly's limit ``1 / (rows - 1)``, whatever the number of rows.
    """
    if rows <= 1:
        return 0.0
    return gap_px / (rows * panel_px + (rows - 1) * gap_px)


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def style(fig: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    """Apply the report's look: light grid, system fonts, legend on top.

    Axis styling goes in a small template, which plotly.js applies to every subplot's
    axes: faster than updating each axis here, and smaller than plotly's default template
    (~5 kB of JSON per figure).
    """
    template = {"layout": {
        "xaxis": {"showgrid": True, "gridcolor": _GRID, "zeroline": False, "linecolor": "#999",
                  "showline": True, "ticks": "outside", "tickcolor": "#999"},
        "yaxis": {"showgrid": True, "gridcolor": _GRID, "zeroline": True,
                  "zerolinecolor": "#bbb", "linecolor": "#999", "showline": True},
    }}
    fig.update_layout(
        template=template, height=height, font={"family": FONT, "size": 12, "color": "#222"},
        paper_bgcolor="white", plot_bgcolor="white", hovermode="closest",
        margin={"l": 60, "r": 30, "t": 70 if title else 40, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        title={"text": text(title), "x": 0, "xanchor": "left"} if title else None,
    )
    return fig


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``extra``, nested dictionaries merged key by key."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def narrow(fig: go.Figure, *, traces: dict[int, dict[str, Any]] | None = None,
           **layout: Any) -> go.Figure:
    """Record changes for a narrow screen (see :func:`narrow_layout`); returns ``fig``.

    ``layout`` is merged into the figure's narrow layout; ``traces`` maps a trace's
    index to properties it takes on a narrow screen (e.g. no text in heat-map cells).
    """
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    merged = _merge(meta.get("narrow", {}), layout)
    changed = {**meta.get("narrow_traces", {}), **{str(k): v for k, v in (traces or {}).items()}}
    fig.update_layout(meta={**meta, "narrow": merged, "narrow_traces": changed})
    return fig


def narrow_traces(fig: go.Figure) -> dict[int, dict[str, Any]]:
    """Trace properties recorded with :func:`narrow`, by trace index."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return {int(k): v for k, v in meta.get("narrow_traces", {}).items()}


def _subplot_axes(layout: dict[str, Any]) -> list[tuple[str, str]]:
    """``(xaxis key, yaxis key)`` of each subplot in a grid, row by row from the top."""
    pairs = []
    for key, axis in layout.items():
        if not (key.startswith("xaxis") and isinstance(axis, dict) and "domain" in axis):
            continue
        y_key = "yaxis" + str(axis.get("anchor", "y"))[1:]
        if isinstance(layout.get(y_key), dict) and "domain" in layout[y_key]:
            pairs.append((key, y_key))
    return sorted(pairs, key=lambda xy: (-round(layout[xy[1]]["domain"][1], 6),
                                         round(layout[xy[0]]["domain"][0], 6)))


def narrow_layout(fig: go.Figure, *, gap_px: int = 84) -> dict[str, Any] | None:
    """The layout ``fig`` takes in a container narrower than :data:`NARROW_PX`, or ``None``.

    A grid of subplots in several columns is stacked into one column, row by row, each
    panel keeping its height in pixels (160 to 480), ``gap_px`` apart (room for its title
    and tick labels); every axis shows its tick labels and the legend lies above the plot.
    Then the changes recorded with :func:`narrow` apply. ``None`` when nothing changes.
    """
    layout = fig.layout.to_plotly_json()
    meta = layout.pop("meta", None)
    extra = meta.get("narrow") if isinstance(meta, dict) else None
    pairs = _subplot_axes(layout)
    columns = {round(layout[x]["domain"][0], 6) for x, _ in pairs}
    if len(columns) <= 1 and not extra:
        return None
    out = dict(layout)
    if len(columns) > 1:
        margin = layout.get("margin", {})
        inner = layout.get("height", 450) - margin.get("t", 80) - margin.get("b", 80)
        panels = [min(max(float(np.diff(layout[y]["domain"])[0]) * inner, 160.0), 480.0)
                  for _, y in pairs]
        total = sum(panels) + (len(pairs) - 1) * gap_px
        titles = {}
        for note in layout.get("annotations", ()):
            if note.get("xref") == "paper" and note.get("yref") == "paper":
                titles[(round(note["x"], 6), round(note["y"], 6))] = note
        top_px = 0.0
        for (x_key, y_key), panel in zip(pairs, panels, strict=True):
            x_dom, y_dom = layout[x_key]["domain"], layout[y_key]["domain"]
            note = titles.pop((round((x_dom[0] + x_dom[1]) / 2, 6), round(y_dom[1], 6)), None)
            top = 1 - top_px / total
            out[x_key] = {**layout[x_key], "domain": [0, 1], "showticklabels": True}
            out[y_key] = {**layout[y_key], "domain": [max(top - panel / total, 0.0), top],
                          "showticklabels": True}
            if note is not None:
                note.update(x=0.5, y=top, font={**note.get("font", {}), "size": 12})
            top_px += panel + gap_px
        out["height"] = int(total + margin.get("t", 80) + margin.get("b", 80))
    plot_px = out.get("height", 450) - out.get("margin", {}).get("t", 80) - out.get(
        "margin", {}).get("b", 80)
    above = 60 if layout.get("annotations") else 8  # clear of the first panel's title
    out["legend"] = {**layout.get("legend", {}), "orientation": "h", "x": 0, "xanchor": "left",
                     "y": 1 + above / max(plot_px, 1), "yanchor": "bottom"}
    out["margin"] = {**layout.get("margin", {}), "l": 50, "r": 12}
    return _merge(out, extra or {})


def _bands(series: dict[str, Summary]) -> tuple[list[str], np.ndarray]:
    """The months of a series of summaries and their 10th, 50th, 90th percentiles ``[3, n]``."""
    return list(series), np.array([[v.p10 for v in series.values()],
                                   [v.p50 for v in series.values()],
                                   [v.p90 for v in series.values()]])


def _fan(x: list[str], q: np.ndarray, colour: str, name: str, *, subplot: int = 1,
         legend: bool = True, fmt: str = ".3g") -> list[go.Scatter]:
    """A p10-p90 band (one closed polygon) and a median line, on subplot ``subplot``.

    Subplots are numbered row by row from 1, as ``make_subplots`` names their axes
    (``x``, ``x2``, ...); placing traces by axis name and adding them in one batch is much
    faster than ``add_trace(row=, col=)`` one by one.
    """
    go = require_plotly()
    axes = {"xaxis": f"x{subplot if subplot > 1 else ''}",
            "yaxis": f"y{subplot if subplot > 1 else ''}"}
    return [
        go.Scatter(x=[*x, *x[::-1]], y=np.concatenate([q[2], q[0][::-1]]), fill="toself",
                   fillcolor=_rgba(colour, 0.18), line={"width": 0}, hoverinfo="skip",
                   name=f"{name} p10-p90", legendgroup=name, showlegend=False, **axes),
        go.Scatter(x=x, y=q[1], mode="lines", line={"color": colour, "width": 2}, name=name,
                   legendgroup=name, showlegend=legend,
                   customdata=np.stack([q[0], q[2]], axis=-1),
                   hovertemplate=(f"{name}<br>%{{x}}: median %{{y:{fmt}}}"
                                  f"<br>p10-p90 %{{customdata[0]:{fmt}}} to "
                                  f"%{{customdata[1]:{fmt}}}<extra></extra>"), **axes),
    ]


def _grid(n: int, columns: int = 3) -> tuple[int, int]:
    cols = max(1, n if columns == 3 and n == 4 else min(columns, n))  # 4 fit on one row
    return math.ceil(n / cols) if n else 1, cols


_TOP, _BOTTOM, _GAP = 70, 50, 72
"""Figure margins and the gap between rows of panels (room for a two-line title), px."""


def _panels(titles: list[str], *, panel_px: int, columns: int = 3,
            row_px: Sequence[int] | None = None, **kwargs: Any) -> tuple[go.Figure, int]:
    """A grid of subplots, ``panel_px`` tall each, and the figure's height in pixels.

    The spacing between rows is a fixed number of pixels, so any number of rows fits
    (a fixed fraction fails past ``1 / (rows - 1)``). ``row_px`` sets each row's height.
    """
    rows, cols = _grid(len(titles), columns)
    heights = list(row_px) if row_px is not None else [panel_px] * rows
    plot = sum(heights) + (rows - 1) * _GAP
    fig = _subplots(rows=rows, cols=cols, subplot_titles=titles,
                    vertical_spacing=_GAP / plot if rows > 1 else 0.0,
                    row_heights=[h / sum(heights) for h in heights], **kwargs)
    return fig, _TOP + _BOTTOM + plot


def _labels(values: Sequence[str], width: int, limit: int = MAX_LABEL) -> list[str]:
    """Wrapped, escaped, unique labels (a cut that makes two labels equal gets a number)."""
    out: list[str] = []
    for value in values:
        label = wrap(value, width, limit)
        while label in out:
            label += " ′"
        out.append(label)
    return out


def _empty(message: str, height: int = 160) -> go.Figure:
    go = require_plotly()
    fig = go.Figure()
    fig.add_annotation(text=text(message), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14, "color": "#666"})
    style(fig, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _units(actor: str) -> str:
    """The name of a party's value units (each party's values are on its own scale)."""
    return f"{actor} value units"


def control_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Fan charts of the attacker's share of each contested region, month by month.

    From the realised war paths (one noisy path per draw), months 0 to the horizon.
    """
    contested = [region for region in s.regions if region.front is not None]
    if not contested:
        return _empty("No region has a front: control does not move in this scenario.")
    titles = [wrap(f"{clip(region.name, 60)}: {region.front.attacker}'s share", 40)
              for region in contested]
    fig, height = _panels(titles, panel_px=220, shared_xaxes=True, horizontal_spacing=0.08)
    colours = actor_colours(s)
    traces = []
    for n, region in enumerate(contested):
        attacker = region.front.attacker
        x, q = _bands(r.control[region.id][attacker])
        traces += _fan(x, q, colours[attacker], f"{attacker} share", subplot=n + 1,
                       legend=False, fmt=".0%")
    fig.add_traces(traces)
    style(fig, height=height)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title_text="% of area held",
                     title_font={"size": 11})
    fig.update_layout(margin={"t": _TOP, "b": _BOTTOM})
    return fig


def gains_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Fan chart of the area each belligerent gains per month (km2)."""
    go = require_plotly()
    colours = actor_colours(s)
    fig = go.Figure()
    for b, series in r.gains_km2.items():
        x, q = _bands(series)
        if not np.any(q) and not any(v.mean for v in series.values()):
            continue  # a belligerent that never attacks would only add a flat zero line
        fig.add_traces(_fan(x, q, colours[b], f"{b} gains", fmt=",.0f"))
    style(fig, height=340)
    fig.update_yaxes(title_text="km² gained in the month", rangemode="tozero")
    fig.update_xaxes(title_text="month")
    return fig


def stakeholders(r: AnalyzeResult) -> list[str]:
    """The actors with a stake in the war (a war value that is not always 0).

    Third parties that only appear in deal terms have W = 0 everywhere; plotting them
    adds empty panels.
    """
    return [a for a, series in r.war_value.items()
            if any(v.mean or v.p10 or v.p90 for v in series.values())]


def war_value_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Each party's value of fighting on, W(s), for deals signed in months 0..12."""
    keep = stakeholders(r)
    if not keep:
        return _empty("No party has a stake in the war (every war value is 0).")
    names = {a.id: a.name for a in s.actors}
    fig, height = _panels([wrap(f"{clip(names[a], 50)} ({a})", 40) for a in keep],
                          panel_px=230, horizontal_spacing=0.09)
    colours = actor_colours(s)
    traces = []
    cols = _grid(len(keep))[1]
    for n, actor in enumerate(keep):
        x, q = _bands(r.war_value[actor])
        traces += _fan(x, q, colours[actor], actor, subplot=n + 1, legend=False)
        fig.update_yaxes(title_text=f"W, {_units(actor)}", row=n // cols + 1, col=n % cols + 1)
    fig.add_traces(traces)
    style(fig, height=height)
    fig.update_yaxes(title_font={"size": 11})
    fig.update_xaxes(title_text="month the deal is signed", title_font={"size": 11})
    fig.update_layout(margin={"t": _TOP, "b": _BOTTOM})
    return fig


def beliefs_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Each belligerent's expectation of m month by month, and the gap between them.

    m is the attacker's advance-rate multiplier (1 under the analyst's distribution); the
    parties learn it from the front's monthly gains (MODELS.md 2.4). Fans of p10-p90 over
    draws with the median; the second panel is the gap.
    """
    if r.beliefs is None or r.belief_gap is None:
        return _empty("The scenario declares no beliefs about the war.")
    fig, height = _panels([wrap("What each side expects of m (1 = the analyst's expectation)",
                                40, 200),
                           wrap("The gap between their expectations", 40, 200)],
                          panel_px=260, columns=2, horizontal_spacing=0.1)
    colours = actor_colours(s)
    traces = []
    for actor, series in r.beliefs.items():
        x, q = _bands(series)
        traces += _fan(x, q, colours[actor], f"{actor} expects", subplot=1)
    x, q = _bands(r.belief_gap)
    traces += _fan(x, q, "#555555", "gap", subplot=2, legend=False)
    fig.add_traces(traces)
    style(fig, height=height)
    # the legend beside the panels: above them it would sit on the subplot titles
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1,
                              "yanchor": "top"})
    fig.update_yaxes(title_text="E[m], multiple of the analyst's advance rate",
                     title_font={"size": 11}, row=1, col=1)
    fig.update_yaxes(title_text="gap in E[m]", title_font={"size": 11}, rangemode="tozero",
                     row=1, col=2)
    fig.update_xaxes(title_text="month", title_font={"size": 11})
    fig.update_layout(margin={"t": _TOP, "b": _BOTTOM})
    return fig


def war_value_parts_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """The parts of each party's war value now: territory, minus casualties and economy.

    One panel per party with a stake, each on its own scale (values are in the party's
    own units); means over draws.
    """
    go = require_plotly()
    keep = stakeholders(r)
    if not keep:
        return _empty("No party has a stake in the war (every war value is 0).")
    labels = ["territory", "− casualties", "− economy", "= W"]
    colours = ["#4daf4a", "#e41a1c", "#ff7f00", "#333333"]
    names = {a.id: a.name for a in s.actors}
    fig, height = _panels([wrap(f"{clip(names[a], 50)} ({a})", 34) for a in keep],
                          panel_px=230, columns=4, horizontal_spacing=0.08)
    cols = _grid(len(keep), 4)[1]
    now = r.start_months[0]
    for n, actor in enumerate(keep):
        parts = r.war_value_parts[actor]
        values = [parts.territory, -parts.casualties, -parts.economy,
                  r.war_value[actor][now].mean]
        fig.add_trace(go.Bar(x=labels, y=values, marker_color=colours, showlegend=False,
                             hovertemplate=(f"{text(actor)} %{{x}}: %{{y:.4g}} "
                                            f"{text(_units(actor))}<extra></extra>")),
                      row=n // cols + 1, col=n % cols + 1)
        fig.update_yaxes(title_text=_units(actor), row=n // cols + 1, col=n % cols + 1)
    style(fig, height=height)
    fig.update_layout(margin={"t": _TOP, "b": _BOTTOM}, bargap=0.3)
    fig.update_yaxes(title_font={"size": 11})
    fig.update_xaxes(showgrid=False)
    return fig


def acceptance_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """P(each party accepts) each proposal signed now, with Monte Carlo error bars.

    Horizontal bars, one group per proposal, so long proposal names never overprint; a
    name cut for display is shown in full in the hover. A party with no stake in a
    proposal has no bar there.
    """
    go = require_plotly()
    proposals = list(r.proposals.values())
    full = [text(p.name, 200) for p in proposals]
    names = _labels([p.name for p in proposals], 22, 60)
    colours = actor_colours(s)
    parties = [a.id for a in s.actors if any(a.id in p.acceptance for p in proposals)]
    fig = go.Figure()
    for actor in parties:
        estimates = [p.acceptance.get(actor) for p in proposals]
        p_accept = [np.nan if e is None else e.p for e in estimates]
        se2 = [0.0 if e is None else 2 * e.se for e in estimates]
        veto = ["veto" if actor in p.veto_players else "no veto here" for p in proposals]
        fig.add_trace(go.Bar(
            y=names, x=p_accept, orientation="h", name=f"{actor} accepts",
            marker_color=colours[actor],
            error_x={"type": "data", "array": se2, "color": "#444", "thickness": 1},
            customdata=np.stack([se2, veto, full], axis=-1),
            hovertemplate=(f"%{{customdata[2]}}<br>{text(actor)}: %{{x:.1%}} ± "
                           "%{customdata[0]:.1%} (%{customdata[1]})<extra></extra>")))
    fig.add_trace(go.Bar(
        y=names, x=[p.p_all_veto_accept.p for p in proposals], orientation="h",
        name="all veto players accept", marker_color="#333", marker_pattern_shape="/",
        error_x={"type": "data", "array": [2 * p.p_all_veto_accept.se for p in proposals],
                 "color": "#000", "thickness": 1},
        customdata=full,
        hovertemplate="%{customdata}<br>all veto players: %{x:.1%}<extra></extra>"))
    bars = len(parties) + 1
    style(fig, height=130 + len(names) * (24 + 11 * bars))
    fig.add_vline(x=P_STAR, line={"dash": "dot", "color": "#888", "width": 1})
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(range=[0, 1.05], tickformat=".0%",
                     title_text="P(accept), % of draws")
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    narrow(fig, yaxis={"tickfont": {"size": 10}})
    return fig


SIGNED_COLOUR, IN_FORCE_COLOUR = "#333333", "#7f7f7f"
"""The agreement curve's two lines: no party's colour (they are everyone's outcome)."""


def agreement_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """P(a comprehensive deal signed by the end of each month), and P(in force).

    The month-by-month solver's forward paths (MODELS.md 2.7): the cumulative share of
    paths that have signed, with a band of two Monte Carlo standard errors either side,
    and the share in which a signed deal still holds (signed and not collapsed).
    """
    go = require_plotly()
    agreement = r.agreement
    if agreement is None or not agreement.by_month:
        return _empty("The analysis ran without the month-by-month solver.")
    months = list(agreement.by_month)
    p = np.array([e.p for e in agreement.by_month.values()])
    se = np.array([e.se for e in agreement.by_month.values()])
    force = np.array([agreement.in_force[m].p for m in months])
    force_se = np.array([agreement.in_force[m].se for m in months])
    low, high = np.clip(p - 2 * se, 0, 1), np.clip(p + 2 * se, 0, 1)
    fig = go.Figure([
        go.Scatter(x=[*months, *months[::-1]], y=np.concatenate([high, low[::-1]]),
                   fill="toself", fillcolor=_rgba(SIGNED_COLOUR, 0.15), line={"width": 0},
                   hoverinfo="skip", name="signed ± 2 se", legendgroup="signed",
                   showlegend=False),
        go.Scatter(x=months, y=p, mode="lines+markers", name="signed by the end of the month",
                   legendgroup="signed", line={"color": SIGNED_COLOUR, "width": 2},
                   marker={"size": 4}, customdata=2 * se,
                   hovertemplate="signed by the end of %{x}: %{y:.1%} ± %{customdata:.1%}"
                                 "<extra></extra>"),
        go.Scatter(x=months, y=force, mode="lines", name="in force (signed, not collapsed)",
                   line={"color": IN_FORCE_COLOUR, "width": 2, "dash": "dash"},
                   customdata=2 * force_se,
                   hovertemplate="in force at the end of %{x}: %{y:.1%} ± %{customdata:.1%}"
                                 "<extra></extra>"),
    ])
    style(fig, height=380)
    fig.update_xaxes(type="category", title_text="calendar month", nticks=13)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title_text="P, % of draws")
    return fig


def timing_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Heat map of P(all veto players accept), proposals x start months."""
    go = require_plotly()
    z = np.array([[entry.p_all_veto_accept.p for entry in r.timing[pid].values()]
                  for pid in r.proposals])  # [P, months]
    names = [p.name for p in r.proposals.values()]
    y = _labels(names, 30)
    full = [[text(name, 200)] * len(r.start_months) for name in names]
    fig = go.Figure(go.Heatmap(
        z=z, x=r.start_months, y=y, zmin=0, zmax=1, colorscale="YlGnBu",
        texttemplate="%{z:.2f}", textfont={"size": 11}, xgap=2, ygap=2, customdata=full,
        colorbar={"title": {"text": "P(all veto<br>accept)"}, "tickformat": ".0%"},
        hovertemplate="%{customdata}<br>signed %{x}: P(all veto accept) %{z:.1%}"
                      "<extra></extra>"))
    style(fig, height=130 + 48 * len(y))
    fig.update_xaxes(type="category", showgrid=False, title_text="month the deal is signed")
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    # On a phone the cells are too small for their numbers (the hover still has them).
    narrow(fig, traces={0: {"texttemplate": ""}},
           yaxis={"tickvals": y, "ticktext": _labels(names, 14, 40), "tickfont": {"size": 10}})
    return fig


def _short(value: float) -> str:
    """A compact number for a heat-map cell: ``-320``, ``47``, ``4.5``, ``0.23``."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def waiting_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Heat map of each veto player's mean gain from waiting m months before signing.

    Colour is the gain scaled by that party's largest absolute gain (parties' values
    are in their own units); the number in each cell is the gain itself.
    """
    go = require_plotly()
    vetoes = [a.id for a in s.actors
              if any(a.id in p.veto_players for p in r.proposals.values())]
    rows, names, scaled, units = [], [], [], []
    for actor in vetoes:
        g = np.array([[entry.gains_by_waiting.get(actor, 0.0)
                       for entry in r.timing[pid].values()] for pid in r.proposals])
        scale = np.abs(g).max() or 1.0
        for p, proposal in enumerate(r.proposals.values()):
            rows.append(g[p])
            scaled.append(g[p] / scale)
            names.append((actor, proposal.name))
            units.append([text(_units(actor))] * g.shape[1])
    if not rows:
        return _empty("No party holds a veto over the named proposals.")
    labels = _labels([f"{a} · {clip(name, 60)}" for a, name in names], 34)
    fig = go.Figure(go.Heatmap(
        z=np.array(scaled), x=r.start_months, y=labels, zmin=-1, zmax=1, zmid=0,
        colorscale="RdBu", text=[[_short(v) for v in row] for row in rows], customdata=units,
        texttemplate="%{text}", textfont={"size": 10}, xgap=1, ygap=1,
        colorbar={"tickvals": [-1, 0, 1], "ticktext": ["loses", "0", "gains"], "len": 0.8,
                  "title": {"text": "scaled<br>per party"}},
        hovertemplate=("%{y}<br>sign in %{x} instead of now: %{text} %{customdata}"
                       "<extra></extra>")))
    style(fig, height=130 + 34 * len(labels))
    fig.update_xaxes(type="category", showgrid=False, title_text="month the deal is signed")
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False,
                     tickfont={"size": 10})
    narrow(fig, traces={0: {"texttemplate": ""}},
           yaxis={"tickvals": labels,
                  "ticktext": _labels([f"{a} · {name}" for a, name in names], 16, 34)})
    return fig


_NO_SHIFT = Shift(d=0.0, se=0.0)


def leverage_figure(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Effect of each factor's levers on the equilibrium, comparably.

    Every panel but the last is a probability, which shares one scale across parties: the
    change in P(deal signed within 12 and within 24 months), in each proposal's P(all
    veto players accept) offered now, and in each party's P(accept) of the likely
    settlement, in percentage points. The last panel is the change in each party's
    continuation value now, in units of its own war-cost annuity (a ratio, so parties
    share the axis). With the factor's levers minus without them, the equilibrium
    re-solved on common random numbers; error bars are two paired standard errors.
    """
    go = require_plotly()
    effects = r.leverage.factors
    if not effects:
        return _empty("The scenario has no levers, or no named proposals to bargain over.")
    full = list(effects)
    names = _labels(full, 34, 68)
    likely = r.likely_settlement.proposal if r.likely_settlement is not None else None
    parties: list[str] = []
    if likely is not None:  # parties whose acceptance some factor moves
        parties = [a.id for a in s.actors
                   if any(e.acceptance.get(likely, {}).get(a.id) is not None
                          and e.acceptance[likely][a.id].d != 0 for e in effects.values())]
    players = [a.id for a in s.actors if any(a.id in e.continuation for e in effects.values())]
    colours = actor_colours(s)
    titles = [wrap("P(deal signed within 12 and within 24 months): change, percentage points",
                   34, 200),
              wrap("P(all veto players accept) of each proposal offered now: change, "
                   "percentage points", 34, 200)]
    if parties:
        titles.append(wrap(f"P(accept) of {clip(s.proposal(likely).name, 40)}, by party: "
                           "change, percentage points", 34, 200))
    if players:
        titles.append(wrap("Continuation value now, by party: change, in the party's "
                           "war-cost annuities", 34, 200))
    rows, cols = _grid(len(titles), 2)
    lines = max(label.count("<br>") + 1 for label in names)
    label_px = 6 + 13 * lines
    bars = max(len(r.proposals), len(parties), len(players), 2)
    tall = 30 + len(names) * max(label_px, 6 + 8 * bars)
    fig, height = _panels(titles, panel_px=tall, columns=2, row_px=[tall] * rows,
                          horizontal_spacing=0.08)
    traces = []

    def axes(n: int) -> dict[str, str]:
        return {"xaxis": f"x{n + 1 if n else ''}", "yaxis": f"y{n + 1 if n else ''}"}

    def points(differences: list[Any], scale: float = 100) -> dict[str, Any]:
        d = np.array([[x.d, x.se] for x in differences]) * scale
        return {"x": d[:, 0], "error_x": {"type": "data", "array": 2 * d[:, 1],
                                          "color": "#444", "thickness": 1},
                "customdata": 2 * d[:, 1]}

    for k, (field, label) in enumerate((("p_within_12", "within 12 months"),
                                        ("p_within_24", "within 24 months"))):
        traces.append(go.Bar(
            y=names, orientation="h", name=label, marker_color=("#1f77b4", "#9ecae1")[k],
            legendgroup="deal", legendgrouptitle_text="deal signed",
            hovertemplate="%{fullData.name}: %{x:+.1f} ± %{customdata:.1f} points"
                          "<extra></extra>",
            **points([getattr(e, field) for e in effects.values()]), **axes(0)))
    for p, (pid, proposal) in enumerate(r.proposals.items()):
        traces.append(go.Bar(
            y=names, orientation="h", name=wrap(proposal.name, 30),
            marker_color=_PROPOSAL_COLOURS[p % len(_PROPOSAL_COLOURS)],
            legendgroup="proposals", legendgrouptitle_text="proposals",
            hovertemplate="%{fullData.name}: %{x:+.1f} ± %{customdata:.1f} points"
                          "<extra></extra>",
            **points([e.p_all_veto_accept[pid] for e in effects.values()]), **axes(1)))
    n = 2
    for actor in parties:
        traces.append(go.Bar(
            y=names, orientation="h", name=actor, marker_color=colours[actor],
            legendgroup="parties", legendgrouptitle_text="parties",
            hovertemplate=f"{text(actor)}: %{{x:+.1f}} ± %{{customdata:.1f}} points"
                          "<extra></extra>",
            **points([e.acceptance[likely][actor] for e in effects.values()]), **axes(n)))
    if parties:
        n += 1
    for actor in players:
        traces.append(go.Bar(
            y=names, orientation="h", name=actor, marker_color=colours[actor],
            legendgroup="parties", showlegend=not parties,
            legendgrouptitle_text="parties",
            hovertemplate=f"{text(actor)}: %{{x:+.2f}} ± %{{customdata:.2f}} war-cost "
                          "annuities<extra></extra>",
            **points([e.continuation.get(actor, _NO_SHIFT) for e in effects.values()], 1),
            **axes(n)))
    fig.add_traces(traces)
    style(fig, height=height)
    fig.update_layout(barmode="group", bargap=0.2, margin={"t": _TOP, "b": _BOTTOM},
                      legend={"groupclick": "toggleitem", "orientation": "v", "x": 1.02,
                              "xanchor": "left", "y": 1, "yanchor": "top"})
    fig.update_yaxes(autorange="reversed", zeroline=False, tickfont={"size": 11})
    fig.update_xaxes(zeroline=True, zerolinecolor="#888")
    for k in range(1, len(titles)):
        fig.layout[f"yaxis{k + 1}"].update(matches="y", showticklabels=k % cols == 0)
    short_names = _labels(full, 22, 40)
    narrow(fig, **{f"yaxis{k + 1 if k else ''}": {"tickvals": names, "ticktext": short_names,
                                                  "tickfont": {"size": 10}}
                   for k in range(len(titles))})
    return fig


def _named_notes(named: list[tuple[float, str]], plot_px: float, width: int,
                 levels: int = 4) -> list[dict[str, Any]]:
    """Labels of the named lines at the bottom of the line plot, stacked so none overprint.

    Each label takes the lowest of ``levels`` rows where it clears the labels already
    there (its width estimated from its longest line at about 6 px a character, in a
    plot ``plot_px`` wide spanning x = 0 to 100); one that fits no row is left out (its
    dotted line stays, and the map key lists every option).
    """
    rows: list[list[tuple[float, float]]] = [[] for _ in range(levels)]
    notes = []
    for x, name in named:
        label = wrap(name, width)
        span = (max(len(line) for line in textwrap.wrap(clip(name), width) or [""]) * 6 + 10
                ) * 100 / plot_px
        right = x > 50
        low, high = (x - span, x) if right else (x, x + span)
        row = next((k for k, taken in enumerate(rows)
                    if all(high < a or low > b for a, b in taken)), None)
        if row is None:
            continue
        rows[row].append((low, high))
        notes.append({"x": x, "y": 0.03 + 0.16 * row, "xref": "x2", "yref": "y2 domain",
                      "text": label, "showarrow": False, "yanchor": "bottom",
                      "xanchor": "right" if right else "left", "xshift": -3 if right else 3,
                      "align": "right" if right else "left",
                      "font": {"size": 10, "color": "#555"},
                      "bgcolor": "rgba(255,255,255,0.85)"})
    return notes


def line_figure(r: AnalyzeResult, s: Scenario) -> go.Figure | None:
    """Net surplus of the line's gainer and loser over the 0-100 line, with the splits.

    ``None`` when the scenario has no line question. Vertical marks: the median
    reservation points (least the gainer accepts, most the loser concedes), Rubinstein's
    split under each proposer order (medians over draws where the zone is open) and the
    named lines.
    """
    line = r.line
    if line is None:
        return None
    grid = np.asarray(line.grid)
    who = [line.gainer, line.loser]
    fig, height = _panels([
        wrap(f"{line.gainer} (gains land as x rises): net surplus", 60),
        wrap(f"{line.loser} (gives up land): net surplus (dotted: the scenario's named "
             "lines)", 60)], panel_px=230, columns=1, shared_xaxes=True)
    colours = actor_colours(s)
    go = require_plotly()
    for row, actor in enumerate(who, start=1):
        bands = line.net_surplus[actor]
        q = np.array([bands.p10, bands.p50, bands.p90])
        fig.add_trace(go.Scatter(
            x=[*grid, *grid[::-1]], y=np.concatenate([q[2], q[0][::-1]]), fill="toself",
            fillcolor=_rgba(colours[actor], 0.18), line={"width": 0}, hoverinfo="skip",
            showlegend=False), row=row, col=1)
        fig.add_trace(go.Scatter(
            x=grid, y=q[1], mode="lines", line={"color": colours[actor], "width": 2},
            name=f"{actor} median", showlegend=False, customdata=np.stack([q[0], q[2]], axis=-1),
            hovertemplate=(f"{text(actor)} at x=%{{x}}: %{{y:.3g}} "
                           "(p10 %{customdata[0]:.3g}, p90 %{customdata[1]:.3g})"
                           "<extra></extra>")), row=row, col=1)

    def median(summary: Summary | None) -> float | None:
        return None if summary is None else summary.p50

    marks = [
        (median(line.gainer_reservation), f"{line.gainer} accepts from", colours[line.gainer],
         "dash"),
        (median(line.loser_reservation), f"{line.loser} concedes up to", colours[line.loser],
         "dash"),
        (median(line.rubinstein.gainer_first), f"Rubinstein, {line.gainer} first", "#222",
         "solid"),
        (median(line.rubinstein.loser_first), f"Rubinstein, {line.loser} first", "#666",
         "solid"),
    ]
    # Shapes and annotations go in at once: add_vline per line is slow in plotly.py.
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []

    def vline(x: float, line_style: dict[str, Any]) -> None:
        for axis in ("", "2"):
            shapes.append({"type": "line", "x0": x, "x1": x, "xref": f"x{axis}", "y0": 0,
                           "y1": 1, "yref": f"y{axis} domain", "line": line_style})

    for k, (x, label, colour, dash) in enumerate(marks):
        if x is None:
            continue
        vline(x, {"color": colour, "dash": dash, "width": 1.5})
        right = x > 85  # keep labels near the right edge inside the plot
        notes.append({"x": x, "y": 0.98 - 0.12 * k, "xref": "x", "yref": "y domain",
                      "text": text(label), "showarrow": False, "yanchor": "top",
                      "xanchor": "right" if right else "left", "xshift": -3 if right else 3,
                      "font": {"size": 10, "color": colour},
                      "bgcolor": "rgba(255,255,255,0.85)"})
    option_names = {}
    issue = next((i for i in s.issues if i.id == line.issue), None)
    if issue is not None:
        option_names = {o.id: o.name or o.id for o in issue.options}
    named = [(x, option_names.get(option, option))
             for option, x in sorted(line.named_lines.items(), key=lambda kv: kv[1] or 0)
             if x is not None]
    for x, _ in named:
        vline(x, {"color": "#999", "dash": "dot", "width": 1})
    titles = list(fig.layout.annotations)
    fig.update_layout(shapes=shapes,
                      annotations=[*titles, *notes, *_named_notes(named, 1000, 28)])
    narrow(fig, annotations=[t.to_plotly_json() for t in titles] + notes
           + _named_notes(named, 280, 14))
    style(fig, height=height + 40)
    fig.update_layout(margin={"t": _TOP, "b": _BOTTOM + 40})
    fig.update_xaxes(range=[0, 100], title_text="", row=1, col=1)
    fig.update_xaxes(range=[0, 100], title_text=wrap(
        f"line x: share of {line.loser}-held land in the line's regions passing to "
        f"{line.gainer} (%)", 60), title_standoff=20, row=2, col=1)
    for row, actor in enumerate(who, start=1):
        fig.update_yaxes(title_text=f"net surplus,<br>{text(_units(actor))}",
                         title_font={"size": 11}, row=row, col=1)
    fig.update_yaxes(zeroline=True, zerolinecolor="#444", zerolinewidth=1)
    return fig
