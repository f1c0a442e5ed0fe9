"""Judge metrics: an LLM decides entailment and correctness; only run when one is configured.

`Judge(llm)` wraps an injected llama-index LLM (anything with
`complete(prompt).text`). `Judge.score(item, answer)` returns one item's judge
scores; `Judge.summarise(results)` the dataset-level `judge_*` metrics.

- ALCE citation recall and precision (Gao et al., 2023, "Enabling Large
  Language Models to Generate Text with Citations"), following the reference
  implementation's `compute_autoais`, with the LLM as the entailment judge:
  for each answer sentence, its first `MAX_CITATIONS` cited articles are joined
  into one premise. Recall: the share of sentences whose citations jointly
  entail them (a sentence without citations counts 0). Precision: over all
  citations, the share that are not irrelevant; a citation is irrelevant when
  it alone does not entail the sentence and the remaining ones still do. A
  sentence with a single citation counts it correct when it entails the
  sentence; citations of a sentence its citations do not jointly entail count
  as wrong. Both are averaged per answer, then over non-refused answers.
  A cited article's premise is its title and the passages of it the engine
  retrieved, in rank order (the text the answerer saw).
- `judge_faithfulness`: non-refused answers the LLM finds wholly supported by
  all retrieved passages.
- `judge_answer_correctness`: answerable items whose answer the LLM finds to
  agree with the item's `reference` (a refusal scores 0 without a call; items
  without a reference are skipped).

Verdicts are parsed as yes/no (`parse_verdict`); an unparseable verdict counts
as "no" and is counted in `judge_unparsed`. The prompts are the constants
below, stored in `metrics.json` and shown in the report.

`agreement(results)` compares the judge's per-item verdicts with deterministic
outcomes on the same items (`AGREEMENT_PAIRS`: correctness vs all expected
facts found, faithfulness vs every citation verified, citation precision vs
every citation from an expected source): n, share agreeing, Cohen's kappa and
the 2x2 counts, stored as `judge_agreement` and shown in the report.

It does not build the LLM (`rag.wiring.build_llm`, called by the CLI) and does
not compute the deterministic metrics (`evals.run`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from evals.dataset import Item
from rag.answer import Answer

MAX_CITATIONS = 3  # ALCE: at most this many citations per sentence are considered
MAX_PREMISE_CHARS = 6000  # longer premises are cut, to stay inside small models' context

ENTAILMENT_PROMPT = """You check whether a claim is supported by source text.

Source text:
\"\"\"
{premise}
\"\"\"

Claim: "{claim}"

Does the source text, on its own, fully support the claim? Everything the claim states must follow \
from the source text; background knowledge does not count.
Reply with one word: yes or no."""

FAITHFULNESS_PROMPT = """You check an answer against the passages it was written from.

Passages:
\"\"\"
{context}
\"\"\"

Question: {question}
Answer: "{answer}"

Is every statement in the answer supported by the passages? Ignore bracketed citation markers \
such as [1]. Background knowledge does not count.
Reply with one word: yes or no."""

CORRECTNESS_PROMPT = """You grade an answer against a reference answer.

Question: {question}
Reference answer: "{reference}"
Answer to grade: "{answer}"

Does the answer to grade give the information the reference answer gives in reply to the question, \
without contradicting it? Extra correct detail is fine; wording may differ. Ignore bracketed \
citation markers such as [1].
Reply with one word: yes or no."""

PROMPTS = {
    "entailment": ENTAILMENT_PROMPT,
    "faithfulness": FAITHFULNESS_PROMPT,
    "answer_correctness": CORRECTNESS_PROMPT,
}

THINKING = re.compile(r"<think>.*?(</think>|$)", re.S | re.I)
VERDICT = re.compile(r"\b(yes|no|true|false|supported|unsupported|entailed|not entailed)\b", re.I)
POSITIVE = frozenset({"yes", "true", "supported", "entailed"})


class CompletionLLM(Protocol):
    """The part of a llama-index LLM the judge uses."""

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any: ...


def parse_verdict(text: str) -> bool | None:
    """yes/no from an LLM reply: the first verdict word after any <think> block; None if there is none."""
    text = THINKING.sub(" ", text or "")
    match = VERDICT.search(text)
    if not match:
        return None
    return match.group(1).lower() in POSITIVE


def alce_sentence(claim: str, cited: list[str], entails: Callable[[str, str], bool]) -> tuple[int, int, int]:
    """ALCE's scores for one sentence: (jointly entailed 0/1, correct citations, citations considered).

    `cited` are the premises of the sentence's citations, in order; `entails(premise, claim)`.
    """
    refs = cited[:MAX_CITATIONS]
    if not refs:
        return 0, 0, 0
    joint = int(entails("\n\n".join(refs), claim))
    if not joint or len(refs) == 1:
        return joint, joint * len(refs), len(refs)
    correct = 0
    for i, premise in enumerate(refs):
        if entails(premise, claim):
            correct += 1
            continue
        rest = [p for j, p in enumerate(refs) if j != i]
        if not entails("\n\n".join(rest), claim):
            correct += 1  # needed: without it the others do not entail the sentence
    return joint, correct, len(refs)


class Judge:
    """LLM-judged metrics over answers; see the module docstring for the definitions."""

    def __init__(self, llm: CompletionLLM, *, model: str = ""):
        self.llm = llm
        self.model = model or str(getattr(llm, "model", "") or type(llm).__name__)
        self.calls = 0
        self.unparsed = 0
        self.error = ""  # the first failure of the LLM; later items are not judged

    def ask(self, prompt: str) -> bool:
        self.calls += 1
        verdict = parse_verdict(str(self.llm.complete(prompt).text))
        if verdict is None:
            self.unparsed += 1
            return False
        return verdict

    def entails(self, premise: str, claim: str) -> bool:
        return self.ask(ENTAILMENT_PROMPT.format(premise=premise[:MAX_PREMISE_CHARS], claim=claim))

    @staticmethod
    def premises(answer: Answer) -> dict[int, str]:
        """Citation number -> the cited article's title and retrieved passages."""
        out: dict[int, str] = {}
        for source in answer.sources:
            passages = [r.text for r in answer.retrieved if r.doc_id == source.doc_id]
            passages = passages or [q.text for q in source.quotes]
            out[source.n] = f"Title: {source.title}\n" + "\n".join(passages)
        return out

    def citation_scores(self, answer: Answer) -> dict[str, Any]:
        premises = self.premises(answer)
        entailed = correct = considered = 0
        sentences = []
        for sentence in answer.sentences:
            cited = [premises[n] for n in sentence.citations if n in premises]
            joint, ok, n = alce_sentence(sentence.text, cited, self.entails)
            entailed += joint
            correct += ok
            considered += n
            sentences.append(
                {"text": sentence.text, "entailed": bool(joint), "correct_citations": ok, "n": n}
            )
        return {
            "citation_recall": entailed / len(answer.sentences) if answer.sentences else 0.0,
            "citation_precision": correct / considered if considered else 0.0,
            "sentences": sentences,
        }

    def score(self, item: Item, answer: Answer) -> dict[str, Any]:
        """One item's judge scores (keys absent when they do not apply, or after an LLM failure)."""
        if self.error:
            return {}
        try:
            return self._score(item, answer)
        except Exception as exc:  # the LLM's client errors vary by backend; the run goes on without it
            self.error = f"{type(exc).__name__}: {exc}"
            return {}

    def _score(self, item: Item, answer: Answer) -> dict[str, Any]:
        scores: dict[str, Any] = {}
        if not answer.refused:
            scores.update(self.citation_scores(answer))
            context = "\n\n".join(f"[{r.title}]\n{r.text}" for r in answer.retrieved)
            scores["faithfulness"] = float(
                self.ask(
                    FAITHFULNESS_PROMPT.format(
                        context=context[:MAX_PREMISE_CHARS], question=item.question, answer=answer.answer
                    )
                )
            )
        if item.answerable and item.reference:
            scores["answer_correctness"] = (
                0.0
                if answer.refused
                else float(
                    self.ask(
                        CORRECTNESS_PROMPT.format(
                            question=item.question, reference=item.reference, answer=answer.answer
                        )
                    )
                )
            )
        return scores

    def summarise(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        """`judge_*` means over the items each applies to (None when none), plus the prompts."""

        def mean(key: str) -> float | None:
            values = [r["judge"][key] for r in results if key in r.get("judge", {})]
            return round(sum(values) / len(values), 4) if values else None

        return {
            "judge_citation_recall": mean("citation_recall"),
            "judge_citation_precision": mean("citation_precision"),
            "judge_faithfulness": mean("faithfulness"),
            "judge_answer_correctness": mean("answer_correctness"),
            "judge_calls": self.calls,
            "judge_unparsed": self.unparsed,
            "judge": {
                "model": self.model,
                "max_citations": MAX_CITATIONS,
                "error": self.error,
                "prompts": PROMPTS,
            },
        }


# Judge verdict -> the deterministic outcome it is checked against, per item:
# (judge key in result["judge"], label, function of the result giving a yes/no or None when not applicable)
def _facts_all_found(r: dict[str, Any]) -> bool | None:
    recall = r["scores"].get("fact_recall")
    return None if recall is None or r["refused"] else recall >= 1.0


def _citations_all_verified(r: dict[str, Any]) -> bool | None:
    if r["refused"] or not r["citations"]:
        return None
    return all(c["verified"] for c in r["citations"])


def _citations_all_expected(r: dict[str, Any]) -> bool | None:
    if r["refused"] or not r["citations"] or any(c["expected"] is None for c in r["citations"]):
        return None
    return all(c["expected"] for c in r["citations"])


AGREEMENT_PAIRS = (
    ("answer_correctness", "all expected facts found", _facts_all_found),
    ("faithfulness", "every citation verified (rag.verify)", _citations_all_verified),
    ("citation_precision", "every citation from an expected source", _citations_all_expected),
)


def agreement(results: list[dict[str, Any]]) -> dict[str, Any]:
    """How often the judge agrees with the deterministic metrics on the same items.

    Per pair: n items where both apply, the share that agree (judge score 1
    counts as yes, anything lower as no), Cohen's kappa, and the 2x2 counts
    (judge yes/no x deterministic yes/no).
    """
    out: dict[str, Any] = {}
    for key, label, deterministic in AGREEMENT_PAIRS:
        pairs = []
        for r in results:
            verdict = (r.get("judge") or {}).get(key)
            truth = deterministic(r)
            if verdict is not None and truth is not None:
                pairs.append((float(verdict) >= 1.0, truth))
        n = len(pairs)
        counts = {
            "judge_yes_metric_yes": sum(j and t for j, t in pairs),
            "judge_yes_metric_no": sum(j and not t for j, t in pairs),
            "judge_no_metric_yes": sum(not j and t for j, t in pairs),
            "judge_no_metric_no": sum(not j and not t for j, t in pairs),
        }
        agree = (counts["judge_yes_metric_yes"] + counts["judge_no_metric_no"]) / n if n else None
        kappa = None
        if n:
            pj = sum(j for j, _ in pairs) / n
            pt = sum(t for _, t in pairs) / n
            chance = pj * pt + (1 - pj) * (1 - pt)
            kappa = round((agree - chance) / (1 - chance), 4) if chance < 1 and agree is not None else None
        out[f"judge_{key}"] = {
            "versus": label,
            "n": n,
            "agreement": None if agree is None else round(agree, 4),
            "kappa": kappa,
            **counts,
        }
    return out
