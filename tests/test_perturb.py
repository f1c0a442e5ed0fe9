"""The typo variants of a question set (evals/perturb.py): realistic, seeded, facts unchanged."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from evals.perturb import CHAT_FORMS, KINDS, WORD, main, mistype, perturb, perturb_items, typo, write
from rag.sentences import STOPWORDS


def _changed(a: str, b: str) -> list[tuple[str, str]]:
    wa, wb = WORD.findall(a), WORD.findall(b)
    assert len(wa) == len(wb)
    return [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]


def test_each_kind_of_typo_is_one_realistic_slip() -> None:
    rng = random.Random(0)
    dropped = typo("budget", "drop", rng)
    assert len(dropped) == 5 and dropped[0] == "b"
    doubled = typo("budget", "double", rng)
    assert len(doubled) == 7 and any(doubled[i] == doubled[i + 1] for i in range(6))
    swapped = typo("budget", "swap", rng)
    assert sorted(swapped) == sorted("budget") and swapped != "budget" and swapped[0] == "b"
    keyed = typo("budget", "key", rng)
    diff = [(a, b) for a, b in zip(keyed, "budget", strict=True) if a != b]
    assert len(diff) == 1  # one letter, a neighbouring key on its QWERTY row
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    assert any(diff[0][0] + diff[0][1] in row or diff[0][1] + diff[0][0] in row for row in rows)
    assert typo("receive", "phonetic", rng) == "recieve"
    assert typo("phone", "phonetic", rng) == "phone"  # the first letter is kept
    assert typo("bxz", "phonetic", rng) == "bxz"  # a kind that cannot apply leaves the word
    for seed in range(30):
        assert mistype("parliament", random.Random(seed)) != "parliament"
    assert set(KINDS) == {"drop", "double", "swap", "key", "phonetic"}


def test_perturb_is_deterministic_and_mistypes_content_words_only() -> None:
    q = "how many votes did the city council need to pass the 2026 budget amendment"
    assert perturb(q, "id1") == perturb(q, "id1")
    variants = {perturb(q, f"id{i}") for i in range(20)}
    assert len(variants) > 5  # the item's id seeds it: items differ
    for v in variants:
        changed = _changed(q, v)
        # six content words or more: two get a typo (a chat form may come on top)
        typos = [(a, b) for a, b in changed if a.lower() not in CHAT_FORMS]
        assert len(typos) == 2
        assert all(a.lower() not in STOPWORDS and len(a) >= 4 for a, _ in typos)
        assert "2026" in v  # numbers are never mistyped
    short = "who is zoe rich"
    assert all(len(_changed(short, perturb(short, f"k{i}"))) <= 1 for i in range(20))


def test_chat_forms_come_now_and_then() -> None:
    q = "what do people say about the government"
    forms = [perturb(q, f"c{i}") for i in range(40)]
    assert any("ppl" in f or "govt" in f or "wat " in f for f in forms)
    assert any(not ({"ppl", "govt", "wat"} & set(f.split())) for f in forms)


def test_items_keep_their_facts_and_are_tagged(tmp_path: Path) -> None:
    items = [
        {"id": "a", "question": "how big was the budget gap", "answerable": True, "facts": [["18.6 million"]],
         "tags": ["number"], "history": []},
        {"id": "b", "question": "what colour was the mayor's coat", "answerable": False, "facts": []},
    ]  # fmt: skip
    out = perturb_items(items)
    assert [o["facts"] for o in out] == [i["facts"] for i in items]
    assert [o["answerable"] for o in out] == [True, False]
    assert out[0]["tags"] == ["number", "typo-variant"] and out[1]["tags"] == ["typo-variant"]
    assert all(o["question"] != i["question"] for o, i in zip(out, items, strict=True))
    src, dst = tmp_path / "q.jsonl", tmp_path / "sub" / "q.typo.jsonl"
    src.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    assert write(src, dst) == 2
    again = tmp_path / "again.jsonl"
    assert main(["--write", str(src), str(again)]) == 0
    assert dst.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")  # seeded: the same file
    assert [json.loads(line)["question"] for line in dst.read_text(encoding="utf-8").splitlines()] == [
        o["question"] for o in out
    ]


def test_a_missing_question_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--write", str(tmp_path / "nope.jsonl"), str(tmp_path / "out.jsonl")])
    assert exit_.value.code == 2
    assert "no question file" in capsys.readouterr().err
