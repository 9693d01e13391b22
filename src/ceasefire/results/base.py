"""The protocol every result follows: one envelope, JSON both ways, tables, short reprs.

Every result (``analyze``, ``whatif``, ``deals``, ``forecast``, ``calibrate``, ...) is a
frozen pydantic model with ``kind``, the scenario's ``{id, as_of, hash}``, ``seed`` and
``draws`` (DESIGN.md section 9.9). :meth:`Result.to_dict` is the ``--json`` document and
:meth:`Result.from_dict` reads it back exactly; :meth:`Result.to_frame` gives tidy pandas
tables; the JSON Schema is generated from the type (:mod:`ceasefire.results.schema`).
Run metadata (wall times, paths, workers) lives only under ``run``, so two runs with the
same seed differ only there. Per-draw arrays, where an engine keeps them, ride along as a
labelled :class:`xarray.Dataset` in :attr:`Result.per_draw`; they are not serialised.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from ceasefire import __version__
from ceasefire.errors import InputError
from ceasefire.results.records import Record

if TYPE_CHECKING:
    import pandas as pd

    from ceasefire.scenario import Scenario

__all__ = ["OLDEST_SCHEMA_VERSION", "SCHEMA_VERSION", "Result", "ScenarioMeta", "content_hash",
           "rows"]

SCHEMA_VERSION = 6
"""Bumped whenever the shape of a result document changes (DESIGN.md section 9.20).

5: ``analyze`` gained the optional ``negotiation`` and ``sensitivity`` parts (and
``agreement.narrow``); the kinds ``negotiate``, ``sweep`` and ``sensitivity`` appeared.
6: ``analyze`` gained the optional ``agreement.fit_noise``."""

OLDEST_SCHEMA_VERSION = 4
"""The oldest result documents this version reads (a run store keeps them).

Versions 4 and 5 have version 6's shape less some optional parts, which read as absent
(None); a document read is a version-6 result, and writes itself as one."""

_REPR_LIMIT = 1000


def content_hash(data: Any) -> str:
    """Return ``sha256:<hex>`` of the canonical JSON of ``data`` (sorted keys)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class ScenarioMeta(Record):
    """The input of a result: its id, its date (``None`` for a table file), its hash."""

    id: str = Field(min_length=1)
    as_of: date | None
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioMeta:
        """The metadata of a scenario (the hash is of its canonical content)."""
        from ceasefire.scenario import scenario_to_dict

        return cls(id=scenario.id, as_of=scenario.as_of,
                   hash=content_hash(scenario_to_dict(scenario)))


class Result(Record):
    """Base of every result kind (see the module docstring)."""

    schema_version: int = Field(SCHEMA_VERSION, ge=SCHEMA_VERSION, le=SCHEMA_VERSION)
    kind: str
    ceasefire_version: str = __version__
    scenario: ScenarioMeta
    seed: int | None = Field(ge=0)
    draws: int | None = Field(ge=1)
    run: dict[str, Any] = Field(default_factory=dict, description=(
        "Run metadata (wall times, paths, workers): the only part that differs between "
        "two runs with the same seed."))

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Table name -> path into the document; ``*name`` iterates a map, naming the column."""

    _per_draw: Any = PrivateAttr(default=None)

    @field_validator("schema_version", mode="before")
    @classmethod
    def _read_older(cls, value: Any) -> Any:
        """An older version this one reads becomes the current one (its shape is a subset)."""
        if (isinstance(value, int) and not isinstance(value, bool)
                and OLDEST_SCHEMA_VERSION <= value < SCHEMA_VERSION):
            return SCHEMA_VERSION
        return value

    # --- JSON -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (plain dicts, lists, strings, numbers; no NaN)."""
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON document as text."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Result:
        """Read a document back; ``from_dict(r.to_dict()).to_dict() == r.to_dict()``.

        Raises
        ------
        InputError
            Naming the first places where the document does not fit the type.
        """
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            raise InputError(_describe(error, cls.__name__)) from None

    def __eq__(self, other: object) -> bool:
        """Equal when the documents are: the per-draw arrays are not compared."""
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # a result holds dicts

    def replace(self, **update: Any) -> Self:
        """A copy with some fields replaced; the per-draw arrays are kept (not revalidated)."""
        copy = self.model_copy(update=update)
        copy._per_draw = self._per_draw
        return copy

    def with_per_draw(self, data: Any) -> Self:
        """A copy carrying ``data`` as its per-draw arrays (engines attach them)."""
        copy = self.model_copy()
        copy._per_draw = data
        return copy

    def with_run(self, **run: Any) -> Self:
        """A copy with more run metadata (the per-draw arrays are kept)."""
        return self.replace(run={**self.run, **run})

    def nested(self) -> Self:
        """A copy to nest inside another result, without run metadata.

        The parent's ``run`` holds it instead (DESIGN.md 9.9: two runs with one seed differ
        only in the top-level ``run``).
        """
        return self.replace(run={})

    # --- arrays and tables --------------------------------------------------------------

    @property
    def per_draw(self) -> Any:
        """Per-draw arrays with named axes (an :class:`xarray.Dataset`), or ``None``.

        ``None`` for a result read from JSON, or from an engine that keeps none.
        """
        return self._per_draw

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """A tidy, labelled pandas table of one part of the result.

        Parameters
        ----------
        table
            One of :attr:`TABLES` (the first is the default). Each row is one leaf of
            that part; the ids along the way are columns, and a record's fields
            (``p``/``se``, ``mean``/``p10``/``p50``/``p90``) are columns too.
        """
        import pandas as pd

        if not self.TABLES:
            raise InputError(f"{type(self).__name__} has no tables")
        name = table or next(iter(self.TABLES))
        if name not in self.TABLES:
            raise InputError(f"table {name!r} is unknown; choose one of "
                             f"{', '.join(self.TABLES)}")
        return pd.DataFrame(list(rows(self.to_dict(), self.TABLES[name])))

    # --- display ----------------------------------------------------------------------

    def headline(self) -> str:
        """The result's answer in one line (each kind says what matters most)."""
        return ""

    def __repr__(self) -> str:
        head = (f"{type(self).__name__}(scenario={self.scenario.id!r}, seed={self.seed}, "
                f"draws={self.draws}")
        line = self.headline()
        text = f"{head}: {line})" if line else f"{head})"
        if len(text) > _REPR_LIMIT:
            text = text[: _REPR_LIMIT - 2] + "…)"
        return text

    __str__ = __repr__

    def _repr_html_(self) -> str:
        esc = html.escape
        facts = [("kind", self.kind), ("scenario", f"{self.scenario.id} (as of "
                                                 f"{self.scenario.as_of or 'n/a'})"),
                 ("seed", str(self.seed)), ("draws", str(self.draws))]
        if self.headline():
            facts.append(("answer", self.headline()))
        body = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>"
                       for k, v in facts)
        tables = ", ".join(f"<code>to_frame({esc(repr(t))})</code>" for t in self.TABLES)
        more = f"<p>Tables: {tables}</p>" if tables else ""
        return f"<div><b>{esc(type(self).__name__)}</b><table>{body}</table>{more}</div>"


def rows(document: Any, path: tuple[str, ...], labels: dict[str, Any] | None = None,
         ) -> Iterator[dict[str, Any]]:
    """Flatten the part of ``document`` that ``path`` names into tidy rows.

    A plain step descends into that key; a ``*name`` step iterates a map (or a list) and
    records each key (or position) in column ``name``. At the leaf, a mapping's scalar
    fields become columns; a scalar becomes column ``value``.
    """
    labels = dict(labels or {})
    if not path:
        yield {**labels, **_flat(document)} if isinstance(document, Mapping) else {
            **labels, "value": document}
        return
    step, rest = path[0], path[1:]
    if step.startswith("*"):
        items = (document.items() if isinstance(document, Mapping)
                 else enumerate(document or []))
        for key, value in items:
            yield from rows(value, rest, {**labels, step[1:]: key})
    elif isinstance(document, Mapping) and document.get(step) is not None:
        yield from rows(document[step], rest, labels)


def _flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A record's scalars as columns; a nested record's as ``name.field``; lists left out."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def _describe(error: ValidationError, what: str, limit: int = 5) -> str:
    problems = error.errors()
    lines = [f"{'.'.join(map(str, p['loc'])) or '(top)'}: {p['msg']}" for p in problems[:limit]]
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    return (f"not a valid {what} document: " + "; ".join(lines) + more
            + " (hint: it must be the --json output of a ceasefire version that writes "
            f"schema_version {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION})")
