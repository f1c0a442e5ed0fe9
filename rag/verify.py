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

Two answer openings are checked by what they claim, not by their wording, for
every answerer (the offline reader writes them, an LLM may): a total, "In total:
six drones." (exactly "In total", a number and at most one noun), is verified by a
sentence of the cited article whose one enumeration of that noun adds up to the
number (`rag.compose.count_total`, re-run here on each evidence sentence: "five
explosive drones, a reconnaissance drone and ..." adds up to six drones) or that
counts the noun once, with that number ("six drones", "six attack drones"); a
total no sentence adds up to is flagged, whatever its wording scores, and an
uncited total gets a citation only from an article that adds it up. It counts
every kind of the noun: a total of one kind only ("how many attack drones") is
flagged unless that kind is all the sentence lists. "Yes." or "No." is always
flagged: whether a sentence settles the question, and means yes rather than
no, is beyond what wording or a quote can check (no NLI model ships here), and
on the question sets about 10 of the reader's 23 were wrong or unsettled. It
carries the quote of the sentence right after it when that one is verified (of
the same article, when the "Yes." cites one), so a reader sees what it rests on.
It deliberately does not add up counts across sentences or articles (the reader
never does either).

An LLM judge, when one is injected, decides the citations the answerer made,
except those of a total (arithmetic decides) and of a "Yes."/"No." (always
flagged). It does not decide refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.answer import REFUSAL_TEXT, AnswerSentence, Citation
from rag.compose import TOTAL_LEAD, count_addends, count_total, quantity
from rag.sentences import STOPWORDS, Span, base_form, content_terms, cosine, split_sentences, stem

W_COSINE = 0.5
W_LEXICAL = 0.5
VERIFY_MIN = 0.6  # support score for a citation to count as verified
ADD_MIN = 0.75  # support score for attaching a citation to an uncited sentence
MIN_FACTUAL_WORDS = 5  # shorter sentences ("Let's take a look.") need no citation; nor do lead-ins ending ":"
WORD = re.compile(r"\w+(?:[’'.-]\w+)*")  # a word for `quoted_in`: "Komsomolsk-on-Amur", "U.S"
NON_FACTUAL_PREFIXES = (REFUSAL_TEXT.lower()[:20], "i don't know", "i do not know", "the articles do not")
# "In total: six drones." / "In total, 41,000 drones." / "In total: two.": a number and at most one noun
TOTAL_CLAIM = re.compile(
    re.escape(TOTAL_LEAD.rstrip(":")) + r"[:,]?\s+(?P<number>\d{1,3}(?:,\d{3})+|\d+|[a-z]+)"
    r"(?:\s+(?P<noun>[^\W\d_][\w’'-]*))?\s*[.!]?",
    re.IGNORECASE,
)
YES_NO = re.compile(r"(?:yes|no)\s*[.!]?", re.IGNORECASE)  # the whole sentence: "Yes." / "No."


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


def _stem_word(word: str) -> str:
    return stem(base_form(word.lower()))


def read_total(claim: str) -> tuple[int, str] | None:
    """(number, noun) of a total ("In total: six drones." -> (6, "drones"); "In total: two." -> (2, "")),
    None for any other sentence."""
    match = TOTAL_CLAIM.fullmatch(claim.strip())
    if match is None:
        return None
    value = quantity(match.group("number"), years=True)
    return None if value is None else (value, match.group("noun") or "")


def adds_up(value: int, noun: str, sentence: str) -> bool:
    """Whether `sentence` gives `value` as the count of `noun`: its one enumeration of the noun adds up
    to it (`rag.compose.count_total`: "five explosive drones, a reconnaissance drone and ..." gives six
    drones), or, with no enumeration, it counts the noun once, with that number ("six drones"). With no
    noun ("In total: two."), an enumeration of any noun of the sentence that adds up to it."""
    if not noun:
        heads = dict.fromkeys(
            _stem_word(w) for w in WORD.findall(sentence) if w[:1].isalpha() and w.lower() not in STOPWORDS
        )
        return any(
            (total := count_total([sentence], head, (), _stem_word, STOPWORDS)) is not None
            and total.value == value
            for head in heads
        )
    head = _stem_word(noun)
    total = count_total([sentence], head, (), _stem_word, STOPWORDS)
    if total is not None:
        return total.value == value
    counts = count_addends(sentence, head, (), _stem_word, STOPWORDS)
    return counts is not None and [a.value for a in counts] == [value]


Judge = Callable[[str, str], "bool | None"]  # (claim, passage) -> supported?; None when it cannot tell
Support = Callable[[int, int], float]  # (answer sentence, evidence sentence) -> support score


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
    the quote, and decides when the judge cannot. A total and a "Yes."/"No." are decided by what
    they claim (`_check_total`, `_check_yes_no`), never by the judge.
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
    yes_no: list[int] = []
    for i, sentence in enumerate(sentences):
        if YES_NO.fullmatch(sentence.text.strip()):
            yes_no.append(i)  # flagged; it quotes the sentence after it, once that one is checked
            continue
        total = read_total(sentence.text)
        if total is not None:
            citations.extend(_check_total(i, sentence, total, evidence, support))
            continue
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
    for i in yes_no:  # after the others: a "Yes."/"No." quotes the verified sentence after it
        citations.extend(_check_yes_no(i, sentences, citations, evidence, support))
    return sorted(citations, key=lambda c: c.sentence)


def _check_total(
    i: int, sentence: AnswerSentence, total: tuple[int, str], evidence: list[Evidence], support: Support
) -> list[Citation]:
    """A total's citations: verified by a sentence of the cited article that adds up to it (`adds_up`).
    An uncited total is cited to the first article that adds it up, and flagged when none does."""
    value, noun = total
    if not sentence.citations:
        adding = next((e for e in evidence if adds_up(value, noun, e.span.text)), None)
        sentence.supported = adding is not None
        if adding is None:
            return []
        sentence.citations.append(adding.n)
        return [_citation(i, adding, 1.0, verified=True, added=True, method="total")]
    out: list[Citation] = []
    for n in sentence.citations:
        own = [j for j, e in enumerate(evidence) if e.n == n]
        if not own:
            continue
        j = next((j for j in own if adds_up(value, noun, evidence[j].span.text)), None)
        if j is not None:
            out.append(_citation(i, evidence[j], 1.0, verified=True, method="total"))
        else:  # quote the nearest sentence, as for any unverified citation
            j = max(own, key=lambda j: support(i, j))
            out.append(_citation(i, evidence[j], support(i, j), verified=False, method="total"))
    sentence.supported = any(c.verified for c in out)
    return out


def _check_yes_no(
    i: int,
    sentences: list[AnswerSentence],
    citations: list[Citation],
    evidence: list[Evidence],
    support: Support,
) -> list[Citation]:
    """A "Yes."/"No.": always flagged, because whether a sentence settles the question is not
    something wording or a quote can check (about 10 of 23 of the reader's were wrong or unsettled
    on the question sets). It carries the quote of the sentence after it when that one is verified
    (of the same article, for each article the "Yes." cites), so a reader sees what it rests on."""
    sentence = sentences[i]
    grounds = {c.n: c for c in citations if c.sentence == i + 1 and c.verified}
    sentence.supported = False
    if not sentence.citations:
        return []
    out: list[Citation] = []
    for n in sentence.citations:
        if n in grounds:
            ground = grounds[n]
            out.append(replace(ground, sentence=i, added=False, method="yes-no", verified=False))
            continue
        own = [j for j, e in enumerate(evidence) if e.n == n]
        if own:
            j = max(own, key=lambda j: support(i, j))
            out.append(_citation(i, evidence[j], support(i, j), verified=False, method="yes-no"))
    return out


def _citation(
    i: int, ev: Evidence, score: float, *, verified: bool, added: bool = False, method: str = "similarity"
) -> Citation:
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
        method=method,
    )
