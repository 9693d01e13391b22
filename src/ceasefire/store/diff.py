"""Compare two results figure by figure, and two runs' inputs.

A result document is flattened into figures at dotted paths
(``proposals.freeze.p_all_veto_accept.p``); lists of records with an ``id`` are keyed by
it, other lists by position. A number inside a record that carries ``se`` (an
:class:`~ceasefire.results.Estimate` ``{p, se}`` or a ``Difference`` ``{d, se}``) is
compared against its Monte Carlo error: the change is *beyond error* when
``|b - a| > z * sqrt(se_a² + se_b²)`` (``z = 2`` by default), otherwise *within error*.
Numbers without a standard error and texts are *changed* when they differ at all. The
top-level ``run`` key (wall times, paths, ids) is never compared: two runs of the same
inputs differ only there.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.store.store import RunRecord

__all__ = ["Change", "InputChange", "ResultDiff", "comparable", "diff_documents",
           "diff_runs", "figures"]

#: Envelope keys that are inputs (reported as such), not figures of the answer.
_ENVELOPE = ("schema_version", "kind", "ceasefire_version", "scenario", "seed", "draws", "run")
_INPUTS_LISTED = 20


@dataclass(frozen=True)
class Figure:
    """One leaf of a result: its value and, where the result gives one, its standard error."""

    value: Any
    se: float | None = None


@dataclass(frozen=True)
class Change:
    """A figure that differs between two results.

    ``status`` is ``beyond-error``, ``within-error`` (numbers with a standard error),
    ``changed`` (other numbers and texts), ``only-a`` or ``only-b``.
    """

    path: str
    a: Any
    b: Any
    status: str
    se: float | None = None
    z: float | None = None


@dataclass(frozen=True)
class InputChange:
    """An input that differs between two runs: ``scenario.hash``, ``options.draws``, ..."""

    name: str
    a: Any
    b: Any


@dataclass(frozen=True)
class ResultDiff:
    """The figure-by-figure comparison of two results, and the inputs that differ."""

    compared: int
    changes: list[Change]
    inputs: list[InputChange] = field(default_factory=list)
    z: float = 2.0

    @property
    def identical(self) -> bool:
        """No figure differs (inputs may: e.g. an option that does not touch the answer)."""
        return not self.changes

    def counts(self) -> dict[str, int]:
        """How many figures are equal and how many changed in each way."""
        out = {"equal": self.compared - len(self.changes)}
        for change in self.changes:
            out[change.status] = out.get(change.status, 0) + 1
        return out

    def ranked(self) -> list[Change]:
        """The changes, most telling first.

        Beyond error, then other changes (texts first), figures found in one result only,
        and last the changes within Monte Carlo error.
        """
        order = {"changed": 1, "beyond-error": 0, "only-a": 2, "only-b": 2, "within-error": 3}

        def key(c: Change) -> tuple[int, float]:
            size = abs(c.z) if c.z is not None else _size(c.a, c.b)
            return order[c.status], -size

        return sorted(self.changes, key=key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON document of the comparison."""
        return {"identical": self.identical, "compared": self.compared, "z": self.z,
                "counts": self.counts(), "inputs": [asdict(i) for i in self.inputs],
                "changes": [asdict(c) for c in self.ranked()]}


def comparable(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document without its run metadata (the part two equal runs share exactly)."""
    return {k: v for k, v in document.items() if k != "run"}


def figures(document: Any, prefix: str = "") -> dict[str, Figure]:
    """Flatten a result document into figures by dotted path (the envelope left out)."""
    if prefix == "" and isinstance(document, Mapping):
        document = {k: v for k, v in document.items() if k not in _ENVELOPE}
    return dict(_walk(document, prefix, None))


def _walk(node: Any, path: str, se: float | None) -> Iterator[tuple[str, Figure]]:
    if isinstance(node, Mapping):
        own = node.get("se")
        inner = float(own) if isinstance(own, int | float) and not isinstance(own, bool) \
            else se
        for key, value in node.items():
            if key == "se" and inner is not None and own is not None:
                continue
            yield from _walk(value, f"{path}.{key}" if path else str(key), inner)
    elif isinstance(node, list):
        keyed = (node and all(isinstance(v, Mapping) and isinstance(v.get("id"), str)
                              for v in node)
                 and len({v["id"] for v in node}) == len(node))
        for position, value in enumerate(node):
            step = value["id"] if keyed else f"[{position}]"
            yield from _walk(value, f"{path}.{step}" if keyed else f"{path}{step}", se)
    else:
        is_number = isinstance(node, int | float) and not isinstance(node, bool)
        yield path, Figure(node, se if is_number else None)


def diff_documents(a: Mapping[str, Any], b: Mapping[str, Any], *, z: float = 2.0,
                   ) -> ResultDiff:
    """Compare two result documents of the same kind figure by figure.

    Raises
    ------
    InputError
        When the documents are of different kinds.
    """
    if a.get("kind") != b.get("kind"):
        raise InputError(f"cannot compare a {a.get('kind')!r} result with a "
                         f"{b.get('kind')!r} result figure by figure; fix: compare two runs "
                         "of the same command")
    fa, fb = figures(a), figures(b)
    changes = []
    for path in fa.keys() | fb.keys():
        if path not in fb:
            changes.append(Change(path, fa[path].value, None, "only-a"))
        elif path not in fa:
            changes.append(Change(path, None, fb[path].value, "only-b"))
        else:
            change = _compare(path, fa[path], fb[path], z)
            if change is not None:
                changes.append(change)
    return ResultDiff(compared=len(fa.keys() | fb.keys()), changes=changes,
                      inputs=_envelope_inputs(a, b), z=z)


def _compare(path: str, a: Figure, b: Figure, z: float) -> Change | None:
    if a.value == b.value and type(a.value) is type(b.value):
        return None
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool)
                  for v in (a.value, b.value))
    if numbers and a.value == b.value:
        return None  # 1 and 1.0
    if numbers and a.se is not None and b.se is not None:
        se = math.hypot(a.se, b.se)
        delta = b.value - a.value
        score = delta / se if se > 0 else math.copysign(math.inf, delta)
        status = "beyond-error" if abs(delta) > z * se else "within-error"
        return Change(path, a.value, b.value, status, se=se,
                      z=score if math.isfinite(score) else None)
    return Change(path, a.value, b.value, "changed")


def _size(a: Any, b: Any) -> float:
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b)):
        return abs(b - a)
    return math.inf


def _envelope_inputs(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[InputChange]:
    out = []
    for key in ("ceasefire_version", "seed", "draws"):
        if a.get(key) != b.get(key):
            out.append(InputChange(key, a.get(key), b.get(key)))
    sa, sb = a.get("scenario") or {}, b.get("scenario") or {}
    for key in ("id", "hash"):
        if sa.get(key) != sb.get(key):
            out.append(InputChange(f"scenario.{key}", sa.get(key), sb.get(key)))
    return out


def diff_runs(a: RunRecord, b: RunRecord, *, z: float = 2.0) -> ResultDiff:
    """Compare two stored runs: their results figure by figure, and every input that differs.

    The inputs are the envelope (version, seed, draws, scenario id and hash), each option,
    and, when both scenarios are stored as text, the scenario's own fields that differ
    (``actors.RU.discount_factor``).
    """
    result = diff_documents(a.result, b.result, z=z)
    inputs = list(result.inputs)
    if a.command != b.command:
        inputs.insert(0, InputChange("command", a.command, b.command))
    for key in sorted(a.options.keys() | b.options.keys()):
        if key == "seed":
            continue  # the seed used is compared above (a drawn seed is recorded there)
        va, vb = a.options.get(key), b.options.get(key)
        if va != vb:
            inputs.append(InputChange(f"options.{key}", va, vb))
    if a.scenario_hash != b.scenario_hash:
        inputs.extend(_scenario_changes(a.scenario_text, b.scenario_text))
    return ResultDiff(compared=result.compared, changes=result.changes, inputs=inputs, z=z)


def _scenario_changes(text_a: str | None, text_b: str | None) -> list[InputChange]:
    """The scenario fields that differ (``scenario:`` prefix), or a note when unparsed."""
    if text_a is None or text_b is None:
        return [InputChange("scenario.text", "stored" if text_a else "not stored",
                            "stored" if text_b else "not stored")]
    da, db = _scenario_data(text_a), _scenario_data(text_b)
    if da is None or db is None:
        return [] if text_a == text_b else [InputChange("scenario.text", "differs", "differs")]
    fa, fb = figures(da), figures(db)
    changed = sorted(p for p in fa.keys() | fb.keys()
                     if p not in fa or p not in fb or fa[p].value != fb[p].value)
    out = [InputChange(f"scenario:{p}", fa[p].value if p in fa else None,
                       fb[p].value if p in fb else None) for p in changed[:_INPUTS_LISTED]]
    if len(changed) > _INPUTS_LISTED:
        out.append(InputChange("scenario:...", f"{len(changed) - _INPUTS_LISTED} more", ""))
    return out


def _scenario_data(text: str) -> dict[str, Any] | None:
    """A scenario's canonical content, or ``None`` for a text that is not a scenario."""
    from ceasefire.errors import CeasefireError
    from ceasefire.scenario import read_scenario_text, scenario_to_dict

    try:
        return scenario_to_dict(read_scenario_text(text))
    except CeasefireError:
        return None
