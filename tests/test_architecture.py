"""The package's boundaries, checked on the source: what `rag/` may import and call, and the CLI's plug-ins.

Each rule is a function over source text, checked first on a snippet that breaks it (so the rule can
fail), then on every module of `rag/`.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from rag import cli
from tests.conftest import ROOT

RAG = ROOT / "rag"
FORBIDDEN_IMPORTS = {"ui", "evals", "gradio", "bench"}  # rag/ is the library; these sit on top of it
SETTINGS_CALLS = {"get_settings", "checked_settings"}
# Where the settings may be read: their own module, the wiring and the CLI (the composition root).
SETTINGS_READERS = {"config.py", "wiring.py", "cli.py"}


def _modules() -> list[Path]:
    found = sorted(RAG.rglob("*.py"))
    assert len(found) > 20, found  # the walk found the package
    return found


def forbidden_imports(source: str) -> list[str]:
    """Top-level packages in `FORBIDDEN_IMPORTS` that `source` imports, anywhere (also in functions)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [n for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
    return out


def settings_calls(source: str) -> list[int]:
    """Lines where `source` calls `get_settings()` or `checked_settings()` (bare or as an attribute)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in SETTINGS_CALLS:
                lines.append(node.lineno)
    return sorted(lines)


def test_the_import_rule_catches_what_it_forbids() -> None:
    snippet = "import ui.app\nfrom evals.cli import register\ndef f():\n    import gradio as gr\nimport rag\n"
    assert forbidden_imports(snippet) == ["ui.app", "evals.cli", "gradio"]
    assert forbidden_imports("from . import ui\nimport uiux\n") == []  # relative, or only a prefix


def test_rag_imports_neither_ui_nor_evals_nor_gradio() -> None:
    offenders = {
        str(p.relative_to(ROOT)): found
        for p in _modules()
        if (found := forbidden_imports(p.read_text("utf-8")))
    }
    assert offenders == {}


def test_the_settings_rule_catches_a_call() -> None:
    snippet = (
        "from rag import config\ndef f():\n    return config.get_settings().top_k\nx = checked_settings()\n"
    )
    assert settings_calls(snippet) == [3, 4]
    assert settings_calls("def get_settings():\n    pass\n") == []  # defining is not reading


def test_only_config_wiring_and_cli_read_the_settings() -> None:
    offenders = {
        str(p.relative_to(ROOT)): lines
        for p in _modules()
        if p.name not in SETTINGS_READERS and (lines := settings_calls(p.read_text("utf-8")))
    }
    assert offenders == {}


def _fresh_modules(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return set(out.stdout.split())


def test_the_llm_answerer_does_not_import_the_engine() -> None:
    assert "rag.engine" in _fresh_modules("import rag.engine")  # the check sees an import
    loaded = _fresh_modules("import rag.llm")
    assert "rag.draft" in loaded and "rag.engine" not in loaded


def test_the_engine_does_not_know_the_llm_answerer() -> None:
    """The engine decides by the answerer contract, never by the answerer's type."""
    source = (RAG / "engine.py").read_text("utf-8")
    imported = [n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) and n.module]
    assert "rag.answerer" in imported and "rag.llm" not in imported
    assert "self.llm" not in source and "OpenAIAnswerer" not in source


# -- the CLI's plug-ins ---------------------------------------------------------------------------
def test_eval_and_serve_are_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    assert {name for name, _ in cli.plugins()} >= {"eval", "serve"}
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "eval" in out and "serve" in out and "unavailable" not in out


def test_a_plugin_that_fails_to_load_leaves_the_rest_working(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = [
        EntryPoint("serve", "rag_no_such_module:register", cli.PLUGIN_GROUP),
        EntryPoint("eval", "evals.cli:register", cli.PLUGIN_GROUP),
    ]
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: broken)
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "ingest" in out and "ask" in out and "eval" in out and "serve" in out and "unavailable" in out
    assert cli.main(["serve", "--port", "9"]) == 2
    err = capsys.readouterr().err
    assert "`rag serve` is unavailable" in err and "rag_no_such_module" in err and "pip install -e ." in err
    assert "Traceback" not in err


def test_serve_without_gradio_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['gradio'] = None  # as if gradio were not installed\n"
        "from rag.cli import main\nsys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path)}
    helped = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, env=env)
    assert helped.returncode == 0 and "serve" in helped.stdout
    served = subprocess.run([sys.executable, "-c", code, "serve"], capture_output=True, text=True, env=env)
    assert served.returncode == 2, served.stderr
    assert "needs the chat app's dependencies" in served.stderr and "Traceback" not in served.stderr


def test_no_installed_plugins_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [])
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "ask" in out and "pip install -e ." in out and "eval" not in out.split("positional")[0]


def test_the_signature_check_loads_no_llama_index_and_no_model() -> None:
    """`rag status` and every index open compute the signature: that must stay light (no llama-index,
    no onnxruntime), while building the local model does load them."""
    signature = "from rag.config import Settings\nfrom rag.wiring import embedding_signature\n"
    loaded = _fresh_modules(signature + "print(embedding_signature(Settings(_env_file=None)))")
    assert "rag.embed" in loaded
    assert not {"llama_index.core", "onnxruntime", "rag.onnxembed"} & loaded
    built = _fresh_modules("from rag.embed import local_embedding\nlocal_embedding('all-MiniLM-L6-v2', 8)")
    assert {"llama_index.core", "onnxruntime", "rag.onnxembed"} <= built
