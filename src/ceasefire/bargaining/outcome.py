"""What the month-by-month bargaining solver returns (MODELS.md 2.5 and 2.7).

Per-draw arrays of the forward pass, draws on the last axis, for
:mod:`ceasefire.bargaining.summary` to turn into the typed result. ``months`` is the
reporting window (the scenario's ``horizon_months``); the solver itself ran to
``solver_horizon`` (MODELS.md 2.5, the horizon rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["REASONS", "TACTIC", "Candidate", "Equilibrium", "Talks"]

REASONS = ("accepts", "belief", "ratification", "claim", "value")
"""Codes of :attr:`Equilibrium.reasons`: 0 the party accepts (or has no veto over the
package); otherwise the first of belief, ratification and claim whose removal alone
turns the refusal into acceptance, else value (MODELS.md 2.7)."""


@dataclass(frozen=True)
class Candidate:
    """A package the solver may offer: a named proposal or one found by the search."""

    id: str
    terms: Mapping[str, str]
    searched: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", MappingProxyType(dict(self.terms)))

    def __reduce__(self) -> tuple:
        """Pickle through a plain dict (a mapping proxy does not pickle)."""
        return (Candidate, (self.id, dict(self.terms), self.searched))


TACTIC = len(REASONS)
"""Code in :attr:`Talks.reason` of a refusal the equilibrium responder would not make:
the party's strategy refuses what its continuation value alone would accept."""


@dataclass(frozen=True)
class Talks:
    """The talks month by month on every forward path (``[months, ...draws]``).

    Attributes
    ----------
    proposer
        ``[months, draws]`` player index of the month's proposer (-1: no talks that month,
        because a deal holds or the path is replayed after a threat).
    offered
        ``[months, draws]`` candidate index offered (-1: nothing).
    refused, reason
        ``[months, players, draws]`` who refused the offer, and why: codes into
        :data:`REASONS`, or :data:`TACTIC`.
    agreed, ratified, collapsed
        ``[months, draws]`` every veto player accepted; it was ratified and signed; a
        deal in force collapsed at the start of the month.
    gain
        ``[months, players, draws]`` each player's gain from the offer,
        r (V - X) - (1 - r_j) a_j, in its own units (0 where nothing was offered).
    fired
        ``[months, draws]`` index into ``threats`` of the conditional lever carried out
        after a refusal that month (it acts from the next month), -1 none.
    threats, strategies
        The conditional levers' ids; each player's strategy name.
    paths
        The war paths the talks were played on (control, beliefs, opinion).
    """

    proposer: np.ndarray
    offered: np.ndarray
    refused: np.ndarray
    reason: np.ndarray
    agreed: np.ndarray
    ratified: np.ndarray
    collapsed: np.ndarray
    gain: np.ndarray
    fired: np.ndarray
    threats: tuple[str, ...]
    strategies: tuple[str, ...]
    paths: Any


@dataclass(frozen=True)
class Equilibrium:
    """The equilibrium on fresh paths drawn from the analyst's belief.

    Attributes
    ----------
    players
        Actors whose choices the solver models (belligerents, veto patrons, the mediator).
    proposers
        Actor ids that may propose, with ``proposer_probability`` ``[proposers]``.
    candidates
        The candidate packages, named proposals first (in scenario order).
    solver_horizon, fitting_paths, months
        The solver's T, fitting paths per outer draw, and the reporting window.
    signed
        ``[draws]`` month in which a comprehensive deal is signed (ratified), -1 if none
        within the window.
    package, proposer
        ``[draws]`` index of the signed candidate and of its proposer (-1 if none).
    collapsed
        ``[draws]`` month in which the first signed deal collapses, -1 if it holds through
        the window (or none was signed). After a collapse bargaining resumes, and a
        later deal may be signed.
    force
        ``[months, draws]`` whether a deal (the first or a later one) is in force at the
        end of each month; ``None``: derived from ``signed`` and ``collapsed``.
    continuation
        ``[months, players, draws]`` each player's continuation value C_j(t) on its own
        belief, relative to its value of the war at the current line (u_j / (1 - delta_j))
        and in units of its war-cost annuity A_j.
    accept
        ``[named, 13, players, draws]`` whether each player would accept each named
        proposal offered in start months 0..12 (on the path, given its belief then);
        True where the player has no veto over the package.
    reasons
        ``[named, 13, players, draws]`` int8 codes into :data:`REASONS`.
    required
        ``[named, players]`` whether the player's veto applies to the named proposal.
    zone_own, zone_common
        ``[candidates, draws]`` whether every veto player accepts the candidate at month
        0 against its equilibrium continuation value, on the parties' own beliefs and on
        the analyst's (common) belief; the difference is the price of optimism.
    ratification
        ``[named, players, draws]`` r_j of each named proposal at month 0 (1 for patrons).
    hazard
        ``[named, draws]`` monthly collapse hazard h of each named proposal at month 0.
    threats
        ``[draws]`` number of conditional levers switched on along the path before a deal.
    now
        Month 0 of the forward paths (:class:`ceasefire.bargaining.equilibrium.Now`), to
        score any package against the equilibrium continuation values.
    talks
        The talks month by month (:class:`Talks`), when the forward pass recorded them.
    narrow
        The narrow agreements signed, kept and broken on the same paths
        (:class:`ceasefire.bargaining.narrow.NarrowOutcome`); their trust lowers the
        hazard of a comprehensive deal in force.
    surplus, margin
        ``[named, 13, players, draws]``: V - X of each named proposal offered in start
        months 0..12, in the player's own units, and the least surplus its acceptance
        needs, (1 - r_j) a_j / r (inf where r = 0).
    """

    players: tuple[str, ...]
    proposers: tuple[str, ...]
    proposer_probability: np.ndarray
    candidates: tuple[Candidate, ...]
    solver_horizon: int
    fitting_paths: int
    months: int
    signed: np.ndarray
    package: np.ndarray
    proposer: np.ndarray
    collapsed: np.ndarray
    continuation: np.ndarray
    accept: np.ndarray
    reasons: np.ndarray
    required: np.ndarray
    zone_own: np.ndarray
    zone_common: np.ndarray
    ratification: np.ndarray
    hazard: np.ndarray
    threats: np.ndarray
    surplus: np.ndarray | None = None
    margin: np.ndarray | None = None
    now: Any = None
    force: np.ndarray | None = None
    talks: Talks | None = None
    narrow: Any = None

    @property
    def draws(self) -> int:
        """Number of forward paths (outer draws)."""
        return int(self.signed.shape[0])

    def signed_by(self) -> np.ndarray:
        """``[months, draws]`` whether a deal has been signed by the end of each month."""
        t = np.arange(self.months)[:, None]
        return (self.signed[None] >= 0) & (self.signed[None] <= t)

    def in_force(self) -> np.ndarray:
        """``[months, draws]`` whether a signed deal holds at the end of each month."""
        if self.force is not None:
            return self.force
        t = np.arange(self.months)[:, None]
        held = (self.collapsed[None] < 0) | (self.collapsed[None] > t)
        return self.signed_by() & held
