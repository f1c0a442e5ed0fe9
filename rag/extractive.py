"""The extractive answerer: quote the retrieved sentences that answer the question.

It needs no generative model. Candidate sentences come from the retrieved
chunks (never a sentence that is itself a question, such as a teaser headline:
it states nothing); each is scored by cosine similarity to the question (local embedding
model) plus the IDF-weighted share of the question's content words it contains
(irregular past forms brought to their base, so "left" matches "leave"); the
question's frame words ("what day", "what happened") are no evidence, so "six
days" does not answer "what day" by sharing "day".
Sentences two outlets carry almost word for word are merged into one, cited to
every article that has it (`[2][5]`); a sentence is merged into a better one
only when it says nothing the better one does not, and then cited too only when
it is close to a copy (`CITE_COPY_COSINE`): a sentence that says less, worded
apart, is no evidence for what the better one adds.

Reading the question (`analyse`, regular expressions and small general word
lists): the expected answer type ("how many drones" wants a number followed by
"drones", "how long" a duration, "what top speed" a speed with its unit,
"when" a time, "what date" a date, "what day" a weekday, "who"/"which
official" a person, "where"/"which city" a place, "which agency" a name,
"what's his job" a position, "how much ... worth" money); its focus words
(content words that are neither question frame nor the answer's class,
weighted by IDF, so the predicate and rare names count most); its names.
Answer types accept what news uses for them: a "who" answer is a person, a
group of people or an organisation ("the freight company Nordcargo", "two
fishermen"; a body only named as a source, "reported Reuters news agency",
does not count); counts in words ("By eleven publishers."); ages as
"71-year-old", "aged 71", "at 15 months" or "Halloran, 44,"; money in any
currency, by name or ISO code; a duration by its start ("how long has she been
in charge": "since January 2023"); a count by a word near in meaning to the
counted one right after the number ("how many houses": "120 homes", word
vectors, `counted_alike`). An adjective after "what" asks for no measure ("the
old record" is no "how old"). A function word with a clitic ("there'd",
"they'll") is no focus. Focus words inside an English frame
construction ("supposed to go", "keep seeing", "in the news", "and stuff",
"i want to know") are never missing, and a verb is stated by its agent noun
("directed" by "director"). The lead's focus coverage also counts a
continuation that goes on about its subject by a pronoun ("... was sacked."
"She was replaced by ...": `_lead_block`).

Selection. Among the sentences scoring close to the best, the lead is one that
carries the expected answer type (when any does), preferring those that state
more of the focus and say more beyond the question (`new_information`: a
sentence that only restates the question rarely answers it; weight fitted on
the calibration sets' sentence-level labels). A lead from a look-alike article gives way to the best
candidate of an article that states clearly more of the question's telling words, by title and
retrieved passages (IDF times rarity in English; a year asked counts for the article dated in it:
"estova turnout?" is not the Kestria election's turnout, `rag.pickart`). A sentence of the lead's
own article clearly closer to the relation asked (the question without the words its title states)
then leads instead, the lead it replaced right after it (`rag.leadpick`: "It cost 1.6 billion
crowns." over a headline that only names the topic). A lead that leans on a pronoun ("..., he said.") is
preceded by the sentence before it. The lead is continued by the sentences
that directly follow it in its article while they stay on its subject
(articles spread one list over consecutive sentences: "... also offered ...");
a lead that is its article's headline, by the article's opening sentence
(past the dateline), which states in full what the headline sums up.
A why/how question ("why is valcor moving the cracker lines", "how were the thieves caught") also
quotes, right after the lead's block and in a place of its own, the sentence of the lead's article
that states a cause, purpose or means ("... because ...", "traced ... through ..."), or the
paragraph under a heading restating the question ("Why it took so long."), which never leads
itself (`rag.explain`).
Then come sentences of a still-missing answer type, then further sentences
scoring close to the lead that say something new, up to `MAX_SENTENCES` (one
from an article no chosen sentence cites costs a citation, so it must also state
something asked that no chosen one states: the answer type, or a focus word,
"which had higher turnout, Estova or Marrenia"; on the calibration sets about
half of those further sentences cited an article that does not state the
answer); a
slot still free takes the best further sentence of the lead's own article
(`SAME_ARTICLE_RATIO` of the lead: a lead often restates the question while
the answer is a sentence further on, "It expected to restore power by
Wednesday."; it adds no citation). The refusal checks read that choice; the
answer then quotes, in the places still free, the next best-scoring sentences
of the articles it already cites (`_fill`: no new citation). Last, a sentence of the lead's article
that states the focus words the lead leaves unstated (literally or by a near word: "No deaths or
serious injuries were reported." for "was anyone killed by fenna") takes a free place, or the place
of a quoted sentence of that article, carrying no asked answer type, that states less of them
(`rag.samesent`; the refusal checks never read it).

Refusal, with the closest passages listed as related by the engine, follows the
policy in `rag/policy.json` (`rag.policy`), which `evals/calibrate.py --write`
chooses by driving the real engine on the calibration question sets: the best
score is below `min_score` (off topic); the question names something the
articles never mention (`rag.question`), or a word the articles never use
that is rarer in English than `min_unseen_frequency` (log10 count in symspellpy's
English list: "messi", which reads as a typo of "mess", has none), or whose specific content words the
corpus covers less than `min_corpus_coverage` (`rag.coverage`: used, or near a word of the retrieved
passages; "who wrote hamlet": "The articles never mention “hamlet”."); under `refuse_small_talk` a
question with no content addressed to the assistant ("how are you today") is refused as such, before
any other check; the answer or the passages it quotes
lack the question's names and numbers ("2019", "berit"; numbers read as values
and English words by their parts, `rag.mentions`: "2,000" is "2000", "31st" is 31,
"Q2" the "second quarter", "untimely" no name); no chosen sentence
carries the expected answer type (a "how many" count also by a lead that
restates the whole question with a new number, "About 140 people lost their
jobs.", `rag.paraphrase`); or the lead states less than
`min_focus_coverage` of the focus, literally or by a near synonym (word
embeddings), unless a sentence the answer quotes from the lead's article
states all of it (`rag.paraphrase.whole_focus`). Reasons use the question's
own words, never its chit-chat: "The articles mention “vest” but say nothing about “colour”." Every feature is
computed on each answer (`recording` collects them for calibration); nothing is
tuned at run time. Two further checks read meaning rather than coverage: the
kind of thing asked for ("what colour", "which model") must be stated by a
chosen sentence, literally or by a word whose vector is near it ("white" for
"colour"), else "The articles mention the bulletproof vest but do not say what
colour."; and a year, month, model code or numbered name of the question that
the lead replaces by another ("the 2019 final" against a 2021 lead, "band 3"
against "Band 2") refuses with "The closest passages are about “2021”, not
“2019”." (a season "2023-24" is either year; a lead whose article is published
in the year asked, or titled with it, may recall another year). Both also steer
the choice of the lead before they refuse, as does a third: "what did X
say/tell/think" needs a chosen sentence that reports X's words (a reporting
verb, "said", "according to", "told", or a colon opening a quote, with X or a
word near it in meaning, "South Korea" for "Seoul", just before it, asides such
as ", whose party ...," skipped; or after an inverted "said", its apposition
included: "said Dr. Murat Celik, a seismologist"), else "The articles do not report what
“the supreme court” said about this." A mention of X is not speech by X.
A who/which question asks for a role ("who designed", "which architects"): with
`require_role`, some retrieved sentence must state it, literally, by a derived or a
near word (`rag.role`), else "The articles mention chandler's bridge but do not say
who designed it."; `require_role_filled` (off: it cost more answers than it saved)
also wants the lead's entity next to it, and then prefers a lead that has it.
A "how much / how many" answer must be the quantity asked (`rag.quantity`: the number's clause,
rate, payer and receiver against the question's words): a lead whose number fits is preferred, a
number that does not fit never opens the answer, and under `min_quantity_fit` the reader refuses
("The articles mention “drivers” but give no figure for “per hour”."; a count of the noun with
another qualifier: "The articles give a number of juvenile mussels, not of adult ones."). "Several"
or "few" is no count. Under `require_measure`, a "how much is / how tall / how big / how old"
question needs a chosen sentence stating a figure of the measure asked (a price, a length, a size; a
year, a clock time or a count of tickets is none) in a clause naming the thing measured, an age not
given after another person's name (`rag.quantity.asked_measure`), else "The articles mention
“mancini” but give no price for it." A yes/no or "who won" question
whose event the lead states only as planned ("the union would call a longer
strike", `rag.modality`) is never settled "Yes." by it, and under
`refuse_unrealised` is refused with the article's clause, quoted: "The articles say
“...”, but do not report whether it happened." Under `refuse_unrealised_residue` the same check also
reads the sentence of the lead's article that the answer would quote for the focus the lead leaves
unstated (`rag.samesent`): "has the wendle flood wall been finished" over a lead that only announces
the wall, whose article goes on "Building ... should be finished by the end of 2026". A question
that asks an attribute of a thing it names ("which party is tove lien from", "who is aeroserv's boss", "the
capital of qadira", `rag.attribute`) needs a chosen sentence stating that slot next
to the thing; under `require_attribute`, else "The articles mention “tove lien” but
do not say which party." A "which NOUN" / "what kind of NOUN" question whose chosen sentences
mention the noun only bare ("sentenced to six years in prison", "their van", `rag.identify`) is
refused under `require_identified`: "The articles mention “prison” but do not say which prison."
A request for a name ("what's the name of the nurse", "what were the ghost employees called",
`rag.identify.asked_name`) is read the same way under `require_named`: "The articles mention
“nurse” but do not say the name."
A yes/no or "how" question that asks the attitude or reaction of a holder ("how did dairy
farmers react", "did passengers like the fare cap", "were fans happy with ...": the word after its
subject near an attitude prototype by word vectors, `rag.opinion`) needs, under `require_opinion`,
a chosen sentence in which that holder (or a word near it) reports words (as the speech check reads
them) or does what is asked ("Residents of Kalvø voted against ..."), else "The articles do not
report how “dairy farmers” reacted."

Answer first (`rag.compose`): a number/date/duration question opens with its
short fact, a who/where/which question with the entity span of the lead
(`short_span` gives its offsets in that sentence, for highlighting), and a
yes/no question with "Yes." or "No." when the lead states the question's focus
and names (a negation near a focus word the question lacks answers "No.").
A count question whose lead's article lists the counted items in one sentence opens with
their sum ("In total: six drones.", `rag.compose.count_total`; `short_marks` holds what to
highlight: the short fact, or each addend).
A list question ("what gifts", "which marshals", "gifts?", "who were ...": a
plural class noun or plural agreement; or, read from the answer, a lead that
lists several items of the asked kind: names joined by "and" for "who went
with him", a comma list of three or more for "what did they talk about",
unless the question is singular, "who is", "which official") gathers the best
sentence of every further article that states the list's subject, up to
`MAX_LIST_SENTENCES`, near-copies merged, and opens with no single name.

It deliberately does not parse syntax (so a question whose rare verb is
missing but whose other focus words are present, "What did Kim wear at the
summit?", can still get an off-target answer), resolve coreference beyond the
one preceding sentence, infer an answer from several sentences (a date from
"today" and the publication date is accepted as evidence, not written out),
rewrite or shorten sentences, or know anything beyond the small general word
lists below. It does not retrieve, verify citations or number sources
(`rag.engine` does).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from numpy.typing import NDArray

from rag import attribute as attributes
from rag import coverage as coverages
from rag import dateline as datelines
from rag import explain as explaining
from rag import (
    identify,
    interview,
    leadpick,
    mentions,
    modality,
    paraphrase,
    pickart,
    quantity,
    samesent,
    standing,
    timeframe,
    timetaken,
    wordvec,
)
from rag import opinion as opinions
from rag import policy as policies
from rag import role as roles
from rag import verdict as verdicts
from rag.asking import found_terms, ordinary_word, preamble_terms
from rag.asking import split as split_ask
from rag.chatter import chat_terms, personal_numbers
from rag.compose import (
    SHORT_TYPES,
    Total,
    class_phrase,
    count_total,
    format_entity,
    format_short,
    identity_phrase,
    person_phrase,
    place_phrase,
    short_phrase,
)
from rag.question import (
    CHATTER,
    CLITIC,
    CONTRACTIONS,
    MAX_ACRONYM,
    Reading,
    english_frequency,
    english_words,
    read,
    reads_as_name,
    spelled_out,
    spelled_phrases,
    strip_chatter,
    typo_of_english,
    usually_capitalised,
    vocabulary,
)
from rag.retrieve import Passage, Retrieval
from rag.sentences import (
    CALENDAR,
    DETERMINERS,
    DO_AUXILIARIES,
    MONTHS,
    NEGATION,
    NUMBER_VALUES,
    PRONOUNS,
    SCALE_WORDS,
    STOPWORDS,
    WEEKDAYS,
    WH_WORDS,
    YEAR,
    Span,
    base_form,
    base_terms,
    quotable,
    split_sentences,
    stem,
    words,
)
from rag.sentences import IRREGULAR_VERBS as IRREGULAR_PAST

Embed = Callable[[list[str]], list[list[float]]]
# Calibration records every `Extract` the engine produces in its context (`recording`).
_recorder: contextvars.ContextVar[list[Extract] | None] = contextvars.ContextVar("rag_extracts", default=None)

# Scoring
W_COSINE = 0.6
W_LEXICAL = 0.4
# Selection
MAX_SENTENCES = 3
KEEP_RATIO = 0.85  # a further sentence must score at least this share of the lead
LEAD_RATIO = 0.6  # a sentence may lead when it scores this share of the best
W_LEAD_FOCUS = 0.2  # weight of focus coverage when choosing the lead
W_LEAD_NEW = 0.05  # ... and of what it says beyond the question (log of the IDF mass of its new words)
CONTINUE_COSINE = 0.5  # the next sentence of a chosen one continues it when this similar to it
CONTINUE_CUE_COSINE = 0.35  # ... or this similar when it signals continuation ("also", "He ...")
MAX_CONTINUATIONS = 2
HEADLINE_LEDE = True  # a headline lead is continued by its article's opening sentence
HEADLINE_GAP = 80  # characters between a headline and that sentence (a dateline)
LEAD_BLOCK = frozenset({"lead", "before", "displaced", "continuation"})  # roles an explanation follows
REPLACEABLE = frozenset({"same_article", "fill"})  # quoted roles `rag.samesent` may replace (lead's article)
SAME_ARTICLE_RATIO = 0.6  # one more sentence of the lead's article when it scores this share of the lead
FILL_POOL = 20  # best-scoring candidates that may fill an answer place still free (`_fill`)
NOVELTY_MIN = 0.3  # IDF share of a further sentence's terms that no chosen sentence has
REDUNDANT_COSINE = 0.8  # a further sentence this close to a chosen one adds nothing
DUPLICATE_COSINE = 0.9  # two outlets' copies of one wire sentence
CITE_COPY_COSINE = 0.8  # a merged copy is cited too only when this close to the quoted one (it says the same)
DUPLICATE_CONTAINMENT = 0.8  # share of a sentence's content words a better-scoring one has
MIN_SENTENCE_WORDS = 4
# "several", "few": no count a "how many" question is answered with ("a few damaged houses")
VAGUE_COUNTS = frozenset({"several", "few"})
COUNT_WINDOW = 3  # "how many drones": a number at most this many words before "drones"
LEAD_POOL = 8  # candidates (close to the best) the lead is chosen from
SPECIFIC_IDF = 2.0  # a focus word this rare in the corpus (in at most ~13% of chunks) is specific
SHORT_MIN_COVERAGE = 0.5  # focus coverage the lead needs for its fact to open the answer
RELATION_WEIGHT = 100.0  # a clause stating the question's verb holds the fact asked, whatever else
PAST_FORM = re.compile(r"..ed$")  # "reopened", "landed": a past form in a sentence (not "red", "bed")
SOFT_MATCH_COSINE = 0.6  # a focus word matches a differently-worded evidence word this similar
YESNO_MIN_COVERAGE = 0.75  # focus share a sentence must state to settle a yes/no question
NEGATION_WINDOW = 4  # words between a negation and a focus word it negates
MAX_LIST_SENTENCES = 5  # a list question gathers up to this many sentences, one article at a time
LIST_RATIO = 0.75  # ... each scoring at least this share of the lead
# Refusal: the thresholds are data, `rag/policy.json`, written by `evals/calibrate.py` (rag.policy).

# Words that frame a question rather than say what it is about.
QUESTION_FRAME = frozenset(
    "kind type sort number many much long date time day week year month people person happen happened "
    "take make give describe detail details role name names called call according might may must "
    "previously already next else back likely ever still just even yet whether regarding rather usually "
    "really exactly actually last".split()
)
# Frame words that are no evidence when a sentence shares them ("what day": "six days" does not answer).
FRAME_ONLY = QUESTION_FRAME | WH_WORDS
AUXILIARIES = frozenset(
    "is are was were be been do does did has have had will would can could shall should may might must "
    "'s".split()
)
# Answer classes: the noun after "which"/"what" that names the kind of answer wanted.
PERSON_NOUNS = frozenset(
    "official officials minister ministers leader leaders person people officer officers spokesman "
    "secretary director ambassador chairwoman deputy vice "
    "spokeswoman spokesperson governor president admiral general marshal marshals analyst analysts "
    "diplomat diplomats envoy chairman chief commander head member members author writer man woman "
    "politician delegate king queen".split()
)
# "How many people": counted by these plain words for persons too, not by a role ("two officials"
# of a delegation are not its size).
PEOPLE = frozenset("people persons men women children adults".split())
PEOPLE_STEMS = frozenset(stem(w) for w in PEOPLE)
PLACE_NOUNS = frozenset(
    "city town village country place station river region port venue site location base plant factory "
    "province island capital area airport airfield spaceport border".split()
)
ORG_NOUNS = frozenset(
    "agency newspaper outlet company organisation organization party broadcaster network group ministry "
    "department channel".split()
)
# A "who" answer in news is a person, a group of people or an organisation ("the freight company
# Nordcargo", "two fishermen", "Residents of the zone"): general English nouns for groups and bodies.
GROUP_NOUNS = frozenset(
    "residents citizens voters workers employees staff passengers drivers fishermen farmers students "
    "pupils teachers parents patients victims survivors tourists visitors fans players families pensioners "
    "protesters demonstrators villagers locals customers shoppers users owners tenants crew crews troops "
    "soldiers police firefighters rescuers volunteers doctors nurses researchers scientists experts "
    "investors shareholders bidders buyers suppliers lawmakers councillors councilors judges jury "
    "prosecutors lawyers officials authorities".split()
)
BODY_NOUNS = ORG_NOUNS | frozenset(
    "firm operator authority association union council court committee government club team federation "
    "board commission regulator trust charity foundation bank insurer developer contractor "
    "carrier airline manufacturer maker retailer supplier trader university hospital school "
    "police army navy".split()
)
# Measures and the kind of quantity that answers them ("what top speed" wants km/h, not kilometres).
MEASURES = {
    **dict.fromkeys("far distance range length height tall deep depth wide width".split(), "distance"),
    **dict.fromkeys("fast speed".split(), "speed"),
    **dict.fromkeys("heavy weight".split(), "weight"),
    **dict.fromkeys("percentage proportion".split(), "percent"),
    **dict.fromkeys("old age".split(), "age"),
    **dict.fromkeys(
        "big large high low size amount population capacity often share number".split(), "amount"
    ),
}
# Measures that are adjectives: they ask for a quantity after "how" only ("how old", not "the old record").
MEASURE_ADJECTIVES = frozenset("far long tall deep wide fast heavy old big large high low often".split())
ROLE_NOUNS = frozenset("job position role title post occupation profession rank".split())
MONEY_WORDS = frozenset("cost costs worth price pay paid spend spent value valued money budget".split())
WEEKDAY_NAMES = "|".join(WEEKDAYS)  # as regular-expression alternatives
MONTH_NAMES = "|".join(MONTHS)

# Answer types
COUNT, MONEY, DURATION, TIME, DATE, WEEKDAY = "count", "money", "duration", "time", "date", "weekday"
DATED_TYPES = frozenset({TIME, DATE, WEEKDAY})  # a "when" answer quotes a weekday with its dateline
PERSON, ROLE, PLACE, NAME = "person", "role", "place", "name"
AMOUNT, DISTANCE, SPEED, WEIGHT, PERCENT, AGE = "amount", "distance", "speed", "weight", "percent", "age"

CONTEXT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")  # context words rag.followup appends
# counts as news writes them in words ("eleven publishers", "Fourteen of its 22 wagons")
NUMBER_WORDS = "|".join(
    [*list(NUMBER_VALUES)[1:], *(f"{w}s?" for w in SCALE_WORDS), "tens", "half", "several", "few"]
)
NUMBER = re.compile(rf"\b(\d[\d,.]*|{NUMBER_WORDS})\b", re.I)
# a length of time; "two years ago" is a point in time, no answer to "how long"
DURATION_RE = re.compile(
    rf"\b(\d[\d,.]*|{NUMBER_WORDS}|a|an|many)[\s-]+(seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b(?!\s+ago\b)"
    r"|\b(overnight|hour-long|day-long|week-long)\b",
    re.I,
)
# The duration a short answer quotes whole: "two and a half hours", "three days, 14 hours and 22
# minutes", "about an hour" (`DURATION_RE` finds where one is; this reads all of it)
DURATION_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
DURATION_AMOUNT = rf"(?:\d[\d,.]*|{NUMBER_WORDS}|a|an)(?: and a half)?[\s-]+{DURATION_UNIT}\b"
DURATION_PHRASE = re.compile(
    rf"\b(?:(?:about|around|nearly|almost|roughly|over|under|more than|less than) )?{DURATION_AMOUNT}"
    rf"(?:(?:,| and|, and) {DURATION_AMOUNT}){{0,2}}(?!\s+ago\b)"
    r"|\b(overnight|hour-long|day-long|week-long)\b",
    re.I,
)
# "how long has she been in charge": "since January 2023" gives the length by its start
SINCE_RE = re.compile(
    rf"\bsince (?:(?:early|late|mid)[\s-])?((?:{MONTH_NAMES})(?: \d{{1,2}})?(?:,? (?:19|20)\d\d)?"
    r"|(?:19|20)\d\d)\b"
)
NUM = rf"(\d[\d,.]*|{NUMBER_WORDS})"
UNITS = {
    DISTANCE: r"km|kilomet(re|er)s?|miles?|met(re|er)s?|m|feet|foot|ft|yards?|inch(es)?|cm|mm",
    SPEED: r"km/h|kph|mph|knots?|(kilomet(re|er)s?|miles?) (per|an|a) hour",
    WEIGHT: r"kg|kilo(gram)?s?|tonnes?|tons?|pounds?|lbs?",
    PERCENT: r"%|per ?cent|percent",
}
QUANTITY_RE = {  # a number with a unit of the kind asked for
    **{kind: re.compile(rf"\b{NUM}[\s-]*({unit})(?![\w])", re.I) for kind, unit in UNITS.items()},
    AGE: re.compile(  # "71-year-old", "aged 71", "at the age of 71", "at 15 months" (a baby's age)
        rf"\b{NUM}[\s-]+(years?|months?|weeks?)[\s-]+old\b|\baged? {NUM}\b|\bage of {NUM}\b"
        rf"|\b(at|from|by|under|over|until) {NUM} (years|months|weeks)\b"
        r"|\b[a-z]+, (\d{1,2}|1[01]\d),",  # news gives an age after the name: "Halloran, 44, thanked"
        re.I,
    ),
    AMOUNT: re.compile(rf"\b\d[\d,.]*|\b{NUM}\s+\w+|\b(hundreds|thousands|millions|billions) of\b", re.I),
}
# Currencies by name or ISO code: money "in any currency" ("300 million crowns", "SEK 300", "4,000 pesos")
CURRENCIES = (
    r"dollars?|usd|roubles?|rubles?|euros?|eur|yuan|renminbi|pounds?|sterling|gbp|won|francs?|chf|yen|"
    r"rupees?|rupiah|krona|kronor|krone|kroner|crowns?|sek|nok|dkk|isk|pesos?|rand|lira|liras|dinars?|"
    r"dirhams?|riyals?|shekels?|zloty|zlotys|forint|koruna|baht|ringgit|naira|cedis?|shillings?|pence|"
    r"cents?|hryvnias?|lei|tenge|rials?|taka|kyat|dong|reais|bitcoins?"
)
SCALE = r"thousand|million|billion|trillion|bn|m|k"
MONEY_RE = re.compile(
    rf"[$€£¥₹₩₽]\s?\d|\b\d[\d,.]*\s*(({SCALE})\s+)?(?-i:[A-Z][a-z]+\s+){{0,2}}({CURRENCIES})\b"
    rf"|\b(usd|eur|gbp|sek|nok|dkk|chf|isk)\s?\d|\b({NUMBER_WORDS})\s+({SCALE})\s+({CURRENCIES})\b"
    rf"|\b(millions?|billions?) of ({CURRENCIES})\b",
    re.I,
)
MONEY_AMOUNT = re.compile(
    rf"[$€£¥₹₩₽]\s?\d[\d,.]*(\s*({SCALE})\b)?"
    rf"|\b(\d[\d,.]*\s*(({SCALE})\s+)?|({NUMBER_WORDS})\s+({SCALE})\s+)({CURRENCIES})\b",
    re.I,
)
AMOUNT_ANSWER = re.compile(rf"{MONEY_AMOUNT.pattern}|\b\d[\d,.]*\s*(%|per ?cent|percent)", re.I)
# A year before 1900 is read as a time only after a preposition ("painted in 1662"; "1500" alone may
# be a count)
OLD_YEAR = r"\b(?:in|since|from|until|by|before|after) 1[0-8]\d\d\b"
TIME_ANSWER = re.compile(
    rf"\b((on|last|next|this|early|late|in) )?({WEEKDAY_NAMES})"
    rf"( (morning|afternoon|evening|night))?\b|\b(on |since )?({MONTH_NAMES}) \d{{1,2}}(,? (19|20)\d\d)?\b"
    rf"|\b(on |since )?\d{{1,2}} ({MONTH_NAMES})(,? (19|20)\d\d)?\b"
    rf"|\b(in |since )?(({MONTH_NAMES}) )?(19|20)\d\d\b"
    # "in February" (a month alone needs its preposition: a bare "may" is a verb)
    rf"|\b(in|since|by|until|early|late|last|next) ({MONTH_NAMES})\b"
    rf"|{OLD_YEAR}",
    re.I,
)
WEEKDAY_RE = re.compile(rf"\b({WEEKDAY_NAMES})\b", re.I)
DATE_RE = re.compile(
    rf"\b({MONTH_NAMES}|"
    r"(19|20)\d\d|\d{1,2}/\d{1,2}(/\d{2,4})?)\b",
    re.I,
)
TIME_RE = re.compile(
    rf"{WEEKDAY_RE.pattern}|{DATE_RE.pattern}"
    r"|\b(today|yesterday|tomorrow|tonight|morning|afternoon|evening|overnight|\d{1,2}:\d\d|"
    r"(last|next|this|that|coming|past|previous|first|opening|final|early|late) "
    r"(days?|weeks?|months?|years?|weekend)|"
    r"(within|in|after|for) (a|the|two|three|few|several|\d+) (few )?(days?|weeks?|months?|years?)|ago)\b"
    rf"|{OLD_YEAR}",
    re.I,
)
NUMBER_UNIT = re.compile(r"(\d+)([a-z]{1,3})")  # a number typed with its unit: "512gb", "5km"
ASKED_MONTH = re.compile(rf"\b(in|since|by|until|of|last|next|this) ({MONTH_NAMES})\b")
RELATIVE_DAY = re.compile(r"\b(today|yesterday|tonight|this (morning|afternoon|evening))\b", re.I)
NAME_SEQ = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
# Where a wh-word starts a question clause (not "was with him when he did that").
WH_AT = r"(?:^|[,;:]\s*|\b(?:and|or|but|since|until|till|from|on|in|at|by|for|to|of|with|after|before)\s+)"
WHEN_Q = re.compile(rf"{WH_AT}(when\b|what time\b|(what|which) (year|month)\b|how long ago\b)", re.I)
DATE_Q = re.compile(rf"{WH_AT}(what|which) date\b", re.I)
WEEKDAY_Q = re.compile(rf"{WH_AT}(what|which) day\b", re.I)
WHO_Q = re.compile(rf"{WH_AT}(who|whom|whose)\b", re.I)
WHERE_Q = re.compile(rf"{WH_AT}where\b", re.I)
HOW_MANY_Q = re.compile(rf"{WH_AT}how many\b", re.I)
HOW_MUCH_Q = re.compile(rf"{WH_AT}how much\b", re.I)
HOW_LONG_Q = re.compile(rf"{WH_AT}how long\b(?! ago)", re.I)
HOW_ADJ_Q = re.compile(rf"{WH_AT}how ({'|'.join(MEASURES)})\b", re.I)
# "who is dmitry peskov": asks who a named person is (no determiner: "who is the ceo" asks a role)
IDENTITY_Q = re.compile(
    r"^\s*who\s*(?:is|was|'s|’s)\s+(?!(?:the|a|an|his|her|their|its|that|this|it|he|she)\b)"
    r"([\w.'’ -]+?)[\s?!.]*$",
    re.I,
)
IRREGULAR_FORMS = frozenset(IRREGULAR_PAST)  # verb forms a role phrase does not run over ("met")
WHICH_Q = re.compile(rf"{WH_AT}(which|what)\b", re.I)
COPULA = re.compile(r"\s*(is|are|was|were)\s+((the|a|an|his|her|its|their|this|that)\s+)?")
# English constructions whose words frame a question rather than say what it asks about.
FRAME_CONSTRUCTION = re.compile(
    r"\b(?:supposed|meant|going|due|about) to(?: (?:go|be|get|come|do|have|happen))?\b"
    r"|\b(?:keep|keeps|kept) (?:seeing|hearing|reading)\b|\b(?:in|on) the news\b|\bin charge\b"
    r"|\b(?:and|or) (?:stuff|things|something|whatever|so on)\b|\blike with\b"
    r"|\b(?:want|wanted|need|needed|like|trying|try) to (?:know|find out|understand|ask|check)\b"
)
AGENT_SUFFIXES = frozenset({"er", "or"})  # "direct" -> "director" (stems: "directed" is "direct")
ATTRIBUTION_WINDOW = 3  # words between a body ("agency") and a reporting verb that makes it a source
ATTRIBUTION = re.compile(r"\b(reported|reports|reporting|cited|citing|quoting)\b")
MAX_CLASS_PHRASE = 4  # words after "which"/"what" searched for the answer's class noun
CONTINUATION_CUE = re.compile(
    r"\b(also|too|as well|in addition|additionally|besides|moreover|furthermore)\b"
    r"|^[\"'“‘(]*(he|she|it|they|his|her|its|their|this|these|those|the same)\b",
    re.I,
)
PRONOUN_REFERENCE = re.compile(
    r"^[\"'“‘(]*(he|she|they|it|his|her|their)\b|[,\"”]\s*(he|she|they) (said|says|added|told)\b", re.I
)
LEADING_PRONOUN = re.compile(r"[\"'“‘(]*(he|she|they|it|his|her|their|its)\b", re.I)
YESNO_OPENER = re.compile(
    r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|isn't|wasn't|didn't)\b"
)
# Plural agreement after the wh-word, wherever the question clause starts ("ok so who were ...")
LIST_Q = re.compile(rf"{WH_AT}(who|which|what) (were|are)\b(?! the (first|last|main))|\b(list|all the)\b")
HEDGE = re.compile(r"\b(whether|unclear|not clear|uncertain|may|might|could|if|reportedly)\b", re.I)
NAME_ASKED = re.compile(r"\b(names?|called)\b", re.I)
# "what did the supreme court say about ...": the answer is speech that the named speaker reported
SPEECH_Q = re.compile(
    rf"{WH_AT}(?:what|how) (?:did|does|do|has|have|had|will|would) (?P<who>[\w' -]+?) "
    r"(?:say|tell|think|comment|claim|write|reply|respond)\b"
)
SPEAKER_END = re.compile(r"\s(?:in|of|at|from|for|on|about|after|before|during|to)\s.*$")
# A reporting verb or phrase: how news writing attributes speech (general English, not corpus words)
REPORTING = re.compile(
    r"\b(?:says|said|say|tells?|told|stated|states|added|adds|warned|warns|noted|claim(?:s|ed)|"
    r"described|called|calls|urged|urges|announced|insisted|argued|argues|wr[io]te|writes|comment(?:s|ed)|"
    r"remarked|explained|according to|quoted|believes?|thinks?|thought|feels?|felt|accused|praised|"
    r"critici[sz]ed|welcomed|vowed|promised|pledged|denied|confirmed|admitted|acknowledged|declared|"
    r"stressed|emphasi[sz]ed|replied|responded|predicted|hailed|condemned|dismissed|rejected)\b",
    re.I,
)
INVERTED = re.compile(r"said|says|according to|added|wrote|asked", re.I)  # "..., said Dmitry Peskov"
# ", whose party will lead the opposition," ", 58,": an aside between a speaker and the verb
ASIDE = re.compile(r",\s*(?:who|whose|which|\d+)\b[^,]*,")
SPEAKER_BEFORE = 12  # words from a speaker to its verb ("Lepp conceded in a short speech and said")
SPEAKER_AFTER = 4  # ... from an inverted verb to its speaker ("said Kremlin spokesperson Dmitry Peskov")
PRONOUN_SPEAKER = frozenset({"he", "she", "they"})
# "Brandvik: "Our two seas ..."": a speaker, a colon and an opening quote report the words quoted
COLON_QUOTE = re.compile(r":\s*[\"“]")
# "said Dr. Murat Celik, a seismologist at ...": the apposition after an inverted verb's speaker
# names the speaker too
APPOSITION = re.compile(r"^[^,;:]*,\s*(?:a|an|the)\s+[^,.;:]*")

REFUSAL_NO_EVIDENCE = "The articles do not seem to answer this question."
REFUSAL_NO_NAMES = "The retrieved passages do not mention {names}."
REFUSAL_NO_TYPE = "The closest passages do not state {what}."
REFUSAL_NO_FOCUS = "The closest passages say nothing about {focus}."
REFUSAL_UNKNOWN = "The articles never mention {names}."
REFUSAL_NO_ESSENTIAL = "The passages about {topic} do not mention {names}."
REFUSAL_MENTION_NOT = "The articles mention {present} but say nothing about {missing}."
REFUSAL_NOT_STATED = "The articles mention {present} but do not say {what}."
REFUSAL_CONTRADICTED = "The closest passages are about {stated}, not {asked}."
REFUSAL_NOT_REPORTED = "The articles do not report what {speaker} said about this."
REFUSAL_NO_QUANTITY = "The articles mention {present} but give no figure for {missing}."  # `rag.quantity`
# `quantity.other_qualifier`: "how many adult mussels" against "23 juvenile mussels"
REFUSAL_OTHER_COUNT = "The articles give a number of {other}, not of {asked} ones."
REFUSAL_NO_MEASURE = "The articles mention {present} but give no {what} for it."  # `quantity.asked_measure`
REFUSAL_NO_MEASURE_BARE = "The closest passages give no {what}."
REFUSAL_ROLE = "The articles mention {present} but do not say {what}."  # "who designed it"
REFUSAL_ROLE_BARE = "The closest passages do not say {what}."
# the plan is the article's clause, quoted as written: it may open a sentence ("Plans to close ...")
# or lack the subject a coordination shares ("..., and called on the government to ...")
REFUSAL_UNREALISED = "The articles say “{plan}”, but do not report whether it happened."
REFUSAL_UNREALISED_WH = "The articles say “{plan}”, but do not report the outcome."  # "what did X find"
REFUSAL_ATTRIBUTE = "The articles mention {owner} but do not say {what}."  # `rag.attribute`
REFUSAL_UNIDENTIFIED = "The articles mention {noun} but do not say {what}."  # `rag.identify`: "which prison"
REFUSAL_OTHER_TIME = "The articles report this for {stated}, not for {asked}."  # `rag.timeframe`
REFUSAL_NO_REACTION = "The articles do not report how {holder} {verb}."  # `rag.opinion`
REACTION_WORDS = {"vote": "voted", "feel": "felt", "": "reacted"}  # the asked word's stem -> the reason's
REFUSAL_SMALL_TALK = "There is no question about the articles here: ask about something they report."
# `rag.asking`: the share of a preamble's focus words the answer's articles must exceed for its names
# and numbers to count when another retrieved article states them
PREAMBLE_ARTICLE_SHARE = 0.5
MAX_REASON_WORDS = 2  # missing names or focus words quoted in a refusal
TYPE_PHRASES = {  # "The closest passages do not state ..."
    COUNT: "how many",
    AMOUNT: "the quantity asked for",
    DISTANCE: "a distance",
    SPEED: "a speed",
    WEIGHT: "a weight",
    PERCENT: "a percentage",
    AGE: "an age",
    ROLE: "a position or title",
    MONEY: "an amount of money",
    DURATION: "how long",
    TIME: "when",
    DATE: "a date",
    WEEKDAY: "the day",
    PERSON: "who",
    PLACE: "where",
    NAME: "a name",
}


@dataclass
class Candidate:
    span: Span  # offsets into the article's cleaned text
    passage: Passage
    score: float = 0.0
    cosine: float = 0.0
    lexical: float = 0.0
    terms: set[str] = field(default_factory=set)
    vector: list[float] = field(default_factory=list)
    unit: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # the vector, normalised
    also_in: list[Candidate] = field(default_factory=list)  # near-duplicates in other articles
    types: set[str] = field(default_factory=set)  # expected answer types it carries
    coverage: float = 1.0  # share of the question's focus it states
    asked: str = ""  # the question an interview printed just before it (`rag.interview`)
    role: str = ""  # why chosen: lead, before, continuation, type, further, same_article, list, fill, residue


@dataclass(frozen=True)
class Question:
    """What a question asks, read with regular expressions and small word lists."""

    text: str  # the question itself, without context words a follow-up rewrite appended
    types: tuple[str, ...] = ()  # expected answer types, all wanted
    counted: str = ""  # stems of the noun phrase "how many" counts, space-separated ("" for any number)
    counted_alike: frozenset[str] = frozenset()  # stems the passages count it by ("homes" for "houses")
    focus: tuple[tuple[str, str], ...] = ()  # (stem, word) of focus words
    names: tuple[str, ...] = ()  # capitalised names and numbers of the question, lowercase
    own_words: frozenset[str] = frozenset()  # lowercase words of the question
    predicate: str = ""  # the verb of a "did/does/will SUBJECT VERB" question, lowercase ("wear")
    head: str = ""  # the noun of "what colour/which model ...", when it names no answer type
    noun: str = ""  # the noun of "which river/what gifts ...", whatever it names
    yesno: bool = False  # "did they sign a deal": answered by a sentence that settles it
    listing: bool = False  # "what gifts", "which marshals": items gathered from every article
    speaker: tuple[str, ...] = ()  # stems of the speaker of "what did X say": X's words must report it
    speaker_phrase: str = ""  # ... as the question words it ("the supreme court")


@dataclass
class Extract:
    chosen: list[Candidate]
    refused: bool
    reason: str = ""
    best_score: float = 0.0
    focus_coverage: float = 1.0  # of the lead sentence
    answer_type_ok: bool = True
    name_coverage: float = 1.0  # share of the question's names found in the retrieved passages
    key_covered: bool = True  # the lead states the question's predicate (or it has none)
    unknown: tuple[str, ...] = ()  # question words naming something the articles never mention
    # the lowest English frequency (log10 count, `rag.question.english_frequency`) of the question's
    # words the articles never use (inf: every word is used); "messi", "kimchi" are rare
    unseen_frequency: float = math.inf
    unseen: tuple[str, ...] = ()  # those words, rarest first
    class_stated: bool = True  # the answer states the kind of thing asked for ("colour", "model")
    class_similarity: float = 1.0  # cosine of that kind to the nearest word of the answer (1: stated)
    article_specific: float = 1.0  # share of the question's rare words the lead's article states
    short: str = ""  # the fact asked for, as the supporting sentence words it ("Six days."), or ""
    short_from: Candidate | None = None  # the chosen sentence the short answer is taken from
    short_span: tuple[int, int] | None = None  # the short fact's offsets in `short_from`'s text
    # what the interface highlights: (chosen sentence, start, end) of the short fact or a total's addends
    short_marks: tuple[tuple[Candidate, int, int], ...] = ()
    essential_coverage: float = 1.0  # share of the question's names and numbers the answer states
    essential_in_passages: float = 1.0  # ... that the passages the answer quotes state
    specific_coverage: float = 1.0  # share of the question's rare (high-IDF) focus words the answer states
    contradicted: tuple[tuple[str, str], ...] = ()  # (asked, stated instead): "2019" asked, lead says "2021"
    # (asked, stated instead) when the lead anchors its fact to another year or quarter (`rag.timeframe`)
    other_time: tuple[str, str] | None = None
    speech_reported: bool = True  # "what did X say": a chosen sentence reports X's words (or none is asked)
    # "how did dairy farmers react" (`rag.opinion`): a chosen sentence has the holder say, react or
    # vote (True when none is asked), and the holder asked
    opinion_reported: bool = True
    holder: opinions.Holder | None = None
    # "how much/many": how well the best-fitting typed number of the chosen sentences states what is
    # asked (`rag.quantity.fit`; 1: nothing to check), and the question words its clause lacks
    quantity_fit: float = 1.0
    quantity_missing: tuple[str, ...] = ()
    quantity_other: str = ""  # what the number counts instead ("juvenile mussels" for "adult mussels")
    # "how much is a ticket", "how thick is the wall": a chosen sentence states a figure of that kind
    # (`rag.quantity.asked_measure`: a price, a length; a year or a count of tickets is none)
    measure_stated: bool = True
    # "who designed X" (`rag.role`): some retrieved sentence states the role ("designed", "architect")
    role_stated: bool = True
    role_filled: bool = True  # ... and the lead states it next to the entity it answers with
    # "did the strike go ahead": the lead's clause stating it only as planned ("the union would call ...")
    unrealised: str = ""
    # "what did the first pictures show": the lead's clause stating the event only as planned
    unrealised_wh: str = ""
    # "has the wall been finished": the clause stating the event only as planned in the sentence of the
    # lead's article that states the focus the lead leaves unstated (`_residue_sentence`), when the
    # sentences read without it state no plan (`unrealised` is then "")
    unrealised_residue: str = ""
    # "which party is tove lien from" (`rag.attribute`): a chosen sentence states the slot by its owner
    attribute_stated: bool = True
    # "which prison is X in" (`rag.identify`): no chosen sentence mentions the noun only to leave it
    # unidentified ("sentenced to six years in prison")
    noun_identified: bool = True
    # "what's the name of the nurse" (`rag.identify.asked_name`): likewise, the noun a request for a
    # name asks is not left unnamed ("keep a nurse in Wendle")
    name_identified: bool = True
    # how well the corpus covers the question's specific content words (`rag.coverage`), and the words
    # it does not cover, as typed ("kimchi")
    corpus_coverage: float = 1.0
    uncovered: tuple[str, ...] = ()
    small_talk: bool = False  # no content, addressed to the assistant ("how are you today")
    # read with the question's preamble (`rag.asking`, policy `read_preamble`): the focus coverage, the
    # names and numbers stated and the unknown names when the preamble's words only need to be found in
    # the retrieved passages, and the preamble's focus words found there
    ask_focus_coverage: float = 1.0
    ask_essential_in_passages: float = 1.0
    ask_unknown: tuple[str, ...] = ()
    preamble_found: tuple[str, ...] = ()
    question: Question | None = None


# -- question analysis --------------------------------------------------------------


def analyse(question: str, *, context: bool = True) -> Question:
    """The expected answer types, focus words and names of `question`. `context`: it may end with
    the words a follow-up's rewrite appended in parentheses (`rag.followup`), which are not read as
    asked; False keeps a parenthesis the user typed ("what growth does it expect (2025)")."""
    text = strip_chatter((CONTEXT_SUFFIX.sub("", question) if context else question).strip()) or question
    lower = " ".join(text.lower().replace("’", "'").split())
    lower = re.sub(r"\b(what|who|where|when|which|how)'s\b", r"\1 is", lower)
    types: list[str] = []
    counted = ""
    class_words: set[str] = set()  # words naming the kind of answer, not its subject
    if match := HOW_MANY_Q.search(lower):
        types.append(COUNT)
        noun = [w for w in _words_until_verb(lower[match.end() :])]
        counted = _counted(noun)
    if match := HOW_MUCH_Q.search(lower):
        types.append(MONEY if MONEY_WORDS & set(words(lower)) else AMOUNT)
    if HOW_LONG_Q.search(lower):
        types.append(DURATION)
    if match := HOW_ADJ_Q.search(lower):
        types.append(MEASURES[match.group(1)])
        class_words.add(match.group(1))
    if DATE_Q.search(lower):
        types.append(DATE)
    elif WEEKDAY_Q.search(lower):
        types.append(WEEKDAY)
    elif WHEN_Q.search(lower):
        types.append(TIME)
    if WHO_Q.search(lower):
        types.append(PERSON)
    if WHERE_Q.search(lower):
        types.append(PLACE)
    head = ""
    for match in WHICH_Q.finditer(lower):
        rest = lower[match.end() :]
        phrase = _words_until_verb(rest)
        if not phrase and (verb := COPULA.match(rest)):
            phrase = _words_until_verb(rest[verb.end() :])  # "what is the capital of ..."
        elif phrase and not head:
            nouns = _noun_phrase(phrase)  # "which news agency reported": "agency", not "reported"
            head = nouns[-1] if nouns else ""  # "which rifle model did ...": the kind asked for
        for word in phrase[:MAX_CLASS_PHRASE]:
            kind = (
                PERSON
                if word in PERSON_NOUNS
                else PLACE
                if word in PLACE_NOUNS
                else NAME
                if word in ORG_NOUNS
                else ROLE
                if word in ROLE_NOUNS
                else ""
                if word in MEASURE_ADJECTIVES  # "what was the old record": an adjective, no "how old"
                else MEASURES.get(word, "")
            )
            if kind:
                class_words.add(word)
                if kind not in types:
                    types.append(kind)
    if NAME_ASKED.search(lower) and NAME not in types:
        types.append(NAME)
    own = words(lower)
    names = _names(text)
    focus: dict[str, str] = {}
    for word in own:
        word = re.sub(r"'s$", "", word)
        if CLITIC.sub("", word) in STOPWORDS:  # "there'd", "they'll": a function word and its clitic
            continue
        if (
            word in STOPWORDS
            or word in QUESTION_FRAME
            or word in WH_WORDS
            or word in class_words
            or len(word) < 2
        ):
            continue
        focus.setdefault(stem(base_form(word)), word)
    speaker, speaker_phrase = _speaker(lower)
    return Question(
        text=text,
        types=tuple(dict.fromkeys(types)),
        counted=counted,
        focus=tuple(focus.items()),
        names=tuple(names),
        own_words=frozenset(re.sub(r"'s$", "", w) for w in own),
        predicate=_predicate(text),
        head=head if head not in class_words and head not in QUESTION_FRAME else "",
        noun=head,
        yesno=not types and bool(YESNO_OPENER.match(lower)),
        listing=_listing(lower, head),
        speaker=speaker,
        speaker_phrase=speaker_phrase,
    )


def _speaker(lower: str) -> tuple[tuple[str, ...], str]:
    """The stems of who "what did X say/tell/think" asks about ("kalvia's prime minister" ->
    kalvia, prime, minist), up to a preposition ("the opposition in estova": opposit), and the
    question's words for it; ((), "") for any other question."""
    match = SPEECH_Q.search(lower)
    if match is None:
        return (), ""
    phrase = SPEAKER_END.sub("", " " + match.group("who")).strip()
    found = [re.sub(r"'s$", "", w) for w in words(phrase)]
    stems = tuple(dict.fromkeys(stem(base_form(w)) for w in found if w not in STOPWORDS and len(w) > 1))
    return stems, phrase if stems else ""


def reports_speech(q: Question, cand: Candidate, alike: frozenset[str] = frozenset()) -> bool:
    """Whether `cand` reports what the question's speaker said: a reporting verb ("said", "according
    to", "told") with the speaker up to SPEAKER_BEFORE words before it (asides such as ", whose party
    ...," skipped) or, for an inverted verb ("said Peskov"), SPEAKER_AFTER words after, or in the
    apposition after them ("said Dr. Murat Celik, a seismologist at ..."); a colon opening a quote
    reports speech as a verb does ("Brandvik: "Our two seas ...""); or with "he",
    "she" or "they" just before it and the speaker in the passage text before the sentence. The
    speaker is its words' stems or a word near them in meaning (`alike`: "south korea" for "seoul")."""
    if not q.speaker:
        return True
    text = ASIDE.sub(",", cand.span.text)
    tokens = words(text)
    speaker = set(q.speaker)

    def names_speaker(found: list[str]) -> bool:
        return any(w in alike or stem(base_form(w)) in speaker for w in found)

    for m in [*REPORTING.finditer(text), *COLON_QUOTE.finditer(text)]:
        at = len(words(text[: m.start()]))
        after = len(words(m.group(0)))
        if names_speaker(tokens[max(0, at - SPEAKER_BEFORE) : at]):
            return True
        if INVERTED.fullmatch(m.group(0)):
            apposition = APPOSITION.match(text[m.end() :])
            following = words(apposition.group(0)) if apposition else []
            if names_speaker(tokens[at + after : at + after + SPEAKER_AFTER] + following):
                return True
        if PRONOUN_SPEAKER & set(tokens[max(0, at - 2) : at]):  # "..., she said"
            offset = cand.span.start - cand.passage.start
            before = cand.passage.text[max(0, offset - 300) : max(0, offset)]
            if speaker & set(base_terms(before)):
                return True
    return False


def speaker_alike(q: Question, cands: list[Candidate], embed: Embed) -> frozenset[str]:
    """Words of `cands` near a reporting verb whose vectors are near a speaker word ("korea" for
    "seoul": 0.80), so a speaker named another way still counts. Word vectors only for speech
    questions."""
    if not q.speaker:
        return frozenset()
    # an acronym and what it stands for name one speaker: "the qca" and "the Quarry Conservation
    # Authority said", "the quarry conservation authority" and "the QCA said"
    texts = [c.span.text for c in cands]
    spelled = {w for word in q.speaker for phrase in spelled_phrases(word, texts) for w in phrase}
    initials = "".join(w[0] for w in words(q.speaker_phrase) if w not in STOPWORDS)
    spelled |= {initials} if 2 <= len(initials) <= MAX_ACRONYM else set()
    speaker_words = [w for t, w in q.focus if t in q.speaker]
    vocab = [w for w in _content_words(cands) if stem(base_form(w)) not in q.speaker]
    if not speaker_words or not vocab:
        return frozenset(spelled)
    nearest = wordvec.cosines(speaker_words, vocab, embed).max(axis=0)
    return frozenset(w for w, sim in zip(vocab, nearest, strict=True) if sim >= SOFT_MATCH_COSINE) | spelled


def _reacts(q: Question, holder: opinions.Holder | None, chosen: list[Candidate], embed: Embed) -> bool:
    """Whether a chosen sentence has the holder of an attitude question (`rag.opinion`) report words
    (`reports_speech` on the holder) or do what is asked ("Residents of Kalvø voted against ...")."""
    if holder is None:
        return True
    as_speaker = replace(q, speaker=holder.stems, speaker_phrase=holder.phrase)
    alike = speaker_alike(as_speaker, chosen, embed)
    return any(
        reports_speech(as_speaker, c, alike) or opinions.acts(holder, c.span.text, alike) for c in chosen
    )


def _reaction_words(holder: opinions.Holder) -> str:
    """How the refusal words the attitude asked: "voted" for a vote, "felt" for a feeling, else "reacted"."""
    return REACTION_WORDS.get(stem(base_form(holder.verb.split()[0])), REACTION_WORDS[""])


def _listing(lower: str, noun: str) -> bool:
    """A question asking for several items: a plural class noun ("what gifts", "which marshals"),
    a one-word plural question ("gifts?"), or a plural "who were/are"."""
    plural = re.compile(r"[a-z]{3,}[^su]s$")
    if noun and plural.match(noun):
        return True
    bare = words(lower)
    if len(bare) == 1 and plural.match(bare[0]):
        return True
    return bool(LIST_Q.search(lower))


# An enumeration of three or more short items: "black, silver, moss green and coral".
ITEM = r"[\w’'-]+(?: [\w’'-]+){0,3}"
ENUMERATION = re.compile(rf"\b(?:{ITEM}, )+{ITEM},? (?:and|or) [\w’'-]+")
LIST_WH = frozenset("who whom what which".split())  # a why/how/when/where question asks for no items
# Singular agreement: "who is ...", "what was ...", "which official ..." ask for one item.
SINGULAR_Q = re.compile(r"\b(who|what|which) (is|was|has|does)\b")
PLURAL_NOUN = re.compile(r"[a-z]{3,}[^su]s$")


def enumerates(q: Question, lead: Candidate) -> bool:
    """Whether the lead answers a who/what/which question with several items, so the question is
    a list question although it does not say so ("who went with him", "what did they talk about").

    Who: two or more names the question does not use, joined by "and" ("Marshals Ri Pyong Chol
    and Pak Jong Chon"; a name, a comma and a title is no list). What/which with no class noun and
    no short answer type: a comma list of three or more items. Not for yes/no, number, date or
    place questions, nor when the question's agreement is singular ("who is", "which official").
    """
    first = next((w for w in words(q.text) if w in WH_WORDS), "")
    if q.yesno or first not in LIST_WH or any(k in SHORT_TYPES or k == PLACE for k in q.types):
        return False
    if SINGULAR_Q.search(q.text.lower()) or (q.noun and not PLURAL_NOUN.match(q.noun)):
        return False
    text = lead.span.text
    if PERSON in q.types:
        runs = [m for m in NAME_SEQ.finditer(text) if len(m.group(0).split()) >= 2]
        runs = [m for m in runs if not set(words(m.group(0))) <= q.own_words]
        joins = [text[a.end() : b.start()].strip() for a, b in itertools.pairwise(runs)]
        return any(j in ("and", ", and") for j in joins)
    return not q.types and not q.noun and bool(ENUMERATION.search(text))


def _noun_phrase(phrase: list[str]) -> list[str]:
    """`phrase` up to the first word that reads as a verb (an irregular past, "-ed", "-ing")."""
    out: list[str] = []
    for word in phrase:
        if word in IRREGULAR_PAST or re.search(r"(ed|ing)$", word):
            break
        out.append(word)
    return out


def _counted(phrase: list[str]) -> str:
    """The stems a "how many" count may be followed by: the words of its noun phrase.

    Users drop auxiliaries ("how many homes lost power"), so the phrase is cut at the
    first word that reads as a verb; "how many died" counts anything.
    """
    nouns: list[str] = []
    for word in phrase[:MAX_CLASS_PHRASE]:
        if word in IRREGULAR_PAST or re.search(r"(ed|ing)$", word):
            break
        nouns.append(stem(base_form(word)))
    return " ".join(nouns)


def _words_until_verb(text: str) -> list[str]:
    """Leading words of `text` up to the first auxiliary, stopword or punctuation: a noun phrase."""
    out: list[str] = []
    for token in re.split(r"\s+", text.strip()):
        word = token.strip(",.?!;:\"'“”")
        if not word or word in AUXILIARIES or word in STOPWORDS or not re.fullmatch(r"[\w'-]+", word):
            break
        out.append(re.sub(r"'s$", "", word))
        if token != word and not token.endswith("'s"):
            break
    return out


def _predicate(text: str) -> str:
    """The verb after "did/does/will ... SUBJECT" ("What did Kim wear ..." -> "wear"), or "".

    The subject is read as names, determiners and possessives, plus the one noun
    a determiner or possessive announces; adjectives before that noun defeat it.
    """
    tokens = re.findall(r"[A-Za-z][\w'’-]*", text)
    lowered = [t.lower().replace("’", "'") for t in tokens]
    aux = next((i for i, t in enumerate(lowered) if t in DO_AUXILIARIES), None)
    if aux is None or (aux > 0 and not WH_WORDS & set(lowered[:aux])):
        return ""

    def subject_word(k: int) -> bool:
        return tokens[k][0].isupper() or lowered[k] in DETERMINERS or lowered[k].endswith("'s")

    j, needs_noun = aux + 1, False
    while j < len(tokens) and subject_word(j):
        needs_noun = needs_noun or lowered[j] in DETERMINERS or lowered[j].endswith("'s")
        j += 1
    if j < len(tokens) and (lowered[j] in PRONOUNS or needs_noun):
        j += 1  # "did he wear", "did the talks last"
    elif j == aux + 1 and j + 1 < len(tokens) and lowered[j] not in STOPWORDS:
        if lowered[j + 1] in ("and", "or"):
            return ""  # a compound subject ("analysts and officials") is not read
        j += 1  # a bare plural subject: "did reports suggest"
    if j >= len(tokens) or lowered[j] in STOPWORDS or lowered[j] in QUESTION_FRAME:
        return ""
    return lowered[j]


def _names(text: str) -> list[str]:
    """Capitalised words (not opening a sentence) and numbers of a question, lowercase."""
    out: list[str] = []
    for span in split_sentences(text):
        body = span.text.split(None, 1)[1] if len(span.text.split(None, 1)) > 1 else ""
        for match in NAME_SEQ.finditer(body):
            for word in words(match.group(0)):
                word = re.sub(r"'s$", "", word)
                if word not in STOPWORDS and word not in WH_WORDS and word not in CALENDAR:
                    out.append(word)
        spans = [m.span(2) for m in mentions.YEAR_SPAN.finditer(body)]  # "24" of "2023-24": no name
        out.extend(m.group(0).lower() for m in re.finditer(r"\b\d[\d,.]*\b", body) if m.span() not in spans)
    return list(dict.fromkeys(out))


# -- evidence -------------------------------------------------------------------------


def sentence_names(text: str) -> list[list[str]]:
    """Name-like token runs of a sentence: capitalised words, a lone sentence-initial word excluded."""
    first = re.search(r"[A-Za-z]", text)
    runs: list[list[str]] = []
    for match in NAME_SEQ.finditer(text):
        tokens = [re.sub(r"['’]s$", "", t) for t in match.group(0).split()]
        tokens = [t for t in tokens if t.lower() not in STOPWORDS and t.lower() not in CALENDAR]
        if not tokens:
            continue
        initial = first is not None and match.start() == first.start()
        if initial and len(tokens) == 1 and not tokens[0].isupper():
            continue
        runs.append(tokens)
    return runs


def answer_types(q: Question, text: str, published: str = "") -> set[str]:
    """The expected answer types of `q` that `text` carries, beyond what the question says itself.

    A relative day ("today") in an article with a publication date is a date: the
    source list shows that date next to the quote.
    """
    found: set[str] = set()
    lower = text.lower().replace("’", "'")

    def new(value: str) -> bool:
        return value.lower() not in q.own_words

    for kind in q.types:
        if kind == COUNT:
            ok = _counts(q, lower)
        elif kind in QUANTITY_RE:
            ok = any(new(_value(m.group(0))) for m in QUANTITY_RE[kind].finditer(lower))
            if not ok and timetaken.duration_answers(q.text, kind):  # "put the fire out within 20 seconds"
                ok = any(new(m.group(0).split()[0]) for m in DURATION_RE.finditer(lower))
        elif kind == ROLE:
            ok = any(w in PERSON_NOUNS and w not in q.own_words for w in words(lower))
        elif kind == MONEY:
            ok = bool(MONEY_RE.search(text))
        elif kind == DURATION:
            ok = any(new(m.group(0).split()[0]) for m in DURATION_RE.finditer(lower)) or any(
                new(m.group(1)) for m in SINCE_RE.finditer(lower)
            )
        elif kind == TIME:
            ok = any(new(m.group(0)) for m in TIME_RE.finditer(lower))
        elif kind == DATE:
            ok = any(new(m.group(0)) for m in DATE_RE.finditer(lower)) or bool(
                published and RELATIVE_DAY.search(lower)
            )
        elif kind == WEEKDAY:
            ok = any(new(m.group(0)) for m in WEEKDAY_RE.finditer(lower))
        elif kind == PERSON:
            ok = _person(q, text)
        else:  # PLACE, NAME
            ok = any(new(t) for run in sentence_names(text) for t in run)
            if not ok and kind == PLACE and standing.asks_standing(q.text):  # "where did they finish": "21st"
                ok = standing.states_standing(text)
        if ok:
            found.add(kind)
    return found


def _value(match: str) -> str:
    """The number of a quantity match ("15" of "at 15 months"), else its first word."""
    tokens = match.split()
    return next((t for t in tokens if t[:1].isdigit() or NUMBER.fullmatch(t)), tokens[0] if tokens else "")


def _counts(q: Question, lower: str) -> bool:
    """A number (not the question's own) followed within a few words by the counted noun; people are
    counted by any plain word for persons ("how many people were arrested": "three men")."""
    tokens = words(lower)
    counted = set(q.counted.split()) | q.counted_alike
    people = bool(counted & PEOPLE_STEMS)
    for i, token in enumerate(tokens):
        following = tokens[i + 1 : i + 1 + COUNT_WINDOW]
        if (
            NUMBER.fullmatch(token)
            and token not in q.own_words
            and token not in VAGUE_COUNTS
            and (not counted or any(stem(t) in counted or (people and t in PEOPLE) for t in following))
        ):
            return True
    return False


def _restated_count(
    q: Question, found: set[str], block: list[Candidate], idf: Callable[[str], float]
) -> bool:
    """A "how many" count the lead's block states in other words than a number before the counted
    noun ("About 140 people lost their jobs." for "how many jobs were lost"; `rag.paraphrase`)."""
    if set(q.types) - found != {COUNT} or not q.counted:
        return False
    counted = set(q.counted.split())
    people = PEOPLE | (GROUP_NOUNS - PERSON_NOUNS) if counted & PEOPLE_STEMS else frozenset()
    return any(
        paraphrase.restates_count(
            words(cand.span.text.lower()),
            coverage=focus_coverage_of(q, cand, idf),
            counted_stated=counted <= cand.terms or bool(q.counted_alike & cand.terms),
            people=people,
            own_words=q.own_words | VAGUE_COUNTS,
            number=NUMBER,
            window=COUNT_WINDOW,
        )
        for cand in block
    )


def _person(q: Question, text: str) -> bool:
    """A role noun, a group of people or a body (company, council...) the question does not name,
    or a new name of two or more words: who did something is often a group or an organisation."""
    tokens = words(text)
    for i, w in enumerate(tokens):
        if w in q.own_words:
            continue
        if w in PERSON_NOUNS or w in GROUP_NOUNS:
            return True
        # a body, unless it is only the source a sentence is attributed to ("reported Reuters news agency")
        near = " ".join(tokens[max(0, i - ATTRIBUTION_WINDOW) : i + ATTRIBUTION_WINDOW + 1])
        if w in BODY_NOUNS and not (REPORTING.search(near) or ATTRIBUTION.search(near)):
            return True
    runs = sentence_names(text)
    return any(len(run) >= 2 and any(t.lower() not in q.own_words for t in run) for run in runs)


def frame_words(q: Question) -> frozenset[str]:
    """Focus words the question uses as frame inside an English construction, not as what it asks
    about: "supposed to go", "keep seeing", "in the news", "and stuff". They are never missing."""
    found: set[str] = set()
    for match in FRAME_CONSTRUCTION.finditer(q.text.lower().replace("’", "'")):
        found.update(words(match.group(0)))
    return frozenset(found)


def _derived(term: str, terms: set[str]) -> bool:
    """Whether `terms` has the agent noun of verb stem `term` or the reverse ("direct" and
    "director", "own" and "owner"): news names the doer where a question asks what was done."""
    if len(term) < 3:
        return False
    return any(
        (t.startswith(term) and t[len(term) :] in AGENT_SUFFIXES)
        or (term.startswith(t) and len(t) >= 3 and term[len(t) :] in AGENT_SUFFIXES)
        for t in terms
    )


def states_focus(term: str, word: str, cand: Candidate, soft: dict[str, set[str]] | None = None) -> bool:
    """Whether `cand` states focus word `word` (stem `term`): literally, as its agent noun, or by a
    near synonym (`soft`)."""
    return (
        term in cand.terms
        or _derived(term, cand.terms)
        or bool(soft and cand.span.text in soft.get(word, set()))
    )


def focus_coverage_of(
    q: Question,
    cand: Candidate,
    idf: Callable[[str], float],
    soft: dict[str, set[str]] | None = None,
) -> float:
    """IDF-weighted share of the question's focus words `cand` states (soft: near-synonym matches);
    words the question uses as frame (`frame_words`) do not count."""
    return block_coverage(q, [cand], idf, soft)


def block_coverage(
    q: Question, block: list[Candidate], idf: Callable[[str], float], soft: dict[str, set[str]] | None = None
) -> float:
    """IDF-weighted share of the question's focus words that some sentence of `block` states: a lead
    read with the sentences quoted beside it from its article (`focus_coverage_of`, one sentence)."""
    frame = frame_words(q)
    focus = [(t, w) for t, w in q.focus if w not in frame]
    if not focus:
        return 1.0
    total = sum(idf(t) for t, _ in focus) or 1.0
    covered = sum(idf(t) for t, w in focus if any(states_focus(t, w, c, soft) for c in block))
    return covered / total


def _lead_block(lead: Candidate, chosen: list[Candidate]) -> list[Candidate]:
    """The lead and the continuations that open with a pronoun ("She was replaced by ...", "His first
    tour ..."): they go on stating about the lead's subject, so what they state the lead's passage
    states. A continuation that names a new subject, the sentence before the lead or a headline's
    opening sentence is read on its own."""
    return [lead] + [c for c in chosen if c.role == "continuation" and LEADING_PRONOUN.match(c.span.text)]


def _own_article(lead: Candidate, chosen: list[Candidate]) -> list[Candidate]:
    """The chosen sentences of the lead's article (quoting them costs no citation)."""
    return [c for c in chosen if c.passage.doc_id == lead.passage.doc_id]


def _key_focus(q: Question) -> str:
    """The stem of the question's predicate ("wear"), when it has one and it is a focus word."""
    term = stem(base_form(q.predicate)) if q.predicate else ""
    return term if term in dict(q.focus) else ""


def _content_words(cands: Iterable[Candidate]) -> list[str]:
    """The content words of `cands` (no stopwords, three letters or more), sorted: what word vectors
    of the question are compared with."""
    return wordvec.content_vocab(w for c in cands for w in words(c.span.text))


def _soft_matches(q: Question, pool: list[Candidate], embed: Embed) -> dict[str, set[str]]:
    """For each focus word missing from a pool sentence: the pool sentences with a near-synonym."""
    frame = frame_words(q)
    missing = [w for t, w in q.focus if w not in frame and any(t not in c.terms for c in pool)]
    if not missing or not pool:
        return {}
    vocab = _content_words(pool)
    if not vocab:
        return {}
    similar = wordvec.near_words(missing, vocab, embed, SOFT_MATCH_COSINE)
    out: dict[str, set[str]] = {}
    for word in missing:
        near = similar[word]
        if near:
            out[word] = {c.span.text for c in pool if near & set(words(c.span.text))}
    return out


def counted_alike(q: Question, cands: list[Candidate], embed: Embed) -> frozenset[str]:
    """Stems of the words the passages count the "how many" noun by, when the question words it
    otherwise: a word just after a number whose vector is near the counted word's ("homes" for
    "houses", "children" for "kids"; `SOFT_MATCH_COSINE`)."""
    counted = set(q.counted.split())
    typed = [w for t, w in q.focus if t in counted]
    if not typed:
        return frozenset()
    following: set[str] = set()
    for cand in cands:
        tokens = words(cand.span.text)
        for i, token in enumerate(tokens):
            if NUMBER.fullmatch(token):
                following.update(tokens[i + 1 : i + 1 + COUNT_WINDOW])
    # a word the question uses of its own is not another name of the counted one ("how many
    # firefighters fought the grass fires": "three grass fires" counts fires)
    own = {t for t, _ in q.focus} | {stem(base_form(w)) for w in q.own_words}
    vocab = [w for w in wordvec.content_vocab(following) if stem(w) not in counted and stem(w) not in own]
    if not vocab:
        return frozenset()
    similar = wordvec.cosines(typed, vocab, embed).max(axis=0)
    return frozenset(stem(w) for w, sim in zip(vocab, similar, strict=True) if sim >= SOFT_MATCH_COSINE)


def name_coverage(q: Question, retrieval: Retrieval) -> float:
    """Share of the question's names that occur in the retrieved passages."""
    if not q.names:
        return 1.0
    seen = {re.sub(r"'s$", "", w) for p in retrieval.passages for w in words(p.text)}
    seen |= {m.group(0).lower() for p in retrieval.passages for m in re.finditer(r"\b\d[\d,.]*\b", p.text)}
    return sum(name in seen for name in q.names) / len(q.names)


# -- candidates -------------------------------------------------------------------------


def candidates(retrieval: Retrieval) -> list[Candidate]:
    """Every sentence of the retrieved chunks once, with offsets into its article."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    read_asked = policies.current().read_interview
    for passage in retrieval.passages:
        spans = split_sentences(passage.text, offset=passage.start)
        asked = interview.asked_before([(s.start, s.end, s.text) for s in spans], _asks) if read_asked else {}
        for i, span in enumerate(spans):
            key = (passage.doc_id, span.start)
            if key in seen or not quotable(span.text, MIN_SENTENCE_WORDS):  # short: a number ("Nine years.")
                continue
            if _asks(span.text):  # a question (a teaser headline, a rhetorical one) states nothing
                continue
            seen.add(key)
            out.append(
                Candidate(
                    span=span, passage=passage, terms=set(base_terms(span.text)), asked=asked.get(i, "")
                )
            )
    return out


def _asks(text: str) -> bool:
    """Whether a sentence is a question: it ends in "?" outside any quotation ("Is herd immunity
    still possible?"), so it asks rather than states and can answer nothing."""
    return text.rstrip().rstrip("\"'’”)]").endswith("?") and not re.search(r"[\"“][^\"”]*\?[\"”]", text)


def answer_type_ok(question: str, text: str) -> bool:
    """Whether `text` carries every answer type `question` expects."""
    q = analyse(question)
    return set(answer_types(q, text)) >= set(q.types)


def _merge_duplicates(ranked: list[Candidate]) -> tuple[list[Candidate], dict[int, Candidate]]:
    """Keep the best copy of each near-duplicate group; map every candidate to its kept copy."""
    kept: list[Candidate] = []
    rep: dict[int, Candidate] = {}
    for cand in ranked:
        twin = next((k for k in kept if _duplicate(k, cand)), None)
        if twin is None:
            kept.append(cand)
            rep[id(cand)] = cand
            continue
        rep[id(cand)] = twin
        # a copy that says less (its words all in `twin`, worded apart) is no evidence for `twin`'s extra
        if (
            cand.passage.doc_id != twin.passage.doc_id
            and all(c.passage.doc_id != cand.passage.doc_id for c in twin.also_in)
            and _similarity(twin, cand) >= CITE_COPY_COSINE
        ):
            twin.also_in.append(cand)
    return kept, rep


def _duplicate(kept: Candidate, cand: Candidate) -> bool:
    """Whether `cand` says nothing `kept` does not: a near-identical copy, or its words all there."""
    if _similarity(kept, cand) >= DUPLICATE_COSINE:
        return True
    return bool(cand.terms) and len(kept.terms & cand.terms) / len(cand.terms) >= DUPLICATE_CONTAINMENT


def _similarity(a: Candidate, b: Candidate) -> float:
    """Cosine similarity of two candidates' embeddings."""
    return float(a.unit @ b.unit)


def _novelty(cand: Candidate, chosen: Iterable[Candidate], idf: Callable[[str], float]) -> float:
    known = set().union(*(c.terms for c in chosen))
    total = sum(idf(t) for t in cand.terms) or 1.0
    return sum(idf(t) for t in cand.terms - known) / total


def _says_more(cand: Candidate, chosen: list[Candidate], idf: Callable[[str], float]) -> bool:
    """Whether `cand` adds to the `chosen` sentences: near none of them (`REDUNDANT_COSINE`) and
    with `NOVELTY_MIN` of its IDF mass in terms none states."""
    return (
        all(_similarity(cand, c) < REDUNDANT_COSINE for c in chosen)
        and _novelty(cand, chosen, idf) >= NOVELTY_MIN
    )


def _adjacent(
    cand: Candidate, raw: list[Candidate], rep: dict[int, Candidate], *, after: bool = True
) -> list[Candidate]:
    """The kept candidates directly after (or before) `cand`, or a copy of it, in an article."""
    out: list[Candidate] = []
    for copy in [cand, *cand.also_in]:
        for other in raw:
            gap = other.span.start - copy.span.end if after else copy.span.start - other.span.end
            if other.passage.doc_id == copy.passage.doc_id and 0 < gap <= 3 and rep[id(other)] not in out:
                out.append(rep[id(other)])
    return out


def _opening(headline: Candidate, raw: list[Candidate], rep: dict[int, Candidate]) -> list[Candidate]:
    """The article's first sentence after its headline (past a dateline, "LAKE ORMOND, July 22 -")."""
    after = [
        c
        for c in raw
        if c.passage.doc_id == headline.passage.doc_id
        and c.span.start >= headline.span.end
        and c.span.start - headline.span.end <= HEADLINE_GAP
    ]
    return [rep[id(min(after, key=lambda c: c.span.start))]] if after else []


def _same_article_first(chosen: list[Candidate]) -> list[Candidate]:
    """Quote a merged sentence from the article of the sentence before it, when that article has it.

    The answer then reads as one passage and cites articles in a steady order (`[1][2]`).
    """
    out: list[Candidate] = []
    for cand in chosen:
        prev = out[-1].passage.doc_id if out else ""
        twin = next((c for c in cand.also_in if c.passage.doc_id == prev), None)
        if twin is not None and cand.passage.doc_id != prev:
            twin.also_in = [cand, *(c for c in cand.also_in if c is not twin)]
            twin.types, twin.coverage, twin.role = cand.types, cand.coverage, cand.role
            cand.also_in = []
            cand = twin
        out.append(cand)
    return out


def _gather(
    q: Question,
    chosen: list[Candidate],
    ranked: list[Candidate],
    lead: Candidate,
    idf: Callable[[str], float],
    embed: Embed | None = None,
) -> None:
    """A list question: add the best sentence of every further article that has items of the list.

    A sentence qualifies when it scores `LIST_RATIO` of the lead, states at least the focus share
    the lead states (literally, or with `embed` by near synonyms: "request" for "ask", "missiles"
    for "weapons"), says something new and is no near-copy of a chosen one (copies are merged).
    """
    docs = {c.passage.doc_id for c in chosen} | {x.passage.doc_id for c in chosen for x in c.also_in}
    eligible: list[Candidate] = []
    for cand in ranked:
        if cand.score < LIST_RATIO * lead.score:
            break
        if cand not in chosen and cand.passage.doc_id not in docs:
            eligible.append(cand)
    need = min(lead.coverage, SHORT_MIN_COVERAGE)
    weak = [c for c in eligible if focus_coverage_of(q, c, idf) < need]
    soft = _soft_matches(q, weak, embed) if embed is not None and weak else {}
    for cand in eligible:
        if len(chosen) >= MAX_LIST_SENTENCES:
            break
        if cand.passage.doc_id in docs:
            continue
        if focus_coverage_of(q, cand, idf, soft) >= need and _says_more(cand, chosen, idf):
            cand.role = "list"
            chosen.append(cand)
            docs.add(cand.passage.doc_id)
            docs.update(x.passage.doc_id for x in cand.also_in)


def _same_article(
    chosen: list[Candidate], ranked: list[Candidate], lead: Candidate, idf: Callable[[str], float]
) -> None:
    """Add to `chosen` the best further sentence of the lead's article that scores
    `SAME_ARTICLE_RATIO` of the lead and says something new, if there is one.

    The lead often restates the question ("Pinecrest fire forces 1,200 from homes", asked "how
    did the fire start") while the answer is a sentence further on in the same article that
    shares fewer of the question's words. It costs no citation (its article is cited already).
    """
    for cand in ranked:
        if cand.score < SAME_ARTICLE_RATIO * lead.score:
            break
        if (
            cand.passage.doc_id == lead.passage.doc_id
            and cand not in chosen
            and _says_more(cand, chosen, idf)
        ):
            cand.role = "same_article"
            chosen.append(cand)
            return


def _fill(chosen: list[Candidate], ranked: list[Candidate], idf: Callable[[str], float]) -> list[Candidate]:
    """The answer as quoted: `chosen`, and in the places still free (up to `MAX_SENTENCES`) the
    best-scoring further sentences (among the `FILL_POOL` best) of the articles it already cites
    that say something new. They cost no citation; the refusal checks read `chosen` alone.

    Measured leave-one-corpus-out on the calibration sets, this gained fact recall (lookalike
    0.673 -> 0.721) without lowering citation precision; a logistic ranker fitted on the sets'
    sentence labels to choose these sentences did no better than this score order (+0.002,
    paired SE 0.002), and one allowed to cite further articles lowered the dev set's citation
    precision 0.915 -> 0.854. Only sentences scoring half the lead's or more: less fact recall
    on every calibration set (citydesk 0.600 -> 0.582)."""
    quoted = list(chosen)
    for cand in ranked[:FILL_POOL]:
        if len(quoted) >= MAX_SENTENCES:
            break
        if cand in quoted or _new_article(cand, quoted):
            continue
        if _says_more(cand, quoted, idf):
            cand.role = "fill"
            quoted.append(cand)
    return quoted


def _residue_sentence(
    q: Question,
    lead: Candidate,
    quoted: list[Candidate],
    ranked: list[Candidate],
    idf: Callable[[str], float],
    embed: Embed,
) -> list[Candidate]:
    """`quoted` with the sentence of the lead's article that states most of the focus the lead (and
    the sentences read with it) leaves unstated, in a free place or instead of a quoted sentence that
    states less of it (`rag.samesent`)."""
    read_with = {"lead", "before", "displaced", "continuation"}
    stated = set().union(*(c.terms for c in quoted if c.role in read_with))
    missing = samesent.residue(q.focus, stated, frame_words(q))
    own = [c for c in ranked if c.passage.doc_id == lead.passage.doc_id and c not in quoted][: samesent.POOL]
    if not missing or not own:
        return quoted
    vocab = _content_words(own + [c for c in quoted if c.role in REPLACEABLE])
    near = wordvec.near_words([w for _, w in missing], vocab, embed, SOFT_MATCH_COSINE) if vocab else {}
    weight = {t: idf(t) for t, _ in missing}

    def option(c: Candidate) -> samesent.Option:
        return samesent.Option(frozenset(c.terms), frozenset(words(c.span.text)), c.score)

    pick = samesent.best([option(c) for c in own], missing, weight, near, lead.score)
    if pick is None:
        return quoted
    new = own[pick]
    gains = [
        samesent.gain(option(c), missing, weight, near)
        if c.role in REPLACEABLE and not c.types and c.passage.doc_id == lead.passage.doc_id
        else None
        for c in quoted
    ]
    at = samesent.slot(gains, samesent.gain(option(new), missing, weight, near), len(quoted) < MAX_SENTENCES)
    if at is None:
        return quoted
    new.role = "residue"
    return [*quoted, new] if at == -1 else [*quoted[:at], *quoted[at + 1 :], new]


def _with_dateline(cand: Candidate) -> None:
    """Quote `cand` with the dateline right above it when it dates its fact by a weekday only
    (`rag.dateline`): its span then starts at the dateline, its text is the two joined by a space."""
    local = cand.span.start - cand.passage.start
    if not 0 < local <= len(cand.passage.text) or not datelines.dates_by_weekday(cand.span.text):
        return
    at = datelines.dateline_before(cand.passage.text, local)
    if at is not None:
        head = " ".join(cand.passage.text[at:local].split())
        cand.span = Span(cand.passage.start + at, cand.span.end, f"{head} {cand.span.text}")


def _new_article(cand: Candidate, chosen: list[Candidate]) -> bool:
    """Whether quoting `cand` would cite only articles no chosen sentence cites yet."""
    cited = {x.passage.doc_id for c in chosen for x in (c, *c.also_in)}
    return all(x.passage.doc_id not in cited for x in (cand, *cand.also_in))


def _adds_to_answer(q: Question, cand: Candidate, chosen: list[Candidate]) -> bool:
    """Whether `cand` states something the question asks that no chosen sentence states: the expected
    answer type(s), or a focus word ("which had higher turnout, estova or marrenia": the other one)."""
    if q.types and cand.types >= set(q.types):
        return True
    return any(t in cand.terms and all(t not in c.terms for c in chosen) for t, _ in q.focus)


def _headline(cand: Candidate) -> bool:
    """Whether `cand` is its article's headline (the title, as the text's first line repeats it)."""
    title = " ".join(cand.passage.title.lower().split()).rstrip(" .")
    return bool(title) and " ".join(cand.span.text.lower().split()).rstrip(" .") == title


def _continues(cand: Candidate, prev: Candidate, lead: Candidate) -> bool:
    """Whether `cand`, the sentence after `prev`, stays on the subject of `prev` or the lead."""
    if HEADLINE_LEDE and _headline(prev):  # a headline is read with the article's opening sentence
        return True
    similarity = max(_similarity(cand, prev), _similarity(cand, lead))
    if similarity >= CONTINUE_COSINE:
        return True
    return similarity >= CONTINUE_CUE_COSINE and bool(CONTINUATION_CUE.search(cand.span.text))


def refusal_reason(
    ex: Extract,
    q: Question,
    lead: Candidate,
    retrieval: Retrieval,
    idf: Callable[[str], float],
    soft: dict[str, set[str]],
    policy: policies.Policy | None = None,
) -> str:
    """Why the evidence does not answer the question, in the question's own words, or "" when it does."""
    p = policy or policies.current()
    if p.read_preamble:  # the preamble's words identify the topic: found in the passages (`rag.asking`)
        ex = replace(
            ex,
            focus_coverage=ex.ask_focus_coverage,
            essential_in_passages=ex.ask_essential_in_passages,
            unknown=ex.ask_unknown,
        )
    if p.refuse_small_talk and ex.small_talk:
        return REFUSAL_SMALL_TALK
    if ex.best_score < p.min_score:
        return REFUSAL_NO_EVIDENCE
    if p.refuse_unknown_names and ex.unknown:
        return REFUSAL_UNKNOWN.format(names=_quoted(list(ex.unknown[:MAX_REASON_WORDS])))
    if ex.unseen_frequency < p.min_unseen_frequency:
        return REFUSAL_UNKNOWN.format(names=_quoted(list(ex.unseen[:1])))
    if ex.corpus_coverage < p.min_corpus_coverage and ex.uncovered:
        return REFUSAL_UNKNOWN.format(names=_quoted(list(ex.uncovered[:1])))
    if ex.name_coverage < p.min_name_coverage:
        seen = {w for p_ in retrieval.passages for w in words(p_.text)}
        missing = [n for n in q.names if n not in seen][:MAX_REASON_WORDS]
        return REFUSAL_NO_NAMES.format(names=_quoted(missing)) if missing else REFUSAL_NO_EVIDENCE
    if (
        ex.essential_coverage < p.min_essential_coverage
        or ex.essential_in_passages < p.min_essential_in_passages
    ):
        terms, numbers = _stated(_answer_texts(ex.chosen, passages=False))
        missing = [e.word for e in _essential(q) if not e.stated_in(terms, numbers)][:MAX_REASON_WORDS]
        present = [w for _, t, w in sorted((-idf(t), t, w) for t, w in q.focus if t in lead.terms)][:1]
        if missing and present:
            return REFUSAL_NO_ESSENTIAL.format(topic=_quoted(present), names=_quoted(missing))
        return REFUSAL_NO_NAMES.format(names=_quoted(missing)) if missing else REFUSAL_NO_EVIDENCE
    if ex.specific_coverage < p.min_specific_coverage:
        stated = set().union(*(c.terms | set(base_terms(c.passage.title)) for c in ex.chosen))
        missing = [w for t, w in q.focus if idf(t) >= SPECIFIC_IDF and t not in stated][:MAX_REASON_WORDS]
        present = [w for _, t, w in sorted((-idf(t), t, w) for t, w in q.focus if t in stated)][:1]
        if missing and present:
            return REFUSAL_MENTION_NOT.format(present=_quoted(present), missing=_quoted(missing))
        return REFUSAL_NO_FOCUS.format(focus=_quoted(missing)) if missing else REFUSAL_NO_EVIDENCE
    if p.refuse_contradicted and ex.contradicted:
        asked_code, stated_code = ex.contradicted[0]
        return REFUSAL_CONTRADICTED.format(stated=_quoted([stated_code]), asked=_quoted([asked_code]))
    if p.refuse_other_time and ex.other_time:
        asked_time, stated_time = ex.other_time
        return REFUSAL_OTHER_TIME.format(stated=_quoted([stated_time]), asked=_quoted([asked_time]))
    if p.require_speech and not ex.speech_reported:
        return REFUSAL_NOT_REPORTED.format(speaker=_quoted([q.speaker_phrase]))
    if p.require_opinion and not ex.opinion_reported and ex.holder is not None:
        return REFUSAL_NO_REACTION.format(holder=_quoted([ex.holder.phrase]), verb=_reaction_words(ex.holder))
    if ex.article_specific < p.min_article_specific:
        article = _article_terms(lead, retrieval)
        missing = [w for t, w in q.focus if idf(t) >= SPECIFIC_IDF and t not in article][:MAX_REASON_WORDS]
        present = [w for _, t, w in sorted((-idf(t), t, w) for t, w in q.focus if t in lead.terms)][:1]
        if missing and present:
            return REFUSAL_NO_ESSENTIAL.format(topic=_quoted(present), names=_quoted(missing))
        return REFUSAL_NO_NAMES.format(names=_quoted(missing)) if missing else REFUSAL_NO_EVIDENCE
    if (p.require_class and not ex.class_stated) or ex.class_similarity < p.min_class_similarity:
        phrase = _stated_phrase(q, lead)
        wh = "which" if re.search(rf"\bwhich\s+(\w+\s+)?{re.escape(q.head)}\b", q.text.lower()) else "what"
        if phrase:
            return REFUSAL_NOT_STATED.format(present=phrase, what=f"{wh} {q.head}")
        return REFUSAL_NO_FOCUS.format(focus=_quoted([q.head]))
    if (p.require_role and not ex.role_stated) or (p.require_role_filled and not ex.role_filled):
        stated = {w for t, w in q.focus if t in lead.terms}
        role = roles.asked_role(q.text, q.noun, q.predicate, q.types)
        mentioned, unsaid = roles.refusal_words(q.text, stated, role)
        if mentioned:
            return REFUSAL_ROLE.format(present=mentioned, what=unsaid)
        return REFUSAL_ROLE_BARE.format(what=unsaid)
    if p.require_attribute and not ex.attribute_stated and (slot := _attribute_slot(q)):
        owner, what = attributes.refusal_words(slot, q.text)
        return REFUSAL_ATTRIBUTE.format(owner=_quoted([owner]), what=what)
    if p.require_identified and not ex.noun_identified and (spec := _identify_spec(q)):
        what = spec.wh if spec.wh != "which" else f"which {spec.noun}"
        return REFUSAL_UNIDENTIFIED.format(noun=_quoted([spec.noun]), what=what)
    if p.require_named and not ex.name_identified and (named := identify.asked_name(q.text)):
        return REFUSAL_UNIDENTIFIED.format(noun=_quoted([named.noun]), what=named.wh)
    if p.require_answer_type and not ex.answer_type_ok:
        found = set().union(*(c.types for c in ex.chosen))
        missing = [TYPE_PHRASES[k] for k in q.types if k not in found]
        return REFUSAL_NO_TYPE.format(what=" or ".join(missing[:1]) or "the answer")
    if ex.focus_coverage < p.min_focus_coverage:
        frame = frame_words(q)
        block = _lead_block(lead, ex.chosen)
        absent = [
            (idf(t), w)
            for t, w in q.focus
            if w not in frame
            and not any(states_focus(t, w, c, soft) for c in block)
            and not (p.read_preamble and w in ex.preamble_found)
        ]
        words_ = [w for _, w in sorted(absent, key=lambda x: -x[0])][:MAX_REASON_WORDS]
        present = [w for _, t, w in sorted((-idf(t), t, w) for t, w in q.focus if t in lead.terms)][:1]
        if words_ and present:
            return REFUSAL_MENTION_NOT.format(present=_quoted(present), missing=_quoted(words_))
        return REFUSAL_NO_FOCUS.format(focus=_quoted(words_)) if words_ else REFUSAL_NO_EVIDENCE
    if ex.quantity_fit < p.min_quantity_fit:
        lacking = list(ex.quantity_missing[:MAX_REASON_WORDS])
        if ex.quantity_other and lacking:
            return REFUSAL_OTHER_COUNT.format(other=ex.quantity_other, asked=lacking[0])
        present = [
            w
            for _, t, w in sorted((-idf(t), t, w) for t, w in q.focus if t in lead.terms and w not in lacking)
        ]
        if lacking and present:
            return REFUSAL_NO_QUANTITY.format(present=_quoted(present[:1]), missing=_quoted(lacking))
        return REFUSAL_NO_TYPE.format(
            what=TYPE_PHRASES.get(q.types[0], "the answer") if q.types else "the answer"
        )
    if p.require_measure and not ex.measure_stated and (measure := quantity.asked_measure(q.text)):
        if owner := quantity.owner_words(measure, q.focus, lead.terms, idf):
            return REFUSAL_NO_MEASURE.format(present=_quoted([owner]), what=measure.name)
        return REFUSAL_NO_MEASURE_BARE.format(what=measure.name)
    if p.require_key_focus and not ex.key_covered:
        return REFUSAL_NO_FOCUS.format(focus=_quoted([q.predicate]))
    if p.refuse_unrealised and ex.unrealised:
        return REFUSAL_UNREALISED.format(plan=ex.unrealised)
    if p.refuse_unrealised_wh and ex.unrealised_wh:
        return REFUSAL_UNREALISED_WH.format(plan=ex.unrealised_wh)
    if p.refuse_unrealised_residue and ex.unrealised_residue:
        return REFUSAL_UNREALISED.format(plan=ex.unrealised_residue)
    return ""


def _corpus_coverage(
    q: Question, reading: Reading, cands: list[Candidate], embed: Embed
) -> tuple[float, tuple[str, ...]]:
    """How well the corpus covers the question's content words, and those it does not (`rag.coverage`):
    an unseen word by its nearest word in `cands` (the best-scoring sentences; word vectors cost an
    embedding per new word, so not the whole retrieved text)."""
    unseen = [w for w, _ in reading.unseen]
    names, verb = reading.unknown, q.predicate
    weighs = sorted(w for w in unseen if coverages.weighing(w, unseen, english_frequency, names, verb))
    near = coverages.nearest(weighs, _content_words(cands), embed, english_words()) if weighs else {}
    found = coverages.coverage(
        [*(w for _, w in q.focus), *reading.unknown],
        unseen,
        english_frequency,
        near,
        names=names,
        predicate=verb,
    )
    return found.share, found.missing


QUANTITY_TYPES = (COUNT, MONEY, AMOUNT)  # "how many", "how much": the number must be the one asked


def _quantity_fits(
    q: Question, cands: list[Candidate], idf: Callable[[str], float], embed: Embed
) -> dict[int, list[tuple[quantity.Figure, quantity.Fit]]]:
    """For a how much / how many question, each typed number of `cands` (by id) with its fit."""
    kinds = [k for k in q.types if k in QUANTITY_TYPES]
    typed = [c for c in cands if set(kinds) & c.types]
    if not typed:
        return {}
    patterns = {COUNT: NUMBER, MONEY: MONEY_AMOUNT, AMOUNT: AMOUNT_ANSWER}
    counted = set(q.counted.split()) | q.counted_alike if kinds == [COUNT] else set()
    if counted & PEOPLE_STEMS:
        counted |= PEOPLE_STEMS
    ask = quantity.asked(
        q.text,
        q.focus,
        frame_words(q),
        counting=COUNT in kinds,
        counted=q.counted.split() if counted else (),
        names=_name_like(q, cands),
    )
    texts = [c.span.text for c in typed]
    found = [patterns[k] for k in kinds]
    own = q.own_words | VAGUE_COUNTS if COUNT in kinds else q.own_words
    spans = [quantity.figure_spans(t, found, own, counted, COUNT_WINDOW, ask.rate) for t in texts]
    fitted = quantity.sentence_fits(ask, texts, spans, idf, embed)
    return {id(c): row for c, row in zip(typed, fitted, strict=True) if row}


def _name_like(q: Question, cands: list[Candidate]) -> set[str]:
    """The question's words that read as names: the passages only write them capitalised, or they are
    no English word ("marazan") or one web text writes capitalised ("putin")."""
    upper = quantity.name_words(c.span.text for c in cands)
    return {
        w
        for w in words(q.text.lower())
        if w not in STOPWORDS and (w in upper or english_frequency(w) == 0 or usually_capitalised(w))
    }


def _measure_stated(q: Question, texts: list[str], embed: Embed) -> bool:
    """Whether `texts` state a figure of the measure `q` asks ("how much is a ticket": a price), in a
    sentence that names the thing measured (literally or by a near word: one embedding call), if any."""
    measure = quantity.asked_measure(q.text)
    if measure is None or quantity.AGE_KIND in measure.kinds:
        return measure is None or quantity.states_measure(measure, texts, MONEY_RE, NUMBER, QUANTITY_RE[AGE])
    stating = quantity.measured(measure, texts, MONEY_RE, NUMBER)
    if not stating or quantity.owned(measure, stating):
        return bool(stating)
    vocab = wordvec.content_vocab(w for t in stating for w in words(t))
    return quantity.owned(
        measure, stating, wordvec.near_words(list(measure.things), vocab, embed, quantity.NEAR_COSINE)
    )


def _fit_score(fits: dict[int, list[tuple[quantity.Figure, quantity.Fit]]], cand: Candidate) -> float:
    row = fits.get(id(cand))
    return max(f.score for _, f in row) if row else 1.0


def _short_fit(
    fits: dict[int, list[tuple[quantity.Figure, quantity.Fit]]], cand: Candidate, span: tuple[int, int]
) -> float:
    """The fit of the number the short fact `span` of `cand` opens with (1.0: not checked)."""
    row = fits.get(id(cand), [])
    inside = [f.score for fig, f in row if span[0] <= fig.span[0] < span[1]]
    return max(inside) if inside else 1.0


def _identify_spec(q: Question) -> identify.Asked | None:
    """The noun "which NOUN" asks the articles to identify (`rag.identify`); a plain "what NOUN"
    counts when the noun is one a name answers (the question's answer type)."""
    return identify.asked(q.text, what_noun=bool({NAME, PLACE, PERSON} & set(q.types)))


def _attribute_slot(q: Question) -> attributes.Slot | None:
    """The attribute a question asks of a thing it names ("which party is tove lien from"), or None
    (a list question asks for members, not an attribute)."""
    return None if q.listing else attributes.asked_slot(q.text, q.noun)


def _role_texts(retrieval: Retrieval) -> list[str]:
    """Where a role must be stated: the retrieved passages and their titles, headline questions
    included ("How will the players suit up?" states who plays)."""
    return list(dict.fromkeys(p.title for p in retrieval.passages)) + [p.text for p in retrieval.passages]


def _fills_role(q: Question, role: roles.Role, cand: Candidate, alike: dict[str, frozenset[str]]) -> bool:
    """Whether `cand` fills the role a who/which question asks, with the entity its short answer takes."""
    span = short_fact(q, [cand])[2] if cand.coverage >= SHORT_MIN_COVERAGE else None
    return roles.fills(role, cand.span.text, span, q.own_words, alike).ok


def _stated_phrase(q: Question, lead: Candidate) -> str:
    """The longest run of the question's focus words the lead states, as the question words it
    ("the bulletproof vest"), or ""."""
    stated = {w for t, w in q.focus if t in lead.terms and w != q.head}
    best: list[str] = []
    run: list[str] = []
    for word in [*(re.sub(r"'s$", "", w) for w in words(q.text.lower())), ""]:
        if word in stated:
            run.append(word)
            continue
        if len(run) > len(best):
            best = run
        run = []
    return f"the {' '.join(best)}" if best else ""


def contradictions(q: Question, lead: Candidate) -> tuple[tuple[str, str], ...]:
    """The question's years, model codes and numbered names the lead sentence replaces by others.

    "the 2019 final" against a lead dated 2021, "the x8" against "the X7", "band 3" against
    "Band 2". A code the lead states is no contradiction; a lead with no code of the same shape
    says nothing either way, unless it has no year at all and its article never states the year
    asked (the whole article is then about another year).
    """
    text = lead.span.text.lower()
    out: list[tuple[str, str]] = []
    # a month the question dates its event by ("in may") against a lead dated by another one
    # the sentence that asks: a quiz-style question first states facts of other years and codes
    # ("... passed 20 million in 2024. How many passengers did it handle in 2025?"; `rag.timeframe`)
    asking = timeframe.asked_sentence(q.text).lower()
    months = [m.group(2) for m in ASKED_MONTH.finditer(asking)]
    stated = [m.group(0) for m in re.finditer(rf"\b({MONTH_NAMES})\b", text)]
    if months and stated and not set(months) & set(stated):
        out.append((months[0], stated[0]))
    # a season "2023-24" asks for either year; its "24" is no code of its own
    spans = mentions.year_spans(q.text)
    seasons = {y: span for span in spans for y in span}
    ends = {end[2:] for _, end in spans}
    q_tokens = [re.sub(r"'s$", "", w) for w in words(q.text.lower())]
    # in the question's order (a set's order changes with each process's hash seed, and the first
    # contradiction found is the one a refusal quotes)
    asked = sorted(
        (w for w in q.own_words if any(ch.isdigit() for ch in w) and w not in ends),
        key=lambda w: (q_tokens.index(w) if w in q_tokens else len(q_tokens), w),
    )
    if asking != q.text.lower().strip():  # several sentences: only the asking one's codes are asked
        asking_tokens = {re.sub(r"'s$", "", w) for w in words(asking)}
        asked = [w for w in asked if w in asking_tokens]
    if not asked:
        return tuple(out)
    tokens = re.findall(r"[\w.,-]*\d[\w-]*|[a-z]+", text)
    tokens = [t.strip(".,") for t in tokens]
    # where the article states a year the lead leaves unstated: its sentences about the lead's fact, when
    # one year is asked (of two, "2023 vs 2024", each sentence may hold one side)
    one_year = sum(bool(YEAR.fullmatch(a)) for a in asked) == 1
    for code in asked:
        if code in tokens:
            continue
        if YEAR.fullmatch(code):
            alike = set(seasons.get(code, (code,)))
            if alike & set(tokens) or lead.passage.published[:4] in alike:
                continue  # an article of the year asked may recall another ("worst since 2022")
            years = [t for t in tokens if YEAR.fullmatch(t)]
            dated = [m.group(0) for m in YEAR.finditer(f"{lead.passage.title} {lead.passage.published}")]
            if years:
                out.append((code, years[0]))
            elif (
                dated
                and not alike & set(dated)  # the title or date states the year asked: no contradiction
                and not any(y in _article_about(lead, asking, one_year) for y in alike)
            ):
                out.append((code, dated[0]))
            continue
        shape = re.sub(r"\d+", "#", code)
        if shape != "#":  # "x8" against "x7", "q3" against "q2"
            like = next((t for t in tokens if t != code and re.sub(r"\d+", "#", t) == shape), "")
            like = like or timeframe.titled_other(code, lead.passage.title, lead.passage.text)
            if like:
                out.append((code, like))
            continue
        # a bare number: the word before it names what it numbers ("band 3" against "band 2")
        i = q_tokens.index(code) if code in q_tokens else -1
        if i > 0 and q_tokens[i - 1].isalpha():
            word = q_tokens[i - 1]
            found = re.search(rf"\b{re.escape(word)}\s+(\d+)\b", text)
            numbered = found.group(1) if found else code
            if not found and word not in STOPWORDS and word not in MONTHS:  # no "tab N": the title may
                titled = timeframe.titled_other(f"{word} {code}", lead.passage.title, lead.passage.text)
                numbered = titled.split()[-1] if titled else code
            if numbered != code and not (YEAR.fullmatch(numbered) and numbered[2:] == code):  # "in 97": 1997
                out.append((f"{word} {code}", f"{word} {numbered}"))
    return tuple(out)


def _article_about(lead: Candidate, asking: str, one_year: bool) -> str:
    """The lead's passage, lowercase; of one year asked, only its sentences about the lead's fact
    (`timeframe.about_lead`)."""
    if one_year:
        return timeframe.about_lead(lead.passage.text, lead.span.text, asking)
    return lead.passage.text.lower()


FULL_DATE = re.compile(
    rf"\b(({MONTH_NAMES}) \d{{1,2}}(,? (19|20)\d\d)?|\d{{1,2}} ({MONTH_NAMES})(,? (19|20)\d\d)?"
    rf"|(({MONTH_NAMES}) )?(19|20)\d\d)\b",
    re.I,
)


def short_answer(q: Question, chosen: list[Candidate]) -> tuple[str, Candidate | None]:
    """The short fact a question asks for, from the first chosen sentence stating it."""
    short, cand, _ = short_fact(q, chosen)
    return short, cand


def short_fact(
    q: Question, chosen: list[Candidate], idf: Callable[[str], float] | None = None
) -> tuple[str, Candidate | None, tuple[int, int] | None]:
    """The short fact, the sentence it is taken from, and its offsets in that sentence.

    A number/date/duration phrase for those questions; for who/where/which, the entity span
    (`rag.compose`). The phrase is always a span of the sentence (None only for none found). Of
    several in one sentence, the one whose clause states most of the question: the relation asked
    first, then the other words by their `idf` (`_clause_weight`).
    """
    patterns: dict[str, re.Pattern[str]] = {
        COUNT: NUMBER,
        DURATION: DURATION_PHRASE,
        MONEY: MONEY_AMOUNT,
        DATE: FULL_DATE,
        WEEKDAY: WEEKDAY_RE,
        TIME: TIME_ANSWER,
        **{k: v for k, v in QUANTITY_RE.items() if k != AMOUNT},
        AMOUNT: AMOUNT_ANSWER,
    }
    asked = q.text.lower()
    focus = frozenset(t for t, _ in q.focus)
    for kind in q.types:
        if kind not in SHORT_TYPES:
            continue
        for cand in chosen:
            if kind not in cand.types:
                continue
            weight = _clause_weight(q, idf, cand.span.text)
            phrase = short_phrase(kind, cand.span.text, patterns, q.counted.split(), focus, weight)
            short = format_short(phrase) if phrase and phrase.lower() not in asked else ""
            if short:
                at = cand.span.text.find(phrase)
                return short, cand, (at, at + len(phrase)) if at >= 0 else None
    if q.listing:
        return "", None, None  # a list is read from its sentences, not cut to one item
    own = q.own_words
    # "who scored the winning penalty": a name next to the role asked comes first
    role = roles.asked_role(q.text, q.noun, q.predicate, q.types) if PERSON in q.types else None
    identity = IDENTITY_Q.match(q.text) if PERSON in q.types and role is None else None
    if identity and not all(map(reads_as_name, words(identity.group(1)))):
        identity = None  # "who was frosts lawyer" asks a role: a common word is no name
    for cand in chosen:
        text = cand.span.text
        found: tuple[int, int] | None = None
        if identity:  # "who is dmitry peskov": "Kremlin spokesperson", not another name
            found = identity_phrase(text, words(identity.group(1)), STOPWORDS, IRREGULAR_FORMS)
            if found is not None and (short := format_entity(text[found[0] : found[1]])):
                return short, cand, found
            continue
        if q.noun and stem(base_form(q.noun)) in cand.terms:
            found = class_phrase(text, stem(base_form(q.noun)), own, CALENDAR, _stem_word)
        if found is None and PERSON in q.types:
            fills = partial(_role_filled, role, text, own) if role else None
            found = person_phrase(text, own, PERSON_NOUNS, CALENDAR, STOPWORDS, fills=fills)
        if found is None and PLACE in q.types:
            found = place_phrase(text, own, CALENDAR, STOPWORDS, focus, _clause_weight(q, idf, text))
        if found is not None:
            short = format_entity(text[found[0] : found[1]])
            if short:
                return short, cand, found
        if q.types and any(k in SHORT_TYPES for k in q.types):
            break
    return "", None, None


def _clause_weight(
    q: Question, idf: Callable[[str], float] | None, text: str
) -> Callable[[str], float] | None:
    """How much a focus stem in a clause of `text` says that the clause holds the fact asked, when
    `text` states the relation asked: that relation outweighs every other word ("when did halvik
    airport reopen": the clause of "reopened at 09:00 on Wednesday", not of "Halvik airport closed
    ... on Tuesday"); other words weigh their `idf`. The relation is a question word that reads as a
    verb (a participle or irregular past: `rag.coverage.relation`) or that `text` states as a past
    form ("reopened"). None when `text` states no relation asked: clauses are then told apart by
    how many question words they state (`rag.compose.short_phrase`)."""
    tokens = words(text)
    pasts = {stem(base_form(w)) for w in tokens if w in IRREGULAR_PAST or PAST_FORM.search(w)}
    stated = {stem(base_form(w)) for w in tokens}
    relation = frozenset(t for t, w in q.focus if (coverages.relation(w) or t in pasts) and t in stated)
    if not relation:
        return None
    return lambda t: (RELATION_WEIGHT if t in relation else 0.0) + (idf(t) if idf else 1.0)


def _role_filled(role: roles.Role, text: str, own: frozenset[str], span: tuple[int, int]) -> bool:
    return roles.fills(role, text, span, own).ok


def total_of(
    q: Question, chosen: list[Candidate], lead: Candidate, ranked: list[Candidate]
) -> tuple[Candidate, Total] | None:
    """A "how many" count added up from one enumeration of the lead's article (`rag.compose.count_total`).

    Asked only when the lead states the question: its focus share reaches `SHORT_MIN_COVERAGE`, or
    every focus word it lacks is in no retrieved sentence either ("in total" adds nothing to find).
    """
    if COUNT not in q.types or not q.counted:
        return None
    if lead.coverage < SHORT_MIN_COVERAGE:
        stated = set().union(*(c.terms for c in ranked))
        if any(t in stated and t not in lead.terms for t, _ in q.focus):
            return None
    *modifiers, head = q.counted.split()
    doc = next((c for c in chosen if c is lead or lead in c.also_in), lead).passage.doc_id
    own = [c for c in chosen if c.passage.doc_id == doc]  # one article: outlets repeat the same items
    total = count_total([c.span.text for c in own], head, modifiers, _stem_word, STOPWORDS)
    return None if total is None else (own[total.sentence], total)


def _unrealised(
    q: Question, block: list[Candidate], chosen: list[Candidate], embed: Embed, *, wh: bool = False
) -> str:
    """The clause of the lead's block stating the event a yes/no or "who won" question (`wh`: a "what
    did X <verb>" question) asks about only as planned (`rag.modality`), or "". The predicate is also
    found by a near synonym. `chosen`: the sentences the answer quotes (`_fill`'s too)."""
    if wh:
        event = None if q.yesno else modality.asked_wh_event(q.text, q.predicate)
    else:
        event = modality.asked_event(q.text, q.predicate) if q.yesno or q.types == (PERSON,) else None
    if event is None or event.mode != modality.REALISED:
        # "when did regulators approve it", "will they pay": stated only as left open (`left_open`)
        if wh or (q.types and q.types != (TIME,)):
            return ""
        opened = modality.asked_open_event(q.text, q.predicate)
        return _left_open(opened, block + chosen, embed) if opened else ""
    texts = [c.span.text for c in block]
    pred = event.predicate
    # a sentence `_fill` adds is read only where it states the predicate: "If convicted, he faces ..."
    filled_ok = {_stem_word(pred)} if pred else set()
    read = block + [c for c in chosen if c not in block and (c.role != "fill" or filled_ok & c.terms)]
    others = [c.span.text for c in read[len(block) :]]
    if not modality.announces(texts + others):
        return ""
    literal = pred and any(_stem_word(pred) in c.terms for c in read)
    alike = (
        frozenset()
        if literal
        else modality.alike_words(pred, texts + others, embed=embed, min_cosine=SOFT_MATCH_COSINE)
    )
    return modality.unrealised(event, texts, alike, others)


def _left_open(event: modality.Event, read: list[Candidate], embed: Embed) -> str:
    """The clause of the sentences the answer quotes stating `event` only as left open, or ""."""
    texts = list(dict.fromkeys(c.span.text for c in read))
    if not any(modality.OPEN.search(t) or modality.REQUEST.search(t) for t in texts):
        return ""
    literal = any(_stem_word(event.predicate) in c.terms for c in read)
    alike = (
        frozenset()
        if literal
        else modality.alike_words(event.predicate, texts, embed=embed, min_cosine=SOFT_MATCH_COSINE)
    )
    return modality.left_open(event, texts, alike)


def _other_time(q: Question, lead: Candidate, chosen: list[Candidate]) -> tuple[str, str] | None:
    """(time asked, time stated instead) when the lead's fact is for another year, quarter or month
    (`rag.timeframe`). Besides the lead, the time asked may be stated in its passage and title and
    in the other chosen sentences: then there is no other time."""
    context = [lead.passage.title, lead.passage.text, *(c.span.text for c in chosen if c is not lead)]
    return timeframe.other_time(q.text, lead.span.text, context) or timeframe.other_month(
        q.text, context, lead.passage.published
    )


def _stem_word(word: str) -> str:
    return stem(base_form(word))


def settles(q: Question, lead: Candidate, unrealised: str = "") -> str:
    """ "Yes." or "No." when the lead sentence settles a yes/no question, else "".

    A lead stating the asked event only as planned (`unrealised`, `rag.modality`) settles nothing.

    It settles it when it states the question's focus (`YESNO_MIN_COVERAGE`, literally or by a
    near synonym) and every name and number of it; a negation near a focus word of the sentence
    that the question does not share answers "No.".
    """
    if not q.yesno or lead.coverage < YESNO_MIN_COVERAGE or unrealised:
        return ""
    terms, numbers = _stated([lead.span.text], lead.terms)
    if any(not e.stated_in(terms, numbers) for e in _essential(q)) or HEDGE.search(lead.span.text):
        return ""  # "it is not clear whether Russia would share ...": settles nothing
    negated_q = bool(NEGATION.search(q.text))
    text = lead.span.text
    focus = {t for t, _ in q.focus}
    tokens = words(text)
    near = False
    for m in NEGATION.finditer(text):
        before = len(words(text[: m.start()]))
        window = tokens[max(0, before - NEGATION_WINDOW) : before + NEGATION_WINDOW + 1]
        if any(stem(base_form(w)) in focus for w in window):
            near = True
    if near == negated_q:
        return "Yes."
    return "No."


def _settle(
    q: Question,
    result: Extract,
    lead: Candidate,
    quoted: list[Candidate],
    ranked: list[Candidate],
    idf: Callable[[str], float],
    embed: Embed,
) -> list[Candidate]:
    """The answer's sentences with the one that settles yes/no question `q` by a negation or against
    its false premise (`rag.verdict`) first, and "No." read from it. Otherwise
    unchanged: "Yes." stays the lead's reading (`settles`), since a sentence stating the event's words
    unnegated was measured a weak sign (calib: 6 right "Yes." gained, 9 wrong, and 4 unanswerables)."""
    essentials = _essential(q)
    names = frozenset(_stem_word(n) for n in q.names if not n[0].isdigit()) | {
        e.term for e in essentials if e.term
    }
    passages: dict[str, list[str]] = {}  # each article's retrieved passages: a sentence's surroundings
    for c in ranked:
        passages.setdefault(c.passage.doc_id, [c.passage.title])
        if c.passage.text not in passages[c.passage.doc_id]:
            passages[c.passage.doc_id].append(c.passage.text)
    around = {doc: _stated(texts) for doc, texts in passages.items()}  # read once per article
    ranked = ranked + _short_negations(ranked)
    read: list[verdicts.Sentence] = []
    for c in ranked:
        own = _stated([c.span.text], c.terms)
        terms, numbers = own[0] | around[c.passage.doc_id][0], own[1] | around[c.passage.doc_id][1]
        antecedent = _antecedent(c)
        title = frozenset(base_terms(c.passage.title))
        read.append(
            verdicts.Sentence(
                text=c.span.text,
                terms=frozenset(c.terms),
                context=frozenset(terms) | title,
                title=title,
                eligible=not contradictions(q, c),
                missing=frozenset(e.word for e in essentials if not e.stated_in(terms, numbers)),
                antecedent=antecedent,
                numbers_stated=all(e.stated_in(*own) for e in essentials if e.forms),
                named=names
                <= c.terms | antecedent | (frozenset() if _names_other(c.span.text, names) else title),
            )
        )
    found = verdicts.settle(q.text, q.focus, read, weight=idf, embed=embed, names=names)
    if found is None or found.verdict != verdicts.NO:
        return quoted  # "Yes." stays the lead's reading (`settles`): an affirmed mention is a weak sign
    cand = ranked[found.index]
    result.short, result.short_from, result.short_span, result.short_marks = found.verdict, cand, None, ()
    if any(cand in c.also_in for c in quoted):
        return quoted
    if cand not in quoted:
        cand.role = "settles"
    rest = [c for c in quoted if c is not cand]
    # read right after its "No.", or right after the quoted sentence its pronoun leans on
    before = next((i for i, c in enumerate(rest) if _just_before(c, cand)), None)
    if before is not None and LEADING_PRONOUN.match(cand.span.text):
        return [rest[before], cand, *rest[:before], *rest[before + 1 :]]
    return [cand, *rest]


def _just_before(prev: Candidate, cand: Candidate) -> bool:
    """Whether `prev` is the sentence right before `cand` in its article."""
    if prev.passage.doc_id != cand.passage.doc_id or prev.span.end > cand.span.start:
        return False
    text, start = cand.passage.text, cand.passage.start
    gap = text[prev.span.end - start : cand.span.start - start] if prev.span.end >= start else "x"
    return not gap.strip()


def _names_other(text: str, names: frozenset[str]) -> bool:
    """Whether `text` names someone or something (a capitalised word) the question does not: its
    headline then does not make it about the question's names ("Marazan have never won it.")."""
    return any(
        _stem_word(w) not in names
        for w in re.findall(r"\b[A-Z][\w'’-]*", text)
        if w.lower() not in STOPWORDS and w.lower() not in CALENDAR and not NEGATION.fullmatch(w)
    )


def _short_negations(ranked: list[Candidate]) -> list[Candidate]:
    """The statements of the retrieved passages too short to be candidates that open with a negation
    ("Nobody died."; `rag.verdict.short_negation`), last in rank."""
    seen = {(c.passage.doc_id, c.span.start) for c in ranked}
    out: list[Candidate] = []
    for passage in {c.passage.chunk_id: c.passage for c in ranked}.values():
        for span in split_sentences(passage.text, offset=passage.start):
            if (passage.doc_id, span.start) in seen or not (bare := verdicts.short_negation(span.text)):
                continue
            start = span.start + span.text.index(bare)
            statement = Span(start, start + len(bare), bare)
            out.append(Candidate(span=statement, passage=passage, terms=set(base_terms(bare))))
    return out


def _antecedent(cand: Candidate) -> frozenset[str]:
    """The stems of the sentence before `cand` in its passage when `cand` opens with a pronoun."""
    if not LEADING_PRONOUN.match(cand.span.text):
        return frozenset()
    before = [
        s for s in split_sentences(cand.passage.text, offset=cand.passage.start) if s.end <= cand.span.start
    ]
    return frozenset(base_terms(before[-1].text)) if before else frozenset()


def _class_stated(q: Question, chosen: list[Candidate], embed: Embed) -> bool:
    """Whether the chosen sentences state the kind of thing asked for, literally or by a near synonym."""
    return any(_stating_class(q, chosen, embed))


def class_similarity(q: Question, chosen: list[Candidate], embed: Embed) -> float:
    """How near the chosen sentences come to stating the kind of thing asked for: 1.0 when one
    states it literally (or the question asks for no kind), else the cosine of the kind ("colour")
    to the nearest content word of the sentences ("white" 0.73, "vest" 0.34)."""
    if not q.head:
        return 1.0
    term = stem(base_form(q.head))
    if any(term in c.terms for c in chosen):
        return 1.0
    vocab = _content_words(chosen)
    if not vocab:
        return 0.0
    return float(wordvec.cosines([q.head], vocab, embed).max())


def _retrieved_articles(retrieval: Retrieval) -> dict[str, tuple[str, str, list[str]]]:
    """Each retrieved article as doc id -> (title, published, its retrieved passages' texts)."""
    out: dict[str, tuple[str, str, list[str]]] = {}
    for p in retrieval.passages:
        out.setdefault(p.doc_id, (p.title, p.published, []))[2].append(p.text)
    return out


def _article_terms(lead: Candidate, retrieval: Retrieval) -> set[str]:
    """The terms of the lead's article as retrieved: its title and every retrieved passage of it."""
    texts = [p.text for p in retrieval.passages if p.doc_id == lead.passage.doc_id]
    return pickart.article_terms(lead.passage.title, texts)


def article_specific(
    q: Question, lead: Candidate, retrieval: Retrieval, idf: Callable[[str], float]
) -> float:
    """Share of the question's rare focus words (IDF >= `SPECIFIC_IDF`) that the lead's article
    states: "castel verde" asked, a tennis article's prize money quoted."""
    needed = [t for t, _ in q.focus if idf(t) >= SPECIFIC_IDF]
    if not needed:
        return 1.0
    article = _article_terms(lead, retrieval)
    return sum(t in article for t in needed) / len(needed)


def _stating_class(q: Question, cands: list[Candidate], embed: Embed) -> list[bool]:
    """For each candidate: whether it states the kind of thing asked for ("colour"), literally or by a
    word whose vector is near it ("white": 0.73 with the bundled model, "vest": 0.34)."""
    term = stem(base_form(q.head))
    out = [term in c.terms for c in cands]
    if all(out):
        return out
    vocab = _content_words(cands)
    if not vocab:
        return out
    near = wordvec.near_words([q.head], vocab, embed, SOFT_MATCH_COSINE)[q.head]
    return [hit or bool(near & set(words(c.span.text))) for hit, c in zip(out, cands, strict=True)]


def specific_coverage(q: Question, chosen: list[Candidate], idf: Callable[[str], float]) -> float:
    """Share of the question's rare focus words (IDF >= `SPECIFIC_IDF` in this corpus, or never in it)
    that the chosen sentences or their titles state: "china" in "how did china react"."""
    needed = [t for t, _ in q.focus if idf(t) >= SPECIFIC_IDF]
    if not needed:
        return 1.0
    stated = set().union(*(c.terms | set(base_terms(c.passage.title)) for c in chosen))
    return sum(t in stated for t in needed) / len(needed)


@dataclass(frozen=True)
class Essential:
    """A name or number of the question that the answer's passages must state."""

    word: str  # as the question writes it ("berit", "31st", "$1.2bn")
    term: str = ""  # its stem (a name or code); "" for a number
    forms: tuple[str, ...] = ()  # a number's canonical values, any of which states it

    def stated_in(self, terms: set[str], numbers: set[str]) -> bool:
        return bool(self.term and self.term in terms) or mentions.states_number(self.forms, numbers)


def _essential(q: Question) -> list[Essential]:
    """The question's names and numbers: its numbers as values (`rag.mentions`: "2,000" is "2000",
    "31st" is 31, "the 1990s" any year of them), and its focus words that are no English word
    ("berit") or codes ("x8", "q2")."""
    own = personal_numbers(q.text) if policies.current().read_chatter else frozenset()
    out = [
        Essential(written, forms=forms)
        for written, forms in mentions.asked_numbers(q.text)
        if written not in own
    ]
    for t, w in q.focus:
        if any(ch.isdigit() for ch in w):
            if not (w.isdigit() or NUMBER_UNIT.fullmatch(w)):  # numbers are read above
                # "q2" is also stated as "second quarter" (`rag.mentions.number_values`)
                out.append(Essential(w, t, forms=(w,) if mentions.PERIOD_CODE.fullmatch(w) else ()))
        elif not mentions.is_english(w) and not typo_of_english(t, w):  # "rwopen" read as "reopen"
            out.append(Essential(w, t))
    return out


def _stated(texts: Iterable[str], terms: set[str] | None = None) -> tuple[set[str], set[str]]:
    """The terms and the number values of `texts` (plus `terms`, already computed)."""
    texts = list(texts)
    found = set(terms or ()).union(*(base_terms(t) for t in texts))
    return found, set().union(*(mentions.number_values(t) for t in texts))


def _answer_texts(
    chosen: list[Candidate], *, passages: bool, retrieval: Retrieval | None = None
) -> list[str]:
    """What the answer states: its sentences, titles and the publication year of each sentence that
    states no year of its own (the source list shows each quote's date: "the 2023 final" is stated
    by "... won on Sunday" in a report published in 2023, not by "who won it in 2021" in one);
    with `passages`, the passages they come from (with `retrieval`, every retrieved passage of
    their articles)."""
    undated = (c.passage.published[:4] for c in chosen if not YEAR.search(c.span.text))
    years = [y for y in dict.fromkeys(undated) if YEAR.fullmatch(y)]
    if not passages:
        return [t for c in chosen for t in (c.span.text, c.passage.title)] + years
    docs = {c.passage.doc_id for c in chosen}
    out = [t for c in chosen for t in (c.passage.title, c.passage.text)] + years
    if retrieval is not None:
        out += [p.text for p in retrieval.passages if p.doc_id in docs]
    return out


def _read_preamble(
    ex: Extract,
    q: Question,
    block: list[Candidate],
    retrieval: Retrieval,
    idf: Callable[[str], float],
    soft: dict[str, set[str]],
) -> None:
    """Set `ex`'s features read with the question's preamble (`rag.asking`): its focus words and its
    names and numbers count as stated when some retrieved passage states them (the ask's words must
    still be stated by the lead and the answer's passages), and an unseen ordinary word of it is no
    unknown name."""
    ex.ask_focus_coverage, ex.ask_essential_in_passages = ex.focus_coverage, ex.essential_in_passages
    ex.ask_unknown = tuple(w for w in ex.unknown if not ordinary_word(w, q.text))
    pre = preamble_terms(q.text)
    if not pre:
        return
    texts = [t for p in retrieval.passages for t in (p.title, p.text)]
    found = found_terms(pre, texts)
    parts = split_ask(q.text)
    if not found and policies.current().read_chatter:  # a preamble the passages share no word of is chat
        found = chat_terms(parts.preamble, pre)
    frame = frame_words(q)
    focus = [(t, w) for t, w in q.focus if w not in frame]
    total = sum(idf(t) for t, _ in focus) or 1.0
    gained = [(t, w) for t, w in focus if t in found and not any(states_focus(t, w, c, soft) for c in block)]
    # a preamble identifies the topic only when the passages state all of its focus words ("my cousin
    # lost her summer cabin in the pinecrest fire": no passage has "cousin" or "cabin")
    whole = all(t in found or any(states_focus(t, w, c, soft) for c in block) for t, w in focus if t in pre)
    if whole:
        ex.ask_focus_coverage = min(1.0, ex.focus_coverage + sum(idf(t) for t, _ in gained) / total)
    preamble = parts.preamble.lower()
    needed = _essential(q)
    found_words: set[str] = set()
    if needed:
        chosen_texts = _answer_texts(ex.chosen, passages=True, retrieval=retrieval)
        ok, chosen_terms = _essentials_stated(needed, chosen_texts)
        # the preamble is about the answer's articles when they state most of its focus words; its
        # other names and numbers may then be context another retrieved article states (last year's
        # result); else none counts ("just moved to brennmark lol, how much does kinoa cost here")
        own = [t for t, _ in focus if t in pre]
        if own and sum(t in chosen_terms for t in own) > PREAMBLE_ARTICLE_SHARE * len(own):
            stated = _stated(texts)
            found_words = {
                e.word
                for e, o in zip(needed, ok, strict=True)
                if not o and e.word.lower() in preamble and e.stated_in(*stated)
            }
        ex.ask_essential_in_passages = (sum(ok) + len(found_words)) / len(needed)
    ex.preamble_found = tuple(sorted({w for t, w in focus if t in found} | found_words))


def essential_coverage(
    q: Question, chosen: list[Candidate], *, passages: bool = False, retrieval: Retrieval | None = None
) -> float:
    """Share of the question's names and numbers stated by the chosen sentences or their titles.

    With `passages`, anywhere in the retrieved passages the chosen sentences come from (with
    `retrieval`, in any retrieved passage of their articles).
    """
    needed = _essential(q)
    if not needed:
        return 1.0
    texts = _answer_texts(chosen, passages=passages, retrieval=retrieval)
    return sum(_essentials_stated(needed, texts)[0]) / len(needed)


def _essentials_stated(needed: list[Essential], texts: list[str]) -> tuple[list[bool], set[str]]:
    """Which of `needed` `texts` state, and the terms of `texts`. An acronym the texts write out in
    full is stated ("the qca": "the Quarry Conservation Authority")."""
    terms, numbers = _stated(texts)
    return [e.stated_in(terms, numbers) or spelled_out(e.word, texts) for e in needed], terms


def new_information(cand: Candidate, asked: set[str], idf: Callable[[str], float]) -> float:
    """What `cand` says beyond the question: log(1 + the IDF mass of its terms the question lacks).

    An answer states something the question does not; a sentence that only restates the
    question ("Storm Berit was the strongest storm ..." for "how strong was storm Berit") has
    little of it. The logarithm keeps long sentences from winning by length alone.
    """
    return math.log1p(sum(idf(t) for t in cand.terms if t not in asked))


def _term_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) of the content words of `text`, like `base_terms`."""
    out = []
    for word in words(text):
        word = re.sub(r"'s$", "", word)
        if word not in STOPWORDS and len(word) > 1:
            out.append((stem(base_form(word)), word))
    return out


def _quoted(items: list[str]) -> str:
    return " or ".join(f"“{i}”" for i in items)


# -- the answerer -------------------------------------------------------------------------


def extract(
    question: str,
    retrieval: Retrieval,
    *,
    embed: Embed,
    idf: Callable[[str], float],
    measure_focus: bool = False,
    context: bool = True,
) -> Extract:
    """Pick the sentences that answer `question`, or decide to refuse.

    `measure_focus` makes every refusal feature computed even when the policy uses none
    (always so while `recording`). `context`: `question` may end with a follow-up rewrite's
    context words in parentheses (`analyse`); the reader passes False when nothing was appended.
    """
    recorder = _recorder.get()
    measure_focus = measure_focus or recorder is not None
    result = _extract(question, retrieval, embed=embed, idf=idf, measure_focus=measure_focus, context=context)
    if recorder is not None:
        recorder.append(result)
    return result


@contextlib.contextmanager
def recording() -> Iterator[list[Extract]]:
    """Collect every `Extract` made in this context (calibration reads the features the engine saw)."""
    found: list[Extract] = []
    token = _recorder.set(found)
    try:
        yield found
    finally:
        _recorder.reset(token)


def _extract(
    question: str,
    retrieval: Retrieval,
    *,
    embed: Embed,
    idf: Callable[[str], float],
    measure_focus: bool,
    context: bool = True,
) -> Extract:
    policy = policies.current()
    q = analyse(question, context=context)
    snap = retrieval.snapshot
    reading = read(q.focus, q.names, vocabulary(snap.df) if snap is not None else None)
    q = replace(q, focus=reading.focus)
    if q.counted and snap is not None:
        # "how many ppl": a counted word the corpus never uses (shorthand, an uncorrected typo) says
        # nothing of what is counted, nor do the words after it ("how many ppl work at trellis": any
        # number, not one of "work"); a corrected one counts as its corpus word ("afordable flats")
        fixes = {stem(base_form(word)): fixed for word, fixed in reading.corrected}
        terms = [fixes.get(t, t) for t in q.counted.split()]
        known = list(itertools.takewhile(lambda t: snap.df.get(t, 0) > 0, terms))
        q = replace(q, counted=" ".join(known))
    cands = candidates(retrieval)
    if not cands:
        return Extract(chosen=[], refused=True, reason=REFUSAL_NO_EVIDENCE, question=q)
    if q.counted:
        q = replace(q, counted_alike=counted_alike(q, cands, embed))
    fixes = dict(reading.corrected)
    q_terms = list(
        dict.fromkeys(
            fixes.get(w, t) for t, w in _term_words(question) if w not in CHATTER | CONTRACTIONS | FRAME_ONLY
        )
    ) or list(dict.fromkeys(base_terms(question)))
    q_weight = sum(idf(t) for t in q_terms) or 1.0
    vectors = embed([c.span.text for c in cands])
    q_unit = wordvec.unit(retrieval.query_embedding or embed([question])[0])
    # an interview's answer is read with the question printed before it (`rag.interview`)
    paired = [c for c in cands if c.asked]
    asked_cos = {
        id(c): float(wordvec.unit(v) @ q_unit)
        for c, v in zip(paired, embed([c.asked for c in paired]) if paired else [], strict=True)
    }
    for cand, vec in zip(cands, vectors, strict=True):
        cand.vector = vec
        cand.unit = wordvec.unit(vec)
        cand.cosine = float(cand.unit @ q_unit)
        if cand.asked:
            cand.cosine = max(cand.cosine, asked_cos[id(cand)])
            cand.terms |= set(base_terms(cand.asked))
        cand.lexical = sum(idf(t) for t in q_terms if t in cand.terms) / q_weight
        cand.score = W_COSINE * cand.cosine + W_LEXICAL * cand.lexical
        cand.types = answer_types(q, cand.span.text, cand.passage.published) if q.types else set()
    raw = sorted(cands, key=lambda c: -c.score)
    ranked, rep = _merge_duplicates(raw)
    best = ranked[0]

    # The lead: among the sentences close to the best (of the expected type, when the question
    # has one and some sentence carries it), the one that scores best with its focus coverage.
    pool = [c for c in ranked if c.score >= LEAD_RATIO * best.score][:LEAD_POOL]
    for cand in pool:
        cand.coverage = focus_coverage_of(q, cand, idf)
    typed = [c for c in pool if c.types]
    leaders = typed if q.types and typed else pool
    asked = set(base_terms(q.text)) | set(q_terms)
    # A sentence stating another year or model than the question's ("2021" for "the 2019 final")
    # leads only when no other does.
    # "what colour was the van": a sentence that states a colour leads when one does.
    states_class = dict(zip(map(id, pool), _stating_class(q, pool, embed), strict=True)) if q.head else {}
    alike = speaker_alike(q, pool, embed)  # "what did seoul say": "South Korea ... stated"
    # "how much does X earn": a sentence whose number is what is asked leads when one is (`rag.quantity`)
    fits = _quantity_fits(q, ranked[:FILL_POOL], idf, embed)
    role = roles.asked_role(q.text, q.noun, q.predicate, q.types)  # "who designed X": a role to fill
    role_on = bool(role) and (policy.require_role or policy.require_role_filled or measure_focus)
    role_alike: dict[str, frozenset[str]] = {}  # near words cost word embeddings: only when no literal one
    role_texts = _role_texts(retrieval) if role and role_on else []
    if role and role_on and (policy.require_role_filled or not roles.stated_in(role, role_texts)):
        role_alike = roles.alike_words(role, _content_words(pool), embed)

    def lead_checks(c: Candidate) -> tuple[bool, bool, bool, bool, bool, int]:
        """What the lead must satisfy before its score counts, most important first."""
        return (
            not contradictions(q, c),
            reports_speech(q, c, alike),
            states_class.get(id(c), True),
            _fit_score(fits, c) >= quantity.LEAD_MIN_FIT,
            not (role and policy.require_role_filled) or _fills_role(q, role, c, role_alike),
            len(c.types),
        )

    in_pool = {id(c) for c in pool}  # candidates whose focus coverage is measured

    def lead_key(c: Candidate) -> tuple[float, ...]:
        coverage = c.coverage if id(c) in in_pool else focus_coverage_of(q, c, idf)
        return (
            *lead_checks(c),
            c.score + W_LEAD_FOCUS * coverage + W_LEAD_NEW * new_information(c, asked, idf),
        )

    lead = max(leaders, key=lead_key)
    # A look-alike article's lead gives way to one of an article that states clearly more of the
    # question ("estova turnout?" led by the Kestria election's turnout; `rag.pickart`).
    # It never moves the lead to a sentence that states too little of the question to answer it.
    checks, articles, focus = lead_checks(lead), _retrieved_articles(retrieval), [t for t, _ in q.focus]
    weight = {t: idf(t) * pickart.rarity(w) for t, w in q.focus}
    dated = pickart.article_dates(articles)
    least = min(lead.coverage, policy.min_focus_coverage)
    lead = pickart.article_lead(
        lead,
        ranked,
        pickart.article_matches(focus, articles, lambda t: weight.get(t, 0.0), dated),
        key=lead_key,
        eligible=lambda c: (
            all(map(operator.ge, lead_checks(c), checks)) and focus_coverage_of(q, c, idf) >= least
        ),
        asked_years=pickart.years_asked(focus),
        dated=dated,
    )
    # A sentence of the lead's article that states the relation asked, not only the topic, leads
    # instead; the replaced lead follows it (`rag.leadpick`).
    checks = lead_checks(lead)
    lead, displaced = leadpick.relation_lead(
        q.text, lead, ranked, embed=embed, eligible=lambda c: all(map(operator.ge, lead_checks(c), checks))
    )
    # a heading restating a why/how question announces the paragraph that answers it (`rag.explain`)
    why = explaining.asked(q.text)
    if why and explaining.heading_asks(lead.span.text, why) and (under := _adjacent(lead, raw, rep)):
        lead = max(under, key=lambda c: c.score)
    chosen = [lead]
    lead.role = "lead"
    # the focus the lead states: a displaced lead's, when it states more (it names the topic)
    read_with = [lead] if displaced is None else [lead, displaced]
    lead.coverage = max(focus_coverage_of(q, c, idf) for c in read_with)
    # A lead that leans on a pronoun ("..., he said.") is read with the sentence before it.
    if PRONOUN_REFERENCE.search(lead.span.text):
        before = [c for c in _adjacent(lead, raw, rep, after=False) if c not in chosen]
        if before:
            chosen.insert(0, max(before, key=lambda c: c.score))
            chosen[0].role = "before"
    if displaced is not None:
        chosen.append(displaced)
        displaced.role = "displaced"
    # Continue the lead with the sentences that follow it on the same subject.
    tail = lead
    for _ in range(MAX_CONTINUATIONS):
        if len(chosen) >= MAX_SENTENCES:
            break
        follow = [
            c
            for c in (
                _opening(tail, raw, rep) if HEADLINE_LEDE and _headline(tail) else _adjacent(tail, raw, rep)
            )
            if c not in chosen and _continues(c, tail, lead) and _novelty(c, chosen, idf) >= NOVELTY_MIN
        ]
        if not follow:
            break
        tail = max(follow, key=lambda c: c.score)
        tail.role = "continuation"
        chosen.append(tail)
    # Missing answer types, then the next best sentences that add something.
    for kind in q.types:
        if len(chosen) < MAX_SENTENCES and not any(kind in c.types for c in chosen):
            extra = [c for c in typed if kind in c.types and c not in chosen]
            if extra:
                chosen.append(max(extra, key=lambda c: c.score + W_LEAD_FOCUS * c.coverage))
                chosen[-1].role = "type"
    for cand in ranked:
        if len(chosen) >= MAX_SENTENCES or cand.score < KEEP_RATIO * lead.score:
            break
        if _new_article(cand, chosen) and not _adds_to_answer(q, cand, chosen):
            continue  # it would cost a citation for nothing the question asks
        if cand not in chosen and _says_more(cand, chosen, idf):
            cand.role = "further"
            chosen.append(cand)
    if len(chosen) < MAX_SENTENCES:
        _same_article(chosen, ranked, lead, idf)
    if not q.listing and enumerates(q, lead):  # "who went with him": the lead lists several people
        q = replace(q, listing=True)
    if q.listing:
        _gather(q, chosen, ranked, lead, idf, embed)

    chosen = _same_article_first(chosen)

    types_found = set().union(*(c.types for c in chosen))
    type_ok = (
        not q.types
        or types_found >= set(q.types)
        or _restated_count(q, types_found, _lead_block(lead, chosen), idf)
    )
    names = name_coverage(q, retrieval)
    # Near synonyms cost word embeddings: looked for only when the literal coverage would refuse, or
    # would keep a question that asks a short fact from opening with it (`SHORT_MIN_COVERAGE`: the
    # same opening whether or not calibration records every feature)
    soft: dict[str, set[str]] = {}
    key = _key_focus(q)
    block = _lead_block(lead, chosen)
    if (
        measure_focus
        or lead.coverage < policy.min_focus_coverage
        or (q.types and lead.coverage < SHORT_MIN_COVERAGE)
        or (policy.require_key_focus and key not in lead.terms)
    ):
        soft = _soft_matches(q, block + read_with[1:], embed)
        lead.coverage = max(focus_coverage_of(q, c, idf, soft) for c in read_with)
    # the lead is read with a continuation that goes on about its subject by a pronoun:
    # "... was sacked in February." "She was replaced by ..."
    coverage = max(block_coverage(q, block, idf, soft), lead.coverage)
    # a sentence the answer quotes from the lead's article (`_fill` included) that states the whole
    # focus reads as the lead does ("Thirty-eight patients ... have had symptoms." leads; "... the
    # outbreak of the vomiting bug ..." is quoted after it)
    quoted = _fill(chosen, ranked, idf)
    if why and (cause := explaining.explanation(why, lead, quoted, ranked, lambda c: _adjacent(c, raw, rep))):
        cause.role = "explain"  # right after the lead's block, a place beyond MAX_SENTENCES (`rag.explain`)
        at = 1 + max(i for i, c in enumerate(quoted) if c.role in LEAD_BLOCK)
        chosen.insert(at, cause)
        quoted.insert(at, cause)
    coverage = max(
        coverage,
        paraphrase.whole_focus(
            (focus_coverage_of(q, c, idf, soft) for c in _own_article(lead, quoted)), [w for _, w in q.focus]
        ),
    )
    alike_chosen = alike | speaker_alike(q, chosen, embed)
    key_ok = not key or key in lead.terms or lead.span.text in soft.get(dict(q.focus)[key], set())
    result = Extract(
        chosen=chosen,
        refused=False,
        best_score=best.score,
        focus_coverage=coverage,
        answer_type_ok=type_ok,
        name_coverage=names,
        key_covered=key_ok,
        unknown=tuple(w for w in reading.unknown if not spelled_out(w, [p.text for p in retrieval.passages])),
        unseen_frequency=reading.rarest_unseen(),
        unseen=tuple(w for w, _ in sorted(reading.unseen, key=lambda x: x[1])),
        class_stated=_class_stated(q, chosen, embed)
        if (q.head and (policy.require_class or measure_focus))
        else True,
        class_similarity=class_similarity(q, chosen, embed)
        if (q.head and (policy.min_class_similarity > 0 or measure_focus))
        else 1.0,
        article_specific=article_specific(q, lead, retrieval, idf),
        essential_coverage=essential_coverage(q, chosen),
        essential_in_passages=essential_coverage(q, chosen, passages=True, retrieval=retrieval),
        specific_coverage=specific_coverage(q, chosen, idf),
        contradicted=contradictions(q, lead),
        other_time=_other_time(q, lead, chosen),
        speech_reported=any(reports_speech(q, c, alike_chosen) for c in chosen),
        role_stated=not (role and role_on) or roles.stated_in(role, role_texts, role_alike),
        role_filled=not role or not role_on or _fills_role(q, role, lead, role_alike),
        unrealised=_unrealised(q, block, quoted, embed),  # every sentence the answer quotes (`_fill`)
        unrealised_wh=_unrealised(q, block, quoted, embed, wh=True)
        if (policy.refuse_unrealised_wh or measure_focus)
        else "",
        attribute_stated=not (slot := _attribute_slot(q))
        or not (policy.require_attribute or measure_focus)
        or attributes.stated(slot, [c.span.text for c in chosen], idf, embed),
        noun_identified=not (spec := _identify_spec(q))
        or not (policy.require_identified or measure_focus)
        or not identify.unidentified(spec, [c.span.text for c in chosen], embed),
        name_identified=not (named := identify.asked_name(q.text))
        or not (policy.require_named or measure_focus)
        or not identify.unidentified(named, [c.span.text for c in chosen], embed),
        small_talk=coverages.small_talk(q.text, [w for _, w in q.focus] + list(reading.unknown)),
        measure_stated=not (policy.require_measure or measure_focus)
        or _measure_stated(q, [c.span.text for c in chosen], embed),
        question=q,
    )
    if not q.speaker and (policy.require_opinion or measure_focus):
        result.holder = opinions.asked_holder(q.text, embed)
        result.opinion_reported = _reacts(q, result.holder, chosen, embed)
    if reading.unseen and (policy.min_corpus_coverage > 0 or measure_focus):
        result.corpus_coverage, result.uncovered = _corpus_coverage(q, reading, ranked[:FILL_POOL], embed)
    _read_preamble(result, q, block, retrieval, idf, soft)
    # the sentence of the lead's article the answer would add for what the lead leaves unstated
    # (`rag.samesent`): read by the plan-only check before refusing, quoted when the answer is given
    with_residue: list[Candidate] | None = None
    if policy.refuse_unrealised_residue or measure_focus:
        with_residue = _residue_sentence(q, lead, quoted, ranked, idf, embed)
        if not result.unrealised and any(c.role == "residue" for c in with_residue):
            result.unrealised_residue = _unrealised(q, block, with_residue, embed)
    # the number the answer would open with is the lead's (else any chosen sentence's)
    if fitted := fits.get(id(lead)) or [f for c in chosen for f in fits.get(id(c), [])]:
        best_fit = max((fit for _, fit in fitted), key=lambda f: f.score)
        result.quantity_fit, result.quantity_missing = best_fit.score, best_fit.missing
        result.quantity_other = best_fit.other
    if lead.coverage >= SHORT_MIN_COVERAGE:  # a short fact only from a lead that states the question
        result.short, result.short_from, result.short_span = short_fact(q, [lead], idf)
        if not result.short and (verdict := settles(q, lead, result.unrealised)):
            result.short, result.short_from = verdict, lead
    if (counted := total_of(q, chosen, lead, ranked)) is not None:  # "In total: six drones."
        cand, total = counted
        result.short, result.short_from, result.short_span = total.text, cand, None
        result.short_marks = tuple((cand, a.start, a.end) for a in total.addends)
    elif result.short_from is not None and result.short_span is not None:
        if _short_fit(fits, result.short_from, result.short_span) < quantity.LEAD_MIN_FIT:
            result.short, result.short_from, result.short_span = "", None, None  # not the number asked
        else:
            result.short_marks = ((result.short_from, *result.short_span),)
    result.reason = refusal_reason(result, q, lead, retrieval, idf, soft, policy)
    result.refused = bool(result.reason)
    if not result.refused:  # the answer quotes what the lead leaves open (`rag.samesent`)
        if with_residue is None:
            with_residue = _residue_sentence(q, lead, quoted, ranked, idf, embed)
        quoted = with_residue
        if DATED_TYPES & set(q.types):  # "... on Tuesday" read with its dateline (`rag.dateline`)
            for cand in quoted:
                _with_dateline(cand)
    if not result.refused and (q.yesno or (not q.types and verdicts.premise(q.text))):  # `rag.verdict`
        quoted = _settle(q, result, lead, quoted, ranked, idf, embed)
    result.chosen = _same_article_first(quoted)
    return result
