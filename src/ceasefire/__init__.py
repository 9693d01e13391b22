"""ceasefire: model the end of a war as a negotiation.

The library is organised around one immutable :class:`~ceasefire.scenario.Scenario`
that every engine takes; engines are pure functions returning typed results.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
