"""Citation verification, for every backend, offline.

Given answer sentences with the article numbers they cite, it checks each
citation against that article's passages: the best-matching sentence of the
article (cosine similarity of local embeddings plus the share of the answer
sentence's content words it contains) becomes the citation's quote, and the
citation is verified when that support score clears `VERIFY_MIN`. A short
claim (a name, a number, a place: fewer than `MIN_FACTUAL_WORDS` words) found
word for word in an evidence sentence is fully supported by it, since
embeddings of a two-word phrase and a long sentence are far apart ("Six days."
against "Kim spent six days in Russia" scores cosine -0.02). A factual
sentence with no citation gets one when some article clearly supports it
(`ADD_MIN`), and is flagged unsupported otherwise. Markers that point at no
source are dropped before this runs (`rag.engine`).

An LLM judge, when one is injected, decides the citations the answerer made.
It does not decide refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.answer import REFUSAL_TEXT, AnswerSentence, Citation
from rag.sentences import Span, content_terms, cosine, split_sentences

W_COSINE = 0.5
W_LEXICAL = 0.5
VERIFY_MIN = 0.6  # support score for a citation to count as verified
ADD_MIN = 0.75  # support score for attaching a citation to an uncited sentence
MIN_FACTUAL_WORDS = 5  # shorter sentences ("Let's take a look.") need no citation; nor do lead-ins ending ":"
WORD = re.compile(r"\w+(?:[’'.-]\w+)*")  # a word for `quoted_in`: "Komsomolsk-on-Amur", "U.S"
NON_FACTUAL_PREFIXES = (REFUSAL_TEXT.lower()[:20], "i don't know", "i do not know", "the articles do not")


@dataclass
class Evidence:
    """A sentence of an article that an answer sentence may be checked against."""

    n: int
    doc_id: str
    title: str
    span: Span
    chunk_id: str = ""


def evidence_from_passages(
    n: int, doc_id: str, title: str, passages: Sequence[tuple[str, int, str]]
) -> list[Evidence]:
    """Split an article's passages (text, start offset, chunk id) into evidence sentences."""
    seen: set[int] = set()
    out = []
    for text, start, chunk_id in passages:
        for span in split_sentences(text, offset=start):
            if span.start not in seen:
                seen.add(span.start)
                out.append(Evidence(n, doc_id, title, span, chunk_id))
    return out


def _words(text: str) -> str:
    return " " + " ".join(WORD.findall(text.lower())) + " "


def quoted_in(claim: str, sentence: str) -> bool:
    """A short claim with a content word that stands word for word in `sentence`."""
    words = _words(claim)
    return len(claim.split()) < MIN_FACTUAL_WORDS and bool(content_terms(claim)) and words in _words(sentence)


def is_factual(sentence: str) -> bool:
    text = sentence.strip().lower()
    return (
        len(text.split()) >= MIN_FACTUAL_WORDS
        and not text.endswith(("?", ":"))  # a question, or a lead-in to a list
        and not text.startswith(NON_FACTUAL_PREFIXES)
    )


Judge = Callable[[str, str], "bool | None"]  # (claim, passage) -> supported?; None when it cannot tell


def verify(
    sentences: list[AnswerSentence],
    evidence: list[Evidence],
    *,
    embed: Callable[[list[str]], list[list[float]]],
    judge: Judge | None = None,
) -> list[Citation]:
    """Check every citation; attach or flag uncited factual sentences. Mutates `sentences`.

    With a `judge` (an LLM, see `rag.llm.OpenAIAnswerer.judge`), each citation the answerer made is
    decided by the judge reading the cited article's passages; the similarity check still picks
    the quote, and decides when the judge cannot.
    """
    if not sentences:
        return []
    vectors = embed([s.text for s in sentences] + [e.span.text for e in evidence])
    s_vecs, e_vecs = vectors[: len(sentences)], vectors[len(sentences) :]
    e_terms = [set(content_terms(e.span.text)) for e in evidence]

    def support(i: int, j: int) -> float:
        if quoted_in(sentences[i].text, evidence[j].span.text):
            return 1.0
        terms = set(content_terms(sentences[i].text))
        lexical = len(terms & e_terms[j]) / len(terms) if terms else 0.0
        return W_COSINE * cosine(s_vecs[i], e_vecs[j]) + W_LEXICAL * lexical

    citations: list[Citation] = []
    for i, sentence in enumerate(sentences):
        if not sentence.citations:
            if not is_factual(sentence.text) or not evidence:
                continue
            j = max(range(len(evidence)), key=lambda j: support(i, j))
            score = support(i, j)
            if score >= ADD_MIN:
                sentence.citations.append(evidence[j].n)
                citations.append(_citation(i, evidence[j], score, verified=True, added=True))
            else:
                sentence.supported = False
            continue
        for n in sentence.citations:
            own = [j for j, e in enumerate(evidence) if e.n == n]
            if not own:
                continue
            j = max(own, key=lambda j: support(i, j))
            score = support(i, j)
            citation = _citation(i, evidence[j], score, verified=score >= VERIFY_MIN)
            verdict = judge(sentence.text, " ".join(evidence[k].span.text for k in own)) if judge else None
            if verdict is not None:
                citation.verified, citation.method = verdict, "llm"
            citations.append(citation)
        sentence.supported = any(c.verified for c in citations if c.sentence == i)
    return citations


def _citation(i: int, ev: Evidence, score: float, *, verified: bool, added: bool = False) -> Citation:
    return Citation(
        n=ev.n,
        doc_id=ev.doc_id,
        title=ev.title,
        sentence=i,
        quote=ev.span.text,
        start=ev.span.start,
        end=ev.span.end,
        verified=verified,
        score=round(score, 4),
        added=added,
    )
