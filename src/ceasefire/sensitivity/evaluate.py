"""Playing the rows of a design: one fit of the bargaining game, forward passes only.

The bargaining core fits its continuation values by pooled regressions whose features
include the parties' parameters (MODELS.md 2.5), so a sample row is played by the forward
pass alone on one fit (:func:`ceasefire.bargaining.equilibrium.play`). Each layer of a
design is cut into blocks of rows; a work item is one block of one layer, and row ``j``
of a block is played on the same random paths in every layer of its noise group (common
random numbers: a parameter that enters no output changes no path). The items are
independent and seeded by their block alone, so the numbers do not depend on how many
workers play them, or where.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ceasefire.bargaining.equilibrium import Fitted, SolverOptions, fit_game, play
from ceasefire.dynamics import simulate_war
from ceasefire.scenario.compile import BLOCK, LOG_M, CompiledScenario
from ceasefire.sensitivity.outputs import Output, line_reservations, output_values
from ceasefire.sensitivity.parameters import HAPPENS, Parameter

__all__ = ["RANGE_TOLERANCE", "Layers", "Task", "build_rows", "concatenate",
           "feature_parameters", "fit_for", "out_of_range", "run_items"]

RANGE_TOLERANCE = 0.05
"""How far, as a share of the range the fit saw, a sampled parameter that enters the
regression features may go beyond it before the game is fitted again."""

Progress = Callable[[str, float], None]


def feature_parameters(compiled: CompiledScenario) -> tuple[str, ...]:
    """Paths (globs) of the parameters that enter the continuation-value regressions.

    The features are each belligerent's discount factor (as log(1 - delta)), its belief
    about m (driven by the priors, the analyst's spread and the true m), the randomised
    levers' flags, the front regions' control, reserves and public support (MODELS.md 2.5).
    """
    s = compiled.scenario
    paths = [f"actors.{b}.discount_factor" for b in s.belligerents]
    paths += ["beliefs.*", LOG_M, "regions.*.control.*", "opinion.*.support",
              "economy.*.reserves"]
    return tuple(paths)


@dataclass(frozen=True)
class Layers:
    """A design's layers, compactly.

    Sobol's A and B (each layer is A with some columns of B), or Morris's layers
    themselves. ``groups[layer]`` is the layer's noise group.
    """

    method: str
    points: np.ndarray  # sobol: [2, rows, k] (A, B); morris: [layers, rows, k]
    groups: tuple[int, ...]

    @classmethod
    def of(cls, method: str, layers: np.ndarray, groups: Sequence[int]) -> Layers:
        """Keep what rebuilds ``layers [layers, rows, k]``."""
        points = layers[[0, -1]] if method == "sobol" else layers
        return cls(method=method, points=np.ascontiguousarray(points), groups=tuple(groups))

    @property
    def count(self) -> int:
        """Number of layers."""
        return len(self.groups)

    @property
    def rows(self) -> int:
        """Rows of every layer."""
        return int(self.points.shape[1])

    def layer(self, index: int, rows: slice) -> np.ndarray:
        """``[rows, k]`` quantiles of one layer.

        Sobol: layer 0 is A, layer ``1 + i`` is A with B's column i, the last is B.
        """
        if self.method != "sobol":
            return self.points[index, rows]
        a, b = self.points[0, rows], self.points[1, rows]
        if index == 0:
            return a
        if index == self.count - 1:
            return b
        out = a.copy()
        out[:, index - 1] = b[:, index - 1]
        return out


@dataclass(frozen=True)
class Task:
    """Playing work item ``k`` (block ``k % blocks`` of layer ``k // blocks``).

    Picklable and sent once to each worker. ``template`` holds one draw of the scenario
    (constants, levers); ``uncertain`` every uncertain parameter, ``analysed`` the
    indices of those the design varies (the others sit at their central values);
    ``resolve`` fits the game again on each item's rows (the full re-solve the
    forward-only evaluation is checked against). Row ``j`` of block ``b`` in noise group
    ``g`` plays on the seed ``noise_root`` spawns for ``(b, g)``: the same in every layer
    of the group, whatever the number of blocks or workers.
    """

    template: CompiledScenario
    uncertain: tuple[Parameter, ...]
    analysed: tuple[int, ...]
    fitted: Fitted
    outputs: tuple[Output, ...]
    replicates: int
    layers: Layers
    block_rows: int
    noise_root: np.random.SeedSequence
    resolve: bool = False

    @property
    def blocks(self) -> int:
        """Blocks of rows per layer."""
        return math.ceil(self.layers.rows / self.block_rows)

    @property
    def items(self) -> int:
        """Work items: every block of every layer."""
        return self.layers.count * self.blocks

    def rows_of(self, k: int) -> tuple[int, slice]:
        """Item ``k``'s layer and rows."""
        layer, block = divmod(k, self.blocks)
        return layer, slice(block * self.block_rows,
                            min((block + 1) * self.block_rows, self.layers.rows))

    def __call__(self, k: int, seed: np.random.SeedSequence | None = None) -> np.ndarray:
        """``[rows, outputs]`` of item ``k``, each averaged over the row's replicated paths.

        ``seed`` (what :func:`ceasefire.sweep.blocks.run_blocks` passes) is not used: the
        noise is keyed by block and noise group, so that layers share it row by row.
        """
        layer, rows = self.rows_of(k)
        block = k % self.blocks
        noise = np.random.SeedSequence(
            self.noise_root.entropy,
            spawn_key=(*self.noise_root.spawn_key, block, self.layers.groups[layer]))
        unit = self.layers.layer(layer, rows)[:, :len(self.analysed)]  # less the chance
        n = unit.shape[0]
        compiled = build_rows(self.template, self.uncertain, self.analysed,
                              np.tile(unit, (self.replicates, 1)),  # path r * n + j
                              noise=noise)
        expected = simulate_war(compiled, noise=False)
        fitted = self.fitted
        if self.resolve:
            fitted = fit_game(compiled, expected, fitted.options,
                              candidates=fitted.candidates)
        # deal, accept and line outputs are first signatures and month 0's, which no
        # truce changes; control outputs read the paths, where a deal stops the war
        record = any(o.family == "control" for o in self.outputs)
        eq = play(compiled, expected, fitted, record=record, truces=record)
        fronts = [i for i, r in enumerate(compiled.scenario.regions) if r.front is not None]
        line = (line_reservations(compiled, expected, eq)
                if any(o.family == "line" for o in self.outputs) else None)
        values = output_values(eq, self.outputs, expected.area_km2, fronts, line)
        return values.reshape(self.replicates, n, -1).mean(axis=0)


def _children(seed: np.random.SeedSequence, count: int) -> tuple[np.random.SeedSequence, ...]:
    """What ``seed.spawn(count)`` gives on a fresh sequence, without changing ``seed``."""
    return tuple(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))
                 for k in range(count))


def _int_seed(seed: np.random.SeedSequence) -> int:
    return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))


def build_rows(template: CompiledScenario, uncertain: Sequence[Parameter],
               analysed: Sequence[int], unit: np.ndarray, *,
               noise: np.random.SeedSequence) -> CompiledScenario:
    """A compiled scenario whose draws are the rows ``unit [rows, analysed]`` of a design.

    Analysed parameters take their quantiles, the other uncertain ones their central
    values; ``noise`` seeds the war's noise and the talks' chance moves of every row.
    """
    n = unit.shape[0]
    values: dict[str, np.ndarray] = {}
    for column, index in enumerate(analysed):
        p = uncertain[index]
        values[p.path] = p.quantile(unit[:, column])
    for p in uncertain:
        if p.path not in values:
            values[p.path] = np.full(n, p.central())
    params: dict[str, Any] = {}
    for path, value in template.params.items():
        params[path] = value if np.ndim(value) == 0 else values[path]
    strength = next((p for p in uncertain if p.path == LOG_M), None)
    if LOG_M in params and strength is not None and strength.distribution is None:
        # normal beliefs: the standard normal quantile becomes log m (MODELS.md 2.4); on
        # points the quantile is already the analyst's point of log m
        spread = np.broadcast_to(params["beliefs.analyst_sd_log_m"], (n,))
        params[LOG_M] = spread * values[LOG_M] - spread**2 / 2
    active = {}
    for lever in template.scenario.levers:
        key = f"levers.{lever.id}.{HAPPENS}"
        if key in values:
            probability = np.broadcast_to(params.get(f"levers.{lever.id}.probability", 1.0),
                                          (n,))
            active[lever.id] = values[key] < probability
        else:
            active[lever.id] = np.full(n, bool(template.lever_active[lever.id][0]))
    seeds = _children(noise, math.ceil(n / BLOCK))
    return replace(template, draws=n, params=params, lever_active=active, lever_start={},
                   noise_seeds=seeds, seed=_int_seed(noise))


def run_items(task: Task, *, workers: int | None = None, scheduler: str | None = None,
              progress: Progress | None = None) -> np.ndarray:
    """``[layers, rows, outputs]`` every item's outputs, assembled in design order."""
    from ceasefire.sweep.blocks import run_blocks

    tell = progress or (lambda stage, done: None)
    out = np.full((task.layers.count, task.layers.rows, len(task.outputs)), np.nan)
    with run_blocks(task, task.items, root=task.noise_root, workers=workers,
                    scheduler=scheduler,
                    progress=lambda done, total: tell("playing the sample", done / total),
                    ) as results:
        for k, values in results:
            layer, rows = task.rows_of(k)
            out[layer, rows] = values
    return out


def out_of_range(fitted_compiled: CompiledScenario, sample: CompiledScenario,
                 paths: Sequence[str], tolerance: float = RANGE_TOLERANCE) -> list[str]:
    """Parameters entering the features whose sampled values leave the fitted range.

    A value counts as outside when it lies more than ``tolerance`` times the fitted
    range beyond the fitted minimum or maximum.
    """
    import fnmatch

    out = []
    for path, fitted_value in fitted_compiled.params.items():
        if np.ndim(fitted_value) == 0 or not any(fnmatch.fnmatchcase(path, p) for p in paths):
            continue
        drawn = sample.get(path)
        low, high = float(np.min(fitted_value)), float(np.max(fitted_value))
        slack = tolerance * (high - low)
        if drawn.min() < low - slack or drawn.max() > high + slack:
            out.append(path)
    return out


def fit_for(compiled: CompiledScenario, options: SolverOptions, candidates: Any = None,
            ) -> Fitted:
    """Fit the game on ``compiled``'s draws (their noise-free paths computed here)."""
    return fit_game(compiled, simulate_war(compiled, noise=False), options,
                    candidates=candidates)


def concatenate(first: CompiledScenario, second: CompiledScenario,
                noise: np.random.SeedSequence) -> CompiledScenario:
    """The draws of two compiled versions of one scenario, one after the other."""
    n = first.draws + second.draws

    def join(a: Any, b: Any) -> Any:
        if np.ndim(a) == 0 and np.ndim(b) == 0 and a == b:
            return a
        return np.concatenate([np.broadcast_to(a, (first.draws,)),
                               np.broadcast_to(b, (second.draws,))])

    params = {k: join(v, second.params[k]) for k, v in first.params.items()}
    active = {k: join(v, second.lever_active[k]) for k, v in first.lever_active.items()}
    return replace(first, draws=n, params=params, lever_active=active, lever_start={},
                   noise_seeds=_children(noise, math.ceil(n / BLOCK)))
