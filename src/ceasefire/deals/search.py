"""Answers over the evaluated space: zone, frontier, solutions, robust and nearest packages.

Every function takes a :class:`~ceasefire.deals.evaluate.SpaceValues` (rows are
packages) and returns row indices, so the same answers serve the CLI, the report and
Python users. The bargaining solutions themselves are those of
:mod:`ceasefire.bargaining.solutions`, applied to the whole space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ceasefire.bargaining.solutions import egalitarian, kalai_smorodinsky, nash_bargaining
from ceasefire.deals.evaluate import SpaceValues
from ceasefire.deals.pareto import pareto_front

__all__ = [
    "Choice",
    "admissible",
    "blocking_parties",
    "frontier",
    "likely_settlement",
    "most_robust",
    "nash_products",
    "nearest_acceptable",
    "plateau",
    "solve",
    "zone_of_agreement",
]


@dataclass(frozen=True)
class Choice:
    """A chosen package (row of the values, None: no agreement) and why.

    ``blocking`` names the veto players that no admissible package satisfies.
    """

    name: str
    row: int | None
    score: float | None
    blocking: tuple[str, ...] = ()


def zone_of_agreement(values: SpaceValues, p_star: float = 0.5) -> np.ndarray:
    r"""Rows where :math:`P(\text{all veto players accept}) \ge p^*` (MODELS.md section 2)."""
    return np.flatnonzero(values.p_all >= p_star)


def admissible(values: SpaceValues) -> np.ndarray:
    """``[P]``: every required veto player's expected surplus is positive (MODELS.md 3)."""
    return np.all((values.mean_surplus > 0) | ~values.required, axis=1)


def blocking_parties(values: SpaceValues, actors: tuple[str, ...]) -> tuple[str, ...]:
    """Veto players whose expected surplus is positive in no package that needs them.

    When no package is admissible and no single party blocks, every veto player is
    named: together they leave no package that all of them prefer to war.
    """
    blockers = tuple(a for k, a in enumerate(actors) if values.required[:, k].any()
                     and not (values.mean_surplus[values.required[:, k], k] > 0).any())
    if blockers or admissible(values).any():
        return blockers
    return tuple(a for k, a in enumerate(actors) if values.required[:, k].any())


def nash_products(values: SpaceValues, parties: list[int]) -> np.ndarray:
    r"""Nash product :math:`\prod_i S_i` over ``parties`` of admissible rows, else 0."""
    surplus = values.mean_surplus[:, parties]
    ok = admissible(values) & np.all(surplus > 0, axis=1)
    return np.where(ok, np.prod(np.where(ok[:, None], surplus, 1.0), axis=1), 0.0)


def solve(values: SpaceValues, actors: tuple[str, ...], parties: list[int],
          war_value: np.ndarray) -> dict[str, Choice]:
    """Nash, Kalai-Smorodinsky and egalitarian solutions over the space.

    Parameters
    ----------
    values
        The evaluated packages.
    actors
        Actor ids (columns of ``values``).
    parties
        Columns the solutions run over (the belligerents, DESIGN.md section 9.7); other
        veto players only constrain the admissible set.
    war_value
        ``[actors]`` the egalitarian normalisation: ``deals`` passes each actor's mean
        war-cost annuity A (MODELS.md 3; no quantity is scaled by |W|).

    References
    ----------
    Nash, J. (1950) The bargaining problem. *Econometrica* 18(2): 155-162.
    Kalai, E. & Smorodinsky, M. (1975) *Econometrica* 43(3): 513-518.
    Kalai, E. (1977) *Econometrica* 45(7): 1623-1630.
    """
    ok = admissible(values)
    surplus = values.mean_surplus[:, parties]
    blocking = blocking_parties(values, actors)
    out = {}
    for solution in (nash_bargaining(surplus, ok), kalai_smorodinsky(surplus, ok),
                     egalitarian(surplus, np.asarray(war_value)[parties], ok)):
        if solution.index is None:
            named = blocking or tuple(actors[k] for k in parties
                                      if not (surplus[ok, parties.index(k)] > 0).any())
            out[solution.name] = Choice(solution.name, None, None, named)
        else:
            out[solution.name] = Choice(solution.name, solution.index, solution.score)
    return out


def likely_settlement(values: SpaceValues, parties: list[int]) -> Choice:
    """The package with the highest P(all veto players accept), ties by the Nash product.

    DESIGN.md section 9.7.
    """
    if len(values.codes) == 0:
        return Choice("likely-settlement", None, None)
    order = np.lexsort((values.codes, -nash_products(values, parties), -values.all_count))
    row = int(order[0])
    return Choice("likely-settlement", row, float(values.p_all[row]))


def plateau(values: SpaceValues, row: int, z: float = 2.0) -> np.ndarray:
    r"""Rows whose P(all veto players accept) ties with row ``row``'s within Monte Carlo error.

    Package k ties with the best b when :math:`p_b - p_k \le z \sqrt{se_b^2 + se_k^2}`,
    with the binomial standard errors of each estimate (``z`` = 2 by default): the
    draws cannot tell them apart, so no one of them is *the* likely settlement.
    """
    from ceasefire.results.stats import standard_error

    p = values.p_all
    se = standard_error(p, values.draws)
    return np.flatnonzero(p[row] - p <= z * np.sqrt(se[row] ** 2 + se ** 2))


def most_robust(values: SpaceValues) -> Choice:
    r"""The package with the best worst case over draws.

    The highest ``quantile`` over draws of the least gain of signing over the required
    veto players, :math:`\min_j [r (V_j - X_j) - (1 - r_j) a_j] / A_j` (ties by P(all
    accept)); non-negative means every veto player accepts in all but that share of draws.
    """
    if values.robust is None or len(values.codes) == 0:
        return Choice("most-robust", None, None)
    robust = np.where(np.isnan(values.robust), -np.inf, values.robust)
    order = np.lexsort((values.codes, -values.all_count, -robust))
    row = int(order[0])
    return Choice("most-robust", row, float(values.robust[row]))


def frontier(values: SpaceValues, parties: list[int], rows: np.ndarray | None = None
             ) -> np.ndarray:
    """Rows on the Pareto frontier of expected surpluses over ``parties`` (exact)."""
    rows = np.arange(len(values.codes)) if rows is None else np.asarray(rows)
    return rows[pareto_front(values.mean_surplus[rows][:, parties])]


def nearest_acceptable(options: np.ndarray, proposal: np.ndarray, values: SpaceValues,
                       *, p_star: float = 0.5, max_distance: int = 3, per_distance: int = 5,
                       ) -> dict[int, np.ndarray]:
    """Acceptable packages with the fewest terms changed from ``proposal``.

    Parameters
    ----------
    options
        ``[P, issues]`` option indices of the rows of ``values``.
    proposal
        ``[issues]`` option indices of the proposal.
    values
        The evaluated packages.
    p_star, max_distance, per_distance
        Acceptability threshold, the largest Hamming distance searched and the rows kept
        at each distance (best P(all accept) first).

    Returns
    -------
    dict
        Distance (number of issues changed) -> rows, for distances 1..max_distance
        that have acceptable packages.
    """
    distance = (options != proposal[None]).sum(axis=1)
    good = values.p_all >= p_star
    out = {}
    for d in range(1, max_distance + 1):
        rows = np.flatnonzero(good & (distance == d))
        if len(rows):
            order = np.lexsort((values.codes[rows], -values.all_count[rows]))
            out[d] = rows[order[:per_distance]]
    return out
