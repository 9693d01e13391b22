"""The exact Pareto frontier of a finite set of points, fast for millions of points.

Points are rows of ``[n, k]`` arrays and larger is better in every coordinate. A point
``q`` dominates ``p`` when ``q >= p`` in every coordinate and ``q > p`` in at least one;
the frontier is the set of points nothing dominates (equal points do not dominate each
other, so duplicates stay on the frontier together).
"""

from __future__ import annotations

import numpy as np

__all__ = ["combine_fronts", "dominated_by", "pareto_front"]

_LEAF = 128
"""Sorted runs this short are solved by comparing every pair."""
_BRUTE = 1 << 16
"""Pairs compared at once when filtering one set against another."""


def dominated_by(points: np.ndarray, front: np.ndarray) -> np.ndarray:
    r"""Whether each point is dominated by some point of ``front`` (brute force).

    .. math:: q \succ p \iff q_j \ge p_j\ \forall j \ \wedge\ \exists j: q_j > p_j

    Parameters
    ----------
    points
        ``[n, k]``.
    front
        ``[m, k]``.

    Returns
    -------
    numpy.ndarray
        ``[n]`` booleans.
    """
    points = np.asarray(points, dtype=float)
    front = np.asarray(front, dtype=float)
    out = np.zeros(len(points), dtype=bool)
    if len(points) == 0 or len(front) == 0:
        return out
    step = max(1, _BRUTE // len(front))
    for start in range(0, len(points), step):
        block = points[start:start + step]
        geq = np.ones((len(block), len(front)), dtype=bool)
        gt = np.zeros((len(block), len(front)), dtype=bool)
        for j in range(points.shape[1]):
            geq &= front[None, :, j] >= block[:, j, None]
            gt |= front[None, :, j] > block[:, j, None]
        out[start:start + step] = (geq & gt).any(axis=1)
    return out


def pareto_front(points: np.ndarray) -> np.ndarray:
    r"""Mask of the points on the Pareto frontier (larger is better), exact.

    Kung, Luccio & Preparata's divide and conquer, vectorised at the leaves. Distinct
    points are sorted lexicographically, descending, so that no point is dominated by a
    later one; the frontier of a run is the frontier of its first half together with the
    points of its second half's frontier that no point of the first half dominates, a
    test on the remaining coordinates only (the first half is already at least as large
    in the first), itself solved by splitting at the median of the next coordinate.
    Time :math:`O(n \log^{k-1} n)`; duplicates are collapsed first and share their
    representative's answer.

    Parameters
    ----------
    points
        ``[n, k]`` finite numbers.

    Returns
    -------
    numpy.ndarray
        ``[n]`` booleans, True on the frontier.

    References
    ----------
    Pareto, V. (1906) *Manuale di economia politica*. Kung, H. T., Luccio, F. &
    Preparata, F. P. (1975) On finding the maxima of a set of vectors. *J. ACM* 22(4):
    469-476. doi:10.1145/321906.321910.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"points must be [n, k], got shape {points.shape}")
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if points.shape[1] == 0:
        return np.ones(n, dtype=bool)
    order = np.argsort(-points[:, 0], kind="stable")
    ordered = points[order]
    first = np.ones(n, dtype=bool)
    if n > 1 and np.any(ordered[1:, 0] == ordered[:-1, 0]):
        order = np.lexsort([-points[:, j] for j in reversed(range(points.shape[1]))])
        ordered = points[order]
        first[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    distinct = ordered[first]
    group = np.cumsum(first) - 1
    below = np.tri(_LEAF, _LEAF, -1, dtype=bool)
    on_front = np.zeros(len(distinct), dtype=bool)
    on_front[_front(distinct, 0, len(distinct), below)] = True
    mask = np.zeros(n, dtype=bool)
    mask[order] = on_front[group]
    return mask


def _front(points: np.ndarray, lo: int, hi: int, below: np.ndarray) -> np.ndarray:
    """Positions of the frontier of the sorted distinct run ``points[lo:hi]``."""
    if hi - lo <= _LEAF:
        run = points[lo:hi]
        size, k = run.shape
        if k == 1:
            return np.array([lo])
        geq = below[:size, :size].copy()  # only earlier points can dominate
        for j in range(1, k):
            geq &= run[None, :, j] >= run[:, j, None]
        return np.flatnonzero(~geq.any(axis=1)) + lo
    mid = (lo + hi) // 2
    high = _front(points, lo, mid, below)
    low = _front(points, mid, hi, below)
    keep = _undominated(points[high][:, 1:], points[low][:, 1:])
    return np.concatenate([high, low[keep]])


def _undominated(dominators: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Mask of ``candidates`` that no row of ``dominators`` is >= in every column.

    The dominators are already known to be at least as large in the columns dropped
    before, and no candidate equals a dominator (the points are distinct).
    """
    if len(dominators) == 0 or len(candidates) == 0:
        return np.ones(len(candidates), dtype=bool)
    k = dominators.shape[1]
    if k == 0:
        return np.zeros(len(candidates), dtype=bool)
    if k == 1:
        return candidates[:, 0] > dominators[:, 0].max()
    if len(dominators) * len(candidates) <= _BRUTE:
        return ~_geq_any(dominators, candidates)
    a, b = dominators[:, 0], candidates[:, 0]
    both = np.concatenate([a, b])
    half = len(both) // 2
    pivot = np.partition(both, half)[half]
    a_high, b_high = a >= pivot, b >= pivot
    if a_high.all() and b_high.all():
        least = both.min()
        a_high, b_high = a > least, b > least
        if not (a_high.any() or b_high.any()):  # all equal here: the column decides nothing
            return _undominated(dominators[:, 1:], candidates[:, 1:])
    upper = dominators[a_high]
    keep = np.ones(len(candidates), dtype=bool)
    high_ids, low_ids = np.flatnonzero(b_high), np.flatnonzero(~b_high)
    keep[high_ids] = _undominated(upper, candidates[high_ids])
    survive = low_ids[_undominated(upper[:, 1:], candidates[low_ids][:, 1:])]
    survive = survive[_undominated(dominators[~a_high], candidates[survive])]
    keep[low_ids] = False
    keep[survive] = True
    return keep


def _geq_any(dominators: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    out = np.zeros(len(candidates), dtype=bool)
    step = max(1, _BRUTE // len(dominators))
    for start in range(0, len(candidates), step):
        block = candidates[start:start + step]
        geq = dominators[None, :, 0] >= block[:, 0, None]
        for j in range(1, dominators.shape[1]):
            geq &= dominators[None, :, j] >= block[:, j, None]
        out[start:start + step] = geq.any(axis=1)
    return out


def combine_fronts(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Frontier of the sums ``a + b`` of a point of each set (a Minkowski sum).

    Exact because a dominated part cannot make a frontier sum: if :math:`a' \succ a` then
    :math:`a' + b \succ a + b`, so it suffices to combine the two frontiers and filter:

    .. math:: F(A \oplus B) = F(F(A) \oplus F(B))

    Parameters
    ----------
    first, second
        ``[n1, k]`` and ``[n2, k]`` points (pass frontiers to save work).

    Returns
    -------
    tuple of numpy.ndarray
        The frontier's ``[m, k]`` points and ``[m, 2]`` row indices into ``first`` and
        ``second``.
    """
    i, j = np.meshgrid(np.arange(len(first)), np.arange(len(second)), indexing="ij")
    i, j = i.ravel(), j.ravel()
    sums = np.asarray(first)[i] + np.asarray(second)[j]
    keep = pareto_front(sums)
    return sums[keep], np.stack([i[keep], j[keep]], axis=1)
