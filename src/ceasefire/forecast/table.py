"""The stakeholder table every forecasting model reads.

A table lists actors (capability; position and salience on each contested dimension)
and the dimensions (id, name, scale, status quo). Positions stay on the input's own
scale; models that work on the unit interval rescale with :meth:`StakeholderTable.unit_positions`
and map their answers back with :meth:`StakeholderTable.from_unit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ceasefire.errors import InputError

__all__ = ["StakeholderTable", "make_table"]


def _frozen_array(values: object, dtype: type = float) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class StakeholderTable:
    """Actors' capabilities, positions and saliences on one or more dimensions.

    Attributes
    ----------
    actor_ids, actor_names
        One entry per actor; ids are unique.
    dimension_ids, dimension_names
        One entry per dimension; ids are unique.
    positions
        ``[actors, dimensions]`` on each dimension's own scale.
    saliences
        ``[actors, dimensions]`` fractions in [0, 1].
    capabilities
        ``[actors]``, non-negative, any unit.
    scale_low, scale_high
        ``[dimensions]``: the ends of each dimension's scale (``low < high``).
    status_quo
        ``[dimensions]``: the reference point; NaN where the input gives none.
    title, source
        Free text: the scenario's name and where the table came from.
    accommodation
        Optional ``[actors, actors]`` matrix (KTAB's ideal adjustment); ``None`` means identity.
    """

    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    dimension_ids: tuple[str, ...]
    dimension_names: tuple[str, ...]
    positions: np.ndarray
    saliences: np.ndarray
    capabilities: np.ndarray
    scale_low: np.ndarray
    scale_high: np.ndarray
    status_quo: np.ndarray
    title: str = ""
    source: str = ""
    accommodation: np.ndarray | None = field(default=None)

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.actor_ids)

    @property
    def n_dimensions(self) -> int:
        """Number of dimensions."""
        return len(self.dimension_ids)

    def dimension_index(self, dimension: str | int | None) -> int:
        """Return the index of a dimension given by id, name or index (``None``: the only one)."""
        if dimension is None:
            if self.n_dimensions != 1:
                raise InputError(
                    f"{self.source or 'table'}: the table has {self.n_dimensions} dimensions "
                    f"({', '.join(self.dimension_ids)}) and no dimension was chosen "
                    "(hint: pass --dimension ID)"
                )
            return 0
        if isinstance(dimension, int):
            if 0 <= dimension < self.n_dimensions:
                return dimension
        else:
            for index, (dim_id, name) in enumerate(
                zip(self.dimension_ids, self.dimension_names, strict=True)
            ):
                if dimension in (dim_id, name):
                    return index
        raise InputError(
            f"{self.source or 'table'}: dimension {dimension!r} is not in the table; "
            f"allowed: {', '.join(self.dimension_ids)} (hint: check --dimension)"
        )

    def select(self, dimensions: Sequence[str | int]) -> StakeholderTable:
        """Return the table restricted to the given dimensions (ids, names or indices)."""
        index = [self.dimension_index(d) for d in dimensions]
        sq = self.status_quo[index]
        return make_table(
            actor_ids=self.actor_ids,
            actor_names=self.actor_names,
            dimension_ids=[self.dimension_ids[i] for i in index],
            dimension_names=[self.dimension_names[i] for i in index],
            positions=self.positions[:, index],
            saliences=self.saliences[:, index],
            capabilities=self.capabilities,
            scale_low=self.scale_low[index],
            scale_high=self.scale_high[index],
            status_quo=sq,
            title=self.title,
            source=self.source,
            accommodation=self.accommodation,
        )

    def unit_positions(self) -> np.ndarray:
        """Positions rescaled to [0, 1]: ``(x - low) / (high - low)``, ``[actors, dimensions]``."""
        return (self.positions - self.scale_low) / (self.scale_high - self.scale_low)

    def from_unit(self, unit: np.ndarray) -> np.ndarray:
        """Map values on [0, 1] back to each dimension's scale (last axis is dimensions)."""
        return np.asarray(unit) * (self.scale_high - self.scale_low) + self.scale_low

    def with_actors(self, keep: np.ndarray) -> StakeholderTable:
        """Return the table with only the actors where ``keep`` is true (or the listed indices)."""
        keep = np.asarray(keep)
        index = np.flatnonzero(keep) if keep.dtype == bool else keep
        acc = None
        if self.accommodation is not None:
            acc = self.accommodation[np.ix_(index, index)]
        return make_table(
            actor_ids=[self.actor_ids[i] for i in index],
            actor_names=[self.actor_names[i] for i in index],
            dimension_ids=self.dimension_ids,
            dimension_names=self.dimension_names,
            positions=self.positions[index],
            saliences=self.saliences[index],
            capabilities=self.capabilities[index],
            scale_low=self.scale_low,
            scale_high=self.scale_high,
            status_quo=self.status_quo,
            title=self.title,
            source=self.source,
            accommodation=acc,
        )

    def replace(self, **changes: object) -> StakeholderTable:
        """Return a copy with some fields changed (validated again)."""
        fields = {
            name: getattr(self, name)
            for name in (
                "actor_ids", "actor_names", "dimension_ids", "dimension_names", "positions",
                "saliences", "capabilities", "scale_low", "scale_high", "status_quo", "title",
                "source", "accommodation",
            )
        }
        fields.update(changes)
        return make_table(**fields)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """Plain-data form (ids as keys), used for content hashes and JSON."""
        dims = self.dimension_ids
        sq = [None if np.isnan(v) else float(v) for v in self.status_quo]
        return {
            "title": self.title,
            "dimensions": [
                {
                    "id": d,
                    "name": n,
                    "low": float(self.scale_low[k]),
                    "high": float(self.scale_high[k]),
                    "status_quo": sq[k],
                }
                for k, (d, n) in enumerate(zip(dims, self.dimension_names, strict=True))
            ],
            "actors": [
                {
                    "id": a,
                    "name": self.actor_names[i],
                    "capability": float(self.capabilities[i]),
                    "positions": {d: float(self.positions[i, k]) for k, d in enumerate(dims)},
                    "saliences": {d: float(self.saliences[i, k]) for k, d in enumerate(dims)},
                }
                for i, a in enumerate(self.actor_ids)
            ],
        }


def make_table(
    *,
    actor_ids: Sequence[str],
    positions: object,
    saliences: object,
    capabilities: object,
    dimension_ids: Sequence[str] | None = None,
    actor_names: Sequence[str] | None = None,
    dimension_names: Sequence[str] | None = None,
    scale_low: object = None,
    scale_high: object = None,
    status_quo: object = None,
    title: str = "",
    source: str = "",
    accommodation: object = None,
) -> StakeholderTable:
    """Build and validate a :class:`StakeholderTable`.

    Parameters
    ----------
    actor_ids
        Unique actor ids.
    positions, saliences
        ``[actors, dimensions]`` (a 1-D array means one dimension). Saliences are fractions
        in [0, 1].
    capabilities
        ``[actors]``, non-negative.
    dimension_ids, actor_names, dimension_names
        Defaults: ``dim0, dim1, ...`` and the ids.
    scale_low, scale_high
        Ends of each dimension's scale; default the smallest and largest position (widened
        by one when all positions are equal).
    status_quo
        Reference point per dimension; default NaN (none given).
    title, source
        Free text: the table's name and where it came from (used in messages).
    accommodation
        Optional ``[actors, actors]`` ideal-adjustment matrix (KTAB XML).

    Raises
    ------
    InputError
        Shapes disagree, ids repeat, values are not finite or out of range.
    """
    where = source or "stakeholder table"
    ids = tuple(str(a) for a in actor_ids)
    n = len(ids)
    pos = np.array(positions, dtype=float)
    sal = np.array(saliences, dtype=float)
    if pos.ndim == 1:
        pos = pos[:, None]
    if sal.ndim == 1:
        sal = sal[:, None]
    if pos.ndim != 2 or pos.shape[0] != n:
        raise InputError(
            f"{where}: positions have shape {pos.shape}, expected ({n}, dimensions) for "
            f"{n} actors (hint: one row per actor)"
        )
    d = pos.shape[1]
    if sal.shape != pos.shape:
        raise InputError(
            f"{where}: saliences have shape {sal.shape}, positions {pos.shape}; they must match "
            "(hint: give one salience per actor and dimension)"
        )
    cap = np.array(capabilities, dtype=float).reshape(-1)
    if cap.shape != (n,):
        raise InputError(f"{where}: {cap.size} capabilities for {n} actors (hint: one per actor)")
    if n == 0:
        raise InputError(f"{where}: the table has no actors (hint: add at least one actor row)")
    if d == 0:
        raise InputError(f"{where}: the table has no dimensions (hint: add a position column)")
    if len(set(ids)) != n:
        dup = sorted({a for a in ids if ids.count(a) > 1})
        raise InputError(f"{where}: actor ids repeat: {', '.join(dup)} (hint: make ids unique)")
    dims = tuple(str(x) for x in (dimension_ids or [f"dim{k}" for k in range(d)]))
    if len(dims) != d or len(set(dims)) != d:
        raise InputError(
            f"{where}: {len(dims)} dimension ids {dims} for {d} position columns, or ids repeat "
            "(hint: one unique id per dimension)"
        )
    for name, arr in (("positions", pos), ("saliences", sal), ("capabilities", cap)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{where}: {name} contain a missing or non-finite value "
                             "(hint: fill every cell with a number)")
    if np.any(cap < 0):
        bad = [ids[i] for i in np.flatnonzero(cap < 0)]
        raise InputError(f"{where}: negative capability for {', '.join(bad)}; allowed: >= 0")
    if np.any(sal < 0) or np.any(sal > 1 + 1e-12):
        i, k = np.argwhere((sal < 0) | (sal > 1 + 1e-12))[0]
        raise InputError(
            f"{where}: salience of {ids[i]} on {dims[k]} is {sal[i, k]}; allowed: [0, 1] "
            "(hint: divide 0-100 saliences by 100)"
        )
    lo = (np.min(pos, axis=0) if scale_low is None
          else np.array(scale_low, dtype=float).reshape(-1))
    hi = (np.max(pos, axis=0) if scale_high is None
          else np.array(scale_high, dtype=float).reshape(-1))
    if scale_low is None and scale_high is None:
        same = hi <= lo
        hi = np.where(same, lo + 1.0, hi)
    if lo.shape != (d,) or hi.shape != (d,) or np.any(~(lo < hi)):
        raise InputError(
            f"{where}: scale ends low={lo.tolist()} high={hi.tolist()}; each dimension needs "
            "low < high (hint: fix the scale of each dimension)"
        )
    sq = (np.full(d, np.nan) if status_quo is None
          else np.array(status_quo, dtype=float).reshape(-1))
    if sq.shape != (d,):
        raise InputError(f"{where}: {sq.size} status-quo values for {d} dimensions")
    acc = None
    if accommodation is not None:
        acc = _frozen_array(accommodation)
        if acc.shape != (n, n):
            raise InputError(f"{where}: accommodation matrix has shape {acc.shape}, "
                             f"expected ({n}, {n})")
    names = tuple(str(x) for x in (actor_names or ids))
    dnames = tuple(str(x) for x in (dimension_names or dims))
    if len(names) != n or len(dnames) != d:
        raise InputError(f"{where}: {len(names)} actor names for {n} actors or "
                         f"{len(dnames)} dimension names for {d} dimensions")
    return StakeholderTable(
        actor_ids=ids,
        actor_names=names,
        dimension_ids=dims,
        dimension_names=dnames,
        positions=_frozen_array(pos),
        saliences=_frozen_array(sal),
        capabilities=_frozen_array(cap),
        scale_low=_frozen_array(lo),
        scale_high=_frozen_array(hi),
        status_quo=_frozen_array(sq),
        title=title,
        source=source,
        accommodation=acc,
    )
