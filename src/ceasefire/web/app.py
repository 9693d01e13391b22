"""The FastAPI application: the JSON API, the dashboard page and its local assets.

:func:`create_app` builds one app from :class:`~ceasefire.web.Settings`. Routes parse and
check a request, call the workflows (full runs as jobs, :mod:`ceasefire.web.jobs`; quick
what-ifs on a cached fit, :mod:`ceasefire.web.quick`) and return their JSON. Limits: draws
(422), body size (413, before the body is read whole), queue (503), time budget (504). Every
response carries a Content-Security-Policy that forbids loads from anywhere but the app
itself, and the page's scripts, styles and plotly.js are all served by the app.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from ceasefire import __version__
from ceasefire.errors import CeasefireError, ScenarioError
from ceasefire.scenario import builtin_names
from ceasefire.web.jobs import FINISHED, Busy, Job, JobRunner, Slots
from ceasefire.web.models import (
    AnalyzeRequest,
    DealsRequest,
    ForecastRequest,
    NegotiateRequest,
    ScenarioText,
    WhatifRequest,
)
from ceasefire.web.scenarios import (
    ID_PATTERN,
    NotFound,
    ScenarioRegistry,
    scenario_summary,
    validate_text,
)
from ceasefire.web.settings import Settings
from ceasefire.web.storage import RECORDED, WebStore
from ceasefire.web.tasks import describe_error, scenario_payload

__all__ = ["CSP", "ErrorBody", "create_app"]

log = logging.getLogger("ceasefire.web")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
"""Nothing but the app's own origin; plotly sets inline styles on the elements it draws."""

_HEADERS = [(b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"), (b"cross-origin-resource-policy", b"same-origin")]
_ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
_PLOTLY = "plotly.min.js"
_POLL_S = 0.05

ScenarioPath = Annotated[str, Path(pattern=ID_PATTERN, max_length=80,
                                   description="A scenario id (never a file path).")]
JobPath = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


class ErrorBody(BaseModel):
    """Every error: ``detail`` (a message, or for 422 a list of problems with their place)."""

    detail: str | list[dict[str, Any]]
    message: str | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body cannot be read (not UTF-8 JSON)."},
    404: {"model": ErrorBody, "description": "No such scenario or job."},
    405: {"model": ErrorBody, "description": "Method not allowed."},
    413: {"model": ErrorBody, "description": "The request body is over the server's limit."},
    422: {"model": ErrorBody, "description": "An invalid request; each problem with its "
                                             "place (loc, or the scenario path and line)."},
    503: {"model": ErrorBody, "description": "Every worker busy and the queue full; retry "
                                             "after the Retry-After seconds."},
    504: {"model": ErrorBody, "description": "The run went past its time budget and was "
                                             "stopped."},
}


_ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"description": "With ``background``: the job, to poll at its Location "
                         "(GET /api/jobs/{id}) or follow as server-sent events."}}


class _TooLarge(Exception):
    pass


class _Limits:
    """Pure ASGI middleware: the body-size limit (413) and the security headers."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *_HEADERS]}
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._too_large(send_with_headers)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except _TooLarge:
            if not started:
                await self._too_large(send_with_headers)

    async def _too_large(self, send: Any) -> None:
        body = json.dumps({"detail": f"the request body is larger than this server's limit "
                                     f"of {self.max_body:,} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _problem_detail(error: BaseException) -> tuple[int, dict[str, Any]]:
    """An engine error as an HTTP status and a body in FastAPI's 422 shape."""
    if isinstance(error, NotFound):
        return 404, {"detail": str(error)}
    described = describe_error(error)
    if described["status"] != 422:
        return described["status"], {"detail": described["message"]}
    problems = described["problems"] or [{"path": "", "message": described["message"],
                                          "hint": "", "line": None}]
    return 422, {"message": described["message"], "detail": [
        {"loc": ["scenario", *[p for p in problem["path"].split(".") if p]],
         "path": problem["path"], "line": problem["line"], "msg": problem["message"],
         "hint": problem["hint"], "type": "scenario_error" if isinstance(
             error, ScenarioError) else "input_error"} for problem in problems]}


def _invalid(field: str, message: str, value: Any = None) -> JSONResponse:
    """A 422 in FastAPI's own shape, for a check the route makes itself."""
    return JSONResponse(status_code=422, content={"detail": [
        {"loc": ["body", field], "msg": message, "type": "value_error", "input": value}]})


ANSWERS_KEPT = 256
"""Quick answers kept: the same what-if asked again (a lever flipped back, a second reader)
is answered from memory."""


class _Answers:
    """A small least-recently-used map of quick answers (thread-safe)."""

    def __init__(self, size: int) -> None:
        self._size, self._items = size, OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class _State:
    """Everything one app holds: settings, scenarios, the job runner and the quick pool."""

    def __init__(self, settings: Settings) -> None:
        from ceasefire.web.quick import FitCache

        self.settings = settings
        self.store = WebStore(settings.run_store) if settings.use_store else None
        self.scenarios = ScenarioRegistry(settings.max_uploads, self.store)
        self.quick_slots = Slots(settings.quick_workers, settings.quick_queue, "quick what-ifs")
        self.fits = FitCache(settings.fit_cache)
        self.answers = _Answers(ANSWERS_KEPT)
        self._jobs: JobRunner | None = None
        self._quick_pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    # Workers start on first use and stop at shutdown; an app started again (a test
    # client's lifespan per request) gets fresh ones.
    @property
    def jobs(self) -> JobRunner:
        with self._lock:
            if self._jobs is None:
                s = self.settings
                self._jobs = JobRunner(workers=s.job_workers, queue=s.job_queue,
                                       keep=s.keep_jobs, isolation=s.isolation,
                                       on_done=self.record)
            return self._jobs

    def record(self, job: Job) -> None:
        """Record a finished full run in the run store (its id goes to ``run.id``)."""
        if self.store is None or job.kind not in RECORDED or job.result is None:
            return
        scenario_id = job.extra["scenario_id"]
        try:
            self.store.record(job.kind, job.result, scenario_source=scenario_id,
                              scenario_text=self.scenarios.text(scenario_id),
                              options=job.extra.get("record_options", {}),
                              outputs=job.extra.get("record_outputs", {}),
                              seconds=(job.finished or 0) - (job.started or 0))
        except CeasefireError as error:  # the answer stands; say why it was not kept
            log.warning("job %s: not recorded: %s", job.id, error)
            job.result.setdefault("run", {})["store_error"] = str(error)

    @property
    def quick_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._quick_pool is None:
                self._quick_pool = ThreadPoolExecutor(self.settings.quick_workers,
                                                      thread_name_prefix="ceasefire-quick")
            return self._quick_pool

    def draws(self, scenario_id: str, asked: int | None) -> int:
        default = self.settings.dashboard_draws.get(scenario_id, self.settings.quick_draws)
        return asked if asked is not None else min(default, self.settings.max_draws)

    def close(self) -> None:
        with self._lock:
            jobs, pool, self._jobs, self._quick_pool = self._jobs, self._quick_pool, None, None
        if jobs is not None:
            jobs.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _static(name: str) -> FilePath:
    return FilePath(str(resources.files("ceasefire.web").joinpath("static", name)))


def _plotly_js() -> FilePath:
    from ceasefire.report.figures import require_plotly

    require_plotly()
    import plotly

    return FilePath(plotly.__file__).parent / "package_data" / _PLOTLY


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the dashboard and JSON API with ``settings`` (default: :class:`Settings`)."""
    settings = settings or Settings()
    state = _State(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        state.close()

    app = FastAPI(title="ceasefire", version=__version__, lifespan=lifespan,
                  description="Model the end of a war as a negotiation: the JSON API of "
                              "`ceasefire serve` and its dashboard.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  responses=_ERRORS)
    app.state.ceasefire = state
    app.add_middleware(_Limits, max_body=settings.max_body_bytes)

    @app.exception_handler(CeasefireError)
    async def _engine_error(request: Request, error: CeasefireError) -> JSONResponse:
        status, body = _problem_detail(error)
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(Busy)
    async def _busy(request: Request, error: Busy) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(error)},
                            headers={"retry-after": "5"})

    @app.exception_handler(405)
    async def _method(request: Request, error: Exception) -> JSONResponse:
        # Starlette lists the methods of the first route on the path only; list them all
        from starlette.routing import Match

        routes = [route for route in app.router.routes
                  if route.matches(request.scope)[0] != Match.NONE]
        template = routes[0].path if routes else None
        allowed = sorted({method for route in routes if route.path == template
                          for method in (getattr(route, "methods", None) or ())})
        return JSONResponse(status_code=405, content={"detail": "Method Not Allowed"},
                            headers={"allow": ", ".join(allowed)})

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        detail = [{key: value for key, value in problem.items() if key in
                   ("loc", "msg", "type")} for problem in error.errors()]
        return JSONResponse(status_code=422, content={"detail": detail})

    # --- the page and its assets ---------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return FileResponse(_static("index.html"), media_type="text/html; charset=utf-8",
                            headers={"cache-control": "no-store"})

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name == _PLOTLY:
            return FileResponse(_plotly_js(), media_type="text/javascript",
                                headers={"cache-control": "public, max-age=86400"})
        if name not in _ASSETS:
            return JSONResponse(status_code=404, content={"detail": "no such asset"})
        return FileResponse(_static(name), media_type=_ASSETS[name],
                            headers={"cache-control": "no-cache"})

    # --- scenarios ------------------------------------------------------------------------

    @app.get("/api/health", tags=["server"])
    async def health() -> dict[str, Any]:
        """The server is up; how full its queues are."""
        return {"status": "ok", "version": __version__,
                "full_runs": {"in": state.jobs.slots.used, "limit": state.jobs.slots.limit},
                "quick": {"in": state.quick_slots.used, "limit": state.quick_slots.limit}}

    @app.get("/api/scenarios", tags=["scenarios"])
    async def list_scenarios() -> dict[str, Any]:
        """Built-in and uploaded scenarios, by id."""
        builtins = set(builtin_names())
        rows = []
        for scenario_id in state.scenarios.ids():
            scenario = state.scenarios.get(scenario_id)
            rows.append({"id": scenario_id, "name": scenario.name,
                         "as_of": scenario.as_of.isoformat(),
                         "builtin": scenario_id in builtins})
        return {"scenarios": rows}

    async def _scenario_text(request: Request) -> str:
        raw = await request.body()
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CeasefireError("the body is not UTF-8 text") from None
        if kind == "application/json":
            try:
                return ScenarioText.model_validate_json(text).text
            except ValueError:
                pass  # a scenario written as JSON rather than {"text": ...}
        return text

    _text_body = {"requestBody": {"required": True, "content": {
        "application/json": {"schema": ScenarioText.model_json_schema()},
        "text/plain": {"schema": {"type": "string"}},
        "application/yaml": {"schema": {"type": "string"}}}}}

    @app.post("/api/scenarios/validate", tags=["scenarios"], openapi_extra=_text_body)
    async def validate(request: Request) -> dict[str, Any]:
        """Check scenario text (YAML or JSON, or ``{"text": ...}``) as a file would be.

        422 lists every problem with its path and line.
        """
        text = await _scenario_text(request)
        scenario = await asyncio.to_thread(validate_text, text)
        return {"valid": True, "id": scenario.id, "name": scenario.name}

    @app.post("/api/scenarios", tags=["scenarios"], status_code=201, openapi_extra=_text_body)
    async def upload(request: Request) -> dict[str, Any]:
        """Validate scenario text and keep it in this server's memory; returns its id."""
        text = await _scenario_text(request)
        scenario_id, scenario = await asyncio.to_thread(state.scenarios.add, text)
        return scenario_summary(scenario_id, scenario)

    @app.get("/api/scenarios/{scenario_id}", tags=["scenarios"])
    async def get_scenario(scenario_id: ScenarioPath) -> dict[str, Any]:
        """A scenario's parties, levers (with the ranges sliders may move), proposals."""
        return scenario_summary(scenario_id, state.scenarios.get(scenario_id))

    @app.get("/api/scenarios/{scenario_id}/evidence", tags=["scenarios"])
    async def evidence(scenario_id: ScenarioPath,
                       path: Annotated[str | None, Query(
                           max_length=200, pattern=r"^[A-Za-z0-9_.\[\]-]*$",
                           description="A dotted parameter or record path, e.g. "
                                       "levers.arms-package")] = None) -> dict[str, Any]:
        """The claims behind a parameter or record (every claim without a path)."""
        from ceasefire.web.views import claims_view

        return claims_view(state.scenarios.get(scenario_id), path)

    # --- runs -----------------------------------------------------------------------------

    def _check_draws(draws: int | None) -> JSONResponse | None:
        if draws is not None and draws > settings.max_draws:
            return _invalid("draws", f"draws: got {draws:,}; allowed: 1 to "
                                     f"{settings.max_draws:,} on this server", draws)
        return None

    async def _run(kind: str, scenario_id: str, options: dict[str, Any], background: bool,
                   record: dict[str, Any], **extra: Any) -> Response:
        """Run a job; ``record`` is its options as the CLI command names them (the store)."""
        scenario = state.scenarios.get(scenario_id)
        payload = scenario_payload(scenario_id, scenario, scenario_id in builtin_names())
        job = state.jobs.submit(kind, payload, options, settings.request_timeout_s,
                                scenario_id=scenario_id, record_options=record, **extra)
        if background:
            return JSONResponse(status_code=202, content=job.public(with_result=False),
                                headers={"location": f"/api/jobs/{job.id}"})
        while not job.done.is_set():  # set once a stopped run's process is gone
            await asyncio.sleep(_POLL_S)
        return _finished(job)

    def _finished(job: Job) -> Response:
        if job.status == "done":
            return JSONResponse(content=job.result)
        error = job.error or {"status": 500, "message": "unknown failure", "problems": []}
        if error["status"] == 422 and error["problems"]:
            return JSONResponse(status_code=422, content={"message": error["message"], "detail": [
                {"loc": ["scenario", *[p for p in pr["path"].split(".") if p]],
                 "path": pr["path"], "line": pr["line"], "msg": pr["message"],
                 "hint": pr["hint"], "type": "scenario_error"} for pr in error["problems"]]})
        return JSONResponse(status_code=error["status"], content={"detail": error["message"]})

    @app.post("/api/analyze", tags=["runs"], responses=_ACCEPTED)
    async def analyze(request: AnalyzeRequest) -> Response:
        """Run every engine on a scenario (the leverage decomposition left out).

        Waits for the result, or with ``background`` answers 202 with a job to poll.
        """
        if (bad := _check_draws(request.draws)) is not None:
            return bad
        options = {"draws": state.draws(request.scenario, request.draws),
                   "seed": request.seed, "horizon": request.horizon, "leverage": False}
        # recorded whole, leverage included: `ceasefire runs rerun` repeats this very run
        return await _run("analyze", request.scenario, options, request.background,
                          dict(options), record_outputs={"no_report": True})

    @app.post("/api/whatif", tags=["runs"], responses=_ACCEPTED)
    async def whatif(request: WhatifRequest) -> Response:
        """A what-if: quick (the base fit, forward pass only; ``preliminary``) or refined.

        The quick answer marks itself ``extrapolated`` (with the parameters) when the
        variant leaves what the base fit saw; ``refine`` re-solves the game for both runs
        (``ceasefire whatif``), waiting or, with ``background``, as a job.
        """
        if (bad := _check_draws(request.draws)) is not None:
            return bad
        draws = state.draws(request.scenario, request.draws)
        scenario = state.scenarios.get(request.scenario)
        if request.carried_out:
            from ceasefire.web.quick import check_carried_out

            try:
                check_carried_out(scenario, list(request.carried_out), request.levers)
            except CeasefireError as error:
                return _invalid("carried_out", str(error), list(request.carried_out))
        if request.refine:
            from ceasefire.web.quick import carried_out_changes

            changes = {**request.set, **carried_out_changes(list(request.carried_out))}
            options = {"draws": draws, "seed": request.seed, "changes": changes,
                       "levers": dict(request.levers)}
            record = {"set_": [f"{path}={json.dumps(value)}" for path, value in
                               changes.items()],
                      "lever": [f"{lever}={'on' if on else 'off'}" for lever, on in
                                request.levers.items()],
                      "draws": draws, "seed": request.seed}
            return await _run("whatif", request.scenario, options, request.background,
                              record, changes=changes, levers=dict(request.levers),
                              carried_out=list(request.carried_out))
        state.quick_slots.take()
        future = state.quick_pool.submit(_quick, state, scenario, draws, request)
        future.add_done_callback(lambda _: state.quick_slots.give())
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(future),
                                            settings.quick_timeout_s)
        except TimeoutError:
            return JSONResponse(status_code=504, content={"detail": (
                f"whatif: the quick answer took longer than its budget of "
                f"{settings.quick_timeout_s:g} s (the first one of a scenario fits its base "
                "game); retry, ask for fewer draws, or use refine with background")})
        return JSONResponse(content=answer)

    @app.post("/api/deals", tags=["runs"], responses=_ACCEPTED)
    async def deals(request: DealsRequest) -> Response:
        """The deal space: every package of the scenario's declared space, scored."""
        if (bad := _check_draws(request.draws)) is not None:
            return bad
        options = {"draws": state.draws(request.scenario, request.draws),
                   "seed": request.seed, "start": request.start, "top": request.top}
        record = {"draws": options["draws"], "seed": request.seed,
                  "start_month": request.start, "top": request.top}
        return await _run("deals", request.scenario, options, request.background, record)

    @app.post("/api/forecast", tags=["runs"], responses=_ACCEPTED)
    async def forecast(request: ForecastRequest) -> Response:
        """The stakeholder models (compromise, median, Nash, EUM, SMP) on the scenario."""
        options = {"models": request.models, "dimension": request.dimension}
        models = list(request.models or [])
        # the CLI's --model takes one model or all; several are recorded by the engine's name
        record: dict[str, Any] = ({"model": models[0] if models else "all"}
                                  if len(models) <= 1 else {"models": models})
        return await _run("forecast", request.scenario, options, request.background,
                          {**record, "dimension": request.dimension})

    @app.post("/api/negotiate", tags=["runs"], responses=_ACCEPTED)
    async def negotiate(request: NegotiateRequest) -> Response:
        """The talks month by month on one run (a transcript), and the batch of runs.

        ``strategies`` puts players on other strategies than the equilibrium; the batch is
        then compared with the equilibrium on the same draws (``ceasefire negotiate``).
        """
        if (bad := _check_draws(request.draws)) is not None:
            return bad
        draws = state.draws(request.scenario, request.draws)
        if request.draw >= draws:
            return _invalid("draw", f"draw: got {request.draw}; allowed: 0 to {draws - 1} "
                                    f"(below draws, {draws})", request.draw)
        scenario = state.scenarios.get(request.scenario)
        strategies = [f"{player}={name}" for player, name in request.strategies.items()]
        if strategies:
            from ceasefire.bargaining.strategies import parse_strategies
            from ceasefire.workflows.negotiate import players_of

            try:  # before any work, as the CLI does
                parse_strategies(strategies, players_of(scenario),
                                 mediator=scenario.bargaining.mediator)
            except CeasefireError as error:
                return _invalid("strategies", str(error), dict(request.strategies))
        options = {"draws": draws, "seed": request.seed, "draw": request.draw,
                   "strategies": dict(request.strategies), "horizon": request.horizon}
        record = {"runs": draws, "seed": request.seed, "draw": request.draw,
                  "strategy": strategies, "horizon": request.horizon}
        return await _run("negotiate", request.scenario, options, request.background, record)

    from ceasefire.web.runs import add_run_routes

    add_run_routes(app, settings.run_store)

    # --- jobs -----------------------------------------------------------------------------

    def _job(job_id: str) -> Job:
        job = state.jobs.get(job_id)
        if job is None:
            raise NotFound(f"job {job_id}: no such job on this server (finished jobs "
                                  f"are kept until {settings.keep_jobs} newer ones finish)")
        return job

    @app.get("/api/jobs/{job_id}", tags=["jobs"])
    async def job_status(job_id: JobPath) -> dict[str, Any]:
        """A job's status and progress; its result once done."""
        return _job(job_id).public()

    @app.get("/api/jobs/{job_id}/events", tags=["jobs"])
    async def job_events(job_id: JobPath) -> StreamingResponse:
        """Server-sent events: the job's progress until it ends (then its status)."""
        job = _job(job_id)

        async def events() -> Any:
            last = None
            while True:
                now = job.public(with_result=False)
                if now != last:
                    yield f"event: progress\ndata: {json.dumps(now)}\n\n"
                    last = now
                if job.status in FINISHED:
                    yield f"event: end\ndata: {json.dumps({'status': job.status})}\n\n"
                    return
                await asyncio.sleep(0.25)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store"})

    @app.get("/api/jobs/{job_id}/view", tags=["jobs"])
    async def job_view(job_id: JobPath) -> Response:
        """The dashboard's figures of a finished refined what-if (409 while it runs)."""
        job = _job(job_id)
        if job.status not in FINISHED:
            return JSONResponse(status_code=409, content={"detail": f"job {job_id} is "
                                                          f"{job.status}; poll it first"})
        if job.status != "done" or job.kind != "whatif":
            return _finished(job) if job.status != "done" else JSONResponse(
                status_code=409, content={"detail": "only a refined what-if has a view"})
        if "view" not in job.extra:
            job.extra["view"] = await asyncio.to_thread(_refined_view, state, job)
        return JSONResponse(content=job.extra["view"])

    return app


def _quick(state: _State, scenario: Any, draws: int, request: WhatifRequest) -> dict[str, Any]:
    """The quick what-if's answer (runs in a quick-pool thread)."""
    from ceasefire.results import ScenarioMeta
    from ceasefire.web.quick import quick_whatif

    key = json.dumps([ScenarioMeta.of(scenario).hash, draws, request.seed, request.levers,
                      request.set, sorted(request.carried_out), request.view], sort_keys=True)
    cached = state.answers.get(key)
    if cached is not None:
        return {**cached, "cached": True}
    start = time.perf_counter()
    base = state.fits.get(scenario, draws, request.seed)
    fitted_s = time.perf_counter() - start
    answer = quick_whatif(base, changes=dict(request.set), levers=dict(request.levers),
                          carried_out=list(request.carried_out),
                          draws=state.settings.quick_variant_draws)
    out: dict[str, Any] = {
        # no change: the base run itself, a full solve
        "kind": "whatif-quick",
        "preliminary": bool(answer.changes or answer.levers or answer.carried_out),
        "scenario": ScenarioMeta.of(scenario).model_dump(mode="json"),
        "scenario_id": request.scenario, "draws": answer.draws, "base_draws": draws,
        "seed": request.seed,
        "changes": answer.changes, "levers": answer.levers,
        "carried_out": answer.carried_out,
        "extrapolated": bool(answer.extrapolated),
        "extrapolated_parameters": answer.extrapolated,
        "agreement": {"p_within_12": answer.p_within["12"],
                      "p_within_24": answer.p_within["24"]},
        "note": ("preliminary: the variant played forward on the base run's fitted "
                 "continuation values (same seed); refine=true re-solves it"),
    }
    if request.view:
        out["view"] = _view_of(answer.variant, answer.scenario)
    out["wall_s"] = {"base": round(fitted_s, 4),
                     "variant": round(answer.wall_s, 4),
                     "total": round(time.perf_counter() - start, 4)}
    state.answers.put(key, out)
    return {**out, "cached": False}


def _view_of(result: Any, scenario: Any) -> dict[str, Any]:
    from ceasefire.web.views import answer_view

    return answer_view(result, scenario)


def _refined_view(state: _State, job: Job) -> dict[str, Any]:
    """The dashboard's answer of a refined what-if job, in the quick answer's shape."""
    from ceasefire.results import load_result
    from ceasefire.scenario.edit import with_values
    from ceasefire.web.quick import lever_changes

    result = load_result(job.result)
    scenario = state.scenarios.get(job.extra["scenario_id"])
    changes, levers = job.extra.get("changes", {}), job.extra.get("levers", {})
    variant = with_values(scenario, {**changes, **lever_changes(levers)}) \
        if changes or levers else scenario
    agreement = result.agreement
    return {
        "kind": "whatif-refined", "preliminary": False, "extrapolated": False,
        "extrapolated_parameters": [], "scenario_id": job.extra["scenario_id"],
        "draws": result.variant.draws, "seed": result.variant.seed,
        "changes": changes, "levers": levers,
        "carried_out": job.extra.get("carried_out", []),
        "agreement": {key: getattr(agreement, key).model_dump(mode="json")
                      for key in ("p_within_12", "p_within_24")} if agreement else None,
        "view": _view_of(result.variant, variant),
        "wall_s": {"total": round((job.finished or 0) - (job.started or 0), 4)},
    }
