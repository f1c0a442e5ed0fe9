"""Pick the article: among look-alike articles, lead from the one the question's words point to.

News corpora hold look-alikes: two elections, two storms, the same cup final in 2023 and 2024,
the same company in two quarters, a first report and its follow-up. Their sentences share the topic
words, so the reader's sentence score (which reads each sentence alone) often leads with a
look-alike's sentence ("Turnout was 71.2 percent ..." of the Kestria election for "estova
turnout?"), while the words that tell the articles apart ("estova", "2021", "runoff", "reservoirs")
sit in the title or another sentence of the right article.

The signal is article-level: the question's focus words that an article states in its title and its
retrieved passages (`article_match`), each weighted by how much it tells articles apart: its IDF in
the index times its rarity in English (`rarity`: "estova", "reservoirs", "runoff" count; "get",
"end", "work", which a small corpus may use rarely, hardly do). A year of the question counts fully
for an article published in that year or titled with it, and only `BODY_YEAR` for one that merely
mentions it (a 2025 final's report recalls "the 2024 final"). When a rival article states clearly
more (`MARGIN` of that weight), its best candidate (by the reader's own lead key) leads instead,
provided it scores at least `RATIO` of the lead and passes the reader's lead checks (`eligible`).
A year asked comes first: a lead from an article dated in another year gives way to one from an
article dated in the year asked that states about as much of the question.

It deliberately does not change the reader's scores, look beyond the best `POOL` candidates, nor
move the lead between articles that state the question equally (a near tie of topic words is no
reason to switch): it only corrects a lead whose article lacks what the question names. It reads
no word list: the weights are the index's document frequencies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from rag.question import english_frequency
from rag.sentences import YEAR, base_terms

if TYPE_CHECKING:
    from rag.extractive import Candidate

POOL = 30  # best-ranked candidates searched for a lead of a rival article
RATIO = 0.6  # ... scoring at least this share of the current lead
MARGIN = 0.5  # a rival article must state this much more weight of the question's focus words
ENGLISH_CEILING = 9.0  # log10 English count at which a word tells nothing apart ("get": 8.8)
BODY_YEAR = 0.5  # credit for a year an article only mentions (not its publication year nor its title)


def article_terms(title: str, texts: Iterable[str]) -> set[str]:
    """The stems an article states as retrieved: its title and its retrieved passages."""
    return set(base_terms(" ".join([title, *texts])))


def dated_years(title: str, published: str) -> set[str]:
    """The years an article is about by its metadata: its publication year and years in its title."""
    return {m.group(0) for m in YEAR.finditer(f"{title} {published[:4]}")}


def rarity(word: str) -> float:
    """How rare `word` is in English, 0 (as common as "get") to 1 (not an English word: a name,
    a number)."""
    return min(1.0, max(0.0, 1.0 - english_frequency(word) / ENGLISH_CEILING))


def article_match(
    focus: Sequence[str], stated: set[str], dated: set[str], weight: Callable[[str], float]
) -> float:
    """The weight of the `focus` stems an article states (`stated`); a year counts fully when the
    article is `dated` in it, `BODY_YEAR` when it only mentions it."""
    got = 0.0
    for term in focus:
        if YEAR.fullmatch(term):
            got += weight(term) * (1.0 if term in dated else BODY_YEAR if term in stated else 0.0)
        elif term in stated:
            got += weight(term)
    return got


def article_matches(
    focus: Sequence[str],
    articles: Mapping[str, tuple[str, str, list[str]]],
    weight: Callable[[str], float],
    dated: Mapping[str, set[str]],
) -> dict[str, float]:
    """`article_match` of each article, given as doc id -> (title, published, retrieved texts), with
    its `article_dates`."""
    return {
        doc: article_match(focus, article_terms(title, texts), dated[doc], weight)
        for doc, (title, _, texts) in articles.items()
    }


def years_asked(focus: Sequence[str]) -> set[str]:
    """The years among the question's focus stems ("2024" of "the 2024 cup final")."""
    return {t for t in focus if YEAR.fullmatch(t)}


def article_dates(articles: Mapping[str, tuple[str, str, list[str]]]) -> dict[str, set[str]]:
    """`dated_years` of each article, given as doc id -> (title, published, retrieved texts)."""
    return {doc: dated_years(title, published) for doc, (title, published, _) in articles.items()}


def _articles(cand: Candidate) -> list[str]:
    return [cand.passage.doc_id, *(c.passage.doc_id for c in cand.also_in)]


def article_lead(
    lead: Candidate,
    ranked: Sequence[Candidate],
    matches: Mapping[str, float],
    *,
    key: Callable[[Candidate], tuple[float, ...]],
    eligible: Callable[[Candidate], bool],
    asked_years: AbstractSet[str] = frozenset(),
    dated: Mapping[str, set[str]] | None = None,
) -> Candidate:
    """The lead to quote: `lead`, or the best candidate (by `key`) of an article that states clearly
    more of the question (`matches`, by doc id) than every article `lead` is quoted from.

    A year asked comes first: when `lead`'s articles are dated (`dated`, by doc id) in other years
    only, an article dated in a year asked leads if it states about as much of the question (within
    `MARGIN`): "the 2024 cup final" is the report of 2024, not the 2025 one recalling it.
    `ranked` are the reader's candidates, best first; `eligible` says whether a candidate may lead
    where `lead` does (the reader's own lead checks).
    """
    dated = dated or {}

    def match(cand: Candidate) -> float:
        return max(matches.get(doc, 0.0) for doc in _articles(cand))

    def in_year(cand: Candidate) -> bool:
        return any(dated.get(doc, set()) & asked_years for doc in _articles(cand))

    def undated(cand: Candidate) -> bool:
        return not any(dated.get(doc) for doc in _articles(cand))

    floor, near = match(lead) + MARGIN, match(lead) - MARGIN
    wrong_year = bool(asked_years) and not in_year(lead) and not undated(lead)
    rivals = [
        c
        for c in ranked[:POOL]
        if c is not lead
        and c.score >= RATIO * lead.score
        and (match(c) >= floor or (wrong_year and in_year(c) and match(c) >= near))
        and eligible(c)
    ]
    if not rivals:
        return lead
    if wrong_year and any(in_year(c) for c in rivals):
        rivals = [c for c in rivals if in_year(c)]
    best = max(match(c) for c in rivals)
    return max((c for c in rivals if match(c) >= best), key=key)
