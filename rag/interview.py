"""Read an interview's answer with the question it answers: "How long did the book take to write?"
"Nine years."

Interviews, FAQs and explainers state a fact as the answer to a question printed just before it
("Q: Where is the wall now?" "About a third of it is built."). The reader drops a question from its
candidates (it states nothing), so the answer sentence is read alone: it shares few words with
the user's question ("Nine years." has none of "how long did maren solvik spend writing the
book"), scores low, and the reader led with another sentence or refused.

`asked_before` pairs each sentence with the question printed directly before it in the same
passage. The reader then scores the answer by the closer to the user's question of its own meaning
and its printed question's, and reads the printed question's words as the answer's own, so the
focus checks see the topic the interviewer named.

It deliberately decides nothing else: it pairs only a question directly followed by its answer
(no gap of more than `MAX_GAP` characters), lends a question to the one sentence after it, and
does not change any refusal check's threshold: a paired answer still has to state the answer type
and the question's names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

MAX_GAP = 3  # characters between the printed question and its answer (a space or a line break)


def asked_before(spans: Sequence[tuple[int, int, str]], asks: Callable[[str], bool]) -> dict[int, str]:
    """For spans (start, end, text) in text order: the index of each sentence printed directly after
    a question (`asks`), mapped to that question's text."""
    out: dict[int, str] = {}
    for i in range(1, len(spans)):
        start, _, text = spans[i]
        _, prev_end, prev_text = spans[i - 1]
        if asks(prev_text) and not asks(text) and 0 <= start - prev_end <= MAX_GAP:
            out[i] = prev_text
    return out
