"""Judge metrics with a deterministic fake LLM: ALCE citation recall/precision, verdict parsing,
faithfulness, correctness, and how the judge behaves when the LLM fails or is not configured."""

from __future__ import annotations

import re
from typing import Any

import pytest
from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import Field

from evals.dataset import Item
from evals.judge import MAX_CITATIONS, Judge, alce_sentence, parse_verdict
from evals.report import render_report
from evals.run import run_eval
from rag.answer import Answer, AnswerSentence, Retrieved, Source

WORD = re.compile(r"[a-z0-9]{3,}")


def words(text: str) -> set[str]:
    return set(WORD.findall(re.sub(r"\[\d+\]", " ", text.lower())))


def between(prompt: str, start: str, end: str) -> str:
    return prompt.split(start, 1)[1].split(end, 1)[0]


class FakeJudgeLLM(CustomLLM):
    """Says a text supports a claim when it contains every word (3+ letters) of the claim.

    Its replies vary in form ("<think>...</think> Yes, ...", "**No**") so the parser is exercised.
    """

    prompts: list[str] = Field(default_factory=list)
    fail: bool = False

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="fake-judge")

    def verdict(self, prompt: str) -> bool:
        if "Claim:" in prompt:
            return words(between(prompt, 'Claim: "', '"\n')) <= words(between(prompt, '"""\n', '\n"""'))
        if "Passages:" in prompt:
            return words(between(prompt, 'Answer: "', '"\n')) <= words(between(prompt, '"""\n', '\n"""'))
        if "Reference answer:" in prompt:
            reference = between(prompt, 'Reference answer: "', '"\n')
            return words(reference) <= words(between(prompt, 'Answer to grade: "', '"\n'))
        raise AssertionError(f"unexpected prompt: {prompt[:80]}")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        if self.fail:
            raise RuntimeError("connection refused")
        self.prompts.append(prompt)
        text = "<think>Is it no? Let me check.</think>\nYes, it is." if self.verdict(prompt) else "**No**"
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        response = self.complete(prompt)
        yield CompletionResponse(text=response.text, delta=response.text)


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("Yes", True),
        ("yes.", True),
        ("  **No**, the source does not say so.", False),
        ("<think>maybe yes, maybe not</think>\nNo", False),
        ("<think>it says no", None),  # an unfinished thought has no verdict
        ("Answer: YES", True),
        ("The claim is supported.", True),
        ("Not entailed", False),
        ("I cannot tell", None),
        ("", None),
        ("Nobody knows", None),  # 'no' must be a word of its own
    ],
)
def test_parse_verdict(reply: str, verdict: bool | None) -> None:
    assert parse_verdict(reply) is verdict


def test_alce_sentence_follows_the_definitions() -> None:
    def entails(premise: str, claim: str) -> bool:
        return words(claim) <= words(premise)

    claim = "Kim received five drones"
    full, half1, half2, other = "Kim received five drones", "Kim received five", "drones arrived", "a vest"
    assert alce_sentence(claim, [], entails) == (0, 0, 0)  # no citation: not supported
    assert alce_sentence(claim, [full], entails) == (1, 1, 1)
    assert alce_sentence(claim, [other], entails) == (0, 0, 1)
    assert alce_sentence(claim, [full, other], entails) == (1, 1, 2)  # `other` is irrelevant
    assert alce_sentence(claim, [half1, half2], entails) == (1, 2, 2)  # each needed: both correct
    assert alce_sentence(claim, [full, full], entails) == (1, 2, 2)  # each entails alone: not irrelevant
    assert alce_sentence(claim, [other, half1], entails) == (0, 0, 2)  # not jointly entailed: none correct
    # only the first MAX_CITATIONS count
    assert MAX_CITATIONS == 3
    assert alce_sentence(claim, [other, other, other, full], entails) == (0, 0, 3)


def judged_answer() -> Answer:
    texts = {
        "d1": "Kim received five drones from the governor.",
        "d2": "The governor gave a vest.",
        "d3": "Kim received five",
        "d4": "drones came too",
    }
    answer = Answer(question="q", answer="", refused=False, backend="fake")
    answer.retrieved = [
        Retrieved(doc_id=d, chunk_id=d, score=1.0, title=f"t{d}", text=t) for d, t in texts.items()
    ]
    answer.sources = [Source(n, f"d{n}", f"t{n}", "", "") for n in (1, 2, 3, 4)]
    answer.sentences = [
        AnswerSentence("Kim received five drones.", [1, 2]),  # joint yes; [2] irrelevant
        AnswerSentence("Kim received five drones.", [3, 4]),  # joint yes; both needed
        AnswerSentence("He wore a hat.", []),  # uncited
        AnswerSentence("The governor gave a vest.", [2]),  # single citation that entails
    ]
    answer.answer = (
        "Kim received five drones.[1][2] Kim received five drones.[3][4] He wore a hat. The governor..."
    )
    return answer


def test_judge_scores_an_answer_with_alce_faithfulness_and_correctness() -> None:
    llm = FakeJudgeLLM()
    judge = Judge(llm)
    item = Item("i", "What did Kim get?", True, [["drone"]], ["d1"], reference="Kim received drones")
    scores = judge.score(item, judged_answer())
    assert scores["citation_recall"] == pytest.approx(3 / 4)
    assert scores["citation_precision"] == pytest.approx((1 + 2 + 1) / (2 + 2 + 1))
    assert [s["entailed"] for s in scores["sentences"]] == [True, True, False, True]
    assert scores["faithfulness"] == 0.0  # "He wore a hat" is in no passage
    assert scores["answer_correctness"] == 1.0
    # entailment: 4 calls (joint, [1], [2], rest) + 5 ([3,4] joint, each alone, each rest) + 1; then 2 more
    assert judge.calls == len(llm.prompts) == 12 and judge.unparsed == 0
    assert "Title: t1\nKim received five drones from the governor." in llm.prompts[1]


def test_refused_answer_needs_no_llm_call() -> None:
    llm = FakeJudgeLLM()
    judge = Judge(llm)
    refused = Answer(question="q", answer="I don't know.", refused=True, backend="fake")
    assert judge.score(Item("i", "q", True, [["x"]], ["d1"], reference="x"), refused) == {
        "answer_correctness": 0.0
    }
    assert judge.score(Item("u", "q", False), refused) == {}
    assert llm.prompts == []


def test_a_failing_llm_stops_the_judge_but_not_the_run() -> None:
    judge = Judge(FakeJudgeLLM(fail=True), model="broken")
    item = Item("i", "q", True, [["x"]], ["d1"], reference="x")
    assert judge.score(item, judged_answer()) == {}
    assert "RuntimeError: connection refused" in judge.error
    summary = judge.summarise([{"judge": {}}])
    assert summary["judge_citation_recall"] is None and summary["judge"]["error"] == judge.error


class OneAnswerEngine:
    backend = "fake"
    model = None

    def ask(self, question: str, history: Any = None) -> Answer:
        answer = judged_answer()
        answer.question = question
        return answer


def test_judge_metrics_join_the_run_and_the_report() -> None:
    items = [
        Item("i", "What did Kim get?", True, [["drone"]], ["d1"], reference="Kim received drones"),
        Item("u", "Unanswerable?", False),
    ]
    results, metrics = run_eval(items, OneAnswerEngine(), judge=Judge(FakeJudgeLLM()), warmup=False)
    assert metrics["judge_citation_recall"] == pytest.approx(0.75)
    assert metrics["judge_answer_correctness"] == 1.0  # only the answerable item is graded
    assert metrics["judge"]["model"] == "FakeJudgeLLM"
    assert "answer_correctness" not in results[1]["judge"]
    html = render_report(results, metrics)
    assert "Judge prompts" in html and "Does the source text, on its own, fully support the claim?" in html
    assert "judge_citation_precision" in html


def test_cli_judge_is_skipped_with_a_message_when_no_llm_is_configured(
    settings_factory: Any, capsys: Any
) -> None:
    from evals.cli import build_judge

    assert build_judge(settings_factory(), None, None) is None
    assert "judge metrics skipped" in capsys.readouterr().err
