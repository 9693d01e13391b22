"""Run independent blocks of draws in process, on local processes or on a Dask cluster.

Every block ``k`` draws its randomness from its own child of one root
:class:`numpy.random.SeedSequence` (spawn key ``root.spawn_key + (k,)``), and the blocks come
back to the caller in block order, whoever computed them and in whatever order they
finished. A reduction that folds them in that order therefore does the same floating-point
operations whatever the number of workers: the numbers are identical, bit for bit, in
process, on ``K`` local processes or on a cluster (on machines with the same numpy and
instruction set). A block lost with its worker is computed again from the same seed, so a
retry cannot change the result either.

At most ``window`` blocks are submitted and not yet handed back at any time (twice the
number of workers by default), so memory does not grow with the number of blocks.

Dask (``dask.distributed``) is imported only when a run uses it.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import numpy as np

from ceasefire.errors import InputError, ModelError

__all__ = ["Blocks", "block_seed", "check_scheduler", "run_blocks"]

T = TypeVar("T")

Task = Callable[[int, np.random.SeedSequence], T]
Progress = Callable[[int, int], None]

RETRIES = 2
"""Times Dask runs a block again after it raised (a lost worker is rescheduled anyway)."""
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler to answer."""
_DASK_EXTRA = ("the cluster runs need dask.distributed; install it with "
               "pip install 'ceasefire[dask]' (or pip install 'dask[distributed]')")


def block_seed(root: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """The seed of block ``k``: what ``root.spawn(n)[k]`` gives on a root not yet spawned.

    Built from the root's entropy and spawn key, so asking for it never changes ``root``
    and block ``k`` has the same seed whatever the number of blocks before or after it.
    """
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k),
                                  pool_size=root.pool_size)


def check_scheduler(address: str, *, timeout: float = 5.0) -> str:
    """Check that a Dask scheduler listens at ``address``; return the address.

    A plain TCP connection, without importing Dask: a command can say at once, before
    any work, that ``--scheduler`` points nowhere.

    Raises
    ------
    InputError
        When the address is malformed or nothing answers there.
    """
    text = address.strip()
    parts = urlsplit(text if "://" in text else f"tcp://{text}")
    fix = ("hint: start one with `dask scheduler` and pass the address it prints, "
           "e.g. --scheduler tcp://10.0.0.5:8786")
    if parts.scheme not in {"tcp", "tls"}:
        raise InputError(f"--scheduler: got {address!r}; allowed: tcp://HOST:PORT or "
                         f"tls://HOST:PORT ({fix})")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or not port:
        raise InputError(f"--scheduler: got {address!r}, which names no host and port; "
                         f"allowed: tcp://HOST:PORT ({fix})")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        raise InputError(f"--scheduler: no Dask scheduler answers at {address!r} "
                         f"({error.strerror or error}); {fix}, or leave --scheduler out "
                         "to run on this machine") from None
    return f"{parts.scheme}://{host}:{port}"


def run_blocks(task: Task[T], blocks: int, *, root: np.random.SeedSequence,
               workers: int | None = None, scheduler: str | None = None,
               progress: Progress | None = None, window: int | None = None,
               retries: int = RETRIES) -> Blocks[T]:
    """Run ``task(k, block_seed(root, k))`` for ``k`` in ``0..blocks-1``; yield in block order.

    Parameters
    ----------
    task
        A function of the block index and its seed returning a (small) summary. On a
        cluster it is pickled (cloudpickle) and shipped once to each worker.
    blocks
        Number of blocks (at least 1).
    root
        The root seed sequence every block's seed is spawned from (it is not changed).
    workers
        ``None`` or 1: in this process. ``K > 1``: on a local Dask cluster of ``K``
        processes with one thread each, started and closed by the run.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``): run on its workers.
        Excludes ``workers``.
    progress
        Called as ``progress(done, blocks)`` each time a block is handed back.
    window
        Most blocks submitted and not yet handed back (default: twice the workers).
    retries
        Times Dask runs a block again after it raised.

    Returns
    -------
    Blocks
        An iterator of ``(k, task's result)`` in increasing ``k``; also a context manager.
        The arguments are checked at once; the cluster starts on the first ``next``
        and is closed when the iterator is exhausted, closed, or left.

    Raises
    ------
    InputError
        When ``blocks`` or ``workers`` is not a positive integer, or both ``workers``
        and ``scheduler`` are given.
    """
    if isinstance(blocks, bool) or not isinstance(blocks, (int, np.integer)) or blocks < 1:
        raise InputError(f"blocks: got {blocks!r}; allowed: a positive integer")
    if workers is not None and (isinstance(workers, bool)
                                or not isinstance(workers, (int, np.integer)) or workers < 1):
        raise InputError(f"--workers: got {workers!r}; allowed: an integer of at least 1 "
                         "(hint: leave it out to run in this process)")
    if scheduler is not None and workers not in (None, 1):
        raise InputError(f"--workers {workers} and --scheduler {scheduler!r}: give one of "
                         "them (hint: the cluster's workers are started with `dask worker`)")
    if window is not None and window < 1:
        raise InputError(f"window: got {window!r}; allowed: a positive integer")
    return Blocks(task, int(blocks), root=root, workers=workers, scheduler=scheduler,
                  progress=progress, window=window, retries=retries)


class Blocks(Iterator[tuple[int, T]], Generic[T]):
    """The iterator :func:`run_blocks` returns: ``(k, result)`` in block order."""

    def __init__(self, task: Task[T], blocks: int, *, root: np.random.SeedSequence,
                 workers: int | None, scheduler: str | None, progress: Progress | None,
                 window: int | None, retries: int) -> None:
        self.blocks = blocks
        self.workers = workers
        self.scheduler = scheduler
        self._task = task
        self._root = root
        self._progress = progress or (lambda done, total: None)
        self._window = window
        self._retries = retries
        self._inner: Iterator[tuple[int, T]] | None = None

    @property
    def distributed(self) -> bool:
        """Whether the blocks run on Dask (a local cluster or a scheduler's workers)."""
        return self.scheduler is not None or (self.workers or 1) > 1

    def __next__(self) -> tuple[int, T]:
        if self._inner is None:
            self._inner = self._distributed() if self.distributed else self._in_process()
        return next(self._inner)

    def close(self) -> None:
        """Stop: cancel what is in flight and close the cluster this run started."""
        if self._inner is not None and hasattr(self._inner, "close"):
            self._inner.close()

    def __enter__(self) -> Blocks[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    # --- in process -------------------------------------------------------------------

    def _in_process(self) -> Iterator[tuple[int, T]]:
        for k in range(self.blocks):
            result = self._task(k, block_seed(self._root, k))
            self._progress(k + 1, self.blocks)
            yield k, result

    # --- on Dask ------------------------------------------------------------------------

    def _distributed(self) -> Iterator[tuple[int, T]]:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise InputError(_DASK_EXTRA) from None
        cluster = None
        if self.scheduler is not None:
            client = _connect(Client, self.scheduler)
        else:
            cluster = _local_cluster(int(self.workers or 1))
            client = Client(cluster, set_as_default=False)
        try:
            yield from self._ordered(client, as_completed)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _window_now(self, client: Any) -> int:
        """The blocks to keep in flight: twice the threads the cluster has now.

        Asked again as blocks come back, so workers that join a running sweep get work.
        """
        if self._window is not None:
            return self._window
        if self.workers:
            return 2 * self.workers
        return 2 * max(1, sum(client.nthreads().values()))

    def _ordered(self, client: Any, as_completed: Any) -> Iterator[tuple[int, T]]:
        from distributed import KilledWorker as killed

        run = uuid.uuid4().hex[:8]
        # the task travels once to each worker that needs it, as a dependency Dask can
        # recompute if its holder dies, rather than pickled into every block
        task = client.submit(_identity, self._task, key=f"ceasefire-task-{run}", pure=False)
        pending = as_completed(loop=client.loop)
        index: dict[str, int] = {}
        ready: dict[int, T] = {}
        submitted = handed = 0

        def top_up() -> None:
            nonlocal submitted
            window = self._window_now(client)
            while submitted < self.blocks and submitted - handed < window:
                k = submitted
                future = client.submit(_call, task, k, block_seed(self._root, k),
                                       key=f"ceasefire-block-{run}-{k}", pure=False,
                                       retries=self._retries)
                index[future.key] = k
                pending.add(future)
                submitted += 1

        top_up()
        try:
            for future in pending:
                k = index.pop(future.key)
                try:
                    ready[k] = future.result()
                except killed as error:
                    raise ModelError(
                        f"block {k} killed its worker each time it ran ({error}); "
                        "hint: a worker that runs out of memory is killed, so try a smaller "
                        "--block or workers with more memory") from None
                except ImportError as error:
                    raise ModelError(
                        f"a Dask worker cannot import {error.name or error}; hint: install "
                        "the same version of ceasefire (pip install 'ceasefire[dask]') on "
                        "every worker's machine") from None
                future.release()
                while handed in ready:
                    result = ready.pop(handed)
                    handed += 1
                    self._progress(handed, self.blocks)
                    yield handed - 1, result
                top_up()
        finally:
            for future in pending.futures:
                future.cancel()
            task.release()


def _identity(value: Any) -> Any:
    return value


def _call(task: Callable[..., Any], k: int, seed: np.random.SeedSequence) -> Any:
    return task(k, seed)


def _local_cluster(workers: int) -> Any:
    import logging
    import warnings

    from distributed import LocalCluster

    with warnings.catch_warnings():
        # its HTTP server moves to a free port when another cluster holds 8787: not news
        warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _connect(client_type: Any, address: str) -> Any:
    try:
        return client_type(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise InputError(f"--scheduler: no Dask scheduler answers at {address!r} ({error}); "
                         "hint: start one with `dask scheduler`, then workers with "
                         "`dask worker ADDRESS`, and pass the address it prints") from None
