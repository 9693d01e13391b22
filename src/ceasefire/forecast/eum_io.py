"""Read stakeholder tables in the formats EUM users share, and adapt scenarios.

- Plain tables (tab, comma or semicolon separated; UTF-8 with or without BOM; LF, CRLF or
  old-Mac CR line endings) with a name, position, capability and salience column under
  any of their usual headers (``Name/x/c/s``, ``Actor/Capability/Position/Salience``,
  ``Stakeholder/Resources/Position/Salience``). Saliences on 0-100 are divided by 100.
- The Decide format of the ``decide-exchange-model`` package: ``#A`` actor, ``#P`` issue,
  ``#M`` scale end, ``#D`` actor;issue;position;salience;power rows (multi-issue).
- The KTAB China JSON (``cases`` with ``actors`` of id, name, position, capability,
  salience): one dimension per case, actors missing from a case get zero salience there.
- :func:`table_from_scenario` turns a ``ceasefire`` scenario's ``stakeholders`` block into
  a table; :func:`load_table` picks the reader by extension and content.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ceasefire.errors import InputError
from ceasefire.forecast.table import StakeholderTable, make_table

__all__ = [
    "load_table",
    "read_china_json",
    "read_decide",
    "read_eum_table",
    "table_from_scenario",
]

_HEADERS = {
    "name": ("name", "actor", "stakeholder", "player", "id"),
    "position": ("x", "position", "pos", "pstn"),
    "capability": ("c", "capability", "resources", "power", "influence", "cap", "clout"),
    "salience": ("s", "salience", "sal", "importance"),
}


def _read_text(path: str | os.PathLike[str]) -> str:
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such file (hint: check the path)")
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _float(cell: str, file: str, line: int, what: str) -> float:
    try:
        value = float(cell.strip().strip("'\""))
    except ValueError:
        raise InputError(f"{file}:{line}: {what} is {cell!r}, expected a number "
                         "(hint: use a dot as decimal separator and no units)") from None
    if not np.isfinite(value):
        raise InputError(f"{file}:{line}: {what} is {cell!r}, expected a finite number")
    return value


def read_eum_table(path: str | os.PathLike[str], text: str | None = None) -> StakeholderTable:
    """Read a one-issue EUM table (name, position, capability, salience columns).

    Raises
    ------
    InputError
        With file and line: a missing column, a non-number, a negative value.
    """
    file = str(path)
    text = _read_text(path) if text is None else text
    lines = [(k + 1, line) for k, line in enumerate(text.split("\n")) if line.strip()]
    if len(lines) < 2:
        raise InputError(f"{file}: {len(lines)} non-empty lines; expected a header and at least "
                         "one actor row")
    head = lines[0][1]
    delimiter = "\t" if "\t" in head else (";" if head.count(";") > head.count(",") else ",")
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in lines)),
                           delimiter=delimiter))
    header = [h.strip().strip("'\"").lower() for h in rows[0]]
    column: dict[str, int] = {}
    for key, names in _HEADERS.items():
        for k, h in enumerate(header):
            if h in names and key not in column:
                column[key] = k
    if "name" not in column and header and header[0] == "":
        column["name"] = 0
    missing = [key for key in _HEADERS if key not in column]
    if missing:
        raise InputError(
            f"{file}:{lines[0][0]}: header {rows[0]} lacks {', '.join(missing)} (hint: name the "
            "columns e.g. Name, Position, Capability, Salience, or x, c, s)"
        )
    names, pos, cap, sal = [], [], [], []
    for (line, _), row in zip(lines[1:], rows[1:], strict=True):
        if len(row) <= max(column.values()):
            raise InputError(f"{file}:{line}: {len(row)} fields, expected at least "
                             f"{max(column.values()) + 1} (delimiter {delimiter!r})")
        names.append(row[column["name"]].strip().strip("'\""))
        pos.append(_float(row[column["position"]], file, line, "position"))
        cap.append(_float(row[column["capability"]], file, line, "capability"))
        sal.append(_float(row[column["salience"]], file, line, "salience"))
        if cap[-1] < 0 or sal[-1] < 0:
            raise InputError(f"{file}:{line}: negative capability or salience for {names[-1]}; "
                             "allowed: >= 0")
    sal_arr = np.array(sal)
    if sal_arr.max() > 1:
        if sal_arr.max() > 100:
            raise InputError(f"{file}: saliences reach {sal_arr.max():g}; allowed: 0-1 or 0-100")
        sal_arr = sal_arr / 100.0
    return make_table(
        actor_ids=_unique(names, file),
        actor_names=names,
        dimension_ids=["issue"],
        positions=pos,
        saliences=sal_arr,
        capabilities=cap,
        title=Path(file).stem,
        source=file,
    )


def _unique(names: list[str], file: str) -> list[str]:
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    dup = [n for n, count in seen.items() if count > 1]
    if dup:
        raise InputError(f"{file}: actor names repeat: {', '.join(dup)} (hint: make them unique)")
    return names


def read_decide(path: str | os.PathLike[str], text: str | None = None) -> StakeholderTable:
    """Read a Decide-format multi-issue file (``#A``, ``#P``, ``#M``, ``#D`` rows).

    An actor's power is its capability; where it differs between issues the largest is
    kept and the salience rescaled so that power x salience is unchanged per issue.
    """
    file = str(path)
    text = _read_text(path) if text is None else text
    actors: dict[str, str] = {}
    issues: dict[str, str] = {}
    ends: dict[str, list[float]] = {}
    cells: dict[tuple[str, str], tuple[float, float, float]] = {}
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        delimiter = "\t" if "\t" in raw else ";"
        parts = [p.strip().strip("'\"") for p in raw.split(delimiter)]
        tag = parts[0]
        if tag == "#A" and len(parts) >= 2:
            actors[parts[1]] = parts[2] if len(parts) > 2 and parts[2] else parts[1]
        elif tag == "#P" and len(parts) >= 2:
            issues[parts[1]] = parts[2] if len(parts) > 2 and parts[2] else parts[1]
        elif tag == "#M" and len(parts) >= 3:
            ends.setdefault(parts[1], []).append(_float(parts[2], file, line, "scale end"))
        elif tag == "#D" and len(parts) >= 6:
            cells[(parts[1], parts[2])] = (
                _float(parts[3], file, line, "position"),
                _float(parts[4], file, line, "salience"),
                _float(parts[5], file, line, "power"),
            )
        else:
            raise InputError(f"{file}:{line}: row {raw[:40]!r} is not a Decide row; expected "
                             "#A actor, #P issue, #M issue value, or #D actor issue position "
                             "salience power (hint: tab or semicolon separated)")
    if not cells:
        raise InputError(f"{file}: no #D data rows (hint: is this a Decide-format file?)")
    actor_ids = list(actors) or sorted({a for a, _ in cells})
    issue_ids = list(issues) or sorted({i for _, i in cells})
    for a, i in cells:
        if a not in actor_ids or i not in issue_ids:
            raise InputError(f"{file}: #D row for actor {a!r}, issue {i!r} that no #A/#P row "
                             "declares (hint: add the #A or #P line)")
    n, d = len(actor_ids), len(issue_ids)
    pos = np.zeros((n, d))
    sal = np.zeros((n, d))
    power = np.zeros((n, d))
    for (a, i), (p, s, c) in cells.items():
        r, k = actor_ids.index(a), issue_ids.index(i)
        pos[r, k], sal[r, k], power[r, k] = p, s, c
    if sal.max() > 1:
        sal = sal / 100.0
    cap = power.max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sal = np.where(cap[:, None] > 0, sal * power / np.where(cap > 0, cap, 1)[:, None], 0.0)
    low = [min(ends.get(i, [pos[:, k].min()])) for k, i in enumerate(issue_ids)]
    high = [max(ends.get(i, [pos[:, k].max()])) for k, i in enumerate(issue_ids)]
    for k in range(d):
        if not high[k] > low[k]:
            high[k] = low[k] + 1.0
    return make_table(
        actor_ids=actor_ids,
        actor_names=[actors.get(a, a) for a in actor_ids],
        dimension_ids=issue_ids,
        dimension_names=[issues.get(i, i) for i in issue_ids],
        positions=pos,
        saliences=sal,
        capabilities=cap,
        scale_low=low,
        scale_high=high,
        title=Path(file).stem,
        source=file,
    )


def read_china_json(path: str | os.PathLike[str], text: str | None = None) -> StakeholderTable:
    """Read the KTAB China JSON (one dimension per case; 0-100 scale)."""
    file = str(path)
    text = _read_text(path) if text is None else text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{file}:{error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise InputError(f"{file}: JSON nested too deeply to read (the China JSON layout needs "
                         "four levels; hint: check the file is a KTAB China JSON)") from None
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not cases:
        raise InputError(f"{file}: expected an object with a non-empty 'cases' list "
                         "(hint: the KTAB China JSON layout)")
    actor_ids: list[str] = []
    names: dict[str, str] = {}
    caps: dict[str, float] = {}
    for c, case in enumerate(cases):
        for a, actor in enumerate(case.get("actors", [])):
            for key in ("id", "position", "capability", "salience"):
                if key not in actor:
                    raise InputError(f"{file}: cases[{c}].actors[{a}] lacks {key!r}")
            if actor["id"] not in names:
                actor_ids.append(actor["id"])
                names[actor["id"]] = actor.get("name", actor["id"])
            caps[actor["id"]] = max(caps.get(actor["id"], 0.0), float(actor["capability"]))
    n, d = len(actor_ids), len(cases)
    pos = np.full((n, d), 50.0)
    sal = np.zeros((n, d))
    for k, case in enumerate(cases):
        for actor in case["actors"]:
            r = actor_ids.index(actor["id"])
            pos[r, k] = float(actor["position"])
            cap = caps[actor["id"]]
            scale = float(actor["capability"]) / cap if cap > 0 else 0.0
            sal[r, k] = float(actor["salience"]) / 100.0 * scale
    return make_table(
        actor_ids=actor_ids,
        actor_names=[names[a] for a in actor_ids],
        dimension_ids=[str(case.get("case_id", f"case{k}")) for k, case in enumerate(cases)],
        dimension_names=[str(case.get("title", case.get("case_id", f"case{k}")))
                         for k, case in enumerate(cases)],
        positions=pos,
        saliences=sal,
        capabilities=[caps[a] for a in actor_ids],
        scale_low=[0.0] * d,
        scale_high=[100.0] * d,
        title=Path(file).stem,
        source=file,
    )


def _point(value: Any) -> float:
    from ceasefire.scenario.values import point_value

    return float(point_value(value))


def table_from_scenario(scenario: Any, dimension: str | None = None) -> StakeholderTable:
    """Build a table from a scenario's ``stakeholders`` block (duck-typed).

    ``scenario.stakeholders`` has ``dimensions`` (``id``, ``name``, ``scale.low``,
    ``scale.high``, ``status_quo``) and ``actors`` (``id``, ``name``, ``capability``,
    ``positions[dim]``, ``salience[dim]``); uncertain values enter at their central value.
    Actors without a position on a dimension get zero salience there.

    Raises
    ------
    InputError
        When the scenario has no stakeholders or the dimension is unknown.
    """
    block = getattr(scenario, "stakeholders", None)
    sid = getattr(scenario, "id", "scenario")
    if (block is None or not getattr(block, "actors", None)
            or not getattr(block, "dimensions", None)):
        raise InputError(f"scenario {sid}: no stakeholders block (hint: add stakeholders with "
                         "dimensions and actors to use the forecasting models)")
    dims = list(block.dimensions)
    if dimension is not None:
        dims = [d for d in dims if dimension in (d.id, getattr(d, "name", None))]
        if not dims:
            raise InputError(f"scenario {sid}: dimension {dimension!r} is not among "
                             f"{', '.join(d.id for d in block.dimensions)}")
    actors = list(block.actors)
    pos = np.zeros((len(actors), len(dims)))
    sal = np.zeros((len(actors), len(dims)))
    for i, actor in enumerate(actors):
        positions = dict(getattr(actor, "positions", {}) or {})
        saliences = dict(getattr(actor, "salience", {}) or {})
        for k, dim in enumerate(dims):
            if dim.id in positions:
                pos[i, k] = _point(positions[dim.id])
                sal[i, k] = _point(saliences.get(dim.id, 0.0))
            else:
                pos[i, k] = _point(dim.status_quo) if dim.status_quo is not None else float(
                    dim.scale.low)
    return make_table(
        actor_ids=[a.id for a in actors],
        actor_names=[getattr(a, "name", None) or a.id for a in actors],
        dimension_ids=[d.id for d in dims],
        dimension_names=[getattr(d, "name", None) or d.id for d in dims],
        positions=pos,
        saliences=sal,
        capabilities=[_point(a.capability) for a in actors],
        scale_low=[float(d.scale.low) for d in dims],
        scale_high=[float(d.scale.high) for d in dims],
        status_quo=[np.nan if d.status_quo is None else _point(d.status_quo) for d in dims],
        title=str(getattr(scenario, "name", sid)),
        source=f"scenario {sid}",
    )


def load_table(path: str | os.PathLike[str]) -> tuple[StakeholderTable, Any]:
    """Read any supported table file; returns the table and the file's SMP options or None.

    KTAB CSV (scenario row with actor and dimension counts) and XML, Decide files, the
    China JSON, and plain EUM tables are told apart by extension and content.
    """
    from ceasefire.forecast.ktab_io import read_ktab_csv, read_ktab_xml

    file = Path(path)
    text = _read_text(file)
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith("<"):
        return read_ktab_xml(file, text)
    if file.suffix.lower() == ".json" or stripped.startswith("{"):
        return read_china_json(file, text), None
    if stripped.startswith(("'#", "#A", "#P", "#M", "#D")):
        return read_decide(file, text), None
    first = stripped.split("\n", 1)[0]
    fields = [f.strip() for f in first.split(",")]
    if "\t" not in first and len(fields) >= 4:
        try:
            int(float(fields[2]))
            int(float(fields[3]))
        except ValueError:
            pass
        else:
            return read_ktab_csv(file, text), None
    return read_eum_table(file, text), None
