"""Read and write KTAB's SMP scenario files: CSV, XML, and the Excel-2003 XML spreadsheet.

CSV layout: row 1 = scenario name, description, number of actors, number of dimensions;
row 2 = header (actor, description, capability, then a position/salience pair per
dimension); then one row per actor. Positions and saliences are on 0-100; saliences of
one actor sum to at most 100. The XML format holds the same table plus optional model
parameters and an ideal-adjustment (accommodation) matrix.

References
----------
KTAB ``examples/smp/libsrc/smpread.cpp`` and ``examples/smp/doc/smpSchema.xsd`` (MIT);
described in ``shared/peers/ktab/ALGORITHM.md`` §3.
"""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ceasefire._files import write_text_atomic
from ceasefire.errors import InputError
from ceasefire.forecast.smp import SMPOptions
from ceasefire.forecast.table import StakeholderTable, make_table

__all__ = [
    "read_ktab",
    "read_ktab_csv",
    "read_ktab_xml",
    "write_ktab_csv",
    "write_ktab_xml",
]

_XML_PARAMS = {
    "VictoryProbModel": ("victory_prob_model", {"Linear": "Linear", "Square": "Square",
                                                "Quartic": "Quartic", "Octic": "Octic",
                                                "Binary": "Binary"}),
    "PCEModel": ("pce_model", {"Conditional": "Conditional", "ConditionalPCM": "Conditional",
                               "MarkovIncentive": "MarkovIncentive",
                               "MarkovIPCM": "MarkovIncentive",
                               "MarkovUniform": "MarkovUniform", "MarkovUPCM": "MarkovUniform"}),
    "StateTransitions": ("state_transition", {"Deterministic": "Deterministic",
                                              "Stochastic": "Stochastic"}),
    "StateTransition": ("state_transition", {"Deterministic": "Deterministic",
                                             "Stochastic": "Stochastic"}),
    "VotingRule": ("voting_rule", {v: v for v in ("Binary", "PropBin", "Prop", "PropCbc",
                                                   "Cubic", "ASymProsp")}
                   | {"Proportional": "Prop"}),
    "BigRAdjust": ("big_r_adjust", {v: v for v in ("None", "OneThird", "Half", "TwoThirds",
                                                    "Full")}),
    "BigRRange": ("big_r_range", {v: v for v in ("Min", "Mid", "Max")}),
    "ThirdPartyCommit": ("third_party_commit", {v: v for v in ("NoCommit", "SemiCommit",
                                                                "FullCommit")}),
    "InterVecBrgn": ("inter_vec_brgn", {v: v for v in ("S1P1", "S2P2", "S2PMax")}),
    "BargnModel": ("bargn_model", {v: v for v in ("InitOnlyInterp", "InitRcvrInterp",
                                                   "PWCompInterp")}),
}


def _number(text: str, file: str, line: int, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"{file}:{line}: {what} is {text!r}, expected a number "
            "(hint: fill the cell with a decimal number such as 52.8)"
        ) from None
    if not np.isfinite(value):
        raise InputError(f"{file}:{line}: {what} is {text!r}, expected a finite number")
    return value


def _table_from_rows(
    file: str, name: str, desc: str, dims: list[str],
    actors: list[tuple[str, str, float, list[float], list[float], int]],
) -> StakeholderTable:
    """Validate KTAB's ranges and build the table (positions stay on 0-100)."""
    for actor, _desc, cap, pos, sal, line in actors:
        if not 0 <= cap <= 1e8:
            raise InputError(f"{file}:{line}: capability of {actor} is {cap}; allowed: 0 to 1e8")
        for k, (p, s) in enumerate(zip(pos, sal, strict=True)):
            if not 0 <= p <= 100:
                raise InputError(f"{file}:{line}: position of {actor} on {dims[k]} is {p}; "
                                 "allowed: 0 to 100 (hint: KTAB files use a 0-100 scale)")
            if not 0 <= s <= 100:
                raise InputError(f"{file}:{line}: salience of {actor} on {dims[k]} is {s}; "
                                 "allowed: 0 to 100")
        if sum(sal) > 100 + 1e-9:
            raise InputError(
                f"{file}:{line}: saliences of {actor} sum to {sum(sal):g}; allowed: at most 100 "
                "(hint: an actor's saliences are shares of its attention)"
            )
    dim_ids = _unique_ids(dims)
    return make_table(
        actor_ids=[a[0] for a in actors],
        actor_names=[a[1] or a[0] for a in actors],
        dimension_ids=dim_ids,
        dimension_names=dims,
        positions=[a[3] for a in actors],
        saliences=[[s / 100.0 for s in a[4]] for a in actors],
        capabilities=[a[2] for a in actors],
        scale_low=[0.0] * len(dims),
        scale_high=[100.0] * len(dims),
        title=name.strip() or desc.strip(),
        source=file,
    )


def _unique_ids(names: list[str]) -> list[str]:
    out: list[str] = []
    for k, raw in enumerate(names):
        base = raw.strip() or f"dim{k}"
        ident = base
        extra = 2
        while ident in out:
            ident = f"{base}-{extra}"
            extra += 1
        out.append(ident)
    return out


def read_ktab_csv(path: str | os.PathLike[str], text: str | None = None) -> StakeholderTable:
    """Read a KTAB SMP CSV file (0-100 positions and saliences).

    Raises
    ------
    InputError
        Naming the file and line: wrong column counts, non-numbers, values out of range.
    """
    file = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    rows = [[cell.strip().strip('"') for cell in row]
            for row in csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))]
    numbered = [(k + 1, row) for k, row in enumerate(rows) if any(cell for cell in row)]
    if len(numbered) < 3:
        raise InputError(f"{file}: {len(numbered)} non-empty rows; a KTAB CSV needs a scenario "
                         "row, a header row and at least one actor row")
    line, head = numbered[0]
    if len(head) < 4:
        raise InputError(f"{file}:{line}: scenario row has {len(head)} fields, expected name, "
                         "description, number of actors, number of dimensions")
    n_act = int(_number(head[2], file, line, "number of actors"))
    n_dim = int(_number(head[3], file, line, "number of dimensions"))
    if n_dim < 1 or n_act < 1:
        raise InputError(f"{file}:{line}: {n_act} actors and {n_dim} dimensions; "
                         "need at least 1 of each (hint: fix the counts in row 1)")
    h_line, header = numbered[1]
    if len(header) < 3 + 2 * n_dim:
        raise InputError(f"{file}:{h_line}: header has {len(header)} fields, expected "
                         f"{3 + 2 * n_dim} (actor, description, capability, then position and "
                         f"salience for {n_dim} dimensions)")
    dims = [header[3 + 2 * k] for k in range(n_dim)]
    dims = [d[: -len(" Position")] if d.endswith(" Position") else d for d in dims]
    body = numbered[2:]
    if len(body) != n_act:
        raise InputError(f"{file}:{numbered[0][0]}: the scenario row announces {n_act} actors "
                         f"but {len(body)} actor rows follow (hint: fix the count in row 1)")
    actors = []
    for line, row in body:
        cells = row[: 3 + 2 * n_dim]
        if len(cells) < 3 + 2 * n_dim or any(c == "" for c in cells[2:]):
            raise InputError(f"{file}:{line}: actor row has {sum(1 for c in cells if c)} filled "
                             f"fields, expected {3 + 2 * n_dim} (name, description, capability, "
                             "then position and salience per dimension)")
        name = cells[0]
        if not name:
            raise InputError(f"{file}:{line}: the actor name is empty (hint: column 1)")
        cap = _number(cells[2], file, line, f"capability of {name}")
        pos = [_number(cells[3 + 2 * k], file, line, f"position of {name}") for k in range(n_dim)]
        sal = [_number(cells[4 + 2 * k], file, line, f"salience of {name}") for k in range(n_dim)]
        actors.append((name, cells[1], cap, pos, sal, line))
    return _table_from_rows(file, head[0], head[1], dims, actors)


def _line_of(text: str, needle: str, start: int = 0) -> int:
    at = text.find(needle, start)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def read_ktab_xml(
    path: str | os.PathLike[str], text: str | None = None
) -> tuple[StakeholderTable, SMPOptions]:
    """Read a KTAB SMP XML scenario, or an Excel-2003 XML spreadsheet of the CSV layout.

    Returns the table and the :class:`SMPOptions` from its ``ModelParameters`` block
    (defaults where absent). ``IdealAdjustment`` pairs fill the accommodation matrix.
    """
    file = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    text = text.lstrip("\ufeff")
    try:
        root = ET.fromstring(text.encode())
    except ET.ParseError as error:
        raise InputError(f"{file}:{error.position[0]}: not well-formed XML ({error}) "
                         "(hint: check the tags around that line)") from None
    if root.tag.endswith("Workbook"):
        return _read_excel_xml(file, root), SMPOptions()
    if root.tag != "Scenario":
        raise InputError(f"{file}:1: root element is <{root.tag}>, expected <Scenario> (KTAB SMP "
                         "XML) or <Workbook> (Excel 2003 XML)")
    name = (root.findtext("name") or "").strip()
    desc = (root.findtext("desc") or "").strip()
    dims = [(d.text or "").strip() for d in root.findall("Dimensions/dName")]
    if not dims:
        raise InputError(f"{file}: no <Dimensions>/<dName> elements (hint: list one dName per "
                         "dimension)")
    actors = []
    cursor = 0
    for number, actor in enumerate(root.findall("Actors/Actor"), start=1):
        actor_name = (actor.findtext("name") or "").strip()
        cursor = max(cursor, text.find(f"<name>{actor_name}</name>", cursor))
        line = _line_of(text, f"<name>{actor_name}</name>", max(cursor, 0))
        cap_text = (actor.findtext("capability") or "").strip()
        coords = [(c.text or "").strip() for c in actor.findall("Position/dCoord")]
        sals = [(s.text or "").strip() for s in actor.findall("Salience/dSal")]
        for what, values in (("Position/dCoord", coords), ("Salience/dSal", sals)):
            if len(values) != len(dims):
                raise InputError(f"{file}:{line}: actor {actor_name or number} has {len(values)} "
                                 f"{what} elements, expected {len(dims)} (one per dName)")
            for k, value in enumerate(values):
                if value == "":
                    raise InputError(
                        f"{file}:{line}: actor {actor_name or number} (actor number {number}), "
                        f"{what} number {k + 1} (dimension {dims[k]!r}) is empty, expected a "
                        "number from 0 to 100 (hint: fill it in; KTAB's own smpExample.xml "
                        "leaves Alice's first dCoord empty on purpose, the 2016 version had 52.8)"
                    )
        actors.append((
            actor_name,
            (actor.findtext("description") or "").strip(),
            _number(cap_text, file, line, f"capability of {actor_name}"),
            [_number(c, file, line, f"position of {actor_name}") for c in coords],
            [_number(s, file, line, f"salience of {actor_name}") for s in sals],
            line,
        ))
    if not actors:
        raise InputError(f"{file}: no <Actors>/<Actor> elements")
    table = _table_from_rows(file, name, desc, dims, actors)
    options = SMPOptions(**_xml_options(file, root))
    pairs = root.findall("IdealAdjustment/iaPair")
    if pairs:
        index = {a: i for i, a in enumerate(table.actor_ids)}
        acc = np.eye(table.n_actors)
        touched: set[int] = set()
        for pair in pairs:
            who = (pair.findtext("adjustingIdeal") or "").strip()
            ref = (pair.findtext("referencePos") or "").strip()
            if who not in index or ref not in index:
                raise InputError(f"{file}: iaPair names {who!r}/{ref!r}, not actors of the file")
            if index[who] not in touched:
                acc[index[who]] = 0.0
                touched.add(index[who])
            acc[index[who], index[ref]] = _number(pair.findtext("adjust") or "", file,
                                                  _line_of(text, "<iaPair>"), "adjust")
        table = table.replace(accommodation=acc)
    return table, options


def _xml_options(file: str, root: ET.Element) -> dict[str, str]:
    block = root.find("ModelParameters")
    out: dict[str, str] = {}
    if block is None:
        return out
    for child in block:
        if child.tag not in _XML_PARAMS:
            raise InputError(f"{file}: ModelParameters has <{child.tag}>; allowed: "
                             f"{', '.join(sorted(_XML_PARAMS))}")
        field, values = _XML_PARAMS[child.tag]
        value = (child.text or "").strip()
        if value not in values:
            raise InputError(f"{file}: <{child.tag}> is {value!r}; allowed: "
                             f"{', '.join(sorted(set(values)))}")
        out[field] = values[value]
    return out


def _read_excel_xml(file: str, root: ET.Element) -> StakeholderTable:
    ns = {"ss": "urn:schemas-microsoft-com:office:spreadsheet"}
    table = root.find("ss:Worksheet/ss:Table", ns)
    if table is None:
        raise InputError(f"{file}: Excel XML without a Worksheet/Table")
    rows = []
    for row in table.findall("ss:Row", ns):
        cells: list[str] = []
        for cell in row.findall("ss:Cell", ns):
            index = cell.get(f"{{{ns['ss']}}}Index")
            if index is not None:
                while len(cells) < int(index) - 1:
                    cells.append("")
            data = cell.find("ss:Data", ns)
            cells.append("" if data is None or data.text is None else data.text)
        rows.append(cells)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return read_ktab_csv(file, buffer.getvalue())


def read_ktab(path: str | os.PathLike[str]) -> tuple[StakeholderTable, SMPOptions]:
    """Read a KTAB CSV or XML file; returns the table and the file's SMP options."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such file (hint: check the path)")
    text = file.read_text(encoding="utf-8-sig", errors="replace")
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        return read_ktab_xml(file, text)
    return read_ktab_csv(file, text), SMPOptions()


def _ktab_scale(table: StakeholderTable) -> tuple[np.ndarray, np.ndarray]:
    on_ktab_scale = np.all(table.scale_low == 0.0) and np.all(table.scale_high == 100.0)
    unit = np.array(table.positions) if on_ktab_scale else table.unit_positions() * 100.0
    sal = table.saliences * 100.0
    over = np.flatnonzero(sal.sum(axis=1) > 100 + 1e-9)
    if over.size:
        raise InputError(f"KTAB export: saliences of {table.actor_ids[over[0]]} sum to more than "
                         "1 (KTAB needs at most 100 per actor)")
    return unit, sal


def write_ktab_csv(table: StakeholderTable, path: str | os.PathLike[str]) -> None:
    """Write a table as a KTAB CSV (positions rescaled to 0-100, saliences in 0-100)."""
    pos, sal = _ktab_scale(table)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow([table.title or "ceasefire", table.source or "exported by ceasefire",
                  table.n_actors, table.n_dimensions])
    header = ["Actor", "Description", "Power"]
    for name in table.dimension_names:
        header += [f"{name} Position", f"{name} Salience"]
    out.writerow(header)
    for i, actor in enumerate(table.actor_ids):
        row: list[object] = [actor, table.actor_names[i], repr(float(table.capabilities[i]))]
        for k in range(table.n_dimensions):
            row += [repr(float(pos[i, k])), repr(float(sal[i, k]))]
        out.writerow(row)
    write_text_atomic(path, buffer.getvalue(), newline="")


def write_ktab_xml(
    table: StakeholderTable, path: str | os.PathLike[str], options: SMPOptions | None = None
) -> None:
    """Write a table (and optionally SMP options) as a KTAB SMP XML scenario."""
    pos, sal = _ktab_scale(table)
    root = ET.Element("Scenario")
    ET.SubElement(root, "name").text = table.title or "ceasefire"
    ET.SubElement(root, "desc").text = table.source or "exported by ceasefire"
    if options is not None:
        block = ET.SubElement(root, "ModelParameters")
        for tag, (field, _values) in _XML_PARAMS.items():
            if tag == "StateTransition":
                continue
            ET.SubElement(block, tag).text = str(getattr(options, field))
    dims = ET.SubElement(root, "Dimensions")
    for name in table.dimension_names:
        ET.SubElement(dims, "dName").text = name
    actors = ET.SubElement(root, "Actors")
    for i, actor in enumerate(table.actor_ids):
        node = ET.SubElement(actors, "Actor")
        ET.SubElement(node, "name").text = actor
        ET.SubElement(node, "description").text = table.actor_names[i]
        ET.SubElement(node, "capability").text = repr(float(table.capabilities[i]))
        position = ET.SubElement(node, "Position")
        salience = ET.SubElement(node, "Salience")
        for k in range(table.n_dimensions):
            ET.SubElement(position, "dCoord").text = repr(float(pos[i, k]))
            ET.SubElement(salience, "dSal").text = repr(float(sal[i, k]))
    if table.accommodation is not None:
        block = ET.SubElement(root, "IdealAdjustment")
        for i, j in np.argwhere(table.accommodation != 0):
            pair = ET.SubElement(block, "iaPair")
            ET.SubElement(pair, "adjustingIdeal").text = table.actor_ids[i]
            ET.SubElement(pair, "referencePos").text = table.actor_ids[j]
            ET.SubElement(pair, "adjust").text = repr(float(table.accommodation[i, j]))
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    write_text_atomic(path, text, newline="")
