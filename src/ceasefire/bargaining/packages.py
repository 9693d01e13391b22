"""Deal packages: the scenario's issues and options as columns, and package values.

A package picks one option per issue. Every part of its value is additive over issues
except the hazard (multiplicative) and the public's support (the least-supported term),
so each option becomes a column of per-actor, per-draw numbers; a package's value is a
sum of its columns, which the deal-space engine turns into matrix products.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ceasefire.bargaining.values import (
    ActorParameters,
    PayoffStreams,
    deal_value,
    discounted_value,
    ratification_margin,
    shift_support,
    territory_value,
)
from ceasefire.dynamics import WarPaths
from ceasefire.errors import InputError
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.scenario.model import Issue, Scenario

__all__ = [
    "DealContext",
    "OptionColumns",
    "PackageValues",
    "deal_control",
    "evaluate_packages",
    "option_columns",
    "package_index",
]


@dataclass(frozen=True)
class OptionColumns:
    """Every option of every issue as a column (``C`` columns, issue by issue).

    Attributes
    ----------
    columns
        ``(issue id, option id)`` of each column.
    issue_slices
        Column range of each issue, in issue order.
    flow, one_off
        ``[actors, C, draws]``: value per month of flow terms, value once of one-off terms.
    log_hazard
        ``[C, draws]``: log of each option's hazard factor.
    support
        ``[actors, C, draws]``: share of each actor's public accepting the term (1 where
        it concedes nothing that actor's public minds).
    delivered_by
        ``[actors, C]``: whether the actor delivers the term (a ``terms`` veto applies).
    """

    columns: tuple[tuple[str, str], ...]
    issue_slices: tuple[slice, ...]
    flow: np.ndarray
    one_off: np.ndarray
    log_hazard: np.ndarray
    support: np.ndarray
    delivered_by: np.ndarray


def option_columns(compiled: CompiledScenario) -> OptionColumns:
    """Compile the scenario's issues into option columns."""
    s = compiled.scenario
    actors = [a.id for a in s.actors]
    columns, slices, flow, one_off, hazard, support, delivered = [], [], [], [], [], [], []
    for issue in s.issues:
        first = len(columns)
        for option in issue.options:
            prefix = f"issues.{issue.id}.options.{option.id}"
            columns.append((issue.id, option.id))
            values = np.stack([compiled.get(f"{prefix}.value.{a}") for a in actors])
            is_flow = option.term == "flow"
            flow.append(values if is_flow else np.zeros_like(values))
            one_off.append(np.zeros_like(values) if is_flow else values)
            hazard.append(np.log(compiled.get(f"{prefix}.hazard_factor", 1.0)))
            support.append(np.stack([compiled.get(f"{prefix}.support.{a}", 1.0) for a in actors]))
            delivered.append([a in option.delivered_by for a in actors])
        slices.append(slice(first, len(columns)))
    n = compiled.draws
    empty = np.zeros((len(actors), 0, n))
    return OptionColumns(
        columns=tuple(columns),
        issue_slices=tuple(slices),
        flow=np.stack(flow, axis=1) if flow else empty,
        one_off=np.stack(one_off, axis=1) if one_off else empty,
        log_hazard=np.stack(hazard) if hazard else np.zeros((0, n)),
        support=np.stack(support, axis=1) if support else empty,
        delivered_by=np.array(delivered, dtype=bool).T.reshape(len(actors), len(columns)),
    )


def package_index(scenario: Scenario, packages: Sequence[Mapping[str, str]]) -> np.ndarray:
    """Turn packages (issue id -> option id; others at their default) into ``[P, issues]``.

    Entries are global column indices (into :class:`OptionColumns`).
    """
    offsets, options = {}, {}
    start = 0
    for issue in scenario.issues:
        offsets[issue.id] = start
        options[issue.id] = {o.id: k for k, o in enumerate(issue.options)}
        start += len(issue.options)
    out = np.empty((len(packages), len(scenario.issues)), dtype=np.int64)
    for p, package in enumerate(packages):
        unknown = set(package) - set(offsets)
        if unknown:
            raise InputError(f"package {p}: unknown issue(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(offsets)}")
        for i, issue in enumerate(scenario.issues):
            option = package.get(issue.id, issue.default)
            if option not in options[issue.id]:
                raise InputError(f"package {p}: {option!r} is not an option of {issue.id!r}; "
                                 f"use one of: {', '.join(options[issue.id])}")
            out[p, i] = offsets[issue.id] + options[issue.id][option]
    return out


@dataclass(frozen=True)
class DealContext:
    """What package values at one start month ``s`` need, computed once.

    ``territory_delta`` ``[actors, C, draws]`` is each option's change to the actor's
    territory value against the line of month ``s``; ``territory_now``, ``war_cost``,
    ``war_value`` are ``[actors, draws]``; ``opinion_now``/``opinion_then`` the general
    support for concessions at ``s`` and at month 0.
    """

    start: int
    columns: OptionColumns
    territory_delta: np.ndarray
    territory_now: np.ndarray
    war_cost: np.ndarray
    war_value: np.ndarray
    opinion_now: np.ndarray
    opinion_then: np.ndarray
    params: ActorParameters
    base_hazard: np.ndarray


def deal_context(compiled: CompiledScenario, paths: WarPaths, params: ActorParameters,
                 streams: PayoffStreams, columns: OptionColumns, war_value: np.ndarray,
                 start: int, war_cost_value: np.ndarray | None = None) -> DealContext:
    """Prepare package valuation for deals signed at month ``start`` on ``paths``.

    ``war_cost_value`` ``[actors, draws]``, the discounted value of the war's costs from
    ``start``, is computed here unless the caller already has it.
    """
    s = compiled.scenario
    now = paths.control[start]  # [regions, belligerents, draws]
    deltas = []
    for issue in s.issues:
        for option in issue.options:
            deal = _deal_control(compiled, paths, issue, option.id, now)
            if deal is None:
                deltas.append(np.zeros_like(war_value))
            else:
                regions, control = deal
                value = params.value[:, regions]
                before = np.take(now[regions], params.side, axis=-2)
                after = np.take(control, params.side, axis=-2)
                deltas.append(np.einsum("rad,ard->ad", after - before, value))
    delta = np.stack(deltas, axis=1) if deltas else np.zeros((len(params.actors), 0,
                                                             compiled.draws))
    # The monthly war cost a party returns to after a collapse: the constant cost with the
    # same present value as the war's cost stream from s (an annuity), so that a deal's
    # collapse risk never costs more than the war itself.
    if war_cost_value is None:
        costs = streams.casualty_cost + streams.economic_cost
        war_cost_value = discounted_value(costs, params.discount, start,
                                          compiled.scenario.horizon_months)
    war_cost = (1 - params.discount) * war_cost_value
    return DealContext(start=start, columns=columns, territory_delta=delta,
                       territory_now=streams.territory[start], war_cost=war_cost,
                       war_value=war_value, opinion_now=paths.opinion[start],
                       opinion_then=paths.opinion[0], params=params,
                       base_hazard=compiled.get("bargaining.base_hazard", s.bargaining.base_hazard))


def deal_control(compiled: CompiledScenario, paths: WarPaths, terms: Mapping[str, str],
                 start: int = 0, *, now: np.ndarray | None = None) -> np.ndarray:
    """Control of every region under a package signed at ``start`` ``[regions, bel, draws]``.

    Each issue takes the package's option (its default where the package is silent); a
    territorial option sets its region's control, a line option moves the line's regions
    (MODELS.md section 9); every other region keeps the control of month ``start``, or
    ``now`` where given (``[regions, bel, draws]``, e.g. each path's control at its own
    month of signing). Lines are drawn on the map of ``paths``' month 0.
    """
    now = paths.control[start] if now is None else now
    control = now.copy()
    for issue in compiled.scenario.issues:
        deal = _deal_control(compiled, paths, issue, terms.get(issue.id, issue.default), now)
        if deal is not None:
            regions, moved = deal
            control[regions] = moved
    return control


def _deal_control(compiled: CompiledScenario, paths: WarPaths, issue: Issue, option_id: str,
                  now: np.ndarray) -> tuple[list[int], np.ndarray] | None:
    """Regions an option moves and their control under the deal ``[regions, bel, draws]``."""
    move = option_move(compiled, paths, issue, option_id)
    return None if move is None else (move.regions, move.after(now))


@dataclass(frozen=True)
class OptionMove:
    """What one territorial or line option does to the control, whatever the front.

    A territorial option sets its region's control (``fixed``); a line option gives the
    gainer at least ``line_share`` of each of the line's regions, drawn on the map of
    month 0, and never hands back what the gainer took since ("or the front", MODELS.md
    section 9).
    """

    regions: list[int]
    fixed: np.ndarray | None = None  # [1, belligerents, draws]
    line_share: np.ndarray | None = None  # [regions, draws]
    gainer: int = 0
    loser: int = 0

    def after(self, now: np.ndarray) -> np.ndarray:
        """The moved regions' control under the deal, from ``now`` ``[regions, bel, draws]``."""
        if self.fixed is not None:
            return self.fixed
        control = now[self.regions].copy()
        gained = np.maximum(self.line_share - control[:, self.gainer], 0)
        control[:, self.gainer] += gained
        control[:, self.loser] -= gained
        return control


def option_move(compiled: CompiledScenario, paths: WarPaths, issue: Issue,
                option_id: str) -> OptionMove | None:
    """The move of an option (``None`` where it moves no control)."""
    s = compiled.scenario
    option = next(o for o in issue.options if o.id == option_id)
    belligerents = s.belligerents
    index = {r.id: k for k, r in enumerate(s.regions)}
    if issue.kind == "territory" and option.control is not None:
        prefix = f"issues.{issue.id}.options.{option.id}.control"
        control = np.stack([compiled.get(f"{prefix}.{b}") if b in option.control
                            else np.zeros(compiled.draws) for b in belligerents])
        return OptionMove(regions=[index[issue.region]], fixed=control[None])
    if issue.kind == "line" and option.x is not None and issue.line is not None:
        line = issue.line
        regions = [index[r] for r in line.regions]
        gainer, loser = belligerents.index(line.gainer), belligerents.index(line.loser)
        summit = paths.control[0][regions]  # the line is drawn on the map of month 0
        area = paths.area_km2[regions]
        held = summit[:, loser] * area  # [regions, draws]
        passing = option.x / 100 * held.sum(0)
        before = np.cumsum(held, axis=0) - held
        portion = np.clip(passing - before, 0, held)
        return OptionMove(regions=regions, line_share=summit[:, gainer] + portion
                          / np.maximum(area, 1e-12), gainer=gainer, loser=loser)
    return None


@dataclass(frozen=True)
class PackageValues:
    """Values of packages signed at one start month, ``[P, actors, draws]`` each."""

    value: np.ndarray
    surplus: np.ndarray
    margin: np.ndarray
    accept: np.ndarray
    required: np.ndarray
    all_accept: np.ndarray

    def acceptance_probability(self) -> np.ndarray:
        """P(actor accepts) ``[P, actors]``, the share of draws where it does."""
        return self.accept.mean(axis=-1)

    def all_veto_probability(self) -> np.ndarray:
        """P(every required veto player accepts) ``[P]``."""
        return self.all_accept.mean(axis=-1)


def evaluate_packages(context: DealContext, index: np.ndarray,
                      veto: np.ndarray) -> PackageValues:
    """Value, surplus, margin and acceptance of packages ``index`` ``[P, issues]``.

    ``veto`` ``[actors]`` is 2 for a veto over every package, 1 over the terms an actor
    delivers, 0 for none. A party accepts when ``V - W >= m`` (MODELS.md section 2).
    """
    cols = context.columns
    params = context.params
    # Sum the chosen options issue by issue (no [actors, P, issues, draws] temporaries).
    delta = np.zeros((len(params.actors), len(index), context.war_value.shape[-1]))
    flow, one_off = np.zeros_like(delta), np.zeros_like(delta)
    term_support = np.ones_like(delta)
    log_hazard = np.zeros((len(index), context.war_value.shape[-1]))
    for chosen in index.T:
        delta += context.territory_delta[:, chosen]
        flow += cols.flow[:, chosen]
        one_off += cols.one_off[:, chosen]
        np.minimum(term_support, cols.support[:, chosen], out=term_support)
        log_hazard += cols.log_hazard[chosen]
    territory = (context.territory_now[:, None] + delta).swapaxes(0, 1)
    flow, one_off, term_support = (x.swapaxes(0, 1) for x in (flow, one_off, term_support))
    hazard = np.clip(context.base_hazard * np.exp(log_hazard), 0, 1)
    value = deal_value(implementation=context.territory_now[None], territory=territory,
                       flow=flow, one_off=one_off, war_cost=context.war_cost[None],
                       hazard=hazard[:, None, :], discount=params.discount[None])
    support = shift_support(term_support, context.opinion_now[None], context.opinion_then[None])
    margin = ratification_margin(params.margin[None], support, context.war_value[None])
    surplus = value - context.war_value[None]
    accept = surplus >= margin
    delivers = cols.delivered_by[:, index].any(axis=2).T  # [P, actors]
    required = (veto[None] == 2) | ((veto[None] == 1) & delivers)
    all_accept = np.all(accept | ~required[:, :, None], axis=1)
    return PackageValues(value=value, surplus=surplus, margin=margin, accept=accept,
                         required=required, all_accept=all_accept)


def veto_codes(scenario: Scenario) -> np.ndarray:
    """``[actors]``: 2 for ``veto: all``, 1 for ``veto: terms``, 0 for none."""
    codes = {"all": 2, "terms": 1, "none": 0}
    return np.array([codes[a.veto] for a in scenario.actors], dtype=int)


def territory_at(params: ActorParameters, control: np.ndarray) -> np.ndarray:
    """Territory value ``[actors, draws]`` of a control map ``[regions, belligerents, draws]``."""
    return territory_value(params.value, control, params.side)
