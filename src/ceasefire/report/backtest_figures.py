"""The backtest plot: each metric's forecasts beside the record (plotly, imported lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.results.backtest import BacktestResult, BacktestRow

__all__ = ["backtest_figure"]

_FORECAST, _INSIDE, _OUTSIDE, _IN_SAMPLE = "#2166ac", "#1b9e77", "#b2182b", "#777777"
_PANEL_PX, _GAP_PX, _TOP_PX = 220, 80, 120


def backtest_figure(result: BacktestResult) -> Any:
    """One panel per metric: the model's 80 % interval and median beside each observation.

    Scored observations are filled circles, green inside the interval and red outside;
    in-sample ones (dated on or before the scenario's date) are grey rings: a
    calibration check. A dotted line marks the scenario's date. Rows without a forecast
    (events this model version does not forecast, skipped rows) are counted under the
    title. Works on a result read back from JSON.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from ceasefire.report.figures import require_plotly, style, text

    go = require_plotly()
    from plotly.subplots import make_subplots

    shown = [r for r in result.rows if r.forecast is not None]
    metrics = list(dict.fromkeys(r.metric for r in shown))
    missing = len(result.rows) - len(shown)
    title = f"{result.scenario.id}: forecasts beside the record"
    if missing:
        title += f" ({missing} row{'s' if missing != 1 else ''} without a forecast: see the table)"
    if not metrics:
        fig = go.Figure()
        fig.add_annotation(text="no observation of the record has a forecast to plot",
                           showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return style(fig, height=200, title=title)
    rows = len(metrics)
    plot_px = rows * _PANEL_PX + (rows - 1) * _GAP_PX
    # one time axis for every panel, so the scenario's date lines up down the figure
    fig = make_subplots(rows=rows, cols=1, subplot_titles=[text(m) for m in metrics],
                        shared_xaxes=True,
                        vertical_spacing=_GAP_PX / plot_px if rows > 1 else 0.0)
    as_of = result.scenario.as_of.isoformat() if result.scenario.as_of else None
    for k, metric in enumerate(metrics, start=1):
        mine = [r for r in shown if r.metric == metric]
        axes = {"xaxis": f"x{k if k > 1 else ''}", "yaxis": f"y{k if k > 1 else ''}"}
        fig.add_trace(_interval(go, mine, legend=k == 1, **axes))
        for name, colour, symbol, picked in (
                ("scored, inside", _INSIDE, "circle", [r for r in mine if r.status == "scored"
                                                       and r.covered]),
                ("scored, outside", _OUTSIDE, "circle", [r for r in mine if r.status == "scored"
                                                         and not r.covered]),
                ("in sample", _IN_SAMPLE, "circle-open", [r for r in mine
                                                          if r.status == "in-sample"])):
            if picked:
                fig.add_trace(go.Scatter(
                    x=[r.date.isoformat() for r in picked], y=[r.value for r in picked],
                    mode="markers", name=name, legendgroup=name, showlegend=k == 1,
                    marker={"color": colour, "symbol": symbol, "size": 9,
                            "line": {"width": 2, "color": colour}},
                    customdata=[[text(r.source), "—" if r.crps is None else f"{r.crps:.4g}"]
                                for r in picked],
                    hovertemplate=("%{x}: observed %{y:.4g}<br>CRPS %{customdata[1]}"
                                   "<br>source: %{customdata[0]}<extra>" + name + "</extra>"),
                    **axes))
        if as_of is not None:
            fig.add_vline(x=as_of, line={"dash": "dot", "color": "#999", "width": 1},
                          row=k, col=1)
    height = _TOP_PX + 50 + plot_px
    style(fig, height=height, title=title)
    fig.update_xaxes(showticklabels=True)
    # the title at the top, the legend under it, clear of the first panel's title
    fig.update_layout(margin={"t": _TOP_PX}, legend={"y": 1 + 50 / plot_px, "yanchor": "bottom"},
                      title={"yref": "container", "y": 1 - 12 / height, "yanchor": "top"})
    return fig


def _interval(go: Any, rows: list[BacktestRow], *, legend: bool, **axes: str) -> Any:
    """The model's median at each observation with its p10-p90 range as an error bar."""
    return go.Scatter(
        x=[r.date.isoformat() for r in rows], y=[r.forecast.p50 for r in rows],
        mode="markers", name="model: median and 80 % interval", legendgroup="model",
        showlegend=legend, marker={"color": _FORECAST, "symbol": "line-ew-open", "size": 14,
                                   "line": {"width": 2, "color": _FORECAST}},
        error_y={"type": "data", "symmetric": False, "color": _FORECAST, "thickness": 2,
                 "width": 6, "array": [r.forecast.p90 - r.forecast.p50 for r in rows],
                 "arrayminus": [r.forecast.p50 - r.forecast.p10 for r in rows]},
        customdata=[[r.forecast.p10, r.forecast.p90, r.model_month] for r in rows],
        hovertemplate=("model month %{customdata[2]}: median %{y:.4g}<br>"
                       "80 % interval %{customdata[0]:.4g} to %{customdata[1]:.4g}"
                       "<extra></extra>"), **axes)
