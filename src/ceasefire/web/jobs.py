"""Full runs as jobs: a bounded queue, a time budget, progress, and a result to poll.

Each job runs in its own child process (``isolation="process"``, forked from a server
process that has already imported the engines, so a start costs milliseconds): past its
time budget the process is stopped, its slot freed, and the job ends ``timeout``; the
server itself never runs the engine on its event loop. At most ``job_workers`` jobs run
at once and ``job_queue`` wait; one more is refused (:class:`Busy`, HTTP 503).
``isolation="thread"`` runs jobs in threads instead: a job over budget still ends
``timeout`` for its client, but its thread finishes the run before the slot is free.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ceasefire.web.tasks import describe_error, run_task

__all__ = ["Busy", "Job", "JobRunner", "Slots"]

log = logging.getLogger("ceasefire.web")

FINISHED = ("done", "failed", "timeout")


class Busy(Exception):
    """Every worker is busy and the queue is full (HTTP 503)."""


class Slots:
    """Admission control: ``workers + queue`` requests in the building, then :class:`Busy`."""

    def __init__(self, workers: int, queue: int, what: str) -> None:
        self.limit = workers + queue
        self.workers = workers
        self.what = what
        self._count = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        """Admit one request, or raise :class:`Busy`."""
        with self._lock:
            if self._count >= self.limit:
                raise Busy(f"{self.what}: {self.workers} running and "
                           f"{self.limit - self.workers} waiting, the most this server "
                           "takes; retry in a few seconds")
            self._count += 1

    def give(self) -> None:
        """Release one admitted request."""
        with self._lock:
            self._count -= 1

    @property
    def used(self) -> int:
        """Requests admitted and not yet released."""
        return self._count


@dataclass
class Job:
    """One full run: what was asked, where it stands, and its result or error."""

    id: str
    kind: str
    budget_s: float
    status: str = "queued"  # queued, running, done, failed, timeout
    stage: str = "queued"
    fraction: float = 0.0
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def public(self, *, with_result: bool = True) -> dict[str, Any]:
        """The job as the API shows it."""
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "status": self.status,
            "progress": {"stage": self.stage, "fraction": round(self.fraction, 3)},
            "budget_s": self.budget_s,
            "elapsed_s": round((self.finished or time.time()) - (self.started or self.created),
                               3) if self.started else 0.0,
            "error": self.error,
        }
        if with_result:
            out["result"] = self.result
        return out


def _child(connection: Any, kind: str, scenario: dict[str, Any],
           options: dict[str, Any]) -> None:
    """The child process: run the task, send progress and then the result or the error."""
    def tell(stage: str, fraction: float) -> None:
        connection.send(("progress", stage, float(fraction)))

    try:
        result = run_task(kind, scenario, options, tell)
        connection.send(("done", result))
    except BaseException as error:  # every failure goes back to the parent as data
        connection.send(("error", describe_error(error), traceback.format_exc()))
    finally:
        connection.close()


_CONTEXT: Any = None


def _context() -> Any:
    """A forkserver that has imported the engines (spawn where fork is unavailable)."""
    global _CONTEXT  # one per interpreter: the forkserver is itself a process
    if _CONTEXT is None:
        if sys.platform.startswith("linux"):
            _CONTEXT = multiprocessing.get_context("forkserver")
            _CONTEXT.set_forkserver_preload(["ceasefire.web.tasks", "ceasefire.workflows"])
        else:
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT


class JobRunner:
    """Runs jobs under the settings' limits and keeps the last ones for polling."""

    def __init__(self, *, workers: int, queue: int, keep: int, isolation: str,
                 on_done: Callable[[Job], None] | None = None) -> None:
        self.slots = Slots(workers, queue, "full runs")
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ceasefire-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()
        self._isolation = isolation
        self._children: set[Any] = set()
        self._on_done = on_done

    def submit(self, kind: str, scenario: dict[str, Any], options: dict[str, Any],
               budget_s: float, **extra: Any) -> Job:
        """Queue a job (or raise :class:`Busy`); the budget counts from its start.

        ``on_done`` (of the runner) is called with each job that succeeded, before its
        waiters are woken (the run store records it there).
        """
        self.slots.take()
        job = Job(id=uuid.uuid4().hex, kind=kind, budget_s=budget_s, extra=extra)
        with self._lock:
            self._jobs[job.id] = job
            self._forget()
        try:
            self._pool.submit(self._run, job, scenario, options)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self.slots.give()
            raise Busy("the server is shutting down") from None
        return job

    def get(self, job_id: str) -> Job | None:
        """A job by id, while it is kept."""
        with self._lock:
            return self._jobs.get(job_id)

    def _forget(self) -> None:
        finished = [j for j in self._jobs.values() if j.status in FINISHED]
        while len(self._jobs) > self._keep and finished:
            self._jobs.pop(finished.pop(0).id, None)

    def _run(self, job: Job, scenario: dict[str, Any], options: dict[str, Any]) -> None:
        job.status, job.stage, job.started = "running", "starting", time.time()
        running: threading.Thread | None = None
        try:
            if self._isolation == "process":
                self._in_process(job, scenario, options)
            else:
                running = self._in_thread(job, scenario, options)
        except Exception as error:  # the runner itself failed: report it, keep serving
            log.exception("job %s failed to run", job.id)
            job.status, job.error = "failed", describe_error(error)
        finally:
            job.finished = time.time()
            if job.status == "done" and self._on_done is not None:
                try:
                    self._on_done(job)
                except Exception:  # the answer stands; the store's failure is logged
                    log.exception("job %s: could not be recorded in the run store", job.id)
            if running is None:
                self.slots.give()
            else:  # a thread cannot be stopped: its slot is free when its run ends
                threading.Thread(target=lambda: (running.join(), self.slots.give()),
                                 daemon=True).start()
            job.done.set()

    def _timeout(self, job: Job) -> None:
        job.status = "timeout"
        job.error = {"status": 504, "problems": [],
                     "message": f"{job.kind}: the run took longer than its budget of "
                                f"{job.budget_s:g} s and was stopped; ask for fewer draws, "
                                "or run it with the command line"}

    def _in_process(self, job: Job, scenario: dict[str, Any], options: dict[str, Any]) -> None:
        context = _context()
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(send, job.kind, scenario, options),
                                daemon=True, name=f"ceasefire-{job.kind}")
        child.start()
        send.close()
        self._children.add(child)
        deadline = time.monotonic() + job.budget_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._timeout(job)
                    return
                if not receive.poll(min(left, 0.5)):
                    if not child.is_alive() and not receive.poll(0):
                        job.status = "failed"
                        job.error = {"status": 500, "problems": [], "message":
                                     f"{job.kind}: the worker process ended without an "
                                     f"answer (exit code {child.exitcode})"}
                        return
                    continue
                try:
                    message = receive.recv()
                except EOFError:
                    continue
                if message[0] == "progress":
                    job.stage, job.fraction = message[1], message[2]
                elif message[0] == "done":
                    job.result, job.status, job.stage, job.fraction = (
                        message[1], "done", "done", 1.0)
                    return
                else:
                    job.status, job.error = "failed", message[1]
                    if job.error["status"] >= 500:
                        log.error("job %s: %s", job.id, message[2])
                    return
        finally:
            receive.close()
            if child.is_alive():
                child.terminate()
                child.join(2)
                if child.is_alive():
                    child.kill()
            child.join(1)
            self._children.discard(child)

    def _in_thread(self, job: Job, scenario: dict[str, Any], options: dict[str, Any],
                   ) -> threading.Thread | None:
        """Run in a thread; return it if it is still running past the budget."""
        outcome: dict[str, Any] = {}

        def tell(stage: str, fraction: float) -> None:
            job.stage, job.fraction = stage, fraction

        def work() -> None:
            try:
                outcome["result"] = run_task(job.kind, scenario, options, tell)
            except BaseException as error:
                outcome["error"] = describe_error(error)
                outcome["trace"] = traceback.format_exc()

        worker = threading.Thread(target=work, daemon=True, name=f"ceasefire-{job.kind}")
        worker.start()
        worker.join(job.budget_s)
        if worker.is_alive():
            self._timeout(job)
            return worker
        if "error" in outcome:
            job.status, job.error = "failed", outcome["error"]
            if job.error["status"] >= 500:
                log.error("job %s: %s", job.id, outcome["trace"])
        else:
            job.result, job.status, job.stage, job.fraction = (
                outcome["result"], "done", "done", 1.0)
        return None

    def close(self) -> None:
        """Stop every running child and the supervising threads."""
        for child in list(self._children):
            if child.is_alive():
                child.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
