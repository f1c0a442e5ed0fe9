"""The offline reader as an `Answerer`: quotes the articles' own sentences, cited, or refuses.

`ExtractiveAnswerer` turns `rag.extractive.extract` (which picks the sentences, or decides to
refuse) into a `Draft`: the short answer first when there is one ("Six days.", "In total: six
drones."), cited like the sentence it comes from, then each chosen sentence with every article
that states it, the quoted passages per article, and where the short fact stands in the quoted
sentence (`Draft.highlights`, from `Extract.short_marks`). It streams no text (the engine sends
the finished answer at once), uses no model and no tokens, and condenses a follow-up with the
deterministic rewrite (`rag.followup.rewrite`). It does not choose sentences itself
(`rag.extractive`) and does not number or verify (`rag.engine`).
"""

from __future__ import annotations

from collections.abc import Generator

from rag.answer import Quote
from rag.answerer import AnswerRequest, History
from rag.draft import Draft
from rag.extractive import Extract, extract
from rag.followup import rewrite


class ExtractiveAnswerer:
    """The offline reader: no model, no key, no network."""

    name = "extractive"
    model: str | None = None

    def condense(self, question: str, history: History) -> str:
        return rewrite(question, history)

    def answer(self, request: AnswerRequest) -> Generator[str, None, Draft]:
        """Streams nothing (the engine yields the finished, numbered text) and returns the draft."""
        yield from ()
        return self.draft(request)

    def draft(self, request: AnswerRequest) -> Draft:
        """The reader's answer to `request`, all at once."""
        ex = extract(
            request.standalone,
            request.retrieval,
            embed=request.embed,
            idf=request.idf,
            context=appended_context(request),
        )
        if ex.refused:
            return Draft([], {}, refused=True, reason=ex.reason)
        sentences: list[tuple[str, list[str]]] = []
        if ex.short and ex.short_from is not None:  # answer first, cited like the sentence it comes from
            sentences.append((ex.short, [c.passage.doc_id for c in [ex.short_from, *ex.short_from.also_in]]))
        quotes: dict[str, list[Quote]] = {}
        first = len(sentences)  # index of the first quoted sentence in the draft
        for cand in ex.chosen:
            copies = [cand, *cand.also_in]
            sentences.append((cand.span.text, [c.passage.doc_id for c in copies]))
            for c in copies:
                quotes.setdefault(c.passage.doc_id, []).append(
                    Quote(c.span.text, c.span.start, c.span.end, c.passage.chunk_id)
                )
        return Draft(sentences, quotes, refused=False, highlights=_highlights(ex, first))


def appended_context(request: AnswerRequest) -> bool:
    """Whether the question read ends with the context words a follow-up's rewrite appended in
    parentheses; a parenthesis the user typed ("... this year (2025)") is asked."""
    return bool(request.history) and rewrite(request.question, request.history) != request.question


def _highlights(ex: Extract, first: int) -> dict[int, list[tuple[int, int]]]:
    """Where the short fact stands in the quoted sentences: draft index -> offsets in its text.

    A mark on a sentence quoted through another outlet's copy (merged, `also_in`) is looked up
    in the copy's words; a copy that words it differently gets no mark.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for source, start, end in ex.short_marks:
        phrase = source.span.text[start:end]
        for i, cand in enumerate(ex.chosen):
            if cand is not source and source not in cand.also_in:
                continue
            text = cand.span.text
            at = start if text[start:end] == phrase else text.find(phrase)
            if phrase and at >= 0:
                out.setdefault(first + i, []).append((at, at + len(phrase)))
            break
    return {i: sorted(set(marks)) for i, marks in out.items()}
