"""Past the enumeration cap: the exact Pareto frontier of expected surpluses, searched.

Within a class of packages that agree on the issues that set the hazard or take part in
an exclusion, a package's expected surplus is a sum over the other issues of per-option
vectors plus a constant (see :mod:`ceasefire.deals.evaluate`). The frontier of such a
sum is the frontier of the sums of per-issue frontiers, built one issue at a time
(:func:`~ceasefire.deals.pareto.combine_fronts`); the union over classes is filtered once
more. Exact, and it never lists the whole space.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ceasefire.bargaining.packages import DealContext
from ceasefire.deals.evaluate import _class, _prepare, _Prepared
from ceasefire.deals.pareto import combine_fronts, pareto_front
from ceasefire.deals.space import DealSpace
from ceasefire.errors import ModelError

__all__ = ["MAX_SEARCH_CLASSES", "frontier_packages"]

MAX_SEARCH_CLASSES = 100_000
"""Combinations of hazard and constrained issues searched at most."""


def frontier_packages(context: DealContext, veto: np.ndarray, space: DealSpace,
                      parties: list[int]) -> np.ndarray:
    """Option indices ``[m, issues]`` of the packages on the frontier of ``parties``.

    The frontier is that of expected surpluses ``E[V - W]`` over the feasible space,
    exact (ties: every package of a tied point is kept).

    Parameters
    ----------
    context
        From :func:`ceasefire.bargaining.valuation_context`.
    veto
        ``[actors]`` veto codes.
    space
        The package space (any size).
    parties
        Actor columns of the frontier.
    """
    prep = _prepare(context, veto, space, max_classes=1)
    radices = space.radices
    issue_of = np.repeat(np.arange(len(space.issues)), radices)
    constrained = set(issue_of[space.exclusions.ravel()].tolist()) if len(
        space.exclusions) else set()
    fixed = sorted(set(prep.class_issues) | constrained)
    classes = math.prod(int(radices[i]) for i in fixed)
    if classes > MAX_SEARCH_CLASSES:
        names = ", ".join(space.issues[i] for i in fixed)
        raise ModelError(f"deal space: {classes:,} combinations of the issues that set the "
                         f"hazard or take part in exclusions ({names}); "
                         f"allowed: at most {MAX_SEARCH_CLASSES:,}; fix: declare fewer options "
                         "on these issues")
    free = [i for i in range(len(space.issues)) if i not in fixed]
    search_prep = _with_classes(prep, tuple(fixed))
    found = []
    for number in range(classes):
        digits = np.array(np.unravel_index(number, tuple(int(radices[i]) for i in fixed)),
                          dtype=np.int64).reshape(len(fixed))
        package = np.array(space.defaults, dtype=np.int64)
        package[fixed] = digits
        if not space.feasible(package[None])[0]:
            continue
        cls = _class(search_prep, space, digits)
        mean_gain = cls.gain.mean(axis=2)[parties]  # [k, C]
        points = cls.constant.mean(axis=1)[parties][None]  # [1, k]
        choice = np.zeros((1, 0), dtype=np.int64)
        for i in free:
            start = space.offsets[i]
            options = mean_gain[:, start:start + radices[i]].T  # [radix, k]
            keep = np.flatnonzero(pareto_front(options))
            points, pairs = combine_fronts(points, options[keep])
            choice = np.concatenate([choice[pairs[:, 0]], keep[pairs[:, 1]][:, None]], axis=1)
        rows = np.repeat(package[None], len(points), axis=0)
        rows[:, free] = choice
        found.append((points, rows))
    if not found:
        return np.zeros((0, len(space.issues)), dtype=np.int64)
    points = np.concatenate([p for p, _ in found])
    rows = np.concatenate([r for _, r in found])
    keep = pareto_front(points)
    return rows[keep]


def _with_classes(prep: _Prepared, issues: tuple[int, ...]) -> _Prepared:
    return replace(prep, class_issues=issues)
