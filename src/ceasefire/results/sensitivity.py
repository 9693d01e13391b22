"""What ``sensitivity`` returns: which uncertain parameters drive each output, and by how much.

One shape for both methods: every parameter of every output has the same record, with
Sobol's first- and total-order indices or Morris's mu*, sigma and mu filled in (the other
method's fields are null), each with the half-width of its confidence interval.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ceasefire.results.base import Result
from ceasefire.results.records import Record

__all__ = ["FitReport", "OutputIndices", "ParameterIndex", "ParameterInfo",
           "SensitivityResult"]


class ParameterIndex(Record):
    """One parameter's indices for one output (``*_ci``: half-widths of the interval)."""

    first: float | None = None
    first_ci: float | None = None
    total: float | None = None
    total_ci: float | None = None
    mu_star: float | None = None
    mu_star_ci: float | None = None
    sigma: float | None = None
    mu: float | None = None

    @property
    def importance(self) -> float:
        """The ranking measure: the total order (Sobol) or mu* (Morris); 0 when unknown."""
        value = self.total if self.total is not None else self.mu_star
        return 0.0 if value is None else value

    @property
    def importance_ci(self) -> float:
        """Half-width of :attr:`importance`'s confidence interval (0 when unknown)."""
        value = self.total_ci if self.total is not None else self.mu_star_ci
        return 0.0 if value is None else value


class OutputIndices(Record):
    """One output: its mean and variance over the sample, and every parameter's indices.

    ``indices`` is ordered by importance, largest first. ``chance`` treats the war's own
    randomness (the noise of the paths and the talks) as one more factor (Sobol only):
    the share of the variance no assumption explains.
    """

    label: str
    mean: float
    variance: float = Field(ge=0)
    indices: dict[str, ParameterIndex]
    chance: ParameterIndex | None = None


class ParameterInfo(Record):
    """One uncertain parameter: its kind, its distribution and its 0.1-99.9 % range."""

    kind: Literal["value", "happens", "strength"]
    distribution: str
    low: float
    high: float
    central: float


class FitReport(Record):
    """How the continuation values were fitted.

    ``draws``: outer draws of the fit; ``refit``: whether the game was fitted again
    because sampled parameters that enter the features (``outside``) left the ranges
    the first fit saw; ``evaluation``: ``forward`` (one fit, forward passes) or
    ``resolve`` (each block of rows fitted on its own, the check).
    """

    draws: int = Field(ge=1)
    refit: bool
    outside: list[str] = Field(default_factory=list)
    evaluation: Literal["forward", "resolve"] = "forward"


class SensitivityResult(Result):
    """Sensitivity of the outputs to every uncertain parameter (issue 15, docs/sensitivity.md).

    ``samples`` are Sobol base samples or Morris trajectories, ``replicates`` the forward
    paths averaged per sample row, ``evaluations`` the forward paths played in all.
    """

    kind: Literal["sensitivity"] = "sensitivity"
    method: Literal["sobol", "morris"]
    confidence: float = Field(gt=0, lt=1)
    samples: int = Field(ge=1)
    replicates: int = Field(ge=1)
    evaluations: int = Field(ge=1)
    parameters: dict[str, ParameterInfo]
    outputs: dict[str, OutputIndices]
    fit: FitReport
    notes: list[str] = Field(default_factory=list)

    TABLES: ClassVar[dict[str, tuple[str, ...]]] = {
        "indices": ("outputs", "*output", "indices", "*parameter"),
        "parameters": ("parameters", "*parameter"),
    }

    def ranking(self, output: str, top: int | None = None) -> list[tuple[str, ParameterIndex]]:
        """The parameters of one output, most important first."""
        if output not in self.outputs:
            from ceasefire.errors import InputError

            raise InputError(f"output {output!r} is not in this result; allowed: "
                             f"{', '.join(self.outputs)}")
        ranked = list(self.outputs[output].indices.items())
        return ranked[:top] if top is not None else ranked

    def headline(self) -> str:
        """The leading parameters of the first output."""
        if not self.outputs:
            return ""
        name = next(iter(self.outputs))
        measure = "ST" if self.method == "sobol" else "mu*"
        lead = ", ".join(f"{path} ({measure} {index.importance:.2f})"
                         for path, index in self.ranking(name, 3))
        return f"{name} driven most by {lead}" if lead else name
