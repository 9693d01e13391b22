"""Report sections from the other engines: the forecast and the deal space."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ceasefire.analysis import Analysis

__all__ = ["extra_sections"]


def extra_sections(result: Analysis) -> list[tuple[str, Any]]:
    """Sections added to the ``analyze`` report after its own."""
    return []
