"""``explore_deals``: evaluate every package of a scenario's space and answer about it."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from pydantic import Field

from ceasefire.bargaining.agreement_summary import summarise_agreement
from ceasefire.bargaining.equilibrium import SolverOptions
from ceasefire.bargaining.equilibrium import solve as solve_equilibrium
from ceasefire.bargaining.outcome import Equilibrium
from ceasefire.deals.evaluate import SpaceValues
from ceasefire.deals.score import CELLS, PACKAGE_DRAWS, score_draws, score_packages, subset_now
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
    Agreed,
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
        "Feasible packages scored at most; past it, a fixed-seed sample of this many is "
        "scored, and the result says so."))
    space_draws: int | None = Field(None, ge=1, le=100_000, description=(
        "Draws every package is scored on (default: all, or the first 20,000,000 / "
        "packages, at least 100, when the space is large); the agreed packages use all."))
    quantile: float = Field(0.1, ge=0, le=1, description=(
        "Quantile of the robust score (the worst case over draws)."))
    workers: int = Field(1, ge=1, le=64, description="Threads over chunks of packages.")

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
                  options: DealOptions | None = None, *,
                  equilibrium: Equilibrium | None = None) -> DealsResult:
    """Score every package of the declared space against the equilibrium (DESIGN.md 9.10, 19).

    A veto player accepts a package signed now when its expected gain of signing over
    fighting on and bargaining again, ``r (V - X) - (1 - r_j) a_j``, is not negative, on
    its own belief (MODELS.md 2.5); the zone is the packages every veto player accepts
    with probability at least p*. The packages actually agreed on the solver's paths are
    reported beside (``agreed``).

    Parameters
    ----------
    compiled
        The scenario's draws (``options.draws`` is ignored here: the draws are these).
    expected
        The noise-free war paths of ``compiled``, on which the parties form expectations.
    options
        p*, the listing sizes, the cap, the draws the space is scored on, the robust
        quantile and the worker threads (see :class:`DealOptions`).
    equilibrium
        The solver's equilibrium on these draws (``analyze`` passes its own); solved
        here when None or when its draws are not ``compiled``'s.
    """
    options = options or DealOptions()
    scenario = compiled.scenario
    draws, start, p_star, cap = compiled.draws, options.start, options.p_star, options.cap
    quantile, workers = options.quantile, options.workers
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    if not scenario.issues:
        raise ModelError(f"scenario {scenario.id!r} declares no issues, so it has no deal "
                         "space; fix: add issues with options to the scenario")
    if start != 0:
        raise InputError(f"start month {start}: the deal space is scored for deals signed now "
                         "(month 0) against the equilibrium continuation values; allowed: 0; "
                         "fix: drop --start-month (analyze's timing scores the named "
                         "proposals in months 0..12)")
    space = deal_space(scenario)
    known = [p.id for p in scenario.proposals]
    near = known if options.near is None else list(options.near)
    unknown = [p for p in near if p not in known]
    if unknown:
        raise InputError(f"--near: unknown proposal {', '.join(map(repr, unknown))}; "
                         f"known proposals of {scenario.id}: {', '.join(known) or 'none'}; "
                         "fix: use one of these ids")
    feasible = sum(len(c) for _, c in space.chunks(1 << 16))
    sampled = feasible > cap
    clock["setup"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    eq = equilibrium
    if eq is None or eq.draws != draws or eq.now is None:
        eq = solve_equilibrium(compiled, expected, SolverOptions())
    clock["equilibrium"] = time.perf_counter() - t1

    t1 = time.perf_counter()
    scored = score_draws(min(feasible, cap), draws, options.space_draws)
    now = eq.now if scored == draws else subset_now(eq.now, scored)
    sub_compiled = compiled if scored == draws else compiled.subset(scored)
    sub_expected = expected if scored == draws else _first(expected, scored)
    rows = max(64, CELLS // max(len(eq.now.players) * scored, 1))
    if sampled:  # past the cap: a fixed-seed sample of the feasible packages
        chosen = _sample(space, feasible, cap)
        parts = (chosen[k:k + rows] for k in range(0, len(chosen), rows))
    else:
        parts = (c for _, c in space.chunks(rows))
    values = score_packages(now, sub_compiled, sub_expected, space, parts, quantile=quantile,
                            workers=workers, canonical=True)
    clock["evaluate"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    actors = tuple(a.id for a in scenario.actors)
    parties = [k for k, a in enumerate(scenario.actors) if a.role == "belligerent"]
    decoded = space.decode(values.codes)
    annuity = np.ones(len(actors))
    columns = [actors.index(p) for p in eq.now.players]
    annuity[columns] = eq.now.annuity.mean(axis=1)

    def summary(row: int) -> dict[str, Any]:
        return package_summary(space, values, row, actors, decoded[row])

    def choice(c: Choice) -> PackageSolution:
        return PackageSolution(package=None if c.row is None else summary(c.row),
                               score=c.score, blockers=list(c.blocking))

    choices = solve(values, actors, parties, annuity)
    likely = likely_settlement(values, parties)
    choices["most-robust"] = most_robust(values)
    order = np.lexsort((values.codes, -values.all_count))[:options.top]
    zone = zone_of_agreement(values, p_star)
    zone_common = np.flatnonzero(values.p_common >= p_star)
    front = frontier(values, parties)
    front = front[np.lexsort((values.codes[front], -values.all_count[front]))]

    proposals, nearest = {}, {}
    rows_by_code = {int(c): r for r, c in enumerate(values.codes)}
    for proposal in scenario.proposals:
        chosen = space.package(proposal.terms, where=f"proposals[{proposal.id}]")
        code = int(space.encode(chosen[None])[0])
        if code in rows_by_code:
            proposals[proposal.id] = summary(rows_by_code[code])
        else:  # infeasible or not sampled: still scored, and an infeasible one flagged
            own = score_packages(now, sub_compiled, sub_expected, space, chosen[None],
                                 quantile=quantile)
            proposals[proposal.id] = package_summary(space, own, 0, actors, chosen).model_copy(
                update={"infeasible": not bool(space.feasible(chosen[None])[0])})
        if proposal.id in near:
            found = nearest_acceptable(decoded, chosen, values, p_star=p_star)
            nearest[proposal.id] = {str(d): [_variant(summary(r), proposals[proposal.id])
                                             for r in rows] for d, rows in found.items()}
    agreement = summarise_agreement(eq, scenario)
    clock["answers"] = time.perf_counter() - t2
    clock["total"] = time.perf_counter() - t0
    named = {tuple(sorted(p.terms.items())): p.id for p in scenario.proposals}
    likely_package = None if likely.row is None else summary(likely.row)
    fewer = (f"; scored on the first {scored:,} of {draws:,} draws (packages x draws kept "
             f"under {PACKAGE_DRAWS:,}; the agreed packages use every draw)"
             if scored < draws else "")
    result = DealsResult(
        scenario=ScenarioMeta.of(scenario), seed=compiled.seed, draws=draws, start_month=start,
        start=month_label(scenario.as_of, start), p_star=p_star, actors=list(actors),
        belligerents=[actors[k] for k in parties],
        veto={a.id: a.veto for a in scenario.actors},
        space=Space(
            issues=dict(zip(space.issues, map(list, space.options), strict=True)),
            size=space.size, evaluated=len(values.codes),
            method="sampled" if sampled else "enumerated", draws=scored,
            note=(f"{feasible:,} feasible packages exceed the cap of {cap:,}: a fixed-seed "
                  f"sample of {cap:,} was scored against the equilibrium continuation "
                  "values; every answer is over those packages" if sampled else
                  "every feasible package was scored against the equilibrium "
                  "continuation values") + fewer),
        zone=Zone(size=len(zone), share=len(zone) / max(len(values.codes), 1),
                  size_common=len(zone_common),
                  share_common=len(zone_common) / max(len(values.codes), 1)),
        likely_settlement=None if likely_package is None else LikelySettlement(
            proposal=named.get(tuple(sorted(likely_package.changes.items()))),
            terms=likely_package.terms, p_all_veto_accept=likely_package.p_all_veto_accept,
            rule=LIKELY_RULE, plateau=_plateau(space, values, decoded, likely.row)),
        solutions={name: choice(c) for name, c in choices.items()},
        top=[summary(int(r)) for r in order], proposals=proposals, nearest=nearest,
        frontier=Frontier(parties=[actors[k] for k in parties], size=len(front),
                          packages=[summary(int(r)) for r in front[:_FRONTIER_LISTED]]),
        cloud=_cloud(space, values, decoded, actors, parties),
        agreed=Agreed(draws=eq.draws, months=eq.months,
                      p_signed=agreement.by_month[max(agreement.by_month)]
                      if agreement.by_month else {"p": 0.0, "se": 0.0},
                      packages=agreement.packages, zone_own=agreement.zone.own,
                      zone_common=agreement.zone.common),
        settings=Settings(dtype="float64", quantile=quantile),
        run={"wall_s": clock, "workers": workers})
    return result.with_per_draw({"values": values, "space": space, "equilibrium": eq})


def _first(expected: WarPaths, draws: int) -> Any:
    """The expected paths' arrays that scoring reads, on the first ``draws`` draws."""
    from types import SimpleNamespace

    return SimpleNamespace(control=expected.control[..., :draws],
                           area_km2=expected.area_km2[..., :draws])


def _sample(space: DealSpace, feasible: int, cap: int) -> np.ndarray:
    """A fixed-seed sample of ``cap`` of the ``feasible`` packages, in package order."""
    keep = np.sort(np.random.default_rng(0).choice(feasible, cap, replace=False))
    out, seen = [], 0
    for _, options in space.chunks(1 << 16):
        inside = keep[(keep >= seen) & (keep < seen + len(options))] - seen
        out.append(options[inside])
        seen += len(options)
    return np.concatenate(out) if out else np.zeros((0, len(space.issues)), dtype=np.int64)


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


def _variant(package: Package, proposal: Package) -> Variant:
    """A nearby package with what its changes buy against the proposal."""
    return Variant(
        **package.model_dump(),
        changed_from_proposal={k: v for k, v in package.terms.items()
                               if proposal.terms.get(k) != v},
        gain=Gain(p_all_veto_accept=package.p_all_veto_accept.p - proposal.p_all_veto_accept.p,
                  surplus={a: s - proposal.surplus.get(a, 0.0)
                           for a, s in package.surplus.items()}))
