"""Cross-reference checks of a structurally valid scenario.

Pydantic checks each record on its own; these checks look across records: ids exist and
are unique, shares add up, proposals name real issues and options, lever effects point
at parameters that exist, and every claim of the evidence is cited. Each problem is a
``(loc, message, hint)`` triple whose ``loc`` is a path into the file's data.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from ceasefire.scenario.model import Issue, Regime, Scenario, Sourced
from ceasefire.scenario.values import Pert, point_value, support

__all__ = ["LEVER_TARGETS", "MAX_OPTIONS", "MAX_OPTIONS_PER_ISSUE", "check_scenario",
           "lever_paths", "lever_target"]

Loc = tuple[str | int, ...]
Found = tuple[Loc, str, str]

#: Collections whose numeric fields levers may change over time, keyed by id. An actor's
#: own fields (discount factor, weights) hold for the whole run, so no lever reaches them.
LEVER_TARGETS = ("forces", "economy", "opinion", "regions")

MAX_OPTIONS_PER_ISSUE = 101
"""Options an issue may have: enough for a line issue's x from 0 to 100 in steps of 1."""
MAX_OPTIONS = 500
"""Options of all issues together.

The deal space holds a column per option for every actor and draw, and evaluates each
class of packages against all of them: past a few hundred options it takes gigabytes and
minutes (500 options of one issue took 2.8 GiB), with no gain a negotiation can use."""


def check_scenario(scenario: Scenario, *, strict_evidence: bool = False) -> list[Found]:
    """Return every cross-reference problem of ``scenario`` (empty when it is consistent).

    ``strict_evidence`` also requires every number set in a record to cite a claim, the
    rule for built-in scenarios.
    """
    found: list[Found] = []
    for check in (_unique_ids, _actors, _regions, _records_of_actors, _levers, _issues,
                  _proposals, _bargaining, _territorial_claims, _narrow_agreements,
                  _stakeholders, _beliefs, _evidence):
        found.extend(check(scenario))
    if strict_evidence:
        found.extend(_numbers_cite_evidence(scenario))
    return found


def lever_target(scenario: Scenario, path: str) -> tuple[str, str, str] | None:
    """Resolve an effect path ``collection.ID.field`` (or ``regions.ID.front.field``).

    Returns ``(collection, id, field)`` or ``None`` when the path names nothing numeric.
    """
    parts = path.split(".")
    if len(parts) not in (3, 4, 5) or parts[0] not in LEVER_TARGETS:
        return None
    collection, record_id, *rest = parts
    record = next((r for r in getattr(scenario, collection) if r.id == record_id), None)
    if collection == "regions":
        if record is None or len(rest) not in (2, 3) or rest[0] != "front" or record.front is None:
            return None
        record, field = record.front, rest[-1]
        collection = "fronts"
        if len(rest) == 3:  # regions.ID.front.regime.FIELD: a regime's number
            if rest[1] != "regime" or record.regime is None:
                return None
            record, field = record.regime, f"regime.{field}"
            if rest[-1] not in type(record).model_fields or rest[-1] == "group":
                return None
            value = getattr(record, rest[-1])
            return None if isinstance(value, str) else (collection, record_id, field)
    elif len(rest) != 1 or record is None:
        return None
    else:
        field = rest[0]
    if field not in type(record).model_fields or field in ("id", "attacker"):
        return None
    value = getattr(record, field)
    if isinstance(value, (bool, str, list, dict, Regime)) or value is None:
        return None  # a regime is a record; its numbers are regions.ID.front.regime.FIELD
    return collection, record_id, field


def lever_paths(scenario: Scenario) -> list[str]:
    """Every path a lever effect may name in ``scenario`` (for hints and completion)."""
    out = []
    for collection in LEVER_TARGETS:
        for record in getattr(scenario, collection):
            if collection == "regions":
                if record.front is None:
                    continue
                prefix, fields = f"regions.{record.id}.front", type(record.front).model_fields
                if record.front.regime is not None:
                    out.extend(f"{prefix}.regime.{name}" for name in Regime.model_fields
                               if name not in ("start", "group"))
            else:
                prefix, fields = f"{collection}.{record.id}", type(record).model_fields
            out.extend(path for path in (f"{prefix}.{name}" for name in fields)
                       if lever_target(scenario, path) is not None)
    return out


# --- individual checks ----------------------------------------------------------------


def _duplicates(items: Iterable[Any], loc: Loc, kind: str) -> Iterator[Found]:
    items = list(items)
    counts = Counter(item.id for item in items)
    for index, item in enumerate(items):
        if counts[item.id] > 1:
            yield ((*loc, index, "id"), f"{kind} id {item.id!r} is used more than once",
                   "give each an id of its own")
            counts[item.id] = 0


def _unique_ids(s: Scenario) -> Iterator[Found]:
    for name in ("actors", "regions", "forces", "economy", "opinion", "levers", "issues",
                 "proposals", "evidence"):
        yield from _duplicates(getattr(s, name), (name,), name.rstrip("s"))
    yield from _duplicates(s.territorial_claims, ("territorial_claims",), "territorial claim")
    yield from _duplicates(s.narrow_agreements, ("narrow_agreements",), "narrow agreement")
    for i, issue in enumerate(s.issues):
        yield from _duplicates(issue.options, ("issues", i, "options"), "option")
    if s.stakeholders:
        yield from _duplicates(s.stakeholders.dimensions, ("stakeholders", "dimensions"),
                               "dimension")
        yield from _duplicates(s.stakeholders.actors, ("stakeholders", "actors"), "stakeholder")


def _unknown(ids: Iterable[str], known: set[str], loc: Loc, kind: str) -> Iterator[Found]:
    for key in ids:
        if key not in known:
            yield ((*loc, key), f"unknown {kind} {key!r}",
                   f"use one of: {', '.join(sorted(known)) or 'none declared'}")


def _actors(s: Scenario) -> Iterator[Found]:
    belligerents = set(s.belligerents)
    if len(belligerents) < 2:
        yield (("actors",), f"a scenario needs at least two belligerents, got {len(belligerents)}",
               "set role: belligerent on both parties to the war")
    for i, actor in enumerate(s.actors):
        if actor.side not in belligerents:
            yield (("actors", i, "side"), f"side {actor.side!r} is not a belligerent",
                   f"name the belligerent this actor backs: {', '.join(sorted(belligerents))}")
        elif actor.role == "belligerent" and actor.side != actor.id:
            yield (("actors", i, "side"), f"a belligerent backs itself, got side {actor.side!r}",
                   f"set side: {actor.id}")
    if s.actors and not any(a.veto == "all" for a in s.actors):
        # With nobody required to accept every package, P(all veto players accept) is 1
        # for any package and the solutions divide by an empty set (score = inf).
        yield (("actors",), "no actor holds a veto over every package (veto: all); the "
               "default is veto: none", "set veto: all on the parties that must sign, "
               f"usually the belligerents ({', '.join(sorted(belligerents)) or 'none'})")


def _regions(s: Scenario) -> Iterator[Found]:
    actors = {a.id for a in s.actors}
    belligerents = set(s.belligerents)
    for i, region in enumerate(s.regions):
        loc: Loc = ("regions", i)
        yield from _unknown(region.control, belligerents, (*loc, "control"), "belligerent")
        total = sum(point_value(v) for v in region.control.values())
        if total > 1 + 1e-9:
            yield ((*loc, "control"), f"control shares sum to {total:.3g}, more than 1",
                   "shares are fractions of the region; lower one of them")
        yield from _unknown(region.value, actors, (*loc, "value"), "actor")
        if region.front is not None and region.front.attacker not in belligerents:
            yield ((*loc, "front", "attacker"),
                   f"attacker {region.front.attacker!r} is not a belligerent",
                   f"use one of: {', '.join(sorted(belligerents))}")


def _records_of_actors(s: Scenario) -> Iterator[Found]:
    actors = {a.id for a in s.actors}
    for name in ("forces", "economy", "opinion"):
        for i, record in enumerate(getattr(s, name)):
            if record.id not in actors:
                yield ((name, i, "id"), f"unknown actor {record.id!r}",
                       f"{name} records are keyed by actor id: {', '.join(sorted(actors))}")
    belligerents = set(s.belligerents)
    have = {f.id for f in s.forces}
    for actor_id in sorted(belligerents - have) if s.forces else []:
        yield (("forces",), f"belligerent {actor_id!r} has no forces record",
               "add one with its combat power and losses")


def _levers(s: Scenario) -> Iterator[Found]:
    known: list[str] | None = None
    for i, lever in enumerate(s.levers):
        yield from _conditional_lever(s, i)
        for j, effect in enumerate(lever.effects):
            if lever_target(s, effect.path) is not None:
                continue
            loc: Loc = ("levers", i, "effects", j, "path")
            if effect.path.startswith("actors."):
                yield (loc, f"{effect.path!r}: an actor's own fields hold for the whole run, "
                       "so a lever cannot change them",
                       "change them with --set in a what-if, or make the lever act on "
                       "forces, economy, opinion or a region's front")
                continue
            known = lever_paths(s) if known is None else known
            close = difflib.get_close_matches(effect.path, known, n=3, cutoff=0.6)
            hint = (f"did you mean {', '.join(map(repr, close))}?" if close else
                    "write collection.ID.field, e.g. economy.RU.export_loss or "
                    "regions.kramatorsk-belt.front.supply (the record must exist)")
            yield (loc, f"{effect.path!r} names no numeric parameter a lever can change", hint)


def _conditional_lever(s: Scenario, i: int) -> Iterator[Found]:
    """A conditional threat (MODELS.md 2.6): against a belligerent, with a mediator, month 0."""
    lever = s.levers[i]
    if lever.against is None:
        return
    belligerents = s.belligerents
    if lever.against not in belligerents:
        yield (("levers", i, "against"), f"against {lever.against!r}, which is not a belligerent",
               "a conditional lever switches on when a belligerent refuses a mediator offer: "
               f"use one of {', '.join(belligerents)}, or remove `against`")
    if s.bargaining.mediator is None:
        yield (("levers", i, "against"), "a conditional lever (against) needs a mediator, and "
               "the scenario has none", "set bargaining.mediator to the actor that makes the "
               "threat, or remove `against` to make the lever unconditional")
    if lever.start_month != 0:
        yield (("levers", i, "start_month"), f"a conditional lever starts when its target "
               f"refuses a mediator offer, not at month {lever.start_month}",
               "remove start_month (it must be 0), or remove `against` for a lever that "
               "starts on a date")


def _issues(s: Scenario) -> Iterator[Found]:
    actors = {a.id for a in s.actors}
    regions = {r.id for r in s.regions}
    options_of = {issue.id: {o.id for o in issue.options} for issue in s.issues}
    total = sum(len(issue.options) for issue in s.issues)
    if total > MAX_OPTIONS:
        yield (("issues",), f"the issues have {total:,} options in all; at most {MAX_OPTIONS} "
               "are allowed, because the deal space keeps a column per option for every "
               "actor and draw", "merge options, or split the question into scenarios")
    belligerents = set(s.belligerents)
    for i, issue in enumerate(s.issues):
        loc: Loc = ("issues", i)
        if len(issue.options) > MAX_OPTIONS_PER_ISSUE:
            yield ((*loc, "options"), f"{len(issue.options):,} options; an issue may have at "
                   f"most {MAX_OPTIONS_PER_ISSUE} (enough for x from 0 to 100 in steps of 1)",
                   "keep the options a negotiation would tell apart")
        if issue.default not in options_of[issue.id]:
            yield ((*loc, "default"), f"default {issue.default!r} is not an option of this issue",
                   f"use one of: {', '.join(sorted(options_of[issue.id]))}")
        yield from _issue_kind(issue, loc, regions, actors, belligerents)
        for j, option in enumerate(issue.options):
            oloc = (*loc, "options", j)
            for field in ("value", "support", "control", "support_shift", "sovereignty_value"):
                yield from _unknown(getattr(option, field) or {}, actors, (*oloc, field), "actor")
            yield from _unknown(option.delivered_by, actors, (*oloc, "delivered_by"), "actor")
            yield from _unknown(option.constitutional, actors, (*oloc, "constitutional"),
                                "actor")
            for actor_id in option.sovereignty_value:
                if actor_id in option.value:
                    yield ((*oloc, "sovereignty_value", actor_id),
                           f"{actor_id} has both a value and a sovereignty_value for this "
                           "term; the sovereignty value replaces the value (nothing is "
                           "priced twice, MODELS.md 2.1)",
                           f"remove {actor_id} from value, or from sovereignty_value")
            for k, ex in enumerate(option.excludes):
                if ex.issue not in options_of or ex.option not in options_of[ex.issue]:
                    yield ((*oloc, "excludes", k),
                           f"excludes {ex.issue}={ex.option}, which is not an issue's option",
                           "name an existing issue and one of its options")


def _issue_kind(issue: Issue, loc: Loc, regions: set[str], actors: set[str],
                belligerents: set[str]) -> Iterator[Found]:
    if issue.kind == "territory":
        if issue.region not in regions:
            yield ((*loc, "region"),
                   f"territory issue needs an existing region, got {issue.region!r}",
                   f"use one of: {', '.join(sorted(regions))}")
        for j, option in enumerate(issue.options):
            if option.x is not None:
                yield ((*loc, "options", j, "x"), "x belongs to options of a line issue",
                       "give territorial options a control map, or none to keep the line")
    elif issue.kind == "line":
        if issue.line is None:
            yield ((*loc, "line"), "a line issue needs a line: block",
                   "give regions (in the order they pass), gainer, loser, reference_area_km2")
            return
        yield from _unknown(issue.line.regions, regions, (*loc, "line", "regions"), "region")
        line = issue.line
        yield from _unknown([line.gainer, line.loser], actors, (*loc, "line"), "actor")
        for role, who in (("gainer", line.gainer), ("loser", line.loser)):
            if who in actors and who not in belligerents:
                yield ((*loc, "line", role), f"{role} {who!r} is not a belligerent",
                       "the line moves territory between belligerents: use one of "
                       f"{', '.join(sorted(belligerents))}")
        if line.gainer == line.loser:
            yield ((*loc, "line", "loser"), f"gainer and loser are both {line.gainer!r}",
                   "the loser is the belligerent that gives up territory")
        for j, option in enumerate(issue.options):
            if option.x is None:
                yield ((*loc, "options", j, "x"), "every option of a line issue needs x",
                       "x is the share (0-100) of the loser's held area that passes")
    else:
        for j, option in enumerate(issue.options):
            if option.control is not None or option.x is not None:
                yield ((*loc, "options", j), "a term option cannot move territory",
                       "use an issue of kind territory or line for control")


def _proposals(s: Scenario) -> Iterator[Found]:
    options_of = {issue.id: issue for issue in s.issues}
    for i, proposal in enumerate(s.proposals):
        chosen: dict[str, str] = {}
        for issue_id, option_id in proposal.terms.items():
            loc: Loc = ("proposals", i, "terms", issue_id)
            issue = options_of.get(issue_id)
            if issue is None:
                yield (loc, f"unknown issue {issue_id!r}",
                       f"use one of: {', '.join(sorted(options_of)) or 'none declared'}")
            elif option_id not in {o.id for o in issue.options}:
                yield (loc, f"{option_id!r} is not an option of issue {issue_id!r}",
                       f"use one of: {', '.join(o.id for o in issue.options)}")
            else:
                chosen[issue_id] = option_id
        for issue in s.issues:
            chosen.setdefault(issue.id, issue.default)
        for issue_id, option_id in chosen.items():
            option = next((o for o in options_of[issue_id].options if o.id == option_id), None)
            if option is None:  # a default that is no option; _issues reports it
                continue
            for ex in option.excludes:
                if chosen.get(ex.issue) == ex.option:
                    yield (("proposals", i, "terms"),
                           f"{issue_id}={option_id} excludes {ex.issue}={ex.option}",
                           "change one of the two terms")


PROPOSER_TOLERANCE = 1e-6
"""How far the proposers' probabilities may sum from 1."""


def _bargaining(s: Scenario) -> Iterator[Found]:
    """Proposers, the mediator and its plan (MODELS.md 2.5)."""
    b = s.bargaining
    actors = {a.id for a in s.actors}
    belligerents = s.belligerents
    mediator = b.mediator
    if mediator is not None:
        if mediator not in actors:
            yield (("bargaining", "mediator"), f"unknown actor {mediator!r}",
                   f"name an actor that is not a belligerent: "
                   f"{', '.join(sorted(actors - set(belligerents))) or 'none declared'}")
            mediator = None
        elif mediator in belligerents:
            yield (("bargaining", "mediator"), f"{mediator!r} is a belligerent and cannot "
                   "mediate", "name a patron or third party, or leave the mediator out")
            mediator = None
    allowed = [*belligerents, *([mediator] if mediator else [])]
    for key in b.proposers:
        if key not in allowed:
            hint = f"proposers are the belligerents and the mediator: {', '.join(allowed)}"
            if key in actors and b.mediator is None:
                hint += f"; to let {key} propose, set bargaining.mediator: {key}"
            yield (("bargaining", "proposers", key), f"{key!r} cannot propose", hint)
    if b.proposers:
        total = sum(point_value(v) for v in b.proposers.values())
        if abs(total - 1) > PROPOSER_TOLERANCE:
            yield (("bargaining", "proposers"), f"the proposers' probabilities sum to "
                   f"{total:.6g}, not 1", "each is the chance that actor makes the month's "
                   "offer: scale them to sum to 1, or leave proposers out for equal chances")
    if b.mediator_plan is not None:
        proposals = {p.id for p in s.proposals}
        if b.mediator_plan not in proposals:
            yield (("bargaining", "mediator_plan"), f"unknown proposal {b.mediator_plan!r}",
                   f"use one of: {', '.join(sorted(proposals)) or 'none declared'}")
        if b.mediator is None:
            yield (("bargaining", "mediator_plan"), "a mediator plan needs a mediator",
                   "set bargaining.mediator to the actor that tables the plan, or remove "
                   "mediator_plan")


def _territorial_claims(s: Scenario) -> Iterator[Found]:
    """Claims that are not divisible (MODELS.md 2.1): a belligerent's, over known regions."""
    belligerents = s.belligerents
    regions = {r.id for r in s.regions}
    for i, claim in enumerate(s.territorial_claims):
        loc: Loc = ("territorial_claims", i)
        if claim.actor not in belligerents:
            yield ((*loc, "actor"), f"{claim.actor!r} is not a belligerent",
                   f"a claim is a belligerent's: use one of {', '.join(belligerents)}")
        for j, region_id in enumerate(claim.regions):
            if region_id not in regions:
                close = difflib.get_close_matches(region_id, sorted(regions), n=3, cutoff=0.6)
                hint = (f"did you mean {', '.join(map(repr, close))}?" if close else
                        f"use region ids: {', '.join(sorted(regions))}")
                yield ((*loc, "regions", j), f"unknown region {region_id!r}", hint)
        counts = Counter(claim.regions)
        for region_id, count in counts.items():
            if count > 1:
                yield ((*loc, "regions"), f"region {region_id!r} is listed {count} times",
                       "list each region once")


def _narrow_agreements(s: Scenario) -> Iterator[Found]:
    """Narrow agreements: valued by every belligerent, and by belligerents only."""
    belligerents = s.belligerents
    for i, agreement in enumerate(s.narrow_agreements):
        loc: Loc = ("narrow_agreements", i)
        for actor_id in agreement.value:
            if actor_id not in belligerents:
                yield ((*loc, "value", actor_id), f"{actor_id!r} is not a belligerent",
                       "a narrow agreement is signed by the belligerents alone: give values "
                       f"for {', '.join(belligerents)} only")
        missing = [b for b in belligerents if b not in agreement.value]
        if missing:
            yield ((*loc, "value"), f"no value for {', '.join(missing)}",
                   "every belligerent must accept, so each needs a value (0 if it is "
                   "indifferent, negative if it loses by the agreement)")
        if agreement.term == "one-off":
            given = {"hazard": support(agreement.hazard) != (0, 0),
                     "duration_months": agreement.duration_months is not None}
            for field in (f for f, set_ in given.items() if set_):
                yield ((*loc, field), f"a one-off agreement is carried out at signing, "
                       f"so it has no {field}",
                       f"remove {field}, or make the agreement term: flow")


def _stakeholders(s: Scenario) -> Iterator[Found]:
    if s.stakeholders is None:
        return
    dims = {d.id: d for d in s.stakeholders.dimensions}
    for k, dim in enumerate(s.stakeholders.dimensions):
        if not dim.scale.low < dim.scale.high:
            yield (("stakeholders", "dimensions", k, "scale"), "scale low must be below high",
                   "swap the two ends")
        elif not dim.scale.low <= dim.status_quo <= dim.scale.high:
            yield (("stakeholders", "dimensions", k, "status_quo"),
                   f"status quo {dim.status_quo:g} is off the scale "
                   f"[{dim.scale.low:g}, {dim.scale.high:g}]", "put it on the scale")
    actor_ids = {a.id for a in s.actors}
    for i, actor in enumerate(s.stakeholders.actors):
        loc: Loc = ("stakeholders", "actors", i)
        if actor.actor is not None and actor.actor not in actor_ids:
            yield ((*loc, "actor"), f"no actor with id {actor.actor!r}",
                   f"use one of {', '.join(sorted(actor_ids))}, or leave `actor` out")
        yield from _unknown(actor.positions, set(dims), (*loc, "positions"), "dimension")
        yield from _unknown(actor.salience, set(dims), (*loc, "salience"), "dimension")
        for dim_id, position in actor.positions.items():
            dim = dims.get(dim_id)
            if dim is not None and not dim.scale.low <= point_value(position) <= dim.scale.high:
                yield ((*loc, "positions", dim_id),
                       f"position {point_value(position):g} is off the scale "
                       f"[{dim.scale.low:g}, {dim.scale.high:g}]", "put it on the scale")


def _beliefs(s: Scenario) -> Iterator[Found]:
    """The beliefs section: an attacker with fronts, one prior per belligerent at most."""
    if s.beliefs is None:
        return
    belligerents = set(s.belligerents)
    attackers = {r.front.attacker for r in s.regions if r.front is not None}
    attacker = s.beliefs.attacker
    if attacker is not None and attacker not in attackers:
        known = ", ".join(sorted(attackers)) or "none (no region has a front)"
        yield (("beliefs", "attacker"),
               f"{attacker!r} attacks on no front, so it has no advance for m to scale",
               f"name a front's attacker: {known}")
    elif attacker is None and not attackers:
        yield (("beliefs",), "the scenario has beliefs about the advance but no front",
               "add a front to a region, or remove the beliefs section")
    yield from _duplicates(s.beliefs.priors, ("beliefs", "priors"), "prior")
    for i, prior in enumerate(s.beliefs.priors):
        if prior.id not in belligerents:
            yield (("beliefs", "priors", i, "id"),
                   f"prior of {prior.id!r}, which is not a belligerent",
                   f"priors are the belligerents': {', '.join(s.belligerents)}")


def _sourced(s: Scenario) -> Iterator[tuple[Loc, Any]]:
    """Every record that can cite evidence, with its location (the scenario's own too)."""
    yield (), s
    yield ("bargaining",), s.bargaining
    for name in ("actors", "regions", "forces", "economy", "levers", "opinion", "issues",
                 "proposals", "territorial_claims", "narrow_agreements"):
        for i, record in enumerate(getattr(s, name)):
            yield (name, i), record
            if name == "regions" and record.front is not None:
                yield (name, i, "front"), record.front
            if name == "issues":
                for j, option in enumerate(record.options):
                    yield (name, i, "options", j), option
    if s.stakeholders:
        for part in ("dimensions", "actors"):
            for i, record in enumerate(getattr(s.stakeholders, part)):
                yield ("stakeholders", part, i), record
    if s.beliefs is not None:
        yield ("beliefs",), s.beliefs
        for i, prior in enumerate(s.beliefs.priors):
            yield ("beliefs", "priors", i), prior


def _evidence(s: Scenario) -> Iterator[Found]:
    claims = {c.id for c in s.evidence}
    cited: set[str] = set()
    for loc, record in _sourced(s):
        fields = type(record).model_fields
        for key, ids in record.sources.items():
            if key.split(".")[0] not in fields or key in ("sources", "id"):
                yield ((*loc, "sources", key),
                       f"cites evidence for {key!r}, which is no field here",
                       f"use a field name: {', '.join(f for f in fields if f != 'sources')}")
            for claim_id in ids:
                cited.add(claim_id)
                if claim_id not in claims:
                    yield ((*loc, "sources", key), f"cites unknown claim {claim_id!r}",
                           "add the claim to evidence, or fix the id")
    for i, claim in enumerate(s.evidence):
        if claim.id not in cited:
            yield (("evidence", i), f"claim {claim.id!r} supports no parameter",
                   "cite it in a record's sources, or remove it")


_NOT_PARAMETERS = {"format_version", "as_of", "currency", "horizon_months", "actors",
                   "regions", "forces", "economy", "levers", "opinion", "issues", "proposals",
                   "stakeholders", "evidence", "bargaining", "territorial_claims",
                   "narrow_agreements",
                   "mediator", "mediator_plan", "against", "constitutional", "actor",
                   "id", "name", "description", "sources", "province", "role", "side", "veto",
                   "features", "kind", "default", "term", "status", "factor", "attacker",
                   "terms", "delivered_by", "demilitarised", "excludes", "region"}


def _has_number(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return False
    if isinstance(value, (int, float, Pert)) or (isinstance(value, BaseModel)
                                                 and hasattr(value, "dist")):
        return True
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_number(v) for v in value)
    if isinstance(value, BaseModel) and not isinstance(value, Sourced):
        return any(_has_number(getattr(value, f)) for f in value.model_fields_set)
    return False


def _numbers_cite_evidence(s: Scenario) -> Iterator[Found]:
    for loc, record in _sourced(s):
        cited = {key.split(".")[0] for key in record.sources}
        for field in sorted(record.model_fields_set - _NOT_PARAMETERS - cited):
            if _has_number(getattr(record, field)):
                yield ((*loc, field), f"{field} has no evidence",
                       f"cite a claim, sources: {{{field}: [claim-id]}}; a judgement is a claim "
                       "graded modelling-assumption")
