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
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "DIST_TYPES",
    "MAX_MAGNITUDE",
    "Bounds",
    "Dist",
    "Lognormal",
    "Normal",
    "Number",
    "Pert",
    "Quantity",
    "Triangular",
    "Uniform",
    "point_value",
    "sample_value",
    "support",
]


MAX_MAGNITUDE = 1e15
"""Largest magnitude of any number in a scenario.

Far beyond any real quantity in the scenario's units (km2, people, currency per month),
and far enough below the float limit (1.8e308) that sums over months and draws, products
of values and areas, and their squares stay finite."""

_LOG_MAX = math.log(MAX_MAGNITUDE)
_TAIL_SD = 8.0
"""Standard deviations a normal draw can plausibly reach (P(|z| > 8) is about 1e-15)."""


def _within_magnitude(value: float) -> float:
    if abs(value) > MAX_MAGNITUDE:
        raise PydanticCustomError(
            "magnitude",
            f"expected a number of magnitude at most {MAX_MAGNITUDE:g}; hint: no quantity "
            "of a scenario is that large: check the units (currency in billions, areas in km2)")
    return value


Number = Annotated[float, AfterValidator(_within_magnitude)]
"""A finite number of magnitude at most :data:`MAX_MAGNITUDE`."""


class _Frozen(BaseModel):
    # NaN and infinity are refused everywhere: they pass range checks and poison results.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Pert(_Frozen):
    """PERT distribution on [low, high] with the given mode.

    Beta(alpha, beta) on [low, high] with alpha = 1 + 4 (mode - low) / (high - low) and
    beta = 1 + 4 (high - mode) / (high - low); ``low == high`` is a constant.

    References
    ----------
    Malcolm, D. G. et al. (1959) Application of a technique for research and development
    program evaluation. *Operations Research* 7(5). MODELS.md section 7.
    """

    low: Number
    mode: Number
    high: Number
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
    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high}); "
                             "hint: swap the two")
        return self


class Normal(_Frozen):
    """Normal distribution with the given mean and standard deviation."""

    dist: Literal["normal"]
    mean: Number
    sd: Number = Field(ge=0)

    @model_validator(mode="after")
    def _draws_bounded(self) -> Normal:
        if abs(self.mean) + _TAIL_SD * self.sd > MAX_MAGNITUDE:
            raise ValueError(
                f"normal(mean={self.mean:g}, sd={self.sd:g}) draws values beyond "
                f"{MAX_MAGNITUDE:g} (mean +/- {_TAIL_SD:g} sd); hint: use a smaller sd or "
                "check the units")
        return self


class Lognormal(_Frozen):
    """Log-normal distribution: the logarithm is Normal(mu, sigma)."""

    dist: Literal["lognormal"]
    mu: Number
    sigma: Number = Field(ge=0)

    @model_validator(mode="after")
    def _draws_bounded(self) -> Lognormal:
        if self.mu + _TAIL_SD * self.sigma > _LOG_MAX:
            raise ValueError(
                f"lognormal(mu={self.mu:g}, sigma={self.sigma:g}) draws values beyond "
                f"{MAX_MAGNITUDE:g} (exp(mu + {_TAIL_SD:g} sigma) must stay below it, so "
                f"mu + {_TAIL_SD:g} sigma <= {_LOG_MAX:.1f}); hint: mu is the logarithm of "
                "the median, e.g. mu: 2.3 for a median of 10")
        return self


DIST_TYPES = (Pert, Triangular, Uniform, Normal, Lognormal)
"""The classes of uncertain values."""

Dist = Annotated[Pert | Triangular | Uniform | Normal | Lognormal, Field(discriminator="dist")]


def _default_to_pert(value: object) -> object:
    if isinstance(value, dict) and "dist" not in value:
        return {**value, "dist": "pert"}
    if isinstance(value, bool):
        raise ValueError("expected a number or an uncertain value, got a boolean")
    return value


Quantity = Annotated[Number | Dist, BeforeValidator(_default_to_pert)]
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
