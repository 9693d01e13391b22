"""Figures and tables of a sensitivity result: a tornado chart and an indices table.

Pure rendering of a :class:`~ceasefire.results.sensitivity.SensitivityResult`: plotly is
imported inside the functions, and no engine runs here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.results.sensitivity import SensitivityResult

__all__ = ["headline_output", "indices_rows", "leading_parameters", "tornado_figure",
           "write_sensitivity_html"]

TOP = 15
"""Parameters shown per output in the tornado chart."""

HEADLINE = ("deal-12", "deal-24", "accept.*", "line.*", "control", "*")
"""The output a report's tornado chart shows: the first of these patterns (in order) that
matches an output with some variance over the sample."""


def indices_rows(result: SensitivityResult, output: str, top: int | None = None,
                 ) -> list[dict[str, Any]]:
    """The indices table of one output: one row per parameter, most important first.

    Each row has ``parameter``, ``importance`` and its ``importance_ci``, and the
    method's own columns (``first``/``total`` with CIs, or ``mu_star``/``sigma``/``mu``).
    """
    out = []
    for path, index in result.ranking(output, top):
        row: dict[str, Any] = {"parameter": path, "importance": index.importance,
                               "importance_ci": index.importance_ci}
        row.update({k: v for k, v in index.model_dump().items() if v is not None})
        out.append(row)
    return out


def headline_output(result: SensitivityResult) -> str | None:
    """The output a report charts (``None`` when no output varies over the sample).

    P(deal within 12 months) if it varies, else the first of :data:`HEADLINE` that does;
    among several matches (the ``accept`` outputs), the one with the most variance.
    """
    import fnmatch

    varied = {name: o.variance for name, o in result.outputs.items() if o.variance > 0}
    for pattern in HEADLINE:
        matches = [name for name in varied if fnmatch.fnmatchcase(name, pattern)]
        if matches:
            return max(matches, key=lambda name: varied[name])
    return None


def leading_parameters(result: SensitivityResult, top: int = 3,
                       ) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """Each output that varies over the sample with its ``top`` parameters.

    ``[(output id, [(parameter, importance, importance_ci), ...]), ...]`` in the result's
    order; the importance is the total order (Sobol) or mu* (Morris).
    """
    return [(name, [(path, index.importance, index.importance_ci)
                    for path, index in result.ranking(name, top)])
            for name, output in result.outputs.items() if output.variance > 0]


def tornado_figure(result: SensitivityResult, output: str, top: int = TOP) -> Any:
    """A tornado chart of one output: bars of the ranking measure, largest on top.

    Sobol: total order (bar) with its CI, and first order (inner bar); Morris: mu* with
    its CI and sigma as a marker.
    """
    import plotly.graph_objects as go

    rows = indices_rows(result, output, top)[::-1]
    names = [r["parameter"] for r in rows]
    figure = go.Figure()
    if result.method == "sobol":
        figure.add_bar(y=names, x=[r.get("total", 0.0) for r in rows], orientation="h",
                       name="total order",
                       error_x={"type": "data", "array": [r.get("total_ci", 0.0) for r in rows]},
                       marker_color="#4c78a8")
        figure.add_bar(y=names, x=[r.get("first", 0.0) for r in rows], orientation="h",
                       name="first order", width=0.4, marker_color="#f58518",
                       error_x={"type": "data", "array": [r.get("first_ci", 0.0) for r in rows]})
        chance = result.outputs[output].chance
        title = (f" (chance: total order {chance.total:.2f})" if chance is not None
                 and chance.total is not None else "")
        axis = "share of the output's variance"
    else:
        figure.add_bar(y=names, x=[r.get("mu_star", 0.0) for r in rows], orientation="h",
                       name="mu*", marker_color="#4c78a8",
                       error_x={"type": "data",
                                "array": [r.get("mu_star_ci", 0.0) for r in rows]})
        figure.add_scatter(y=names, x=[r.get("sigma", 0.0) for r in rows], mode="markers",
                           name="sigma", marker={"symbol": "diamond", "color": "#e45756"})
        title = ""
        axis = "mean absolute change of the output per Morris step"
    figure.update_layout(
        title=f"{result.outputs[output].label}{title}", barmode="overlay",
        xaxis_title=axis, height=max(320, 28 * len(rows) + 140),
        margin={"l": 20, "r": 20, "t": 60, "b": 40}, yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.15})
    return figure


def write_sensitivity_html(result: SensitivityResult, path: str | Path,
                           top: int = TOP) -> None:
    """Write one HTML page with a tornado chart and an indices table per output, atomically.

    Plotly's script is included once, inline, so the page works offline.
    """
    import html

    from ceasefire._files import write_text_atomic
    from ceasefire.report.figures import require_plotly

    require_plotly()
    parts = []
    for k, output in enumerate(result.outputs):
        if result.outputs[output].variance <= 0:
            continue
        figure = tornado_figure(result, output, top)
        # a fixed div id (plotly's is random) keeps the page reproducible
        parts.append(figure.to_html(full_html=False, div_id=f"tornado-{k}",
                                    include_plotlyjs="inline" if not parts else False))
        parts.append(_table_html(result, output, top))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    head = (f"<h1>Sensitivity of {html.escape(result.scenario.id)}</h1><p>{result.method}, "
            f"{result.samples} samples x {result.replicates} replicates, "
            f"{result.evaluations:,} forward paths, seed {result.seed}</p><ul>{notes}</ul>")
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>ceasefire sensitivity"
            "</title><style>body{font-family:sans-serif;max-width:1000px;margin:auto}"
            "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}"
            "td:first-child{text-align:left}</style></head><body>"
            + head + "".join(parts) + "</body></html>")
    write_text_atomic(path, page)


def _table_html(result: SensitivityResult, output: str, top: int) -> str:
    import html

    if result.method == "sobol":
        columns = [("first", "S1"), ("first_ci", "± S1"), ("total", "ST"), ("total_ci", "± ST")]
    else:
        columns = [("mu_star", "mu*"), ("mu_star_ci", "± mu*"), ("sigma", "sigma"),
                   ("mu", "mu")]
    head = "".join(f"<th>{label}</th>" for _, label in columns)
    body = []
    for row in indices_rows(result, output, top):
        cells = "".join(f"<td>{row[key]:.3f}</td>" if key in row else "<td>·</td>"
                        for key, _ in columns)
        body.append(f"<tr><td>{html.escape(row['parameter'])}</td>{cells}</tr>")
    return f"<table><tr><th>parameter</th>{head}</tr>{''.join(body)}</table>"
