"""`make bench-startup`: what a user waits for, and what the install weighs.

    python -m bench.startup [--runs N] [--data-dir DIR] [--output FILE]

Cold start, each in a fresh process, wall and CPU time (user + sys, from the
child's rusage): `rag --help`, `rag status`, `rag ask "What gifts did Kim
receive?"` on an index of the seeds, and `rag serve` from launch to its first
answer over `POST /api/ask`. Install size: the virtual environment on disk, its
biggest packages, and whether PyTorch, sentence-transformers or transformers
are installed (they must not be). Prints a table and writes JSON.

It measures the installed `rag` command of this environment; it does not
change settings beyond a private data directory, and it does not judge load:
the JSON records the load average so a busy machine's figures read as such.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata as md
import json
import os
import resource
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import loadavg, machine, now_utc

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What gifts did Kim receive?"
ASK_TARGET_S = 3.0  # issue 13: `rag ask` wall on an idle machine, index built
SERVE_TARGET_S = 10.0  # issue 13: `rag serve` start to first answer
VENV_TARGET_MB = 800.0
FORBIDDEN = ("torch", "sentence-transformers", "transformers")
SERVE_TIMEOUT_S = 180.0
TOP_PACKAGES = 12


def _rag() -> list[str]:
    exe = Path(sys.executable).with_name("rag")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "rag.cli"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_", "CHROMA_"))}
    env.update(
        RAG_DATA_DIR=str(data_dir),
        RAG_SOURCES=str(ROOT / "seeds"),
        RAG_LLM="extractive",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        **extra,
    )
    return env


def timed_run(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a command to completion: wall seconds and the child's CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[-2:])} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_to_first_answer(env: dict[str, str]) -> dict[str, float]:
    """Seconds from launching `rag serve` to the first answer of POST /api/ask."""
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*_rag(), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    body = json.dumps({"question": QUESTION}).encode()
    try:
        while time.perf_counter() - started < SERVE_TIMEOUT_S:
            if proc.poll() is not None:
                raise RuntimeError(f"rag serve exited with {proc.returncode}")
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/ask",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    json.loads(response.read())
                return {"first_answer_s": round(time.perf_counter() - started, 2)}
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"no answer within {SERVE_TIMEOUT_S:.0f}s")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _du_mb(path: Path) -> float:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total / 2**20


def _canon(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def runtime_closure(root: str = "rag-news") -> set[str]:
    """The distributions `pip install rag-news` needs (no extras): what `make setup` installs."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [root]
    while todo:
        name = _canon(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.distribution(name).requires or []
        except md.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def install_size() -> dict[str, Any]:
    """The environment's size on disk, the runtime's share, its biggest packages, forbidden ones."""
    site = Path(sysconfig.get_paths()["purelib"])
    sizes: dict[str, float] = {}
    for dist in md.distributions(path=[str(site)]):
        files = dist.files or []
        total = sum((site / str(f)).stat().st_size for f in files if (site / str(f)).is_file())
        sizes[_canon(dist.metadata["Name"])] = total / 2**20
    present = [name for name in FORBIDDEN if name in sizes]
    venv_mb = _du_mb(Path(sys.prefix))
    extra = sum(v for k, v in sizes.items() if k not in runtime_closure())
    return {
        "venv": sys.prefix,
        "venv_mb": round(venv_mb, 1),
        # what a fresh `make setup` leaves: the environment less the dev/test-only packages
        "runtime_mb": round(venv_mb - extra, 1),
        "packages": len(sizes),
        "largest_mb": {
            k: round(v, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:TOP_PACKAGES]
        },
        "forbidden_present": present,
    }


def run(runs: int, data_dir: Path) -> dict[str, Any]:
    env = _env(data_dir)
    timed_run([*_rag(), "ingest", "--quiet"], env)
    figures: dict[str, list[dict[str, float]]] = {"help": [], "status": [], "ask": [], "serve": []}
    for _ in range(runs):
        figures["help"].append(timed_run([*_rag(), "--help"], env))
        figures["status"].append(timed_run([*_rag(), "status"], env))
        figures["ask"].append(timed_run([*_rag(), "ask", QUESTION], env))
        figures["serve"].append(serve_to_first_answer(env))
    best = {name: min(rows, key=lambda r: next(iter(r.values()))) for name, rows in figures.items()}
    size = install_size()
    targets = [
        {
            "target": f"rag ask <= {ASK_TARGET_S:.0f} s wall",
            "passed": best["ask"]["wall_s"] <= ASK_TARGET_S,
            "detail": f"{best['ask']['wall_s']} s",
        },
        {
            "target": f"rag serve to first answer <= {SERVE_TARGET_S:.0f} s",
            "passed": best["serve"]["first_answer_s"] <= SERVE_TARGET_S,
            "detail": f"{best['serve']['first_answer_s']} s",
        },
        {
            "target": f"runtime install <= {VENV_TARGET_MB:.0f} MB, no {', '.join(FORBIDDEN)}",
            "passed": size["runtime_mb"] <= VENV_TARGET_MB and not size["forbidden_present"],
            "detail": f"{size['runtime_mb']:.0f} MB; present: {size['forbidden_present'] or 'none'}",
        },
    ]
    return {
        "date": now_utc(),
        "machine": machine(),
        "load_average": loadavg(),
        "runs": runs,
        "best": best,
        "all": figures,
        "install": size,
        "targets": targets,
    }


def format_table(results: dict[str, Any]) -> str:
    best = results["best"]
    lines = [
        f"startup, best of {results['runs']} (load average {results['load_average']}):",
        f"  rag --help       {best['help']['wall_s']:6.2f} s wall  {best['help']['cpu_s']:6.2f} s CPU",
        f"  rag status       {best['status']['wall_s']:6.2f} s wall  {best['status']['cpu_s']:6.2f} s CPU",
        f"  rag ask          {best['ask']['wall_s']:6.2f} s wall  {best['ask']['cpu_s']:6.2f} s CPU",
        f"  rag serve -> first answer  {best['serve']['first_answer_s']:6.2f} s",
        f"install: {results['install']['venv_mb']:.0f} MB in {results['install']['venv']} "
        f"(runtime only: {results['install']['runtime_mb']:.0f} MB), "
        f"{results['install']['packages']} packages; largest: "
        + ", ".join(f"{k} {v:.0f}" for k, v in list(results["install"]["largest_mb"].items())[:8]),
    ]
    for t in results["targets"]:
        lines.append(f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {t['detail']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions; the best run is reported")
    parser.add_argument("--data-dir", type=Path, help="index location (default: a temporary folder)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "startup.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rag-startup-") as tmp:
        results = run(args.runs, args.data_dir or Path(tmp) / "data")
    print(format_table(results))
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
