"""Concurrent clients against the dashboard's quick what-if, on loopback.

Starts the app (uvicorn, in a child process pinned to two cores), fits the base game
once, then measures the latency of quick what-ifs (each a different lever or parameter
change, the dashboard's figures included unless --no-view) with 1 and 8 concurrent
clients: p50 and p95. Then the time to the refined answer (a full re-solve of base and
variant), and what the server does when more requests arrive than it takes (a bounded
queue, then 503 with Retry-After).

    python benchmarks/bench_web.py [--draws 400] [--variant-draws N] [--requests 24]
                                   [--burst 40] [--no-view]

``--variant-draws N`` plays each quick variant on the first N of the base's draws
(``Settings.quick_variant_draws``). Runs are recorded in a temporary run store.

Target (issue 16): p95 under 1 s with 8 clients on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

SERVER = """
import json, os, sys
import uvicorn
from ceasefire.web import Settings, create_app
settings = Settings(**json.loads(sys.argv[1]))
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[2]), log_level="error")
"""


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _changes(k: int) -> dict:
    """The k-th what-if: lever flips and discount factors inside the sampled range."""
    levers = [{"arms-package": False}, {"arms-package": True}, {"tariff-threat": True},
              {"tariff-threat": False}]
    # a different value for every k (the server caches repeated what-ifs), inside the range
    delta = round(0.962 + 0.026 * ((k * 0.6180339887) % 1.0), 6)
    return {"levers": levers[k % len(levers)], "set": {"actors.NO.discount_factor": delta}}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _round(base: str, clients: int, requests: int, draws: int, view: bool,
           distinct: int = 0, offset: int = 0) -> dict:
    """``requests`` quick what-ifs from ``clients`` threads; ``distinct`` > 0 repeats them."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def client(first: int) -> None:
        with httpx.Client(base_url=base, timeout=300) as http:
            for k in range(first, requests, clients):
                which = offset + (k % distinct if distinct else k)
                body = {"scenario": "tutorial", "draws": draws, "view": view,
                        **_changes(which)}
                start = time.perf_counter()
                response = http.post("/api/whatif", json=body)
                took = time.perf_counter() - start
                with lock:
                    statuses.append(response.status_code)
                    if response.status_code == 200:
                        latencies.append(took)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {"clients": clients, "distinct": distinct or len(statuses),
            "requests": len(statuses), "ok": len(latencies),
            "p50_s": round(statistics.median(latencies), 3),
            "p95_s": round(_percentile(latencies, 0.95), 3),
            "throughput_per_s": round(len(latencies) / wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--queue", type=int, default=16)
    parser.add_argument("--variant-draws", type=int, default=None)
    parser.add_argument("--no-view", action="store_true")
    args = parser.parse_args()
    port = _port()
    folder = tempfile.TemporaryDirectory(prefix="ceasefire-bench-")
    settings = {"quick_workers": 2, "quick_queue": args.queue, "job_workers": 2,
                "max_draws": max(args.draws, 2000), "quick_timeout_s": 600,
                "request_timeout_s": 600, "quick_variant_draws": args.variant_draws,
                "run_store": str(Path(folder.name) / "runs.duckdb")}
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    server = subprocess.Popen([sys.executable, "-c", SERVER, json.dumps(settings), str(port)],
                              env=env)
    cores = sorted(os.sched_getaffinity(0))[:2] if hasattr(os, "sched_getaffinity") else []
    if cores:
        os.sched_setaffinity(server.pid, cores)
    base = f"http://127.0.0.1:{port}"
    view = not args.no_view
    try:
        with httpx.Client(base_url=base, timeout=600) as http:
            for _ in range(300):
                try:
                    http.get("/api/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            start = time.perf_counter()
            http.post("/api/whatif", json={"scenario": "tutorial", "draws": args.draws})
            fit = time.perf_counter() - start
            played = args.variant_draws or args.draws
            print(f"server pinned to cores {cores}; tutorial, {args.draws} draws (variants "
                  f"on {played}), figures {'on' if view else 'off'}; first answer (base "
                  f"fit) {fit:.2f} s")
            for clients in (1, 8):
                print(json.dumps(_round(base, clients, args.requests, args.draws, view,
                                        offset=100 * clients)))
            # readers asking the same few what-ifs: the answer cache serves the repeats
            print(json.dumps(_round(base, 8, args.requests, args.draws, view, distinct=4,
                                    offset=1000)))
            body = {"scenario": "tutorial", "draws": args.draws, "refine": True,
                    **_changes(1)}
            start = time.perf_counter()
            refined = http.post("/api/whatif", json=body)
            print(json.dumps({"refined_s": round(time.perf_counter() - start, 2),
                              "status": refined.status_code}))

        # a burst past the queue: the first workers + queue are taken, the rest get 503
        codes: list[int] = []
        lock = threading.Lock()

        def one(k: int) -> None:
            with httpx.Client(base_url=base, timeout=600) as http:
                body = {"scenario": "tutorial", "draws": args.draws, "view": view,
                        **_changes(5000 + k)}
                response = http.post("/api/whatif", json=body)
                with lock:
                    codes.append(response.status_code)

        threads = [threading.Thread(target=one, args=(k,)) for k in range(args.burst)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(json.dumps({"burst": args.burst, "workers_plus_queue": 2 + args.queue,
                          "ok": codes.count(200), "busy_503": codes.count(503),
                          "other": len(codes) - codes.count(200) - codes.count(503),
                          "wall_s": round(time.perf_counter() - start, 2)}))
    finally:
        server.terminate()
        server.wait(10)
        folder.cleanup()


if __name__ == "__main__":
    main()
