r"""Genius XML domains and additive utility profiles, read and written with the standard library.

Genius (Lin et al. 2014) describes a negotiation by a *domain* file (the issues and
their discrete values) and one *profile* per party: a linear additive utility

.. math:: U(o) = \sum_i w_i \, \frac{e_i(o_i)}{\max_k e_i(k)}, \qquad \sum_i w_i = 1,

with non-negative evaluations :math:`e_i`, so that :math:`U \in [0, 1]`, plus a
reservation value and a discount factor on the same scale. Both files share one
structure: ``negotiation_template`` (domains) or ``utility_space`` at the root, an
``objective`` holding ``issue`` elements, each holding ``item`` elements (``value``, and
``evaluation`` in a profile), and ``weight`` elements (``index``, ``value``) beside the
issues.

Our utility is not additive over issues (ratification, territorial claims and the
collapse hazard join terms), so a profile carries its additive least-squares fit
(:func:`additive_fit`), mapped onto Genius's [0, 1] scale with the reservation value 0
mapped with it, and the fit's quality (R², largest error, how often the fit and the exact
utility disagree on accepting) is reported. The exact table is written beside it as CSV.

References
----------
Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K. & Jonker, C. M. (2014)
Genius: an integrated environment for supporting the design of generic automated
negotiators. *Computational Intelligence* 30(1), 48-70. doi:10.1111/j.1467-8640.2012.00463.x
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.interop.domain import Domain

__all__ = ["AdditiveFit", "AdditiveUtility", "GeniusDomain", "additive_fit", "additive_fits",
           "domain_xml", "genius_files", "profile_xml", "read_genius_domain",
           "read_genius_profile", "utility_table", "write_files", "write_genius"]


@dataclass(frozen=True)
class GeniusDomain:
    """The issues of a Genius domain and the values of each (all discrete)."""

    name: str
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class AdditiveUtility:
    """A Genius linear additive utility over discrete issues.

    Attributes
    ----------
    issues, options
        As in :class:`GeniusDomain`.
    weights
        ``[issues]`` issue weights, summing to 1.
    evaluations
        One array per issue, ``[options]``, non-negative, the evaluation of each value.
    reservation
        Reservation value on the [0, 1] scale.
    discount
        Discount factor (1: none).
    """

    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...]
    evaluations: tuple[tuple[float, ...], ...]
    reservation: float = 0.0
    discount: float = 1.0

    def utility(self, outcomes: np.ndarray) -> np.ndarray:
        r"""``[outcomes]`` the utility :math:`\sum_i w_i e_i(o_i) / \max_k e_i(k)`.

        ``outcomes`` are option indices ``[outcomes, issues]``. An issue whose
        evaluations are all 0 contributes 0.
        """
        outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, len(self.issues))
        total = np.zeros(len(outcomes))
        for i, (weight, values) in enumerate(zip(self.weights, self.evaluations,
                                                 strict=True)):
            values = np.asarray(values, dtype=float)
            top = values.max()
            if top > 0:
                total = total + weight * (values / top)[outcomes[:, i]]
        return total


@dataclass(frozen=True)
class AdditiveFit:
    """One party's additive least-squares fit and how well it matches the exact utility.

    ``utility`` is the fit on Genius's scale; an exact utility ``u`` maps to
    ``(u - low) / span`` on it (the reservation value 0 to ``-low / span``, clipped to
    [0, 1] when it falls outside: ``clipped``). ``r_squared`` and ``max_error`` (in
    annuity units) compare the fit with the exact utility over the allowed outcomes;
    ``sign_agreement`` is the share of outcomes on which both say the same about
    accepting (utility at least the reservation value).
    """

    party: str
    utility: AdditiveUtility
    low: float
    span: float
    r_squared: float
    max_error: float
    sign_agreement: float
    clipped: bool

    def to_dict(self) -> dict[str, Any]:
        """The fit's report as plain data."""
        return {"party": self.party, "r_squared": self.r_squared, "max_error": self.max_error,
                "sign_agreement": self.sign_agreement, "reservation": self.utility.reservation,
                "reservation_clipped": self.clipped, "low": self.low, "span": self.span,
                "weights": dict(zip(self.utility.issues, self.utility.weights, strict=True))}


def additive_fit(domain: Domain, party: str) -> AdditiveFit:
    """The additive fit of one party's utility (see :func:`additive_fits`)."""
    return additive_fits(domain, (party,))[0]


def additive_fits(domain: Domain, parties: tuple[str, ...] | None = None,
                  ) -> tuple[AdditiveFit, ...]:
    r"""The additive least-squares fit of each party's utility, on Genius's scale.

    Fits :math:`u(o) \approx c + \sum_i f_i(o_i)` over the allowed outcomes (ordinary
    least squares on the one-hot design, every party at once), then writes it as a
    Genius profile: with :math:`m_i, M_i` the least and largest part-worth of issue i,
    :math:`w_i = (M_i - m_i) / \sum_k (M_k - m_k)` and
    :math:`e_i = (f_i - m_i) / (M_i - m_i)`, which is the fit shifted by
    :math:`c + \sum_i m_i` and scaled by the sum of the ranges. An option no allowed
    outcome uses gets its issue's least part-worth.

    Parameters
    ----------
    domain
        The exported domain.
    parties
        Parties to fit (default: every party of the domain, in its order).

    Returns
    -------
    tuple of AdditiveFit
        Each party's profile and the fit's quality.
    """
    parties = domain.parties if parties is None else tuple(parties)
    columns = [domain.party(p) for p in parties]
    exact = np.asarray(domain.utility[:, columns], dtype=float)  # [outcomes, parties]
    outcomes = domain.outcomes
    radices = [len(o) for o in domain.options]
    offsets = np.cumsum([0, *radices])
    rows = np.arange(len(outcomes))
    design = np.zeros((len(outcomes), offsets[-1] + 1))
    design[:, -1] = 1.0
    for i in range(len(radices)):
        design[rows, offsets[i] + outcomes[:, i]] = 1.0
    coefficients = np.linalg.lstsq(design, exact, rcond=None)[0]  # [columns + 1, parties]
    used = design[:, :-1].any(axis=0)
    fitted = design @ coefficients
    return tuple(_profile(domain, party, coefficients[:, k], used, offsets, exact[:, k],
                          fitted[:, k]) for k, party in enumerate(parties))


def _profile(domain: Domain, party: str, coefficients: np.ndarray, used: np.ndarray,
             offsets: np.ndarray, exact: np.ndarray, fitted: np.ndarray) -> AdditiveFit:
    """One party's fitted part-worths as a Genius profile, with the fit's quality."""
    parts = []
    for i in range(len(domain.issues)):
        part = coefficients[offsets[i]:offsets[i + 1]].copy()
        seen = used[offsets[i]:offsets[i + 1]]
        part[~seen] = part[seen].min() if seen.any() else 0.0
        parts.append(part)
    lows = np.array([p.min() for p in parts])
    ranges = np.array([p.max() for p in parts]) - lows
    low = float(coefficients[-1] + lows.sum())
    span = float(ranges.sum())
    if span > 0:
        weights = tuple(float(r / span) for r in ranges)
        evaluations = tuple(tuple(float(v) for v in ((p - m) / r if r > 0 else np.ones_like(p)))
                            for p, m, r in zip(parts, lows, ranges, strict=True))
        reservation = -low / span
    else:  # a constant fit: every outcome is worth `low`
        weights = tuple(1.0 / len(parts) for _ in parts)
        evaluations = tuple(tuple(1.0 for _ in p) for p in parts)
        reservation = 0.0 if low >= 0 else 1.0
    clipped = not 0.0 <= reservation <= 1.0
    profile = AdditiveUtility(issues=domain.issues, options=domain.options, weights=weights,
                              evaluations=evaluations,
                              reservation=float(min(max(reservation, 0.0), 1.0)))
    residual = exact - fitted
    total = float(((exact - exact.mean()) ** 2).sum()) if len(exact) else 0.0
    error = float((residual**2).sum())
    r_squared = 1.0 - error / total if total > 0 else (1.0 if error <= 1e-24 else 0.0)
    genius = profile.utility(domain.outcomes)
    agree = float(np.mean((genius >= profile.reservation) == (exact >= 0))) if len(exact) else 1.0
    return AdditiveFit(party=party, utility=profile, low=low, span=span, r_squared=r_squared,
                       max_error=float(np.abs(residual).max()) if len(exact) else 0.0,
                       sign_agreement=agree, clipped=clipped)


# --- writing ---------------------------------------------------------------------------


def _number(value: float) -> str:
    """A float as the shortest text that reads back to the same float."""
    return repr(float(value))


def domain_xml(name: str, issues: tuple[str, ...], options: tuple[tuple[str, ...], ...]) -> str:
    """The text of a Genius domain file."""
    root = ET.Element("negotiation_template")
    space = ET.SubElement(root, "utility_space", number_of_issues=str(len(issues)))
    objective = ET.SubElement(space, "objective", index="0", name=name, type="objective",
                              etype="objective", description="")
    for i, (issue, values) in enumerate(zip(issues, options, strict=True), 1):
        node = ET.SubElement(objective, "issue", index=str(i), name=issue, etype="discrete",
                             type="discrete", vtype="discrete")
        for k, value in enumerate(values, 1):
            ET.SubElement(node, "item", index=str(k), value=value, cost="0", description="")
    return _text(root)


def profile_xml(name: str, utility: AdditiveUtility) -> str:
    """The text of a Genius additive profile."""
    root = ET.Element("utility_space")
    objective = ET.SubElement(root, "objective", index="0", name=name, type="objective",
                              etype="objective", description="")
    for i, (issue, values, evaluations) in enumerate(
            zip(utility.issues, utility.options, utility.evaluations, strict=True), 1):
        node = ET.SubElement(objective, "issue", index=str(i), name=issue, etype="discrete",
                             type="discrete", vtype="discrete")
        for k, (value, evaluation) in enumerate(zip(values, evaluations, strict=True), 1):
            ET.SubElement(node, "item", index=str(k), value=value,
                          evaluation=_number(evaluation))
    for i, weight in enumerate(utility.weights, 1):
        ET.SubElement(objective, "weight", index=str(i), value=_number(weight))
    ET.SubElement(root, "discount_factor", value=_number(utility.discount))
    ET.SubElement(root, "reservation", value=_number(utility.reservation))
    return _text(root)


def _text(root: ET.Element) -> str:
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def utility_table(domain: Domain) -> str:
    """The exact utilities as CSV: one row per outcome, its options, each party's utility.

    Columns: ``outcome``, one per issue (option ids), ``u_PARTY`` per party (annuity
    units; reservation 0), ``veto_PARTY`` (1 where the party's veto applies) and
    ``acceptable`` (1 where every party whose veto applies gains by signing).
    """
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["outcome", *domain.issues, *(f"u_{p}" for p in domain.parties),
                     *(f"veto_{p}" for p in domain.parties), "acceptable"])
    acceptable = domain.acceptable
    for k, row in enumerate(domain.outcomes):
        writer.writerow([k, *domain.labels_of(row), *(_number(u) for u in domain.utility[k]),
                         *(int(v) for v in domain.required[k]), int(acceptable[k])])
    return stream.getvalue()


def genius_files(domain: Domain, folder: str | Path,
                 fits: tuple[AdditiveFit, ...] | None = None) -> dict[Path, str]:
    """Paths and contents of a Genius export (nothing written).

    ``NAME-domain.xml``, one ``NAME-PARTY.xml`` profile per party (its additive fit:
    ``fits``, computed when not given), and ``NAME-utilities.csv`` (the exact table,
    :func:`utility_table`).
    """
    folder = Path(folder)
    out = {folder / f"{domain.name}-domain.xml": domain_xml(domain.name, domain.issues,
                                                            domain.options)}
    for fit in additive_fits(domain) if fits is None else fits:
        out[folder / f"{domain.name}-{fit.party}.xml"] = profile_xml(domain.name, fit.utility)
    out[folder / f"{domain.name}-utilities.csv"] = utility_table(domain)
    return out


def write_genius(domain: Domain, folder: str | Path) -> tuple[AdditiveFit, ...]:
    """Write a domain as Genius XML (domain and one profile per party) and the exact CSV.

    Each file is written atomically (a temporary file, then a rename), after every
    file's content has been built, so a failure leaves no half-written file.

    Returns
    -------
    tuple of AdditiveFit
        Each party's fit, in ``domain.parties`` order.
    """
    fits = additive_fits(domain)
    write_files(genius_files(domain, folder, fits))
    return fits


def write_files(files: dict[Path, str]) -> None:
    """Write every file atomically; a file whose write fails leaves no partial file."""
    from ceasefire._files import write_text_atomic

    for path, text in files.items():
        write_text_atomic(path, text)


# --- reading -------------------------------------------------------------------------------


def _parse(path: str | Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        raise InputError(f"{path}: not well-formed XML ({error}); fix: give a Genius "
                         "domain or profile file") from None


def _objective(root: ET.Element, path: str | Path) -> ET.Element:
    """The ``objective`` holding the issues, under ``utility_space`` or at the root."""
    space = root if root.tag == "utility_space" else root.find("utility_space")
    if root.tag not in ("negotiation_template", "utility_space") or space is None:
        raise InputError(f"{path}: root element <{root.tag}>; allowed: <negotiation_template> "
                         "or <utility_space> (a Genius domain or profile)")
    objective = space.find("objective")
    return objective if objective is not None else space


def _issues(objective: ET.Element, path: str | Path) -> list[ET.Element]:
    issues = objective.findall("issue")
    if not issues:
        raise InputError(f"{path}: no <issue> under <objective>; fix: give a Genius domain "
                         "with discrete issues")
    for issue in issues:
        kind = issue.get("type") or issue.get("etype") or "discrete"
        if kind != "discrete" or issue.find("evaluator") is not None:
            raise InputError(f"{path}: issue {issue.get('name')!r} is of type {kind!r}; "
                             "allowed: discrete issues only (ceasefire's packages are "
                             "discrete)")
    return issues


def _values(issue: ET.Element, path: str | Path) -> list[ET.Element]:
    items = issue.findall("item")
    if not items or any(item.get("value") is None for item in items):
        raise InputError(f"{path}: issue {issue.get('name')!r} needs <item value=...> "
                         "elements")
    return items


def read_genius_domain(path: str | Path) -> GeniusDomain:
    """Read a Genius domain file (or the issues of a profile).

    Raises
    ------
    InputError
        For a file that is not XML, not a Genius domain, or has non-discrete issues.
    """
    root = _parse(path)
    objective = _objective(root, path)
    issues = _issues(objective, path)
    return GeniusDomain(
        name=objective.get("name") or Path(path).stem,
        issues=tuple(i.get("name") or f"issue{k}" for k, i in enumerate(issues, 1)),
        options=tuple(tuple(item.get("value") for item in _values(i, path)) for i in issues))


def _float(node: ET.Element, attribute: str, path: str | Path, what: str) -> float:
    text = node.get(attribute)
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{path}: {what} has {attribute}={text!r}; allowed: a number") from None
    if not np.isfinite(value):
        raise InputError(f"{path}: {what} has {attribute}={text!r}; allowed: a finite number")
    return value


def read_genius_profile(path: str | Path, domain: GeniusDomain | None = None) -> AdditiveUtility:
    """Read a Genius linear additive profile over discrete issues.

    Weights are matched to issues by their ``index`` attribute (in file order when it
    is missing); when ``domain`` is given, the issues and values are put in its order
    and must be the same sets.

    Raises
    ------
    InputError
        For a missing or negative evaluation, a weight naming no issue, or issues that
        do not match ``domain``.
    """
    root = _parse(path)
    objective = _objective(root, path)
    issues = _issues(objective, path)
    names = [i.get("name") or f"issue{k}" for k, i in enumerate(issues, 1)]
    index = {i.get("index", str(k)): k for k, i in enumerate(issues, 1)}
    weight_nodes = objective.findall("weight")
    weights = [0.0] * len(issues)
    for k, node in enumerate(weight_nodes, 1):
        key = node.get("index", str(k))
        if key not in index:
            raise InputError(f"{path}: <weight index={key!r}> names no issue; issue indices: "
                             f"{', '.join(index)}")
        weights[index[key] - 1] = _float(node, "value", path, f"weight {key}")
    if not weight_nodes:
        raise InputError(f"{path}: no <weight> elements; fix: give a Genius profile, not a "
                         "domain file")
    values, evaluations = [], []
    for name, issue in zip(names, issues, strict=True):
        items = _values(issue, path)
        values.append(tuple(item.get("value") for item in items))
        scores = tuple(_float(item, "evaluation", path, f"issue {name!r} item "
                              f"{item.get('value')!r}") for item in items)
        if min(scores) < 0:
            raise InputError(f"{path}: issue {name!r} has a negative evaluation; allowed: "
                             "evaluations >= 0")
        evaluations.append(scores)
    node = root.find("reservation")
    reservation = 0.0 if node is None else _float(node, "value", path, "<reservation>")
    node = root.find("discount_factor")
    discount = 1.0 if node is None else _float(node, "value", path, "<discount_factor>")
    utility = AdditiveUtility(issues=tuple(names), options=tuple(values),
                              weights=tuple(weights), evaluations=tuple(evaluations),
                              reservation=reservation, discount=discount)
    return utility if domain is None else _align(utility, domain, path)


def _align(utility: AdditiveUtility, domain: GeniusDomain, path: str | Path) -> AdditiveUtility:
    """``utility`` with its issues and values in ``domain``'s order."""
    if sorted(utility.issues) != sorted(domain.issues):
        raise InputError(f"{path}: issues {', '.join(utility.issues)} differ from the "
                         f"domain's {', '.join(domain.issues)}; fix: pair the profile with "
                         "its own domain")
    weights, evaluations = [], []
    for issue, values in zip(domain.issues, domain.options, strict=True):
        i = utility.issues.index(issue)
        mine = utility.options[i]
        if sorted(mine) != sorted(values):
            raise InputError(f"{path}: issue {issue!r} has values {', '.join(mine)}; the "
                             f"domain's are {', '.join(values)}")
        weights.append(utility.weights[i])
        evaluations.append(tuple(utility.evaluations[i][mine.index(v)] for v in values))
    return AdditiveUtility(issues=domain.issues, options=domain.options,
                           weights=tuple(weights), evaluations=tuple(evaluations),
                           reservation=utility.reservation, discount=utility.discount)
