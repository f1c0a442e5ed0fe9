"""Question reading against the corpus vocabulary: typos, chit-chat, unknown names (pure logic)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rag.extractive import analyse
from rag.question import Reading, Vocabulary, english_typo, read, usually_capitalised
from rag.sentences import content_terms

CORPUS = (
    "Kim Jong Un boarded his armoured train in Artyom. The train crossed the border. "
    "The governor gave Kim a bulletproof vest and five explosive drones. "
    "Kim and Putin met at the Vostochny spaceport. Shoigu showed Kim the reconnaissance drones."
)


def vocab() -> Vocabulary:
    return Vocabulary(Counter(content_terms(CORPUS)))


def reading(question: str):  # type: ignore[no-untyped-def]
    q = analyse(question)
    return read(q.focus, q.names, vocab())


def test_typos_are_corrected_to_the_corpus_vocabulary() -> None:
    r = reading("wat pulled kims trian")
    assert ("trian", "train") in r.corrected
    assert "train" in {t for t, _ in r.focus}
    r = reading("wat is the name of the spaceprot")
    assert any(w == "spaceprot" and t.startswith("spaceport") for w, t in r.corrected)
    assert r.unknown == ()


def test_chit_chat_and_contractions_are_not_focus() -> None:
    r = reading("ok so im a bit confused lol, whats the train")
    words = {w for _, w in r.focus}
    assert words == {"train"}
    assert r.unknown == ()


def test_a_name_the_articles_never_mention_is_unknown() -> None:
    assert reading("what did zelensky say about the train").unknown == ("zelensky",)
    assert reading("was the drone a kalashnikov").unknown == ("kalashnikov",)
    # An English word the articles never use is asked for, not unknown: "colour" must be stated.
    r = reading("what colour was the vest")
    assert r.unknown == () and "colour" in {w for _, w in r.focus}


def test_a_proper_noun_typed_in_lowercase_is_unknown() -> None:
    # cl100k_base's merge order says web text capitalises these; the articles never use them
    assert all(usually_capitalised(w) for w in ("japan", "australia", "london", "korea"))
    assert not any(usually_capitalised(w) for w in ("capital", "rain", "colour", "reacted", "gifts", "bill"))
    assert reading("whats the capital of australia").unknown == ("australia",)
    assert reading("is it going to rain in london").unknown == ("london",)
    # a common word the articles never use is still asked, not unknown; one they use is focus
    assert reading("is it going to rain").unknown == ()
    assert reading("did the train cross into korea").unknown == ("korea",)
    assert reading("did kim and putin meet").unknown == ()
    # a month dates the question (the article's publication date may state it): no name
    assert usually_capitalised("december") and reading("how much rain fell in december").unknown == ()


def test_abbreviation_reads_as_the_corpus_word_it_shortens() -> None:
    r = reading("what did the recon drones do")
    assert r.unknown == () and any(t.startswith("reconnaiss") for t, _ in r.focus)


def test_english_typo_is_not_a_name() -> None:
    assert english_typo("drnk") and not english_typo("zelensky")


def test_without_a_vocabulary_nothing_is_corrected_or_unknown() -> None:
    q = analyse("what did zelensky say")
    r = read(q.focus, q.names, None)
    assert r.unknown == () and r.corrected == ()


def test_opening_chit_chat_does_not_hide_the_question_word() -> None:
    from rag.question import strip_chatter

    assert strip_chatter("ok so lol what colour was the vest") == "what colour was the vest"
    assert strip_chatter("im curious, who went with him") == "who went with him"
    assert analyse("ok so lol what colour was the vest").head == "colour"
    assert analyse("hey when did kim leave").types == ("time",)


def test_english_frequency_reads_the_shipped_word_counts() -> None:
    from rag.question import english_frequency

    assert english_frequency("colour") > 7.0  # common English
    assert 4.0 < english_frequency("kimchi") < 6.0  # an English word, but rare
    assert english_frequency("messi") == 0.0 == english_frequency("berendt")  # not English words


def _unseen_below(r: Reading, threshold: float) -> list[str]:
    return [w for w, f in r.unseen if f < threshold]


def test_words_the_articles_never_use_are_read_with_their_english_frequency() -> None:
    # "messi" is one edit from "mess", but no slip of the fingers and far rarer in English: a name
    # the articles never mention (`name_like`). "kimchi" joins "kim" and "chi": kept as focus, but its
    # English frequency shows it is rare.
    r = reading("did messi play in the continental cup final")
    assert r.unknown == ("messi",) and r.rarest_unseen() == 0.0
    assert _unseen_below(r, 5.0) == ["messi"]
    r = reading("how do i make kimchi")
    assert _unseen_below(r, 5.5) == ["kimchi"] and _unseen_below(r, 5.0) == []
    # Common English words the articles never use are not rare: "colour" must be stated, not refused.
    r = reading("what colour was the vest")
    assert r.rarest_unseen() > 7.0 and _unseen_below(r, 6.0) == []
    # Words the articles use, or typos of them, are not unseen at all.
    assert "trian" not in {w for w, _ in reading("wat pulled kims trian").unseen}
    # Inflections and compounds of common words are common: "colors", "headwear".
    assert reading("what colors was the headwear").rarest_unseen() > 7.0


def test_a_typo_the_corpus_stems_apart_reads_through_its_english_word() -> None:
    # "congestoin" is two edits from the stem "congest" but one from the English "congestion".
    corpus = Vocabulary(Counter(content_terms("The congestion charge rose to nine euros in Halvik.")))
    q = analyse("whats the halvik congestoin charge")
    r = read(q.focus, q.names, corpus)
    assert ("congestoin", "congest") in r.corrected and r.unseen == () and r.unknown == ()


# -- accents, acronyms, names one edit from an English word (issue 10) ----------------------

ACCENTED = (
    "Pelé scored twice for Santos. Zoë Lambert chaired the CRA hearing. "
    "The film was shot on Vedø by Ines Mørk. The NHS trust gave no figures."
)


def accented(question: str):  # type: ignore[no-untyped-def]
    q = analyse(question)
    return read(q.focus, q.names, Vocabulary(Counter(content_terms(ACCENTED))))


def test_accents_are_folded_on_both_sides() -> None:
    from rag.sentences import fold, words

    assert words("Pelé, Zoë, Mørk, Sæther, São Paulo") == ["pele", "zoe", "mork", "saether", "sao", "paulo"]
    assert fold("plain ascii") == "plain ascii"
    # typed without the accent, the names the articles write with one are known, not typos or unknown
    r = accented("how many goals did pele score")
    assert r.unknown == () and r.corrected == () and "pele" in {t for t, _ in r.focus}
    r = accented("who is zoe lambert")
    assert r.unknown == () and {"zoe", "lambert"} <= {w for _, w in r.focus}
    r = accented("how long did they film on vedo")
    assert r.unknown == () and "vedo" in {w for _, w in r.focus}
    # and the reverse: typed with an accent the articles do not write
    assert accented("what did the crá say").unknown == ()


def test_short_acronyms_typed_in_lowercase() -> None:
    # one the articles use is matched case-folded ...
    r = accented("what did the cra decide")
    assert "cra" in {t for t, _ in r.focus} and r.unknown == ()
    assert "nhs" in {t for t, _ in accented("what did the nhs say").focus}
    # ... one they never use names something they never mention
    assert reading("what did the imf say about the train").unknown == ("imf",)
    assert reading("what did the nhs say about the train").unknown == ("nhs",)
    # chat shorthand and units are not acronyms
    assert reading("how many ppl were on the train").unknown == ()
    assert reading("how many km did the train go").unknown == ()
    assert reading("how much does the train cost per kwh").unknown == ()


def test_a_name_one_edit_from_an_english_word_stays_a_name() -> None:
    from rag.question import slip

    assert reading("did messi play in the final").unknown == ("messi",)
    assert reading("did ronaldo board the train").unknown == ("ronaldo",)
    # slips of the fingers are still typos: swapped, left out, doubled, neighbouring key
    assert slip("trian", "train") and slip("drnk", "drink") and slip("trainn", "train")
    assert slip("spaceporf", "spaceport") and slip("seperate", "separate")  # a vowel for a vowel
    assert not slip("messi", "mess") and not slip("salah", "sarah")
    r = reading("wat pulled kims trian")
    assert r.unknown == () and ("trian", "train") in r.corrected
    # an English word is never a name, however rare in the articles
    assert reading("was the train messy").unknown == ()


def test_a_typo_is_no_name_when_either_correction_is_a_slip() -> None:
    # the corpus's nearest term ("sever", a letter far away on the keyboard) is no slip, the common
    # English word ("separate", a vowel for a vowel) is: a typo, not a name the articles never mention
    v = Vocabulary(Counter(content_terms("The cable was severed. The satellites separated an hour later.")))
    q = analyse("when did the satellite seperate")
    assert read(q.focus, q.names, v).unknown == ()
    q = analyse("did messi see the satellite")
    assert read(q.focus, q.names, v).unknown == ("messi",)


def test_an_abbreviation_continues_the_typed_word_not_only_its_stem() -> None:
    v = Vocabulary(Counter(content_terms("The referendum passed. Reconnaissance drones flew.")))
    assert v.expand("recon", "recon") == "reconnaiss"
    # "refereed" stems to "refere", a prefix of "referendum": no abbreviation of it
    assert v.expand("refere", "refereed") == ""
    q = analyse("who refereed the final")
    assert read(q.focus, q.names, v).corrected == ()


def test_an_acronym_the_articles_write_out_is_spelled_out() -> None:
    from rag.question import spelled_out

    texts = ["Kim Jong Un left North Korea on Sunday.", "Its chief financial officer, Ana Lind, resigned."]
    assert spelled_out("nk", texts)
    assert spelled_out("cfo", texts)
    assert spelled_out("dprk", ["the Democratic People's Republic of Korea said"])
    assert not spelled_out("imf", texts)
    assert not spelled_out("nk", ["The king of North and South"])  # the initials of no phrase
    assert not spelled_out("of", ["of the"])  # function words are no phrase


def test_a_mistyped_function_word_is_frame_not_a_name() -> None:
    from rag.question import frame_typo, read, vocabulary

    assert frame_typo("wich") and frame_typo("teh")
    assert not frame_typo("which") and not frame_typo("messi") and not frame_typo("kim")
    vocab = vocabulary({"gift": 3, "kim": 5, "receiv": 2})
    reading = read((("wich", "wich"), ("gift", "gifts")), (), vocab)
    assert "wich" not in reading.unknown
    assert ("gift", "gifts") in reading.focus


# -- typos read as the corpus word they stand for (session 12) ------------------------------

TOWN = (
    "The town list was long. The town list grew. The town hall put the town list online. "
    "A girl was rescued from the old clock tower after the speed limit was cut for three months. "
    "The town council met the girl's family."
)


def town(question: str) -> Reading:
    q = analyse(question)
    return read(q.focus, q.names, Vocabulary(Counter(content_terms(TOWN))))


def test_a_slip_of_the_fingers_wins_over_a_more_frequent_word_one_edit_away() -> None:
    # "towr" is one edit from "town" (frequent, a far key) and from "tower" (a letter left out)
    r = town("how old was the clock towr")
    assert ("towr", "tower") in r.corrected and r.unknown == ()
    r = town("what is the speed limt")
    assert ("limt", "limit") in r.corrected and r.unknown == ()
    # "monthd": "months" with a neighbouring key; its stem is one edit from no corpus stem's
    r = town("did they cut it after three monthd")
    assert ("monthd", "month") in r.corrected and r.unknown == ()


def test_a_short_word_with_a_letter_left_out_is_no_acronym() -> None:
    r = town("how old was the grl they rescued")
    assert ("grl", "girl") in r.corrected and r.unknown == ()
    # a short word no corpus word continues is still an acronym the articles never mention
    assert town("what did the imf say about the tower").unknown == ("imf",)


def test_a_slip_typing_an_english_word_the_articles_lack_is_asked_not_a_name() -> None:
    r = town("how big was the mayors paoyff")
    assert r.unknown == () and "paoyff" in dict(r.unseen)
    assert dict(r.unseen)["paoyff"] > 5.0  # read with the frequency of "payoff", not as a rare name


def test_words_and_names_stay_what_they_are() -> None:
    # common English words are not typos of corpus words one edit away ("router": "routed")
    assert not any(w == "router" for w, _ in town("how do i reset my wifi router").corrected)
    assert town("what did zelensky say about the tower").unknown == ("zelensky",)
    assert town("did messi visit the town hall").unknown == ("messi",)


def test_two_letters_left_out_read_as_the_corpus_word() -> None:
    v = Vocabulary(Counter(content_terms("The drought hit farmers. What happened next was a relief fund.")))
    q = analyse("how much aid did farmers get for the drout")
    assert ("drout", "drought") in read(q.focus, q.names, v).corrected
    q = analyse("wat hapend to the fund")
    r = read(q.focus, q.names, v)
    assert ("hapend", "happen") in r.corrected and r.unknown == ()
    # a common English word is no typo of a longer one; a name stays unknown
    q = analyse("what did peskov say about the drought")
    assert read(q.focus, q.names, v).unknown == ("peskov",)


def test_a_typo_read_as_a_common_word_is_no_name_the_passages_must_write() -> None:
    from rag.extractive import _essential
    from rag.question import typo_of_english

    assert typo_of_english("happen", "hapend") and typo_of_english("separ", "seperate")
    # a typo of a name, or a name typed right, stays a name; so does an uncorrected word
    assert not typo_of_english("valcor", "vlacor") and not typo_of_english("telvara", "telvaras")
    assert not typo_of_english("", "berit")
    q = analyse("wat hapend to the wafer line at pennicks")
    v = Vocabulary(Counter(content_terms("Pennicks closed its wafer line. What happened next?")))
    focused = replace(q, focus=read(q.focus, q.names, v).focus)
    essential = {e.word for e in _essential(focused)}
    assert "hapend" not in essential and "pennicks" in essential
