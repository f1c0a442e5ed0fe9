"""Bounded load test: many concurrent clients asking `POST /api/ask` on loopback.

`python -m bench.load` ingests the seeds into a private data directory, starts `rag serve` as a
separate process on a free loopback port, and sends a fixed number of questions from
`CLIENTS` concurrent clients, stopping early at a time cap. It prints throughput, latency
p50/p95, errors and the server's memory (RSS sampled from /proc) at the start and end of the
run, and writes `bench/load.json`. `run_load` is the same measurement against any running
server; the tests call it with smaller numbers.

It does not start more than one server, go beyond loopback, or judge answer quality.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.measure import rss_mb
from evals.metrics import percentile

CLIENTS = 20
REQUESTS = 200
TIME_CAP_S = 600.0
REQUEST_TIMEOUT_S = 300.0
MEMORY_SAMPLE_S = 0.5
MAX_MEMORY_GROWTH_MB = 64  # RSS growth from the first to the last quarter of the run counted as flat
STARTUP_TIMEOUT_S = 180.0
DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "dev.jsonl"
OUT = Path(__file__).with_name("load.json")


def questions() -> list[str]:
    """The dev set's questions (98 distinct ones), in file order."""
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _ask(base_url: str, question: str, headers: dict[str, str]) -> tuple[int, dict[str, Any] | None]:
    body = json.dumps({"question": question, "history": []}).encode()
    req = urllib.request.Request(
        f"{base_url}/api/ask", data=body, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, None


def run_load(
    base_url: str,
    *,
    clients: int = CLIENTS,
    requests: int = REQUESTS,
    time_cap_s: float = TIME_CAP_S,
    pid: int | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Send `requests` questions from `clients` threads; stop early at `time_cap_s`.

    One concurrent warm-up round (a question per client) runs first and is not counted: models,
    caches and the server's worker threads reach their working size before memory is watched.
    """
    headers = headers or {}
    asked = questions()
    warm = [
        threading.Thread(target=_ask, args=(base_url, asked[i % len(asked)], headers)) for i in range(clients)
    ]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    memory: list[tuple[float, float]] = []
    next_request = iter(range(requests))
    started = time.perf_counter()
    done = threading.Event()

    def client() -> None:
        while time.perf_counter() - started < time_cap_s:
            with lock:
                i = next(next_request, None)
            if i is None:
                return
            t0 = time.perf_counter()
            try:
                status, data = _ask(base_url, asked[(i + clients) % len(asked)], headers)
            except (OSError, ValueError) as exc:
                status, data = 0, None
                error = f"{type(exc).__name__}: {exc}"
            else:
                error = "" if status == 200 and data and data.get("answer") else f"HTTP {status}"
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                if error:
                    errors.append(error)

    def sample() -> None:
        while pid is not None and not done.is_set():
            with contextlib.suppress(OSError):  # the server has exited; the run reports its errors
                memory.append((time.perf_counter() - started, rss_mb(pid)))
            done.wait(MEMORY_SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    quarter = max(1, len(memory) // 4)
    first = statistics.mean(mb for _, mb in memory[:quarter]) if memory else None
    last = statistics.mean(mb for _, mb in memory[-quarter:]) if memory else None
    return {
        "clients": clients,
        "requests_planned": requests,
        "requests_done": len(latencies),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "rss_first_quarter_mb": None if first is None else round(first, 1),
        "rss_last_quarter_mb": None if last is None else round(last, 1),
        "rss_peak_mb": round(max(mb for _, mb in memory), 1) if memory else None,
        "memory_flat": None if first is None or last is None else (last - first) <= MAX_MEMORY_GROWTH_MB,
        "time_capped": len(latencies) < requests,
    }


@contextmanager
def served(data_dir: Path, port: int, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """`rag serve` in its own process on loopback; stopped on exit."""
    full_env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_LLM": "extractive", **(env or {})}
    rag = [sys.executable, "-m", "rag.cli"]
    subprocess.run([*rag, "ingest", "--quiet"], env=full_env, check=True, capture_output=True)
    log = (data_dir / "serve.log").open("ab")
    proc = subprocess.Popen(
        [*rag, "serve", "--host", "127.0.0.1", "--port", str(port)], env=full_env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"rag serve exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    raise RuntimeError("rag serve did not start") from None
                time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--time-cap", type=float, default=TIME_CAP_S)
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).with_name(".data") / "load")
    args = parser.parse_args(argv)
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args.data_dir.mkdir(parents=True, exist_ok=True)
    with served(args.data_dir, port) as proc:
        result = run_load(
            f"http://127.0.0.1:{port}",
            clients=args.clients,
            requests=args.requests,
            time_cap_s=args.time_cap,
            pid=proc.pid,
        )
    result["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    result["cpus"] = os.cpu_count()
    result["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    for key, value in result.items():
        print(f"{key:24s} {value}")
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {OUT}")
    return 0 if result["errors"] == 0 and result["memory_flat"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
