"""The line question as one number (MODELS.md section 9) and each party's reservation line.

``x`` in [0, 100] is the share, by area, of the loser's holdings at month 0 in the line
issue's regions that passes to the gainer (0: a freeze on the line, 100: all of it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ceasefire.bargaining.packages import DealContext
from ceasefire.bargaining.values import deal_value, ratification_margin, shift_support
from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.scenario.model import Issue

__all__ = ["LineNet", "line_issue", "line_net_surplus"]


def line_issue(compiled: CompiledScenario) -> Issue | None:
    """The scenario's line issue (the first issue of kind ``line``), if any."""
    return next((issue for issue in compiled.scenario.issues if issue.kind == "line"), None)


@dataclass(frozen=True)
class LineNet:
    """Net surplus ``V - W - m`` of a line at each grid point: ``[grid, actors, draws]``."""

    grid: np.ndarray
    net: np.ndarray


def line_net_surplus(compiled: CompiledScenario, paths: WarPaths, context: DealContext,
                     issue: Issue, grid: np.ndarray,
                     actors: list[str] | None = None) -> LineNet:
    """Net surplus ``[grid, actors, draws]`` of a line at ``x``, other issues at their default.

    Support for the line's concession is interpolated linearly in ``x`` between the
    issue's named options (MODELS.md section 6: each concession has its own support).
    ``actors`` (ids, default all) picks the parties to compute, in that order.
    """
    s = compiled.scenario
    line = issue.line
    ids = [a.id for a in s.actors]
    pick = np.array([ids.index(a) for a in (actors or ids)])
    params = context.params
    side, discount = params.side[pick], params.discount[pick]
    war_value, war_cost = context.war_value[pick], context.war_cost[pick]
    territory_now = context.territory_now[pick]
    index = {r.id: k for k, r in enumerate(s.regions)}
    regions = [index[r] for r in line.regions]
    gainer, loser = s.belligerents.index(line.gainer), s.belligerents.index(line.loser)
    summit = paths.control[0][regions]
    area = paths.area_km2[regions]
    held = summit[:, loser] * area
    before = np.cumsum(held, axis=0) - held
    now = paths.control[context.start][regions]
    value = params.value[pick][:, regions]  # [actors, regions, draws]

    passing = grid[:, None, None] / 100 * held.sum(0)[None, None]
    portion = np.clip(passing - before[None], 0, held[None])  # [grid, regions, draws]
    line_share = summit[None, :, gainer] + portion / np.maximum(area, 1e-12)[None]
    gained = np.maximum(line_share - now[None, :, gainer], 0)
    # the gainer's side gains what the loser's side loses: signed values, no big gather
    sign = np.where(side == gainer, 1.0, np.where(side == loser, -1.0, 0.0))
    delta = np.einsum("grd,ard->gad", gained, value * sign[:, None, None])

    defaults = [o for o in (_default_column(context, i) for i in s.issues) if o is not None]
    flow = sum((context.columns.flow[pick, c] for c in defaults), np.zeros_like(war_value))
    one_off = sum((context.columns.one_off[pick, c] for c in defaults), np.zeros_like(war_value))
    log_h = sum((context.columns.log_hazard[c] for c in defaults), np.zeros(compiled.draws))
    hazard = np.clip(context.base_hazard * np.exp(log_h), 0, 1)
    v = deal_value(implementation=territory_now[None], territory=territory_now[None] + delta,
                   flow=flow[None], one_off=one_off[None], war_cost=war_cost[None],
                   hazard=hazard[None, None], discount=discount[None])

    named = sorted((o.x, o.id) for o in issue.options)
    xs = np.array([x for x, _ in named])
    first = context.columns.issue_slices[s.issues.index(issue)].start
    positions = {o.id: first + k for k, o in enumerate(issue.options)}
    sup = np.stack([context.columns.support[pick, positions[oid]] for _, oid in named])
    term_support = _interpolate(grid, xs, sup)
    support = shift_support(term_support, context.opinion_now[pick][None],
                            context.opinion_then[pick][None])
    margin = ratification_margin(params.margin[pick][None], support, war_value[None])
    return LineNet(grid=grid, net=v - war_value[None] - margin)


def _default_column(context: DealContext, issue: Issue) -> int | None:
    for k, (issue_id, option_id) in enumerate(context.columns.columns):
        if issue_id == issue.id and option_id == issue.default:
            return k
    return None


def _interpolate(grid: np.ndarray, xs: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of ``values[len(xs), ...]`` at ``grid`` (flat ends)."""
    if len(xs) == 1:
        return np.broadcast_to(values[0][None], (len(grid), *values.shape[1:]))
    upper = np.clip(np.searchsorted(xs, grid, side="right"), 1, len(xs) - 1)
    lower = upper - 1
    span = np.maximum(xs[upper] - xs[lower], 1e-12)
    weight = np.clip((grid - xs[lower]) / span, 0, 1)
    weight = weight.reshape(-1, *([1] * (values.ndim - 1)))
    return values[lower] * (1 - weight) + values[upper] * weight
