"""Trajectory plot of stakeholder forecasts (plotly, imported lazily)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.results import ForecastResult

__all__ = ["forecast_figure"]


def forecast_figure(result: ForecastResult, *, dimension: str | None = None,
                    colours: Mapping[str, str] | None = None, unit: str = "") -> Any:
    """Plot stakeholders' positions round by round, with each model's forecast.

    Parameters
    ----------
    result
        A forecast result (read from JSON too): the dynamic models (EUM, SMP) draw
        trajectories, the static ones a dashed line at their forecast.
    dimension
        Dimension id to plot (default: the first).
    colours
        Colour of each stakeholder id (default: :func:`~ceasefire.report.figures.party_colours`
        of the ids); the report passes the scenario's party colours, with each stakeholder
        linked to an actor in its actor's colour, so a party has one colour in every figure.
    unit
        The unit of the dimension's scale, shown on the position axis.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise InputError("plots need plotly (hint: pip install 'ceasefire[report]')") from error
    from ceasefire.report.figures import (
        clip,
        narrow,
        party_colours,
        style,
        text,
        vertical_spacing,
        wrap,
    )

    results = result.models
    if not results:
        raise InputError("forecast_figure: no results to plot")
    dynamic = [name for name, r in results.items() if r.turns > 0]
    dimensions = list(next(iter(results.values())).forecast)
    if dimension is not None and dimension not in dimensions:
        raise InputError(f"forecast_figure: unknown dimension {dimension!r}; allowed: "
                         f"{', '.join(dimensions)}")
    dim = dimension or dimensions[0]
    stakeholders = list(result.stakeholders)
    rows = max(1, len(dynamic))
    panel_px, gap_px = 300, 120
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=False,
                        vertical_spacing=vertical_spacing(rows, gap_px, panel_px),
                        subplot_titles=[wrap(f"{name}: positions by round ({dim})", 32)
                                        for name in dynamic]
                        or [wrap(f"forecasts ({dim})", 32)])
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    colours = dict(colours or party_colours(stakeholders))
    for row, name in enumerate(dynamic or [None], start=1):
        if name is not None:
            path = results[name].trajectory[dim]
            rounds = list(range(len(path.forecast)))
            for actor in stakeholders:
                fig.add_trace(go.Scatter(x=rounds, y=path.positions[actor], mode="lines",
                                         name=text(clip(actor, 40)), legendgroup=text(actor),
                                         showlegend=row == 1, opacity=0.7,
                                         line={"width": 1.5, "color": colours.get(actor)},
                                         hovertemplate=(f"{text(actor)}: %{{y:.3g}}"
                                                        "<extra></extra>")), row=row, col=1)
            fig.add_trace(go.Scatter(x=rounds, y=path.forecast, mode="lines+markers",
                                     name=f"{name} forecast", line={"width": 3,
                                                                    "color": "black"}),
                          row=row, col=1)
        # Static models' forecasts: dashed lines named in the legend, not annotations
        # (close forecasts would overprint each other's labels).
        span = [0, max((len(results[d].trajectory[dim].forecast) - 1 for d in dynamic),
                       default=1)]
        for j, (other, r) in enumerate(results.items()):
            if r.turns == 0 and r.forecast[dim] is not None:
                fig.add_trace(go.Scatter(
                    x=span, y=[r.forecast[dim]] * 2, mode="lines", name=text(other),
                    legendgroup=f"static-{other}", showlegend=row == 1,
                    line={"dash": "dash", "width": 1.5, "color": palette[j % len(palette)]},
                    hovertemplate=f"{text(other)} forecast: %{{y:.3g}}<extra></extra>"),
                    row=row, col=1)
        fig.update_yaxes(title_text=wrap(f"position, {unit}" if unit else "position", 30),
                         row=row, col=1)
        fig.update_xaxes(title_text="round", row=row, col=1)
    style(fig, height=110 + rows * panel_px + (rows - 1) * gap_px,
          title=clip(result.scenario.id, 120))
    fig.update_layout(margin={"t": 90}, legend={"orientation": "v", "x": 1.02, "xanchor": "left",
                                                "y": 1, "yanchor": "top"})
    # On a phone the legend goes under the plots, and the section's heading is the title.
    # The margin below is made room for the legend (about 20 px a line, two per row), so
    # that it never squeezes the panels.
    plot_px = rows * panel_px + (rows - 1) * gap_px
    legend_px = 20 * math.ceil((len(stakeholders) + len(results)) / 2) + 20
    narrow(fig, height=40 + plot_px + 60 + legend_px, title={"text": ""},
           margin={"t": 40, "b": 60 + legend_px},
           legend={"y": -60 / plot_px, "yanchor": "top", "font": {"size": 10}})
    return fig
