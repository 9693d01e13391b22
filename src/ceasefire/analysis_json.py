"""The JSON summary of an :class:`~ceasefire.analysis.Analysis` (DESIGN.md section 9.9).

Entities are keyed by id; every distribution over draws is ``{mean, p10, p50, p90}``;
probabilities carry their Monte Carlo standard error; run metadata sits under ``run``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.results import envelope, summary

if TYPE_CHECKING:
    from ceasefire.analysis import Analysis

__all__ = ["analysis_to_dict", "probability", "proposal_reasons"]


def probability(hits: np.ndarray) -> dict[str, float]:
    """A probability over draws with its Monte Carlo standard error."""
    p = float(np.mean(hits))
    return {"p": p, "se": float(np.sqrt(p * (1 - p) / max(hits.shape[-1], 1)))}


def _finite_summary(values: np.ndarray) -> dict[str, Any] | None:
    values = values[np.isfinite(values)]
    return summary(values) if values.size else None


def _summaries(values: np.ndarray):
    """Summaries of every series of ``values[..., draws]`` at once; index them by position.

    One vectorised percentile call instead of one per series; the numbers equal
    :func:`ceasefire.results.summary` of each series.
    """
    mean = values.mean(axis=-1)
    p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=-1)

    def at(*index: int) -> dict[str, float]:
        return {"mean": float(mean[index]), "p10": float(p10[index]),
                "p50": float(p50[index]), "p90": float(p90[index])}

    return at


def analysis_to_dict(a: Analysis) -> dict[str, Any]:
    """Summarise an analysis as one JSON-ready dict."""
    from ceasefire.analysis import scenario_meta

    s = a.scenario
    actors = [x.id for x in s.actors]
    belligerents = list(s.belligerents)
    doc = envelope("analyze", scenario=scenario_meta(s), seed=a.seed, draws=a.draws)
    doc["horizon_months"] = a.horizon
    doc["months"] = {"0": a.label(0), "start_months": [a.label(m) for m in range(len(a.timing))]}

    proposals: dict[str, Any] = {}
    for p, pid in enumerate(a.proposals):
        now = a.now
        proposal = s.proposal(pid)
        proposals[pid] = {
            "name": proposal.name,
            "terms": dict(proposal.terms),
            "acceptance": {x: float(now.accept[p, k].mean()) for k, x in enumerate(actors)},
            "acceptance_se": {x: probability(now.accept[p, k])["se"]
                              for k, x in enumerate(actors)},
            "p_all_veto_accept": float(now.all_accept[p].mean()),
            "p_all_veto_accept_se": probability(now.all_accept[p])["se"],
            "veto_players": [x for k, x in enumerate(actors) if now.required[p, k]],
            "surplus": {x: summary(now.surplus[p, k]) for k, x in enumerate(actors)},
            "margin": {x: float(now.margin[p, k].mean()) for k, x in enumerate(actors)},
            "window": _window(a, p),
            "reasons": proposal_reasons(a, p),
        }
    doc["proposals"] = proposals
    doc["likely_settlement"] = _likely(a)
    doc["timing"] = {
        pid: {a.label(m): {"acceptance": {x: float(pv.accept[p, k].mean())
                                          for k, x in enumerate(actors)},
                           "p_all_veto_accept": float(pv.all_accept[p].mean()),
                           "gains_by_waiting": {x: float(a.gains_by_waiting[m, p, k].mean())
                                                for k, x in enumerate(actors)}}
              for m, pv in enumerate(a.timing)}
        for p, pid in enumerate(a.proposals)
    }
    war = _summaries(a.war_values.total)  # [start months, actors]
    doc["war_value"] = {x: {a.label(m): war(m, k) for m in range(len(a.timing))}
                        for k, x in enumerate(actors)}
    doc["war_value_parts"] = {
        x: {part: float(getattr(a.war_values, part)[0, k].mean())
            for part in ("territory", "casualties", "economy")} for k, x in enumerate(actors)}
    months = range(a.horizon + 1)
    control = _summaries(a.realised.control[: a.horizon + 1])
    doc["control"] = {r: {b: {a.label(t): control(t, i, j) for t in months}
                          for j, b in enumerate(belligerents)}
                      for i, r in enumerate(a.realised.regions)}
    gains = _summaries(a.realised.gains_km2[: a.horizon])
    doc["gains_km2"] = {b: {a.label(t): gains(t, j) for t in range(a.horizon)}
                        for j, b in enumerate(belligerents)}
    doc["solutions"] = {
        name: {"proposal": (a.proposals[sol.index] if sol.index is not None else None),
               "score": sol.score}
        for name, sol in a.solutions.items() if name in ("nash", "kalai-smorodinsky",
                                                          "egalitarian")}
    doc["solutions"]["blocked_by"] = list(a.solutions["blockers"])
    if a.line is not None:
        doc["line"] = _line(a)
    doc["leverage"] = _leverage(a, actors)
    doc["run"] = {"wall_s": {k: round(v, 4) for k, v in a.wall_s.items()}}
    return doc


def _likely(a: Analysis) -> dict[str, Any] | None:
    pid = a.likely_settlement()
    if pid is None:
        return None
    p = a.proposals.index(pid)
    return {"proposal": pid, "p_all_veto_accept": float(a.now.all_accept[p].mean()),
            "rule": "highest P(all veto players accept) now, ties by the Nash product"}


def _window(a: Analysis, p: int, threshold: float = 0.5) -> dict[str, Any]:
    """When P(all veto players accept) first reaches p* and when it falls below again."""
    series = np.array([pv.all_accept[p].mean() for pv in a.timing])
    above = series >= threshold
    opens = int(np.argmax(above)) if above.any() else None
    closes = None
    if opens is not None and not above[opens:].all():
        closes = opens + int(np.argmin(above[opens:]))
    return {"p_star": threshold, "opens": a.label(opens) if opens is not None else None,
            "closes": a.label(closes) if closes is not None else None,
            "best_month": a.label(int(np.argmax(series))),
            "best_p_all_veto_accept": float(series.max())}


def proposal_reasons(a: Analysis, p: int) -> list[str]:
    """Plain-language reasons behind a proposal's score (who blocks, why, who waits)."""
    s = a.scenario
    now = a.now
    reasons = []
    for k, actor in enumerate(s.actors):
        if not now.required[p, k]:
            continue
        share = now.accept[p, k].mean()
        surplus = float(np.median(now.surplus[p, k]))
        margin = float(np.median(now.margin[p, k]))
        reasons.append(
            f"{actor.id} accepts in {share:.0%} of draws: the deal beats fighting on by "
            f"{surplus:+.1f} (median, in {actor.id}'s value units) and must clear a "
            f"ratification margin of {margin:.1f}")
        gains = a.gains_by_waiting[:, p, k].mean(-1)
        best = int(np.argmax(gains))
        if best > 0 and gains[best] > 0:
            reasons.append(f"{actor.id} gains by waiting: signing in {a.label(best)} is worth "
                           f"{gains[best]:+.1f} more than signing now")
        elif share >= 0.5 and gains[1:].max(initial=-np.inf) < 0:
            reasons.append(f"{actor.id} loses by waiting: every later signing month is worth "
                           "less to it than signing now, so it has reason to settle early")
    return reasons


def _line(a: Analysis) -> dict[str, Any]:
    line = a.line
    split = line["split"]
    return {
        "issue": line["issue"],
        "gainer": line["gainer"],
        "loser": line["loser"],
        "named_lines": line["named"],
        "p_zone_open": probability(split.open),
        "gainer_reservation": _finite_summary(split.low),
        "loser_reservation": _finite_summary(split.high),
        "p_gainer_accepts_some_line": float(np.isfinite(split.low).mean()),
        "p_loser_accepts_some_line": float(np.isfinite(split.high).mean()),
        "rubinstein": {"gainer_first": _finite_summary(split.gainer_first),
                       "loser_first": _finite_summary(split.loser_first)},
    }


def _leverage(a: Analysis, actors: list[str]) -> dict[str, Any]:
    lev = a.leverage

    def effect(e: dict[str, np.ndarray]) -> dict[str, Any]:
        return {
            "war_value": {x: float(e["war_value"][k]) for k, x in enumerate(actors)},
            "acceptance": {pid: {x: float(e["acceptance"][p, k]) for k, x in enumerate(actors)}
                           for p, pid in enumerate(a.proposals)},
            "p_all_veto_accept": {pid: float(e["p_all_veto_accept"][p])
                                  for p, pid in enumerate(a.proposals)},
        }

    return {
        "draws": lev["draws"],
        "note": "effect of each lever (factor): with it minus without it, common random "
                "numbers, on the first draws",
        "levers": {lid: effect(e) for lid, e in lev["levers"].items()},
        "factors": {f: effect(e) for f, e in lev["factors"].items()},
    }
