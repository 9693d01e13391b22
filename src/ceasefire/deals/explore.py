"""``explore_deals``: evaluate every package of a scenario's space and answer about it."""

from __future__ import annotations

import time
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ceasefire.bargaining import valuation_context, veto_codes
from ceasefire.deals.beyond import frontier_packages
from ceasefire.deals.evaluate import SpaceValues, evaluate_options, evaluate_space
from ceasefire.deals.search import (
    Choice,
    frontier,
    likely_settlement,
    most_robust,
    nearest_acceptable,
    plateau,
    solve,
    zone_of_agreement,
)
from ceasefire.deals.space import DEFAULT_CAP, DealSpace, deal_space
from ceasefire.dynamics import WarPaths
from ceasefire.errors import InputError, ModelError
from ceasefire.options import Options
from ceasefire.results import DealsResult, LikelySettlement, Package, ScenarioMeta
from ceasefire.results.deals import (
    Cloud,
    Frontier,
    Gain,
    PackageSolution,
    Settings,
    Space,
    Variant,
    Zone,
)
from ceasefire.results.records import Plateau
from ceasefire.results.stats import standard_error
from ceasefire.scenario.compile import CompiledScenario
from ceasefire.scenario.model import month_label

__all__ = ["DealOptions", "explore_deals", "package_summary"]


class DealOptions(Options):
    """The choices of a deal-space exploration (the seed comes apart, as ``rng``)."""

    draws: int = Field(2000, ge=1, le=100_000, description="Monte Carlo draws.")
    start: int = Field(0, ge=0, le=12, description=(
        "Month the deal is signed (0 = the scenario's month; DESIGN.md 9.1)."))
    p_star: float = Field(0.5, gt=0, le=1, description=(
        "Threshold of the zone of agreement (DESIGN.md 9.7)."))
    top: int = Field(10, ge=1, le=1000, description="Packages listed by P(all accept).")
    near: tuple[str, ...] | None = Field(None, description=(
        "Proposal ids whose nearest acceptable variants are listed (default: all)."))
    cap: int = Field(DEFAULT_CAP, ge=1, description=(
        "Packages enumerated at most; past it, only the belligerents' Pareto frontier is "
        "searched (exactly), and the result says so."))
    dtype: Literal["float32", "float64"] = Field("float32", description=(
        "float32 (fast) or float64 (exact to the per-package evaluation)."))
    quantile: float = Field(0.1, ge=0, le=1, description=(
        "Quantile of the robust score (the worst case over draws)."))
    workers: int = Field(1, ge=1, le=64, description="Threads over chunks of packages.")
    every_actor: bool = Field(False, description=(
        "Count the acceptance of actors without a veto too (default: only the veto "
        "players', which decide)."))

_FRONTIER_LISTED = 200
"""Frontier packages listed in the summary at most (the size is always given)."""

_CLOUD_POINTS = 1000
"""Packages sampled (seed 0) for the plot of two parties' surpluses, besides its frontier."""

LIKELY_RULE = ("highest P(all veto players accept) over the declared space, ties broken by "
               "the Nash product")


def package_summary(space: DealSpace, values: SpaceValues, row: int,
                    actors: tuple[str, ...], options: np.ndarray) -> Package:
    """One package: terms by id, probabilities with standard errors, stakes."""
    p = values.p_accept[row]
    se = standard_error(p, values.draws)
    surplus = values.mean_surplus[row]
    required = values.required[row]
    stake = required | (surplus != 0)
    p_all = float(values.p_all[row])
    return Package(
        terms=space.terms(options), changes=space.terms(options, changed_only=True),
        p_all_veto_accept={"p": p_all, "se": float(standard_error(p_all, values.draws))},
        veto_players=[a for k, a in enumerate(actors) if required[k]],
        acceptance={a: {"p": float(p[k]), "se": float(se[k])} for k, a in enumerate(actors)
                    if stake[k] and np.isfinite(p[k])},
        surplus={a: float(surplus[k]) for k, a in enumerate(actors) if stake[k]},
        robust=None if values.robust is None else _finite(values.robust[row]))


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None  # None: not computed (below 0) or no veto


def explore_deals(compiled: CompiledScenario, expected: WarPaths,
                  options: DealOptions | None = None) -> DealsResult:
    """Evaluate every package of the scenario's declared space (DESIGN.md section 9.10).

    Parameters
    ----------
    compiled
        The scenario's draws (``options.draws`` is ignored here: the draws are these).
    expected
        The noise-free war paths of ``compiled``, on which the parties form expectations.
    options
        The start month, p*, the listing sizes, the cap, the float type, the robust
        quantile and the worker threads (see :class:`DealOptions`).
    """
    options = options or DealOptions()
    scenario = compiled.scenario
    draws, start, p_star, cap = compiled.draws, options.start, options.p_star, options.cap
    dtype = np.dtype(options.dtype).type
    quantile, workers, every_actor = options.quantile, options.workers, options.every_actor
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    if not scenario.issues:
        raise ModelError(f"scenario {scenario.id!r} declares no issues, so it has no deal "
                         "space; fix: add issues with options to the scenario")
    space = deal_space(scenario)
    known = [p.id for p in scenario.proposals]
    near = known if options.near is None else list(options.near)
    unknown = [p for p in near if p not in known]
    if unknown:
        raise InputError(f"--near: unknown proposal {', '.join(map(repr, unknown))}; "
                         f"known proposals of {scenario.id}: {', '.join(known) or 'none'}; "
                         "fix: use one of these ids")
    searched = space.size > cap
    context = valuation_context(compiled, expected, start)
    veto = veto_codes(scenario)
    clock["setup"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    parties = [k for k, a in enumerate(scenario.actors) if a.role == "belligerent"]
    if searched:  # past the cap: only the belligerents' Pareto frontier, found exactly
        found = frontier_packages(context, veto, space, parties)
        found = found[np.argsort(space.encode(found), kind="stable")]
        values = evaluate_options(context, veto, space, found, dtype=dtype, quantile=None,
                                  workers=workers, every_actor=every_actor)
    else:
        values = evaluate_space(context, veto, space, dtype=dtype, quantile=None,
                                workers=workers, every_actor=every_actor)
    values = _with_robust(context, veto, space, values, dtype=dtype, quantile=quantile,
                          workers=workers, every_actor=every_actor)
    clock["evaluate"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    actors = tuple(a.id for a in scenario.actors)
    decoded = space.decode(values.codes)
    war_abs = np.abs(context.war_value).mean(axis=1)

    def summary(row: int) -> dict[str, Any]:
        return package_summary(space, values, row, actors, decoded[row])

    def choice(c: Choice) -> PackageSolution:
        return PackageSolution(package=None if c.row is None else summary(c.row),
                               score=c.score, blockers=list(c.blocking))

    choices = solve(values, actors, parties, war_abs)
    likely = likely_settlement(values, parties)
    choices["most-robust"] = most_robust(values)
    order = np.lexsort((values.codes, -values.all_count))[:options.top]
    zone = zone_of_agreement(values, p_star)
    front = frontier(values, parties)
    front = front[np.lexsort((values.codes[front], -values.all_count[front]))]

    proposals, nearest = {}, {}
    rows_by_code = {int(c): r for r, c in enumerate(values.codes)}
    for proposal in scenario.proposals:
        chosen = space.package(proposal.terms, where=f"proposals[{proposal.id}]")
        code = int(space.encode(chosen[None])[0])
        if code in rows_by_code:
            proposals[proposal.id] = summary(rows_by_code[code])
        else:  # an infeasible proposal is still scored, and flagged
            own = evaluate_options(context, veto, space, chosen[None], dtype=dtype,
                                   quantile=quantile)
            proposals[proposal.id] = package_summary(space, own, 0, actors, chosen).model_copy(
                update={"infeasible": True})
        if proposal.id in near:
            found = nearest_acceptable(decoded, chosen, values, p_star=p_star)
            nearest[proposal.id] = {str(d): [_variant(summary(r), proposals[proposal.id])
                                             for r in rows] for d, rows in found.items()}
    clock["answers"] = time.perf_counter() - t2
    clock["total"] = time.perf_counter() - t0
    named = {tuple(sorted(p.terms.items())): p.id for p in scenario.proposals}
    likely_package = None if likely.row is None else summary(likely.row)
    result = DealsResult(
        scenario=ScenarioMeta.of(scenario), seed=compiled.seed, draws=draws, start_month=start,
        start=month_label(scenario.as_of, start), p_star=p_star, actors=list(actors),
        belligerents=[actors[k] for k in parties],
        veto={a.id: a.veto for a in scenario.actors},
        space=Space(
            issues=dict(zip(space.issues, map(list, space.options), strict=True)),
            size=space.size, evaluated=len(values.codes),
            method="searched" if searched else "enumerated",
            note=(f"{space.size:,} packages exceed the cap of {cap:,}: only the "
                  "belligerents' Pareto frontier of expected surpluses was searched "
                  "(exactly) and evaluated; every answer is over those packages")
            if searched else "every feasible package was evaluated"),
        zone=Zone(size=len(zone), share=len(zone) / max(len(values.codes), 1)),
        likely_settlement=None if likely_package is None else LikelySettlement(
            proposal=named.get(tuple(sorted(likely_package.changes.items()))),
            terms=likely_package.terms, p_all_veto_accept=likely_package.p_all_veto_accept,
            rule=LIKELY_RULE, plateau=_plateau(space, values, decoded, likely.row)),
        solutions={name: choice(c) for name, c in choices.items()},
        top=[summary(int(r)) for r in order], proposals=proposals, nearest=nearest,
        frontier=Frontier(parties=[actors[k] for k in parties], size=len(front),
                          packages=[summary(int(r)) for r in front[:_FRONTIER_LISTED]]),
        cloud=_cloud(space, values, decoded, actors, parties),
        settings=Settings(dtype=np.dtype(dtype).name, quantile=quantile),
        run={"wall_s": clock, "workers": workers})
    return result.with_per_draw({"values": values, "space": space})


def _plateau(space: DealSpace, values: SpaceValues, decoded: np.ndarray,
             row: int) -> Plateau:
    """The packages tied with the likely settlement, and what they share."""
    rows = plateau(values, row)
    options = decoded[rows]  # [tied, issues]
    shared, varying = {}, {}
    for i, issue in enumerate(space.issues):
        found = sorted(set(options[:, i].tolist()))
        names = [space.options[i][k] for k in found]
        if len(found) == 1:
            shared[issue] = names[0]
        else:
            varying[issue] = names
    return Plateau(size=len(rows), shared=shared, varying=varying,
                   rule="P(all veto players accept) within 2 standard errors of the "
                        "difference from the likely settlement's")


def _cloud(space: DealSpace, values: SpaceValues, decoded: np.ndarray,
           actors: tuple[str, ...], parties: list[int]) -> Cloud | None:
    """A fixed sample of packages in the plane of the first two belligerents, with its front."""
    from ceasefire.deals.pareto import pareto_front

    if len(parties) < 2:
        return None
    points = values.mean_surplus[:, parties[:2]]
    front = np.flatnonzero(pareto_front(points))
    rows = np.arange(len(points))
    if len(rows) > _CLOUD_POINTS:
        rows = np.random.default_rng(0).choice(rows, _CLOUD_POINTS, replace=False)
    rows = np.union1d(rows, front)
    return Cloud(parties=[actors[k] for k in parties[:2]],
                 surplus=[(float(x), float(y)) for x, y in points[rows]],
                 p_all_veto_accept=[float(p) for p in values.p_all[rows]],
                 frontier=np.isin(rows, front).tolist(),
                 labels=[space.describe(o)[:200] for o in decoded[rows]])


def _with_robust(context: Any, veto: np.ndarray, space: DealSpace, values: SpaceValues, *,
                 dtype: type, quantile: float, workers: int, every_actor: bool,
                 ) -> SpaceValues:
    """Add the robust score where it can decide the most robust package (exact).

    A package whose ``quantile`` of the least relative net surplus is >= 0 has every
    veto player accepting in all but ``floor(quantile (n - 1))`` draws; so when some
    packages reach that count, the most robust package is among them and the score is
    computed for them only (NaN elsewhere: below zero). Otherwise it is computed for all.
    """
    from dataclasses import replace

    kth = int(np.floor(quantile * (values.draws - 1)))
    candidates = np.flatnonzero(values.all_count >= values.draws - kth)
    if len(candidates) == 0:
        candidates = np.arange(len(values.codes))
    scored = evaluate_options(context, veto, space, space.decode(values.codes[candidates]),
                              dtype=dtype, quantile=quantile, workers=workers,
                              every_actor=every_actor)
    robust = np.full(len(values.codes), np.nan)
    robust[candidates] = scored.robust
    return replace(values, robust=robust, quantile=quantile)


def _variant(package: Package, proposal: Package) -> Variant:
    """A nearby package with what its changes buy against the proposal."""
    return Variant(
        **package.model_dump(),
        changed_from_proposal={k: v for k, v in package.terms.items()
                               if proposal.terms.get(k) != v},
        gain=Gain(p_all_veto_accept=package.p_all_veto_accept.p - proposal.p_all_veto_accept.p,
                  surplus={a: s - proposal.surplus.get(a, 0.0)
                           for a, s in package.surplus.items()}))
