"""Sentence splitting with character offsets, and the word-level helpers shared by
the extractive answerer and the citation verifier.

Splitting is rule-based: a sentence ends at `.`, `!` or `?` (plus closing quotes
or brackets) followed by space and a capital, digit or opening quote, unless the
word before the stop is a known abbreviation; a line break always ends one.
Words are compared with their accents folded (`fold`: "Pelé" is "pele", "Mørk"
"mork"), on the question's side and the corpus's alike. It does not tokenise for
BM25 (bm25s does) or embed anything.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "adm", "gov", "sen", "rep",
    "prof", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.g", "i.e", "inc", "ltd", "co", "jr", "sr",
}  # fmt: skip
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
MONTHS = tuple(
    "january february march april may june july august september october november december".split()
)
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
CALENDAR = frozenset(MONTHS + WEEKDAYS)  # capitalised, yet they date an event rather than name one
# Closed classes of English that the question readers (rag.extractive, rag.modality, rag.role,
# rag.quantity) share.
WH_WORDS = frozenset("what which who whom whose when where why how".split())
DO_AUXILIARIES = frozenset("did does do will would can could should might may must".split())
DETERMINERS = frozenset("the a an this that these those his her their its our your".split())
PRONOUNS = frozenset("he she they it we you i".split())
NEGATION = re.compile(r"\b(not|no|never|neither|nor|none|nobody|nothing)\b|n['’]t\b", re.I)
YEAR = re.compile(r"(?:19|20)\d\d")  # a year of the last two centuries
COPULAS = frozenset("is are was were".split())
OPTIONS = re.compile(r",[^,]* or ")  # "which was bigger, serra alta or pinecrest": a choice of options
TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")  # a word (apostrophes, hyphens inside) or one mark
# Where a question of several sentences splits ("... in 2024. How many ... in 2025?"): after a
# sentence mark, roughly (no abbreviation handling: `split_sentences` is the one for article text)
QUESTION_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=\S)")
MODEL_CODE = re.compile(r"[A-Z][A-Za-z]*-?\d[\w-]*")  # a model code: "Orlan-10", "C-190", "X8"
CLAUSE_MARKS = frozenset(';:()[]"“”«»—–')  # marks a clause does not run across
# The same as a pattern over text: a comma or colon ends a clause unless it sits between two digits
# ("1,800", "22:00"), brackets and a semicolon always do. Each checker adds its own words to it.
CLAUSE_PUNCT = r"(?<!\d)[,:]|[,:](?!\d)|[;()]"
# Numbers as news writes them in words, listed once: each word's value ("eleven" is 11) ...
NUMBER_VALUES = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# ... and the words that scale a number ("two million", "a dozen").
SCALE_WORDS = ("hundred", "thousand", "million", "billion", "dozen")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also said says say according
    told tell get got one ones s t
    """.split()
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of `text` with offsets (plus `offset`) such that text[start:end] == sentence.

    A subheading run into the sentence after it ("Friendship, solidarity and cooperation
    Kim spent six days ...", as scraped pages print them) becomes a span of its own.
    """
    spans: list[Span] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, base = line_match.group(0), line_match.start()
        cut = 0
        for end_match in SENTENCE_END.finditer(line):
            before = line[cut : end_match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            _add_split(spans, text, base + cut, base + end_match.end(), offset)
            cut = end_match.end()
        _add_split(spans, text, base + cut, base + len(line), offset)
    return spans


# A run-in subheading: a capitalised phrase of lowercase words with no verb, then the sentence's
# first word. Either the sentence starts with a capitalised function word ("... raises concerns
# The United States ..."), or the phrase is a list ("Friendship, solidarity and cooperation Kim").
# Measured on 36,806 sentences of scraped news: a looser rule ("and" alone) cut 20 real sentences.
RUN_IN_MAX_WORDS = 8
MIN_SENTENCE_AFTER = 5  # words the sentence after a run-in heading must have
SENTENCE_OPENERS = frozenset(
    "The A An In On At As After Before But And It He She They We This That These Those His Her Its "
    "Their Some Many More Most Officials Earlier Later Meanwhile According".split()
)
# Nouns that stand before a name in running text ("leader Kim", "minister Sergei Shoigu").
TITLE_NOUNS = frozenset(
    "leader president minister secretary spokesman spokeswoman spokesperson governor chancellor premier "
    "general admiral officer director chief chairman chairwoman ambassador envoy king queen prince "
    "princess mayor senator judge coach captain striker goalkeeper agency newspaper ceo founder "
    "counterpart colleague actor actress fan student investor reporter reporters competitor member star "
    "singer player artist writer author host owner official expert analyst professor doctor lawyer "
    "executive partner rival teammate designer producer rapper comedian".split()
)
VERB_LIKE = re.compile(r"(ed|ing)$")
RUN_IN_ECHO_MIN_TERMS = 3  # content words a heading must have to be recognised by its echo ...
RUN_IN_ECHO_SHARE = 0.75  # ... and the share of them the sentence after it repeats
RUN_IN_GLUE = frozenset("and as of for in with".split())  # words a subheading may contain


def _run_in_heading(sentence: str) -> int:
    """Length of a subheading run into the front of `sentence`, or 0."""
    tokens = list(re.finditer(r"\S+", sentence))
    if len(tokens) < 3 or not tokens[0].group(0)[:1].isupper():
        return 0
    for i in range(1, min(len(tokens) - MIN_SENTENCE_AFTER, RUN_IN_MAX_WORDS + 1)):
        word = tokens[i].group(0)
        if not word[:1].isupper():
            continue
        prefix = [t.group(0) for t in tokens[:i]]
        bare = [w.strip(",;:").lower() for w in prefix]
        last = bare[-1]
        if (
            i < 2
            or bare[0] in STOPWORDS - {"the", "a", "an"}
            or not all(w.isalpha() for w in bare)
            or any(w[:1].isupper() for w in prefix[1:])
            or prefix[-1][-1:] in ",;:"
            or last in STOPWORDS
            or last in TITLE_NOUNS
            or any(w in IRREGULAR_VERBS or w in STOPWORDS - RUN_IN_GLUE for w in bare[1:])
            or any(VERB_LIKE.search(w) for w in bare)
        ):
            return 0
        listed = "and" in bare and any(w.endswith(",") for w in prefix)  # "Friendship, solidarity and ..."
        if (
            word.strip("\"'“‘") in SENTENCE_OPENERS
            or listed
            or _echoed(prefix, sentence[tokens[i].start() :])
        ):
            return tokens[i].start()
        return 0
    return 0


def _echoed(heading: list[str], rest: str) -> bool:
    """Whether the sentence after a candidate heading repeats the heading's content words.

    A subheading names what its paragraph says ("Drones and bulletproof vest as gift" before "...
    received five explosive drones ... and a bulletproof vest as gifts"); a sentence's subject
    phrase seldom comes back in its own predicate.
    """
    terms = set(content_terms(" ".join(heading)))
    return len(terms) >= RUN_IN_ECHO_MIN_TERMS and len(
        terms & set(content_terms(rest))
    ) >= RUN_IN_ECHO_SHARE * len(terms)


def _add_split(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    cut = _run_in_heading(text[start:end])
    if cut:
        _add(spans, text, start, start + cut, offset)
        start += cut
    _add(spans, text, start, end, offset)


def is_heading(sentence: str) -> bool:
    """A subheading, caption label or other line that is not a sentence: short, no final stop."""
    bare = sentence.strip()
    return bool(bare) and not bare.endswith(HEADING_ENDS) and len(bare.split()) <= HEADING_MAX_WORDS


HEADING_ENDS = (".", "!", "?", '"', "”", "’", "'", ")")
# Lines that label a photo or point to another story; they are not the article's sentences.
NOT_PROSE = re.compile(
    r"^\s*(\(?(file )?photo|image|picture|caption|watch|video|read more|read also|related|see also|"
    r"more|listen)\s*:|^\s*\(?((additional )?(reporting|writing|editing) by)\b",
    re.I,
)


def is_prose(sentence: str) -> bool:
    """Whether `sentence` is running text a reader may quote: no heading, caption label or credit."""
    return not is_heading(sentence) and not NOT_PROSE.search(sentence)


HEADING_MAX_WORDS = 8
MIN_QUOTABLE_WORDS = 4  # a shorter sentence is quoted only when it states a number ("By eleven publishers.")
SHORT_STATEMENT = re.compile(r"[A-Z][A-Za-z’'-]*(?:,?\s+[$£€]?[A-Za-z0-9’'%,-]+){1,2}\.")
NUMBER_IN = re.compile(r"\d|\b(" + "|".join([*list(NUMBER_VALUES)[1:], *SCALE_WORDS]) + r")\b", re.I)


def quotable(sentence: str, min_words: int = MIN_QUOTABLE_WORDS) -> bool:
    """Whether a reader may quote `sentence`: running text (`is_prose`) of `min_words` words or more,
    or a shorter complete statement of a number: two or three plain words from a capital to a full
    stop ("By eleven publishers.", "She was 93.", "Nine years."). A fragment the splitter left
    ("4, 1977.", "At 10 a.m." cut at "p.m."), a label ("Rated: PG-13.") or a quoted snippet is not."""
    if not is_prose(sentence):
        return False
    bare = sentence.strip()
    if len(bare.split()) >= min_words:
        return True
    return len(bare.split()) >= 2 and bool(SHORT_STATEMENT.fullmatch(bare)) and bool(NUMBER_IN.search(bare))


def _add(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start + offset, end + offset, text[start:end]))


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))  # type: ignore[attr-defined]


def stems(words_: list[str]) -> list[str]:
    """`stem` of each word, in one call (a word list of 80,000 in a fraction of the time)."""
    return [str(s) for s in _stemmer().stemWords([w.lower() for w in words_])]  # type: ignore[attr-defined]


# Letters NFKD does not decompose into a base letter and a mark ("Mørk", "Sæther", "Łódź").
UNFOLDED = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                          "Þ": "TH", "ı": "i"})  # fmt: skip


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(UNFOLDED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """`text` with its accents folded ("Pelé" -> "Pele", "Zoë" -> "Zoe", "Mørk" -> "Mork").

    Decomposes (NFKD) and drops the combining marks, so a word typed without its accent
    reads as the word the articles write with it (and the reverse). Plain ASCII is returned
    as is. Lengths may change ("æ" -> "ae"): never use the result for offsets."""
    if text.isascii():
        return text
    return re.sub(r"[^\x00-\x7f]+", lambda m: _fold_word(m.group(0)), text)


def words(text: str) -> list[str]:
    """The lowercase words of `text`, accents folded (`fold`): what the question and the corpus
    are compared by."""
    return [w.lower().replace("’", "'") for w in WORD.findall(fold(text))]


# Past forms of common irregular verbs, so "left" matches "leave" and "began" "begin". A general
# list; ambiguous forms (won: a currency; found: to found; saw: a tool) are left out.
IRREGULAR_VERBS = {
    form: base
    for base, forms in {
        "be": "was were been", "become": "became", "begin": "began begun", "bring": "brought",
        "build": "built", "buy": "bought", "choose": "chose chosen", "come": "came", "do": "did done",
        "draw": "drew drawn", "drink": "drank drunk", "drive": "drove driven", "eat": "ate eaten",
        "fall": "fell fallen", "feel": "felt", "fight": "fought", "find": "found", "fly": "flew flown",
        "forget": "forgot forgotten", "get": "got gotten", "give": "gave given", "go": "went gone",
        "grow": "grew grown", "have": "had", "hear": "heard", "hold": "held", "keep": "kept",
        "know": "knew known", "lead": "led", "leave": "left", "lend": "lent", "lose": "lost",
        "make": "made", "mean": "meant", "meet": "met", "pay": "paid", "ride": "rode ridden",
        "rise": "rose risen", "run": "ran", "say": "said", "see": "seen", "seek": "sought",
        "sell": "sold", "send": "sent", "show": "shown", "sing": "sang sung", "sit": "sat",
        "speak": "spoke spoken", "spend": "spent", "stand": "stood", "steal": "stole stolen",
        "strike": "struck", "swear": "swore sworn", "take": "took taken", "teach": "taught",
        "tell": "told", "think": "thought", "throw": "threw thrown", "understand": "understood",
        "wear": "wore worn", "win": "won", "write": "wrote written",
    }.items()
    for form in forms.split()
    if form not in ("found", "won")
}  # fmt: skip


def lowered(tokens: Sequence[str]) -> list[str]:
    """`TOKEN`s lowercase, curly apostrophes straightened and a possessive "'s" dropped."""
    return [re.sub(r"'s$", "", t.lower().replace("’", "'")) for t in tokens]


def same_word(word: str, target: str) -> bool:
    """Whether `word` is `target` (a stem) by its stem, or one of them extends the other (both at
    least four letters: "company"/"companies", "design"/"designer")."""
    a, b = stem(base_form(word)), stem(target)
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)))


def within_clause(
    tokens: Sequence[str], a: int, b: int, window: int, stops: Collection[str] = frozenset()
) -> bool:
    """Whether lowercase tokens `a` and `b` of one sentence stand in one clause (no clause mark or
    sentence end between them, nor a word of `stops`) with at most `window` words between."""
    between = tokens[min(a, b) + 1 : max(a, b)]
    if any(t in CLAUSE_MARKS or t in ".!?" or t in stops for t in between):
        return False
    return sum(1 for t in between if t[:1].isalnum()) <= window


def base_form(word: str) -> str:
    """The base form of an irregular past form ("left" -> "leave"); other words unchanged."""
    return IRREGULAR_VERBS.get(word, word)


def word_term(word: str) -> str:
    """The stem of a typed word's base form, case and curly apostrophe aside ("Left" -> "leav")."""
    return stem(base_form(word.lower().replace("’", "'")))


def content_terms(text: str) -> list[str]:
    """Stemmed content words, in order, without stopwords or possessive endings."""
    out = []
    for word in words(text):
        word = re.sub(r"'s$", "", word)
        if word not in STOPWORDS and len(word) > 1:
            out.append(stem(word))
    return out


def base_terms(text: str) -> list[str]:
    """Like `content_terms`, with irregular past forms first brought to their base form."""
    out = []
    for word in words(text):
        word = re.sub(r"'s$", "", word)
        if word not in STOPWORDS and len(word) > 1:
            out.append(stem(base_form(word)))
    return out


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 for a zero vector's norm treated as 1)."""
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    return dot / ((math.sqrt(sum(x * x for x in a)) or 1.0) * (math.sqrt(sum(y * y for y in b)) or 1.0))


CITATION_MARKER = re.compile(r"\s*\[(\d{1,3})\]")


def strip_markers(text: str) -> str:
    return CITATION_MARKER.sub("", text).strip()
