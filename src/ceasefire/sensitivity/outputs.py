"""The outputs a sensitivity analysis explains, and how each is read off a forward pass.

Ids (``--outputs`` takes ids, families or globs of ids):

- ``deal-12``, ``deal-24``: whether a deal is signed within 12 (24) months;
- ``accept.PROPOSAL.PARTY``: whether PARTY accepts the named proposal offered now
  (month 0), against its equilibrium continuation value;
- ``control``: the first belligerent's share of the front regions' area at the horizon;
  ``control.REGION``: its share of one front region;
- ``line.GAINER``, ``line.LOSER``: the line question's reservation points now (MODELS.md
  9): the least line ``x`` the gainer accepts and the most the loser concedes, against
  their equilibrium continuation values, on the 0-100 scale (a gainer that accepts no
  line counts as 100, a loser that concedes none as 0: the ends of the scale).

Each is a number per forward path; the analysis explains its mean over the replicated
paths of a sample row (for 0/1 outputs, the share of paths: a probability).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ceasefire.errors import InputError
from ceasefire.scenario.model import Scenario

__all__ = ["DEFAULT", "FAMILIES", "LINE_GRID", "Output", "line_reservations",
           "output_choices", "output_values", "select_outputs"]

FAMILIES = {"deal": "deal-*", "accept": "accept.*", "control": "control",
            "regions": "control.*", "line": "line.*", "all": "*"}
"""Short names for groups of outputs."""

DEAL_MONTHS = (12, 24)

LINE_GRID = 51
"""Points of the 0-100 grid on which the reservation points are read (steps of 2)."""

DEFAULT = ("deal-*", "accept.*", "control", "line.*")
"""The outputs analysed when none are named."""


@dataclass(frozen=True)
class Output:
    """One output: its id, a label for tables and figures, and where to read it."""

    id: str
    label: str
    family: str
    proposal: int = -1
    party: str = ""
    region: int = -1
    months: int = 0
    side: int = -1  # the line question: 0 the gainer's reservation point, 1 the loser's


def output_choices(scenario: Scenario, players: Sequence[str]) -> tuple[Output, ...]:
    """Every output the scenario offers; ``players`` are the veto players of the game."""
    out = [Output(id=f"deal-{m}", label=f"P(deal signed within {m} months)", family="deal",
                  months=m)
           for m in DEAL_MONTHS if m <= scenario.horizon_months]
    for k, proposal in enumerate(scenario.proposals):
        for party in players:
            out.append(Output(id=f"accept.{proposal.id}.{party}",
                              label=f"P({party} accepts {proposal.id} now)", family="accept",
                              proposal=k, party=party))
    if scenario.belligerents and any(r.front is not None for r in scenario.regions):
        first = scenario.belligerents[0]
        h = scenario.horizon_months
        out.append(Output(id="control", label=f"{first}'s share of the front regions at "
                          f"month {h}", family="control"))
        for r, region in enumerate(scenario.regions):
            if region.front is not None:
                out.append(Output(id=f"control.{region.id}",
                                  label=f"{first}'s share of {region.id} at month {h}",
                                  family="control", region=r))
    issue = next((i for i in scenario.issues if i.kind == "line"), None)
    if issue is not None and issue.line is not None:
        gainer, loser = issue.line.gainer, issue.line.loser
        out.append(Output(id=f"line.{gainer}", label=f"least line x {gainer} accepts now "
                          "(its reservation point, 0-100)", family="line", party=gainer,
                          side=0))
        out.append(Output(id=f"line.{loser}", label=f"most line x {loser} concedes now "
                          "(its reservation point, 0-100)", family="line", party=loser,
                          side=1))
    return tuple(out)


def select_outputs(choices: Sequence[Output], requested: Sequence[str] | None,
                   ) -> tuple[Output, ...]:
    """The outputs named by ids, families (:data:`FAMILIES`) or globs; None: the default.

    The default (:data:`DEFAULT`) is ``deal-12``, ``deal-24``, every ``accept`` output,
    ``control`` and the line question's reservation points.

    Raises
    ------
    InputError
        For a name that matches no output, listing the valid ones.
    """
    ids = [c.id for c in choices]
    if not requested:
        patterns = list(DEFAULT)
    else:
        patterns = []
        for item in requested:
            for name in (part.strip() for part in item.split(",")):
                if not name:
                    continue
                pattern = FAMILIES.get(name, name)
                if not fnmatch.filter(ids, pattern):
                    shown = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
                    raise InputError(
                        f"--outputs: {name!r} names no output of this scenario; allowed: "
                        f"{', '.join(FAMILIES)} or an output id ({shown}); globs such as "
                        "'accept.*.RU' work")
                patterns.append(pattern)
    chosen = [c for c in choices if any(fnmatch.fnmatchcase(c.id, p) for p in patterns)]
    if not chosen:
        raise InputError("--outputs: the scenario offers none of the default outputs; "
                         f"allowed: {', '.join(ids) or '(none)'}")
    return tuple(chosen)


def line_reservations(compiled: Any, expected: Any, eq: Any,
                      points: int = LINE_GRID) -> np.ndarray:
    """``[2, draws]`` the gainer's and the loser's reservation points on each path.

    Read off the equilibrium's month 0 on the draws of ``compiled`` (whatever their
    values: a design's rows too) by :func:`ceasefire.bargaining.line.line_net_surplus`
    and :func:`~ceasefire.bargaining.line.reservation_points` on a grid of ``points``
    lines; a gainer that accepts no line counts as 100, a loser that concedes none as 0.
    """
    from ceasefire.bargaining.line import line_issue, line_net_surplus, reservation_points

    issue = line_issue(compiled)
    grid = np.linspace(0.0, 100.0, points)
    net = line_net_surplus(compiled, expected, eq.now, issue, grid,
                           [issue.line.gainer, issue.line.loser])
    gainer, loser = reservation_points(net)
    return np.stack([np.minimum(gainer, 100.0), np.maximum(loser, 0.0)])


def output_values(eq: Any, outputs: Sequence[Output], area_km2: np.ndarray,
                  fronts: Sequence[int], line: np.ndarray | None = None) -> np.ndarray:
    """``[draws, outputs]`` each output on each forward path of an equilibrium.

    ``area_km2`` ``[regions, draws]`` weighs the regions of the aggregate ``control``;
    control outputs need the recorded talks (``play(..., record=True)``); line outputs
    need ``line``, the :func:`line_reservations` of the same paths.
    """
    columns = []
    for o in outputs:
        if o.family == "line":
            if line is None:
                raise ValueError("line outputs need the reservation points (line=...)")
            columns.append(np.asarray(line[o.side], dtype=float))
        elif o.family == "deal":
            columns.append(eq.signed_by()[o.months - 1].astype(float))
        elif o.family == "accept":
            j = eq.players.index(o.party)
            columns.append(eq.accept[o.proposal, 0, j].astype(float))
        else:
            control = eq.talks.paths.control[eq.months, :, 0]  # [regions, draws]
            if o.region >= 0:
                columns.append(control[o.region])
            else:
                area = area_km2[list(fronts)]
                columns.append((control[list(fronts)] * area).sum(0) / area.sum(0))
    return np.stack(columns, axis=-1) if columns else np.zeros((eq.draws, 0))
