"""The line question as one number (MODELS.md section 9) and each party's reservation line.

``x`` in [0, 100] is the share, by area, of the loser's holdings at month 0 in the line
issue's regions that passes to the gainer (0: a freeze on the line, 100: all of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ceasefire.dynamics import WarPaths
from ceasefire.scenario.compile import CompiledScenario, compile_scenario
from ceasefire.scenario.model import Issue, Option

__all__ = ["LineNet", "line_issue", "line_net_surplus"]


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


def line_net_surplus(compiled: CompiledScenario, expected: WarPaths, now: Any, issue: Issue,
                     grid: np.ndarray, parties: list[str]) -> LineNet:
    """Gains ``[grid, parties, draws]`` of a line at each ``x``, other issues at their default.

    ``now`` is the equilibrium's month 0 (:class:`ceasefire.bargaining.equilibrium.Now`).
    A line at ``x`` concedes what the named line that covers it concedes: its public
    support, its thresholds (constitutional or not) and its hazard factor are those of
    the named option with the smallest x at or above it, a step function (MODELS.md 6:
    each concession has its own support). The scenario's draws are compiled again with
    the grid's options in place of the named ones (same seed: every other number is the
    same draw).
    """
    s = compiled.scenario
    named = sorted(issue.options, key=lambda o: o.x if o.x is not None else 0.0)
    xs = np.array([o.x for o in named], dtype=float)

    def option_at(k: int, x: float) -> Option:
        cover = named[min(int(np.searchsorted(xs, x - 1e-9)), len(named) - 1)]
        return cover.model_copy(update={"id": f"x-{k}", "x": float(x), "name": ""})

    options = [option_at(k, x) for k, x in enumerate(grid)]
    variant_issue = issue.model_copy(update={"options": options, "default": options[0].id})
    issues = [variant_issue if i.id == issue.id else i for i in s.issues]
    variant = s.model_copy(update={"issues": issues, "proposals": []})
    drawn = compile_scenario(variant, draws=compiled.draws, rng=compiled.seed,
                             months=compiled.months)
    values = now.values(drawn, expected, [{issue.id: o.id} for o in options])
    rows = [now.players.index(p) for p in parties]
    return LineNet(grid=np.asarray(grid, float), net=values.gain()[:, rows])
