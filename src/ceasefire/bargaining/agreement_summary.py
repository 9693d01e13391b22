"""Summarise the month-by-month solver's :class:`~ceasefire.bargaining.outcome.Equilibrium`.

The rules behind ``analyze``'s ``agreement`` and each timing entry's ``binding`` and
``refusals`` (MODELS.md 2.7, DESIGN.md 9.20), each in one place: probabilities over the
forward paths with their binomial standard errors, the plateau by paired differences
(:mod:`ceasefire.results.stats`), medians as the lower median (the first month by whose end
half the signing paths have signed), and a refusal's binding reason as the modal reason
among the draws where the party refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.bargaining.outcome import REASONS, Candidate, Equilibrium
from ceasefire.results.agreement import (
    REFUSAL_REASONS,
    AgreedPackage,
    Agreement,
    Narrow,
    NarrowAgreed,
    Zone,
)
from ceasefire.results.analyze import TimingEntry
from ceasefire.results.stats import difference, estimate, summary
from ceasefire.scenario.model import month_label

if TYPE_CHECKING:
    from ceasefire.scenario import Scenario

__all__ = [
    "BINDING_SHARE",
    "MEDIAN_MIN_SHARE",
    "PLATEAU_SE",
    "START_MONTHS",
    "add_binding",
    "binding_entries",
    "package_name",
    "summarise_agreement",
]

MEDIAN_MIN_SHARE = 0.01
"""Below this share of signing paths, the median month of signing is not reported."""
PLATEAU_SE = 2.0
"""A package is on the plateau when its gap to the most likely one is within this many
paired standard errors."""
BINDING_SHARE = 0.5
"""A party whose refusals exceed this share of the draws has a binding reason."""
START_MONTHS = 13
"""Start months 0..12 of the named proposals' acceptance (``Equilibrium.accept``)."""


def summarise_agreement(eq: Equilibrium, scenario: Scenario) -> Agreement:
    """The typed ``agreement`` of an equilibrium's forward paths.

    Parameters
    ----------
    eq
        The solver's output; ``eq.months`` is the reporting window.
    scenario
        The scenario it was solved on (month labels, proposal and issue names).

    Returns
    -------
    Agreement
        Cumulative P(signed by month) and P(in force) with binomial standard errors, the
        agreed packages (most likely first), their plateau, the zone on own and common
        beliefs and P(a conditional lever fired before a deal).
    """
    label = _labeller(scenario)
    months = eq.months
    signed_by = eq.signed_by()  # [months, draws]
    in_force = eq.in_force()
    signs = eq.signed >= 0

    def by(index: int) -> Any:
        return estimate(signed_by[min(index, months) - 1])

    median = None
    if signs.any() and signs.mean() >= MEDIAN_MIN_SHARE:
        median = label(_lower_median(eq.signed[signs]))

    packages, hits = _packages(eq, scenario, label)
    plateau = _plateau(packages, hits)
    named = {c.id: c for c in eq.candidates}
    zone = Zone(
        own={c.id: estimate(eq.zone_own[k]) for k, c in enumerate(eq.candidates)},
        common={c.id: estimate(eq.zone_common[k]) for k, c in enumerate(eq.candidates)},
        p_any_own=estimate(np.asarray(eq.zone_own, dtype=bool).any(axis=0)),
        p_any_common=estimate(np.asarray(eq.zone_common, dtype=bool).any(axis=0)))
    return Agreement(
        months=months, solver_horizon=eq.solver_horizon, fitting_paths=eq.fitting_paths,
        candidates=len(eq.candidates),
        by_month={label(t): estimate(signed_by[t]) for t in range(months)},
        in_force={label(t): estimate(in_force[t]) for t in range(months)},
        p_within_12=by(12), p_within_24=by(24), median_month=median,
        packages=packages, plateau=plateau,
        plateau_shares=_shared([named[pid].terms for pid in plateau]),
        zone=zone, threats=estimate(eq.threats > 0),
        continuation={player: {label(t): summary(eq.continuation[t, j]) for t in range(months)}
                      for j, player in enumerate(eq.players)},
        narrow=_narrow(eq.narrow, label))


def _narrow(outcome: Any, label: Any) -> Narrow | None:
    """The narrow agreements' figures, or None when the scenario declares none."""
    if outcome is None or not outcome.agreements:
        return None
    first = outcome.signed_by()  # [K, months, draws]
    months = range(outcome.months)
    return Narrow(
        at_least_one_by={label(t): estimate(outcome.at_least_one_by()[t]) for t in months},
        agreements={a: NarrowAgreed(
            accepted=estimate(outcome.accepted[k]),
            by_month={label(t): estimate(first[k, t]) for t in months},
            in_force={label(t): estimate(outcome.kept[k, t]) for t in months})
            for k, a in enumerate(outcome.agreements)},
        hazard_factor={label(t): summary(outcome.hazard_factor[t]) for t in months})


def binding_entries(eq: Equilibrium, scenario: Scenario,
                    ) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """Who refuses each named proposal in each start month 0..12, and why.

    Returns
    -------
    dict
        ``{proposal id: {YYYY-MM: {"binding": {...}, "refusals": {...}}}}``, ready to
        update a :class:`~ceasefire.results.analyze.TimingEntry` (see :func:`add_binding`):
        ``binding`` maps each veto player that refuses in more than half the draws to the
        modal reason among its refusing draws (ties: the reason listed first, belief,
        ratification, claim, value); ``refusals`` maps each player that refuses in some
        draw to the share of all draws in which it refuses for each reason.
    """
    label = _labeller(scenario)
    named, starts = eq.accept.shape[:2]
    draws = eq.draws
    out: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for n in range(named):
        per_month = {}
        for m in range(starts):
            binding: dict[str, str] = {}
            refusals: dict[str, dict[str, float]] = {}
            for j, player in enumerate(eq.players):
                refuse = ~eq.accept[n, m, j].astype(bool)
                if not refuse.any():
                    continue
                counts = np.bincount(eq.reasons[n, m, j][refuse].astype(np.int64),
                                     minlength=len(REASONS))[1:len(REASONS)]
                refusals[player] = {reason: float(c / draws)
                                    for reason, c in zip(REFUSAL_REASONS, counts, strict=True)}
                if eq.required[n, j] and refuse.mean() > BINDING_SHARE and counts.any():
                    binding[player] = REFUSAL_REASONS[int(np.argmax(counts))]
            per_month[label(m)] = {"binding": binding, "refusals": refusals}
        out[eq.candidates[n].id] = per_month
    return out


def add_binding(timing: dict[str, dict[str, TimingEntry]], eq: Equilibrium,
                scenario: Scenario) -> dict[str, dict[str, TimingEntry]]:
    """``timing`` with each entry's ``binding`` and ``refusals`` filled from ``eq``.

    Entries the equilibrium does not cover (a proposal or month it lacks) are kept as
    they are.
    """
    entries = binding_entries(eq, scenario)
    return {pid: {month: (TimingEntry.model_validate({**entry.model_dump(),
                                                       **entries[pid][month]})
                          if month in entries.get(pid, {}) else entry)
                  for month, entry in series.items()}
            for pid, series in timing.items()}


def package_name(candidate: Candidate, scenario: Scenario) -> str:
    """A readable name: a named proposal's own; a searched package's non-default terms.

    E.g. ``"donetsk-line: all-donetsk; security-guarantees: us-backed"`` (issues in the
    scenario's order; ``"every issue at its default"`` when none differs).
    """
    if not candidate.searched:
        names = {p.id: p.name for p in scenario.proposals}
        if candidate.id in names:
            return names[candidate.id]
    defaults = {issue.id: issue.default for issue in scenario.issues}
    order = {issue.id: k for k, issue in enumerate(scenario.issues)}
    changed = [(issue, option) for issue, option in candidate.terms.items()
               if defaults.get(issue) != option]
    changed.sort(key=lambda term: (order.get(term[0], len(order)), term[0]))
    return "; ".join(f"{issue}: {option}" for issue, option in changed) or (
        "every issue at its default")


# --- helpers ------------------------------------------------------------------------------


def _labeller(scenario: Scenario) -> Any:
    as_of = scenario.as_of

    def label(month: int) -> str:
        return month_label(as_of, int(month))

    return label


def _lower_median(values: np.ndarray) -> int:
    """The lower median of integers: the first value by which half of them are reached."""
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    return int(ordered[(len(ordered) - 1) // 2])


def _packages(eq: Equilibrium, scenario: Scenario, label: Any,
              ) -> tuple[list[AgreedPackage], dict[str, np.ndarray]]:
    """The agreed packages, most likely first, and each one's per-draw indicator."""
    signs = eq.signed >= 0
    found = []
    for k, candidate in enumerate(eq.candidates):
        hit = signs & (eq.package == k)
        if hit.any():
            found.append((-int(hit.sum()), k, candidate, hit))
    found.sort(key=lambda item: item[:2])
    packages, hits = [], {}
    for _, _, candidate, hit in found:
        who = np.bincount(eq.proposer[hit].astype(np.int64), minlength=len(eq.proposers))
        packages.append(AgreedPackage(
            id=candidate.id, name=package_name(candidate, scenario),
            terms=dict(candidate.terms), searched=candidate.searched, p=estimate(hit),
            median_month=label(_lower_median(eq.signed[hit])),
            proposers={actor: float(who[i] / hit.sum())
                       for i, actor in enumerate(eq.proposers) if who[i]}))
        hits[candidate.id] = hit
    return packages, hits


def _plateau(packages: list[AgreedPackage], hits: dict[str, np.ndarray]) -> list[str]:
    """The agreed packages within :data:`PLATEAU_SE` paired standard errors of the first."""
    if not packages:
        return []
    top = hits[packages[0].id]
    plateau = [packages[0].id]
    for package in packages[1:]:
        gap = difference(top, hits[package.id])
        if gap.d <= PLATEAU_SE * gap.se:
            plateau.append(package.id)
    return plateau


def _shared(terms: list[Any]) -> dict[str, str]:
    """Issue -> option common to every package of ``terms`` (none: an empty map)."""
    if not terms:
        return {}
    first = dict(terms[0])
    return {issue: option for issue, option in first.items()
            if all(t.get(issue) == option for t in terms[1:])}
