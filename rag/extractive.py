"""The extractive answerer: quote the retrieved sentences that answer the question.

It needs no generative model. Candidate sentences come from the retrieved
chunks; each is scored by cosine similarity to the question (local embedding
model) plus the share of the question's content words it contains, weighted by
IDF. Sentences two outlets carry almost word for word are merged into one,
cited to every article that has it (`[2][5]`). At most `MAX_SENTENCES` are
composed, best first, each cited.

It refuses, listing the closest passages as related, when the evidence does not
address the question: the best score is below a threshold, the question's focus
terms (its rarer content words: the predicate and entities, not the topic words
every article shares) are not covered, or the expected answer type is missing
("how many" needs a quantity, "when" a time, "who" a person). The thresholds are
calibrated on `evals/datasets/dev.jsonl` (see `evals/calibrate.py`).

It does not retrieve, verify citations or number sources (`rag.engine` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.retrieve import Passage, Retrieval
from rag.sentences import STOPWORDS, Span, content_terms, cosine, split_sentences, stem, words

# Scoring
W_COSINE = 0.6
W_LEXICAL = 0.4
# Selection
MAX_SENTENCES = 3
KEEP_RATIO = 0.85  # a further sentence must score at least this share of the best
REDUNDANT_COSINE = 0.8  # a further sentence this close to a chosen one adds nothing
DUPLICATE_COSINE = 0.9  # two outlets' copies of one wire sentence
DUPLICATE_CONTAINMENT = 0.8  # share of the shorter sentence's content words the other has
MIN_SENTENCE_WORDS = 4
# Refusal (calibrated on the dev set)
MIN_SCORE = 0.45  # dev set: 0.625 of unanswerable refused, 0.134 answerable refused
MIN_FOCUS_COVERAGE = 0.0  # measured, not yet discriminative: see evals/calibrate.py
FOCUS_IDF_SHARE = 0.5  # terms rarer than this share of the corpus's max idf are focus terms
SOFT_MATCH_COSINE = 0.6  # a focus word matches a differently-worded evidence word this similar
# Words that frame a question rather than say what it is about.
QUESTION_FRAME = frozenset(
    "model kind type name names number many much long date time day year people happen happened "
    "place take took make made give describe detail details happen role".split()
)

QUANTITY_Q = re.compile(
    r"^\s*(how (many|much|long|far|old|big|large|often)|what (number|percentage|amount))", re.I
)
TIME_Q = re.compile(
    r"^\s*(when|what (time|date|day|year|month)|on what (day|date)|which (day|date|year|month))\b", re.I
)
PERSON_Q = re.compile(r"^\s*(who|whom|whose)\b", re.I)
NUMBER = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|half|several)\b",
    re.I,
)
TIME = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|today|yesterday|tomorrow|morning|afternoon|evening|"
    r"night|week|month|year|(19|20)\d\d|\d{1,2}:\d\d)\b",
    re.I,
)
PERSON = re.compile(
    r"(\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b(minister|president|spokesman|spokesperson|governor|leader|official|"
    r"officials|chairman|admiral|marshals?|analysts|experts|agency|state media|kremlin)\b)"
)

REFUSAL_NO_EVIDENCE = "The articles do not seem to answer this question."


@dataclass
class Candidate:
    span: Span  # offsets into the article's cleaned text
    passage: Passage
    score: float = 0.0
    cosine: float = 0.0
    lexical: float = 0.0
    terms: set[str] = field(default_factory=set)
    vector: list[float] = field(default_factory=list)
    also_in: list[Candidate] = field(default_factory=list)  # near-duplicates in other articles


@dataclass
class Extract:
    chosen: list[Candidate]
    refused: bool
    reason: str = ""
    best_score: float = 0.0
    focus_coverage: float = 1.0
    answer_type_ok: bool = True


def candidates(retrieval: Retrieval) -> list[Candidate]:
    """Every sentence of the retrieved chunks once, with offsets into its article."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for passage in retrieval.passages:
        for span in split_sentences(passage.text, offset=passage.start):
            key = (passage.doc_id, span.start)
            if key in seen or len(span.text.split()) < MIN_SENTENCE_WORDS:
                continue
            seen.add(key)
            out.append(Candidate(span=span, passage=passage, terms=set(content_terms(span.text))))
    return out


def answer_type_ok(question: str, text: str) -> bool:
    if QUANTITY_Q.search(question):
        return bool(NUMBER.search(text))
    if TIME_Q.search(question):
        return bool(TIME.search(text))
    if PERSON_Q.search(question):
        return bool(PERSON.search(text))
    return True


def _merge_duplicates(ranked: list[Candidate]) -> list[Candidate]:
    kept: list[Candidate] = []
    for cand in ranked:
        twin = next((k for k in kept if _duplicate(k, cand)), None)
        if twin is None:
            kept.append(cand)
        elif cand.passage.doc_id != twin.passage.doc_id and all(
            c.passage.doc_id != cand.passage.doc_id for c in twin.also_in
        ):
            twin.also_in.append(cand)
    return kept


def _duplicate(a: Candidate, b: Candidate) -> bool:
    if cosine(a.vector, b.vector) >= DUPLICATE_COSINE:
        return True
    smaller = min(len(a.terms), len(b.terms))
    return smaller > 0 and len(a.terms & b.terms) / smaller >= DUPLICATE_CONTAINMENT


def focus_words(question: str, idf: Callable[[str], float], max_idf: float) -> dict[str, str]:
    """The question's focus: rarer content words (stem -> word), not its frame or topic words."""
    out: dict[str, str] = {}
    for word in words(question):
        word = re.sub(r"'s$", "", word)
        if word in STOPWORDS or word in QUESTION_FRAME or len(word) < 2:
            continue
        term = stem(word)
        if idf(term) >= FOCUS_IDF_SHARE * max_idf:
            out.setdefault(term, word)
    return out


def focus_coverage(
    question: str,
    q_terms: list[str],
    chosen: list[Candidate],
    *,
    embed: Callable[[list[str]], list[list[float]]],
    idf: Callable[[str], float],
    max_idf: float,
) -> float:
    """IDF-weighted share of focus words the chosen sentences state, literally or by a near synonym."""
    focus = focus_words(question, idf, max_idf)
    if not focus:
        return 1.0
    covered = set().union(*(c.terms for c in chosen))
    missing = {t: w for t, w in focus.items() if t not in covered}
    if missing:
        evidence = sorted(
            {w for c in chosen for w in words(c.span.text) if w not in STOPWORDS and len(w) > 2}
        )
        if evidence:
            vectors = embed(list(missing.values()) + evidence)
            m_vecs, e_vecs = vectors[: len(missing)], vectors[len(missing) :]
            for (term, _), vec in zip(missing.items(), m_vecs, strict=True):
                if max(cosine(vec, e) for e in e_vecs) >= SOFT_MATCH_COSINE:
                    covered.add(term)
    total = sum(idf(t) for t in focus)
    return sum(idf(t) for t in focus if t in covered) / total


def extract(
    question: str,
    retrieval: Retrieval,
    *,
    embed: Callable[[list[str]], list[list[float]]],
    idf: Callable[[str], float],
    max_idf: float,
    measure_focus: bool = False,
) -> Extract:
    """Pick the sentences that answer `question`, or decide to refuse.

    Focus coverage costs word embeddings; it is computed only when a threshold
    uses it or the caller asks to measure it (`evals/calibrate.py`).
    """
    cands = candidates(retrieval)
    if not cands:
        return Extract(chosen=[], refused=True, reason=REFUSAL_NO_EVIDENCE)
    q_terms = list(dict.fromkeys(content_terms(question)))
    q_weight = sum(idf(t) for t in q_terms) or 1.0
    vectors = embed([c.span.text for c in cands])
    q_vec = retrieval.query_embedding or embed([question])[0]
    for cand, vec in zip(cands, vectors, strict=True):
        cand.vector = vec
        cand.cosine = cosine(q_vec, vec)
        cand.lexical = sum(idf(t) for t in q_terms if t in cand.terms) / q_weight
        cand.score = W_COSINE * cand.cosine + W_LEXICAL * cand.lexical
    ranked = _merge_duplicates(sorted(cands, key=lambda c: -c.score))

    best = ranked[0]
    chosen = [best]
    for cand in ranked[1:]:
        if len(chosen) >= MAX_SENTENCES or cand.score < KEEP_RATIO * best.score:
            break
        if all(cosine(cand.vector, c.vector) < REDUNDANT_COSINE for c in chosen):
            chosen.append(cand)

    coverage = (
        focus_coverage(question, q_terms, chosen, embed=embed, idf=idf, max_idf=max_idf)
        if measure_focus or MIN_FOCUS_COVERAGE > 0
        else 1.0
    )
    type_ok = any(answer_type_ok(question, c.span.text) for c in chosen)
    result = Extract(
        chosen=chosen,
        refused=False,
        best_score=best.score,
        focus_coverage=coverage,
        answer_type_ok=type_ok,
    )
    if best.score < MIN_SCORE or coverage < MIN_FOCUS_COVERAGE or not type_ok:
        result.refused = True
        result.reason = REFUSAL_NO_EVIDENCE
    return result
