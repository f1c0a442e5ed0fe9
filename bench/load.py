"""Bounded load test: many concurrent clients asking `POST /api/ask` on loopback.

`python -m bench.load` ingests the seeds into a private data directory, starts `rag serve` as a
separate process on a free loopback port, and sends a fixed number of questions from
`CLIENTS` concurrent clients, stopping early at a time cap. It prints throughput, latency
p50/p95, errors and the server's memory (RSS sampled from /proc) at the start and end of the
run, and writes `bench/load.json`. `run_load` is the same measurement against any running
server; the tests call it with smaller numbers.

`python -m bench.load --drop --llm-url URL` is the queue-and-disconnect run (issue 11): against
a server answering with that OpenAI-compatible LLM, `DROPPERS` clients open a streamed answer,
read two `delta` events and close the socket; `QUEUED` more clients open theirs just after and
wait in the queue (hanging up at their first delta if their turn comes); once the droppers are
done and a few seconds more, every client still waiting hangs up. `/healthz` is probed
throughout. It reports the liveness latency (p50, p95, worst, worst while the queue was full),
whether every slot was released and the queue emptied, the server's CLOSE-WAIT sockets (from
/proc) and its memory before and after (`run_drop_load`).

It does not start more than one server, go beyond loopback, or judge answer quality.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
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
DROPPERS = 20
QUEUED = 100
PROBE_EVERY_S = 0.1
LIVENESS_BUDGET_MS = 100.0
HOLD_AFTER_DROPS_S = 3.0
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


# -- the queue-and-disconnect run ----------------------------------------------------------
def close_wait_sockets(pid: int) -> int:
    """How many TCP sockets of process `pid` are in CLOSE-WAIT (the peer closed, `pid` did not)."""
    return len(close_wait_peers(pid))


def close_wait_peers(pid: int) -> list[int]:
    """The remote ports of the TCP sockets of process `pid` in CLOSE-WAIT."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    peers = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[3] == "08" and fields[9] in inodes:  # 08 = CLOSE_WAIT
                    peers.append(int(fields[2].rsplit(":", 1)[1], 16))
    return peers


def _open_stream(host: str, port: int, question: str) -> Any:
    import socket

    body = json.dumps({"question": question}).encode()
    sock = socket.create_connection((host, port), timeout=REQUEST_TIMEOUT_S)
    sock.sendall(
        b"POST /api/ask/stream HTTP/1.1\r\nHost: " + f"{host}:{port}".encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    return sock


def _health(base_url: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"{base_url}/healthz", timeout=10) as resp:
        data = json.load(resp)
    return (time.perf_counter() - started) * 1000, data


def run_drop_load(
    base_url: str, *, pid: int, droppers: int = DROPPERS, queued: int = QUEUED, time_cap_s: float = TIME_CAP_S
) -> dict[str, Any]:
    """Droppers read two deltas and hang up while `queued` clients wait; see the module docstring."""
    host, port = base_url.split("//", 1)[1].rsplit(":", 1)
    question = "What gifts did Kim receive?"
    _ask(base_url, question, {})  # loads the engine and warms the LLM's prompt cache
    rss_before = rss_mb(pid)
    release = threading.Event()
    stop_probe = threading.Event()
    drops: list[float] = []  # seconds from opening a stream to hanging up after two deltas
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    probes: list[tuple[float, float, int, int]] = []  # (at, ms, slots_in_use, queued)
    started = time.monotonic()

    def note(key: str) -> None:
        with lock:
            outcomes[key] = outcomes.get(key, 0) + 1

    def client(deltas: int, kind: str) -> None:
        """Open a streamed answer, wait in the queue, read `deltas` delta events, hang up."""
        opened = time.monotonic()
        try:
            sock = _open_stream(host, int(port), question)
            sock.settimeout(0.5)
            seen = b""
            while seen.count(b"event: delta") < deltas and not release.is_set():
                try:
                    chunk = sock.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                seen += chunk
            sock.close()
            status = seen.split(b"\r\n", 1)[0].decode("latin-1")
            if seen.count(b"event: delta") >= deltas:
                with lock:
                    drops.append(time.monotonic() - opened)
                note(f"{kind}_dropped_mid_answer")
            elif release.is_set() and not seen:
                note(f"{kind}_left_the_queue")
            elif release.is_set():
                note(f"{kind}_hung_up_waiting_for_a_delta")
            else:
                events = sorted({e.decode() for e in re.findall(rb"event: (\w+)", seen)})
                note(f"{kind}_other: {status} {events}")
        except OSError as exc:
            note(f"{kind}_{type(exc).__name__}")

    def probe() -> None:
        while not stop_probe.is_set():
            with contextlib.suppress(OSError):
                ms, data = _health(base_url)
                probes.append((time.monotonic() - started, ms, data["slots_in_use"], data["queued"]))
            time.sleep(PROBE_EVERY_S)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    drop_threads = [
        threading.Thread(target=client, args=(2, "dropper"), daemon=True) for _ in range(droppers)
    ]
    wait_threads = [threading.Thread(target=client, args=(1, "queued"), daemon=True) for _ in range(queued)]
    for t in drop_threads:
        t.start()
    time.sleep(0.5)  # the droppers take the slots and the head of the queue
    for t in wait_threads:
        t.start()
    deadline = started + time_cap_s
    for t in drop_threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    time.sleep(HOLD_AFTER_DROPS_S)  # the queue stays full a little longer, then everyone hangs up
    full_queue = [p for p in probes if p[3] >= queued - 10]
    release.set()
    released = time.monotonic()
    for t in [*drop_threads, *wait_threads]:
        t.join(timeout=10)
    drained_at = None
    drain_deadline = time.monotonic() + 30
    while time.monotonic() < drain_deadline:
        _, data = _health(base_url)
        if data["slots_in_use"] == 0 and data["queued"] == 0:
            drained_at = time.monotonic()
            break
        time.sleep(0.1)
    time.sleep(2.0)  # give the kernel time to show CLOSE-WAIT if anything was left open
    stop_probe.set()
    prober.join(timeout=5)
    latencies = [ms for _, ms, _, _ in probes]
    rss_after = rss_mb(pid)
    return {
        "droppers": droppers,
        "queued_clients": queued,
        "outcomes": outcomes,
        "drop_after_s_p50": round(percentile(drops, 50), 2) if drops else None,
        "max_queued_seen": max((q for *_, q in probes), default=0),
        "probes": len(probes),
        "probes_with_full_queue": len(full_queue),
        "liveness_p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "liveness_p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "liveness_max_ms": round(max(latencies), 1) if latencies else None,
        "probes_over_budget": sum(ms >= LIVENESS_BUDGET_MS for ms in latencies),
        "liveness_max_ms_full_queue": round(max(ms for _, ms, _, _ in full_queue), 1) if full_queue else None,
        "liveness_ok": bool(latencies) and max(latencies) < LIVENESS_BUDGET_MS,
        "slots_released": drained_at is not None,
        "drain_s": None if drained_at is None else round(drained_at - released, 2),
        "close_wait_sockets": close_wait_sockets(pid),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "memory_flat": (rss_after - rss_before) <= MAX_MEMORY_GROWTH_MB,
        "seconds": round(time.monotonic() - started, 1),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
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
    parser.add_argument("--drop", action="store_true", help="the queue-and-disconnect run (needs --llm-url)")
    parser.add_argument(
        "--llm-url", help="an OpenAI-compatible server's base URL, e.g. http://127.0.0.1:8080/v1"
    )
    parser.add_argument("--llm-model", default="smollm2")
    parser.add_argument("--llm-key", default="not-needed")
    args = parser.parse_args(argv)
    if args.drop:
        return _main_drop(args)
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


def drop_env(llm_url: str, model: str, key: str, concurrency: int = 1) -> dict[str, str]:
    """`rag serve` settings for the queue-and-disconnect run.

    One slot by default: llama.cpp's Python server answers one request at a time and cuts
    a running stream short when another request arrives, which would end answers early."""
    return {
        "RAG_LLM": "openai",
        "OPENAI_BASE_URL": llm_url,
        "OPENAI_MODEL": model,
        "OPENAI_API_KEY": key,
        "RAG_CONCURRENCY": str(concurrency),
        "RAG_QUEUE_SIZE": str(DROPPERS + QUEUED + 10),
        "RAG_TOP_K": "2",
    }


def _main_drop(args: argparse.Namespace) -> int:
    import socket

    if not args.llm_url:
        print("--drop needs --llm-url (an OpenAI-compatible server that streams)", file=sys.stderr)
        return 2
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = drop_env(args.llm_url, args.llm_model, args.llm_key)
    with served(args.data_dir, port, env=env) as proc:
        result = run_drop_load(f"http://127.0.0.1:{port}", pid=proc.pid, time_cap_s=args.time_cap)
    for key, value in result.items():
        print(f"{key:28s} {value}")
    ok = result["liveness_ok"] and result["slots_released"] and not result["close_wait_sockets"]
    return 0 if ok and result["memory_flat"] else 1


if __name__ == "__main__":
    sys.exit(main())
