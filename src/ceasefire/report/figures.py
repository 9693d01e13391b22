"""The report's plotly figures, one function per figure, each taking an :class:`Analysis`.

Every figure shows summaries over the Monte Carlo draws (10th, 50th and 90th
percentiles, means and standard errors) computed here with numpy, never the raw
draws, so a figure's size does not grow with the number of draws. Text from the
scenario is HTML-escaped before plotly sees it (plotly reads a subset of HTML in
labels). plotly is imported inside the functions: it is the ``report`` extra.
"""

from __future__ import annotations

import html
import math
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import CeasefireError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ceasefire.analysis import Analysis

__all__ = [
    "FIRST_COLOUR",
    "FONT",
    "P_STAR",
    "SECOND_COLOUR",
    "acceptance_figure",
    "actor_colours",
    "control_figure",
    "gains_figure",
    "leverage_figure",
    "line_figure",
    "require_plotly",
    "stakeholders",
    "style",
    "text",
    "timing_figure",
    "waiting_figure",
    "war_value_figure",
    "war_value_parts_figure",
    "wrap",
]

P_STAR = 0.5
"""The acceptance threshold p* that opens a bargaining window (DESIGN.md section 9.7)."""

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
"""Fonts installed with the system: the report loads no web font."""

# The first two belligerents get the map's diverging colours; others a qualitative set.
FIRST_COLOUR, SECOND_COLOUR = "#b2182b", "#2166ac"
_OTHERS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
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


def text(value: object) -> str:
    """Escape scenario text for a plotly label (plotly reads a subset of HTML)."""
    return html.escape(str(value), quote=False)


def wrap(value: object, width: int = 24) -> str:
    """Escape and wrap a long label onto several lines (``<br>`` is plotly's line break)."""
    return "<br>".join(text(line) for line in textwrap.wrap(str(value), width) or [""])


def actor_colours(analysis: Analysis) -> dict[str, str]:
    """A fixed colour per actor: the belligerents first, as on the map."""
    s = analysis.scenario
    belligerents = s.belligerents
    colours = {}
    if belligerents:
        colours[belligerents[0]] = FIRST_COLOUR
    if len(belligerents) > 1:
        colours[belligerents[1]] = SECOND_COLOUR
    rest = [a.id for a in s.actors if a.id not in colours]
    for k, actor in enumerate(rest):
        colours[actor] = _OTHERS[k % len(_OTHERS)]
    return colours


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


def _percentiles(values: np.ndarray) -> np.ndarray:
    """10th, 50th, 90th percentiles over the last (draws) axis: ``[3, ...]``."""
    return np.percentile(values, [10, 50, 90], axis=-1)


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
    cols = max(1, n if n == columns + 1 else min(columns, n))  # 4 panels fit on one row
    return math.ceil(n / cols) if n else 1, cols


def _empty(message: str, height: int = 160) -> go.Figure:
    go = require_plotly()
    fig = go.Figure()
    fig.add_annotation(text=text(message), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14, "color": "#666"})
    style(fig, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def control_figure(analysis: Analysis) -> go.Figure:
    """Fan charts of the attacker's share of each contested region, month by month.

    Uses the realised war paths (one noisy path per draw), months 0 to the horizon.
    """
    s = analysis.scenario
    paths = analysis.realised
    belligerents = list(paths.belligerents)
    contested = [(i, r) for i, r in enumerate(s.regions) if r.front is not None]
    if not contested:
        return _empty("No region has a front: control does not move in this scenario.")
    rows, cols = _grid(len(contested))
    titles = [wrap(f"{r.name}: {r.front.attacker}'s share", 40) for _, r in contested]
    fig = _subplots(rows=rows, cols=cols, subplot_titles=titles, shared_xaxes=True,
                    vertical_spacing=0.14 if rows > 1 else 0.1, horizontal_spacing=0.07)
    months = analysis.horizon + 1
    x = [analysis.label(t) for t in range(months)]
    colours = actor_colours(analysis)
    traces = []
    for n, (i, region) in enumerate(contested):
        attacker = region.front.attacker
        q = _percentiles(paths.control[:months, i, belligerents.index(attacker)])
        traces += _fan(x, q, colours[attacker], f"{attacker} share", subplot=n + 1,
                       legend=False, fmt=".0%")
    fig.add_traces(traces)
    style(fig, height=90 + 250 * rows)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    fig.update_layout(margin={"t": 70})
    return fig


def gains_figure(analysis: Analysis) -> go.Figure:
    """Fan chart of the area each belligerent gains per month (km2)."""
    go = require_plotly()
    paths = analysis.realised
    months = analysis.horizon
    x = [analysis.label(t) for t in range(months)]
    colours = actor_colours(analysis)
    fig = go.Figure()
    for j, b in enumerate(paths.belligerents):
        gains = paths.gains_km2[:months, j]
        if not np.any(gains):
            continue  # a belligerent that never attacks would only add a flat zero line
        fig.add_traces(_fan(x, _percentiles(gains), colours[b], f"{b} gains", fmt=",.0f"))
    style(fig, height=340)
    fig.update_yaxes(title_text="km² gained in the month", rangemode="tozero")
    return fig


def stakeholders(analysis: Analysis) -> list[int]:
    """Indices of the actors with a stake in the war (a war value that is not always 0).

    Third parties that only appear in deal terms have W = 0 everywhere; plotting them
    adds empty panels.
    """
    total = analysis.war_values.total
    return [k for k in range(total.shape[1]) if np.any(total[:, k] != 0)]


def war_value_figure(analysis: Analysis) -> go.Figure:
    """Each party's value of fighting on, W(s), for deals signed in months 0..12."""
    s = analysis.scenario
    total = analysis.war_values.total  # [start months, actors, draws]
    x = [analysis.label(m) for m in range(total.shape[0])]
    keep = stakeholders(analysis)
    if not keep:
        return _empty("No party has a stake in the war (every war value is 0).")
    q = _percentiles(total[:, keep])  # [3, months, actors kept]
    rows, cols = _grid(len(keep))
    fig = _subplots(rows=rows, cols=cols, horizontal_spacing=0.08, vertical_spacing=0.18,
                    subplot_titles=[wrap(f"{s.actors[k].name} ({s.actors[k].id})", 40)
                                    for k in keep])
    colours = actor_colours(analysis)
    traces = []
    for n, k in enumerate(keep):
        actor = s.actors[k].id
        traces += _fan(x, q[:, :, n], colours[actor], actor, subplot=n + 1, legend=False)
    fig.add_traces(traces)
    style(fig, height=90 + 240 * rows)
    fig.update_layout(margin={"t": 70})
    return fig


def war_value_parts_figure(analysis: Analysis) -> go.Figure:
    """The parts of each party's war value now: territory, minus casualties and economy.

    One panel per party with a stake, each on its own scale (values are in the party's
    own units); means over draws.
    """
    go = require_plotly()
    s = analysis.scenario
    wv = analysis.war_values
    keep = stakeholders(analysis)
    if not keep:
        return _empty("No party has a stake in the war (every war value is 0).")
    labels = ["territory", "− casualties", "− economy", "= W"]
    colours = ["#4daf4a", "#e41a1c", "#ff7f00", "#333333"]
    cols = min(4, len(keep))
    rows = math.ceil(len(keep) / cols)
    fig = _subplots(rows=rows, cols=cols, horizontal_spacing=0.07, vertical_spacing=0.2,
                    subplot_titles=[wrap(f"{s.actors[k].name} ({s.actors[k].id})", 34)
                                    for k in keep])
    for n, k in enumerate(keep):
        values = [wv.territory[0, k].mean(), -wv.casualties[0, k].mean(),
                  -wv.economy[0, k].mean(), wv.total[0, k].mean()]
        fig.add_trace(go.Bar(x=labels, y=values, marker_color=colours, showlegend=False,
                             hovertemplate=(f"{text(s.actors[k].id)} %{{x}}: %{{y:.4g}}"
                                            "<extra></extra>")),
                      row=n // cols + 1, col=n % cols + 1)
    style(fig, height=90 + 260 * rows)
    fig.update_layout(margin={"t": 70}, bargap=0.3)
    fig.update_xaxes(showgrid=False)
    return fig


def acceptance_figure(analysis: Analysis) -> go.Figure:
    """P(each party accepts) each proposal signed now, with Monte Carlo error bars."""
    go = require_plotly()
    s = analysis.scenario
    now = analysis.now
    n = now.accept.shape[-1]
    names = [wrap(s.proposal(pid).name, 22) for pid in analysis.proposals]
    colours = actor_colours(analysis)
    fig = go.Figure()
    for k, actor in enumerate(s.actors):
        p = now.accept[:, k].mean(-1)
        se = np.sqrt(p * (1 - p) / n)
        veto = np.where(now.required[:, k], "veto", "no veto here")
        fig.add_trace(go.Bar(
            x=names, y=p, name=f"{actor.id} accepts", marker_color=colours[actor.id],
            error_y={"type": "data", "array": 2 * se, "color": "#444", "thickness": 1},
            customdata=np.stack([2 * se, veto], axis=-1),
            hovertemplate=(f"{text(actor.id)}: %{{y:.1%}} ± %{{customdata[0]:.1%}} "
                           "(%{customdata[1]})<extra></extra>")))
    p_all = now.all_accept.mean(-1)
    se_all = np.sqrt(p_all * (1 - p_all) / n)
    fig.add_trace(go.Bar(
        x=names, y=p_all, name="all veto players accept", marker_color="#333",
        marker_pattern_shape="/", error_y={"type": "data", "array": 2 * se_all,
                                           "color": "#000", "thickness": 1},
        hovertemplate="all veto players: %{y:.1%}<extra></extra>"))
    style(fig, height=420)
    fig.add_hline(y=P_STAR, line={"dash": "dot", "color": "#888", "width": 1})
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text="probability")
    return fig


def _window_x(analysis: Analysis) -> list[str]:
    return [analysis.label(m) for m in range(len(analysis.timing))]


def timing_figure(analysis: Analysis) -> go.Figure:
    """Heat map of P(all veto players accept), proposals x start months."""
    go = require_plotly()
    s = analysis.scenario
    z = np.stack([pv.all_veto_probability() for pv in analysis.timing], axis=1)  # [P, months]
    y = [wrap(s.proposal(pid).name, 30) for pid in analysis.proposals]
    fig = go.Figure(go.Heatmap(
        z=z, x=_window_x(analysis), y=y, zmin=0, zmax=1, colorscale="YlGnBu",
        texttemplate="%{z:.2f}", textfont={"size": 11}, xgap=2, ygap=2,
        colorbar={"title": {"text": "P(all veto<br>accept)"}, "tickformat": ".0%"},
        hovertemplate="%{y}<br>signed %{x}: P(all veto accept) %{z:.1%}<extra></extra>"))
    style(fig, height=130 + 48 * len(y))
    fig.update_xaxes(type="category", showgrid=False, title_text="month the deal is signed")
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    return fig


def _short(value: float) -> str:
    """A compact number for a heat-map cell: ``-320``, ``47``, ``4.5``, ``0.23``."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def waiting_figure(analysis: Analysis) -> go.Figure:
    """Heat map of each veto player's mean gain from waiting m months before signing.

    Colour is the gain scaled by that party's largest absolute gain (parties' values
    are in their own units); the number in each cell is the gain itself.
    """
    go = require_plotly()
    s = analysis.scenario
    gains = analysis.gains_by_waiting.mean(-1)  # [months, P, actors]
    required = analysis.now.required  # [P, actors]
    rows, labels, scaled = [], [], []
    for k, actor in enumerate(s.actors):
        if not required[:, k].any():
            continue
        g = gains[:, :, k].T  # [P, months]
        scale = np.abs(g).max() or 1.0
        for p, pid in enumerate(analysis.proposals):
            rows.append(g[p])
            scaled.append(g[p] / scale)
            labels.append(f"{text(actor.id)} · {wrap(s.proposal(pid).name, 30)}")
    if not rows:
        return _empty("No party holds a veto over the named proposals.")
    fig = go.Figure(go.Heatmap(
        z=np.array(scaled), x=_window_x(analysis), y=labels, zmin=-1, zmax=1, zmid=0,
        colorscale="RdBu", text=[[_short(v) for v in row] for row in rows],
        texttemplate="%{text}", textfont={"size": 10}, xgap=1, ygap=1,
        colorbar={"tickvals": [-1, 0, 1], "ticktext": ["loses", "0", "gains"], "len": 0.8},
        hovertemplate="%{y}<br>sign in %{x} instead of now: %{text}<extra></extra>"))
    style(fig, height=130 + 34 * len(labels))
    fig.update_xaxes(type="category", showgrid=False, title_text="month the deal is signed")
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False,
                     tickfont={"size": 10})
    return fig


def leverage_figure(analysis: Analysis, *, by: str = "levers") -> go.Figure:
    """Effect of each lever (``by="levers"``) or factor (``by="factors"``).

    Left: on each party's war value now, as a share of that party's war value (the
    parties' values are in their own units). Right: on each proposal's P(all veto
    players accept), in percentage points. With the lever minus without it, on common
    random numbers over the leverage draws.
    """
    go = require_plotly()
    s = analysis.scenario
    effects = analysis.leverage[by]
    if not effects:
        return _empty(f"The scenario has no {by}.")
    if by == "levers":
        lever_names = {lever.id: lever.name for lever in s.levers}
        names = [wrap(lever_names.get(lid, lid), 30) for lid in effects]
    else:
        names = [text(f) for f in effects]
    base = np.abs(analysis.war_values.total[0].mean(-1))
    fig = _subplots(rows=1, cols=2, horizontal_spacing=0.12, shared_yaxes=True,
                    subplot_titles=["war value now (% of the party's W)",
                                    "P(all veto players accept) now (points)"])
    colours = actor_colours(analysis)
    for k in stakeholders(analysis):
        actor = s.actors[k]
        raw = np.array([e["war_value"][k] for e in effects.values()])
        fig.add_trace(go.Bar(
            y=names, x=100 * raw / max(base[k], 1e-12), orientation="h", name=actor.id,
            marker_color=colours[actor.id], legendgroup="actors", customdata=raw,
            hovertemplate=(f"{text(actor.id)}: %{{x:+.1f}}% of W (%{{customdata:+.3g}})"
                           "<extra></extra>")), row=1, col=1)
    for p, pid in enumerate(analysis.proposals):
        delta = np.array([e["p_all_veto_accept"][p] for e in effects.values()])
        fig.add_trace(go.Bar(
            y=names, x=100 * delta, orientation="h", name=wrap(s.proposal(pid).name, 30),
            marker_color=_PROPOSAL_COLOURS[p % len(_PROPOSAL_COLOURS)],
            legendgroup="proposals",
            hovertemplate="%{fullData.name}: %{x:+.1f} points<extra></extra>"), row=1, col=2)
    bars = max(len(stakeholders(analysis)), len(analysis.proposals))
    style(fig, height=max(300, 120 + len(names) * (24 + 8 * bars)))
    fig.update_layout(barmode="group", bargap=0.2,
                      legend={"orientation": "v", "y": 1, "yanchor": "top", "x": 1.02})
    fig.update_yaxes(autorange="reversed", zeroline=False)
    fig.update_xaxes(zeroline=True, zerolinecolor="#888")
    return fig


def line_figure(analysis: Analysis) -> go.Figure | None:
    """Net surplus of the line's gainer and loser over the 0-100 line, with the splits.

    ``None`` when the scenario has no line question. Vertical marks: the median
    reservation points (least the gainer accepts, most the loser concedes), Rubinstein's
    split under each proposer order (medians over draws where the zone is open) and the
    named lines.
    """
    line = analysis.line
    if line is None:
        return None
    s = analysis.scenario
    grid = np.asarray(line["grid"])
    split = line["split"]
    who = [line["gainer"], line["loser"]]
    fig = _subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                    subplot_titles=[
                        f"{text(line['gainer'])} (gains land as x rises): net surplus",
                        f"{text(line['loser'])} (gives up land): net surplus "
                        "(dotted: the scenario's named lines)"])
    colours = actor_colours(analysis)
    go = require_plotly()
    for row, actor in enumerate(who, start=1):
        q = _percentiles(line["net"][:, row - 1])  # [grid, (gainer, loser), draws]
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

    def median(values: np.ndarray, mask: np.ndarray | None = None) -> float | None:
        values = values[np.isfinite(values) if mask is None else mask & np.isfinite(values)]
        return float(np.median(values)) if values.size else None

    marks = [
        (median(split.low), f"{line['gainer']} accepts from", colours[line["gainer"]], "dash"),
        (median(split.high), f"{line['loser']} concedes up to", colours[line["loser"]], "dash"),
        (median(split.gainer_first, split.open), f"Rubinstein, {line['gainer']} first",
         "#222", "solid"),
        (median(split.loser_first, split.open), f"Rubinstein, {line['loser']} first",
         "#666", "solid"),
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
    issue = next((i for i in s.issues if i.id == line["issue"]), None)
    if issue is not None:
        option_names = {o.id: o.name or o.id for o in issue.options}
    for n, (option, x) in enumerate(sorted(line["named"].items(), key=lambda kv: kv[1])):
        if x is None:
            continue
        right = x > 85
        vline(x, {"color": "#999", "dash": "dot", "width": 1})
        notes.append({"x": x, "y": 0.03 + 0.1 * (n % 2), "xref": "x2", "yref": "y2 domain",
                      "text": wrap(option_names.get(option, option), 28), "showarrow": False,
                      "yanchor": "bottom", "xanchor": "right" if right else "left",
                      "xshift": -3 if right else 3, "align": "right" if right else "left",
                      "font": {"size": 10, "color": "#555"},
                      "bgcolor": "rgba(255,255,255,0.85)"})
    fig.update_layout(shapes=shapes, annotations=[*fig.layout.annotations, *notes])
    style(fig, height=580)
    fig.update_xaxes(range=[0, 100], title_text="", row=1, col=1)
    fig.update_xaxes(range=[0, 100], title_text=(
        f"line x: share of {text(line['loser'])}-held land in the line's regions passing to "
        f"{text(line['gainer'])} (%)"), title_standoff=30, row=2, col=1)
    fig.update_yaxes(zeroline=True, zerolinecolor="#444", zerolinewidth=1)
    return fig
