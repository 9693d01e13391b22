"""NegMAS's own negotiators on our domain: the one module of ceasefire that imports NegMAS.

NegMAS (Mohammad et al. 2021) is an optional extra, ``pip install 'ceasefire[negmas]'``,
because it is licensed under the AGPL: nothing else in ceasefire imports it, and this
module imports it only inside its functions, with a message naming the extra when it is
missing.

The bridge builds a NegMAS outcome space (the issues, with the excluded combinations of
options as a constraint) and one table utility function per party from the domain's
*exact* utilities (no additive approximation), each with reservation value 0; then it
runs NegMAS's stacked alternating offers protocol (SAO) with its time-based concession
negotiators (Boulware, linear, conceder; Faratin, Sierra & Jennings 1998) and checks
that every agreement lies in our acceptance set.

In the negotiation each party's utility for an outcome its veto does not reach is floored
at its reservation value (``max(u, 0)``): SAO asks every negotiator to accept, but in our
model a party without a veto over those terms cannot stop them. With that floor the
outcomes every NegMAS negotiator finds at least as good as its reservation value are
exactly our acceptance set.

References
----------
Mohammad, Y., Nakadai, S. & Greenwald, A. (2021) NegMAS: a platform for automated
negotiations. In *PRIMA 2020: Principles and Practice of Multi-Agent Systems*, LNCS 12568,
343-351. doi:10.1007/978-3-030-69322-0_23
Faratin, P., Sierra, C. & Jennings, N. R. (1998) Negotiation decision functions for
autonomous agents. *Robotics and Autonomous Systems* 24(3-4), 159-182.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

    from ceasefire.interop.domain import Domain

__all__ = ["CURVES", "NegmasCheck", "NegmasRun", "acceptable_outcomes", "load_negmas_json",
           "negmas_check", "negmas_ufuns", "negotiate", "read_genius_with_negmas",
           "require_negmas"]

CURVES = ("boulware", "linear", "conceder")
"""NegMAS's time-based concession curves, by the names the CLI takes."""

_INSTALL = "pip install 'ceasefire[negmas]'"


def require_negmas() -> Any:
    """Import NegMAS, or fail with a message naming the extra to install."""
    try:
        import negmas
    except ImportError:
        raise InputError(
            f"NegMAS is not installed, and negotiating with NegMAS needs it; fix: {_INSTALL} "
            "(NegMAS is AGPL-licensed, so ceasefire does not install it by default)") from None
    return negmas


class _Allowed:
    """NegMAS outcome-space constraint: the outcome is one of the allowed packages."""

    def __init__(self, allowed: frozenset[tuple[str, ...]]) -> None:
        self.allowed = allowed

    def __call__(self, outcome: tuple[str, ...]) -> bool:
        return tuple(outcome) in self.allowed


def outcome_space(domain: Domain) -> Any:
    """The NegMAS outcome space of ``domain``: its issues, its exclusions as a constraint."""
    negmas = require_negmas()
    from negmas.outcomes import DiscreteCartesianOutcomeSpace

    issues = [negmas.make_issue(list(values), name=issue)
              for issue, values in zip(domain.issues, domain.options, strict=True)]
    return DiscreteCartesianOutcomeSpace(issues, name=domain.name,
                                         constraints=[_Allowed(frozenset(domain.labels()))])


def negmas_ufuns(domain: Domain, *, space: Any = None, parties: Sequence[str] | None = None,
                 veto_floor: bool = True) -> dict[str, Any]:
    """One NegMAS table utility function per party, reservation value 0.

    Parameters
    ----------
    domain
        The exported domain.
    space
        Its NegMAS outcome space (built when not given).
    parties
        The parties (default: those with a veto over some outcome).
    veto_floor
        Floor each party's utility at 0 on the outcomes its veto does not reach (see the
        module's docstring); False gives the exact table.
    """
    negmas = require_negmas()
    space = outcome_space(domain) if space is None else space
    labels = domain.labels()
    out = {}
    for party in parties or domain.veto_parties:
        column = domain.party(party)
        utility = domain.utility[:, column]
        if veto_floor:
            utility = np.where(domain.required[:, column], utility, np.maximum(utility, 0.0))
        out[party] = negmas.MappingUtilityFunction(
            dict(zip(labels, utility.tolist(), strict=True)), outcome_space=space,
            reserved_value=0.0, name=party)
    return out


def acceptable_outcomes(ufuns: Mapping[str, Any], space: Any) -> set[tuple[str, ...]]:
    """Outcomes of ``space`` every NegMAS utility function rates at least its reservation."""
    return {tuple(o) for o in space.enumerate()
            if all(u(o) >= u.reserved_value for u in ufuns.values())}


@dataclass(frozen=True)
class NegmasRun:
    """One SAO negotiation: who used which curve, the agreement (None: none), the steps."""

    strategies: dict[str, str]
    agreement: dict[str, str] | None
    steps: int
    in_zone: bool | None

    def to_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {"strategies": dict(self.strategies), "agreement": self.agreement,
                "steps": self.steps, "in_zone": self.in_zone}


def _negotiator(curve: str, name: str) -> Any:
    negmas = require_negmas()
    kinds = {"boulware": negmas.BoulwareTBNegotiator, "linear": negmas.LinearTBNegotiator,
             "conceder": negmas.ConcederTBNegotiator}
    if curve not in kinds:
        raise InputError(f"strategy {curve!r} for {name}: allowed: {', '.join(CURVES)}")
    return kinds[curve](name=name)


def negotiate(domain: Domain, strategies: Mapping[str, str], *, rounds: int = 100,
              space: Any = None, ufuns: Mapping[str, Any] | None = None,
              zone: set[tuple[str, ...]] | None = None) -> NegmasRun:
    """Run one NegMAS SAO negotiation of ``rounds`` steps among ``strategies``' parties.

    ``strategies`` maps each negotiating party to a curve of :data:`CURVES`.
    """
    negmas = require_negmas()
    if rounds < 1:
        raise InputError(f"rounds: got {rounds}; allowed: at least 1")
    space = outcome_space(domain) if space is None else space
    ufuns = ufuns or negmas_ufuns(domain, space=space, parties=list(strategies))
    mechanism = negmas.SAOMechanism(outcome_space=space, n_steps=rounds)
    for party, curve in strategies.items():
        mechanism.add(_negotiator(curve, party), ufun=ufuns[party])
    state = mechanism.run()
    agreement = None if state.agreement is None else tuple(state.agreement)
    zone = _zone(domain) if zone is None else zone
    return NegmasRun(strategies=dict(strategies),
                     agreement=None if agreement is None else dict(
                         zip(domain.issues, agreement, strict=True)),
                     steps=int(state.step),
                     in_zone=None if agreement is None else agreement in zone)


def _zone(domain: Domain) -> set[tuple[str, ...]]:
    """Our acceptance set, as NegMAS outcomes (tuples of option ids)."""
    return {label for label, ok in zip(domain.labels(), domain.acceptable, strict=True) if ok}


@dataclass(frozen=True)
class NegmasCheck:
    """NegMAS's negotiators against our acceptance set.

    ``same_zone``: the outcomes every NegMAS negotiator accepts (utility at least its
    reservation value) are exactly our acceptance set; ``runs``: each negotiation;
    ``passed``: the zones agree and every agreement lies in ours.
    """

    parties: tuple[str, ...]
    outcomes: int
    zone: int
    negmas_zone: int
    same_zone: bool
    runs: tuple[NegmasRun, ...]
    rounds: int
    wall_s: float

    @property
    def agreements(self) -> int:
        """Runs that reached an agreement."""
        return sum(r.agreement is not None for r in self.runs)

    @property
    def passed(self) -> bool:
        """Whether the zones agree and every agreement lies in our acceptance set."""
        return self.same_zone and all(r.in_zone is not False for r in self.runs)

    def to_dict(self) -> dict[str, Any]:
        """As plain data (for ``--json``)."""
        return {"parties": list(self.parties), "outcomes": self.outcomes, "zone": self.zone,
                "negmas_zone": self.negmas_zone, "same_zone": self.same_zone,
                "rounds": self.rounds, "agreements": self.agreements, "passed": self.passed,
                "wall_s": self.wall_s, "runs": [r.to_dict() for r in self.runs]}


def negmas_check(domain: Domain, *, rounds: int = 100, every_pairing: bool = False,
                 ) -> NegmasCheck:
    """Negotiate ``domain`` with NegMAS and compare with our acceptance set.

    The negotiators are the parties with a veto over some outcome. Each run gives every
    party one curve: by default all Boulware, all linear, all conceder (three runs);
    with ``every_pairing``, every assignment of the three curves (3 ** parties runs).
    """
    start = time.perf_counter()
    parties = domain.veto_parties
    if not parties:
        raise InputError(f"domain {domain.name!r}: no party holds a veto over any outcome, "
                         "so there is no one to negotiate")
    space = outcome_space(domain)
    ufuns = negmas_ufuns(domain, space=space, parties=parties)
    theirs = acceptable_outcomes(ufuns, space)
    ours = _zone(domain)
    assignments = (itertools.product(CURVES, repeat=len(parties)) if every_pairing
                   else ((curve,) * len(parties) for curve in CURVES))
    runs = tuple(negotiate(domain, dict(zip(parties, combo, strict=True)), rounds=rounds,
                           space=space, ufuns=ufuns, zone=ours) for combo in assignments)
    return NegmasCheck(parties=parties, outcomes=len(domain.outcomes), zone=len(ours),
                       negmas_zone=len(theirs), same_zone=theirs == ours, runs=runs,
                       rounds=rounds, wall_s=time.perf_counter() - start)


def load_negmas_json(path: str | Path) -> Any:
    """Read a ``negmas-json`` export into a NegMAS ``Scenario``.

    The export (:func:`ceasefire.interop.domain.negmas_json`) gives the outcome space and
    the exact table utility of every party, each with its reservation value.
    """
    import json

    negmas = require_negmas()
    from negmas.outcomes import DiscreteCartesianOutcomeSpace

    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
        issues = [negmas.make_issue(list(i["values"]), name=i["name"])
                  for i in document["issues"]]
        outcomes = [tuple(o) for o in document["outcomes"]]
        space = DiscreteCartesianOutcomeSpace(issues, name=document["name"],
                                              constraints=[_Allowed(frozenset(outcomes))])
        ufuns = tuple(negmas.MappingUtilityFunction(
            dict(zip(outcomes, p["utility"], strict=True)), outcome_space=space,
            reserved_value=p["reserved_value"], name=p["name"]) for p in document["parties"])
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"{path}: not a ceasefire negmas-json export ({error}); fix: write "
                         "it with `ceasefire export --format negmas-json`") from None
    return negmas.inout.Scenario(outcome_space=space, ufuns=ufuns, name=document["name"])


def read_genius_with_negmas(domain_file: str | Path, profiles: Sequence[str | Path],
                            outcomes: Sequence[tuple[str, ...]]) -> np.ndarray:
    """NegMAS's own reading of Genius files: ``[outcomes, profiles]`` utilities.

    An independent reader of what :func:`ceasefire.interop.genius.write_genius` writes.
    """
    negmas = require_negmas()
    scenario = negmas.inout.Scenario.from_genius_files(domain_file, list(profiles))
    if scenario is None:
        raise InputError(f"{domain_file}: NegMAS could not read this Genius domain")
    return np.array([[float(u(tuple(o))) for u in scenario.ufuns] for o in outcomes])
