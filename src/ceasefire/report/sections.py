"""Report sections from the other engines: the stakeholder forecast and the deal space."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.analysis import Analysis

__all__ = ["extra_sections", "forecast_section"]


def extra_sections(result: Analysis) -> list[tuple[str, Any]]:
    """Sections added to the ``analyze`` report after its own."""
    sections = []
    if result.scenario.stakeholders is not None:
        sections.extend(forecast_section(result))
    return sections


def forecast_section(result: Analysis) -> list[tuple[str, Any]]:
    """Where the stakeholder models put each contested dimension, with the EUM's band."""
    from ceasefire.forecast import MODELS, eum_band, run_model, table_from_scenario
    from ceasefire.report.forecast_figures import forecast_figure

    table = table_from_scenario(result.scenario)
    results = {name: run_model(name, table) for name in MODELS}
    band = eum_band(table)
    rows = []
    for k, dimension in enumerate(table.dimension_ids):
        cells = "".join(f"<td>{r.forecast[k]:.1f}</td>" for r in results.values())
        b = band[dimension]
        rows.append(f"<tr><td>{html.escape(dimension)}</td>{cells}"
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
        f"<table><tr><th>dimension</th>{head}<th>EUM band</th></tr>{''.join(rows)}</table>")
    return [("Stakeholder forecast", caption),
            ("Forecast trajectories", forecast_figure(results))]
