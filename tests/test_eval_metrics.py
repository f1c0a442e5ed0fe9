"""Eval building blocks: fact matching, ranks, percentiles, dataset validation, every run metric."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.dataset import DatasetError, Item, load_dataset
from evals.metrics import fact_found, fact_recall, normalise, percentile, reciprocal_rank
from evals.run import format_summary, run_eval
from rag.answer import REFUSAL_TEXT, Answer, AnswerSentence, Citation, Retrieved, Source
from rag.engine import QuestionError
from tests.conftest import ROOT, SEED_IDS


@pytest.mark.parametrize(
    ("answer", "alternatives", "found"),
    [
        ("Kim got five DRONES [1].", ["drone"], True),
        ("a set of bullet-proof protection", ["bulletproof", "bullet proof"], True),
        ("They held one on one talks[2].", ["one-on-one"], True),
        ("Putin met Kim.", ["Shoigu", "defence minister"], False),
        ("the Primorsky[3] region", ["Primorye", "Primorsky"], True),
        ("twenty-five", ["five"], True),  # substring match, as the format defines it
    ],
)
def test_fact_found(answer: str, alternatives: list[str], found: bool) -> None:
    assert fact_found(answer, alternatives) is found


def test_fact_recall_and_normalise() -> None:
    assert normalise("  Kim’s   [12] train!  ") == "kim s train"
    assert fact_recall("drones and a vest [1]", [["drone"], ["vest"], ["thermal"]]) == pytest.approx(2 / 3)
    assert fact_recall("anything", []) == 1.0


def test_reciprocal_rank_and_percentile() -> None:
    assert reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], ["z"]) == 0.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile([], 50) == 0.0


def test_dev_set_is_well_formed() -> None:
    items = load_dataset(ROOT / "evals/datasets/dev.jsonl")
    assert len(items) >= 60
    unanswerable = [i for i in items if not i.answerable]
    assert len(unanswerable) >= 12 and all(not i.facts and not i.sources for i in unanswerable)
    assert sum(bool(i.history) for i in items) >= 6
    for item in items:
        assert set(item.sources) <= set(SEED_IDS)
        if item.answerable:
            assert item.facts and item.sources


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "a", "question": "q?"}', "missing field 'answerable'"),
        ('{"id": "a", "question": "q?", "answerable": "yes"}', "true or false"),
        ('{"id": "a", "question": "q?", "answerable": true, "facts": ["drone"]}', "facts"),
        ('{"id": "a", "question": "q?", "answerable": true, "history": [{"role": "bot"}]}', "history"),
    ],
)
def test_malformed_lines_are_reported_with_line_numbers(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "ok", "question": "Fine?", "answerable": false, "extra": 1}\n\n' + line + "\n")
    with pytest.raises(DatasetError, match=message) as info:
        load_dataset(path)
    assert f"{path}:3" in str(info.value)


# -- every deterministic metric on a tiny hand-computed run -------------------------------------------


def fake_answer(
    question: str,
    sentences: list[tuple[str, list[str]]],
    retrieved: list[str],
    *,
    latency: float,
    refused: bool = False,
) -> Answer:
    """An Answer whose sentences cite the given doc ids (numbered in order of first citation)."""
    numbers: dict[str, int] = {}
    answer = Answer(question=question, answer="", refused=refused, backend="fake", latency_ms=latency)
    answer.retrieved = [
        Retrieved(doc_id=d, chunk_id=f"{d}-0", score=1.0, text=f"text of {d}") for d in retrieved
    ]
    if refused:
        answer.answer = REFUSAL_TEXT
        return answer
    for i, (text, docs) in enumerate(sentences):
        for d in docs:
            numbers.setdefault(d, len(numbers) + 1)
            answer.citations.append(
                Citation(
                    n=numbers[d],
                    doc_id=d,
                    title=d,
                    sentence=i,
                    quote=text,
                    start=0,
                    end=1,
                    verified=True,
                    score=1,
                )
            )
        answer.sentences.append(AnswerSentence(text=text, citations=[numbers[d] for d in docs]))
    answer.sources = [Source(n, d, f"title {d}", "", "") for d, n in numbers.items()]
    answer.answer = " ".join(s.text + "".join(f"[{n}]" for n in s.citations) for s in answer.sentences)
    return answer


class FakeEngine:
    backend = "fake"
    model = None

    def __init__(self, answers: dict[str, Answer]):
        self.answers = answers
        self.asked: list[tuple[str, list[Any]]] = []

    def ask(self, question: str, history: Any = None) -> Answer:
        self.asked.append((question, list(history or [])))
        if question == "too long":
            raise QuestionError("The question is too long.")
        return self.answers.get(question) or fake_answer(question, [], [], latency=1, refused=True)


TINY = [
    Item("a", "qa", True, [["drone"], ["vest"]], ["d1"]),
    Item("b", "qb", True, [["train"]], ["d3"], history=[{"role": "user", "content": "earlier"}]),
    Item("c", "qc", True, [["Sunday"]], ["d1", "d2"]),
    Item("u1", "qu1", False),
    Item("u2", "qu2", False),
]
TINY_ANSWERS = {
    # hit at rank 2, 1 of 2 facts, 1 of 2 citations expected, every sentence cited
    "qa": fake_answer(
        "qa", [("Kim got drones.", ["d1"]), ("He got a hat.", ["d2"])], ["d2", "d1"], latency=100
    ),
    # a false refusal, and no hit
    "qb": fake_answer("qb", [], ["d1", "d2"], latency=200, refused=True),
    # hit at rank 1, all facts, 1 of 1 citation expected, second sentence uncited
    "qc": fake_answer("qc", [("He left on Sunday.", ["d1"]), ("It was cold.", [])], ["d1"], latency=300),
    "qu1": fake_answer("qu1", [], ["d1"], latency=400, refused=True),  # refused: right
    "qu2": fake_answer("qu2", [("Something.", ["d1"])], ["d1"], latency=500),  # answered: wrong
}


def test_opening_precision_reads_the_short_fact_the_answer_opened_with() -> None:
    right = fake_answer(
        "qa", [("Five drones.", ["d1"]), ("Kim got five drones and a vest.", ["d1"])], ["d1"], latency=1
    )
    wrong = fake_answer(
        "qc", [("On Monday.", ["d1"]), ("He came on Monday, left on Sunday.", ["d1"])], ["d1"], latency=1
    )
    for answer, at in ((right, (0, 12)), (wrong, (7, 16))):
        answer.sentences[1].highlights = [at]  # the reader marks its short fact in the quoted sentence
    plain = fake_answer("qb", [("He took the train.", ["d3"])], ["d3"], latency=1)  # opens with no short fact
    engine = FakeEngine({"qa": right, "qb": plain, "qc": wrong})
    results, metrics = run_eval(TINY[:3], engine, warmup=False)
    by_id = {r["id"]: r for r in results}
    assert by_id["a"]["scores"]["opening_correct"] is True  # "Five drones." states the drone fact
    assert by_id["c"]["scores"]["opening_correct"] is False  # "On Monday.": the fact is "Sunday"
    assert "opening_correct" not in by_id["b"]["scores"]
    assert metrics["opening_precision"] == 0.5


def test_every_metric_on_a_hand_computed_run() -> None:
    engine = FakeEngine(TINY_ANSWERS)
    results, metrics = run_eval(TINY, engine, warmup=False)
    assert engine.asked[1] == ("qb", [{"role": "user", "content": "earlier"}])  # history is passed on
    expected = {
        "n_items": 5,
        "n_answerable": 3,
        "n_unanswerable": 2,
        "hit_rate": round(2 / 3, 4),
        "mrr": round((1 / 2 + 0 + 1) / 3, 4),
        "fact_recall": round((1 / 2 + 0 + 1) / 3, 4),
        "citation_precision": round(2 / 3, 4),  # citations on answerable items: d1 ok, d2 stray, d1 ok
        "cited_answer_rate": 0.5,  # of the two answered answerable items, only "a" cites every sentence
        "refusal_rate_unanswerable": 0.5,
        "false_refusal_rate": round(1 / 3, 4),
        "latency_p50_ms": 300.0,
        "latency_p95_ms": 500.0,
    }
    assert {k: metrics[k] for k in expected} == expected
    by_id = {r["id"]: r for r in results}
    assert [f["found"] for f in by_id["a"]["facts"]] == [True, False]
    assert by_id["a"]["scores"] == {
        "refusal_correct": True,
        "hit": True,
        "reciprocal_rank": 0.5,
        "fact_recall": 0.5,
        "n_citations": 2,
        "n_expected_citations": 1,
        "fully_cited": True,
    }
    assert [r["failed"] for r in results] == [True, True, True, False, True]
    assert by_id["u1"]["scores"] == {"refusal_correct": True}


def test_undefined_rates_are_null_and_rejected_questions_fail() -> None:
    items = [Item("x", "too long", True, [["a"]], ["d1"]), Item("y", "qa", True, [["drone"]], ["d1"])]
    results, metrics = run_eval(items, FakeEngine(TINY_ANSWERS), warmup=False)
    assert results[0]["error"] == "The question is too long." and results[0]["failed"]
    assert metrics["n_errors"] == 1 and metrics["fact_recall"] == 0.5
    assert metrics["refusal_rate_unanswerable"] is None  # no unanswerable item: not measurable
    assert "n/a" in format_summary(metrics)
