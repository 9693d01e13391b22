"""The report's schematic, offline map of the scenario's regions (DESIGN.md section 9.14).

No package ships the sub-oblast units that deals move, so each region is drawn as a
circle at its centroid, its size growing with the square root of its area, coloured by
the share the first belligerent holds. City points come from the scenario's coordinates.
Everything is a plotly scatter trace on a plain longitude/latitude plane (equirectangular,
with the aspect fixed at the map's mean latitude): no plotly geo, no tiles, no request.
Oblast outlines are left out (no licence-clean outline set ships offline).

A dropdown switches between control now and control under each named proposal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ceasefire.report.figures import FIRST_COLOUR, SECOND_COLOUR, require_plotly, style, text, wrap
from ceasefire.results.analyze import CHANGED

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ceasefire.results import AnalyzeResult
    from ceasefire.scenario import Scenario

__all__ = ["RegionChange", "control_now", "proposal_changes", "proposal_control",
           "region_map"]



@dataclass(frozen=True)
class RegionChange:
    """A region whose control a proposal changes: shares before and after, by belligerent."""

    region: str
    before: dict[str, float]
    after: dict[str, float]

    def summary(self) -> str:
        """``"RU 76% → 100%, UA 24% → 0%"`` for the belligerents whose share moves."""
        moved = [f"{b} {self.before[b]:.0%} → {self.after[b]:.0%}" for b in self.before
                 if abs(self.after[b] - self.before[b]) >= CHANGED]
        return ", ".join(moved)


def control_now(r: AnalyzeResult, s: Scenario) -> np.ndarray:
    """Mean share of each region held by each belligerent at month 0 ``[regions, bel]``."""
    month = r.start_months[0]
    return np.array([[r.control[region.id][b][month].mean for b in s.belligerents]
                     for region in s.regions])


def proposal_control(r: AnalyzeResult, s: Scenario, proposal_id: str) -> np.ndarray:
    """Control of each region under a proposal signed now ``[regions, belligerents]``.

    The regions the proposal changes take the shares the result gives them
    (:attr:`~ceasefire.results.ProposalResult.control`); the others keep month 0's.
    """
    control = control_now(r, s)
    changed = r.proposals[proposal_id].control
    for k, region in enumerate(s.regions):
        if region.id in changed:
            control[k] = [changed[region.id][b] for b in s.belligerents]
    return control


def proposal_changes(r: AnalyzeResult, s: Scenario, proposal_id: str) -> list[RegionChange]:
    """The regions whose control a proposal changes, with shares before and after."""
    now = control_now(r, s)
    index = {region.id: k for k, region in enumerate(s.regions)}
    return [RegionChange(region=region,
                         before={b: float(now[index[region], j])
                                 for j, b in enumerate(s.belligerents)},
                         after=dict(after))
            for region, after in r.proposals[proposal_id].control.items()]


def _shares(control: np.ndarray, belligerents: list[str]) -> str:
    return " · ".join(f"{text(b)} {c:.0%}" for b, c in zip(belligerents, control, strict=True)
                      if c >= CHANGED)


def _declutter(x: np.ndarray, y: np.ndarray, order: np.ndarray, gap: float,
               taken: list[tuple[float, float]] | None = None) -> set[int]:
    """Pick points greedily, in ``order``, at least ``gap`` from those already picked.

    Points near ``taken`` are skipped too; the picked ones get labels that do not overprint.
    """
    placed = list(taken or [])
    chosen = set()
    for k in order:
        if all(math.hypot(x[k] - px, y[k] - py) >= gap for px, py in placed):
            chosen.add(int(k))
            placed.append((x[k], y[k]))
    return chosen


def region_map(r: AnalyzeResult, s: Scenario) -> go.Figure:
    """Draw the schematic map of regions, cities and region names.

    Trace 0 has one point per region at its lon/lat, numbered as in the map key; trace 1
    the cities; trace 2 the region names where they fit.
    The dropdown recolours trace 0 with control now or under each named proposal and
    outlines the regions that proposal changes.
    """
    go = require_plotly()
    belligerents = list(s.belligerents)
    first = belligerents[0]
    regions = s.regions
    lon = np.array([r.lon for r in regions], dtype=float)
    lat = np.array([r.lat for r in regions], dtype=float)
    area = np.array([s.point(r.area_km2) for r in regions], dtype=float)
    size = 18 + 30 * np.sqrt(area / max(area.max(), 1e-12))
    cities = [(c, r) for r in regions for c in r.cities]
    city_lon = np.array([c.lon for c, _ in cities], dtype=float)
    city_lat = np.array([c.lat for c, _ in cities], dtype=float)
    all_lon = np.concatenate([lon, city_lon])
    all_lat = np.concatenate([lat, city_lat])
    mid_lat = float(np.mean(all_lat))
    squeeze = math.cos(math.radians(mid_lat))  # degrees of longitude to "latitude degrees"

    now = control_now(r, s)

    def hover(control: np.ndarray, changed: set[int], label: str) -> list[str]:
        out = []
        for k, r in enumerate(regions):
            lines = [f"<b>{k + 1}. {text(r.name)}</b> ({text(r.province)})",
                     f"{area[k]:,.0f} km²",
                     f"{text(label)}: {_shares(control[k], belligerents)}"]
            if k in changed:
                lines.append(f"now: {_shares(now[k], belligerents)}")
            if r.front is not None:
                lines.append(f"front: {text(r.front.attacker)} attacking")
            if r.features:
                lines.append("features: " + text(", ".join(r.features)))
            out.append("<br>".join(lines))
        return out

    views = [(f"Now ({r.start_months[0]})", now, set())]
    for pid, proposal in r.proposals.items():
        changed = {k for k, region in enumerate(regions) if region.id in proposal.control}
        views.append((proposal.name, proposal_control(r, s, pid), changed))

    def restyle(label: str, control: np.ndarray, changed: set[int]) -> dict[str, list]:
        width = [3.5 if k in changed else 1.0 for k in range(len(regions))]
        colour = ["#000" if k in changed else "#666" for k in range(len(regions))]
        return {"marker.color": [control[:, 0]], "marker.line.width": [width],
                "marker.line.color": [colour], "hovertext": [hover(control, changed, label)]}

    start = restyle(*views[0])
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=lon, y=lat, mode="markers+text", name="regions",
        text=[str(k + 1) for k in range(len(regions))], textposition="middle center",
        textfont={"size": 10, "color": "#111"},
        marker={"size": size, "color": start["marker.color"][0], "cmin": 0, "cmax": 1,
                "colorscale": [[0, SECOND_COLOUR], [0.5, "#f7f7f7"], [1, FIRST_COLOUR]],
                "line": {"width": start["marker.line.width"][0],
                         "color": start["marker.line.color"][0]},
                "opacity": 0.85,
                "colorbar": {"title": {"text": f"share held<br>by {text(first)}"},
                             "tickformat": ".0%", "len": 0.6}},
        hovertext=start["hovertext"][0], hoverinfo="text", showlegend=False))

    span = max(float(np.ptp(all_lon)) * squeeze, float(np.ptp(all_lat)), 1.0)
    gap = 0.08 * span
    x, y = lon * squeeze, lat
    # Name a region only where no other circle is close: crowded ones keep their number.
    alone = [k for k in np.argsort(-area)
             if all(math.hypot(x[k] - x[j], y[k] - y[j]) >= gap
                    for j in range(len(regions)) if j != k)]
    named = _declutter(x, y, np.array(alone, dtype=int), gap)
    taken = [(lon[k] * squeeze, lat[k] - 0.02 * span) for k in named]
    population = np.array([c.population or 0 for c, _ in cities], dtype=float)
    city_named = _declutter(city_lon * squeeze, city_lat, np.argsort(-population, kind="stable"),
                            0.6 * gap, taken)
    fig.add_trace(go.Scatter(
        x=city_lon, y=city_lat, mode="markers+text", name="cities",
        text=[text(c.name) if k in city_named else "" for k, (c, _) in enumerate(cities)],
        textposition="middle right", textfont={"size": 10, "color": "#333"},
        marker={"size": 5, "color": "#111", "symbol": "circle"},
        hovertext=[f"{text(c.name)} ({text(r.name)})"
                   + (f"<br>population {c.population:,}" if c.population else "")
                   for c, r in cities],
        hoverinfo="text", showlegend=False))
    pad_x = max(0.5, 0.1 * float(np.ptp(all_lon)))
    pad_y = max(0.4, 0.08 * float(np.ptp(all_lat)))
    x_range = [float(all_lon.min() - pad_x), float(all_lon.max() + pad_x)]
    y_range = [float(all_lat.min() - pad_y), float(all_lat.max() + pad_y)]
    # A plot about 900 px wide: make the height follow the map's shape (within limits).
    shape = (y_range[1] - y_range[0]) / max((x_range[1] - x_range[0]) * squeeze, 1e-9)
    height = int(min(880, max(420, 900 * shape))) + 110
    # A text-only trace knows nothing of the circles: shift each name below its circle.
    degrees_per_px = (y_range[1] - y_range[0]) / (height - 110)
    order = sorted(named)
    fig.add_trace(go.Scatter(
        x=lon[order], y=lat[order] - (size[order] / 2 + 1) * degrees_per_px, mode="text",
        name="region names",
        text=[wrap(regions[k].name, 20) for k in order], textposition="bottom center",
        textfont={"size": 10, "color": "#555"}, hoverinfo="skip", showlegend=False))

    buttons = [{"label": wrap(label, 60), "method": "restyle",
                "args": [restyle(label, control, changed), [0]]}
               for label, control, changed in views]
    style(fig, height=height)
    fig.update_layout(
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.01, "yanchor": "bottom", "showactive": True,
                      "bgcolor": "white", "font": {"size": 12}}],
        margin={"t": 60, "r": 20}, hoverlabel={"align": "left"})
    fig.update_xaxes(range=x_range, title_text="longitude (°E)", zeroline=False)
    # Equirectangular: one degree of latitude is 1/cos(latitude) degrees of longitude.
    fig.update_yaxes(range=y_range, title_text="latitude (°N)", scaleanchor="x",
                     scaleratio=1 / squeeze, zeroline=False)
    return fig
