"""Provenance: which claims support which parameters of a scenario.

A scenario stores evidence once, per field: each record's ``sources`` maps its field names
to claim ids (DESIGN.md section 9.3). Everything else here is derived from that, never
stored: the forward index (parameter -> claims), the reverse index (claim -> parameters)
and the claims behind a dotted path such as ``regions.kramatorsk-belt.control`` or
``actors.RU``. Parameter paths name records by id:

- ``actors.RU.discount_factor``, ``forces.RU.combat_power``, ``levers.<id>.effects``;
- ``regions.<id>.control``, ``regions.<id>.front.base_gain_km2``;
- ``issues.<id>.options.<option-id>.value``, ``proposals.<id>.terms``;
- ``stakeholders.dimensions.<id>.scale``, ``stakeholders.actors.<id>.salience``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ceasefire.errors import InputError
from ceasefire.scenario.model import Claim, Scenario, Sourced

__all__ = ["WEAK_GRADES", "WeakRecord", "claims_for", "evidence_index", "normalize_path",
           "parameter_index", "paths_related", "weak_evidence"]

WEAK_GRADES = ("unconfirmed", "modelling-assumption")
"""Grades of evidence that results resting on them are flagged for (DESIGN.md 9.15)."""

_COLLECTIONS = ("actors", "regions", "forces", "economy", "levers", "opinion", "issues",
                "proposals", "territorial_claims", "narrow_agreements")


def _records(scenario: Scenario) -> Iterator[tuple[str, Sourced]]:
    """Every record that can cite evidence, with its dotted path (ids, not positions)."""
    yield "bargaining", scenario.bargaining
    for name in _COLLECTIONS:
        for record in getattr(scenario, name):
            path = f"{name}.{record.id}"
            yield path, record
            if name == "regions" and record.front is not None:
                yield f"{path}.front", record.front
            if name == "issues":
                for option in record.options:
                    yield f"{path}.options.{option.id}", option
    if scenario.stakeholders is not None:
        for part in ("dimensions", "actors"):
            for record in getattr(scenario.stakeholders, part):
                yield f"stakeholders.{part}.{record.id}", record
    if scenario.beliefs is not None:
        yield "beliefs", scenario.beliefs
        for prior in scenario.beliefs.priors:
            yield f"beliefs.priors.{prior.id}", prior


def parameter_index(scenario: Scenario) -> dict[str, list[str]]:
    """Return the forward index: dotted parameter path -> claim ids, in file order.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    dict
        ``{"regions.east-valley.control": ["tutorial-front"], ...}``: one entry per key of
        every record's ``sources``.
    """
    index: dict[str, list[str]] = {}
    for path, record in _records(scenario):
        for field, claim_ids in record.sources.items():
            index.setdefault(f"{path}.{field}", []).extend(claim_ids)
    return index


def evidence_index(scenario: Scenario) -> dict[str, list[str]]:
    """Return the reverse index: claim id -> the parameter paths it supports.

    Derived from the records' ``sources`` each time, so it cannot drift from them. Every
    claim of the scenario's evidence is a key, in file order (a claim that supports
    nothing maps to an empty list).

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    dict
        ``{"tutorial-front": ["regions.east-valley.control", ...], ...}``.
    """
    index: dict[str, list[str]] = {claim.id: [] for claim in scenario.evidence}
    for path, claim_ids in parameter_index(scenario).items():
        for claim_id in claim_ids:
            paths = index.setdefault(claim_id, [])
            if path not in paths:
                paths.append(path)
    return index


def normalize_path(path: str) -> str:
    """Turn ``regions[kramatorsk-belt].control`` into ``regions.kramatorsk-belt.control``."""
    text = re.sub(r"\[([^\]]*)\]", r".\1", path.strip())
    return text.strip(".")


def paths_related(parameter: str, query: str) -> bool:
    """Whether one path lies on the other's branch (``a.b`` and ``a.b.c``, either way)."""
    return (parameter == query or parameter.startswith(query + ".")
            or query.startswith(parameter + "."))


def _known_paths(scenario: Scenario) -> tuple[set[str], set[str]]:
    """Return the paths of records (and collections) and the paths of their fields."""
    records: set[str] = {"stakeholders", "stakeholders.dimensions", "stakeholders.actors",
                         *_COLLECTIONS}
    fields: set[str] = set()
    for path, record in _records(scenario):
        records.add(path)
        fields.update(f"{path}.{field}" for field in type(record).model_fields
                      if field != "sources")
    return records, fields


def claims_for(scenario: Scenario, path: str | None = None) -> list[Claim]:
    """Return the claims behind a parameter, a record, or (with no path) the whole scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    path
        A dotted path such as ``regions.kramatorsk-belt.control``, ``actors.RU`` or
        ``regions[east-valley].front``; a record's path gathers the claims of all its
        fields, and a path below a cited field (``regions.east-valley.control.NO``) gets
        that field's claims. ``None`` or ``""`` gives every claim.

    Returns
    -------
    list of Claim
        In the order of the scenario's evidence; empty when the parameter cites nothing.

    Raises
    ------
    InputError
        When the path names nothing in the scenario.
    """
    if not path or not normalize_path(path):
        return list(scenario.evidence)
    query = normalize_path(path)
    records, fields = _known_paths(scenario)
    # A path below a field (``control.NO``) is fine: the field's claims cover it.
    if query not in records | fields and not any(query.startswith(f + ".") for f in fields):
        examples = ", ".join(sorted(p for p in records if p.count(".") == 1)[:3])
        raise InputError(
            f"{path!r} names no record or parameter of scenario {scenario.id!r}; "
            f"hint: write collection.ID[.field], e.g. {examples}"
        )
    wanted: set[str] = set()
    for parameter, claim_ids in parameter_index(scenario).items():
        if paths_related(parameter, query):
            wanted.update(claim_ids)
    return [claim for claim in scenario.evidence if claim.id in wanted]


class WeakRecord(NamedTuple):
    """A record that drives results and cites weak claims."""

    kind: str
    id: str
    claims: list[Claim]


def _entity_claims(scenario: Scenario) -> dict[tuple[str, str], set[str]]:
    """Claims cited by each record that drives results.

    Actors (with their forces, economy and opinion), regions (with their front), levers,
    and proposals (with their issues and chosen options).
    """
    index = parameter_index(scenario)
    out: dict[tuple[str, str], set[str]] = {}
    for path, claim_ids in index.items():
        collection, record = path.split(".")[:2]
        kind = {"forces": "actors", "economy": "actors", "opinion": "actors"}.get(
            collection, collection)
        if kind in ("actors", "regions", "levers", "proposals"):
            out.setdefault((kind, record), set()).update(claim_ids)
    for proposal in scenario.proposals:
        key = ("proposals", proposal.id)
        for issue_id, option_id in proposal.terms.items():
            for path, claim_ids in index.items():
                parts = path.split(".")
                if parts[:2] != ["issues", issue_id]:
                    continue
                # the issue's own fields and the chosen option's, not the other options'
                if parts[2] != "options" or parts[3] == option_id:
                    out.setdefault(key, set()).update(claim_ids)
    return out


def is_weak(claim: Claim) -> bool:
    """Whether results resting on ``claim`` are flagged: a weak grade, or disputed."""
    return claim.grade in WEAK_GRADES or claim.disputed


def weak_evidence(scenario: Scenario) -> list[WeakRecord]:
    """Records that rest on weak evidence, in scenario order (DESIGN.md section 9.15).

    ``kind`` is ``proposals``, ``levers``, ``regions`` or ``actors``; ``claims`` are the
    unconfirmed, modelling-assumption or disputed claims the record (or its terms) cites.
    """
    claims = {c.id: c for c in scenario.evidence}
    cited = _entity_claims(scenario)
    out = []
    for kind in ("proposals", "levers", "regions", "actors"):
        for record in getattr(scenario, kind):
            weak = [claims[c] for c in sorted(cited.get((kind, record.id), ()))
                    if c in claims and is_weak(claims[c])]
            if weak:
                out.append(WeakRecord(kind, record.id, weak))
    return out
