"""``explore_deals``: evaluate every package of a scenario's space and answer about it."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ceasefire.bargaining import valuation_context, veto_codes
from ceasefire.deals.beyond import frontier_packages
from ceasefire.deals.evaluate import SpaceValues, evaluate_options, evaluate_space
from ceasefire.deals.results import DealsResult
from ceasefire.deals.search import (
    Choice,
    frontier,
    likely_settlement,
    most_robust,
    nearest_acceptable,
    solve,
    zone_of_agreement,
)
from ceasefire.deals.space import DEFAULT_CAP, DealSpace, deal_space
from ceasefire.errors import InputError, ModelError
from ceasefire.scenario import Scenario, load_scenario

__all__ = ["explore_deals", "package_summary"]

_FRONTIER_LISTED = 200
"""Frontier packages listed in the summary at most (the size is always given)."""


def package_summary(space: DealSpace, values: SpaceValues, row: int,
                    actors: tuple[str, ...], options: np.ndarray) -> dict[str, Any]:
    """One package as plain data: terms by id, probabilities with standard errors."""
    p = values.p_accept[row]
    se = values.standard_error(p)
    counted = np.isfinite(p)
    p_all = float(values.p_all[row])
    summary = {
        "terms": space.terms(options),
        "changes": space.terms(options, changed_only=True),
        "p_all_veto_accept": {"p": p_all, "se": float(values.standard_error(p_all))},
        "acceptance": {a: {"p": float(p[k]), "se": float(se[k])} if counted[k]
                       else {"p": None, "se": None} for k, a in enumerate(actors)},
        "surplus": {a: float(values.mean_surplus[row, k]) for k, a in enumerate(actors)},
        "required": [a for k, a in enumerate(actors) if values.required[row, k]],
    }
    if values.robust is not None:
        summary["robust"] = _finite(values.robust[row])
    return summary


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None  # None: not computed (below 0) or no veto


def explore_deals(
    scenario: Scenario | str,
    *,
    draws: int = 2000,
    rng: int | np.random.Generator | None = None,
    start: int = 0,
    p_star: float = 0.5,
    top: int = 10,
    near: list[str] | None = None,
    cap: int = DEFAULT_CAP,
    dtype: type = np.float32,
    quantile: float = 0.1,
    workers: int = 1,
    every_actor: bool = False,
) -> DealsResult:
    """Evaluate every package of the scenario's declared space (DESIGN.md section 9.10).

    Parameters
    ----------
    scenario
        A Scenario, a built-in name or a YAML path.
    draws, rng
        Monte Carlo draws and root seed (recorded in the result).
    start
        Month the deal is signed (0 = the scenario's month).
    p_star
        Threshold of the zone of agreement (DESIGN.md section 9.7).
    top
        Packages listed by P(all veto players accept).
    near
        Proposal ids whose nearest acceptable variants are listed (default: all).
    cap
        Packages enumerated at most; past it, only the belligerents' Pareto frontier is
        searched (exactly) and evaluated, and the result says so (``space.method``).
    dtype
        ``numpy.float32`` (fast) or ``numpy.float64``.
    quantile
        Quantile of the robust score (the worst case over draws, 0.1 by default).
    workers
        Threads over chunks.
    every_actor
        Count the acceptance of actors without a veto too (default: only the veto
        players', which decide; every actor's expected surplus is always computed).
    """
    from ceasefire.analysis import month_label, scenario_meta
    from ceasefire.dynamics import simulate_war
    from ceasefire.scenario.compile import compile_scenario

    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    scenario = load_scenario(scenario)
    if not 0 < p_star <= 1:
        raise InputError(f"p_star: got {p_star}; allowed: a probability in (0, 1]; "
                         "fix: pass e.g. 0.5")
    if not 0 <= start <= 12:
        raise InputError(f"start month: got {start}; allowed: 0..12 (DESIGN.md 9.1); "
                         "fix: pass a month between 0 and 12")
    if not scenario.issues:
        raise ModelError(f"scenario {scenario.id!r} declares no issues, so it has no deal "
                         "space; fix: add issues with options to the scenario")
    space = deal_space(scenario)
    known = [p.id for p in scenario.proposals]
    near = known if near is None else list(near)
    unknown = [p for p in near if p not in known]
    if unknown:
        raise InputError(f"--near: unknown proposal {', '.join(map(repr, unknown))}; "
                         f"known proposals of {scenario.id}: {', '.join(known) or 'none'}; "
                         "fix: use one of these ids")
    searched = space.size > cap
    compiled = compile_scenario(scenario, draws=draws, rng=rng)
    paths = simulate_war(compiled, noise=False)
    context = valuation_context(compiled, paths, start)
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
    options = space.decode(values.codes)
    war_abs = np.abs(context.war_value).mean(axis=1)

    def summary(row: int) -> dict[str, Any]:
        return package_summary(space, values, row, actors, options[row])

    def choice(c: Choice) -> dict[str, Any]:
        return {"package": None if c.row is None else summary(c.row), "score": c.score,
                "blocking": list(c.blocking)}

    choices = solve(values, actors, parties, war_abs)
    choices["likely-settlement"] = likely_settlement(values, parties)
    choices["most-robust"] = most_robust(values)
    order = np.lexsort((values.codes, -values.all_count))[:top]
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
            proposals[proposal.id] = package_summary(space, own, 0, actors, chosen)
            proposals[proposal.id]["infeasible"] = True
        if proposal.id in near:
            found = nearest_acceptable(options, chosen, values, p_star=p_star)
            nearest[proposal.id] = {str(d): [_variant(summary(r), proposals[proposal.id])
                                             for r in rows] for d, rows in found.items()}
    clock["answers"] = time.perf_counter() - t2
    clock["total"] = time.perf_counter() - t0
    return DealsResult(
        scenario=scenario_meta(scenario), seed=compiled.seed, draws=draws, start_month=start,
        start=month_label(scenario.as_of, start), p_star=p_star, actors=actors,
        belligerents=tuple(actors[k] for k in parties),
        veto={a.id: a.veto for a in scenario.actors},
        space={"issues": dict(zip(space.issues, map(list, space.options), strict=True)),
               "size": space.size, "evaluated": len(values.codes),
               "method": "searched" if searched else "enumerated",
               "note": (f"{space.size:,} packages exceed the cap of {cap:,}: only the "
                        "belligerents' Pareto frontier of expected surpluses was searched "
                        "(exactly) and evaluated; every answer is over those packages")
               if searched else "every feasible package was evaluated"},
        zone={"size": len(zone), "share": len(zone) / max(len(values.codes), 1)},
        solutions={name: choice(c) for name, c in choices.items()},
        top=[summary(int(r)) for r in order], proposals=proposals, nearest=nearest,
        frontier={"parties": [actors[k] for k in parties], "size": len(front),
                  "packages": [summary(int(r)) for r in front[:_FRONTIER_LISTED]]},
        settings={"dtype": np.dtype(dtype).name, "quantile": quantile},
        run={"wall_s": clock, "workers": workers},
        values=values, space_object=space)


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


def _variant(summary: dict[str, Any], proposal: dict[str, Any]) -> dict[str, Any]:
    """A nearby package with what its changes buy against the proposal."""
    summary = dict(summary)
    summary["changed_from_proposal"] = {k: v for k, v in summary["terms"].items()
                                        if proposal["terms"].get(k) != v}
    summary["gain"] = {
        "p_all_veto_accept": summary["p_all_veto_accept"]["p"]
        - proposal["p_all_veto_accept"]["p"],
        "surplus": {a: s - proposal["surplus"][a] for a, s in summary["surplus"].items()},
    }
    return summary
