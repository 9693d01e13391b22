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

    ``low`` is the gainer's reservation point (the least it accepts), ``high`` the
    loser's (the most it concedes); where ``low <= high`` the zone is open and the
    split gives ``gainer_first`` and ``loser_first``, the line under each proposer order.
    """

    low: np.ndarray
    high: np.ndarray
    open: np.ndarray
    gainer_first: np.ndarray
    loser_first: np.ndarray


def rubinstein_split(low: np.ndarray, high: np.ndarray, delta_gainer: np.ndarray,
                     delta_loser: np.ndarray) -> RubinsteinSplit:
    r"""Split the interval between the parties' reservation points on the line.

    Fighting goes on while they talk, so it is the inside option (Binmore, Rubinstein &
    Wolinsky 1986): what is split is :math:`[x_{low}, x_{high}]`, one round a month. The
    gainer proposing first takes the share :func:`rubinstein_share` of the interval.

    References
    ----------
    Rubinstein, A. (1982); Binmore, K., Rubinstein, A. & Wolinsky, A. (1986) The Nash
    bargaining solution in economic modelling. *RAND J. Economics* 17(2): 176-188.
    """
    is_open = high - low >= 0
    low_, high_ = np.where(is_open, low, 0.0), np.where(is_open, high, 0.0)
    width = high_ - low_
    gainer_first = low_ + width * rubinstein_share(delta_gainer, delta_loser)
    loser_first = high_ - width * rubinstein_share(delta_loser, delta_gainer)
    nan = np.full(np.shape(width), np.nan)
    return RubinsteinSplit(low=low, high=high, open=is_open,
                           gainer_first=np.where(is_open, gainer_first, nan),
                           loser_first=np.where(is_open, loser_first, nan))
