"""Sweeps at scale: the engines over many blocks of draws, in constant memory, anywhere.

:func:`run_blocks` runs independent blocks of draws, each seeded from one root
:class:`numpy.random.SeedSequence`, in process, on local processes or on a Dask cluster,
and hands them back in block order; :func:`run_sweep` uses it to run the bargaining
equilibrium over millions of draws and returns a :class:`~ceasefire.results.SweepResult`.
Dask is imported only by a run that uses it.
"""

from __future__ import annotations

from ceasefire.sweep.blocks import Blocks, block_seed, check_scheduler, run_blocks
from ceasefire.sweep.reduce import BlockSummary, Moments, merge, summarise_block
from ceasefire.sweep.run import BlockTask, blocks_root, run_sweep, sweep_blocks

__all__ = ["BlockSummary", "BlockTask", "Blocks", "Moments", "block_seed", "blocks_root",
           "check_scheduler", "merge", "run_blocks", "run_sweep", "summarise_block",
           "sweep_blocks"]
