"""Figures of the deal space (plotly, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.deals.results import DealsResult

__all__ = ["pareto_figure"]

_POINTS = 5000
"""Packages drawn at most (the frontier and the top packages always are)."""


def pareto_figure(result: DealsResult, x_actor: str, y_actor: str, *,
                  colours: Mapping[str, str] | None = None) -> Any:
    """Expected surpluses of two parties for every package, coloured by P(all accept).

    The Pareto frontier of the two parties is drawn as a line over the points; beyond
    :data:`_POINTS` packages a fixed-seed sample is shown, always with the frontier.

    Parameters
    ----------
    result
        From :func:`ceasefire.deals.explore_deals` (with its per-package values).
    x_actor, y_actor
        Actor ids for the axes.
    colours
        Colour of each actor id (default: :func:`~ceasefire.report.figures.party_colours`
        of the result's actors); each axis title takes its party's colour.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - plotly is in the report extra
        raise InputError("pareto_figure needs plotly; fix: pip install 'ceasefire[report]'"
                         ) from None
    from ceasefire.deals.pareto import pareto_front
    from ceasefire.report.figures import narrow, party_colours, style, text

    for actor in (x_actor, y_actor):
        if actor not in result.actors:
            raise InputError(f"pareto_figure: unknown actor {actor!r}; allowed: "
                             f"{', '.join(result.actors)}")
    values, space = result.values, result.space_object
    if values is None or space is None:
        raise InputError("pareto_figure: this result has no per-package values (it was "
                         "read from JSON); fix: run explore_deals again")
    i, j = result.actors.index(x_actor), result.actors.index(y_actor)
    points = values.mean_surplus[:, [i, j]]
    front = np.flatnonzero(pareto_front(points))
    rows = np.arange(len(points))
    if len(rows) > _POINTS:
        rows = np.random.default_rng(0).choice(rows, _POINTS, replace=False)
    rows = np.union1d(rows, front)
    labels = [text(space.describe(o), 300) for o in space.decode(values.codes[rows])]
    colours = dict(colours or party_colours(result.actors, result.belligerents))
    figure = go.Figure()
    figure.add_trace(go.Scattergl(
        x=points[rows, 0], y=points[rows, 1], mode="markers", name="packages",
        marker={"color": values.p_all[rows], "colorscale": "Viridis", "cmin": 0, "cmax": 1,
                "size": 6, "colorbar": {"title": {"text": "P(all veto<br>accept)"},
                                        "tickformat": ".0%"}},
        text=labels, hovertemplate="%{text}<br>x %{x:.3g}, y %{y:.3g}<extra></extra>"))
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
