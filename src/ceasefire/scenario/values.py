"""Numbers that may be uncertain: a plain number, a PERT range, or an explicit distribution.

Anywhere a scenario takes a number it also takes an uncertain value, so engines can
sample it per Monte Carlo draw (MODELS.md section 7):

- ``0.76``                                  a constant;
- ``{low: 0.70, mode: 0.76, high: 0.79}``   PERT on [low, high];
- ``{dist: normal, mean: 1, sd: 0.1}``      and ``lognormal`` (``mu``, ``sigma`` of the log),
  ``uniform`` (``low``, ``high``), ``triangular`` (``low``, ``mode``, ``high``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "DIST_TYPES",
    "Bounds",
    "Dist",
    "Lognormal",
    "Normal",
    "Pert",
    "Quantity",
    "Triangular",
    "Uniform",
    "point_value",
    "sample_value",
    "support",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pert(_Frozen):
    """PERT distribution on [low, high] with the given mode.

    Beta(alpha, beta) on [low, high] with alpha = 1 + 4 (mode - low) / (high - low) and
    beta = 1 + 4 (high - mode) / (high - low); ``low == high`` is a constant.

    References
    ----------
    Malcolm, D. G. et al. (1959) Application of a technique for research and development
    program evaluation. *Operations Research* 7(5). MODELS.md section 7.
    """

    low: float
    mode: float
    high: float
    dist: Literal["pert"] = "pert"

    @model_validator(mode="after")
    def _ordered(self) -> Pert:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high}); "
                             "hint: swap the two")
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"mode {self.mode} lies outside [low, high] = [{self.low}, {self.high}]; "
                "hint: put the mode inside the range"
            )
        return self


class Triangular(Pert):
    """Triangular distribution on [low, high] with the given mode."""

    dist: Literal["triangular"] = "triangular"  # type: ignore[assignment]


class Uniform(_Frozen):
    """Uniform distribution on [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high}); "
                             "hint: swap the two")
        return self


class Normal(_Frozen):
    """Normal distribution with the given mean and standard deviation."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)


class Lognormal(_Frozen):
    """Log-normal distribution: the logarithm is Normal(mu, sigma)."""

    dist: Literal["lognormal"]
    mu: float
    sigma: float = Field(ge=0)


DIST_TYPES = (Pert, Triangular, Uniform, Normal, Lognormal)
"""The classes of uncertain values."""

Dist = Annotated[Pert | Triangular | Uniform | Normal | Lognormal, Field(discriminator="dist")]


def _default_to_pert(value: object) -> object:
    if isinstance(value, dict) and "dist" not in value:
        return {**value, "dist": "pert"}
    if isinstance(value, bool):
        raise ValueError("expected a number or an uncertain value, got a boolean")
    return value


Quantity = Annotated[float | Dist, BeforeValidator(_default_to_pert)]
"""A number or an uncertain value; fields annotate it with :class:`Bounds`."""


@dataclass(frozen=True)
class Bounds:
    """The range a field allows, checked against a value's whole support."""

    low: float = -math.inf
    high: float = math.inf
    open_low: bool = False
    open_high: bool = False
    hint: str = ""

    def describe(self) -> str:
        """Return the range in interval notation."""
        left = "(" if self.open_low else "["
        right = ")" if self.open_high else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"

    def contains(self, lo: float, hi: float) -> bool:
        """Whether [lo, hi] lies inside the allowed range."""
        above = lo > self.low if self.open_low else lo >= self.low
        below = hi < self.high if self.open_high else hi <= self.high
        return above and below


def support(value: Quantity) -> tuple[float, float]:
    """Return the smallest interval holding every value the quantity can take."""
    if isinstance(value, (int, float)):
        return float(value), float(value)
    if isinstance(value, (Pert, Uniform)):
        return value.low, value.high
    if isinstance(value, Normal):
        return (-math.inf, math.inf) if value.sd > 0 else (value.mean, value.mean)
    if isinstance(value, Lognormal):
        return (0.0, math.inf) if value.sigma > 0 else (math.exp(value.mu),) * 2
    raise TypeError(f"not a quantity: {value!r}")


def point_value(value: Quantity) -> float:
    """Return a central value: the number, the mode (PERT, triangular), mean or median."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Pert):
        return value.mode
    if isinstance(value, Uniform):
        return 0.5 * (value.low + value.high)
    if isinstance(value, Normal):
        return value.mean
    if isinstance(value, Lognormal):
        return math.exp(value.mu)
    raise TypeError(f"not a quantity: {value!r}")


def sample_value(value: Quantity, rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw ``size`` values (float64, ``[draws]``); a constant draws nothing from ``rng``.

    Every non-constant quantity consumes exactly ``size`` standard variates of one kind, so
    a scenario's draws are reproducible from its seed and the order of its parameters.
    """
    lo, hi = support(value)
    if lo == hi:
        return np.full(size, lo)
    if isinstance(value, Triangular):
        return rng.triangular(value.low, value.mode, value.high, size)
    if isinstance(value, Pert):
        span = value.high - value.low
        alpha = 1.0 + 4.0 * (value.mode - value.low) / span
        beta = 1.0 + 4.0 * (value.high - value.mode) / span
        return value.low + span * rng.beta(alpha, beta, size)
    if isinstance(value, Uniform):
        return rng.uniform(value.low, value.high, size)
    if isinstance(value, Normal):
        return rng.normal(value.mean, value.sd, size)
    if isinstance(value, Lognormal):
        return rng.lognormal(value.mu, value.sigma, size)
    raise TypeError(f"not a quantity: {value!r}")
