"""Trajectory plot of stakeholder forecasts (plotly, imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ceasefire.errors import InputError

__all__ = ["forecast_figure"]


def forecast_figure(result: Any, *, dimension: str | None = None) -> Any:
    """Plot actors' positions round by round, with each model's forecast.

    Parameters
    ----------
    result
        A :class:`~ceasefire.forecast.ForecastResult`, or a mapping of model name to
        results (as ``ceasefire forecast --model all`` produces): the dynamic models (EUM,
        SMP) draw trajectories, the static ones a dashed line at their forecast.
    dimension
        Dimension id to plot (default: the first).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise InputError("plots need plotly (hint: pip install 'ceasefire[report]')") from error

    results: Mapping[str, Any] = result if isinstance(result, Mapping) else {result.model: result}
    if not results:
        raise InputError("forecast_figure: no results to plot")
    dynamic = [name for name, r in results.items() if r.turns > 0]
    first = next(iter(results.values()))
    table = first.table
    k = table.dimension_index(dimension) if dimension is not None else 0
    dim = table.dimension_ids[k]
    rows = max(1, len(dynamic))
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=False,
                        subplot_titles=[f"{name}: positions by round ({dim})" for name in dynamic]
                        or [f"forecasts ({dim})"])
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    for row, name in enumerate(dynamic or [None], start=1):
        if name is not None:
            r = results[name]
            rounds = list(range(r.positions.shape[0]))
            for i, actor in enumerate(table.actor_ids):
                fig.add_trace(go.Scatter(x=rounds, y=r.positions[:, i, k], mode="lines",
                                         name=actor, legendgroup=actor, showlegend=row == 1,
                                         line={"width": 1}, opacity=0.6), row=row, col=1)
            fig.add_trace(go.Scatter(x=rounds, y=r.forecasts[:, k], mode="lines+markers",
                                     name=f"{name} forecast", line={"width": 3,
                                                                    "color": "black"}),
                          row=row, col=1)
        for j, (other, r) in enumerate(results.items()):
            if r.turns == 0:
                fig.add_hline(y=float(r.forecast[k]), line_dash="dash",
                              line_color=palette[j % len(palette)],
                              annotation_text=other, row=row, col=1)
        fig.update_yaxes(title_text=dim, row=row, col=1)
        fig.update_xaxes(title_text="round", row=row, col=1)
    fig.update_layout(height=380 * rows, title=table.title or table.source,
                      template="plotly_white")
    return fig
