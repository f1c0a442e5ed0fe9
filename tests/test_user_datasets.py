"""The user-style evaluation sets: well-formed, grounded in their articles, split before use.

Each set comes in two files, `NAME.calib.jsonl` and `NAME.heldout.jsonl`; an item
belongs to the split chosen by the first byte of sha1(id) (even: calib, odd:
heldout), so the split is fixed by the ids and cannot drift towards results.
Every fact alternative of an answerable item must occur (case-insensitive) in the
cleaned text of at least one of its sources, loaded as ingest loads it: the whole
corpus folder read together (`load_all`, so lines repeated across articles are
dropped as ingest drops them), whatever the file's format (.txt, .md, .html).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from evals.dataset import Item, load_dataset
from rag.documents import SourceDocument, discover, load, load_all

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"
CORPORA = {
    "user_seeds": ROOT / "seeds",
    "lookalike": ROOT / "evals" / "corpora" / "lookalike",
    "newsdesk": ROOT / "evals" / "corpora" / "newsdesk",
    "citydesk": ROOT / "evals" / "corpora" / "citydesk",
    "wiredesk": ROOT / "evals" / "corpora" / "wiredesk",
    "snipdesk": ROOT / "evals" / "corpora" / "snipdesk",
    "metrodesk": ROOT / "evals" / "corpora" / "metrodesk",
    "valleydesk": ROOT / "evals" / "corpora" / "valleydesk",
}
SPLITS = ("calib", "heldout")
TAGS = {
    "typo", "lowercase", "chatty", "short", "long", "paraphrase", "why", "how", "list", "number",
    "who_said", "yesno", "false_premise", "followup", "unanswerable_attribute",
    "unanswerable_later_event", "unanswerable_opinion", "unanswerable_unknown_entity",
    "unanswerable_nearmiss", "offtopic", "multi_article",
}  # fmt: skip
MIN_ITEMS = {
    "user_seeds": 260, "lookalike": 160, "newsdesk": 220, "citydesk": 300, "wiredesk": 300, "snipdesk": 300,
    "metrodesk": 320, "valleydesk": 320,
}  # fmt: skip
MIN_FOLLOWUPS = 25
MIN_UNANSWERABLE_ON_TOPIC = {
    "user_seeds": 0.30, "lookalike": 0.30, "newsdesk": 0.35, "citydesk": 0.35, "wiredesk": 0.35,
    "snipdesk": 0.35, "metrodesk": 0.35, "valleydesk": 0.35,
}  # fmt: skip
MIN_LOOKALIKE_ARTICLES = 36
ARTICLE_WORDS = (250, 600)
MIN_NEWSDESK_ARTICLES = 30
MIN_NEWSDESK_HTML = 5
NEWSDESK_WORDS = (400, 1200)  # of the cleaned text, as ingest stores it
# Layout noise the newsdesk corpus promises (raw files), each in at least one article.
NEWSDESK_LAYOUT = {
    "dateline": re.compile(r"^\W*[A-Z][A-Z ]+, [A-Z][a-z]+ \d{1,2}(, \d{4})? (\([A-Za-z]+\) )?-", re.M),
    "photo caption": re.compile(r"^(Photo: |<figcaption>|\*.*Photo: )", re.M),
    "byline": re.compile(r"(^|>|\*)By [A-Z][a-z]+ [A-Z][a-z]+", re.M),
    "read more teaser": re.compile(r"Read more: ", re.M),
    "run-in subheading": re.compile(r"^(\*\*|<p><b>)[A-Z][^.\n]{3,40}\.(\*\*|</b>) ", re.M),
    "live blog timestamp": re.compile(r"^\d{2}:\d{2} - ", re.M),
    "q&a interview": re.compile(r"^(<p><strong>)?Q: ", re.M),
    "correction note": re.compile(r"Correction(, [A-Z][a-z]+ \d{1,2})?: An earlier version", re.M),
}
MIN_CITYDESK_ARTICLES = 32
MIN_CITYDESK_HTML = 5
CITYDESK_WORDS = (100, 1200)  # of the cleaned text: short briefs and long features
CITYDESK_BRIEF_MAX, CITYDESK_FEATURE_MIN = 250, 600
MIN_CITYDESK_BRIEFS, MIN_CITYDESK_FEATURES = 8, 5
# What the citydesk corpus promises beyond the newsdesk layout (raw files), each in at least one article.
CITYDESK_LAYOUT = {
    "bullet list": re.compile(r"^- \S", re.M),
    "markdown subheading": re.compile(r"^## \S", re.M),
    "byline with place and date": re.compile(
        r"^\*By [^*\n]+ · [A-Z][a-z]+, [A-Z][a-z]+ \d{1,2}, \d{4}\*$", re.M
    ),
    "local body acronym": re.compile(r"\((?:TRA|OHB|QCA|TFR|TTE|FWU)\)"),
    "accented name": re.compile(r"\b(?:Zoë|Novák|Müller|Yıldız|Kovács|Renée|Lúcia|Siobhán|Graça|Sané)\b"),
    "number in words": re.compile(r"\b(?:Thirty-eight|Nineteen|Fifty-eight)\b"),
    "opinion disclaimer": re.compile(r"The views in this column are the author's own"),
}
MIN_WIREDESK_ARTICLES, MAX_WIREDESK_ARTICLES = 32, 40
MIN_WIREDESK_HTML = 5
WIREDESK_WORDS = (350, 1200)  # of the cleaned text
# Event clusters: each event (the file name's topic prefix) reported by several outlets.
WIREDESK_EVENTS = {
    "brandvik-salvano": 4, "beyrek-quake": 3, "skyra": 4, "bank-norvaland": 3, "sarenna-rate-cut": 2,
    "chip-ban": 2, "nations-cup-final": 3, "velotide": 3, "kovania-election": 3,
}  # fmt: skip
# What the wiredesk corpus promises (raw files), each in at least one article.
WIREDESK_LAYOUT = {
    "dateline with agency": re.compile(
        r"^\W*[A-Z][A-Z ]+, [A-Z][a-z]+ \d{1,2}, \d{4} \((?:Meridian Wire|KPA|NVB)\) -", re.M
    ),
    "photo caption": re.compile(r"^(Photo: |<figcaption>|\*Photo: )", re.M),
    "byline": re.compile(r"(^|>|\*)By [A-Z][a-z]+ [A-Z][a-z]+", re.M),
    "read more teaser": re.compile(r"Read more: ", re.M),
    "live page timestamp": re.compile(r"^\d{2}:\d{2} - ", re.M),
    "q&a interview": re.compile(r"^Q: ", re.M),
    "correction note": re.compile(r"^Correction(, [A-Z][a-z]+ \d{1,2})?: An earlier version", re.M),
    "updated note": re.compile(r"This story has been updated"),
    "factbox": re.compile(r"Factbox"),
    "bullet list": re.compile(r"^- \S", re.M),
    "analysis piece": re.compile(r"(?i)\banalysis\b"),
}

MIN_SNIPDESK_ITEMS, MIN_SNIPDESK_TOPICS = 140, 60
MIN_SNIPDESK_HTML_OR_MD = 10
SNIPDESK_WORDS = (60, 600)  # of the cleaned text: briefs of 60-250 words, a few longer pieces
SNIPDESK_BRIEF_MAX, MIN_SNIPDESK_LONG, SNIPDESK_LONG_MIN = 250, 3, 400
# Quiz-style questions (ids sn_quiz*), near misses and the rest of the snipdesk promise.
MIN_SNIPDESK_QUIZ, MIN_SNIPDESK_NEARMISS, MIN_SNIPDESK_FOLLOWUPS = 55, 40, 20
SNIPDESK_OFFTOPIC = (0.03, 0.07)
# What the snipdesk corpus promises (raw files), each in at least one item.
SNIPDESK_LAYOUT = {
    "dateline with agency": re.compile(r"^[A-Z][A-Z ]+, [A-Z][a-z]+ \d{1,2}, \d{4} \(Tidewire\) -", re.M),
    "photo caption": re.compile(r"^(Photo: |<figcaption>|<figure>.*Photo: )", re.M),
    "byline": re.compile(r"(^|>|\*)By [A-Z][a-z]+ [A-Z][a-z]+", re.M),
    "read more teaser": re.compile(r"Read more: ", re.M),
    "correction note": re.compile(r"^Correction: An earlier version", re.M),
    "update note": re.compile(r"^This brief (updates|follows) our report", re.M),
    "live page timestamp": re.compile(r"^\d{2}:\d{2} - ", re.M),
    "q&a interview": re.compile(r"^Q: ", re.M),
    "in-brief column": re.compile(r"^# In brief", re.M),
    "run-in subheading": re.compile(r"^\*\*[A-Z][^*\n]{2,40}\.\*\* ", re.M),
}

# The regional desks written blind since session 13 (metrodesk, valleydesk) promise the same shape:
# this many articles, .html and .md files, words each after cleaning, and follow-up questions ...
DESK_ARTICLES = (38, 42)
MIN_DESK_HTML, MIN_DESK_MD = 6, 6
DESK_WORDS = (250, 700)  # of the cleaned text
DESK_MIN_FOLLOWUPS = 30
# ... and their own look-alike pairs and follow-ups (each file-name topic in this many articles)
METRODESK_TOPICS = {
    "wendle-clinic": 2, "velnatide-trial": 3, "rook": 3, "crane": 2, "rail-strike-2023": 2,
    "rail-strike-2025": 2, "harlan": 3, "oakmere": 3, "wend-flood": 3, "saltmarket": 3, "cup-final": 2,
}  # fmt: skip
VALLEYDESK_TOPICS = {
    "grant": 2, "bramblewort": 2, "board": 2, "millbrook": 2, "tallyline": 3, "recall": 4, "budget": 2,
    "mayor": 2, "fire": 3, "tallow-cleanup": 2, "harvest-report": 2, "bluetongue": 2, "linholm": 2,
    "valley-symphony": 2, "ostrey-marathon": 2, "holloway": 2,
}  # fmt: skip
# What each desk's corpus promises (raw files), each in at least one article: the layout both share ...
DESK_LAYOUT = {
    "byline": re.compile(r"(^|>|\*)By [A-Z][a-z]+ [A-Z][a-z]+", re.M),
    "html figcaption": re.compile(r"<figcaption>"),
    "related teaser": re.compile(r"^(\*)?Related: ", re.M),
    "run-in subheading": re.compile(r"^(\*\*|<p><b>)[A-Z][^.\n]{3,40}[.?](\*\*|</b>) ", re.M),
    "own-line subheading": re.compile(r"\n\n[A-Z][a-z]+( [a-z]+){0,4}\n\n"),
    "live page timestamp": re.compile(r"^\d{2}:\d{2} - ", re.M),
    "q&a interview": re.compile(r"^Q: ", re.M),
    "correction note": re.compile(r"^Correction: An earlier version", re.M),
}
# ... and its own agency and paper in datelines and photo credits (valleydesk: "Read more:" teasers too)
METRODESK_LAYOUT = {
    **DESK_LAYOUT,
    "dateline with agency": re.compile(r"^[A-Z][A-Z ]+, [A-Z][a-z]+ \d{1,2}, \d{4} \(ANS\) -", re.M),
    "photo caption with credit": re.compile(
        r"^Photo: .+\(Aldermoor Standard/[A-Z][a-z]+ [A-Z][a-z]+\)$", re.M
    ),
}
VALLEYDESK_LAYOUT = {
    **DESK_LAYOUT,
    "dateline with agency": re.compile(r"^[A-Z][A-Z ]+, [A-Z][a-z]+ \d{1,2}, \d{4} \(VPA\) -", re.M),
    "photo caption with credit": re.compile(r"^Photo: .+\(Valley Courier/[A-Z][a-z]+ [A-Z][a-z]+\)$", re.M),
    "read more teaser": re.compile(r"^(\*)?Read more: ", re.M),
}
DESKS = {
    "metrodesk": (METRODESK_TOPICS, METRODESK_LAYOUT),
    "valleydesk": (VALLEYDESK_TOPICS, VALLEYDESK_LAYOUT),
}

FILES = [DATASETS / f"{name}.{split}.jsonl" for name in CORPORA for split in SPLITS]


def split_of(item_id: str) -> str:
    return SPLITS[hashlib.sha1(item_id.encode("utf-8")).digest()[0] % 2]


@cache
def corpus_documents(corpus: str) -> dict[str, SourceDocument]:
    """Every article of a corpus folder, read together as `rag ingest` reads it."""
    files, skipped = discover([CORPORA[corpus]])
    documents = list(load_all(files))
    unusable = [d for d in documents if not isinstance(d, SourceDocument)] + skipped
    assert not unusable, f"{corpus}: unusable files {unusable}"
    return {d.doc_id: d for d in documents if isinstance(d, SourceDocument)}


def cleaned_text(corpus: str, doc_id: str) -> str:
    return corpus_documents(corpus)[doc_id].text.lower()


def items_of(name: str) -> list[tuple[Path, Item]]:
    return [(path, item) for path in FILES if path.name.startswith(name + ".") for item in load_dataset(path)]


def raw_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_items_are_in_their_split_and_well_formed(path: Path) -> None:
    split = path.name.split(".")[1]
    rows = raw_rows(path)
    for item, row in zip(load_dataset(path), rows, strict=True):
        assert split_of(item.id) == split, f"{item.id} belongs to {split_of(item.id)}, found in {path.name}"
        tags = row.get("tags")
        assert isinstance(tags, list) and tags, f"{item.id}: no tags"
        assert set(tags) <= TAGS, f"{item.id}: unknown tags {set(tags) - TAGS}"
        assert item.reference.strip(), f"{item.id}: no reference answer"
        if item.answerable:
            assert item.facts and item.sources, f"{item.id}: answerable without facts or sources"
        else:
            assert not item.facts and not item.sources, f"{item.id}: unanswerable with facts or sources"
            assert any(t.startswith("unanswerable_") or t == "offtopic" for t in tags), (
                f"{item.id}: no reason tag"
            )
        assert ("followup" in tags) == bool(item.history), f"{item.id}: followup tag and history disagree"
        if item.history:
            roles = [turn["role"] for turn in item.history]
            assert roles == ["user", "assistant"] * (len(roles) // 2) and roles, (
                f"{item.id}: bad history turns"
            )


@pytest.mark.parametrize("name", list(CORPORA))
def test_facts_occur_in_a_source(name: str) -> None:
    missing = []
    for _, item in items_of(name):
        for doc_id in item.sources:
            assert doc_id in corpus_documents(name), f"{item.id}: unknown source {doc_id}"
        for group in item.facts:
            for alternative in group:
                if not any(alternative.lower() in cleaned_text(name, d) for d in item.sources):
                    missing.append(f"{item.id}: {alternative!r}")
    assert not missing, "fact alternatives absent from every cleaned source:\n" + "\n".join(missing)


def test_ids_unique_across_files_and_splits_disjoint() -> None:
    seen: dict[str, str] = {}
    for path in FILES:
        for item in load_dataset(path):
            assert item.id not in seen, f"{item.id} in both {seen[item.id]} and {path.name}"
            seen[item.id] = path.name
    for name in CORPORA:
        calib, heldout = ({i.id for i in load_dataset(DATASETS / f"{name}.{s}.jsonl")} for s in SPLITS)
        assert calib and heldout and not calib & heldout


@pytest.mark.parametrize("name", list(CORPORA))
def test_set_has_the_promised_mix(name: str) -> None:
    rows = [row for path in FILES if path.name.startswith(name + ".") for row in raw_rows(path)]
    assert len(rows) >= MIN_ITEMS[name]
    assert sum(bool(r.get("history")) for r in rows) >= MIN_FOLLOWUPS
    on_topic_unanswerable = [r for r in rows if not r["answerable"] and "offtopic" not in r["tags"]]
    assert len(on_topic_unanswerable) >= MIN_UNANSWERABLE_ON_TOPIC[name] * len(rows)
    assert any("offtopic" in r["tags"] for r in rows)


def test_lookalike_articles_are_news_shaped() -> None:
    files = sorted(CORPORA["lookalike"].glob("*.txt"))
    assert len(files) >= MIN_LOOKALIKE_ARTICLES
    for path in files:
        raw = path.read_text(encoding="utf-8")
        lines = raw.split("\n")
        assert lines[0].strip() and not lines[1].strip(), f"{path.name}: headline, then a blank line"
        words = len(raw.split())
        assert ARTICLE_WORDS[0] <= words <= ARTICLE_WORDS[1], f"{path.name}: {words} words"
        assert load(path).text


def _mixed_format_corpus(
    name: str, min_articles: int, min_html: int
) -> tuple[list[Path], dict[str, SourceDocument]]:
    """The corpus's files and cleaned documents, checked to be at least `min_articles` articles in
    .txt, .md and .html (at least `min_html` of them HTML)."""
    files = sorted(p for p in CORPORA[name].iterdir() if p.is_file())
    documents = corpus_documents(name)
    assert len(files) == len(documents) >= min_articles
    assert sum(p.suffix == ".html" for p in files) >= min_html
    assert {p.suffix for p in files} == {".txt", ".md", ".html"}
    return files, documents


def _sized_and_dated(
    files: list[Path], documents: dict[str, SourceDocument], bounds: tuple[int, int]
) -> dict[str, int]:
    """Each file's word count after cleaning, checked to be within `bounds` and to state a year."""
    lengths = {}
    for path in files:
        text = documents[path.stem].text
        lengths[path.name] = words = len(text.split())
        assert bounds[0] <= words <= bounds[1], f"{path.name}: {words} words after cleaning"
        assert re.search(r"\b20[12]\d\b", text), f"{path.name}: states no year"
    return lengths


def _has_layout(name: str, files: list[Path], layout: dict[str, re.Pattern[str]]) -> None:
    """Some raw file of corpus `name` shows each layout feature of `layout`."""
    raw = [path.read_text(encoding="utf-8") for path in files]
    for feature, pattern in layout.items():
        assert any(pattern.search(text) for text in raw), f"no {name} article has a {feature}"


def test_newsdesk_articles_are_long_news_with_layout_noise() -> None:
    files, documents = _mixed_format_corpus("newsdesk", MIN_NEWSDESK_ARTICLES, MIN_NEWSDESK_HTML)
    _sized_and_dated(files, documents, NEWSDESK_WORDS)
    _has_layout("newsdesk", files, NEWSDESK_LAYOUT)


def test_citydesk_articles_mix_briefs_and_features_with_layout_noise() -> None:
    files, documents = _mixed_format_corpus("citydesk", MIN_CITYDESK_ARTICLES, MIN_CITYDESK_HTML)
    lengths = _sized_and_dated(files, documents, CITYDESK_WORDS)
    assert sum(w <= CITYDESK_BRIEF_MAX for w in lengths.values()) >= MIN_CITYDESK_BRIEFS, lengths
    assert sum(w >= CITYDESK_FEATURE_MIN for w in lengths.values()) >= MIN_CITYDESK_FEATURES, lengths
    _has_layout("citydesk", files, {**NEWSDESK_LAYOUT, **CITYDESK_LAYOUT})


def test_wiredesk_articles_are_event_clusters_with_layout_noise() -> None:
    files, documents = _mixed_format_corpus("wiredesk", MIN_WIREDESK_ARTICLES, MIN_WIREDESK_HTML)
    assert len(files) <= MAX_WIREDESK_ARTICLES
    _sized_and_dated(files, documents, WIREDESK_WORDS)
    for event, least in WIREDESK_EVENTS.items():
        reports = [p for p in files if event in p.name]
        assert len(reports) >= least, f"{event}: {len(reports)} reports"
    _has_layout("wiredesk", files, WIREDESK_LAYOUT)


def test_snipdesk_is_a_mixed_topic_snippet_index_with_layout_noise() -> None:
    """Many short items (title line, date) on many unrelated topics, some HTML/Markdown, a few long."""
    files = sorted(p for p in CORPORA["snipdesk"].iterdir() if p.is_file())
    documents = corpus_documents("snipdesk")
    assert len(files) == len(documents) >= MIN_SNIPDESK_ITEMS
    assert sum(p.suffix in (".html", ".md") for p in files) >= MIN_SNIPDESK_HTML_OR_MD
    assert {p.suffix for p in files} == {".txt", ".md", ".html"}
    # file names are sdNNN-TOPIC-detail: the topic is the second part
    topics = {p.stem.split("-")[1] for p in files}
    assert len(topics) >= MIN_SNIPDESK_TOPICS, sorted(topics)
    lengths: dict[str, int] = {}
    for path in files:
        document = documents[path.stem]
        lengths[path.name] = words = len(document.text.split())
        assert SNIPDESK_WORDS[0] <= words <= SNIPDESK_WORDS[1], f"{path.name}: {words} words after cleaning"
        assert document.title.strip(), f"{path.name}: no title"
        assert document.published is not None, f"{path.name}: states no date"
    assert sum(w <= SNIPDESK_BRIEF_MAX for w in lengths.values()) >= MIN_SNIPDESK_ITEMS - 10, lengths
    assert sum(w >= SNIPDESK_LONG_MIN for w in lengths.values()) >= MIN_SNIPDESK_LONG, lengths
    raw = {path.name: path.read_text(encoding="utf-8") for path in files}
    for feature, pattern in SNIPDESK_LAYOUT.items():
        assert any(pattern.search(text) for text in raw.values()), f"no snipdesk item has a {feature}"


def test_snipdesk_set_has_quiz_questions_near_misses_and_follow_ups() -> None:
    rows = [row for path in FILES if path.name.startswith("snipdesk.") for row in raw_rows(path)]
    quiz = [r for r in rows if r["id"].startswith("sn_quiz")]
    assert len(quiz) >= MIN_SNIPDESK_QUIZ
    assert all("long" in r["tags"] and len(r["question"].split()) >= 20 for r in quiz), "quiz items are long"
    assert {r["answerable"] for r in quiz} == {True, False}
    nearmiss = [r for r in rows if "unanswerable_nearmiss" in r["tags"]]
    assert len(nearmiss) >= MIN_SNIPDESK_NEARMISS and not any(r["answerable"] for r in nearmiss)
    assert sum(bool(r["history"]) for r in rows) >= MIN_SNIPDESK_FOLLOWUPS
    offtopic = sum("offtopic" in r["tags"] for r in rows) / len(rows)
    assert SNIPDESK_OFFTOPIC[0] <= offtopic <= SNIPDESK_OFFTOPIC[1], offtopic


@pytest.mark.parametrize("desk", sorted(DESKS))
def test_a_regional_desk_has_look_alikes_and_layout_noise(desk: str) -> None:
    """About 40 articles (.txt, .md, .html) of 250-700 words after cleaning, each dated, in look-alike
    pairs and follow-ups (metrodesk: two trials, two rail strikes, two floods, two firms' results, two
    finals; valleydesk: two grants, two school boards, two recalls, two budgets, two wildfires, two
    harvests, two marathons; a retracted study, a breach, a theft, a transfer and their updates)."""
    topics, layout = DESKS[desk]
    files, documents = _mixed_format_corpus(desk, DESK_ARTICLES[0], MIN_DESK_HTML)
    assert len(files) <= DESK_ARTICLES[1]
    assert sum(p.suffix == ".md" for p in files) >= MIN_DESK_MD
    _sized_and_dated(files, documents, DESK_WORDS)
    for path in files:
        document = documents[path.stem]
        assert document.title.strip() and document.published is not None, f"{path.name}: no title or date"
    for topic, least in topics.items():
        articles = [p for p in files if topic in p.name]
        assert len(articles) >= least, f"{topic}: {len(articles)} articles"
    _has_layout(desk, files, layout)


@pytest.mark.parametrize("desk", sorted(DESKS))
def test_a_regional_desk_set_mixes_question_kinds(desk: str) -> None:
    rows = [row for path in FILES if path.name.startswith(f"{desk}.") for row in raw_rows(path)]
    assert sum(bool(r["history"]) for r in rows) >= DESK_MIN_FOLLOWUPS
    assert any(r["answerable"] and r["history"] for r in rows)
    assert any(not r["answerable"] and r["history"] for r in rows)
    tags = {t for r in rows for t in r["tags"]}
    assert tags == TAGS, f"tags never used: {TAGS - tags}"
    false_premises = [r for r in rows if "false_premise" in r["tags"]]
    assert any(r["answerable"] for r in false_premises), "a corrected false premise is answerable"
