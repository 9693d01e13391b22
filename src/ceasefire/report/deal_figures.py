"""Figures of the deal space (plotly, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.results import DealsResult

__all__ = ["pareto_figure"]


def pareto_figure(result: DealsResult, *, colours: Mapping[str, str] | None = None) -> Any:
    """The packages in the plane of the first two belligerents' mean surpluses.

    Each point is a package of the result's sample (:attr:`DealsResult.cloud`: a
    fixed-seed sample that always holds the plane's Pareto frontier), coloured by P(all
    veto players accept); the line joins the frontier.

    Parameters
    ----------
    result
        A deals result (read from JSON too).
    colours
        Colour of each actor id (default: :func:`~ceasefire.report.figures.party_colours`
        of the result's actors).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from ceasefire.report.figures import narrow, party_colours, require_plotly, style, text

    go = require_plotly()
    cloud = result.cloud
    if cloud is None:
        raise InputError("pareto_figure: the deal space has fewer than two belligerents")
    x_actor, y_actor = cloud.parties
    points = np.array(cloud.surplus, dtype=float).reshape(-1, 2)
    front = np.flatnonzero(cloud.frontier)
    colours = dict(colours or party_colours(result.actors, result.belligerents))
    figure = go.Figure()
    figure.add_trace(go.Scattergl(
        x=points[:, 0], y=points[:, 1], mode="markers", name="packages",
        marker={"color": cloud.p_all_veto_accept, "colorscale": "Viridis", "cmin": 0,
                "cmax": 1, "size": 6,
                "colorbar": {"title": {"text": "P(all veto<br>accept)"}, "tickformat": ".0%"}},
        text=[text(label, 300) for label in cloud.labels],
        hovertemplate="%{text}<br>x %{x:.3g}, y %{y:.3g}<extra></extra>"))
    order = front[np.argsort(points[front, 0])]
    figure.add_trace(go.Scatter(x=points[order, 0], y=points[order, 1], mode="lines",
                                name="Pareto frontier", line={"color": "black", "width": 1}))
    figure.add_hline(y=0, line={"dash": "dot", "width": 1})
    figure.add_vline(x=0, line={"dash": "dot", "width": 1})
    # The section's heading names the plot: a title here would sit under the legend.
    style(figure, height=520)
    for axis, actor in (("xaxis", x_actor), ("yaxis", y_actor)):
        figure.layout[axis].title = {
            "text": f"E[surplus] of {text(actor)}, {text(actor)} value units",
            "font": {"color": colours.get(actor, "#222")}}
    narrow(figure, height=460)
    return figure
