"""Clean raw article text: drop the boilerplate news sites wrap around an article.

What it removes, each rule a named pattern below: navigation lines ("Skip to
content"), "Advertisement", share/podcast/newsletter/correction footers and
"Subscribe today." prompts, related-story teasers (a block, one "Read more: ..."
or "More: ..." line, a trailing "Read more"), bylines, wire credit lines
("(Reporting by ...; Editing by ...)", "Contributing: ...") and author contact
lines ("Reach her at ...@..."), breadcrumb and tag lines ("WorldAsiaRussia
invades Ukraine"), a page's update stamp ("Updated 3:45 p.m. ET"), stray URLs,
agency sign-offs ("zc/wd (AP, AFP)"), photo credits ("Jane Roe/AFP/Getty
Images", at a caption's end or alone; "(Marrick Homes)" in brackets after a
caption's last sentence), image alt text, and a caption repeated on
the next line. It unwraps WordPress `[caption ...]text[/caption]` shortcodes,
keeping the text. A date line ("September 12, 2023", "Tuesday, January 14,
2025", "date 2023-09-12") is removed from the body and returned as the
publication date; so is the date a byline ends with ("By Ann Lee · Halvik, May
4, 2025", the byline going as all bylines do). A date stated between the
headline and the byline ("Updates from the newsroom, Tuesday, January 14,
2025."), or a top line opening with a date as a sentence, dates the article too,
and stays in the text. A live blog's entry stamps are facts (when it happened):
each is kept in front of its entry, written "03:40: ..." whatever separator the
page used ("03:40 - ", "9:50 p.m. | "); on a page with two stamps or more, a
stamp on a line of its own is put in front of the entry below it (one alone is
the page's, and goes); each entry stays a line of its own. A wire
dateline is cut off the sentence it opens ("MIAMI (AP) — ..."); one that states
a date is kept on a line of its own instead, and its date, with a year, is the
publication date when no date line gives one. Lines the caller names in `drop`
(its knowledge of other documents: see `rag.documents.RepeatedLines`) go too.

What it deliberately does not do: rewrite, reorder or re-punctuate article
sentences. Every line it keeps is the source line minus a matched credit,
dateline, prompt or URL, or split where a dateline or a gallery's credit stood
(a live-blog stamp's separator is the one rewrite: "03:40 - " becomes "03:40:
"), so a quoted passage can be found in the original text. It does not read
files, compare documents or decide titles (`rag.documents` does).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from rag.sentences import MONTHS as MONTH_NAMES

# Part of the chunking signature (rag.ingest): change it when cleaning changes what is stored, so the
# next `rag ingest` re-chunks every document.
CLEANING_VERSION = "clean5"

# A line that is only one of these is dropped (case-insensitive, whole line).
NAV_LINE = re.compile(
    r"^(\d+\.\s*)?skip to (the )?(content|main( content| menu)?|navigation|search|footer|more\b.*)$",
    re.I,
)
AD_LINE = re.compile(
    r"^(advertisement|advertisement - scroll to continue|story continues below( this)? advertisement"
    r"|sponsored( content)?|ad feedback)$",
    re.I,
)
SHARE_LINE = re.compile(
    r"^(share|share this( article| story)?|share on (facebook|twitter|x|whatsapp|linkedin|email)"
    r"|copy link|print|email|facebook|twitter|whatsapp|linkedin)$",
    re.I,
)
FOOTER_LINE = re.compile(
    r"(listen to (our|the) latest podcasts?|subscribe to (our|the) (podcast|newsletter)"
    r"|sign up (for|to) (our|the) newsletter|^to suggest a correction|^you can also highlight the text"
    r"|^(report|suggest) (a|an) (correction|error|typo)|^with inputs from (agencies|wire services)\.?$"
    r"|\b(sign up|subscribe)\b.{0,100}\bnewsletter|\bnewsletter\b.{0,100}\b(sign up|subscribe)\b)",
    re.I,
)
RELATED_HEADING = re.compile(
    r"^(other topics of interest|related( stories| articles| coverage| topics| content)?"
    r"|read more|more on this (story|topic)|you may also like|recommended( for you)?|most read"
    r"|more|more from [\w ]{1,30})\s*:?$",
    re.I,
)
# A one-line pointer to another story ("Read more: How Estova's grid coped ...").
TEASER_LINE = re.compile(
    r"^(read more|read also|related|see also|more on this|more|watch|listen)\s*:\s*\S.{0,150}$", re.I
)
# Wire credits and bylines: "(Reporting by X; Editing by Y)", "By Anna Rebane".
CREDIT_LINE = re.compile(
    r"^\(?((additional )?(reporting|writing|editing|compiled|translated) by\b[^()]{0,150})\)?\.?$"
    r"|^by( [A-Z][\w.'’-]+){1,4}( (and|&)( [A-Z][\w.'’-]+){1,4})?(\s*[,|]\s*[A-Z][\w .'’-]{1,40})?$"
    r"|^contributing:\s.{1,120}$",
    re.I,
)
# A line that only points at a social account or a mailbox ("Follow Ann Lee on X: @annlee.").
BYLINE_DESKS = frozenset("staff reporters reporter correspondents writers team desk".split())
BYLINE_ROLE_MAX_WORDS = 5  # "By Ida Berg, culture editor": what may follow the name
CONTACT_LINE = re.compile(
    r"^[^.!?]{0,100}[:\s](@\w{2,}|[\w.+-]+@[\w-]+\.[\w.-]+)\.?$"
    r"|(^|[.!?]\s)(Contact|Reach|Follow|Email|E-mail|Call|Write to)\b.{0,80}(\s@\w{2,}|[\w.+-]@[\w-]+\.\w)"
    r"|\b(can be reached|reach (him|her|them|me|us)) at\s+(\S+@|\(?\d{3}\b)"
)
CONTACT_MAX_WORDS = 45  # an author's bio and contact line; a longer paragraph is article text
TIME = r"\d{1,2}[:.]\d{2}\s*([apAP]\.?\s?[mM]\b\.?)?\s*(ET|EST|EDT|CT|PT|GMT|BST|UTC|CET|CEST)?"
# A time alone on a line ("11:54 p.m.", "Updated 3:45 p.m. ET"): a page's update stamp is dropped; a
# live blog's entry stamp ("11:40 p.m.", a clock time with a colon) is kept, in front of its entry.
TIME_LINE = re.compile(rf"^((updated|posted|published)\s+)?{TIME}$", re.I)
ENTRY_STAMP_LINE = re.compile(rf"^(?=\d{{1,2}}:){TIME}$")
# A live blog's entry stamp in front of the entry ("10:25 a.m.: The motorcade ...", "03:40 - The QCA
# says ...", "9:30 p.m. Rivera concedes"). The time of day is a fact: it is kept, written "TIME: " so
# the stamp neither reads as a sentence of its own nor glues a separator to the entry.
TIME_PREFIX = re.compile(
    rf"^(?=\d{{1,2}}:)({TIME}\s*(:|\||[—–―-]{{1,2}})|\d{{1,2}}:\d{{2}}\s*[apAP]\.?\s?[mM]\b\.?)\s+(?=[\"“‘'A-Z0-9])"
)
ENTRY_START = re.compile(r"^[\"“‘'A-Z0-9]")
LIVE_BLOG_MIN_STAMPS = 2  # one time alone on a line is the page's stamp ("9:30pm" above a caption)
STAMP_SEPARATORS = ":|—–―- "
URL = re.compile(r"\bhttps?://\S+", re.I)
AGENCY_SIGNOFF = re.compile(r"^[a-z]{1,4}(/[a-z]{1,4})+\s*\(([A-Z][A-Za-z.]*(,\s*)?)+\)$")
# Breadcrumbs glue section names together: "ConflictsNorth Korea", "WorldAsiaRussia invades Ukraine".
BREADCRUMB_JOIN = re.compile(r"[A-Z][a-z]{2,}[A-Z][a-z]")
BREADCRUMB_MAX_WORDS = 8

# A photo credit names photographer and agency joined by slashes ("Jane Roe/AFP/Getty Images",
# "REUTERS/Luca Marini", "Wolf Kahn/dpa/picture alliance/AP"): up to three capitalised words, then
# slash-joined segments. At a caption's end it is cut off; alone, the line goes; between two captions
# printed on one line (a gallery), ending in an agency, it becomes a line break.
NAME_WORD = r"(?:[A-Z][\w'’&+-]*|[A-Z]\.)"  # a capitalised word or an initial, never a sentence's end
NAME_GLUE = r"(?:of|de|la|van|von|der|da|via)"
PHOTOGRAPHER = rf"{NAME_WORD}(?: (?:{NAME_WORD}|{NAME_GLUE})){{0,2}}"
CREDIT_SEGMENT = rf"[\w'’&+-]+\.?(?: (?:{NAME_WORD}|{NAME_GLUE}|[a-z]+|\d+)){{0,2}}"
SLASH_CREDIT = rf"(?-i:{PHOTOGRAPHER}(?: ?/+ ?{CREDIT_SEGMENT}){{1,5}})"
PHOTO_AGENCIES = r"AP|AFP|Reuters|EPA|Getty Images|Xinhua|Yonhap|TASS|Shutterstock|Associated Press"
GALLERY_CREDIT = re.compile(
    rf"(?<=[.!?\"”’'])[ \t]+(?-i:{PHOTOGRAPHER}(?: ?/+ ?{CREDIT_SEGMENT}){{0,4}} ?/+ ?(?:{PHOTO_AGENCIES}))"
    r"[ \t]+(?=[\"“‘A-Z0-9])"
)
# A credit with no slash, in brackets after a caption's last sentence: a source's name, up to four
# words from a capital ("(Marrick Homes)", "(Mancini family)", "(TRA)").
NAMED_CREDIT = r"(?-i:[A-Z][\w'’&.-]*(?: [\w'’&.-]+){0,3})"
CREDIT_ONLY_LINE = re.compile(rf"^\(?({SLASH_CREDIT}|(?-i:{PHOTO_AGENCIES}))\)?$")
# A credit at the end of a line is cut off; the rest of the line is kept. A slash credit ends a
# caption whether or not the caption has a full stop ("... in Kyiv Jane Roe/Reuters").
CREDIT_SUFFIX = re.compile(
    r"(\s*\((source|photo|image|credit)( by|:)[^)]*\)|\s+credit:\s*[^.]{1,80}|(?<=\S)image:\s.*"
    rf"|(?<=\S)\s+\(?{SLASH_CREDIT}\)?"
    rf"|(?<=[.!?\"”’])\s+(?-i:{PHOTO_AGENCIES})"
    rf"|(?<=[.!?\"”’])\s+\({NAMED_CREDIT}\)"  # "... Bridge. (Marrick Homes)", "(TRA)"
    r"|\s*with inputs from (agencies|wire services)\.?"
    r"|(?<=[.!?\"”’])\s+(photo|picture|image|credit)s?:)$",  # a label whose credit was cut
    re.I,
)
CREDIT_PASSES = 3  # credits stack up at a caption's end ("(Photo by X/AFP) X/AFP/Getty Images")
# A link label after the last sentence of a line, or a line that is only such a link.
READ_MORE_SUFFIX = re.compile(r"(?<=[.!?\"”’])\s+read more\.?$", re.I)
READ_MORE_LINE = re.compile(r"^read more\b[^.!?]{0,80}[.!?]?$", re.I)
# A line's last sentence when it asks the reader to subscribe or sign up ("Support local
# journalism: Subscribe today."); a line that is nothing else goes.
PROMO_SENTENCE = re.compile(
    r"(^|(?<=[.!?:;]))\s*([^.!?:;]{0,40}[:;]\s*)?(please\s+)?(subscribe|sign up)\b[^.!?]{0,120}[.!?]?$", re.I
)
# Caption markup: keep the text between the tags, on a line of its own.
WP_CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.I | re.S)
WP_SHORTCODE = re.compile(r"\[/?(caption|gallery|embed|video|audio)\b[^\]]*\]", re.I)

# month names as regular-expression alternatives, then their abbreviations ("Sept.")
MONTHS = "|".join(
    (*MONTH_NAMES, "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
)
DATE_LINE_ISO = re.compile(
    r"^(date|published|updated)?:?\s*(\d{4})-(\d{2})-(\d{2})(\s+[A-Za-z ]{1,30})?$", re.I
)
WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)"  # "Tuesday, "
DATE_LINE_US = re.compile(
    rf"^(published|updated)?:?\s*{WEEKDAY}?({MONTHS})\.? (\d{{1,2}}),? (\d{{4}})$", re.I
)
DATE_LINE_EU = re.compile(
    rf"^(published|updated)?:?\s*{WEEKDAY}?(\d{{1,2}}) ({MONTHS})\.?,? (\d{{4}})$", re.I
)
DATE_SEARCH_LINES = 12  # a dateline is only looked for near the top
# A date with its year inside a line ("Updates from the newsroom, Tuesday, January 14, 2025.").
DATE_IN_LINE = re.compile(
    rf"\b{WEEKDAY}?(?:({MONTHS})\.? \d{{1,2}},? \d{{4}}|\d{{1,2}} ({MONTHS})\.?,? \d{{4}})\b", re.I
)
# A byline that ends with the article's date, after a separator and maybe a place ("By Ann Lee ·
# Halvik, May 4, 2025", "By Ida Berg, columnist | 4 September 2025, 10:42 a.m."): the byline goes,
# the date is the publication date.
BYLINE_DATE = re.compile(
    rf"\s*[·•|,—–-]\s*(?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){{0,3}},\s*)?(?P<date>{DATE_IN_LINE.pattern})"
    rf"(?:,?\s*(?:at\s+)?{TIME})?\.?$",
    re.I,
)

# A wire dateline at the start of the body, cut off the sentence it is glued to ("PYONGYANG, Sept 13
# (Reuters) - Kim ...", "MIAMI (AP) — J.T. Realmuto ...") or dropped as a line of its own ("Washington
# CNN —"). Its shape: a place (capitalised words), then a date, an agency, or both, then a dash; or a
# place in capitals and a dash. Only before a sentence; see `_drop_dateline` for where.
PLACE = r"[A-Z][\w.'’-]*(?:(?:,? |/)[A-Z][\w.'’-]*){0,6}"
CAPS_PLACE = r"[A-Z][A-Z'’-]{2,}\.?(?:,? [A-Z][\w.'’-]*){0,4}"
DAY = rf"(?P<month>(?i:{MONTHS}))\.? (?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}))?"
AGENCY = r"(?:\([A-Z][\w.&’' -]{0,24}\)|[A-Z]{2,6}(?: [A-Z][a-z]+)?)"
DASH = r"(?:\s*[—–―]|\s+--?)"
WIRE_DATELINE = re.compile(rf"^(?:{PLACE})?(?:,? {DAY})?\s*{AGENCY}{DASH}(?:\s+|$)")
DATELINE = re.compile(rf"^(?:{PLACE},? {DAY}|{CAPS_PLACE}){DASH}(?:\s+|$)")
DATELINE_SEARCH_LINES = 6  # non-blank lines from the top: the headline, a byline, the dateline
DATELINE_MIN_WORDS_AFTER = 4  # a glued dateline is cut only from a sentence at least this long

SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ":", ";", ")")
ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class Cleaned:
    text: str
    published: date | None


def _month(name: str) -> int:
    key = name.lower()[:3]
    return [m[:3] for m in MONTHS.split("|")[:12]].index(key) + 1


def parse_date_line(line: str) -> date | None:
    """The date a dateline states, or None when the line is not a dateline."""
    s = line.strip()
    try:
        if m := DATE_LINE_ISO.match(s):
            return date(int(m[2]), int(m[3]), int(m[4]))
        if m := DATE_LINE_US.match(s):
            return date(int(m[4]), _month(m[2]), int(m[3]))
        if m := DATE_LINE_EU.match(s):
            return date(int(m[4]), _month(m[3]), int(m[2]))
    except ValueError:
        return None
    return None


def _byline(line: str) -> tuple[bool, date | None]:
    """Whether `line` is a byline, and the date it ends with, if any ("By Ann Lee · Halvik, May 4,
    2025"); an article sentence ("By Tuesday, May 6, 2025, the council must ...") is neither."""
    if line[:3].lower() != "by ":
        return False, None
    if (m := BYLINE_DATE.search(line)) and _is_credit(line[: m.start()].strip()):
        return True, parse_date_line(m["date"])
    return _is_credit(line), None


def _header_date(raw_lines: list[str], byline_at: int) -> date | None:
    """A date stated between the headline and the byline (a live blog's "Updates from the newsroom,
    Tuesday, January 14, 2025."): the header names the day the article was published."""
    top = [n for n, line in enumerate(raw_lines[:byline_at]) if line]
    for n in top[1:]:  # after the headline
        if m := DATE_IN_LINE.search(raw_lines[n]):
            return parse_date_line(m.group(0))
    return None


def _leading_date(raw_lines: list[str]) -> date | None:
    """The date a top line opens with as a sentence of its own ("August 12, 2025. Live coverage
    from the newsroom."): a date line with more said after it."""
    for line in raw_lines[:DATE_SEARCH_LINES]:
        head, stop, rest = line.partition(". ")
        if stop and rest and (found := parse_date_line(head)) is not None:
            return found
    return None


def _headline_like(line: str) -> bool:
    return bool(line) and not line.endswith(SENTENCE_END) and len(line.split()) <= 25


def _is_breadcrumb(line: str) -> bool:
    return (
        len(line.split()) <= BREADCRUMB_MAX_WORDS
        and not line.endswith(SENTENCE_END)
        and bool(BREADCRUMB_JOIN.search(line))
    )


def _drop_line(line: str) -> bool:
    bare = line.strip()
    return bool(
        NAV_LINE.match(bare)
        or AD_LINE.match(bare)
        or SHARE_LINE.match(bare)
        or FOOTER_LINE.search(bare)
        or TIME_LINE.match(bare)
        or CREDIT_ONLY_LINE.match(bare)
        or READ_MORE_LINE.match(bare)
        or (CONTACT_LINE.search(bare) and len(bare.split()) <= CONTACT_MAX_WORDS)
        or AGENCY_SIGNOFF.match(bare)
        or TEASER_LINE.match(bare)
        or _is_credit(bare)
        or _is_breadcrumb(bare)
    )


def _is_credit(line: str) -> bool:
    """A byline or a wire credit line. A byline's name words are capitalised ("By Anna Rebane"),
    or name a desk ("By LNA staff"); a role may follow a comma ("By Ida Berg, culture editor"), a
    few words with no full stop ("By Tuesday, it was over." is a sentence)."""
    if not CREDIT_LINE.match(line):
        return False
    if not line.lower().startswith("by "):
        return True
    name, *rest = re.split(r"\s*[,|]\s*", line[3:].strip(), maxsplit=1)
    role = rest[0] if rest else ""
    names = name.split()
    capitalised = [w[:1].isupper() or w.lower() in ("and", "&") for w in names]
    named = all(capitalised) or (all(capitalised[:-1]) and names[-1].lower() in BYLINE_DESKS)
    return named and (not role or (len(role.split()) <= BYLINE_ROLE_MAX_WORDS and role[-1:] not in ".!?"))


def _entry_stamp(m: re.Match[str]) -> str:
    return m.group(0).strip().rstrip(STAMP_SEPARATORS) + ": "


def _strip_credit(line: str) -> str:
    for _ in range(CREDIT_PASSES):
        cut = CREDIT_SUFFIX.sub("", line).rstrip()
        if cut == line:
            break
        line = cut
    return PROMO_SENTENCE.sub("", READ_MORE_SUFFIX.sub("", line)).rstrip()


def _normalise(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u00a0", " ")
    text = ZERO_WIDTH.sub("", text)
    text = WP_CAPTION.sub(lambda m: "\n\n" + " ".join(m[1].split()) + "\n\n", text)
    text = WP_SHORTCODE.sub("", text)
    return GALLERY_CREDIT.sub("\n", text)


def _drop_related_teasers(lines: list[str]) -> list[str]:
    """Remove a related-story block: its heading, the teaser headline(s) and blurb."""
    drop: set[int] = set()
    nonblank = [i for i, line in enumerate(lines) if line]
    for pos, i in enumerate(nonblank):
        if not RELATED_HEADING.match(lines[i]):
            continue
        drop.add(i)
        window = nonblank[max(0, pos - 2) : pos + 4]
        seen: dict[str, list[int]] = {}
        for j in window:
            if j != i and _headline_like(lines[j]):
                seen.setdefault(lines[j], []).append(j)
        for occurrences in seen.values():
            if len(occurrences) < 2:
                continue
            drop.update(occurrences)
            after = [j for j in nonblank if j > occurrences[-1]]
            if after and not _headline_like(lines[after[0]]):
                drop.add(after[0])  # the teaser's one-paragraph blurb
    return [line for i, line in enumerate(lines) if i not in drop]


def _drop_repeated_captions(lines: list[str]) -> list[str]:
    """A caption printed twice in a row (once with a credit) is kept once."""
    out: list[str] = []
    for line in lines:
        prev = next((p for p in reversed(out) if p), None)
        if line and prev is not None and (line == prev or (len(prev) > 20 and line.startswith(prev))):
            continue
        out.append(line)
    return out


def _drop_alt_text(raw_lines: list[str], lines: list[str]) -> list[str]:
    """An image's alt text is the short line right above a credited caption."""
    out = list(lines)
    for i in range(len(raw_lines) - 1):
        nxt = raw_lines[i + 1].strip()
        if re.search(r"(?<=\S)image:\s", nxt, re.I) and _headline_like(raw_lines[i].strip()):
            out[i] = ""
    return out


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a sentence split across two lines ("where he" / "viewed ...")."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and not out[-1].endswith(SENTENCE_END) and line[0].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _dateline(line: str) -> tuple[str, str, re.Match[str]] | None:
    """The dateline `line` opens with, the text after it, and the match; None when there is none."""
    m = WIRE_DATELINE.match(line) or DATELINE.match(line)
    if not m:
        return None
    rest = line[m.end() :]
    opens = not rest or rest[0].isupper() or rest[0] in "\"“‘'0123456789"
    if not opens or (rest and len(rest.split()) < DATELINE_MIN_WORDS_AFTER):
        return None
    return line[: m.end()].strip(), rest, m


def strip_dateline(line: str) -> str | None:
    """`line` without the wire dateline it opens with; "" when it is only a dateline; None when none."""
    found = _dateline(line)
    return found[1] if found else None


def _drop_dateline(lines: list[str]) -> tuple[list[str], date | None]:
    """Cut datelines: the first one among the top lines, and a wire dateline opening any paragraph.

    A roundup prints several wire stories, each with its dateline ("BOSTON (AP) — ..."); a
    place and a date or a dash alone ("WASHINGTON — ...") count only at the top. A dateline that
    states a date ("DUNMORE, May 29, 2021 -") is not dropped but put on a line of its own: the date
    may be the only one the article gives. With a year, it is also returned as the publication date.
    """
    out = list(lines)
    published: date | None = None
    seen = 0
    for i, line in enumerate(out):
        if not line:
            continue
        top = seen < DATELINE_SEARCH_LINES
        seen += 1
        if not (top or WIRE_DATELINE.match(line)) or (found := _dateline(line)) is None:
            continue
        head, rest, m = found
        if not m["day"]:
            out[i] = rest
            continue
        out[i] = f"{head}\n{rest}" if rest else head
        if m["year"] and published is None:
            with contextlib.suppress(ValueError):
                published = date(int(m["year"]), _month(m["month"]), int(m["day"]))
    return out, published


def line_key(line: str) -> str:
    """How a line is compared with the lines of other documents: its words, whitespace collapsed."""
    return " ".join(line.split())


def source_lines(raw: str) -> list[str]:
    """The lines of `raw` as `clean` reads them (after markup normalisation), as `line_key`s."""
    return [line_key(line) for line in _normalise(raw).split("\n")]


def clean(raw: str, *, drop: Collection[str] = ()) -> Cleaned:
    """Strip boilerplate from one article's raw text; keep every article sentence.

    `drop` holds lines (as `line_key`s) to remove as well: the caller's knowledge from other
    documents, such as a promotion line repeated verbatim across a site's articles.
    """
    raw_lines = [line.strip() for line in _normalise(raw).split("\n")]
    published: date | None = None
    byline_at: int | None = None  # where the first byline near the top stands
    stamp = ""  # a live blog's entry stamp waiting for its entry
    live = (
        sum(bool(ENTRY_STAMP_LINE.match(x) or TIME_PREFIX.match(x)) for x in raw_lines)
        >= LIVE_BLOG_MIN_STAMPS
    )
    lines: list[str] = []
    for n, line in enumerate(raw_lines):
        if drop and line and line_key(line) in drop:
            lines.append("")
            continue
        if n < DATE_SEARCH_LINES and (found := parse_date_line(line)) is not None:
            published = published or found
            lines.append("")
            continue
        is_byline, byline_date = _byline(line)
        if is_byline:
            if n < DATE_SEARCH_LINES:
                byline_at = n if byline_at is None else byline_at
                published = published or byline_date
            lines.append("")
            continue
        if ENTRY_STAMP_LINE.match(line):
            stamp = line if live else ""
            lines.append("")
            continue
        if _drop_line(line):
            lines.append("")
            continue
        line = TIME_PREFIX.sub(_entry_stamp, line)
        if stamp and line and ENTRY_START.match(line):
            line = f"{stamp}: {line}"
        stamp = stamp if not line else ""
        line = " ".join(URL.sub("", _strip_credit(line)).split())
        lines.append(line)
    lines, dated = _drop_dateline(lines)
    published = published or dated
    if published is None and byline_at is not None:
        published = _header_date(raw_lines, byline_at)
    if published is None:
        published = _leading_date(raw_lines)
    lines = _drop_alt_text(raw_lines, lines)
    lines = _drop_related_teasers(lines)
    lines = _drop_repeated_captions(lines)
    lines = _join_broken_lines(lines)
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
        elif paragraphs and paragraphs[-1] != "":
            paragraphs.append("")
    text = "\n".join(paragraphs).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Cleaned(text=text, published=published)
