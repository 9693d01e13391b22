"""The package space: one option per issue, constraints between options, labels.

Package ``k`` of the space is the mixed-radix number whose digits are the option
indices of the issues, the first issue most significant; decoding a range of numbers
is vectorised, so enumeration runs in chunks without a Python loop over packages.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ceasefire.errors import InputError
from ceasefire.scenario.model import Scenario

__all__ = ["DEFAULT_CAP", "DealSpace", "deal_space"]

DEFAULT_CAP = 500_000
"""Feasible packages scored at most; past it, a fixed-seed sample (DESIGN.md 9.10)."""


@dataclass(frozen=True)
class DealSpace:
    """The declared package space of a scenario.

    Attributes
    ----------
    issues
        Issue ids, in scenario order.
    options
        Option ids of each issue.
    defaults
        Index of each issue's default option.
    offsets
        Global column of each issue's first option (columns as in
        :class:`ceasefire.bargaining.OptionColumns`).
    exclusions
        ``[E, 2]`` pairs of global columns that cannot be in one package.
    """

    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    defaults: tuple[int, ...]
    offsets: tuple[int, ...]
    exclusions: np.ndarray

    @property
    def radices(self) -> np.ndarray:
        """Options per issue ``[issues]``."""
        return np.array([len(o) for o in self.options], dtype=np.int64)

    @property
    def size(self) -> int:
        """Packages before constraints (the product of the option counts)."""
        return math.prod(len(o) for o in self.options)

    @property
    def columns(self) -> int:
        """Option columns in all."""
        return sum(len(o) for o in self.options)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Package numbers ``[n]`` to option indices ``[n, issues]`` (int64)."""
        codes = np.asarray(codes, dtype=np.int64)
        radices = self.radices
        strides = _strides(radices)
        return (codes[:, None] // strides[None]) % radices[None]

    def encode(self, options: np.ndarray) -> np.ndarray:
        """Option indices ``[n, issues]`` to package numbers ``[n]``."""
        options = np.asarray(options, dtype=np.int64)
        return options @ _strides(self.radices)

    def to_columns(self, options: np.ndarray) -> np.ndarray:
        """Option indices ``[n, issues]`` to global column indices ``[n, issues]``."""
        return np.asarray(options, dtype=np.int64) + np.array(self.offsets, dtype=np.int64)

    def feasible(self, options: np.ndarray) -> np.ndarray:
        """``[n]``: whether each package respects every exclusion."""
        columns = self.to_columns(options)
        ok = np.ones(len(columns), dtype=bool)
        issue_of = np.repeat(np.arange(len(self.issues)), self.radices)
        for a, b in self.exclusions:
            ok &= ~((columns[:, issue_of[a]] == a) & (columns[:, issue_of[b]] == b))
        return ok

    def chunks(self, chunk: int, first: tuple[int, ...] = ()
               ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(codes [n], options [n, issues])`` of the feasible packages, in chunks.

        The counter runs with the issues ``first`` most significant (so that packages
        agreeing on them come together); ``codes`` are always the canonical numbers.
        """
        order = list(first) + [i for i in range(len(self.issues)) if i not in first]
        radices = self.radices[order]
        strides = _strides(radices)
        for start in range(0, self.size, chunk):
            count = np.arange(start, min(start + chunk, self.size), dtype=np.int64)
            options = np.empty((len(count), len(order)), dtype=np.int64)
            options[:, order] = (count[:, None] // strides[None]) % radices[None]
            ok = self.feasible(options)
            options = options[ok]
            yield self.encode(options), options

    def package(self, terms: Mapping[str, str], *, where: str = "package") -> np.ndarray:
        """Option indices ``[issues]`` of a package given as issue id -> option id.

        Issues not named stay at their default.
        """
        unknown = sorted(set(terms) - set(self.issues))
        if unknown:
            raise InputError(f"{where}: unknown issue(s) {', '.join(unknown)}; known issues: "
                             f"{', '.join(self.issues)}; fix: use one of these ids")
        out = np.array(self.defaults, dtype=np.int64)
        for i, issue in enumerate(self.issues):
            if issue in terms:
                if terms[issue] not in self.options[i]:
                    raise InputError(f"{where}: {terms[issue]!r} is not an option of "
                                     f"{issue!r}; allowed: {', '.join(self.options[i])}")
                out[i] = self.options[i].index(terms[issue])
        return out

    def terms(self, options: np.ndarray, *, changed_only: bool = False) -> dict[str, str]:
        """A package as ``{issue id: option id}`` (only non-default terms if asked)."""
        return {issue: self.options[i][int(k)] for i, (issue, k) in
                enumerate(zip(self.issues, options, strict=True))
                if not changed_only or int(k) != self.defaults[i]}

    def describe(self, options: np.ndarray) -> str:
        """Short text of a package: its non-default terms, or ``defaults only``."""
        changed = self.terms(options, changed_only=True)
        return "; ".join(f"{k}={v}" for k, v in changed.items()) or "defaults only"


def _strides(radices: np.ndarray) -> np.ndarray:
    """Place values of the mixed-radix digits, first issue most significant."""
    out = np.ones(len(radices), dtype=np.int64)
    for i in range(len(radices) - 2, -1, -1):
        out[i] = out[i + 1] * radices[i + 1]
    return out


def deal_space(scenario: Scenario) -> DealSpace:
    """The declared package space of ``scenario``: its issues, options and exclusions."""
    issues, options, defaults, offsets = [], [], [], []
    column, where = 0, {}
    for issue in scenario.issues:
        ids = tuple(o.id for o in issue.options)
        issues.append(issue.id)
        options.append(ids)
        defaults.append(ids.index(issue.default))
        offsets.append(column)
        for k, option_id in enumerate(ids):
            where[(issue.id, option_id)] = column + k
        column += len(ids)
    pairs = set()
    for issue in scenario.issues:
        for option in issue.options:
            for other in option.excludes:
                a, b = where[(issue.id, option.id)], where[(other.issue, other.option)]
                pairs.add((min(a, b), max(a, b)))
    exclusions = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return DealSpace(issues=tuple(issues), options=tuple(options), defaults=tuple(defaults),
                     offsets=tuple(offsets), exclusions=exclusions)
