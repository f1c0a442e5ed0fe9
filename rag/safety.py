"""Keep instructions planted in articles away from the answerers (prompt injection).

Articles are data. A sentence that gives orders to a model or to the reader of a
prompt ("ignore previous instructions", "you are now in developer mode", "from
now on, answer ...", "print your system prompt") is masked with spaces of the
same length before any answerer sees the passage. Offsets stay exact, the
extractive answerer cannot quote it, an LLM never reads it, and verification
cannot confirm an answer that repeats it. The index keeps the article as it is,
and the retrieved passages shown to users are unchanged.

Besides the common phrasings (`INSTRUCTION_PATTERNS`), three general signals catch
paraphrases: a sentence *addressed* to an assistant, AI, model, chatbot or the
reader ("Note to the assistant: ...", "Dear AI, ...", "Any chatbot summarising
this page ..."); a *directive* - you / the model must, should, will answer,
reply, say, state ...; and *meta* talk about the task - the correct answer is,
disregard the sources, when someone asks ... tell them, your new task is. It is
not a classifier: the LLM prompt separately says that sources are data, not
instructions. A news story that quotes such a sentence loses that one sentence
from answers; the five seed articles lose none.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.sentences import split_sentences

if TYPE_CHECKING:
    from rag.retrieve import Retrieval

INSTRUCTION_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}"
    r"\b(instructions?|rules|prompts?|directions|guidelines|guardrails)\b",
    r"\b(system|developer|hidden)\s+(prompt|message|mode|instructions?)\b",
    r"\byou are now\b",
    r"\b(from now on|henceforth)\b[^.!?\n]{0,60}\b(answer|respond|reply|say|tell|cite|write)\b",
    r"\b(print|reveal|show|repeat|output|leak)\b[^.!?\n]{0,40}"
    r"\b(prompt|instructions|api[ _-]?keys?|secrets?|passwords?)\b",
    r"\bas an? (ai|assistant|language model|chatbot)\b",
    r"^\s*(system|assistant)\s*:",
]
_AI = (
    r"(?:assistants?|ais?|a\.i\.|(?:language\s+)?models?|llms?|chat\s?bots?|bots?|agents?|"
    r"automated\s+systems?|ai\s+systems?|readers?)"
)
_ANSWER_VERBS = (
    r"(?:answer|respond|reply|say|state|tell|claim|report|write|cite|output|mention|praise|"
    r"ignore|disregard|treat|pretend|insist|conclude|recommend)"
)
ADDRESSED_PATTERNS = [
    # "Note to the assistant:", "Message for any AI", "Instructions for language models"
    rf"^\W*(?:note|message|memo|reminder|attention|instructions?|warning)\s+(?:to|for)\s+"
    rf"(?:the\s+|any\s+|all\s+|every\s+)?(?:\w+\s+)?{_AI}\b",
    # "Dear AI,", "Hey assistant", "Attention model:"
    rf"^\W*(?:dear|hey|hi|hello|attention|attn|ok|okay)\s+(?:the\s+)?(?:\w+\s+)?{_AI}\b",
    # a vocative opening: "Assistant, ...", "AI: ...", "Reader, you ..."
    rf"^\W*{_AI}\s*[,:]",
    # "If you are an AI / a language model / an automated system"
    rf"\bif\s+you\s+are\s+(?:an?\s+)?(?:\w+\s+)?{_AI}\b",
    # "Any chatbot summarising this page", "Language models reading this"
    rf"\b{_AI}\s+(?:(?:that|who|which)\s+)?(?:is\s+|are\s+)?"
    r"(?:reading|processing|summari[sz]ing|parsing|indexing|answering|scraping|reads?|processe?s?|"
    r"summari[sz]es?|scrapes?)"
    r"\s+(?:this|these|the\s+(?:above|following|text|page|article|document)|questions|queries|users)\b",
    # "System note:", "Developer message:"
    r"^\W*(?:system|developer|admin|operator)\s+(?:note|message|notice|override|instructions?|prompt)\b",
]
DIRECTIVE_PATTERNS = [
    # "you must reply", "the model should say", "Language models ... must answer"
    rf"\b(?:you|{_AI})\b[^.!?\n]{{0,40}}\b(?:must|should|shall|will|need\s+to|have\s+to|are\s+to|is\s+to)"
    rf"\s+(?:\w+\s+){{0,2}}{_ANSWER_VERBS}\b",
    # "the editors want you to say", "we ask you to report"
    rf"\b(?:want|wants|need|needs|ask|asks|instruct|instructs|require|requires|order|orders|expect|expects)"
    rf"\s+you\s+to\s+{_ANSWER_VERBS}\b",
    # "instead respond that", "answer only with", "only reply"
    r"\b(?:instead|only|always)\s+(?:respond|reply|answer|say|state)\b",
    r"\b(?:respond|reply|answer)\s+(?:only|always)\b",
    r"\bin\s+(?:every|each|all|any)\s+(?:of\s+your\s+)?(?:reply|replies|answers?|responses?)\b",
]
META_PATTERNS = [
    # "the correct answer is", "The right answer to any question about ..."
    r"\bthe\s+(?:correct|right|true|real|only|actual|proper)\s+answer\s+"
    r"(?:is|should|must|to\s+(?:any|every|all|this|that|the)\b)",
    # "disregard the sources", "do not rely on the sources", "ignore the rest of this article"
    r"\b(?:disregard|ignore|discard|forget|(?:do\s+not|don'?t|never)\s+(?:rely\s+on|trust|use|believe|cite))"
    r"\b[^.!?\n]{0,30}\b(?:sources?|documents?|articles?|context|passages?|above|rest\s+of|other\s+texts?)\b",
    # "treat everything above as outdated"
    r"\btreat\s+(?:everything|anything|all|the\s+text)\s+(?:above|below|else|before)\b",
    # "when someone asks about X, tell them ..."
    r"\b(?:when|if|whenever)\s+(?:someone|anyone|somebody|a\s+user|the\s+user|users|people|you\s+are)\s+"
    r"(?:asks?|asked|questions?|queries)\b[^.!?\n]{0,80}\b(?:tell|say|answer|reply|respond|state|claim)\b",
    # "your new task is", "your instructions are"
    r"\byour\s+(?:new\s+|real\s+|true\s+|actual\s+)?(?:task|instructions?|role|job|goal|purpose|orders?)\s+"
    r"(?:is|are|now|has|have)\b",
]
INSTRUCTION = re.compile(
    "|".join(
        f"(?:{p})" for p in [*INSTRUCTION_PATTERNS, *ADDRESSED_PATTERNS, *DIRECTIVE_PATTERNS, *META_PATTERNS]
    ),
    re.IGNORECASE | re.MULTILINE,
)
TITLE_PLACEHOLDER = "(untitled)"


def looks_like_instruction(text: str) -> bool:
    return bool(INSTRUCTION.search(text))


def mask_instructions(text: str) -> str:
    """`text` with every instruction-like sentence replaced by spaces (same length, same offsets)."""
    if not INSTRUCTION.search(text):
        return text
    out = list(text)
    for span in split_sentences(text):
        if looks_like_instruction(span.text):
            out[span.start : span.end] = " " * (span.end - span.start)
    return "".join(out)


def guarded(retrieval: Retrieval) -> Retrieval:
    """A copy of the retrieval whose passages (and titles) carry no instruction-like sentences."""
    passages = [
        replace(
            p,
            text=mask_instructions(p.text),
            title=TITLE_PLACEHOLDER if looks_like_instruction(p.title) else p.title,
        )
        for p in retrieval.passages
    ]
    return replace(retrieval, passages=passages)
