"""`make bench-llm`: the LLM answerer with a local model against the offline reader, same questions.

    python -m bench.llm [--dataset FILE] [--limit N] [--size 1.5b|0.5b] [--base-url URL --model NAME]
                        [--out DIR]

It picks a bounded, deterministic subset of the dataset (every unanswerable item
up to a third of `--limit`, the rest answerable items evenly spaced), writes it
to `OUT/subset.jsonl`, ingests the seeds into `OUT/data`, and runs the subset
through the evaluation runner of `rag eval` (`evals.run`) twice: with the
extractive reader (`OUT/extractive`) and with the LLM answerer (`OUT/openai`),
each a normal run folder with `results.jsonl`, `metrics.json` and `report.html`;
then `rag eval --compare` between them (`OUT/compare.md`).

The LLM run streams every answer to measure what `rag eval` does not: time to
first token (question in to first text out; includes follow-up condensing,
retrieval and prompt building, i.e. everything a user waits through), the time
spent before the model call, total time, tokens in and out (tiktoken
`cl100k_base` counts of the prompt and the reply), and the share of answer
sentences that verification flags as unsupported. It also scores, from the
same answers, the three things one can do with an answer whose sentences are
mostly unsupported (`MOSTLY_UNSUPPORTED`): show it flagged, replace it by the
offline reader's answer, or refuse. So the LLM engine runs with policy `flag`
(the model's own answers, whatever `RAG_LLM_UNSUPPORTED` says) and the policies
are applied to those answers afterwards.

Without `--base-url` it serves the installed local model itself
(`rag model install` first) with llama-cpp-python on loopback and stops it at
the end. It is a benchmark, not a test: at about 13 generated tokens/s on two
cores it takes as long as it takes. It prints a table and writes `OUT/bench.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench.measure import machine
from evals.dataset import Item, load_dataset
from evals.metrics import percentile
from evals.report import write_report
from evals.run import aggregate, run_config, run_eval, write_run
from rag.answer import Answer

ROOT = Path(__file__).resolve().parent.parent
USER_SET = ROOT / "evals" / "datasets" / "user_seeds.heldout.jsonl"
DEV_SET = ROOT / "evals" / "datasets" / "dev.jsonl"
DEFAULT_LIMIT = 50
UNANSWERABLE_SHARE = 1 / 3
MOSTLY_UNSUPPORTED = 0.5  # share of an answer's sentences flagged unsupported that triggers a policy
POLICIES = ("flag", "extractive", "refuse")
SERVER_PORT = 8089


def default_dataset() -> Path:
    return USER_SET if USER_SET.exists() else DEV_SET


def subset(items: list[Item], limit: int) -> list[Item]:
    """A deterministic, bounded subset: unanswerable items first (up to a third), answerable evenly spaced."""
    if limit >= len(items):
        return list(items)
    unanswerable = [i for i in items if not i.answerable][: max(1, round(limit * UNANSWERABLE_SHARE))]
    answerable = [i for i in items if i.answerable]
    k = limit - len(unanswerable)
    step = len(answerable) / k
    chosen = {id(answerable[int(j * step)]) for j in range(k)}
    keep = chosen | {id(i) for i in unanswerable}
    return [i for i in items if id(i) in keep]


class TimedLLM:
    """Wraps a llama-index LLM: records when each streaming call starts (for time before the model call)."""

    def __init__(self, llm: Any):
        self._llm = llm
        self.calls: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def stream_chat(self, messages: Any, **kwargs: Any) -> Any:
        self.calls.append(time.perf_counter())
        return self._llm.stream_chat(messages, **kwargs)


class StreamingTimer:
    """An `evals.run.AnswerEngine` that streams each answer and records timing and tokens per question."""

    def __init__(self, engine: Any, timed: TimedLLM):
        self.engine = engine
        self.timed = timed
        self.records: list[dict[str, Any]] = []

    @property
    def backend(self) -> str:
        return str(self.engine.backend)

    @property
    def model(self) -> str | None:
        return cast("str | None", self.engine.model)

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        self.timed.calls.clear()
        started = time.perf_counter()
        first: float | None = None
        answer: Answer | None = None
        for event in self.engine.stream(question, history):
            if isinstance(event, Answer):
                answer = event
            elif first is None and event:
                first = time.perf_counter()
        assert answer is not None
        done = time.perf_counter()
        flagged = sum(not s.supported for s in answer.sentences)
        self.records.append(
            {
                "ttft_ms": round(((first or done) - started) * 1000, 1),
                "before_model_ms": round((self.timed.calls[0] - started) * 1000, 1)
                if self.timed.calls
                else None,
                "total_ms": round((done - started) * 1000, 1),
                "prompt_tokens": answer.usage.get("prompt_tokens", 0),
                "completion_tokens": answer.usage.get("completion_tokens", 0),
                "n_sentences": len(answer.sentences),
                "n_unsupported": flagged,
                "n_unverified_citations": sum(not c.verified for c in answer.citations),
                # a flagged sentence must not carry a verified citation (it would be shown as verified)
                "flagged_shown_verified": sum(
                    1
                    for i, s in enumerate(answer.sentences)
                    if not s.supported and any(c.verified for c in answer.citations if c.sentence == i)
                ),
                "follow_up": bool(history),
            }
        )
        return answer


def _p(values: list[float], q: float) -> float | None:
    return round(percentile(values, q), 1) if values else None


def llm_figures(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Timing, tokens and verification figures over the LLM run (the warm-up excluded)."""
    answered = [r for r in records if r["n_sentences"]]
    n_sent = sum(r["n_sentences"] for r in records)
    before = [r["before_model_ms"] for r in records if r["before_model_ms"] is not None]
    follow = [r["ttft_ms"] for r in records if r["follow_up"]]
    plain = [r["ttft_ms"] for r in records if not r["follow_up"]]
    return {
        "ttft_p50_ms": _p([r["ttft_ms"] for r in records], 50),
        "ttft_p95_ms": _p([r["ttft_ms"] for r in records], 95),
        "ttft_p50_ms_first_questions": _p(plain, 50),
        "ttft_p50_ms_follow_ups": _p(follow, 50),
        "before_model_p50_ms": _p(before, 50),
        "before_model_p95_ms": _p(before, 95),
        "total_p50_ms": _p([r["total_ms"] for r in records], 50),
        "total_p95_ms": _p([r["total_ms"] for r in records], 95),
        "prompt_tokens_mean": round(sum(r["prompt_tokens"] for r in records) / len(records), 1)
        if records
        else None,
        "completion_tokens_mean": round(sum(r["completion_tokens"] for r in records) / len(records), 1)
        if records
        else None,
        "unsupported_sentence_share": round(sum(r["n_unsupported"] for r in records) / n_sent, 4)
        if n_sent
        else None,
        "answers_mostly_unsupported": sum(
            r["n_unsupported"] > MOSTLY_UNSUPPORTED * r["n_sentences"] for r in answered
        ),
        "flagged_shown_verified": sum(r["flagged_shown_verified"] for r in records),
    }


def apply_policy(
    policy: str,
    llm_results: list[dict[str, Any]],
    records: list[dict[str, Any]],
    offline: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The LLM run's results with `policy` applied to answers whose sentences are mostly unsupported."""
    out = []
    for result, rec, off in zip(llm_results, records, offline, strict=True):
        mostly = rec["n_sentences"] and rec["n_unsupported"] > MOSTLY_UNSUPPORTED * rec["n_sentences"]
        if not mostly or policy == "flag":
            out.append(result)
        elif policy == "extractive":
            out.append(off)
        else:  # refuse
            refused = dict(result, refused=True, citations=[], sentences=[])
            scores = dict(result["scores"], refusal_correct=not result["answerable"])
            if result["answerable"]:
                scores.update(fact_recall=0.0, n_citations=0, n_expected_citations=0, fully_cited=False)
            out.append(dict(refused, scores=scores))
    return out


KEYS = (
    "fact_recall",
    "citation_precision",
    "cited_answer_rate",
    "refusal_rate_unanswerable",
    "false_refusal_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)


def start_server(size: str, port: int, log: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    from rag import localmodel
    from rag.config import get_settings

    spec = localmodel.MODELS[size]
    localmodel.require_llama_cpp()
    models_dir = get_settings().models_dir
    if not localmodel.is_installed(spec, models_dir):
        raise SystemExit(
            f"{spec.filename} is not in {models_dir}: run `rag model install --size {size}` first."
        )
    path = localmodel.model_path(spec, models_dir)
    proc = localmodel.start_server(spec, path, port=port, log=log)
    return proc, f"http://{localmodel.SERVER_HOST}:{port}/v1", spec.alias


def _engines(data_dir: Path, base_url: str, model: str) -> tuple[Any, Any, TimedLLM]:
    from rag.config import Settings
    from rag.ingest import ingest
    from rag.llm import OpenAIAnswerer
    from rag.wiring import build_llm, engine_from_settings

    settings = Settings(
        data_dir=data_dir,
        sources=[ROOT / "seeds"],
        llm="extractive",
        openai_base_url=base_url,
        openai_model=model,
    )
    ingest(None, settings=settings, progress=False)
    offline = engine_from_settings(settings)
    timed = TimedLLM(build_llm(settings))
    llm_engine = engine_from_settings(settings)  # same index and models; its answerer is swapped below
    llm_engine.answerer = OpenAIAnswerer(cast(Any, timed), model=model)
    # the model's own answers, flagged where unsupported: the three policies are applied to them afterwards
    llm_engine.unsupported = "flag"
    return offline, llm_engine, timed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--size", choices=["1.5b", "0.5b"], default="1.5b")
    parser.add_argument("--base-url", default=None, help="an OpenAI-compatible server already running")
    parser.add_argument("--model", default=None, help="with --base-url: the served model name")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--summarise", type=Path, metavar="OUT", help="only score the answers an earlier (cut-short) run kept"
    )
    args = parser.parse_args(argv)
    if args.summarise:
        bench = args.summarise / "openai.partial.jsonl"
        if not bench.exists():
            raise SystemExit(f"{bench} does not exist: run the benchmark first.")
        first = json.loads((args.summarise / "extractive" / "metrics.json").read_text())["config"]
        return summarise(args.summarise, Path(first["dataset"]), args.model or "local")

    dataset = args.dataset or default_dataset()
    items = subset(load_dataset(dataset), args.limit)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    out: Path = args.out or ROOT / "runs" / f"bench-llm-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "subset.jsonl").open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item.__dict__, ensure_ascii=False) + "\n")
    n_un = sum(not i.answerable for i in items)
    print(
        f"{dataset.name}: {len(items)} items ({len(items) - n_un} answerable, {n_un} unanswerable) -> {out}"
    )

    proc = None
    if args.base_url:
        base_url, model = args.base_url, args.model or "local"
    else:
        proc, base_url, model = start_server(args.size, SERVER_PORT, out / "llama-server.log")
    try:
        offline, llm_engine, timed = _engines(out / "data", base_url, model)
        progress = lambda i, n, r: print(  # noqa: E731
            f"  [{i}/{n}] {r['id']}: {'refused' if r['refused'] else 'answered'} "
            f"{r['latency_ms'] / 1000:.1f}s",
            file=sys.stderr,
            flush=True,
        )
        started = time.perf_counter()
        off_results, off_metrics = run_eval(items, offline, progress=progress)
        off_s = time.perf_counter() - started
        write_run(out / "extractive", off_results, off_metrics, run_config(offline, dataset=dataset, top_k=5))
        write_report(out / "extractive")
        timer = StreamingTimer(llm_engine, timed)
        partial = (out / "openai.partial.jsonl").open("w", encoding="utf-8")

        def llm_progress(i: int, n: int, r: dict[str, Any]) -> None:
            progress(i, n, r)  # and keep every answer as it comes: a long run can be cut short
            partial.write(json.dumps(dict(r, bench=timer.records[-1]), ensure_ascii=False) + "\n")
            partial.flush()

        started = time.perf_counter()
        # no warm-up question: one LLM answer costs minutes here, and the first question's cost is real
        run_eval(items, timer, progress=llm_progress, warmup=False)
        partial.close()
        llm_s = time.perf_counter() - started
    finally:
        if proc is not None:
            from rag.localmodel import stop_server

            stop_server(proc)
    return summarise(
        out, dataset, model, duration_s={"extractive": round(off_s, 1), "openai": round(llm_s, 1)}
    )


def summarise(out: Path, dataset: Path, model: str, duration_s: dict[str, float] | None = None) -> int:
    """Score the LLM answers in `OUT/openai.partial.jsonl` (all, or those a cut-short run got to)
    against the offline reader's on the same questions; write the run folders, compare.md, bench.json."""
    from evals.compare import write_comparison

    llm_results = [
        json.loads(line) for line in (out / "openai.partial.jsonl").read_text().splitlines() if line
    ]
    records = [r.pop("bench") for r in llm_results]
    by_id = {
        r["id"]: r for r in map(json.loads, (out / "extractive" / "results.jsonl").read_text().splitlines())
    }
    off_results = [by_id[r["id"]] for r in llm_results]
    complete = len(off_results) == len(by_id)
    off_dir = out / ("extractive" if complete else "extractive.same-items")
    off_metrics = aggregate(off_results)
    llm_metrics = aggregate(llm_results)
    figures = llm_figures(records)
    llm_metrics.update(figures)
    for result, rec in zip(llm_results, records, strict=True):
        result["bench"] = rec
    config = {"dataset": str(dataset), "model": model, "items": len(llm_results), "complete": complete}
    if not complete:
        write_run(off_dir, off_results, off_metrics, dict(config, backend="extractive"))
    write_run(out / "openai", llm_results, llm_metrics, dict(config, backend="openai"))
    write_report(off_dir)
    write_report(out / "openai")
    compare_text, _ = write_comparison(off_dir, out / "openai", out / "compare.md")
    policies = {p: aggregate(apply_policy(p, llm_results, records, off_results)) for p in POLICIES}
    summary = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        **config,
        "extractive": off_metrics,
        "openai": llm_metrics,
        "policies_for_mostly_unsupported": {p: {k: m.get(k) for k in KEYS} for p, m in policies.items()},
        "duration_s": duration_s,
    }
    (out / "bench.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    print(f"\n{'metric':32} {'extractive':>12} {model:>28}")
    for key in KEYS:
        print(f"{key:32} {off_metrics.get(key)!s:>12} {llm_metrics.get(key)!s:>28}")
    for key, value in figures.items():
        print(f"{key:32} {'':>12} {value!s:>28}")
    print("\nmostly-unsupported answers (> half the sentences flagged):")
    for p, m in policies.items():
        print(f"  {p:11} " + "  ".join(f"{k}={m.get(k)}" for k in KEYS[:5]))
    print(f"\n{compare_text}\nwrote {out}/bench.json, compare.md, extractive/, openai/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
