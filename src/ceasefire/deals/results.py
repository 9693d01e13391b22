"""The typed result of :func:`ceasefire.deals.explore_deals` and its JSON document.

The summary (solutions, top packages, proposals, nearest variants, frontier) is plain
data that round-trips through :meth:`DealsResult.to_dict` / :meth:`DealsResult.from_dict`;
the per-package arrays stay on the Python object (``values``, ``space``) and are not
serialised (DESIGN.md section 9.9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ceasefire.results import envelope

if TYPE_CHECKING:
    import pandas as pd

    from ceasefire.deals.evaluate import SpaceValues
    from ceasefire.deals.space import DealSpace

__all__ = ["DealsResult"]


@dataclass(frozen=True)
class DealsResult:
    """Answers about the deal space of one scenario, for deals signed at one month.

    Attributes
    ----------
    scenario
        ``{id, as_of, hash}``.
    seed, draws
        Root seed and Monte Carlo draws.
    start_month, start
        Month the deal is signed (0 = the scenario's month) and its ``YYYY-MM`` label.
    p_star
        Threshold of the zone of agreement.
    actors, belligerents, veto
        Actor ids, the parties the solutions run over, and each actor's veto kind.
    space
        ``{issues: {issue: [options]}, size, evaluated, method, note}``; ``method`` is
        ``enumerated`` (every feasible package) or ``searched`` (past the cap: the
        belligerents' Pareto frontier only).
    zone
        ``{size, share}`` of the zone of agreement.
    solutions
        Name -> ``{package, score, blocking}`` (package None: no agreement).
    top
        The best packages by P(all veto players accept), each a package summary.
    proposals
        Proposal id -> package summary.
    nearest
        Proposal id -> distance (as a string) -> package summaries.
    frontier
        ``{parties, size, packages}`` of the belligerents' Pareto frontier.
    settings
        Choices that change the numbers: the float type of the fast path and the
        quantile of the robustness score.
    run
        Run metadata (wall times, workers): differs between identical runs.
    values, space_object
        The per-package arrays and the space (not serialised).
    """

    scenario: dict[str, Any]
    seed: int | None
    draws: int
    start_month: int
    start: str
    p_star: float
    actors: tuple[str, ...]
    belligerents: tuple[str, ...]
    veto: dict[str, str]
    space: dict[str, Any]
    zone: dict[str, Any]
    solutions: dict[str, Any]
    top: list[dict[str, Any]]
    proposals: dict[str, Any]
    nearest: dict[str, Any]
    frontier: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    values: SpaceValues | None = field(default=None, compare=False, repr=False)
    space_object: DealSpace | None = field(default=None, compare=False, repr=False)

    _FIELDS = ("start_month", "start", "p_star", "actors", "belligerents", "veto", "space",
               "zone", "solutions", "top", "proposals", "nearest", "frontier", "settings")

    def to_dict(self) -> dict[str, Any]:
        """The ``deals`` JSON document (DESIGN.md section 9.9)."""
        document = envelope("deals", scenario=self.scenario, seed=self.seed, draws=self.draws)
        for name in self._FIELDS:
            value = getattr(self, name)
            document[name] = list(value) if isinstance(value, tuple) else value
        document["run"] = dict(self.run)
        return document

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> DealsResult:
        """Rebuild the summary from :meth:`to_dict`'s document (no per-package arrays)."""
        values = {name: document[name] for name in cls._FIELDS}
        for name in ("actors", "belligerents"):
            values[name] = tuple(values[name])
        return cls(scenario=dict(document["scenario"]), seed=document["seed"],
                   draws=document["draws"], run=dict(document.get("run", {})), **values)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of the summarised packages: one row per package and actor.

        Columns: ``group`` (top, proposal, nearest, solution), ``name``, ``package``
        (its non-default terms), ``actor``, ``p_accept``, ``p_accept_se``,
        ``mean_surplus``, ``p_all_veto_accept``, ``p_all_se``.
        """
        import pandas as pd

        rows = []

        def add(group: str, name: str, summary: dict[str, Any]) -> None:
            label = "; ".join(f"{k}={v}" for k, v in summary["changes"].items()) or "defaults"
            for actor in self.actors:
                rows.append({"group": group, "name": name, "package": label, "actor": actor,
                             "p_accept": summary["acceptance"][actor]["p"],
                             "p_accept_se": summary["acceptance"][actor]["se"],
                             "mean_surplus": summary["surplus"][actor],
                             "p_all_veto_accept": summary["p_all_veto_accept"]["p"],
                             "p_all_se": summary["p_all_veto_accept"]["se"]})

        for rank, summary in enumerate(self.top, 1):
            add("top", str(rank), summary)
        for name, summary in self.proposals.items():
            add("proposal", name, summary)
        for name, by_distance in self.nearest.items():
            for distance, items in by_distance.items():
                for summary in items:
                    add("nearest", f"{name}@{distance}", summary)
        for name, solution in self.solutions.items():
            if solution.get("package") is not None:
                add("solution", name, solution["package"])
        return pd.DataFrame(rows)
