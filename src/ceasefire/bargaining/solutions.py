"""Solutions of the bargaining problem over a finite set of packages (MODELS.md section 3).

Each solution takes expected surpluses ``S[P, k]`` (package x belligerent, ``V - W``
averaged over draws) and a mask of admissible packages (those where every veto player's
expected surplus is positive). Where nothing is admissible the answer is "no agreement",
never a product of negative numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "RubinsteinSplit",
    "Solution",
    "egalitarian",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein_share",
    "rubinstein_split",
]


@dataclass(frozen=True)
class Solution:
    """The chosen package (``None``: no agreement) and the score that chose it."""

    name: str
    index: int | None
    score: float | None


def _admissible(surplus: np.ndarray, admissible: np.ndarray | None) -> np.ndarray:
    ok = np.all(surplus > 0, axis=1)
    return ok if admissible is None else ok & admissible


def nash_bargaining(surplus: np.ndarray, admissible: np.ndarray | None = None,
                    weights: np.ndarray | None = None) -> Solution:
    r"""Nash (1950): the package maximising the product of surpluses.

    .. math:: d^* = \arg\max_d \prod_i S_i(d)^{\beta_i}

    computed as a sum of logarithms; invariant to positive affine rescaling of any party's
    utilities (which rescales its surplus). ``weights`` beta give the asymmetric version.

    References
    ----------
    Nash, J. (1950) The bargaining problem. *Econometrica* 18(2): 155-162.
    """
    ok = _admissible(surplus, admissible)
    if not ok.any():
        return Solution("nash", None, None)
    beta = np.ones(surplus.shape[1]) if weights is None else np.asarray(weights, float)
    score = np.where(ok, (np.log(np.where(ok[:, None], surplus, 1.0)) * beta).sum(1), -np.inf)
    best = int(np.argmax(score))
    return Solution("nash", best, float(np.exp(score[best])))


def kalai_smorodinsky(surplus: np.ndarray, admissible: np.ndarray | None = None) -> Solution:
    r"""Kalai & Smorodinsky (1975) on a finite set.

    The ideal point is each party's best surplus over the admissible set; the solution is
    the package maximising :math:`\lambda = \min_i S_i / \mathrm{ideal}_i` (the furthest
    point along the ray from disagreement to the ideal), ties broken by the sum of the
    normalised surpluses (the efficient one).

    References
    ----------
    Kalai, E. & Smorodinsky, M. (1975) Other solutions to Nash's bargaining problem.
    *Econometrica* 43(3): 513-518.
    """
    ok = _admissible(surplus, admissible)
    if not ok.any():
        return Solution("kalai-smorodinsky", None, None)
    ideal = np.where(ok[:, None], surplus, -np.inf).max(axis=0)
    ratio = surplus / ideal
    lam = np.where(ok, ratio.min(axis=1), -np.inf)
    tie = np.where(ok, ratio.sum(axis=1), -np.inf)
    best = int(np.lexsort((-tie, -lam))[0])
    return Solution("kalai-smorodinsky", best, float(lam[best]))


def egalitarian(surplus: np.ndarray, war_value: np.ndarray,
                admissible: np.ndarray | None = None) -> Solution:
    r"""Egalitarian solution with surpluses in comparable units (MODELS.md section 3).

    Maximises :math:`\min_i S_i / |W_i|` (each surplus as a share of the party's value of
    fighting on), ties broken leximin (then by the second-smallest share, and so on).

    References
    ----------
    Kalai, E. (1977) Proportional solutions to bargaining situations. *Econometrica*
    45(7): 1623-1630.
    """
    ok = _admissible(surplus, admissible)
    if not ok.any():
        return Solution("egalitarian", None, None)
    shares = np.sort(surplus / np.maximum(np.abs(war_value), 1e-12), axis=1)
    keys = [np.where(ok, -shares[:, k], np.inf) for k in reversed(range(shares.shape[1]))]
    best = int(np.lexsort(keys)[0])
    return Solution("egalitarian", best, float(shares[best, 0]))


def rubinstein_share(delta_proposer: np.ndarray | float,
                     delta_responder: np.ndarray | float) -> np.ndarray:
    r"""The first proposer's share in Rubinstein's alternating-offers game.

    .. math:: x^* = \frac{1 - \delta_2}{1 - \delta_1 \delta_2}

    the unique subgame-perfect equilibrium, with immediate agreement. The share rises
    with the proposer's patience and falls with the responder's.

    References
    ----------
    Rubinstein, A. (1982) Perfect equilibrium in a bargaining model. *Econometrica*
    50(1): 97-109.
    """
    d1 = np.asarray(delta_proposer, dtype=float)
    d2 = np.asarray(delta_responder, dtype=float)
    return (1 - d2) / (1 - d1 * d2)


@dataclass(frozen=True)
class RubinsteinSplit:
    """Rubinstein's split of the zone of agreement on the line question, per draw.

    ``low`` is the gainer's reservation point (the least line it accepts; ``inf``: none),
    ``high`` the loser's (the most it concedes; ``-inf``: none); where ``low <= high``
    the zone is open and the split gives ``gainer_first`` and ``loser_first``, the line
    under each proposer order (NaN where the zone is shut).
    """

    low: np.ndarray
    high: np.ndarray
    open: np.ndarray
    gainer_first: np.ndarray
    loser_first: np.ndarray


def rubinstein_split(grid: np.ndarray, net_gainer: np.ndarray, net_loser: np.ndarray,
                     delta_gainer: np.ndarray, delta_loser: np.ndarray) -> RubinsteinSplit:
    r"""Rubinstein's split of the surpluses along the line question (MODELS.md section 3).

    ``net_gainer`` and ``net_loser`` ``[grid, draws]`` are each party's net surplus from a
    line at ``grid`` (deal value minus continuation value, in its own units). A party
    accepts the lines where its net surplus is at least 0; the zone is where both do.
    Fighting goes on while they talk, so it is the inside option (Binmore, Rubinstein &
    Wolinsky 1986), one round a month. Each party's surplus is in its own units and not
    linear in x, so what is split is the surplus, not x: with the gainer proposing first
    the line is the x in the zone where the gainer's share of the summed surpluses,

    .. math:: rac{S_g(x)}{S_g(x) + S_l(x)} = rac{1 - \delta_l}{1 - \delta_g \delta_l},

    its Rubinstein share (:func:`rubinstein_share`); with the loser first, where the
    loser's share equals its own. The share rises with x (the gainer's surplus grows as the
    loser's shrinks), so the crossing is found on the grid and interpolated linearly;
    where the share never reaches the target, the nearest end of the zone is taken.

    References
    ----------
    Rubinstein, A. (1982) Perfect equilibrium in a bargaining model. *Econometrica* 50(1);
    Binmore, K., Rubinstein, A. & Wolinsky, A. (1986) The Nash bargaining solution in
    economic modelling. *RAND J. Economics* 17(2): 176-188.
    """
    grid = np.asarray(grid, dtype=float)
    ok_gainer, ok_loser = net_gainer >= 0, net_loser >= 0
    # the least the gainer accepts, the most the loser concedes (inf/-inf: none)
    low = np.where(ok_gainer.any(0), grid[np.argmax(ok_gainer, axis=0)], np.inf)
    high = np.where(ok_loser.any(0), grid[len(grid) - 1 - np.argmax(ok_loser[::-1], axis=0)],
                    -np.inf)
    is_open = high - low >= 0
    zone = ok_gainer & ok_loser
    gain, lose = np.maximum(net_gainer, 0.0), np.maximum(net_loser, 0.0)
    total = gain + lose
    share = np.where(total > 0, gain / np.where(total > 0, total, 1.0), 0.5)
    gainer_first = _crossing(grid, share, zone, rubinstein_share(delta_gainer, delta_loser))
    loser_first = _crossing(grid, share, zone, 1 - rubinstein_share(delta_loser, delta_gainer))
    nan = np.full(np.shape(low), np.nan)
    return RubinsteinSplit(low=low, high=high, open=is_open,
                           gainer_first=np.where(is_open, gainer_first, nan),
                           loser_first=np.where(is_open, loser_first, nan))


def _crossing(grid: np.ndarray, share: np.ndarray, zone: np.ndarray,
              target: np.ndarray) -> np.ndarray:
    """Per draw, the x in the zone where ``share[grid, draws]`` first reaches ``target``."""
    inside = np.where(zone, share, np.nan)
    reached = zone & (share >= target[None])
    first = np.argmax(reached, axis=0)
    any_reached = reached.any(0)
    last_in = len(grid) - 1 - np.argmax(zone[::-1], axis=0)
    first_in = np.argmax(zone, axis=0)
    k = np.where(any_reached, first, last_in)
    previous = np.maximum(k - 1, 0)
    draws = np.arange(share.shape[1])
    s1, s0 = inside[k, draws], inside[previous, draws]
    step = np.where(any_reached & (k > first_in) & np.isfinite(s0) & (s1 > s0),
                    (target - s0) / np.where(s1 > s0, s1 - s0, 1.0), 1.0)
    x = grid[previous] + np.clip(step, 0.0, 1.0) * (grid[k] - grid[previous])
    return np.where(any_reached & (k == first_in), grid[first_in], x)
