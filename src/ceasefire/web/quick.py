"""The dashboard's quick what-if: the base run's fitted game, the variant's forward pass.

The backward induction (the continuation-value regressions, :func:`fit_game`) is the
costly part of a solve; it is done once per scenario, draws and seed and cached. A
variant (levers switched, parameters set) is compiled on the same seed (common random
numbers) and only played forward on the base fit (:func:`play`). The regressions take
the state, the flags of the levers that vary and each party's discount factor as
features, so a variant whose levers varied in the base draws and whose parameters stay
within the base draws' ranges is an interpolation; anything else is reported as
``extrapolated`` with the parameters that caused it, and only the refined answer (a full
re-solve, :func:`ceasefire.workflows.whatif`) should be trusted for it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceasefire.bargaining.agreement_summary import add_binding, summarise_agreement
from ceasefire.bargaining.analysis import equilibrium_timing
from ceasefire.bargaining.equilibrium import Fitted, SolverOptions, fit_game, play
from ceasefire.bargaining.outcome import Equilibrium
from ceasefire.errors import InputError
from ceasefire.results import AnalyzeResult, ScenarioMeta
from ceasefire.results.analyze import TimingEntry, Window
from ceasefire.results.records import Estimate
from ceasefire.results.stats import difference, estimate, summary
from ceasefire.scenario import Scenario
from ceasefire.scenario.edit import with_values
from ceasefire.workflows import Prepared, analyze, prepare

__all__ = ["Base", "FitCache", "QuickAnswer", "carried_out_changes", "lever_changes",
           "quick_whatif"]

RANGE_TOLERANCE = 1e-9
"""Slack when comparing a variant's parameter with the base draws' range."""


@dataclass(frozen=True)
class Base:
    """A scenario's base run on given draws and seed: its fit, forward pass and result."""

    scenario: Scenario
    prepared: Prepared
    fitted: Fitted
    equilibrium: Equilibrium
    result: AnalyzeResult
    wall_s: float


@dataclass(frozen=True)
class QuickAnswer:
    """A variant played on the base fit: its result for drawing and what it rests on."""

    variant: AnalyzeResult
    scenario: Scenario
    draws: int
    changes: dict[str, Any]
    levers: dict[str, bool]
    carried_out: list[str]
    extrapolated: list[dict[str, str]]
    p_within: dict[str, dict[str, Any]]
    wall_s: float


def lever_changes(levers: Mapping[str, bool]) -> dict[str, float]:
    """A lever on is certain (probability 1), off never happens (0): the whatif rule."""
    return {f"levers.{lever_id}.probability": 1.0 if on else 0.0
            for lever_id, on in levers.items()}


def carried_out_changes(lever_ids: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A conditional threat carried out: unconditional (no ``against``) and certain."""
    changes: dict[str, Any] = {}
    for lever_id in lever_ids:
        changes[f"levers.{lever_id}.against"] = None
        changes[f"levers.{lever_id}.probability"] = 1.0
    return changes


def check_carried_out(scenario: Scenario, lever_ids: list[str] | tuple[str, ...],
                      levers: Mapping[str, bool]) -> None:
    """Refuse a lever to carry out that is no conditional threat, or is also switched.

    Raises
    ------
    InputError
        Naming the lever and the conditional levers of the scenario.
    """
    conditional = [lever.id for lever in scenario.levers if lever.against is not None]
    for lever_id in lever_ids:
        if lever_id not in conditional:
            raise InputError(f"carried_out: {lever_id!r} is not a conditional lever (a "
                             f"threat with `against`) of {scenario.id}; allowed: "
                             f"{', '.join(conditional) or 'none'}")
        if lever_id in levers:
            raise InputError(f"carried_out: {lever_id!r} is also in levers; fix: name it "
                             "in one of them")


def _base(scenario: Scenario, draws: int, seed: int) -> Base:
    """Fit the base game and, beside it, the full analysis the figures draw on."""
    start = time.perf_counter()
    prepared = prepare(scenario, draws=draws, rng=seed)
    with ThreadPoolExecutor(1) as pool:
        # the analysis solves the same game again (run_analysis keeps no fit): in parallel
        full = pool.submit(analyze, scenario, rng=seed, draws=draws, leverage=False)
        fitted = fit_game(prepared.compiled, prepared.expected, SolverOptions())
        equilibrium = play(prepared.compiled, prepared.expected, fitted)
        result = full.result()
    return Base(scenario=scenario, prepared=prepared, fitted=fitted, equilibrium=equilibrium,
                result=result, wall_s=time.perf_counter() - start)


class FitCache:
    """Fitted base games by (scenario hash, draws, seed), least recently used dropped.

    Two requests for the same base wait for one fit instead of fitting twice.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._done: OrderedDict[tuple[str, int, int], Base] = OrderedDict()
        self._pending: dict[tuple[str, int, int], threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, scenario: Scenario, draws: int, seed: int) -> Base:
        """The base run, fitted now or taken from the cache."""
        key = (ScenarioMeta.of(scenario).hash, draws, seed)
        while True:
            with self._lock:
                if key in self._done:
                    self._done.move_to_end(key)
                    return self._done[key]
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    break
            waiting.wait()
        try:
            base = _base(scenario, draws, seed)
            with self._lock:
                self._done[key] = base
                while len(self._done) > self._size:
                    self._done.popitem(last=False)
            return base
        finally:
            with self._lock:
                self._pending.pop(key).set()


def quick_whatif(base: Base, *, changes: Mapping[str, Any], levers: Mapping[str, bool],
                 carried_out: list[str] | tuple[str, ...] = (),
                 draws: int | None = None) -> QuickAnswer:
    """Play a variant of ``base.scenario`` on the base fit.

    ``carried_out`` names conditional threats carried out from month 0
    (:func:`carried_out_changes`). ``draws`` plays the variant on the first ``draws`` of
    the base's draws only (the same numbers: common random numbers), for a faster answer
    with wider standard errors; the difference with the base is paired on those draws.

    Raises
    ------
    InputError
        An unknown lever.
    ScenarioError
        A parameter path that leads nowhere or a value invalid there.
    """
    start = time.perf_counter()
    scenario = base.scenario
    known = [lever.id for lever in scenario.levers]
    unknown = sorted(set(levers) - set(known))
    if unknown:
        raise InputError(f"levers: unknown lever(s) {', '.join(map(repr, unknown))}; known "
                         f"levers of {scenario.id}: {', '.join(known) or 'none'}")
    changes, levers, carried_out = dict(changes), dict(levers), list(carried_out)
    check_carried_out(scenario, carried_out, levers)
    set_values = {**changes, **carried_out_changes(carried_out), **lever_changes(levers)}
    if set_values:
        variant_scenario = with_values(scenario, set_values)
        variant = prepare(variant_scenario, draws=min(draws or base.prepared.compiled.draws,
                                                      base.prepared.compiled.draws),
                          rng=base.prepared.seed)
        eq = play(variant.compiled, variant.expected, base.fitted)
    else:
        variant_scenario, variant, eq = scenario, base.prepared, base.equilibrium
    outside = _extrapolated(base, variant, changes, levers)
    outside += [{"parameter": f"levers.{lever_id}",
                 "reason": "a threat carried out from month 0, where the base fit saw it "
                           "only as conditional on a refusal"} for lever_id in carried_out]
    result = _variant_result(base.result, eq, variant_scenario, variant)
    p_within = {}
    base_signed, signed = base.equilibrium.signed_by(), eq.signed_by()
    played = signed.shape[-1]  # the base's first draws: the difference is paired on them
    for months in (12, 24):
        row = min(months, eq.months) - 1
        p_within[str(months)] = {
            "base": estimate(base_signed[row]).model_dump(),
            "variant": estimate(signed[row]).model_dump(),
            "difference": difference(signed[row], base_signed[row, :played]).model_dump(),
        }
    return QuickAnswer(variant=result, scenario=variant_scenario, draws=played,
                       changes=changes,
                       levers=levers, carried_out=carried_out, extrapolated=outside,
                       p_within=p_within, wall_s=time.perf_counter() - start)


def _extrapolated(base: Base, variant: Prepared, changes: Mapping[str, Any],
                  levers: Mapping[str, bool]) -> list[dict[str, str]]:
    """The changes the base fit never saw: levers that never varied, values out of range."""
    out = []
    varying = set(base.fitted.flag_levers)
    for lever_id in levers:
        if lever_id not in varying:
            out.append({"parameter": f"levers.{lever_id}",
                        "reason": "the lever never varied in the base draws, so the "
                                  "continuation values have no feature for it"})
    before, after = base.prepared.compiled.params, variant.compiled.params
    for path in changes:
        old, new = before.get(path), after.get(path)
        parts = path.split(".")
        if parts[0] == "regions" and len(parts) >= 3 and parts[2] == "control":
            out.append({"parameter": path, "reason": "control at month 0 changed: the "
                        "continuation values were fitted on the states the base run's own "
                        "paths visited"})
            continue
        if old is None or new is None:
            out.append({"parameter": path, "reason": "not a sampled number: the base fit "
                                                     "has no range for it"})
            continue
        low, high = float(np.min(old)), float(np.max(old))
        values = np.asarray(new, dtype=float)
        if (values < low - RANGE_TOLERANCE).any() or (values > high + RANGE_TOLERANCE).any():
            span = f"{low:g}" if low == high else f"{low:g} to {high:g}"
            out.append({"parameter": path,
                        "reason": f"outside the base draws' range ({span})"})
    return out


def _variant_result(base: AnalyzeResult, eq: Equilibrium, scenario: Scenario,
                    variant: Prepared) -> AnalyzeResult:
    """The base result with the variant's agreement, timing and acceptance now.

    Only what the forward pass decides changes: the agreement forecast and each named
    proposal's acceptance by party in months 0..12 with the binding reasons (the same
    rules as ``analyze``: :func:`summarise_agreement`, :func:`add_binding`,
    :func:`estimate`), and control at month 0, the variant's own (a region that fell).
    The war paths' later months, war values and the line question are the base run's;
    the refined answer recomputes them.
    """
    months = base.start_months
    actors = [a.id for a in scenario.actors]
    scored = equilibrium_timing(variant.compiled, eq)  # months 0..12, as analyze scores them
    timing: dict[str, dict[str, TimingEntry]] = {}
    for n, (pid, proposal) in enumerate(base.proposals.items()):
        held = [a for a in proposal.acceptance if a in eq.players]
        timing[pid] = {month: TimingEntry(
            acceptance={a: estimate(values.accept[n, actors.index(a)]) for a in held},
            p_all_veto_accept=estimate(values.all_accept[n]), gains_by_waiting={})
            for month, values in zip(months, scored, strict=False)}
    timing = add_binding(timing, eq, scenario)
    proposals = {}
    for pid, proposal in base.proposals.items():
        now = timing[pid][months[0]]
        proposals[pid] = proposal.model_copy(update={
            "acceptance": {**proposal.acceptance, **now.acceptance},
            "p_all_veto_accept": now.p_all_veto_accept,
            "window": Window.of(list(timing[pid]),
                                [e.p_all_veto_accept for e in timing[pid].values()]),
            "reasons": []})
    return base.replace(agreement=summarise_agreement(eq, scenario), timing=timing,
                        proposals=proposals, scenario=ScenarioMeta.of(scenario),
                        control=_control_now(base, variant))


def _control_now(base: AnalyzeResult, variant: Prepared) -> dict[str, Any]:
    """The base run's control summaries with month 0 the variant's (no noise there yet)."""
    month = base.start_months[0]
    belligerents = list(variant.scenario.belligerents)
    now = variant.expected.control[0]  # [regions, belligerents, draws]
    out: dict[str, Any] = {}
    for k, region in enumerate(variant.scenario.regions):
        by_actor = dict(base.control.get(region.id, {}))
        for b, actor in enumerate(belligerents):
            series = dict(by_actor.get(actor, {}))
            if month in series:
                shares = summary(np.clip(now[k, b], 0.0, 1.0))
                series[month] = series[month].model_copy(update=shares.model_dump())
            by_actor[actor] = series
        out[region.id] = by_actor
    return out


def estimate_dict(value: Estimate) -> dict[str, float]:
    """``{p, se}`` of an estimate."""
    return {"p": value.p, "se": value.se}
