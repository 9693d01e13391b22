r"""A negotiation domain at one draw: the package space and each party's exact utility.

The domain is what another negotiation library needs to negotiate our scenario: the
issues and their options, the allowed packages (outcomes), and for each player of the
bargaining game (belligerents, veto patrons, the mediator) the utility of each outcome
signed now, at one Monte Carlo draw of a solved equilibrium. The utility is the
player's expected gain of signing over fighting on (MODELS.md 2.5),

.. math:: u_j(d) = \frac{r(d)\,(V_j(d) - X_j) - (1 - r_j(d))\,a_j(d)}{A_j},

in units of its war-cost annuity :math:`A_j`, so that each party's reservation value is
0 exactly: a veto player accepts an outcome when its utility is not negative. It comes
from :meth:`ceasefire.bargaining.equilibrium.Now.values`, the core's own continuation
values, never a second copy of them. It is not additive over issues (ratification,
claims, the collapse hazard), which is why the Genius export fits an additive
approximation (:mod:`ceasefire.interop.genius`) and writes this exact table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.errors import InputError

if TYPE_CHECKING:
    from ceasefire.bargaining.outcome import Equilibrium
    from ceasefire.workflows.prepare import Prepared

__all__ = ["NEGMAS_JSON_FORMAT", "Domain", "build_domain", "domain_of", "negmas_json"]

_CELLS = 1 << 21
"""Packages x players x draws scored in one chunk (16 MB per float64 array)."""


@dataclass(frozen=True)
class Domain:
    """A scenario's package space and the players' exact utilities at one draw.

    Attributes
    ----------
    name
        The scenario id.
    issues
        Issue ids, in scenario order.
    options
        Option ids of each issue.
    outcomes
        ``[outcomes, issues]`` option indices of the allowed packages (no excluded pair
        of options), in the canonical order of :class:`ceasefire.deals.space.DealSpace`.
    parties
        Player ids of the bargaining game.
    utility
        ``[outcomes, parties]`` each party's gain of signing the outcome now over
        fighting on, in units of its war-cost annuity (reservation value 0).
    required
        ``[outcomes, parties]`` whether the party's veto applies to the outcome.
    draw, draws, seed
        The Monte Carlo draw, the draws the equilibrium was solved on, the root seed.
    """

    name: str
    issues: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]
    outcomes: np.ndarray
    parties: tuple[str, ...]
    utility: np.ndarray
    required: np.ndarray
    draw: int = 0
    draws: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        outcomes = np.asarray(self.outcomes, dtype=np.int64).reshape(-1, len(self.issues))
        shape = (len(outcomes), len(self.parties))
        utility = np.asarray(self.utility, dtype=float)
        required = np.asarray(self.required, dtype=bool)
        if utility.shape != shape or required.shape != shape:
            raise InputError(f"domain {self.name!r}: utility {utility.shape} and required "
                             f"{required.shape} must both be [outcomes, parties] = {shape}")
        radices = np.array([len(o) for o in self.options], dtype=np.int64)
        if len(outcomes) and ((outcomes < 0).any() or (outcomes >= radices[None]).any()):
            raise InputError(f"domain {self.name!r}: an outcome names an option index "
                             f"outside its issue's options {radices.tolist()}")
        for name, value in (("outcomes", outcomes), ("utility", utility),
                            ("required", required)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def acceptable(self) -> np.ndarray:
        """``[outcomes]``: whether every party whose veto applies gains by signing."""
        return ((self.utility >= 0) | ~self.required).all(axis=1)

    @property
    def veto_parties(self) -> tuple[str, ...]:
        """Parties whose veto applies to at least one outcome (those who negotiate)."""
        return tuple(p for k, p in enumerate(self.parties) if self.required[:, k].any())

    def labels(self) -> list[tuple[str, ...]]:
        """Each outcome as a tuple of option ids, one per issue."""
        return [tuple(self.options[i][k] for i, k in enumerate(row)) for row in self.outcomes]

    def terms(self, outcome: int) -> dict[str, str]:
        """Outcome ``outcome`` as ``{issue id: option id}``."""
        return dict(zip(self.issues, self.labels_of(self.outcomes[outcome]), strict=True))

    def labels_of(self, row: np.ndarray) -> tuple[str, ...]:
        """Option ids of one row of option indices."""
        return tuple(self.options[i][int(k)] for i, k in enumerate(row))

    def party(self, party: str) -> int:
        """Column of ``party``, or an error naming the parties."""
        if party not in self.parties:
            raise InputError(f"party {party!r} is not a player of {self.name!r}; allowed: "
                             f"{', '.join(self.parties)}")
        return self.parties.index(party)

    def to_dict(self) -> dict[str, Any]:
        """A plain-data summary (no per-outcome table), for ``--json``."""
        return {"name": self.name, "issues": {i: list(o) for i, o in
                                              zip(self.issues, self.options, strict=True)},
                "outcomes": len(self.outcomes), "parties": list(self.parties),
                "veto_parties": list(self.veto_parties),
                "acceptable": int(self.acceptable.sum()), "draw": self.draw,
                "draws": self.draws, "seed": self.seed}


def domain_of(prepared: Prepared, equilibrium: Equilibrium, *, draw: int = 0) -> Domain:
    """The domain of a solved equilibrium at draw ``draw``, for deals signed now (month 0).

    Parameters
    ----------
    prepared
        The scenario's draws and noise-free paths the equilibrium was solved on.
    equilibrium
        :func:`ceasefire.bargaining.equilibrium.solve` on ``prepared``.
    draw
        The Monte Carlo draw whose utilities are exported (0-based).

    Returns
    -------
    Domain
        Every allowed package of the declared space, scored on that draw only.

    Notes
    -----
    Only the draws up to ``draw`` are scored (the compiled scenario's first ``draw + 1``
    draws), so a late draw of a large space costs more than an early one.
    """
    from ceasefire.bargaining.board import Board
    from ceasefire.deals.score import subset_now
    from ceasefire.deals.space import deal_space

    compiled, expected = prepared.compiled, prepared.expected
    if not 0 <= draw < compiled.draws:
        raise InputError(f"--draw {draw}: the equilibrium has {compiled.draws} draws; "
                         f"allowed: 0 to {compiled.draws - 1}; fix: pick a draw in that "
                         "range or solve on more draws")
    s = prepared.scenario
    if not s.issues:
        raise InputError(f"scenario {s.id!r} declares no issues, so there is no package "
                         "space to export; fix: add issues to the scenario")
    space = deal_space(s)
    n = draw + 1
    now = subset_now(equilibrium.now, n)
    sub = compiled.subset(n)
    summit, area = expected.control[0][..., :n], expected.area_km2[..., :n]
    players = now.players
    rows = max(1, _CELLS // (len(players) * n))
    outcomes, utility, required = [], [], []
    for _, options in space.chunks(rows):
        if not len(options):
            continue
        board = Board(sub, players, [space.terms(o) for o in options], summit, area)
        gain = board.values(now.state, now.own, now.annuity).gain()[..., draw]  # [P, J]
        outcomes.append(options)
        utility.append(gain / now.annuity[None, :, draw])
        required.append(board.required)
    return Domain(name=s.id, issues=space.issues, options=space.options,
                  outcomes=np.concatenate(outcomes), parties=tuple(players),
                  utility=np.concatenate(utility), required=np.concatenate(required),
                  draw=draw, draws=compiled.draws, seed=compiled.seed)


def build_domain(source: Any, *, draw: int = 0, draws: int = 200,
                 rng: int | np.random.Generator | None = None,
                 options: Any = None) -> Domain:
    """Prepare a scenario, solve its equilibrium and return its domain at ``draw``.

    Parameters
    ----------
    source
        A :class:`~ceasefire.scenario.Scenario`, a built-in scenario name or a YAML path.
    draw
        The draw exported (0-based, less than ``draws``).
    draws
        Monte Carlo draws the equilibrium is solved on (its regressions pool them).
    rng
        Root seed or Generator (None: drawn and recorded in ``Domain.seed``).
    options
        :class:`~ceasefire.bargaining.equilibrium.SolverOptions` (default options).
    """
    from ceasefire.bargaining.equilibrium import solve
    from ceasefire.workflows.prepare import prepare

    if not 0 <= draw < draws:
        raise InputError(f"--draw {draw}: must be less than --draws {draws}; fix: pick a "
                         f"draw from 0 to {draws - 1} or raise --draws")
    prepared = prepare(source, draws=draws, rng=rng)
    equilibrium = solve(prepared.compiled, prepared.expected, options)
    return domain_of(prepared, equilibrium, draw=draw)



NEGMAS_JSON_FORMAT = "ceasefire-negmas/1"
"""Format tag of a ``negmas-json`` export."""


def negmas_json(domain: Domain) -> str:
    """The domain as one JSON document that maps one to one onto NegMAS objects.

    ``issues`` (name and values: NegMAS issues), ``outcomes`` (the allowed ones, each a
    list of option ids: the outcome-space constraint), and per party its exact
    ``utility`` of each outcome, in that order (a NegMAS table utility function),
    ``reserved_value`` 0 and ``veto`` (1 where its veto applies). Written without
    NegMAS; :func:`ceasefire.interop.negmas_bridge.load_negmas_json` reads it into a
    NegMAS ``Scenario``.
    """
    import json

    document = {
        "format": NEGMAS_JSON_FORMAT, "name": domain.name, "draw": domain.draw,
        "draws": domain.draws, "seed": domain.seed,
        "units": "gain of signing now over fighting on, in the party's war-cost annuities",
        "issues": [{"name": i, "values": list(o)} for i, o in
                   zip(domain.issues, domain.options, strict=True)],
        "outcomes": [list(label) for label in domain.labels()],
        "parties": [{"name": p, "reserved_value": 0.0,
                     "utility": domain.utility[:, k].tolist(),
                     "veto": domain.required[:, k].astype(int).tolist()}
                    for k, p in enumerate(domain.parties)],
        "acceptable": domain.acceptable.astype(int).tolist(),
    }
    return json.dumps(document, allow_nan=False) + "\n"
