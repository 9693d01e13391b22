r"""Strategies off the equilibrium: how a party offers and votes in one month of talks.

The forward pass of the bargaining game (MODELS.md 2.5) asks, each month, the proposer
of the month for an offer and every veto player for its vote. The equilibrium answers
both from the gains

.. math:: g_{pj} = r_p (V_j(p) - X_j) - (1 - r_{jp}) a_{jp},

each player's expected gain from package p signed now against fighting on, in units of
its war-cost annuity (``[P, J, N]``: packages, players, paths). A strategy answers them
another way, for what-ifs: a party that concedes on the clock, one that imitates its
opponent, one that bluffs about its reservation value, a mediator that drafts a single
negotiating text. Strategies only read gains: continuation values come from the
equilibrium solve and are never recomputed here.

Every function is pure and vectorised over paths; the state a strategy needs (the last
offers, the mediator's text) is carried in :class:`History`, which the caller updates
with :meth:`History.record` after each month.

References
----------
Rubinstein, A. (1982) Perfect equilibrium in a bargaining model. *Econometrica* 50(1):
97-109. doi:10.2307/1912531
Merlo, A. & Wilson, C. (1995) A stochastic model of sequential bargaining with complete
information. *Econometrica* 63(2): 371-399.
Faratin, P., Sierra, C. & Jennings, N. R. (1998) Negotiation decision functions for
autonomous agents. *Robotics and Autonomous Systems* 24(3-4): 159-182.
doi:10.1016/S0921-8890(98)00029-3
Raiffa, H. (1982) *The Art and Science of Negotiation*. Harvard University Press.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import ClassVar, Protocol

import numpy as np

from ceasefire.errors import InputError

__all__ = [
    "MEDIATOR_ONLY",
    "STRATEGIES",
    "Bluff",
    "Equilibrium",
    "History",
    "SingleText",
    "SplitDifference",
    "Strategy",
    "TimeBased",
    "TitForTat",
    "View",
    "acceptable",
    "apply_bluffs",
    "bluff_amounts",
    "concession_target",
    "parse_strategies",
    "respond",
    "strategy",
]

NONE = -1
"""Package index meaning "no offer"."""
_TINY = 1e-12


# --- what a player sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """What was offered so far, per path.

    Attributes
    ----------
    last : ndarray of int, ``[J, N]``
        The last package each player offered (-1: none yet). For a mediator on
        :class:`SingleText` this is its current text.
    before : ndarray of int, ``[J, N]``
        The package each player offered before its last one (-1: none).
    previous : ndarray of int, ``[N]``
        The package offered in the previous month (-1: none).
    previous_by : ndarray of int, ``[N]``
        The player who offered it (-1: none).
    """

    last: np.ndarray
    before: np.ndarray
    previous: np.ndarray
    previous_by: np.ndarray

    @classmethod
    def empty(cls, players: int, paths: int) -> History:
        """The history before the first month: nothing offered."""
        return cls(last=np.full((players, paths), NONE), before=np.full((players, paths), NONE),
                   previous=np.full(paths, NONE), previous_by=np.full(paths, NONE))

    def record(self, proposer: np.ndarray, offered: np.ndarray) -> History:
        """The history after a month in which ``proposer`` ``[N]`` offered ``offered`` ``[N]``.

        ``proposer`` is a player index per path (-1 where nobody proposed, e.g. a deal
        holds). Only real offers (``offered >= 0``) move ``last`` and ``before``; the
        previous month's offer is -1 where none was made.
        """
        proposer = np.asarray(proposer)
        offered = np.where(proposer >= 0, np.asarray(offered), NONE)
        made = np.flatnonzero(offered >= 0)
        who = proposer[made]
        last, before = self.last.copy(), self.before.copy()
        before[who, made] = last[who, made]
        last[who, made] = offered[made]
        return History(last=last, before=before, previous=offered,
                       previous_by=np.where(offered >= 0, proposer, NONE))


@dataclass(frozen=True)
class View:
    r"""What ``player`` sees in month ``t`` when ``proposer`` has the floor.

    Attributes
    ----------
    t : int
        The month (0 first).
    months : int
        The deadline of time-based tactics (Faratin's :math:`t_{max}`).
    player : int
        The player who acts: the proposer when offering, a responder when voting.
    proposer : int
        The proposer of the month.
    gain : ndarray, ``[P, J, N]``
        Gains as ``player`` sees them: its own row true, other bluffers' rows as they
        claim them (:func:`apply_bluffs`). :math:`g \ge 0` is the equilibrium
        responder's acceptance against a belligerent's offer.
    required : ndarray of bool, ``[P, J]``
        Whether each player's veto applies to each package.
    floor : ndarray, ``[J, N]``
        The value of refusing the proposer's offer, less the value of fighting on: the
        threat jumps when the proposer is the mediator (MODELS.md 2.6), zeros otherwise.
        An equilibrium responder accepts iff ``gain >= floor``.
    history : History
        The offers so far.
    mediator : int or None
        The mediator's player index, if the game has one.
    plan : int or None
        The package index of the mediator's plan, if it has one.
    """

    t: int
    months: int
    player: int
    proposer: int
    gain: np.ndarray
    required: np.ndarray
    floor: np.ndarray
    history: History
    mediator: int | None = None
    plan: int | None = None

    @property
    def own(self) -> np.ndarray:
        """``[P, N]`` the acting player's own gain from each package."""
        return self.gain[:, self.player]

    def of(self, offered: np.ndarray) -> np.ndarray:
        """``[J, N]`` every player's gain from the package ``offered`` ``[N]`` (-1: none, 0)."""
        rows = np.arange(self.gain.shape[-1])
        picked = self.gain[np.maximum(offered, 0), :, rows].T
        return np.where(np.asarray(offered)[None] >= 0, picked, 0.0)


class Strategy(Protocol):
    """How a party offers and votes; every method is pure and vectorised over paths."""

    mediator_only: ClassVar[bool]

    @property
    def name(self) -> str:
        """The registry name that makes this strategy (``parse_strategies`` reads it)."""
        ...

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the package index offered by ``view.player`` (-1: none)."""
        ...

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` whether ``view.player`` votes for ``offered`` (False where -1)."""
        ...


# --- shared rules ----------------------------------------------------------------------------


def acceptable(gain: np.ndarray, required: np.ndarray, floor: np.ndarray,
               proposer: int) -> np.ndarray:
    r"""``[P, N]`` whether every veto player other than ``proposer`` accepts each package.

    .. math:: F_{pn} = \forall j \ne k:\ \lnot \mathrm{req}_{pj} \lor g_{pjn} \ge f_{jn}

    with k the proposer and f the floor (MODELS.md 2.5-2.6). Acceptance is predicted
    from the gains as the proposer sees them, so a bluffer is believed.
    """
    accept = (gain >= floor[None]) | ~required[:, :, None]
    accept[:, proposer] = True
    return accept.all(axis=1)


def _accepts_at(view: View, offered: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """``[N]`` whether ``offered`` gives the player at least ``threshold`` ``[N]``."""
    offered = np.asarray(offered)
    return (offered >= 0) & (view.of(offered)[view.player] >= threshold)


def concession_target(t: int, months: int, best: np.ndarray, reserve: np.ndarray | float,
                      concession: float) -> np.ndarray:
    r"""Faratin's polynomial time-dependent target utility.

    .. math:: \tau(t) = u_{max} - (u_{max} - u_{res})\,\min(t / t_{max}, 1)^{1/e}

    ``best`` is :math:`u_{max}`, ``reserve`` :math:`u_{res}`, ``months`` the deadline
    :math:`t_{max}` and ``concession`` e: Boulware e < 1 holds out until the deadline,
    conceder e > 1 gives way at once, e = 1 concedes linearly. With :math:`u_{max} <
    u_{res}` the target is the reserve.

    References
    ----------
    Faratin, P., Sierra, C. & Jennings, N. R. (1998) Negotiation decision functions for
    autonomous agents. *Robotics and Autonomous Systems* 24(3-4): 159-182.
    """
    reserve = np.asarray(reserve, dtype=float)
    top = np.maximum(best, reserve)
    share = min(max(t, 0) / max(months, 1), 1.0) ** (1.0 / concession)
    return np.maximum(top - (top - reserve) * share, reserve)


def _closest_above(view: View, target: np.ndarray) -> np.ndarray:
    """``[N]`` the package whose own gain is the least at or above ``target`` ``[N]``.

    Exact ties go to the package the other veto players like best (the largest
    smallest gain among them), then to the lowest index; -1 where no package reaches
    the target.
    """
    own = view.own
    above = own >= target[None]
    distance = np.where(above, own - target[None], np.inf)
    nearest = above & (distance == distance.min(axis=0)[None])
    others = view.required[:, :, None] & (np.arange(view.gain.shape[1]) != view.player)[
        None, :, None]
    liked = np.where(others, view.gain, np.inf).min(axis=1)
    pick = np.where(nearest, liked, -np.inf).argmax(axis=0)
    return np.where(above.any(axis=0), pick, NONE)


def _best(view: View) -> np.ndarray:
    """``[N]`` the acting player's best gain over all packages, at least 0 (u_max)."""
    return np.maximum(view.own.max(axis=0), 0.0)


# --- the strategies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Equilibrium:
    r"""The equilibrium strategy of the solver (MODELS.md 2.5): the default.

    *Offer.* With F the packages every other veto player accepts (:func:`acceptable`),
    a belligerent proposer k offers

    .. math:: p^* = \arg\max_{p \in F} g_{pk} \quad \text{if } g_{p^*k} \ge 0,

    nothing otherwise; the mediator offers the :math:`p \in F` it values most, and when F
    is empty it tables its plan (which will be refused). Ties go to the lowest package
    index. This reproduces ``equilibrium._offers`` exactly.

    *Vote.* Accept iff :math:`g_{pj} \ge f_j` (the floor: threat jumps for the
    mediator's offers, 0 otherwise).

    References
    ----------
    Merlo, A. & Wilson, C. (1995) *Econometrica* 63(2): 371-399; Yildiz, M. (2003)
    Bargaining without a common prior. *Econometrica* 71(3): 793-811.
    """

    mediator_only: ClassVar[bool] = False

    @property
    def name(self) -> str:
        """``"equilibrium"``."""
        return "equilibrium"

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the accepted package that serves the proposer best (-1: none)."""
        n = view.gain.shape[-1]
        feasible = acceptable(view.gain, view.required, view.floor, view.player)
        score = np.where(feasible, view.own, -np.inf)
        best = score.argmax(axis=0)
        top = score[best, np.arange(n)]
        mediator = view.player == view.mediator
        chosen = np.isfinite(top) if mediator else top >= 0
        package = np.where(chosen, best, NONE)
        if mediator and view.plan is not None:
            package = np.where(chosen, package, view.plan)
        return package

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` gain at least the floor."""
        return _accepts_at(view, offered, view.floor[view.player])


class _Targeted:
    """A tactic with a target gain.

    It offers the package closest to its target from above and accepts a gain at least
    the target (and the floor); each tactic defines ``target``.
    """

    def target(self, view: View) -> np.ndarray:
        raise TypeError(f"{type(self).__name__} defines no target")

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the package closest to the target from above."""
        return _closest_above(view, self.target(view))

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` gain at least the target (and the floor)."""
        return _accepts_at(view, offered,
                           np.maximum(self.target(view), view.floor[view.player]))


@dataclass(frozen=True)
class TimeBased(_Targeted):
    r"""Time-dependent concession (Faratin, Sierra & Jennings 1998).

    The target :math:`\tau(t)` of :func:`concession_target` falls from the player's
    best gain :math:`u_{max} = \max(0, \max_p g_{pj})` (over all candidate packages:
    what it could ask for) to :math:`u_{res} = 0`, its continuation value, at the
    deadline ``view.months``. Boulware (e = 0.2) holds out, linear (e = 1) concedes
    evenly, conceder (e = 5) gives way early.

    *Offer.* The package whose own gain is closest to :math:`\tau(t)` from above; exact
    ties to the one whose least-satisfied other veto player gains most.

    *Vote.* Accept iff the offer is at least as good as what the player would propose
    now (Faratin's acceptance rule): :math:`g_{pj} \ge \max(\tau(t), f_j)`. The party is
    moved by the clock, not by threats: it never accepts below its continuation value.

    References
    ----------
    Faratin, P., Sierra, C. & Jennings, N. R. (1998) *Robotics and Autonomous Systems*
    24(3-4): 159-182.
    """

    label: str = "linear"
    concession: float = 1.0
    mediator_only: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.concession) and self.concession > 0):
            raise InputError(f"TimeBased: concession must be a positive number, got "
                             f"{self.concession!r}")

    @property
    def name(self) -> str:
        """The tactic's name (``"boulware"``, ``"linear"``, ``"conceder"``)."""
        return self.label

    def target(self, view: View) -> np.ndarray:
        r"""``[N]`` the target gain :math:`\tau(t)` of ``view.player``."""
        return concession_target(view.t, view.months, _best(view), 0.0, self.concession)


@dataclass(frozen=True)
class TitForTat(_Targeted):
    r"""Relative tit-for-tat, the imitative tactic of Faratin, Sierra & Jennings (1998).

    The player concedes the share of its own range that its opponents conceded of
    theirs, each measured in its own gains this month. With :math:`\ell_o, b_o` the last
    and the one-before-last offers of opponent o (every other player but the mediator),
    :math:`R_j = \max(0, \max_p g_{pj})` the player's range and the opponents' mean
    concession share

    .. math:: s = \operatorname{mean}_o \frac{g_{b_o o} - g_{\ell_o o}}{R_o},

    the target is :math:`\tau = \min(\max(g_{\ell_j j} - s R_j, 0), R_j)`: it opens at
    its best (:math:`\tau = R_j` before its first offer), stands still while nobody
    concedes and hardens when an opponent does (s < 0). Opponents with fewer than two
    offers or no positive range are left out; with none, s = 0.

    *Offer.* The package closest to :math:`\tau` from above (as :class:`TimeBased`).
    *Vote.* Accept iff :math:`g_{pj} \ge \max(\tau, f_j)`.

    References
    ----------
    Faratin, P., Sierra, C. & Jennings, N. R. (1998) *Robotics and Autonomous Systems*
    24(3-4): 159-182 (imitative tactics); Axelrod, R. (1984) *The
    Evolution of Cooperation*. Basic Books.
    """

    mediator_only: ClassVar[bool] = False

    @property
    def name(self) -> str:
        """``"tit-for-tat"``."""
        return "tit-for-tat"

    def target(self, view: View) -> np.ndarray:
        """``[N]`` the target gain of ``view.player``."""
        gain, history = view.gain, view.history
        players, n = gain.shape[1], gain.shape[-1]
        rows = np.arange(n)
        span = np.maximum(gain.max(axis=0), 0.0)  # [J, N] each player's range
        last, before = history.last, history.before
        own_last = gain[np.maximum(last[view.player], 0), view.player, rows]
        opponent = np.ones(players, dtype=bool)
        opponent[view.player] = False
        if view.mediator is not None:
            opponent[view.mediator] = False
        at_last = np.take_along_axis(gain, np.maximum(last, 0)[None], axis=0)[0]
        at_before = np.take_along_axis(gain, np.maximum(before, 0)[None], axis=0)[0]
        usable = opponent[:, None] & (last >= 0) & (before >= 0) & (span > 0)
        share = np.where(usable, (at_before - at_last) / np.maximum(span, _TINY), 0.0)
        count = usable.sum(axis=0)
        mean = np.where(count > 0, share.sum(axis=0) / np.maximum(count, 1), 0.0)
        mine = span[view.player]
        moved = np.clip(own_last - mean * mine, 0.0, mine)
        return np.where(last[view.player] >= 0, moved, mine)


@dataclass(frozen=True)
class Bluff:
    r"""A party that overstates its reservation value by ``amount`` b >= 0 (annuity units).

    It plays ``base`` on its gains less b: it accepts only :math:`g_{pj} - b \ge f_j` and
    offers as if its gains were :math:`g_{pj} - b`. The others believe it: they predict
    its votes from :math:`g_{pj} - b` (:func:`apply_bluffs`, which the caller applies to
    the views of every other player). A bluff can win a better package from an
    equilibrium proposer, and costs the deals whose gain to the bluffer lies in
    [0, b): those months of war are the bluff's price.

    References
    ----------
    Schelling, T. C. (1960) *The Strategy of Conflict*. Harvard University Press, ch. 2;
    Fearon, J. D. (1995) Rationalist explanations for war. *International Organization*
    49(3): 379-414 (incentives to misrepresent).
    """

    amount: float
    base: Strategy = field(default_factory=Equilibrium)
    mediator_only: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amount) and self.amount >= 0):
            raise InputError(f"Bluff: the amount must be a number >= 0 (annuity units), got "
                             f"{self.amount!r}")

    @property
    def name(self) -> str:
        """``"bluff:<b>"``, with ``":<base>"`` when the base is not the equilibrium."""
        text = f"bluff:{self.amount:g}"
        return text if isinstance(self.base, Equilibrium) else f"{text}:{self.base.name}"

    def _claimed(self, view: View) -> View:
        gain = view.gain.copy()
        gain[:, view.player] -= self.amount
        return replace(view, gain=gain)

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the base strategy's offer on the claimed gains."""
        return self.base.offer(self._claimed(view))

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` the base strategy's vote on the claimed gains."""
        return self.base.accepts(self._claimed(view), offered)


def apply_bluffs(gain: np.ndarray, bluffs: np.ndarray, *, viewer: int | None = None,
                 ) -> np.ndarray:
    r"""``[P, J, N]`` the gains as the others believe them: :math:`g_{pj} - b_j`.

    ``bluffs`` ``[J]`` is each player's bluff b (0: none, :func:`bluff_amounts`); the
    ``viewer``'s own row is left true, since a player knows its own gains (the
    :class:`Bluff` wrapper shifts its own). Returns ``gain`` itself when nobody bluffs.
    """
    shift = np.asarray(bluffs, dtype=float).copy()
    if viewer is not None:
        shift[viewer] = 0.0
    if not shift.any():
        return gain
    return gain - shift[None, :, None]


def bluff_amounts(strategies: Mapping[int, Strategy], players: int) -> np.ndarray:
    """``[J]`` each player's bluff (0 for a player that does not bluff)."""
    out = np.zeros(players)
    for player, chosen in strategies.items():
        if isinstance(chosen, Bluff):
            out[player] = chosen.amount
    return out


@dataclass(frozen=True)
class SingleText:
    r"""The mediator's single negotiating text (Raiffa 1982).

    The mediator keeps one text per path (its last offer, ``history.last``), starting
    from its plan, or without one from the package it values most. Each month it
    revises the text: among the packages that leave no veto player of the text or of
    the package worse off, it moves to the one that raises the least-satisfied veto
    player (the smallest gain under the text) most,

    .. math:: d' = \arg\max_{p:\ g_{pj} \ge g_{dj}\ \forall j \in V} g_{p\,w},
              \quad w = \arg\min_{j \in V} g_{dj},

    and keeps the text when no package improves on it (ties: the lowest index). V are
    the players other than the mediator whose veto applies to d or p. It offers the
    text, acceptable or not; refusing it carries the threats, as for the equilibrium
    mediator's plan. *Vote* (where its veto applies): as :class:`Equilibrium`.

    References
    ----------
    Raiffa, H. (1982) *The Art and Science of Negotiation*. Harvard University Press,
    on the single negotiating text at Camp David.
    """

    mediator_only: ClassVar[bool] = True

    @property
    def name(self) -> str:
        """``"single-text"``."""
        return "single-text"

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the revised text."""
        gain, required = view.gain, view.required
        players, n = gain.shape[1], gain.shape[-1]
        rows = np.arange(n)
        start = (np.full(n, view.plan) if view.plan is not None
                 else view.own.argmax(axis=0))
        current = view.history.last[view.player]
        text = np.where(current >= 0, current, start)
        party = np.arange(players) != view.player
        at_text = gain[text, :, rows].T  # [J, N]
        veto_text = required[text].T & party[:, None]  # [J, N]
        veto = (required[:, :, None] | veto_text[None]) & party[None, :, None]  # [P, J, N]
        keeps = (~veto | (gain >= at_text[None])).all(axis=1)  # [P, N]
        least = np.where(veto_text, at_text, np.inf).argmin(axis=0)  # [N]
        raised = np.where(keeps, gain[:, least, rows], -np.inf)  # [P, N]
        best = raised.argmax(axis=0)
        better = (raised[best, rows] > at_text[least, rows]) & veto_text.any(axis=0)
        return np.where(better, best, text)

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` gain at least the floor."""
        return _accepts_at(view, offered, view.floor[view.player])


@dataclass(frozen=True)
class SplitDifference:
    r"""The mediator splits the difference: the egalitarian package in normalised gains.

    Each veto player's gain is normalised by its best gain over the candidates, and the
    mediator offers the package whose worst-off veto player (other than itself) fares
    best:

    .. math:: d = \arg\max_p \min_{j \in V_p} \frac{g_{pj}}{\max_q g_{qj}}

    (ties: the lowest index; :math:`\max_q g_{qj}` floored at a tiny positive number, so
    a party that gains from no package ranks every package below 0). It offers it
    whether or not it is accepted. The egalitarian split was preferred to "the midpoint
    of the last two offers" because packages are not points on a line: a midpoint is
    not defined on a multi-issue candidate set. *Vote*: as :class:`Equilibrium`.

    References
    ----------
    Kalai, E. (1977) Proportional solutions to bargaining situations: interpersonal
    utility comparisons. *Econometrica* 45(7): 1623-1630; Raiffa, H. (1982) *The Art and
    Science of Negotiation*. Harvard University Press.
    """

    mediator_only: ClassVar[bool] = True

    @property
    def name(self) -> str:
        """``"split-difference"``."""
        return "split-difference"

    def offer(self, view: View) -> np.ndarray:
        """``[N]`` the egalitarian package."""
        gain = view.gain
        party = np.arange(gain.shape[1]) != view.player
        top = np.maximum(gain.max(axis=0), _TINY)  # [J, N]
        veto = view.required[:, :, None] & party[None, :, None]
        score = np.where(veto, gain / top[None], np.inf).min(axis=1)  # [P, N]
        return score.argmax(axis=0)

    def accepts(self, view: View, offered: np.ndarray) -> np.ndarray:
        """``[N]`` gain at least the floor."""
        return _accepts_at(view, offered, view.floor[view.player])


def respond(strategies: Sequence[Strategy], views: Sequence[View],
            offered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every veto player's vote on ``offered`` ``[N]``.

    ``strategies[j]`` and ``views[j]`` are player j's (``views[j].player == j``). The
    proposer votes for its own offer and a player whose veto does not apply is not asked.

    Returns
    -------
    agreed : ndarray of bool, ``[N]``
        An offer was made and every veto player accepts it.
    refuses : ndarray of bool, ``[J, N]``
        Who refuses it (the targets of the threats when the proposer is the mediator).
    """
    offered = np.asarray(offered)
    made = offered >= 0
    refuses = np.zeros((len(strategies), offered.shape[0]), dtype=bool)
    for j, (chosen, view) in enumerate(zip(strategies, views, strict=True)):
        if j == view.proposer:
            continue
        asked = made & view.required[np.maximum(offered, 0), j]
        refuses[j] = asked & ~chosen.accepts(view, offered)
    return made & ~refuses.any(axis=0), refuses


# --- the registry --------------------------------------------------------------------------------


def _fixed(make: Callable[[], Strategy]) -> Callable[[str | None], Strategy]:
    def factory(argument: str | None) -> Strategy:
        if argument is not None:
            raise ValueError("takes no argument after ':'")
        return make()
    return factory


def _bluff(argument: str | None) -> Strategy:
    if argument is None:
        raise ValueError("needs an amount: bluff:<b>, b >= 0 in annuity units (e.g. bluff:0.5)")
    amount, _, base = argument.partition(":")
    try:
        b = float(amount)
    except ValueError:
        raise ValueError(f"the amount {amount!r} is not a number") from None
    if not (math.isfinite(b) and b >= 0):
        raise ValueError(f"the amount must be a number >= 0, got {amount!r}")
    return Bluff(b, strategy(base) if base else Equilibrium())


STRATEGIES: Mapping[str, Callable[[str | None], Strategy]] = MappingProxyType({
    "equilibrium": _fixed(Equilibrium),
    "boulware": _fixed(lambda: TimeBased("boulware", 0.2)),
    "linear": _fixed(lambda: TimeBased("linear", 1.0)),
    "conceder": _fixed(lambda: TimeBased("conceder", 5.0)),
    "tit-for-tat": _fixed(TitForTat),
    "bluff": _bluff,
    "single-text": _fixed(SingleText),
    "split-difference": _fixed(SplitDifference),
})
"""Strategy factories by name; each takes the text after the first ``:`` (or None)."""

MEDIATOR_ONLY = frozenset({"single-text", "split-difference"})
"""Strategies only the mediator may play."""

_SHOWN = ", ".join("bluff:<b>[:<base>]" if k == "bluff" else k for k in STRATEGIES)


def strategy(name: str, *, where: str = "strategy") -> Strategy:
    """The strategy a registry name makes (``"boulware"``, ``"bluff:0.5"``, ...).

    Raises
    ------
    InputError
        For an unknown name or a bad argument; the message lists the valid names.
    """
    key, colon, argument = name.strip().partition(":")
    if key not in STRATEGIES:
        raise InputError(f"{where}: unknown strategy {name!r}; allowed: {_SHOWN} "
                         f"(hint: pick one of them)")
    try:
        return STRATEGIES[key](argument if colon else None)
    except ValueError as error:
        raise InputError(f"{where}: strategy {name!r} {error}; allowed: {_SHOWN}") from None


def _mediator_only(chosen: Strategy) -> bool:
    return chosen.mediator_only or (isinstance(chosen, Bluff) and _mediator_only(chosen.base))


def parse_strategies(specs: Sequence[str], players: Sequence[str], *,
                     mediator: str | None = None,
                     where: str = "--strategy") -> dict[int, Strategy]:
    """Strategies chosen per player, from ``PLAYER=NAME`` texts (``RU=boulware``).

    ``players`` are the game's players in order; the result maps a player index to its
    strategy, and players not named play :class:`Equilibrium`. Mediator-only
    strategies (:data:`MEDIATOR_ONLY`) are refused for any other player.

    Raises
    ------
    InputError
        Naming the text given and what is allowed: a text without ``=``, an unknown
        player or strategy, a player named twice, a mediator-only strategy for another
        player.
    """
    out: dict[int, Strategy] = {}
    for spec in specs:
        player, eq, name = spec.partition("=")
        player, name = player.strip(), name.strip()
        here = f"{where} {spec!r}"
        if not eq or not player or not name:
            raise InputError(f"{here}: expected PLAYER=STRATEGY (e.g. RU=boulware); players: "
                             f"{', '.join(players)}; strategies: {_SHOWN}")
        if player not in players:
            raise InputError(f"{here}: unknown player {player!r}; players of this scenario: "
                             f"{', '.join(players)} (hint: use one of them)")
        index = players.index(player)
        if index in out:
            raise InputError(f"{here}: {player} is given a strategy twice (hint: keep one "
                             f"--strategy {player}=...)")
        chosen = strategy(name, where=here)
        if _mediator_only(chosen) and player != mediator:
            others = ", ".join(k for k in STRATEGIES if k not in MEDIATOR_ONLY)
            who = f"the mediator is {mediator}" if mediator else "this scenario has no mediator"
            raise InputError(f"{here}: {name!r} is a mediator's strategy and {who}; "
                             f"allowed for {player}: {others}")
        out[index] = chosen
    return out
