"""War paths: the month-by-month Monte Carlo simulation of the war."""

from __future__ import annotations

from ceasefire.dynamics.war import DAYS_PER_MONTH, WarPaths, advance_km2, simulate_war

__all__ = ["DAYS_PER_MONTH", "WarPaths", "advance_km2", "simulate_war"]
