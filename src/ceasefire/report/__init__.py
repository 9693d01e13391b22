"""The HTML report of ``ceasefire analyze``: plotly figures, a schematic map, the sources.

plotly is the ``report`` extra and is imported only when a figure is built.
"""

from __future__ import annotations

from ceasefire.report.html import write_report

__all__ = ["write_report"]
