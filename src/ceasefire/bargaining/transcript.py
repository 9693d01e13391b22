"""Talks as they unfold: a recorded forward pass told month by month, and its batch figures.

The forward pass of the bargaining game (:func:`ceasefire.bargaining.equilibrium.play`
with ``record=True``) keeps, on every path, who proposed what, who refused and why, what
was ratified, the threats carried out and the war paths the talks were played on
(:class:`~ceasefire.bargaining.outcome.Talks`). This module reads them, and nothing
else: no continuation value is recomputed here.

- :func:`transcript` tells one path (a run) month by month;
- :func:`batch` summarises every run: the agreement forecast of
  :func:`~ceasefire.bargaining.agreement_summary.summarise_agreement` (the same rules, so
  with every party on the equilibrium strategy the figures are the core's forecast,
  exactly) and the concessions of each belligerent;
- :func:`compare` sets a strategy profile against the equilibrium on the same draws
  (paired differences, :func:`ceasefire.results.stats.difference`);
- :func:`typical_run` picks the run ``analyze`` shows.

References
----------
Rubinstein, A. (1982) Perfect equilibrium in a bargaining model. *Econometrica* 50(1):
97-109. doi:10.2307/1912531
Merlo, A. & Wilson, C. (1995) A stochastic model of sequential bargaining with complete
information. *Econometrica* 63(2): 371-399.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ceasefire.bargaining.agreement_summary import package_name, summarise_agreement
from ceasefire.bargaining.outcome import Equilibrium, Talks
from ceasefire.errors import InputError
from ceasefire.results.negotiation import (
    RESPONSE_REASONS,
    Batch,
    Battlefield,
    Comparison,
    Concession,
    GainChange,
    MonthRecord,
    Negotiation,
    Offer,
    RegionMove,
    Response,
    Transcript,
)
from ceasefire.results.stats import difference, summary
from ceasefire.scenario.model import month_label

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ceasefire.bargaining.narrow import NarrowOutcome
    from ceasefire.dynamics import WarPaths
    from ceasefire.scenario import Scenario
    from ceasefire.scenario.compile import CompiledScenario

__all__ = [
    "NEWS_KM2",
    "NEWS_POINTS",
    "batch",
    "compare",
    "gains_at_signing",
    "negotiation",
    "transcript",
    "typical_run",
]

NEWS_POINTS = 1.0
"""A region is battlefield news when its control moved by at least this many percentage
points in a month..."""
NEWS_KM2 = 25.0
"""... or by at least this many km² (a large region moves by few points)."""

TYPICAL_RULE = ("the first run whose signing month is the lower median signing month over "
                "the runs that sign; the first run without a deal when fewer than half "
                "the runs sign")
"""How :func:`typical_run` picks the run ``analyze`` shows."""


def typical_run(eq: Equilibrium) -> tuple[int, str]:
    """The run that ``analyze`` tells as its typical transcript, and the rule.

    When at least half the runs sign a deal within the window: the first run (lowest
    index) whose first signature falls in the lower median month of signing over the
    runs that sign. Otherwise the first run that signs nothing, since no deal is then the
    typical outcome.
    """
    signs = eq.signed >= 0
    if signs.mean() >= 0.5:
        ordered = np.sort(eq.signed[signs])
        median = int(ordered[(len(ordered) - 1) // 2])
        return int(np.flatnonzero(eq.signed == median)[0]), TYPICAL_RULE
    return int(np.flatnonzero(~signs)[0]), TYPICAL_RULE


def _talks(eq: Equilibrium) -> Talks:
    if eq.talks is None:
        raise InputError("the equilibrium was played without recording the talks; fix: "
                         "play(..., record=True)")
    return eq.talks


def _required(eq: Equilibrium, compiled: CompiledScenario, expected: WarPaths) -> np.ndarray:
    """``[candidates, players]`` whose veto applies to each candidate package."""
    return eq.now.required(compiled, expected, [dict(c.terms) for c in eq.candidates])


def gains_at_signing(eq: Equilibrium) -> np.ndarray:
    """``[players, draws]`` each player's gain from the first signed package when signed.

    r (V - X) - (1 - r_j) a_j at the month of the first signature, in units of the
    player's war-cost annuity; NaN on a run without a deal.
    """
    talks = _talks(eq)
    n = eq.draws
    signs = eq.signed >= 0
    month = np.maximum(eq.signed, 0)
    gain = talks.gain[month, :, np.arange(n)].T / eq.now.annuity  # [J, N]
    return np.where(signs[None], gain, np.nan)


def transcript(eq: Equilibrium, compiled: CompiledScenario, expected: WarPaths, draw: int,
               *, rule: str = "chosen with --draw") -> Transcript:
    """One run of the talks, month by month.

    Parameters
    ----------
    eq
        A forward pass played with ``record=True``.
    compiled, expected
        The draws it was played on and their noise-free paths (for whose veto applies
        to each package).
    draw
        The run told, 0-based.
    rule
        Why this run (recorded in the transcript).

    Returns
    -------
    Transcript
        Month by month: the battlefield news since the month before (regions whose
        control moved by at least :data:`NEWS_POINTS` points or :data:`NEWS_KM2` km²),
        each belligerent's expected m at the start of the month, the proposer and its
        offer, each asked veto player's answer with its binding reason and its gain in
        war-cost annuities, the threats carried out, ratification, signature or
        breakdown, a collapse and the narrow agreements signed and kept.
    """
    if not 0 <= draw < eq.draws:
        raise InputError(f"--draw {draw}: must be below the number of runs {eq.draws}; fix: "
                         f"pick a run from 0 to {eq.draws - 1}")
    s = compiled.scenario
    talks = _talks(eq)
    players = eq.players
    mediator = s.bargaining.mediator
    required = _required(eq, compiled, expected)
    annuity = eq.now.annuity[:, draw]
    paths = talks.paths
    beliefs = paths.beliefs
    expected_m = beliefs.expected_m[:, :, draw] if beliefs is not None else None
    narrow = eq.narrow
    n = draw

    def label(t: int) -> str:
        return month_label(s.as_of, t)

    months = []
    for t in range(eq.months):
        by = int(talks.proposer[t, n])
        offered = int(talks.offered[t, n])
        proposer = players[by] if by >= 0 else None
        offer, own, responses = None, None, {}
        if by >= 0 and offered >= 0:
            candidate = eq.candidates[offered]
            offer = Offer(package=candidate.id, name=package_name(candidate, s),
                          terms=dict(candidate.terms), searched=candidate.searched,
                          wording=_in_words(candidate.terms, s))
            own = float(talks.gain[t, by, n] / annuity[by])
            for j, player in enumerate(players):
                if j == by or not required[offered, j]:
                    continue
                gain = float(talks.gain[t, j, n] / annuity[j])
                refused = bool(talks.refused[t, j, n])
                code = int(talks.reason[t, j, n])
                responses[player] = Response(
                    accepts=not refused,
                    reason=RESPONSE_REASONS[code - 1] if refused else None,
                    gain=gain, threatened=not refused and gain < 0 and proposer == mediator)
        if by < 0:
            outcome = "deal-in-force"
        elif offered < 0:
            outcome = "no-offer"
        elif not talks.agreed[t, n]:
            outcome = "refused"
        elif not talks.ratified[t, n]:
            outcome = "ratification-failed"
        else:
            outcome = "signed"
        fired = int(talks.fired[t, n])
        months.append(MonthRecord(
            month=label(t), news=_news(paths, t, n),
            beliefs=({b: float(expected_m[t, k]) for k, b in enumerate(beliefs.belligerents)}
                     if expected_m is not None else {}),
            proposer=proposer, offer=offer, proposer_gain=own, responses=responses,
            threats=[talks.threats[fired]] if fired >= 0 else [], outcome=outcome,
            collapsed=bool(talks.collapsed[t, n]),
            narrow_signed=_narrow_ids(narrow, "events", t, n),
            narrow_kept=_narrow_ids(narrow, "kept", t, n)))
    signed = int(eq.signed[n])
    collapsed = int(eq.collapsed[n])
    return Transcript(
        draw=n, rule=rule,
        true_m=float(np.exp(beliefs.true_log_m[n])) if beliefs is not None else None,
        signed=label(signed) if signed >= 0 else None,
        package=eq.candidates[int(eq.package[n])].id if signed >= 0 else None,
        collapsed=label(collapsed) if collapsed >= 0 else None, months=months)


def _in_words(terms: Mapping[str, str], s: Scenario) -> list[str]:
    """``issue name: option name`` of each term off its issue's default, in issue order."""
    out = []
    for issue in s.issues:
        chosen = terms.get(issue.id, issue.default)
        if chosen != issue.default:
            option = next((o for o in issue.options if o.id == chosen), None)
            out.append(f"{issue.name}: {(option.name if option else '') or chosen}")
    return out


def _narrow_ids(narrow: NarrowOutcome | None, field: str, t: int, n: int) -> list[str]:
    if narrow is None or not narrow.agreements:
        return []
    hits = getattr(narrow, field)[:, t, n]
    return [a for a, hit in zip(narrow.agreements, hits, strict=True) if hit]


def _news(paths: WarPaths, t: int, n: int) -> Battlefield:
    """What changed on the battlefield during month ``t - 1`` (nothing before month 0)."""
    belligerents = paths.belligerents
    if t == 0:
        return Battlefield(gains_km2=dict.fromkeys(belligerents, 0.0), moves=[])
    change = paths.control[t, :, :, n] - paths.control[t - 1, :, :, n]  # [regions, B]
    gainer = change.argmax(axis=1)
    share = change[np.arange(len(gainer)), gainer]
    km2 = share * paths.area_km2[:, n]
    moved = (share > 0) & ((100 * share >= NEWS_POINTS) | (km2 >= NEWS_KM2))
    order = [int(r) for r in np.argsort(-km2, kind="stable") if moved[r]]
    return Battlefield(
        gains_km2={b: float(paths.gains_km2[t - 1, k, n]) for k, b in enumerate(belligerents)},
        moves=[RegionMove(region=paths.regions[r], gainer=belligerents[int(gainer[r])],
                          points=float(100 * share[r]), km2=float(km2[r])) for r in order])


def batch(eq: Equilibrium, scenario: Scenario) -> Batch:
    """The talks over every run (see :class:`~ceasefire.results.negotiation.Batch`).

    P(signed by month), P(in force), the agreed packages, the median month and P(a
    threat before a deal) are :func:`summarise_agreement`'s, the one place their rules
    live; the concessions are each belligerent's gain at signing and its share of the
    belligerents' summed gains (docs/negotiate.md).
    """
    agreement = summarise_agreement(eq, scenario)
    talks = _talks(eq)
    signs = eq.signed >= 0
    gains = gains_at_signing(eq)[:, signs]  # [J, signing runs]
    belligerent = [eq.players.index(b) for b in scenario.belligerents]
    summed = gains[belligerent].sum(axis=0)
    shared = (gains[belligerent] >= 0).all(axis=0) & (summed > 0)
    who = eq.proposer[signs]
    concessions = {}
    for b, j in zip(scenario.belligerents, belligerent, strict=True):
        q = eq.proposers.index(b) if b in eq.proposers else -1
        concessions[b] = Concession(
            gain=summary(gains[j]) if signs.any() else None,
            share=summary(gains[j, shared] / summed[shared]) if shared.any() else None,
            proposed=float((who == q).mean()) if signs.any() else 0.0)
    return Batch(
        runs=eq.draws, strategies=dict(zip(eq.players, talks.strategies, strict=True)),
        by_month=agreement.by_month, in_force=agreement.in_force,
        p_within_12=agreement.p_within_12, p_within_24=agreement.p_within_24,
        median_month=agreement.median_month, packages=agreement.packages,
        concessions=concessions, threats=agreement.threats,
        narrow_at_least_one_by=(agreement.narrow.at_least_one_by
                                if agreement.narrow is not None else None))


def compare(variant: Equilibrium, base: Equilibrium, scenario: Scenario) -> Comparison:
    """The strategy profile ``variant`` minus the equilibrium ``base``, draw by draw.

    Both must be forward passes of one fitted game on the same draws (the same
    candidates, the same uniforms): then every difference is paired and its standard
    error is the spread of the per-draw differences over the square root of the draws.
    """
    if variant.draws != base.draws or len(variant.candidates) != len(base.candidates):
        raise InputError("compare: the two runs must be played on the same draws and "
                         "candidates (one fitted game)")
    months = range(base.months)
    label = [month_label(scenario.as_of, t) for t in months]
    after, before = variant.signed_by(), base.signed_by()

    def by(index: int) -> int:
        return min(index, base.months) - 1

    packages = {}
    for k, candidate in enumerate(base.candidates):
        hit_v = (variant.signed >= 0) & (variant.package == k)
        hit_b = (base.signed >= 0) & (base.package == k)
        if hit_v.any() or hit_b.any():
            packages[candidate.id] = difference(hit_v, hit_b)
    gain_v = np.nan_to_num(gains_at_signing(variant))
    gain_b = np.nan_to_num(gains_at_signing(base))
    gain = {}
    for b in scenario.belligerents:
        j = base.players.index(b)
        diff = gain_v[j] - gain_b[j]
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        gain[b] = GainChange(d=float(diff.mean()), se=se)
    narrow = None
    if base.narrow is not None and base.narrow.agreements:
        one_v, one_b = variant.narrow.at_least_one_by(), base.narrow.at_least_one_by()
        narrow = {label[t]: difference(one_v[t], one_b[t]) for t in months}
    return Comparison(
        by_month={label[t]: difference(after[t], before[t]) for t in months},
        p_within_12=difference(after[by(12)], before[by(12)]),
        p_within_24=difference(after[by(24)], before[by(24)]),
        packages=packages, gain=gain, narrow_at_least_one_by=narrow)


def negotiation(eq: Equilibrium, compiled: CompiledScenario, expected: WarPaths,
                ) -> Negotiation:
    """``analyze``'s typical transcript (:func:`typical_run`) and the batch figures."""
    draw, rule = typical_run(eq)
    return Negotiation(transcript=transcript(eq, compiled, expected, draw, rule=rule),
                       batch=batch(eq, compiled.scenario))
