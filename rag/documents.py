"""Read article files into cleaned documents with their metadata.

It finds `.txt`, `.md` and `.html` files (in folders, recursively), decodes them
(UTF-8, else a confidently detected legacy encoding), extracts an HTML page's
main text with trafilatura, reads Markdown (a Markdown file, and the formatting
trafilatura keeps) as the text it marks up (`markdown_to_text`: a bold run-in
heading becomes a line of its own), cleans the text (`rag.clean`) and derives each
document's id (the file name without extension), title, publication date and
content hash. A file it cannot use (binary, undecodable, empty, a duplicate id, a
symbolic link leading out of the folder being read) becomes a `Skipped` record with
the reason, so the caller can report it by name. Titles are stripped of control
characters (terminal escapes) and capped at TITLE_HARD_MAX_CHARS, since every chunk
carries a copy of its title. Files read together are compared line by line: a line repeated
verbatim in many of them (a site's promotion box) is kept in the first only (`RepeatedLines`).

It does not chunk, embed or store anything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rag.clean import clean, source_lines

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 20 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192
TITLE_MAX_CHARS = 90
TITLE_MAX_WORDS = 20
MIN_TEXT_CHARS = 20
LEGACY_ENCODING = "cp1252"
PLAIN_PUNCTUATION = set(".,;:!?'\"()-–—’‘“”%&/$€£@#*+")
MIN_PLAIN_RATIO = 0.95  # a legacy decode must look like prose

TITLE_HARD_MAX_CHARS = 200  # any title, headline or HTML <title>; each chunk's metadata copies it
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# Markdown syntax around the text: images (dropped), links (their text kept), emphasis, list and
# quote markers, rules. A bold run-in heading ("**Why it took so long.** The project ...") is put on
# a line of its own, as a subheading, also when it is a quotation ("**"At this time."** When ...").
MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
MARKDOWN_RUN_IN = re.compile(r"^(\*\*|__)(?=\S)([^*_\n]{1,80}?[.:?!][\"”’']?)\1\s+(?=[^\sa-z])")
MARKDOWN_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
MARKDOWN_EM = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"
)
MARKDOWN_MARKER = re.compile(r"^\s{0,3}(?:[-*+]\s+|>\s?|\d{1,3}[.)]\s+(?=\D))")
MARKDOWN_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.S)
HEADLINE_CLAUSE = re.compile(r",\s|\s[–—-]\s|;\s")  # where a lead sentence's main clause ends
HEADLINE_MIN_WORDS = 5
REPEATED_LINE_MIN_DOCS = 3  # a line in this many documents is kept in the first only
REPEATED_LINE_MIN_WORDS = 4  # shorter repeated lines (a state name as a subheading) stay
READ_CACHE_CHARS = 64 * 1024 * 1024  # the pre-pass keeps this much text for the main pass, not reading twice


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    title: str
    text: str
    published: date | None
    source: str
    content_hash: str
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


class UnreadableFile(Exception):
    """A file that cannot be turned into a document; the message is the reason."""


def doc_id_for(path: Path) -> str:
    return path.stem


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop
        return False
    return True


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Every article file under `paths`, sorted; a path that does not exist is skipped.

    Inside a folder, a symbolic link (to a file, or a folder on the way) whose target lies
    outside that folder is not followed: it is skipped and reported by name. A file named
    directly is read wherever it points.
    """
    found: list[Path] = []
    missing: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for p in sorted(path.rglob("*")):
                if p.suffix.lower() not in SUFFIXES or p.name.startswith("."):
                    continue
                if not _inside(p, root):
                    missing.append(Skipped(str(p), f"symbolic link leading outside {path}: not followed"))
                elif p.is_file():
                    found.append(p)
        elif path.is_file():
            found.append(path)
        else:
            missing.append(Skipped(str(path), "no such file or folder"))
    return found, missing


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name; raises UnreadableFile for binary or undecodable bytes."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # The one legacy encoding worth guessing for news text; guessing wider turns
    # arbitrary bytes into plausible-looking CJK.
    try:
        text = data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        text = ""
    plain = sum(ch.isalnum() or ch.isspace() or ch in PLAIN_PUNCTUATION for ch in text)
    if not text or plain / len(text) < MIN_PLAIN_RATIO or " " not in text:
        raise UnreadableFile("not UTF-8 text, and not readable as Windows-1252 either: save it as UTF-8")
    return text, LEGACY_ENCODING


def _html_to_text(html: str) -> tuple[str, str | None, date | None]:
    import trafilatura

    # With its formatting kept as Markdown, a bold run-in heading ("<b>Cost and delays.</b> The
    # line cost ...") comes out marked, and `markdown_to_text` puts it on a line of its own.
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        include_formatting=True,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not (text := markdown_to_text(text)).strip():
        raise UnreadableFile("HTML page has no extractable article text")
    title = getattr(doc, "title", None) or None
    published: date | None = None
    raw_date = getattr(doc, "date", None)
    if raw_date:
        try:
            published = date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            published = None
    return text, title, published


def _shorten(sentence: str) -> str:
    words = sentence.split()
    short = " ".join(words[:TITLE_MAX_WORDS])
    if len(short) > TITLE_MAX_CHARS:
        short = short[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return short if short == " ".join(words) else short.rstrip(",;:") + "…"


def title_of(text: str) -> str:
    """The headline when the text opens with one; else a headline made from the lead sentence.

    A lead sentence short enough to be a headline is used whole, without its full stop;
    a longer one gives its main clause (up to the first comma or dash), so a title is
    words the article wrote, not a sentence cut off with "…" (only the last resort).
    """
    first = text.strip().split("\n", 1)[0].strip()
    first = MARKDOWN_HEADING.sub("", first)
    headline = first and not first.endswith((".", "!", "?", "”", '"', ":")) and len(first.split()) <= 25
    if headline:
        return first
    match = SENTENCE.match(first)
    sentence = match.group(1) if match else first
    if len(sentence.split()) <= TITLE_MAX_WORDS and len(sentence) <= TITLE_MAX_CHARS:
        return sentence.rstrip(".")
    clause = HEADLINE_CLAUSE.split(sentence, 1)[0].strip()
    words = len(clause.split())
    if HEADLINE_MIN_WORDS <= words <= TITLE_MAX_WORDS and len(clause) <= TITLE_MAX_CHARS:
        return clause
    return _shorten(sentence)


def bounded_title(title: str) -> str:
    """`title` without control characters or terminal escapes, at most TITLE_HARD_MAX_CHARS long."""
    text = CONTROL_CHARS.sub(" ", ANSI_ESCAPE.sub("", title))
    text = " ".join(text.split())
    if len(text) > TITLE_HARD_MAX_CHARS:
        cut = text[:TITLE_HARD_MAX_CHARS]
        text = (cut.rsplit(" ", 1)[0] if " " in cut[TITLE_HARD_MAX_CHARS // 2 :] else cut).rstrip(
            ",;: "
        ) + "…"
    return text


def _read(path: Path) -> tuple[str, str, str | None, date | None]:
    """Raw article text, encoding, HTML title and date of one file; raises UnreadableFile."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableFile("empty file")
    raw, encoding = decode(data)
    html_title: str | None = None
    html_date: date | None = None
    if path.suffix.lower() in (".html", ".htm"):
        raw, html_title, html_date = _html_to_text(raw)
    if path.suffix.lower() in (".md", ".markdown"):
        raw = markdown_to_text(raw)
    return raw, encoding, html_title, html_date


def markdown_to_text(raw: str) -> str:
    """The text of a Markdown article, line for line: heading marks, images, link targets,
    emphasis, list and quote markers and rules gone; a bold run-in heading on a line of its own."""
    out: list[str] = []
    for line in raw.split("\n"):
        if MARKDOWN_RULE.match(line):
            out.append("")
            continue
        line = MARKDOWN_IMAGE.sub("", line)
        line = MARKDOWN_LINK.sub(r"\1", line)
        line = MARKDOWN_MARKER.sub("", MARKDOWN_HEADING.sub("", line))
        if run_in := MARKDOWN_RUN_IN.match(line):
            out.extend([run_in.group(2), ""])
            line = line[run_in.end() :]
        line = MARKDOWN_STRONG.sub(r"\2", line)
        line = MARKDOWN_EM.sub(lambda m: m.group(1) or m.group(2), line)
        out.append(line)
    return "\n".join(out)


def load(path: Path, *, drop: Collection[str] = ()) -> SourceDocument:
    """One file as a cleaned document; raises UnreadableFile with the reason.

    `drop`: lines (`rag.clean.line_key`) to remove besides boilerplate; see `RepeatedLines`.
    """
    return _document(path, *_read(path), drop=drop)


def _document(
    path: Path,
    raw: str,
    encoding: str,
    html_title: str | None,
    html_date: date | None,
    *,
    drop: Collection[str],
) -> SourceDocument:
    cleaned = clean(raw, drop=drop)
    if len(cleaned.text) < MIN_TEXT_CHARS:
        raise UnreadableFile("no article text left after cleaning")
    return SourceDocument(
        doc_id=doc_id_for(path),
        title=bounded_title(html_title or title_of(cleaned.text)) or "(untitled)",
        text=cleaned.text,
        published=cleaned.published or html_date,
        source=str(path),
        content_hash=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest(),
        encoding=encoding,
    )


class RepeatedLines:
    """Lines that recur verbatim in many of the documents read together, and where each first occurs.

    A line of at least REPEATED_LINE_MIN_WORDS words found in REPEATED_LINE_MIN_DOCS or more
    documents is a site's furniture (a newsletter box, a promotion, a standing note) or a paragraph
    syndicated into several stories. Either way it is kept once, in the first document that has it
    (in `files` order), and dropped from the others. Only plain-text files are compared: an HTML
    page's extractor already strips its site's furniture, and running it twice would be slow.
    What it reads is kept (`reads`, up to READ_CACHE_CHARS of text), so `load_all` need not read
    and decode those files again.
    """

    def __init__(self, files: Sequence[Path]):
        counts: dict[int, int] = {}
        self.first: dict[int, int] = {}
        self.reads: dict[int, tuple[str, str, str | None, date | None]] = {}
        kept = 0
        for n, path in enumerate(files):
            if path.suffix.lower() in (".html", ".htm"):
                continue
            try:
                read = _read(path)
            except UnreadableFile:
                continue  # load_all reads it again and reports why
            raw = read[0]
            if kept + len(raw) <= READ_CACHE_CHARS:
                self.reads[n] = read
                kept += len(raw)
            for key in {hash(k) for k in source_lines(raw) if len(k.split()) >= REPEATED_LINE_MIN_WORDS}:
                counts[key] = counts.get(key, 0) + 1
                self.first.setdefault(key, n)
        self.first = {k: n for k, n in self.first.items() if counts[k] >= REPEATED_LINE_MIN_DOCS}

    def drop_for(self, n: int, raw: str) -> set[str]:
        """The repeated lines of document number `n` (text `raw`) that an earlier document holds."""
        return {k for k in source_lines(raw) if self.first.get(hash(k), n) < n}


def load_all(files: Iterable[Path]) -> Iterator[SourceDocument | Skipped]:
    """Documents from `files` (see `discover`); unusable files come back as Skipped.

    Lines repeated across the documents are kept in the first one only (`RepeatedLines`), so a
    document's cleaned text depends on the files read with it: read the same folder each time.
    """
    files = list(files)
    repeated = RepeatedLines(files)
    seen: dict[str, str] = {}
    for n, path in enumerate(files):
        doc_id = doc_id_for(path)
        if doc_id in seen:
            yield Skipped(str(path), f"duplicate document id {doc_id!r} (also {seen[doc_id]})")
            continue
        try:
            read = repeated.reads.pop(n, None) or _read(path)
            plain = path.suffix.lower() not in (".html", ".htm")
            doc = _document(path, *read, drop=repeated.drop_for(n, read[0]) if plain else ())
        except UnreadableFile as exc:
            yield Skipped(str(path), str(exc))
            continue
        seen[doc_id] = str(path)
        yield doc
