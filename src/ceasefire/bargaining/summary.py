"""Summarise an :class:`~ceasefire.bargaining.analysis.Analysis` as a typed result.

Each rule of the summary lives here once: a probability over draws and its standard
error (:mod:`ceasefire.results.stats`), who has a stake in a proposal, the bargaining
window (:meth:`~ceasefire.results.Window.of`), the likely settlement, the reasons behind
each proposal's score and the effect of each lever with its paired standard error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ceasefire.bargaining.agreement_summary import add_binding, summarise_agreement
from ceasefire.bargaining.analysis import Analysis
from ceasefire.evidence import weak_evidence
from ceasefire.results import (
    Agreement,
    AnalyzeResult,
    Effect,
    FitDifferences,
    FitNoise,
    LikelySettlement,
    LineQuestion,
    ProposalResult,
    ScenarioMeta,
    Solution,
    Window,
)
from ceasefire.results.analyze import (
    CHANGED,
    HalfLife,
    Leverage,
    Rubinstein,
    Shift,
    TimingEntry,
    WarValueParts,
    WeakEvidence,
)
from ceasefire.results.records import ShareSummary
from ceasefire.results.stats import bands, difference, estimate, summaries, summary

__all__ = ["LIKELY_RULE", "proposal_reasons", "stakes", "summarise"]

LIKELY_RULE = "highest P(all veto players accept) now, ties broken by the Nash product"


def stakes(a: Analysis) -> np.ndarray:
    """``[proposals, actors]``: a veto over the proposal, or a value it changes in some draw."""
    now = a.now
    return now.required | np.any(now.surplus != 0, axis=-1)


def summarise(a: Analysis) -> AnalyzeResult:
    """The typed result of an analysis (summaries only; arrays ride in ``per_draw``)."""
    s = a.scenario
    actors = [x.id for x in s.actors]
    belligerents = list(s.belligerents)
    months = [a.label(m) for m in range(len(a.timing))]
    stake = stakes(a)

    # the actors with a stake in each proposal, as (index, id)
    held = [[(k, x) for k, x in enumerate(actors) if stake[p, k]] for p in range(len(stake))]
    timing = {
        pid: {months[m]: TimingEntry(
            acceptance={x: estimate(pv.accept[p, k]) for k, x in held[p]},
            p_all_veto_accept=estimate(pv.all_accept[p]),
            gains_by_waiting={x: float(a.gains_by_waiting[m, p, k].mean()) for k, x in held[p]})
            for m, pv in enumerate(a.timing)}
        for p, pid in enumerate(a.proposals)}
    if a.equilibrium is not None:
        timing = add_binding(timing, a.equilibrium, s)
    now = a.now
    proposals = {
        pid: ProposalResult(
            name=s.proposal(pid).name, terms=dict(s.proposal(pid).terms),
            veto_players=[x for k, x in enumerate(actors) if now.required[p, k]],
            acceptance={x: estimate(now.accept[p, k]) for k, x in held[p]},
            p_all_veto_accept=estimate(now.all_accept[p]),
            surplus={x: summary(now.surplus[p, k]) for k, x in held[p]},
            margin={x: _finite_median(now.margin[p, k]) for k, x in held[p]},
            window=Window.of(months, [timing[pid][m].p_all_veto_accept for m in months]),
            reasons=proposal_reasons(a, p), control=_control_changes(a, pid))
        for p, pid in enumerate(a.proposals)}

    war = summaries(a.war_values.total)  # [start months, actors]
    control = summaries(a.realised.control[: a.horizon + 1], ShareSummary)
    gains = summaries(a.realised.gains_km2[: a.horizon])
    horizon = [a.label(t) for t in range(a.horizon + 1)]
    result = AnalyzeResult(
        scenario=ScenarioMeta.of(s), seed=a.seed, draws=a.draws, horizon_months=a.horizon,
        start_months=months, proposals=proposals, likely_settlement=_likely(a),
        timing=timing,
        war_value={x: {months[m]: war(m, k) for m in range(len(months))}
                   for k, x in enumerate(actors)},
        war_value_parts={x: WarValueParts(**{part: float(getattr(a.war_values, part)[0, k].mean())
                                             for part in ("territory", "casualties", "economy")})
                         for k, x in enumerate(actors)},
        control={r: {b: {horizon[t]: control(t, i, j) for t in range(a.horizon + 1)}
                     for j, b in enumerate(belligerents)}
                 for i, r in enumerate(a.realised.regions)},
        gains_km2={b: {horizon[t]: gains(t, j) for t in range(a.horizon)}
                   for j, b in enumerate(belligerents)},
        solutions={name: Solution(
            proposal=a.proposals[sol.index] if sol.index is not None else None,
            score=sol.score)
            for name, sol in a.solutions.items()
            if name in ("nash", "kalai-smorodinsky", "egalitarian")},
        blockers=list(a.solutions["blockers"]),
        line=_line(a) if a.line is not None else None,
        leverage=_leverage(a, actors),
        weak_evidence=[WeakEvidence(kind=w.kind, id=w.id, claims=[c.id for c in w.claims],
                                    unconfirmed_or_disputed=any(
                                        c.grade == "unconfirmed" or c.disputed
                                        for c in w.claims))
                       for w in weak_evidence(s)],
        **_beliefs(a),
        agreement=_agreement(a),
        negotiation=a.negotiation,
        run={"wall_s": {k: round(v, 4) for k, v in a.wall_s.items()}})
    return result.with_per_draw(_per_draw(a))


def _agreement(a: Analysis) -> Agreement | None:
    """The equilibrium's agreement forecast, with its spread across fits (``fits`` > 1)."""
    if a.equilibrium is None:
        return None
    agreement = summarise_agreement(a.equilibrium, a.scenario)
    if a.fit_curves is None:
        return agreement
    signed, force = a.fit_curves[:, 0], a.fit_curves[:, 1]  # [fits, months]
    months = signed.shape[1]
    at = [signed[:, min(m, months) - 1] for m in (12, 24)]

    def sd(x: np.ndarray) -> float:
        return float(np.std(x, ddof=1))

    return agreement.model_copy(update={"fit_noise": FitNoise(
        fits=len(signed), p_within_12=at[0].tolist(), p_within_24=at[1].tolist(),
        sd_within_12=sd(at[0]), sd_within_24=sd(at[1]),
        by_month_sd={a.label(t): sd(signed[:, t]) for t in range(months)},
        in_force_sd={a.label(t): sd(force[:, t]) for t in range(months)})})


def _beliefs(a: Analysis) -> dict[str, Any]:
    """Each belligerent's E[m], their gap and its half-life, months 0..horizon (MODELS 2.4)."""
    beliefs = a.realised.beliefs
    if beliefs is None:
        return {}
    months = [a.label(t) for t in range(a.horizon + 1)]
    expected = summaries(beliefs.expected_m[: a.horizon + 1])  # [months, belligerents]
    gap = summaries(beliefs.gap()[: a.horizon + 1])
    half = beliefs.half_life()
    halves = np.isfinite(half) & (half <= a.horizon)
    return {
        "beliefs": {b: {months[t]: expected(t, j) for t in range(len(months))}
                    for j, b in enumerate(beliefs.belligerents)},
        "belief_gap": {months[t]: gap(t) for t in range(len(months))},
        "belief_gap_half_life": HalfLife(
            months=summary(half[halves]) if halves.any() else None,
            p_halves=estimate(halves)),
    }


def _likely(a: Analysis) -> LikelySettlement | None:
    pid = a.likely_settlement()
    if pid is None:
        return None
    p = a.proposals.index(pid)
    return LikelySettlement(proposal=pid, terms=dict(a.scenario.proposal(pid).terms),
                            p_all_veto_accept=estimate(a.now.all_accept[p]), rule=LIKELY_RULE)


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
        margin = _finite_median(now.margin[p, k])
        verdict = (f"beats fighting on by {surplus:,.1f}" if surplus >= 0
                   else f"falls short of fighting on by {-surplus:,.1f}")
        reasons.append(
            f"{actor.id} accepts in {share:.0%} of draws: the deal {verdict} (median, in "
            f"{actor.id}'s value units, against its equilibrium continuation value) and must "
            f"clear {margin:,.1f} more to cover the audience cost of a failed ratification")
        gains = a.gains_by_waiting[:, p, k].mean(-1)
        best = int(np.argmax(gains))
        if best > 0 and gains[best] > 0:
            reasons.append(f"{actor.id} gains by waiting: signing in {a.label(best)} is worth "
                           f"{gains[best]:,.1f} more than signing now")
        elif share >= 0.5 and gains[1:].max(initial=-np.inf) < 0:
            reasons.append(f"{actor.id} loses by waiting: every later signing month is worth "
                           "less to it than signing now, so it has reason to settle early")
    return reasons


def _control_changes(a: Analysis, pid: str) -> dict[str, dict[str, float]]:
    """The regions a proposal changes, with each belligerent's mean share under it."""
    now = a.expected.control[0].mean(-1)  # [regions, belligerents]
    after = a.deal_control[pid]
    belligerents = list(a.scenario.belligerents)
    return {region: {b: float(after[k, j]) for j, b in enumerate(belligerents)}
            for k, region in enumerate(a.realised.regions)
            if np.max(np.abs(after[k] - now[k])) >= CHANGED}


def _finite_median(values: np.ndarray) -> float:
    """Median of the finite values (a margin is infinite where ratification cannot pass)."""
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else 0.0


def _finite_summary(values: np.ndarray) -> Any:
    values = values[np.isfinite(values)]
    return summary(values) if values.size else None


def _line(a: Analysis) -> LineQuestion:
    line = a.line
    split = line["split"]
    net = line["net"]  # [grid, (gainer, loser), draws]
    return LineQuestion(
        issue=line["issue"], gainer=line["gainer"], loser=line["loser"],
        modelled_area_km2=line["modelled_area_km2"],
        reference_area_km2=line["reference_area_km2"], named_lines=line["named"],
        p_zone_open=estimate(split.open),
        gainer_reservation=_finite_summary(split.low),
        loser_reservation=_finite_summary(split.high),
        p_gainer_accepts_some_line=estimate(np.isfinite(split.low)),
        p_loser_accepts_some_line=estimate(np.isfinite(split.high)),
        rubinstein=Rubinstein(gainer_first=_finite_summary(split.gainer_first[split.open]),
                              loser_first=_finite_summary(split.loser_first[split.open])),
        grid=[float(x) for x in line["grid"]],
        net_surplus={line["gainer"]: bands(net[:, 0]), line["loser"]: bands(net[:, 1])})


def _leverage(a: Analysis, actors: list[str]) -> Leverage:
    """Each factor's effect on the equilibrium: with its levers minus without, paired."""
    lev = a.leverage
    base = lev["base"]
    players = list(lev["players"])

    curves = lev.get("fit_curves")  # [fits, variants, 2]: with every lever, then each factor off
    factors = list(lev["factor_levers"])

    def effect(factor: str, off: dict[str, Any]) -> Effect:
        required = base["required"]  # [named, players]
        return Effect(
            levers=list(lev["factor_levers"][factor]),
            p_within_12=difference(base["within_12"], off["within_12"]),
            p_within_24=difference(base["within_24"], off["within_24"]),
            p_all_veto_accept={pid: difference(base["all_accept"][p], off["all_accept"][p])
                               for p, pid in enumerate(a.proposals)},
            acceptance={pid: {x: difference(base["accept"][p, j], off["accept"][p, j])
                              for j, x in enumerate(players) if required[p, j]}
                        for p, pid in enumerate(a.proposals)},
            continuation={x: _shift(base["continuation"][j], off["continuation"][j])
                          for j, x in enumerate(players) if x in actors},
            fit_differences=None if curves is None else FitDifferences.between(
                curves[:, 1 + factors.index(factor)], curves[:, 0]))

    levers = sum(len(ids) for ids in lev["factor_levers"].values())
    if base is None:
        return Leverage(draws=lev["draws"], factors={}, note=(
            "not computed: a what-if compares two runs instead, and a scenario without "
            "named proposals or levers has nothing to decompose"))
    return Leverage(
        draws=lev["draws"],
        note="effect of each factor's levers, switched off together: the bargaining "
             "equilibrium re-solved with them minus without them, on the first draws with "
             "the same seed (common random numbers); probabilities as differences with "
             "their paired standard errors, continuation values now in each party's "
             "war-cost annuities. The standard errors do not include the noise of "
             "each variant's own fit of the continuation values, which can exceed "
             "them several times (docs/model.md, section 7); analyze --fits K measures "
             "it (fit_differences). Factors only: re-solving "
             f"for each of the {levers} levers in turn does not fit the time budget",
        factors={f: effect(f, e) for f, e in lev["factors"].items()})


def _shift(with_: np.ndarray, without: np.ndarray) -> Shift:
    """Paired mean difference of a quantity on the same draws, in its own units."""
    diff = np.asarray(with_, dtype=float) - np.asarray(without, dtype=float)
    n = diff.shape[-1]
    return Shift(d=float(diff.mean()),
                 se=float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0)


def _per_draw(a: Analysis) -> Any:
    """The per-draw arrays with named axes and coordinates (an :class:`xarray.Dataset`)."""
    import xarray as xr

    s = a.scenario
    actors = [x.id for x in s.actors]
    months = [a.label(t) for t in range(a.horizon + 1)]
    starts = [a.label(m) for m in range(len(a.timing))]

    def stack(name: str) -> np.ndarray:
        return np.stack([getattr(pv, name) for pv in a.timing])

    return xr.Dataset(
        {"control": (("month", "region", "belligerent", "draw"),
                     a.realised.control[: a.horizon + 1]),
         "gains_km2": (("gain_month", "belligerent", "draw"), a.realised.gains_km2[: a.horizon]),
         "war_value": (("start", "actor", "draw"), a.war_values.total),
         "surplus": (("start", "proposal", "actor", "draw"), stack("surplus")),
         "accept": (("start", "proposal", "actor", "draw"), stack("accept")),
         "all_veto_accept": (("start", "proposal", "draw"), stack("all_accept")),
         "gains_by_waiting": (("start", "proposal", "actor", "draw"), a.gains_by_waiting)},
        coords={"month": months, "gain_month": months[: a.horizon],
                "region": list(a.realised.regions), "belligerent": list(s.belligerents),
                "start": starts, "actor": actors, "proposal": list(a.proposals),
                "draw": np.arange(a.draws)},
        attrs={"scenario": s.id, "seed": a.seed,
               "note": "per-draw arrays of analyze; values in each actor's value units"})
