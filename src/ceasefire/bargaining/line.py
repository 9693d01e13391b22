"""The line question as one number (MODELS.md section 9) and each party's reservation line.

``x`` in [0, 100] is the share, by area, of the loser's holdings at month 0 in the line
issue's regions that passes to the gainer (0: a freeze on the line, 100: all of it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario, optional_parameters
from ceasefire.scenario.model import Issue, Option

__all__ = ["LineNet", "line_issue", "line_net_surplus", "line_variant",
           "reservation_points"]


def line_issue(compiled: CompiledScenario) -> Issue | None:
    """The scenario's line issue (the first issue of kind ``line``), if any."""
    return next((issue for issue in compiled.scenario.issues if issue.kind == "line"), None)


@dataclass(frozen=True)
class LineNet:
    """Each party's expected gain from signing a line at ``x``, ``[grid, parties, draws]``.

    The gain of signing over fighting on, r (V - X) - (1 - r_i) a_i, against its
    equilibrium continuation value (MODELS.md 2.3, 2.5): a party accepts the lines where
    it is not negative.
    """

    grid: np.ndarray
    net: np.ndarray


def line_variant(compiled: CompiledScenario, issue: Issue, grid: np.ndarray,
                 ) -> tuple[CompiledScenario, list[Option]]:
    """``compiled`` with the line issue's options replaced by one option per grid point.

    A line at ``x`` concedes what the named line that covers it concedes: its public
    support, its thresholds (constitutional or not) and its hazard factor are those of
    the named option with the smallest x at or above it, a step function (MODELS.md 6:
    each concession has its own support). Each grid option takes its covering option's
    numbers *as drawn in ``compiled``* (the same value in every draw where that option's
    would be), so the variant works on any compiled draws: a scenario's own, a subset,
    or the rows of a sensitivity design whose values no seed reproduces. Every other
    number is ``compiled``'s own. The named proposals are dropped (a line is scored on
    its own, the other issues at their defaults).
    """
    s = compiled.scenario
    named = sorted(issue.options, key=lambda o: o.x if o.x is not None else 0.0)
    xs = np.array([o.x for o in named], dtype=float)
    prefix = f"issues.{issue.id}.options."
    params = {k: v for k, v in compiled.params.items() if not k.startswith(prefix)}
    options = []
    for k, x in enumerate(np.asarray(grid, dtype=float)):
        cover = named[min(int(np.searchsorted(xs, x - 1e-9)), len(named) - 1)]
        option = cover.model_copy(update={"id": f"x-{k}", "x": float(x), "name": ""})
        source, target = f"{prefix}{cover.id}.", f"{prefix}{option.id}."
        params.update({target + key[len(source):]: value
                       for key, value in compiled.params.items() if key.startswith(source)})
        options.append(option)
    variant_issue = issue.model_copy(update={"options": options, "default": options[0].id})
    issues = [variant_issue if i.id == issue.id else i for i in s.issues]
    variant = s.model_copy(update={"issues": issues, "proposals": []})
    drawn = replace(compiled, scenario=variant, params=params,
                    optional=optional_parameters(variant))
    return drawn, options


def line_net_surplus(compiled: CompiledScenario, expected: WarPaths, now: Any, issue: Issue,
                     grid: np.ndarray, parties: list[str]) -> LineNet:
    """Gains ``[grid, parties, draws]`` of a line at each ``x``, other issues at their default.

    ``now`` is the equilibrium's month 0 (:class:`ceasefire.bargaining.equilibrium.Now`),
    on the same draws as ``compiled`` and ``expected``. The lines are the options of
    :func:`line_variant`: each concedes what the named line that covers it concedes, with
    that line's numbers as drawn in ``compiled``.
    """
    drawn, options = line_variant(compiled, issue, grid)
    values = now.values(drawn, expected, [{issue.id: o.id} for o in options])
    rows = [now.players.index(p) for p in parties]
    return LineNet(grid=np.asarray(grid, float), net=values.gain()[:, rows])


def reservation_points(net: LineNet) -> tuple[np.ndarray, np.ndarray]:
    """Each draw's reservation points on the line: the gainer's and the loser's, ``[draws]``.

    ``net`` holds the gainer's gains first and the loser's second. The gainer's point is
    the least ``x`` on the grid whose gain is not negative (``inf``: it accepts none);
    the loser's the largest (``-inf``: it concedes none). A party accepts the lines where
    its gain of signing over fighting on is not negative (MODELS.md 2.3 and 9); the two
    points bound the zone of agreement, open where the gainer's is at most the loser's.
    """
    grid = net.grid
    ok_gainer, ok_loser = net.net[:, 0] >= 0, net.net[:, 1] >= 0
    gainer = np.where(ok_gainer.any(0), grid[np.argmax(ok_gainer, axis=0)], np.inf)
    loser = np.where(ok_loser.any(0), grid[len(grid) - 1 - np.argmax(ok_loser[::-1], axis=0)],
                     -np.inf)
    return gainer, loser
