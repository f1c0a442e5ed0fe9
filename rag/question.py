"""Read a question the way people type it: against the corpus vocabulary, not a word list.

`rag.extractive.analyse` finds a question's answer type and focus words with
regular expressions. This stage then reads each focus word against what the
index actually contains (the stemmed term statistics `rag.retrieve` derives from
Chroma's chunks per index version):

- a word the articles use is focus, weighted by its IDF;
- a word they never use is corrected to the closest term they do use
  (symspellpy, Damerau-Levenshtein over the corpus stems, and the stems of the English
  words one edit from the typed word, so a typo the stemmer cuts apart still finds its
  word: "monthd" for "months"); an edit that is a slip of the fingers (`slip`) is cheaper
  than one that is not, and among equally cheap ones the most frequent wins, so "trian"
  reads as "train", "spaceprot" as "spaceport" and "limt" as "limit", not "list";
- a short word with a letter left out ("grl", "lnd") reads as the corpus word, not as an
  acronym, and a word with two left out ("drout", "hapend": spelling as said) as the
  corpus word or common English word it is the rest of; a slip typing an English word the
  articles never use ("paoyff") is asked as that word, not read as a name;
- an uncorrectable word that is not an English word (not a whole word of the
  embedding model's WordPiece vocabulary, which ships with the model) is a name
  the articles never mention ("zelensky", "kalashnikov"): essential, so the
  question is refused when the policy says so;
- any uncorrectable word the articles never use is also read against an English
  word list with frequencies (the one symspellpy ships, 82,765 words): its log10
  count is how common it is in English. A word the articles never use that is
  rare or absent in English ("messi", "kimchi", "berendt") names something the
  articles never mention, however it is typed; the policy's
  `min_unseen_frequency` decides how rare (`rag.extractive` records the rarest);
- an English word the articles never use that web text writes capitalised far more
  often than not ("japan", "australia", "london") is a proper noun typed in lowercase,
  so a name the articles never mention: read from the merge order of the cased
  byte-pair vocabulary cl100k_base (`usually_capitalised`), not from a list of names;
  month and weekday names date the question instead and are left to the reader;
- a word one edit from a corpus term or a common English word is no typo but a
  name when it is no slip of the fingers (two letters swapped, one left out or
  doubled, a neighbouring key on the keyboard) and far rarer in English than its
  correction ("messi" is not "mess", "trian" is "train");
- a short word the articles never use (two or three letters) is an acronym of
  something they never mention when it has no vowel or is neither an English
  word nor in the frequency list ("nhs", "imf"); one they use matches case-folded
  ("cra" for "CRA"), and one the retrieved passages write out is no unknown name
  ("nk" for "North Korea", "cfo" for "chief financial officer": `spelled_out`); chat
  shorthand and unit abbreviations ("ppl", "km") are not;
- a function word mistyped ("wich", "teh") or with a clitic ("there'd", "they'll") is part of
  the question's frame, not a name; a consonant typed for one that sounds alike ("budjet")
  is a slip of the fingers like a neighbouring key;
- accents are folded on both sides (`rag.sentences.words`): "pele" is "Pelé";
- chit-chat ("ok so", "lol", "pls") and the apostrophe-less contractions people
  type ("whats", "im") are not focus at all.

It deliberately does not rewrite the question text (retrieval has already run
on it), parse syntax, or decide whether to refuse (`rag.extractive` applies the
policy).
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.sentences import CALENDAR, STOPWORDS, fold, stem, stems

VOCAB_FILE = Path(__file__).parent / "models" / "minilm" / "tokenizer.json"
# English words with their counts in a large web corpus; ships inside the symspellpy package.
FREQUENCY_PACKAGE = "symspellpy"
FREQUENCY_FILE = "frequency_dictionary_en_82_765.txt"
MIN_CORRECTABLE = 4  # shorter unknown words are not corrected ("im", "lol")
MAX_EDIT = 2  # for words of LONG_WORD letters or more; one edit below
LONG_WORD = 7
MIN_PART = 4  # a compound's parts have at least this many letters ("head"+"wear")
NO_SLIP_COST = 0.6  # an edit that is no slip of the fingers costs this much more than one that is
COMMON_COUNT = 100_000  # English words this frequent are what a typo is corrected to
# Discourse markers and chat words people put around a question. General English, not corpus words.
CHATTER = frozenset(
    "ok okay k so hey hi hello pls please plz thanks thx thank lol lmm hmm um uh uhh wait well anyway "
    "btw like basically literally quick question curious wondering wonder confused bit guys yeah yes no "
    "right really sure kinda sorta gonna wanna ya yo huh oh ah idk tbh imo again remind someone somebody "
    "anyone anybody know knew think thought heard read somewhere mean meant".split()
)
# Contractions typed without an apostrophe: they are frame words, not focus.
CONTRACTIONS = frozenset(
    "whats whos wheres whens hows thats im ive id youre theyre dont doesnt didnt isnt wasnt werent "
    "cant couldnt wont wouldnt shouldnt hes shes its lets theres theyll youll itll thatll therell theyve "
    "youve weve theyd youd".split()
)

# Closed-class pronouns that stand for something and name nothing: indefinite ones from their English
# parts ("anything", "someone", "nowhere") and independent possessives ("mine"). Never focus.
INDEFINITE = frozenset(
    a + b for a in ("any", "some", "every", "no") for b in ("thing", "one", "body", "where")
)
POSSESSIVE = frozenset("mine yours ours theirs hers".split())

# Chat shorthand for English words and unit abbreviations: short, no vowels, yet no acronym of a name.
SHORTHAND = frozenset(
    "ppl pls plz thx ty bc b4 rn smth sth nvm fyi lmk jk hw abt cuz coz tho thru msg pic pics tmrw tmr "
    "yr yrs hr hrs min mins sec secs km kg cm mm ft lb lbs oz mph kph kmh pm am st nd rd th mr mrs ms dr "
    "vs etc tv w kw kwh mw mwh gw gwh hz khz mhz ghz kb mb gb tb smh ngl tbf fr hbu bf gf txt sry cya "
    "gtg brb omg wtf diy faq irl asap aka".split()
)
VOWELS = frozenset("aeiouy")
MAX_ACRONYM = 5  # letters; a longer lowercase word is read as a word, not initials
ACRONYM_GLUE = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "von", "van"})
KEYBOARD = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))  # QWERTY rows and their offsets
# Consonants that spell one sound, so one typed for the other is spelling as said ("budjet", "kanal")
SOUND_ALIKE = [set(pair) for pair in ("gj", "ck", "cs", "sz", "kq")]
KEY_DISTANCE = 1.3  # keys this close (in key widths) are neighbours
NAME_RARITY = 2.0  # a word 100x rarer in English than the common word one edit away is a name ("messi")
# A word whose capitalised form is this many times earlier in cl100k_base's merge order (about: this
# many times more frequent in web text) than its lowercase form is usually a proper noun ("japan").
CASED_RATIO = 4.0
NAME_FREQUENCY = 6.5  # log10 English count under which a word is too rare to be a common word

# Spellings as said and the English spellings they stand for (typed, written): "elecshun" is
# "election", "anieone" "anyone", "fone" "phone". General English orthography, not corpus words.
AS_SAID = (
    ("shun", "tion"),
    ("ie", "y"),
    ("f", "ph"),
    ("k", "ck"),
    ("ee", "ea"),
    ("je", "ge"),
    ("se", "ce"),
    ("uff", "ough"),
    ("ei", "ie"),
    ("ie", "ei"),
    ("o", "ou"),
    ("s", "ss"),
    ("l", "ll"),
    ("t", "tt"),
    ("m", "mm"),
    ("r", "rr"),
    ("p", "pp"),
)
CLITIC = re.compile(r"'(d|ll|re|ve|m)$")  # the clitic of "there'd", "they'll", "we've", "i'm"
LEADING_FILLER = CHATTER | CONTRACTIONS | {"i", "a", "am", "just"}


def pronoun(word: str) -> bool:
    """Whether `word` is an indefinite or independent possessive pronoun ("anything", "mine")."""
    return word.lower().replace("’", "'") in INDEFINITE | POSSESSIVE


def strip_chatter(text: str) -> str:
    """`text` without the chit-chat it opens with ("ok so lol what colour ..." -> "what colour ...")."""
    tokens = text.split()
    i = 0
    while i < len(tokens) - 1 and tokens[i].strip(",.!?;:").lower().replace("’", "'") in LEADING_FILLER:
        i += 1
    return " ".join(tokens[i:]) if i else text


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the bundled WordPiece vocabulary (lowercase English, ~22k words)."""
    try:
        vocab = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("#"))


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    """English words with their corpus counts (symspellpy's frequency dictionary); {} if unreadable."""
    from importlib import resources

    counts: dict[str, int] = {}
    try:
        text = (resources.files(FREQUENCY_PACKAGE) / FREQUENCY_FILE).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):
        return counts
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    return counts


@lru_cache(maxsize=1)
def _stem_counts() -> dict[str, int]:
    """The count of the most common English word of each stem ("colors" reads as "color")."""
    counts = english_counts()
    out: dict[str, int] = {}
    for key, count in zip(stems(list(counts)), counts.values(), strict=True):
        out[key] = max(out.get(key, 0), count)
    return out


def english_frequency(word: str) -> float:
    """How common `word` is in English: log10 of its count plus one, 0.0 when not an English word.

    An inflected form the list lacks reads as the most common word of its stem ("colors":
    "color"), a
    compound as the rarer of its two words ("headwear": "head", "wear")."""
    word = word.lower()
    counts = english_counts()
    root = stem(word)
    count = counts.get(word) or (_stem_counts().get(root, 0) if root != word else 0)
    if not count:
        parts = [
            min(counts.get(word[:i], 0), counts.get(word[i:], 0))
            for i in range(MIN_PART, len(word) - MIN_PART + 1)
        ]
        count = max(parts, default=0)
    return math.log10(1 + count)


@lru_cache(maxsize=1)
def _common_words() -> dict[str, int]:
    return {w: n for w, n in english_counts().items() if n >= COMMON_COUNT and len(w) >= MIN_CORRECTABLE}


def _shaped(words_: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    """`words_` by first letter and length (the candidates a word with letters left out may be)."""
    shapes: dict[tuple[str, int], list[str]] = {}
    for word in words_:
        shapes.setdefault((word[:1], len(word)), []).append(word)
    return shapes


@lru_cache(maxsize=1)
def _by_shape() -> dict[tuple[str, int], list[str]]:
    """The common English words by first letter and length."""
    return _shaped(sorted(_common_words()))


def _subsequence(short: str, long: str) -> bool:
    """Whether `short` is `long` with letters left out."""
    letters = iter(long)
    return all(ch in letters for ch in short)


@lru_cache(maxsize=4096)
def one_edit(word: str) -> frozenset[str]:
    """Every string one deletion, transposition, substitution or insertion from `word` (cached:
    one unseen word is read by several readers)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return frozenset(
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def english_correction(word: str) -> str:
    """The most common English word one edit from `word` ("congestoin" -> "congestion"), or "".

    The candidates are generated and looked up (a few hundred per word), so no spelling index
    over the 82,765-word list is built: a question's first unseen word costs milliseconds."""
    if len(word) < MIN_CORRECTABLE + 1:
        return ""
    common = _common_words()
    if word in common:
        return ""
    found = [(common[w], w) for w in one_edit(word) if w in common]
    best = max(found)[1] if found else ""
    return best if best[:1] == word[:1] else ""


@dataclass(frozen=True)
class Reading:
    """How the question's focus words read against the corpus."""

    focus: tuple[tuple[str, str], ...]  # (stem, word) after corrections, chit-chat dropped
    corrected: tuple[tuple[str, str], ...] = ()  # (typed word, corpus stem)
    unknown: tuple[str, ...] = ()  # words naming something the articles never mention
    # (word, English frequency) of every uncorrectable word the articles never use ("colour", "messi")
    unseen: tuple[tuple[str, float], ...] = ()

    def rarest_unseen(self) -> float:
        """The lowest English frequency of the words the articles never use (inf: none)."""
        return min((f for _, f in self.unseen), default=math.inf)


class Vocabulary:
    """The corpus's stemmed terms with their chunk frequencies, and a speller over them."""

    def __init__(self, df: Mapping[str, int]):
        self.df = df
        self._speller: object | None = None
        self._by_shape: dict[tuple[str, int], list[str]] | None = None
        self._lock = threading.Lock()

    def known(self, term: str) -> bool:
        return self.df.get(term, 0) > 0

    def nearest(self, term: str, word: str = "") -> tuple[str, bool]:
        """The corpus stem the typed `word` (stemmed: `term`) most likely stands for, and whether
        typing it so is a slip of the fingers (`slip`); ("", False) when none is close enough.

        Candidates are the corpus stems within the edit distance of `term` (symspellpy) and the
        stems of the English words one edit from `word` itself (unless `word` is a common English
        word: "router" is no typo of "routed"), so a typo the stemmer reads apart
        ("monthd" for "months", "rase" for "raise") still finds its word. The cheapest wins: an
        edit that is a slip costs 1, one that is not `NO_SLIP_COST` more ("limt" reads as "limit",
        a letter left out, not "list", a far key); among equally cheap ones, the most frequent."""
        if max(len(term), len(word)) < MIN_CORRECTABLE or not self.df:
            return "", False
        from symspellpy import Verbosity

        costs: dict[str, tuple[float, bool]] = {}

        def offer(stem_: str, distance: int, slipped: bool) -> None:
            cost = distance + (0.0 if slipped else NO_SLIP_COST)
            if stem_ not in costs or cost < costs[stem_][0]:
                costs[stem_] = (cost, slipped)

        distance = MAX_EDIT if len(term) >= LONG_WORD else 1
        found = []
        if len(term) >= MIN_CORRECTABLE:
            found = self._spell().lookup(term, Verbosity.ALL, max_edit_distance=distance)  # type: ignore[attr-defined]
        for s in found:
            if s.term != term and s.term[:1] == term[:1]:
                offer(str(s.term), int(s.distance), s.distance > 1 or slip(term, str(s.term)))
        if word and len(word) >= MIN_CORRECTABLE and english_frequency(word) < NAME_FREQUENCY:
            # an English word one edit away, or an uninflected one ("tower", a name): a non-word
            # the stemmer happens to cut to a corpus stem ("paide": "paid") is no candidate
            counts = english_counts()
            for edit in sorted(e for e in one_edit(word) if e[:1] == word[:1] and e != word):
                key = stem(edit) if edit in counts else edit
                if key != term and self.df.get(key, 0) > 0:
                    offer(key, 1, slip(word, edit))
        if not costs:
            return "", False
        best = min(costs, key=lambda t: (costs[t][0], -self.df.get(t, 0), t))
        return best, costs[best][1]

    def lengthened(self, word: str) -> str:
        """The most frequent corpus stem of a word one letter longer than the short `word`, its
        first letter the same: the word typed with a letter left out ("grl" for "girl"), or ""."""
        edits = sorted(e for e in one_edit(word) if len(e) == len(word) + 1 and e[:1] == word[:1])
        counts = english_counts()
        keys = [stem(e) if e in counts else e for e in edits]
        found = [(self.df.get(k, 0), k) for k in keys if self.df.get(k, 0) > 0]
        return max(found)[1] if found else ""

    def two_dropped(self, word: str) -> str:
        """The most frequent corpus stem of a word (a corpus term or a common English word) that is
        `word` with two letters put back, its first letter the same: two letters left out, which
        spelling as said often does ("drout" for "drought", "hapend" for "happened"), or ""."""
        if len(word) < MIN_CORRECTABLE + 1 or english_frequency(word) >= NAME_FREQUENCY:
            return ""  # a common English word ("hacks") is no typo of a longer one ("hackers")
        size, first = len(word) + 2, word[:1]
        longer = self._shapes().get((first, size), [])
        english = [w for w in _by_shape().get((first, size), []) if _subsequence(word, w)]
        found = {t for t in longer if _subsequence(word, t)}
        found |= {key for key in map(stem, english) if self.df.get(key, 0) > 0}
        return max(found, key=lambda t: (self.df[t], t)) if found else ""

    def as_said(self, word: str) -> tuple[str, str]:
        """The stem of the word `word` spells as said (`AS_SAID`: "elecshun" for "election"): its most
        frequent corpus stem, else the stem of the most common English word ("anieone": "anyone"),
        with that English word ("" for a corpus stem); ("", "") when no rewriting gives either."""
        if len(word) < MIN_CORRECTABLE or english_frequency(word) >= NAME_FREQUENCY:
            return "", ""
        counts = english_counts()
        found: set[str] = set()
        for typed, written in AS_SAID:
            start = word.find(typed, 1)
            while start > 0:
                found.add(word[:start] + written + word[start + len(typed) :])
                start = word.find(typed, start + 1)
        corpus = [(self.df.get(stem(w), 0), stem(w)) for w in found if self.df.get(stem(w), 0) > 0]
        if corpus:
            return max(corpus)[1], ""
        english = [(counts[w], w) for w in found if counts.get(w, 0) >= COMMON_COUNT]
        return (stem(max(english)[1]), max(english)[1]) if english else ("", "")

    def expand(self, term: str, word: str = "") -> str:
        """The most frequent corpus stem `term` abbreviates ("recon" -> "reconnaiss"), or "".

        With the typed `word`, the stem must also continue the word itself (a plural "s" aside):
        "refereed" stems to "refere", which "referendum" continues, but "refereed" it does not."""
        if len(term) < MIN_CORRECTABLE + 1:
            return ""
        typed = word[:-1] if word.endswith("s") else word
        longer = [
            (n, t)
            for t, n in self.df.items()
            if n > 0 and len(t) > len(term) + 1 and t.startswith(term) and t.startswith(typed)
        ]
        return max(longer)[1] if longer else ""

    def _shapes(self) -> dict[tuple[str, int], list[str]]:
        """The corpus terms by first letter and length, built once."""
        with self._lock:
            if self._by_shape is None:
                self._by_shape = _shaped(t for t, count in self.df.items() if count > 0 and t.isalpha())
            return self._by_shape

    def _spell(self) -> object:
        with self._lock:
            if self._speller is None:
                from symspellpy import SymSpell

                speller = SymSpell(max_dictionary_edit_distance=MAX_EDIT, prefix_length=7)
                for term, count in self.df.items():
                    if count > 0 and term.isalpha() and len(term) >= MIN_CORRECTABLE - 1:
                        speller.create_dictionary_entry(term, count)
                self._speller = speller
            return self._speller


@lru_cache(maxsize=1)
def _english_speller() -> object:
    from symspellpy import SymSpell

    speller = SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
    # Sorted: every word counts 1, so the order decides which of equally close words comes first;
    # a set's order changes with each process's hash seed ("berit" was a typo in one run only).
    for word in sorted(english_words()):
        speller.create_dictionary_entry(word, 1)
    return speller


def english_typo(word: str) -> bool:
    """Whether `word` is one edit away from an English word ("drnk") or joins two ("headwear")."""
    if len(word) < MIN_CORRECTABLE:
        return False
    english = english_words()
    if any(word[:i] in english and word[i:] in english for i in range(3, len(word) - 2)):
        return True
    from symspellpy import Verbosity

    found = _english_speller().lookup(word, Verbosity.TOP, max_edit_distance=1)  # type: ignore[attr-defined]
    return any(s.term[:1] == word[:1] for s in found)


def spelled_out(word: str, texts: list[str]) -> bool:
    """Whether consecutive words of `texts` have `word`'s letters as their initials ("nk" in "North
    Korea", "cfo" in "chief financial officer", "dprk" in "Democratic People's Republic of Korea"):
    an acronym the articles write out in full is something they do mention. Function words inside
    the phrase ("of", "the", "and", "for") may be skipped; case does not matter."""
    return bool(spelled_phrases(word, texts))


def spelled_phrases(word: str, texts: list[str]) -> list[tuple[str, ...]]:
    """The phrases of `texts` (lowercase words, accents folded) whose initials spell `word` (see
    `spelled_out`)."""
    found: list[tuple[str, ...]] = []
    if not (2 <= len(word) <= MAX_ACRONYM) or not word.isalpha():
        return found
    for text in texts:
        tokens = [t for t in re.findall(r"[^\W\d_]+", fold(text).lower()) if t not in ("s",)]
        for i, token in enumerate(tokens):
            if token[:1] != word[0] or token in STOPWORDS:
                continue
            k, j = 1, i + 1
            while k < len(word) and j < len(tokens):
                if tokens[j][:1] == word[k] and tokens[j] not in STOPWORDS:
                    k += 1
                elif tokens[j] not in ACRONYM_GLUE:
                    break
                j += 1
            if k == len(word):
                found.append(tuple(t for t in tokens[i:j] if t not in ACRONYM_GLUE))
    return found


def frame_typo(word: str) -> bool:
    """Whether `word` is a slip of the fingers on a function word ("wich", "teh", "waht"): no focus."""
    frame = STOPWORDS | CONTRACTIONS  # "thars": "thats" typed without its apostrophe, mistyped
    return word not in english_words() and any(w in frame and slip(word, w) for w in one_edit(word))


def acronym(word: str) -> bool:
    """Whether a short word the articles never use reads as an acronym ("nhs", "imf", "wto").

    No vowel ("nhs"), or neither a whole English word of the bundled vocabulary nor in the
    English frequency list ("imf"); chat shorthand and unit abbreviations ("ppl", "km") are not.
    A two-letter word that is English ("un", "us") is not read: too ambiguous typed in lowercase."""
    if len(word) < 2 or not word.isalpha() or word in SHORTHAND or word in CHATTER or word in CONTRACTIONS:
        return False
    return not (VOWELS & set(word)) or (word not in english_words() and not english_counts().get(word))


_KEYS = {
    ch: (row, col + offset) for row, (keys, offset) in enumerate(KEYBOARD) for col, ch in enumerate(keys)
}


def _adjacent_keys(a: str, b: str) -> bool:
    if a not in _KEYS or b not in _KEYS:
        return False
    (r1, c1), (r2, c2) = _KEYS[a], _KEYS[b]
    return (r1 - r2) ** 2 + (c1 - c2) ** 2 <= KEY_DISTANCE**2


def slip(typed: str, meant: str) -> bool:
    """Whether `typed` reads as a slip of the fingers typing `meant`: two letters swapped
    ("trian"), one left out ("drnk"), doubled, or a neighbouring key hit instead or as well
    ("spaceporf"), a vowel for a vowel ("seperate") or a consonant for one that sounds alike
    ("budjet"). A letter added, or replaced by one far
    from it on the keyboard ("messi" for "mess", "salah" for "sarah"), is no slip. Words more than
    one edit apart count as a slip (they are not judged)."""
    if len(typed) == len(meant):
        diff = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        # one letter replaced: by a neighbouring key or a vowel by a vowel ("seperate", spelled as
        # said); two swapped or more: a slip (or not judged)
        if len(diff) != 1:
            return True
        a, b = typed[diff[0]], meant[diff[0]]
        return _adjacent_keys(a, b) or (a in VOWELS and b in VOWELS) or {a, b} in SOUND_ALIKE
    if len(typed) == len(meant) + 1:
        for i, ch in enumerate(typed):
            if typed[:i] + typed[i + 1 :] == meant:
                neighbours = typed[i - 1 : i] + typed[i + 1 : i + 2]
                return any(n == ch or _adjacent_keys(n, ch) for n in neighbours)
    return True


def typo_of_english(term: str, word: str) -> bool:
    """Whether the typed `word`, read as the term `term` (a correction, `read`: "rwopen" as
    "reopen", "hapend" as "happen"), stands for a common English word, not a name: the question
    asks for that word, so no passage must write the typo as a name."""
    if not term or stem(word) == term:
        return False
    count = max(english_counts().get(term, 0), _stem_counts().get(term, 0))  # "separ": "separate"
    return math.log10(1 + count) >= NAME_FREQUENCY


def reads_as_name(word: str) -> bool:
    """Whether a word typed in lowercase reads as a name: web text writes it capitalised ("dmitry",
    "rafael") or it is too rare in English to be a common word ("peskov", "ostbridge"); "lawyer",
    "yesterday", "outgoing" are common words."""
    bare = re.sub(r"['’]s$", "", word).lower()
    return usually_capitalised(bare) or english_frequency(bare) < NAME_FREQUENCY


def usually_capitalised(word: str) -> bool:
    """Whether web text writes `word` capitalised far more often than not: a proper noun typed in
    lowercase ("japan", "australia", "london"), not a common word ("capital", "rain", "bill").

    Read from the merge order of cl100k_base, a byte-pair vocabulary learned on cased web text (it
    loads offline, `rag.tokens`): its token ids rank words by how early, so how frequent, they were
    merged. " Japan" is one token ranked 6,457 and " japan" one ranked 55,229; " Korea" is one token
    and " korea" two. The capitalised form wins when it takes fewer tokens, or one token ranked
    `CASED_RATIO` times earlier. Words both forms split alike ("hamlet") are not judged."""
    from rag.tokens import tokenizer

    encode = tokenizer()
    lower, upper = encode(" " + word.lower()), encode(" " + word[:1].upper() + word[1:].lower())
    if len(upper) != len(lower):
        return len(upper) < len(lower)
    return len(upper) == 1 and upper[0] * CASED_RATIO < lower[0]


def name_like(word: str, near: str, typed: str = "", slipped: bool | None = None) -> bool:
    """Whether `word`, corrected to `near` (a corpus stem or a common English word), is rather a
    name: no whole word of the bundled vocabulary, `typed` (`word` or its stem) no slip of the
    fingers typing `near` (`slip`, or `slipped` when the caller has judged it), and `word` far
    rarer in English (`NAME_RARITY` orders of
    magnitude: "messi" against "mess", "ronaldo" against "ronald")."""
    return (
        bool(near)
        and word not in english_words()
        and not (slip(typed or word, near) if slipped is None else slipped)
        and english_frequency(word) + NAME_RARITY < english_frequency(near)
    )


_VOCABS: dict[int, Vocabulary] = {}
_VOCABS_LOCK = threading.Lock()


def vocabulary(df: Mapping[str, int]) -> Vocabulary:
    """One `Vocabulary` per term-statistics object (one per index version), built once."""
    with _VOCABS_LOCK:
        vocab = _VOCABS.get(id(df))
        if vocab is None or vocab.df is not df:
            if len(_VOCABS) > 4:
                _VOCABS.clear()
            vocab = _VOCABS[id(df)] = Vocabulary(df)
        return vocab


def read(focus: tuple[tuple[str, str], ...], names: tuple[str, ...], vocab: Vocabulary | None) -> Reading:
    """Read the focus words of a question against the corpus vocabulary."""
    kept: list[tuple[str, str]] = []
    corrected: list[tuple[str, str]] = []
    unknown: list[str] = []
    unseen: list[str] = []  # every uncorrectable word the articles never use
    frequency: dict[str, float] = {}  # the English frequency of a typo's English word
    english = english_words()
    for term, word in focus:
        if word in CHATTER or word.replace("'", "").replace("’", "") in CONTRACTIONS or pronoun(word):
            continue  # chat, a contraction, or a pronoun that names nothing ("anything", "mine")
        if CLITIC.sub("", word.replace("’", "'")) in STOPWORDS:
            continue  # "there'd", "they'll": a function word with its clitic, never a name
        if vocab is None or vocab.known(term) or any(ch.isdigit() for ch in word):
            kept.append((term, word))
            continue
        if word not in names and frame_typo(word):
            continue  # "wich": the question's frame, mistyped
        if len(word) < MIN_CORRECTABLE and word not in names:
            if acronym(word) and len(word) == MIN_CORRECTABLE - 1 and (fix := vocab.lengthened(word)):
                corrected.append((word, fix))  # "grl", "lnd": a corpus word with a letter left out
                kept.append((fix, word))
            elif acronym(word):  # "imf", "nhs": a body the articles never mention, however it is typed
                unknown.append(word)
                unseen.append(word)
            continue  # "ppl", "u", "abt": chat shorthand, too short to read as a name
        spelled, slipped = vocab.nearest(term, word)
        fixed = spelled or vocab.expand(term, word)
        english_fix = english_correction(word)
        if not fixed and english_fix:
            # a typo of an English word the articles use, its stem too far from theirs ("congestoin")
            fixed = stem(english_fix) if vocab.known(stem(english_fix)) else ""
        # a name when no correction, of the corpus's or of English, reads as a slip of the fingers
        english_slip = bool(english_fix) and slip(word, english_fix)
        nearest = [(near, ok) for near, ok in ((spelled, slipped), (english_fix, english_slip)) if near]
        if word not in names and nearest and all(name_like(word, near, slipped=ok) for near, ok in nearest):
            unknown.append(word)  # "messi" is no typo of "mess": a name the articles never mention
            unseen.append(word)
        elif fixed and not (word in english and word not in names):
            corrected.append((word, fixed))
            kept.append((fixed, word))
        elif (
            not fixed
            and word in english
            and word not in names
            and word not in CALENDAR  # a month the articles never write may be their date's
            and usually_capitalised(word)
        ):
            unknown.append(word)  # "australia" typed in lowercase: a place the articles never mention
            unseen.append(word)
        elif english_slip and word not in english and word not in names:
            # a slip typing an English word the articles never use ("paoyff", "cloour"): asked as
            # that word, and read as it (`rag.respell` writes it into the question)
            corrected.append((word, stem(english_fix)))
            kept.append((stem(english_fix), word))
            unseen.append(word)
            frequency[word] = english_frequency(english_fix)
        elif (word in english or english_typo(word)) and word not in names:
            kept.append((term, word))  # an English word the articles never use ("colour"): still asked
            unseen.append(word)
        elif word not in names and (said := vocab.as_said(word))[0]:
            corrected.append((word, said[0]))  # "elecshun": "election" spelled as said
            kept.append((said[0], word))
            if said[1]:  # an English word the articles never use
                unseen.append(word)
                frequency[word] = english_frequency(said[1])
        elif word not in names and (fix := vocab.two_dropped(word)):
            corrected.append((word, fix))  # "drout": "drought" with two letters left out
            kept.append((fix, word))
        else:
            unknown.append(word)
            unseen.append(word)
    return Reading(
        focus=tuple(dict(kept).items()),
        corrected=tuple(corrected),
        unknown=tuple(unknown),
        unseen=tuple((w, frequency.get(w, english_frequency(w))) for w in unseen),
    )
