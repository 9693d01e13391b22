"""``sweep``: the bargaining equilibrium over any number of draws, block by block.

The game is solved backwards once, on ``fit_draws`` draws of the seed (the same draws
``analyze --seed`` fits on); each block of draws is then compiled from its own child of
the seed, played forward on that fit (:func:`ceasefire.bargaining.equilibrium.play`) and
reduced at once to a small summary (:mod:`ceasefire.sweep.reduce`). The summaries are
merged in block order, so the result is the same, bit for bit, whether the blocks ran
here, on local processes or on a Dask cluster (:func:`ceasefire.sweep.run_blocks`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ceasefire.errors import InputError
from ceasefire.results import ScenarioMeta, SweepResult
from ceasefire.results.sweep import SweepFit
from ceasefire.sweep.blocks import check_scheduler, run_blocks
from ceasefire.sweep.reduce import BINS, BlockSummary, merge, result_fields, summarise_block

if TYPE_CHECKING:
    from ceasefire.bargaining.equilibrium import Fitted, SolverOptions
    from ceasefire.scenario import Scenario

__all__ = ["BLOCK_DRAWS", "FIT_DRAWS", "BlockTask", "Progress", "check_sweep", "run_sweep",
           "sweep_blocks"]

BLOCK_DRAWS = 2000
"""Default draws per block (``alaska-2025``: a process peaks at about 1.4 GB resident)."""
BLOCK_MAX = 100_000
"""Largest block (a block's memory grows with its draws)."""
FIT_DRAWS = 2000
"""Default draws of the fit (as ``analyze``'s default)."""
FIT_MAX = 20_000
"""Largest fit (as ``analyze``'s most draws)."""
DRAWS_MAX = 10**12
FIT_SHARE = 0.8
"""The progress :func:`~ceasefire.bargaining.equilibrium.fit_game` reports when it is done
(it counts a forward pass it leaves to :func:`~ceasefire.bargaining.equilibrium.play`)."""
BLOCK_STREAM = 0x5EE9
"""Spawn key under the seed from which the blocks' seeds are spawned (the fit uses the seed
itself, so block draws never repeat the fit's)."""

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage ``"fit"`` (thousandths), then ``"draws"``."""


@dataclass(frozen=True)
class BlockTask:
    """Block ``k`` of a sweep: compile its draws, play the fitted game, summarise.

    Pickled once and shipped to each worker: it holds the scenario and the fit.
    """

    scenario: Scenario
    fitted: Fitted
    draws: int
    block: int
    bins: int = BINS

    def size(self, k: int) -> int:
        """Draws of block ``k`` (the last block holds what is left)."""
        return min(self.block, self.draws - k * self.block)

    def __call__(self, k: int, seed: np.random.SeedSequence) -> BlockSummary:
        """The summary of block ``k``, whose draws all derive from ``seed``."""
        from ceasefire.bargaining.equilibrium import play
        from ceasefire.dynamics import simulate_war
        from ceasefire.workflows.prepare import prepare

        prepared = prepare(self.scenario, draws=self.size(k), rng=block_root_seed(seed))
        eq = play(prepared.compiled, prepared.expected, self.fitted)
        months = self.scenario.horizon_months
        # the realised war path, as analyze's control fan charts draw it
        realised = simulate_war(prepared.compiled.with_months(months + 1), noise=True)
        return summarise_block(eq, realised.control[months], bins=self.bins)


def blocks_root(seed: int) -> np.random.SeedSequence:
    """The sequence the blocks' seeds are spawned from, under the run's root seed."""
    return np.random.SeedSequence(seed, spawn_key=(BLOCK_STREAM,))


def block_root_seed(seed: np.random.SeedSequence) -> int:
    """The integer seed a block's scenario is compiled with (63 bits of its sequence)."""
    return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))


def run_sweep(source: Scenario | str | Path, *, draws: int, block: int = BLOCK_DRAWS,
              rng: int | np.random.Generator | None = None, fit_draws: int = FIT_DRAWS,
              solver: SolverOptions | None = None, horizon: int | None = None,
              workers: int | None = None, scheduler: str | None = None,
              progress: Progress | None = None) -> SweepResult:
    """Sweep the bargaining equilibrium of a scenario over ``draws`` draws, in blocks.

    Parameters
    ----------
    source
        A :class:`~ceasefire.scenario.Scenario`, a built-in name or a YAML path.
    draws
        Total draws; blocks of ``block`` draws, the last one smaller when ``block``
        does not divide ``draws``.
    block
        Draws per block (memory grows with it, not with ``draws``).
    rng
        Root seed or Generator (a Generator is turned into a seed, recorded).
    fit_draws
        Draws of the one backward induction every block shares.
    solver
        The solver's options (candidates, fitting paths, ...).
    horizon
        Reporting horizon in months (default: the scenario's).
    workers, scheduler
        Where the blocks run (:func:`ceasefire.sweep.run_blocks`): here (default),
        ``workers`` local processes, or the Dask cluster at ``scheduler``.
    progress
        Called as ``progress(stage, done, total)`` (see :data:`Progress`).

    Returns
    -------
    SweepResult
        The distributions of the outputs with Monte Carlo standard errors; where it ran
        and how long it took are under ``run``.

    Raises
    ------
    InputError
        On a bad number of draws, block size, fit size or worker count, or a scheduler
        that does not answer; all checked before any work.
    """
    from ceasefire.bargaining.equilibrium import SolverOptions, fit_game
    from ceasefire.scenario.compile import resolve_seed
    from ceasefire.workflows.prepare import prepare, scenario_of

    scheduler = check_sweep(draws=draws, block=block, fit_draws=fit_draws,
                            workers=workers, scheduler=scheduler)
    tell = progress or (lambda stage, done, total: None)
    seed = resolve_seed(rng)
    scenario = scenario_of(source, horizon=horizon)
    if not scenario.proposals:
        raise InputError(f"scenario {scenario.id!r} has no proposals, so there is no "
                         "bargaining to sweep (hint: add named proposals, see "
                         "docs/scenario.md)")
    solver = solver or SolverOptions()

    started = time.perf_counter()
    tell("fit", 0, 1000)
    base = prepare(scenario, draws=fit_draws, rng=seed)
    fitted = fit_game(base.compiled, base.expected, solver, progress=lambda stage, done: tell(
        "fit", round(1000 * min(done / FIT_SHARE, 1.0)), 1000))
    del base
    tell("fit", 1000, 1000)
    fit_s = time.perf_counter() - started

    task = BlockTask(scenario, fitted, draws, block)
    count = math.ceil(draws / block)
    root = blocks_root(seed)
    sizes = [0]

    def advance(blocks_done: int, blocks: int) -> None:
        sizes[0] += task.size(blocks_done - 1)
        tell("draws", sizes[0], draws)

    tell("draws", 0, draws)
    total = sweep_blocks(task, count, root=root, workers=workers, scheduler=scheduler,
                         progress=advance)
    sweep_s = time.perf_counter() - started - fit_s

    fields = result_fields(total, scenario, fitted.candidates, fitted.game.players,
                           tuple(scenario.belligerents))
    result = SweepResult(
        scenario=ScenarioMeta.of(scenario), seed=seed, draws=draws, block=block,
        blocks=count, fit=SweepFit(draws=fit_draws, fitting_paths=solver.fitting_paths,
                                   candidates=len(fitted.candidates),
                                   solver_horizon=fitted.horizon), **fields)
    where = (f"dask scheduler {scheduler}" if scheduler else
             f"{workers} local processes" if (workers or 1) > 1 else "in process")
    return result.with_run(wall_s={"fit": round(fit_s, 3), "sweep": round(sweep_s, 3),
                                   "total": round(fit_s + sweep_s, 3)},
                           draws_per_s=round(draws / max(sweep_s, 1e-9), 1),
                           where=where, workers=workers, scheduler=scheduler)


def sweep_blocks(task: Callable[[int, np.random.SeedSequence], BlockSummary], blocks: int,
                 *, root: np.random.SeedSequence, workers: int | None = None,
                 scheduler: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> BlockSummary:
    """Run ``blocks`` blocks of ``task`` (:func:`run_blocks`) and merge them in block order.

    Only the running total and the blocks in flight are held, so memory does not grow
    with ``blocks``.
    """
    total: BlockSummary | None = None
    with run_blocks(task, blocks, root=root, workers=workers, scheduler=scheduler,
                    progress=progress) as results:
        for _, summary in results:
            total = summary if total is None else merge(total, summary)
    if total is None:  # run_blocks refuses blocks < 1, so this cannot happen
        raise InputError(f"blocks: got {blocks!r}; allowed: a positive integer")
    return total


def check_sweep(*, draws: int, block: int, fit_draws: int, workers: int | None,
                scheduler: str | None) -> str | None:
    """Check a sweep's sizes and where it runs, before any work; return the scheduler.

    The scheduler's address comes back normalised (``tcp://host:port``) once something
    answers there.

    Raises
    ------
    InputError
        Naming the option, what was given, what is allowed and the fix.
    """
    _check_count("--draws", draws, 1, DRAWS_MAX, "--draws 1000000")
    _check_count("--block", block, 1, BLOCK_MAX, f"--block {BLOCK_DRAWS}")
    _check_count("--fit-draws", fit_draws, 1, FIT_MAX, f"--fit-draws {FIT_DRAWS}")
    if workers is not None:
        _check_count("--workers", workers, 1, 1024,
                     "--workers 2, or leave it out to run in this process")
    if scheduler is not None:
        if workers not in (None, 1):
            raise InputError(f"--workers {workers} and --scheduler {scheduler!r}: give one "
                             "of them (hint: a cluster's workers are started with "
                             "`dask worker ADDRESS`)")
        _require_dask("--scheduler")
        return check_scheduler(scheduler)
    if (workers or 1) > 1:
        _require_dask("--workers")
    return None


def _check_count(option: str, value: object, low: int, high: int, example: str) -> None:
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer))
            or not low <= value <= high):
        raise InputError(f"{option}: got {value!r}; allowed: an integer from {low:,} to "
                         f"{high:,} (hint: e.g. {example})")


def _require_dask(option: str) -> None:
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise InputError(f"{option}: running the blocks on Dask needs dask.distributed; "
                         "install it with pip install 'ceasefire[dask]' (or leave "
                         f"{option} out to run in this process)")
