"""Compile a scenario into numpy arrays: one sample of every uncertain number per draw.

Draws come in canonical blocks of :data:`BLOCK` draws; block ``k`` is seeded by the
``k``-th child of ``SeedSequence(seed)`` and always samples a whole block, so the first
``n`` draws are the same whatever the total, and results do not depend on how work is
split (MODELS.md section 7). Levers become time series of the parameters they change.
"""

from __future__ import annotations

import difflib
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from pydantic import BaseModel

from ceasefire.errors import InputError
from ceasefire.scenario.checks import lever_target
from ceasefire.scenario.model import Economy, Forces, Opinion, Scenario
from ceasefire.scenario.values import DIST_TYPES, point_value, sample_value, support

__all__ = ["BLOCK", "LOG_M", "CompiledScenario", "PointBeliefs", "compile_scenario",
           "log_m_on_points", "optional_parameters", "point_beliefs", "resolve_seed", "stream"]

BLOCK = 4096
"""Draws per canonical block of random numbers."""

LOG_M = "beliefs.log_m"
"""Parameter path of the true log m of each draw (MODELS.md 2.4), when the scenario has
beliefs: drawn from the analyst's distribution, from a stream keyed by this path."""
_LOG_M_NORMAL = "beliefs.log_m.normal"
_LOG_M_UNIFORM = "beliefs.log_m.unit"

_SKIP = {"lat", "lon", "cities", "x", "stakeholders", "evidence", "sources", "scale",
         "format_version", "horizon_months", "start_month", "ramp_months", "as_of",
         "implementation_months", "analyst_points", "points"}
"""Fields that are not sampled numbers. Beliefs on points are fixed numbers, read from
the scenario by :func:`point_beliefs`."""


def resolve_seed(rng: int | np.random.Generator | None) -> int:
    """Turn ``rng`` (a seed, a Generator or None) into a root seed to record in results."""
    if rng is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise InputError(f"seed must be a non-negative integer or a numpy Generator, got {rng!r}")
    return int(rng)


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario's numbers as arrays over draws.

    Attributes
    ----------
    params
        Dotted parameter path (``regions.kramatorsk-belt.control.UA``) to a float (a
        constant) or an array ``[draws]``.
    optional
        Paths the scenario may leave out, each meaning its default: an actor missing from
        a ``control``, ``value`` or ``support`` map, a field of a forces, economy or
        opinion record the scenario does not give (see :func:`optional_parameters`).
        Any other path not in ``params`` is a mistake, and :meth:`get` says so.
    lever_active
        Lever id to a boolean array ``[draws]``: whether the lever happens in that draw.
    levers_off
        Levers switched off (for what-ifs and the leverage decomposition).
    lever_start
        Lever id to its start month in each draw ``[draws]``, in place of the lever's
        ``start_month``: how the bargaining solver switches a conditional threat on at a
        month that depends on play (MODELS.md 2.6). A conditional lever (``against``)
        without an entry here never starts.
    noise_columns
        ``None``: draw ``d`` reads column ``d`` of the noise blocks. Otherwise ``[draws]``:
        the column each draw reads (:meth:`take`), so that a subset of draws keeps its
        paths' noise.
    """

    scenario: Scenario
    seed: int
    draws: int
    months: int
    params: dict[str, Any]
    lever_active: dict[str, np.ndarray]
    levers_off: frozenset[str] = field(default_factory=frozenset)
    noise_seeds: tuple[np.random.SeedSequence, ...] = ()
    optional: frozenset[str] = field(default_factory=frozenset)
    lever_start: dict[str, np.ndarray] = field(default_factory=dict)
    noise_columns: np.ndarray | None = None

    def get(self, path: str, default: float = 0.0) -> np.ndarray:
        """Return a parameter as an array ``[draws]``.

        ``default`` applies only to a path the scenario may leave out (``optional``);
        any other unknown path is a misspelt or renamed parameter, never a silent 0.

        Raises
        ------
        InputError
            Naming the path and the nearest known paths.
        """
        value = self.params.get(path)
        if value is None:
            if path not in self.optional:
                raise self.unknown_parameter(path)
            value = default
        if np.ndim(value) == 0:
            return np.full(self.draws, float(value))
        return value

    def unknown_parameter(self, path: str) -> InputError:
        """The error for a parameter path that names nothing, with the nearest known ones."""
        known = sorted({*self.params, *self.optional})
        close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
        hint = (f"did you mean {', '.join(map(repr, close))}?" if close else
                "parameter paths are collection.ID.field, e.g. economy.RU.export_loss")
        return InputError(f"scenario {self.scenario.id!r}: unknown parameter path {path!r}; "
                          f"fix: {hint}")

    def series(self, path: str, default: float = 0.0) -> np.ndarray:
        """Return a parameter over time, ``[months, draws]``, with the levers applied.

        A lever scales (``op: scale``) or adds to (``op: add``) the parameter from its
        start month, ramping in linearly over ``ramp_months``; levers apply in file order.
        A parameter no lever touches comes back as ``[1, draws]``, to broadcast. Draws are
        the last axis throughout the engines, so that every inner loop runs over them.
        """
        out = self.get(path, default)[None, :]
        for lever in self.scenario.levers:
            if lever.id in self.levers_off:
                continue
            active = self.lever_active[lever.id]
            start = self.lever_start.get(lever.id)
            if start is None:
                if lever.against is not None:  # a threat not carried out
                    continue
                start = np.array([lever.start_month])
            for j, effect in enumerate(lever.effects):
                if effect.path != path:
                    continue
                t = np.arange(self.months)[:, None]
                ramp = np.clip((t - start[None, :] + 1) / (effect.ramp_months + 1), 0, 1)
                value = self.get(f"levers.{lever.id}.effects.{j}.value")
                strength = ramp * active[None, :]
                if effect.op == "add":
                    out = out + value[None, :] * strength
                else:
                    out = out * (1 + (value[None, :] - 1) * strength)
        return out

    def with_levers_off(self, lever_ids: set[str] | frozenset[str]) -> CompiledScenario:
        """Return the same draws with some levers switched off (common random numbers)."""
        unknown = set(lever_ids) - {lever.id for lever in self.scenario.levers}
        if unknown:
            known = ", ".join(lever.id for lever in self.scenario.levers)
            raise InputError(f"unknown lever(s) {', '.join(sorted(unknown))}; known: {known}")
        return replace(self, levers_off=frozenset(lever_ids))

    def subset(self, draws: int) -> CompiledScenario:
        """Return the first ``draws`` draws (the same numbers as a run with fewer draws)."""
        return self._draws(0, min(draws, self.draws), self.noise_seeds)

    def blocks(self, start: int, stop: int) -> CompiledScenario:
        """Return canonical blocks ``start..stop-1`` of draws, for chunked or distributed work.

        Running an engine on each chunk and concatenating along the draws gives the same
        numbers, bit for bit, as one run on all draws.
        """
        first, last = start * BLOCK, min(stop * BLOCK, self.draws)
        if not 0 <= first < last:
            raise InputError(f"blocks {start}..{stop} hold no draws of {self.draws}")
        return self._draws(first, last, self.noise_seeds[start:stop])

    def take(self, rows: np.ndarray) -> CompiledScenario:
        """Return the draws ``rows`` (indices, in the order given), each with its own noise.

        An engine run on the result gives each of these draws the numbers, bit for bit,
        that it gets in a run on all draws (the forward pass replays some paths this way).
        """
        rows = np.asarray(rows, dtype=np.intp)
        columns = rows if self.noise_columns is None else self.noise_columns[rows]
        return self._select(rows, len(rows), self.noise_seeds, columns)

    def noise_blocks(self) -> Iterator[tuple[np.random.SeedSequence, Any, Any]]:
        """The noise blocks the draws read: ``(seed, draws, columns)`` for each.

        A block's generator always fills ``BLOCK`` columns; ``columns`` of them go to the
        draws ``draws`` (slices, or index arrays after :meth:`take`).
        """
        if self.noise_columns is None:
            for b, seed in enumerate(self.noise_seeds):
                width = min(BLOCK, self.draws - b * BLOCK)
                if width <= 0:  # a subset keeps every block's seed
                    break
                yield seed, slice(b * BLOCK, b * BLOCK + width), slice(0, width)
            return
        block = self.noise_columns // BLOCK
        for b in np.unique(block):
            rows = np.flatnonzero(block == b)
            yield self.noise_seeds[b], rows, self.noise_columns[rows] % BLOCK

    def _draws(self, first: int, last: int,
               noise_seeds: tuple[np.random.SeedSequence, ...]) -> CompiledScenario:
        columns = None
        if self.noise_columns is not None:  # after take: the columns name the seeds kept
            columns, noise_seeds = self.noise_columns[first:last], self.noise_seeds
        return self._select(slice(first, last), last - first, noise_seeds, columns)

    def _select(self, index: slice | np.ndarray, draws: int,
                noise_seeds: tuple[np.random.SeedSequence, ...],
                noise_columns: np.ndarray | None) -> CompiledScenario:
        """The draws ``index`` of every per-draw array, with the noise they read."""
        return replace(self, draws=draws,
                       params={k: (v[index] if np.ndim(v) else v)
                               for k, v in self.params.items()},
                       lever_active={k: v[index] for k, v in self.lever_active.items()},
                       lever_start={k: v[index] for k, v in self.lever_start.items()},
                       noise_seeds=noise_seeds, noise_columns=noise_columns)

    def tiled(self, copies: int, noise_seed: np.random.SeedSequence) -> CompiledScenario:
        """Every draw ``copies`` times (draw ``d`` of copy ``k`` at ``k * draws + d``).

        The copies share each draw's sampled numbers and levers; their noise comes from
        fresh blocks spawned from ``noise_seed``, so each copy is a new path of the same
        outer draw (the bargaining solver's fitting paths, MODELS.md 2.5).
        """
        n = self.draws * copies
        params = {k: (np.tile(v, copies) if np.ndim(v) else v) for k, v in self.params.items()}
        active = {k: np.tile(v, copies) for k, v in self.lever_active.items()}
        start = {k: np.tile(v, copies) for k, v in self.lever_start.items()}
        seeds = tuple(noise_seed.spawn(math.ceil(n / BLOCK)))
        return replace(self, draws=n, params=params, lever_active=active, lever_start=start,
                       noise_seeds=seeds, noise_columns=None)

    def with_params(self, **changes: np.ndarray) -> CompiledScenario:
        """The same draws with some parameter paths replaced by arrays ``[draws]``."""
        unknown = [k for k in changes if k not in self.params and k not in self.optional]
        if unknown:
            raise self.unknown_parameter(unknown[0])
        return replace(self, params={**self.params, **changes})

    def with_lever_start(self, starts: dict[str, np.ndarray]) -> CompiledScenario:
        """The same draws with per-draw start months for some levers (see ``lever_start``)."""
        return replace(self, lever_start={**self.lever_start, **starts})

    def with_months(self, months: int) -> CompiledScenario:
        """Return the same draws simulated over ``months`` months.

        Random streams are consumed month by month, so the first months of a shorter run
        are those of a longer one.
        """
        if months < 1:
            raise InputError(f"months must be at least 1, got {months}")
        return replace(self, months=months)


def compile_scenario(
    scenario: Scenario,
    *,
    draws: int,
    rng: int | np.random.Generator | None = None,
    months: int | None = None,
) -> CompiledScenario:
    """Sample every uncertain number of ``scenario`` ``draws`` times.

    Parameters
    ----------
    scenario
        The validated scenario.
    draws
        Number of Monte Carlo draws (outer draws: the analyst's uncertainty).
    rng
        Root seed or Generator; a Generator is turned into a root seed, recorded.
    months
        Months to simulate; default ``horizon_months + 13`` (start months 0..12 each see
        a full horizon, DESIGN.md section 9.7).
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise InputError(f"draws must be a positive integer, got {draws!r}")
    seed = resolve_seed(rng)
    months = scenario.horizon_months + 13 if months is None else months
    blocks = math.ceil(draws / BLOCK)
    children = np.random.SeedSequence(seed).spawn(blocks)
    passes = []
    noise_seeds = []
    for child in children:
        param_seed, noise_seed = child.spawn(2)
        passes.append(_sample_pass(scenario, param_seed, BLOCK))
        noise_seeds.append(noise_seed)
    params: dict[str, Any] = {}
    for key, first in passes[0].items():
        if np.ndim(first) == 0:
            params[key] = first
        else:
            params[key] = np.concatenate([p[key] for p in passes])[:draws]
    active = {}
    for lever in scenario.levers:
        key = f"levers.{lever.id}.probability"
        uniform = np.concatenate([p[f"levers.{lever.id}.uniform"] for p in passes])[:draws]
        active[lever.id] = uniform < np.broadcast_to(params.get(key, 1.0), (draws,))
    params = {k: v for k, v in params.items() if not k.endswith(".uniform")}
    if scenario.beliefs is not None and scenario.beliefs.analyst_points is not None:
        params[LOG_M] = log_m_on_points(params.pop(_LOG_M_UNIFORM),
                                         point_beliefs(scenario))
    elif scenario.beliefs is not None:
        params[LOG_M] = _log_m(params.pop(_LOG_M_NORMAL),
                               params["beliefs.analyst_sd_log_m"])
    for lever in scenario.levers:
        for effect in lever.effects:
            if lever_target(scenario, effect.path) is None:  # validated on load; be explicit
                raise InputError(f"levers[{lever.id}]: effect path {effect.path!r} names nothing")
    return CompiledScenario(scenario=scenario, seed=seed, draws=draws, months=months,
                            params=params, lever_active=active, noise_seeds=tuple(noise_seeds),
                            optional=optional_parameters(scenario))


def _numeric_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items()
            if name not in ("id", "sources") and info.annotation is not str]


_OPTION_MAPS = ("value", "support", "support_shift", "sovereignty_value")
"""Per-actor maps of an option that may leave an actor out (meaning 0)."""


def optional_parameters(scenario: Scenario) -> frozenset[str]:
    """Parameter paths a scenario may leave out, each then meaning its default.

    These are an actor missing from a region's or an option's ``control``, ``value``,
    ``support``, ``support_shift`` or ``sovereignty_value`` map, and every field of a
    forces, economy or opinion record of an actor that has none. Any other path an engine
    asks for must be one the scenario compiled.
    """
    actors = [a.id for a in scenario.actors]
    belligerents = scenario.belligerents
    out: set[str] = set()
    for region in scenario.regions:
        out.update(f"regions.{region.id}.control.{b}" for b in belligerents)
        out.update(f"regions.{region.id}.value.{a}" for a in actors)
    for issue in scenario.issues:
        for option in issue.options:
            prefix = f"issues.{issue.id}.options.{option.id}"
            out.update(f"{prefix}.control.{b}" for b in belligerents)
            out.update(f"{prefix}.{name}.{a}" for name in _OPTION_MAPS for a in actors)
    for collection, model in (("forces", Forces), ("economy", Economy), ("opinion", Opinion)):
        out.update(f"{collection}.{a}.{name}" for a in actors for name in _numeric_fields(model))
    return frozenset(out)


def stream(seed: np.random.SeedSequence, name: str) -> np.random.Generator:
    """A random stream of its own for one named quantity within one block.

    Keyed by the quantity's path, so changing, adding or removing one parameter (a
    what-if) leaves every other parameter's draws exactly as they were: common random
    numbers that survive edits to the scenario.
    """
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(
        np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key)))


def _sample_pass(scenario: Scenario, seed: np.random.SeedSequence, size: int) -> dict[str, Any]:
    """Sample every number of the scenario once per draw, each from its own stream."""
    out: dict[str, Any] = {}
    _walk(scenario, "", seed, size, out)
    for lever in scenario.levers:
        key = f"levers.{lever.id}.uniform"
        out[key] = stream(seed, key).random(size)
    if scenario.beliefs is not None and scenario.beliefs.analyst_points is not None:
        out[_LOG_M_UNIFORM] = stream(seed, LOG_M).random(size)
    elif scenario.beliefs is not None:  # the attacker's unknown m, a stream of its own
        out[_LOG_M_NORMAL] = stream(seed, LOG_M).standard_normal(size)
    return out


def _log_m(normal: np.ndarray, spread: float | np.ndarray) -> np.ndarray:
    r"""The true ``log m`` of each draw, ``s_A z - s_A^2 / 2``, so that ``E[m] = 1``.

    With ``s_A = 0`` every draw's ``log m`` is 0 (``m = 1`` exactly), MODELS.md 2.4.
    """
    spread = np.asarray(spread, dtype=float)
    return spread * normal - spread**2 / 2


@dataclass(frozen=True)
class PointBeliefs:
    """The beliefs of a scenario whose analyst's distribution is on points (MODELS.md 2.4).

    Attributes
    ----------
    points
        ``[K]``: the analyst's points of ``log m``, the support of every belief.
    analyst
        ``[K]``: the analyst's probabilities.
    priors
        ``[belligerents, K]``: each belligerent's prior probabilities, in the scenario's
        order of belligerents (the analyst's for one without a prior; 0 on a point its
        prior does not name).
    belligerents
        The scenario's belligerents, the rows of ``priors``.
    given
        The belligerents with a prior of their own, in the order of ``beliefs.priors``.
    """

    points: np.ndarray
    analyst: np.ndarray
    priors: np.ndarray
    belligerents: tuple[str, ...]
    given: tuple[str, ...]

    def prior(self, belligerent: str) -> np.ndarray:
        """``[K]``: one belligerent's prior probabilities."""
        return self.priors[self.belligerents.index(belligerent)]


def point_beliefs(scenario: Scenario) -> PointBeliefs | None:
    """The scenario's beliefs on points, or None where they are normal (or absent).

    Probabilities are rescaled to sum to 1 exactly; a prior's points are matched to the
    analyst's (the loader has checked that each is one of them).
    """
    beliefs = scenario.beliefs
    if beliefs is None or beliefs.analyst_points is None:
        return None
    points = np.array(beliefs.analyst_points.log_m, dtype=float)
    analyst = np.array(beliefs.analyst_points.masses())
    own = {p.id: p.points for p in beliefs.priors if p.points is not None}
    rows = []
    for b in scenario.belligerents:
        if b not in own:
            rows.append(analyst)
            continue
        row = np.zeros(points.size)
        for x, mass in zip(own[b].log_m, own[b].masses(), strict=True):
            row[beliefs.analyst_points.log_m.index(x)] = mass
        rows.append(row)
    return PointBeliefs(points=points, analyst=analyst, priors=np.stack(rows),
                        belligerents=tuple(scenario.belligerents),
                        given=tuple(p.id for p in beliefs.priors))


def log_m_on_points(uniform: np.ndarray, beliefs: PointBeliefs) -> np.ndarray:
    """The true ``log m`` of each draw, from the analyst's points, by inversion.

    ``points[k]`` with ``k`` the first index whose cumulative probability exceeds the
    draw's uniform; a point of probability 0 is never drawn.
    """
    cumulative = np.cumsum(beliefs.analyst)
    cumulative[-1] = 1.0  # rounding must not leave a uniform above the last point
    index = np.searchsorted(cumulative, uniform, side="right")
    return beliefs.points[np.minimum(index, beliefs.points.size - 1)]


def _walk(node: Any, path: str, seed: np.random.SeedSequence, size: int,
          out: dict[str, Any]) -> None:
    if isinstance(node, BaseModel) and not isinstance(node, DIST_TYPES):
        for name in type(node).model_fields:
            if name in _SKIP:
                continue
            _walk(getattr(node, name), f"{path}.{name}" if path else name, seed, size, out)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            key = getattr(item, "id", None) or str(index)
            _walk(item, f"{path}.{key}", seed, size, out)
    elif isinstance(node, dict):
        for key, item in node.items():
            _walk(item, f"{path}.{key}", seed, size, out)
    elif isinstance(node, bool) or node is None or isinstance(node, str):
        return
    elif isinstance(node, (int, float)):
        out[path] = float(node)
    elif sample_is_constant(node):
        out[path] = point_value(node)
    else:  # an uncertain value
        values = sample_value(node, stream(seed, path), size)
        if not np.all(np.isfinite(values)):  # validation bounds the tails; be explicit
            raise InputError(f"{path}: the distribution {node!r} drew a value that is not a "
                             "finite number; fix: narrow the distribution")
        out[path] = values


def sample_is_constant(value: Any) -> bool:
    """Whether an uncertain value has a single point of support (``low == high``)."""
    low, high = support(value)
    return low == high
