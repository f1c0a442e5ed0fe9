"""`make bench`: ingestion, latency, memory and retrieval quality at two corpus sizes, ours vs baseline.

    python -m bench.run [--quick] [--fresh] [--docs N] [--questions N] [--seed S] [--wait-quiet MIN]

Two sizes: the five seed articles alone, and the seeds hidden among `--docs`
generated articles (`bench.corpus`, with look-alike distractors). At each
size it ingests with `rag.ingest` and with the plain llama-index baseline
(`bench.baseline`) into the same Chroma client, timing throughput and peak
memory; warms up; times retrieval (`Engine.retriever.retrieve`), the
baseline's retrieval and a full extractive answer (`Engine.ask`) for each of
`--questions` distinct questions (`bench.questions`), interleaved so that load
from other processes falls on all three alike; and scores hit@5 and MRR of the
dev set's answerable questions for both. It prints a table with PASS/FAIL
targets and writes `bench/results.json`.

The generated corpus and both indexes are cached under `bench/.data/`, keyed by
generator version, seed, size and chunking; a cached run reuses the ingestion
figures recorded when the index was built (the JSON says so). `--fresh` rebuilds
everything. The settings are the defaults (local MiniLM, extractive answers,
embedded Chroma), whatever the environment says.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench import corpus as corpus_mod
from bench.baseline import (
    BASELINE_TOP_K,
    baseline_chunks,
    baseline_retriever,
    build_baseline,
    open_baseline,
    retrieved_doc_ids,
)
from bench.baseline import DESCRIPTION as BASELINE_DESCRIPTION
from bench.measure import (
    PeakMemory,
    Stopwatch,
    git_commit,
    latency_summary,
    loadavg,
    machine,
    now_utc,
    rss_mb,
    versions,
)
from bench.questions import (
    WARMUP_QUESTIONS,
    Question,
    load_items,
    quality_questions,
    timing_questions,
)
from evals.metrics import reciprocal_rank
from rag.config import Settings

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
SEEDS_DIR = ROOT / "seeds"
DATA_ROOT = BENCH_DIR / ".data"
RESULTS = BENCH_DIR / "results.json"
SCHEMA_VERSION = 1

SCALE_DOCS = 5000  # generated articles the seeds hide among
TIMED_QUESTIONS = 294  # every dev question in three wordings
QUICK_DOCS = 500
QUICK_QUESTIONS = 50
TOP_K = 5  # hit@k and MRR are over this many retrieved chunks

# Targets (issue 6)
RETRIEVAL_P95_TARGET_MS = 100.0
ANSWER_P95_TARGET_MS = 300.0

# --wait-quiet: wait for the 1-minute load average to drop below this before measuring
QUIET_LOAD = 1.5
QUIET_POLL_S = 60

INGEST_RECORD = "bench-ingest.json"
SIZE_NAMES = ("seeds", "scale")


@dataclass
class BenchConfig:
    n_docs: int = SCALE_DOCS
    n_questions: int = TIMED_QUESTIONS
    quality_limit: int | None = None  # None: every answerable dev question
    seed: int = corpus_mod.DEFAULT_SEED
    data_root: Path = DATA_ROOT
    output: Path | None = RESULTS
    fresh: bool = False
    quick: bool = False
    progress: bool = True
    strict: bool = False
    warmup: int = len(WARMUP_QUESTIONS)  # untimed questions before timing, per size
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- settings and workspaces ------------------------------------------------------------------
def bench_settings(data_dir: Path, sources: list[Path]) -> Settings:
    """The default settings on a private data dir, whatever the environment or `.env` say."""
    defaults = {
        name: Settings.model_fields[name].default for name in ("chunk_size", "chunk_overlap", "top_k")
    }
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        sources=sources,
        collection="news",
        chroma_host=None,
        embed_backend="local",
        embed_model=None,
        llm="extractive",
        **defaults,
    )


@dataclass
class Workspace:
    name: str  # "seeds" or "scale"
    n_generated: int
    corpus_dir: Path | None
    data_dir: Path
    description: str

    @property
    def files(self) -> list[Path]:
        generated = sorted(self.corpus_dir.glob(f"{corpus_mod.DOC_PREFIX}*.txt")) if self.corpus_dir else []
        return sorted(SEEDS_DIR.glob("*.txt")) + generated

    @property
    def sources(self) -> list[Path]:
        return [SEEDS_DIR] + ([self.corpus_dir] if self.corpus_dir else [])


def _chunking_key() -> str:
    """Chunk size, overlap and how vectors are stored: an index built otherwise is not reused."""
    from rag.ingest import chunking_signature

    s = bench_settings(Path("/nonexistent"), [])
    rest = chunking_signature(s).split("/")[3:]  # after cl100k/size/overlap
    return f"c{s.chunk_size}o{s.chunk_overlap}-{'-'.join(rest)}"


def workspaces(config: BenchConfig) -> list[Workspace]:
    n_seeds = len(list(SEEDS_DIR.glob("*.txt")))
    key = corpus_mod.corpus_key(config.n_docs, config.seed)
    return [
        Workspace(
            "seeds",
            0,
            None,
            config.data_root / "index" / f"seeds-{_chunking_key()}",
            f"the {n_seeds} seed articles alone",
        ),
        Workspace(
            "scale",
            config.n_docs,
            config.data_root / "corpus" / key,
            config.data_root / "index" / f"{key}-{_chunking_key()}",
            f"the {n_seeds} seed articles hidden among " + corpus_mod.describe(config.n_docs, config.seed),
        ),
    ]


# -- ingestion -----------------------------------------------------------------------------------
def _rates(documents: int, chunks: int, seconds: float, memory: PeakMemory) -> dict[str, Any]:
    return {
        "documents": documents,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "docs_per_s": round(documents / seconds, 2) if seconds else 0.0,
        "chunks_per_s": round(chunks / seconds, 2) if seconds else 0.0,
        "memory": memory.as_dict(),
    }


def _prewarm(embed_model: BaseEmbedding) -> None:
    """Imports, tokenizer and splitter loaded before any clock starts (both pipelines use them)."""
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex  # noqa: F401

    from rag.chunk import split
    from rag.documents import SourceDocument

    doc = SourceDocument("warm", "Warm up", "Warm up the splitter. " * 50, None, "warm", "0" * 64)
    split(doc, chunk_size=64, chunk_overlap=8)
    embed_model.get_text_embedding_batch(["warm up"] * 2)


def ingest_both(ws: Workspace, embed_model: BaseEmbedding, config: BenchConfig) -> dict[str, Any]:
    """Build (or reuse) our index and the baseline's for this workspace; the ingestion figures."""
    from rag.ingest import ingest
    from rag.wiring import open_index

    record_path = ws.data_dir / INGEST_RECORD
    settings = bench_settings(ws.data_dir, ws.sources)
    if ws.corpus_dir is not None:
        if config.fresh:
            shutil.rmtree(ws.corpus_dir, ignore_errors=True)
        with Stopwatch() as gen:
            corpus_mod.write_corpus(ws.corpus_dir, ws.n_generated, config.seed)
        log(f"{ws.name}: corpus of {ws.n_generated} generated articles ready in {gen.seconds:.1f}s")
    if config.fresh:
        shutil.rmtree(ws.data_dir, ignore_errors=True)
    if record_path.exists():
        record: dict[str, Any] = json.loads(record_path.read_text())
        index = open_index(settings)
        if (
            len(index.documents()) == record["ours"]["documents"]
            and baseline_chunks(index.client) == record["baseline"]["chunks"]
        ):
            log(f"{ws.name}: reusing the cached indexes in {ws.data_dir} (built {record['recorded_at']})")
            return {**record, "cached": True}
        log(f"{ws.name}: cached index incomplete; rebuilding")
        shutil.rmtree(ws.data_dir, ignore_errors=True)

    _prewarm(embed_model)
    n_files = len(ws.files)
    log(f"{ws.name}: ingesting {n_files} documents (ours)")
    with PeakMemory() as mem, Stopwatch() as sw:
        report = ingest(settings=settings, embed_model=embed_model, progress=config.progress)
    if report.skipped:
        raise RuntimeError(f"ingest skipped files: {report.skipped[:3]}")
    ours = _rates(len(report.added) + len(report.updated), report.chunks_written, sw.seconds, mem)
    log(f"{ws.name}: ours {ours['chunks']} chunks in {sw.seconds:.1f}s")

    index = open_index(settings)
    log(f"{ws.name}: ingesting {n_files} documents (baseline)")
    with PeakMemory() as mem, Stopwatch() as sw:
        n_docs = build_baseline(index.client, ws.files, embed_model)
    baseline = _rates(n_docs, baseline_chunks(index.client), sw.seconds, mem)
    log(f"{ws.name}: baseline {baseline['chunks']} chunks in {sw.seconds:.1f}s")
    record = {"recorded_at": now_utc(), "load_average": loadavg(), "ours": ours, "baseline": baseline}
    record_path.write_text(json.dumps(record, indent=1))
    return {**record, "cached": False}


# -- queries -------------------------------------------------------------------------------------
def _quality(doc_id_lists: list[list[str]], questions: list[Question]) -> dict[str, Any]:
    hits = [any(d in q.sources for d in ids[:TOP_K]) for ids, q in zip(doc_id_lists, questions, strict=True)]
    rrs = [reciprocal_rank(ids[:TOP_K], q.sources) for ids, q in zip(doc_id_lists, questions, strict=True)]
    n = len(questions)
    return {
        "n": n,
        f"hit_at_{TOP_K}": round(sum(hits) / n, 4) if n else 0.0,
        "mrr": round(sum(rrs) / n, 4) if n else 0.0,
        "missed": [q.item_id for q, hit in zip(questions, hits, strict=True) if not hit],
    }


def query_both(
    ws: Workspace,
    embed_model: BaseEmbedding,
    timed: list[Question],
    quality: list[Question],
    warmup: int = len(WARMUP_QUESTIONS),
) -> dict[str, Any]:
    """Warm up, time retrieval/answers/baseline interleaved, then score hit@5 and MRR."""
    from rag.engine import build_engine
    from rag.wiring import open_index

    settings = bench_settings(ws.data_dir, ws.sources)
    index = open_index(settings)
    engine: Engine = build_engine(index, embed_model=embed_model, top_k=TOP_K, cache_dir=settings.data_dir)
    base = baseline_retriever(open_baseline(index.client, embed_model))

    with Stopwatch() as first:  # loads the BM25 index and term statistics
        engine.retriever.retrieve(WARMUP_QUESTIONS[0])
    first_ms = first.seconds * 1000
    for warm in WARMUP_QUESTIONS[:warmup]:
        engine.retriever.retrieve(warm)
        retrieved_doc_ids(base, warm)
        engine.ask(warm)
    log(f"{ws.name}: warm (first query {first_ms:.0f} ms); timing {len(timed)} questions")

    retrieval: list[float] = []
    baseline: list[float] = []
    answers: list[float] = []
    refused = 0
    with PeakMemory() as mem:
        for q in timed:
            start = time.perf_counter()
            engine.retriever.retrieve(q.standalone)
            mid = time.perf_counter()
            retrieved_doc_ids(base, q.standalone)
            end = time.perf_counter()
            answer = engine.ask(q.text, q.history)
            answers.append((time.perf_counter() - end) * 1000)
            retrieval.append((mid - start) * 1000)
            baseline.append((end - mid) * 1000)
            refused += answer.refused

    ours_ids = [[p.doc_id for p in engine.retriever.retrieve(q.standalone).passages] for q in quality]
    base_ids = [retrieved_doc_ids(base, q.standalone) for q in quality]
    return {
        "ours": {
            "chunks": index.chunk_count(),
            "first_query_ms": round(first_ms, 1),
            "retrieval": latency_summary(retrieval),
            "answer": {
                **latency_summary(answers),
                "refused": refused,
                # article sentences embedded for an earlier wording are served by the engine's
                # sentence cache later on; the first wordings show the colder case
                "first_wording": latency_summary(
                    [ms for ms, q in zip(answers, timed, strict=True) if not q.variant]
                ),
                "later_wordings": latency_summary(
                    [ms for ms, q in zip(answers, timed, strict=True) if q.variant]
                ),
            },
            "serving_memory": mem.as_dict(),
            "quality": _quality(ours_ids, quality),
        },
        "baseline": {
            "chunks": baseline_chunks(index.client),
            "retrieval": latency_summary(baseline),
            "quality": _quality(base_ids, quality),
        },
    }


# -- comparison and targets -----------------------------------------------------------------------
def compare(size: dict[str, Any]) -> dict[str, Any]:
    ours, base = size["ours"], size["baseline"]
    hit = f"hit_at_{TOP_K}"
    return {
        "retrieval_p50_ratio": round(ours["retrieval"]["p50_ms"] / base["retrieval"]["p50_ms"], 2),
        "retrieval_p95_ratio": round(ours["retrieval"]["p95_ms"] / base["retrieval"]["p95_ms"], 2),
        "answer_p50_vs_baseline_retrieval_p50": round(
            ours["answer"]["p50_ms"] / base["retrieval"]["p50_ms"], 2
        ),
        f"{hit}_diff": round(ours["quality"][hit] - base["quality"][hit], 4),
        "mrr_diff": round(ours["quality"]["mrr"] - base["quality"]["mrr"], 4),
        "ingest_chunks_per_s_ratio": round(ours["ingest"]["chunks_per_s"] / base["ingest"]["chunks_per_s"], 2)
        if base["ingest"]["chunks_per_s"]
        else None,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    seeds, scale = results["sizes"]["seeds"], results["sizes"]["scale"]
    hit = f"hit_at_{TOP_K}"
    n_scale = scale["documents"]
    where = f"at {n_scale:,} documents" + (
        " (quick run, not the 5,000-document target)" if results["config"]["quick"] else ""
    )
    out = []
    for name, size in (("seeds", seeds), ("scale", scale)):
        ours, base = size["ours"]["quality"][hit], size["baseline"]["quality"][hit]
        out.append(
            {
                "target": f"our hit@{TOP_K} >= baseline's ({name}, {size['documents']:,} docs)",
                "passed": ours >= base,
                "detail": f"{ours:.3f} vs {base:.3f}",
            }
        )
    p95 = scale["ours"]["retrieval"]["p95_ms"]
    out.append(
        {
            "target": f"retrieval p95 < {RETRIEVAL_P95_TARGET_MS:.0f} ms {where}",
            "passed": p95 < RETRIEVAL_P95_TARGET_MS,
            "detail": f"{p95:.1f} ms",
        }
    )
    answer = scale["ours"]["answer"]
    p95 = answer["p95_ms"]
    out.append(
        {
            "target": f"extractive answer p95 < {ANSWER_P95_TARGET_MS:.0f} ms {where}",
            "passed": p95 < ANSWER_P95_TARGET_MS,
            "detail": f"{p95:.1f} ms (first wordings only: {answer['first_wording']['p95_ms']:.1f} ms)",
        }
    )
    growth = results["scaling"]
    out.append(
        {
            "target": "retrieval latency grows sub-linearly with corpus size",
            "passed": growth["latency_ratio"] < min(growth["documents_ratio"], growth["chunks_ratio"]),
            "detail": (
                f"p50 x{growth['latency_ratio']:.2f} for x{growth['documents_ratio']:.0f} documents "
                f"(x{growth['chunks_ratio']:.0f} chunks); exponent {growth['exponent']:.3f}"
            ),
        }
    )
    return out


def scaling(results: dict[str, Any]) -> dict[str, Any]:
    seeds, scale = results["sizes"]["seeds"], results["sizes"]["scale"]
    lat = scale["ours"]["retrieval"]["p50_ms"] / seeds["ours"]["retrieval"]["p50_ms"]
    docs = scale["documents"] / seeds["documents"]
    chunks = scale["ours"]["chunks"] / seeds["ours"]["chunks"]
    return {
        "latency_ratio": round(lat, 3),
        "documents_ratio": round(docs, 1),
        "chunks_ratio": round(chunks, 1),
        # latency ~ chunks^exponent between the two sizes; below 1 is sub-linear
        "exponent": round(math.log(lat) / math.log(chunks), 4) if chunks > 1 and lat > 0 else 0.0,
    }


# -- output ----------------------------------------------------------------------------------------
def format_table(results: dict[str, Any]) -> str:
    m = results["machine"]
    seeds, scale = results["sizes"]["seeds"], results["sizes"]["scale"]
    hit = f"hit_at_{TOP_K}"
    lines = [
        f"rag benchmark, {results['date']} (commit {results['git_commit']})",
        f"machine: {m['cpu_model']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}, "
        f"Python {m['python']}",
        "load average (1/5/15 min): start "
        + " ".join(f"{x:.2f}" for x in results["load_average"]["start"])
        + ", end "
        + " ".join(f"{x:.2f}" for x in results["load_average"]["end"]),
        f"seeds: {seeds['corpus']}",
        f"scale: {scale['corpus']}",
        f"ours: rag (cleaning, {results['config']['chunk_size']}-token chunks, title-prefixed MiniLM "
        f"embeddings, dense+BM25 fused), extractive answers; top-{TOP_K}",
        f"baseline: {results['baseline']}",
        f"questions: {results['config']['timed_questions']} timed (dev questions and rewordings), "
        f"{seeds['ours']['quality']['n']} answerable dev questions for hit@{TOP_K}/MRR",
        "",
    ]

    def cell(value: Any, fmt: str = "{:,.1f}") -> str:
        if value is None or value == "":
            return "-"
        return fmt.format(value) if isinstance(value, (int, float)) else str(value)

    header = ("", "seeds ours", "seeds base", "scale ours", "scale base")
    rows: list[tuple[str, ...]] = [header]

    def row(
        label: str, get: Callable[[dict[str, Any]], Any], fmt: str = "{:,.1f}", base: bool = True
    ) -> None:
        values = []
        for size in (seeds, scale):
            values.append(cell(get(size["ours"]), fmt))
            values.append(cell(get(size["baseline"]), fmt) if base else "-")
        rows.append((label, *values))

    rows.append(("documents", cell(seeds["documents"], "{:,}"), "", cell(scale["documents"], "{:,}"), ""))
    row("chunks", lambda s: s["chunks"], "{:,}")
    row("ingest documents/s", lambda s: s["ingest"]["docs_per_s"])
    row("ingest chunks/s", lambda s: s["ingest"]["chunks_per_s"])
    row("ingest seconds", lambda s: s["ingest"]["seconds"])
    row("ingest peak RSS MiB", lambda s: s["ingest"]["memory"]["peak_rss_mb"], "{:,.0f}")
    row("retrieval p50 ms", lambda s: s["retrieval"]["p50_ms"])
    row("retrieval p95 ms", lambda s: s["retrieval"]["p95_ms"])
    row("answer p50 ms (extractive)", lambda s: s["answer"]["p50_ms"], base=False)
    row("answer p95 ms (extractive)", lambda s: s["answer"]["p95_ms"], base=False)
    row("  first wordings p95 ms", lambda s: s["answer"]["first_wording"]["p95_ms"], base=False)
    row("serving peak RSS MiB", lambda s: s["serving_memory"]["peak_rss_mb"], "{:,.0f}", base=False)
    row(f"hit@{TOP_K}", lambda s: s["quality"][hit], "{:.3f}")
    row("MRR", lambda s: s["quality"]["mrr"], "{:.3f}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        lines.append(
            "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)).rstrip()
        )
    lines.append("")
    for name, size in (("seeds", seeds), ("scale", scale)):
        c = size["comparison"]
        lines.append(
            f"ours/baseline ({name}): retrieval p50 x{c['retrieval_p50_ratio']:.2f}, "
            f"p95 x{c['retrieval_p95_ratio']:.2f}; hit@{TOP_K} {c[f'{hit}_diff']:+.3f}, "
            f"MRR {c['mrr_diff']:+.3f}"
        )
    for name, size in (("seeds", seeds), ("scale", scale)):
        if size["ingest_cached"]:
            lines.append(
                f"note: {name} ingestion figures recorded when the cached index was built "
                f"({size['ingest_recorded_at']}); run with --fresh to re-measure"
            )
    lines.extend(f"note: {n}" for n in results["notes"])
    lines.append("")
    for t in results["targets"]:
        lines.append(f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {t['detail']}")
    return "\n".join(lines)


# -- driver -----------------------------------------------------------------------------------------
def wait_for_quiet(max_minutes: float) -> None:
    deadline = time.monotonic() + max_minutes * 60
    while loadavg()[0] > QUIET_LOAD and time.monotonic() < deadline:
        log(f"load average {loadavg()[0]:.2f} > {QUIET_LOAD}; waiting {QUIET_POLL_S}s for a quieter moment")
        time.sleep(QUIET_POLL_S)


def run_bench(config: BenchConfig, embed_model: BaseEmbedding | None = None) -> dict[str, Any]:
    """Run the whole benchmark; returns the results (also written to `config.output`)."""
    started = time.perf_counter()
    load_start = loadavg()
    settings = bench_settings(config.data_root, [])
    if embed_model is None:
        from rag.wiring import build_embed_model

        with Stopwatch() as sw:
            embed_model = build_embed_model(settings)
            embed_model.get_query_embedding("warm up")
        log(f"embedding model loaded in {sw.seconds:.1f}s")
    items = load_items()
    timed = timing_questions(items, config.n_questions)
    quality = quality_questions(items, config.quality_limit)
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "date": now_utc(),
        "machine": machine(),
        "load_average": {"start": load_start, "end": []},
        "versions": versions(),
        "git_commit": git_commit(ROOT),
        "config": {
            **{
                k: v
                for k, v in asdict(config).items()
                if k not in ("data_root", "output", "notes", "progress", "strict")
            },
            "timed_questions": len(timed),
            "quality_questions": len(quality),
            "top_k": TOP_K,
            "baseline_top_k": BASELINE_TOP_K,
            "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap,
            "embedding": settings.embed_model_name,
            "answer_backend": "extractive",
        },
        "baseline": BASELINE_DESCRIPTION,
        "sizes": {},
        "notes": list(config.notes),
    }
    for ws in workspaces(config):
        ingested = ingest_both(ws, embed_model, config)
        measured = query_both(ws, embed_model, timed, quality, config.warmup)
        size: dict[str, Any] = {
            "corpus": ws.description,
            "documents": ingested["ours"]["documents"],
            "ingest_cached": ingested["cached"],
            "ingest_recorded_at": ingested["recorded_at"],
            "ingest_load_average": ingested["load_average"],
            "ours": {"ingest": ingested["ours"], **measured["ours"]},
            "baseline": {"ingest": ingested["baseline"], **measured["baseline"]},
        }
        size["comparison"] = compare(size)
        results["sizes"][ws.name] = size
        log(
            f"{ws.name}: retrieval p50 {size['ours']['retrieval']['p50_ms']:.1f} ms, "
            f"answer p50 {size['ours']['answer']['p50_ms']:.1f} ms, RSS now {rss_mb():.0f} MiB"
        )
    results["scaling"] = scaling(results)
    results["targets"] = targets(results)
    results["load_average"]["end"] = loadavg()
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    if config.output is not None:
        config.output.parent.mkdir(parents=True, exist_ok=True)
        config.output.write_text(json.dumps(results, indent=1) + "\n")
    return results


def parse_args(argv: list[str] | None) -> BenchConfig:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke test: {QUICK_DOCS} docs, {QUICK_QUESTIONS} questions"
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the corpus and rebuild both indexes")
    parser.add_argument("--docs", type=int, help=f"generated documents at scale (default {SCALE_DOCS})")
    parser.add_argument("--questions", type=int, help=f"timed questions (default {TIMED_QUESTIONS})")
    parser.add_argument("--seed", type=int, default=corpus_mod.DEFAULT_SEED, help="corpus generator seed")
    parser.add_argument(
        "--data-dir", type=Path, default=DATA_ROOT, help="where corpora and indexes are cached"
    )
    parser.add_argument(
        "--output", type=Path, help="results file (default bench/results.json; quick: .data/)"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help=f"first wait up to MINUTES for the 1-minute load average to fall below {QUIET_LOAD}",
    )
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target fails")
    args = parser.parse_args(argv)
    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    n_docs = args.docs or (QUICK_DOCS if args.quick else SCALE_DOCS)
    n_questions = args.questions or (QUICK_QUESTIONS if args.quick else TIMED_QUESTIONS)
    output = args.output or (args.data_dir / "results-quick.json" if args.quick else RESULTS)
    return BenchConfig(
        n_docs=n_docs,
        n_questions=n_questions,
        seed=args.seed,
        data_root=args.data_dir,
        output=output,
        fresh=args.fresh,
        quick=args.quick or n_docs < SCALE_DOCS,
        progress=sys.stderr.isatty(),
        strict=args.strict,
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    results = run_bench(config)
    print(format_table(results))
    print(f"\nwrote {config.output} in {results['elapsed_s']:.0f}s")
    failed = not all(t["passed"] for t in results["targets"])
    return 1 if failed and config.strict else 0


if __name__ == "__main__":
    sys.exit(main())
