"""The refusal policy is data written by calibration, and refusal reasons use the user's words."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rag import extractive
from rag import policy as policies
from rag.retrieve import Passage, Retrieval
from rag.sentences import content_terms
from tests.test_extractive import fake_embed, idf


def test_shipped_policy_file_is_what_the_reader_uses() -> None:
    data = json.loads(policies.POLICY_FILE.read_text(encoding="utf-8"))
    assert policies.current() == policies.load()
    assert policies.current().min_score == data["min_score"]
    assert "calibrated_on" in data  # the figures calibration measured travel with the policy


def test_using_overrides_the_policy_only_inside_the_block(tmp_path: Path) -> None:
    strict = policies.Policy(min_score=0.99)
    with policies.using(strict):
        assert policies.current() is strict
    assert policies.current() == policies.load()
    path = tmp_path / "p.json"
    path.write_text(strict.to_json(calibrated_on={"x": 1}), encoding="utf-8")
    assert policies.load(path) == strict


class _Snap:
    def __init__(self, text: str):
        self.df = Counter(content_terms(text))


def ask(question: str, article: str) -> extractive.Extract:
    passage = Passage("d0::c::0000", "d0", "Article", "", "", article, 0, len(article))
    found = Retrieval(question, [passage], query_embedding=fake_embed([question])[0])
    found.snapshot = _Snap(article)  # type: ignore[assignment]
    return extractive.extract(question, found, embed=fake_embed, idf=idf)


ARTICLE = (
    "The regional governor gave Kim a bulletproof vest and five explosive drones as gifts. "
    "Kim boarded his armoured train in Artyom on Sunday."
)


def test_unknown_name_is_refused_with_the_name() -> None:
    with policies.using(policies.Policy(min_score=0.0, refuse_unknown_names=True, min_focus_coverage=0.0)):
        ex = ask("what did zelensky say about the vest", ARTICLE)
    assert ex.refused and ex.unknown == ("zelensky",)
    assert ex.reason == extractive.REFUSAL_UNKNOWN.format(names="“zelensky”")


def test_refusal_reason_names_what_is_mentioned_and_what_is_not_never_filler() -> None:
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.7)):
        ex = ask("ok so lol what colour was the bulletproof vest", ARTICLE)
    assert ex.refused
    assert "“colour”" in ex.reason and "mention" in ex.reason
    for filler in ("ok", "so", "lol"):
        assert f"“{filler}”" not in ex.reason


def test_typo_does_not_cause_a_refusal() -> None:
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.5, refuse_unknown_names=True)):
        ex = ask("wat train did kim bord in artyom", ARTICLE)
    assert not ex.refused and "armoured train" in ex.chosen[0].span.text


def test_calibration_never_reads_held_out_questions(tmp_path: Path) -> None:
    import pytest

    from evals.calibrate import calibration_items

    held = tmp_path / "x.heldout.jsonl"
    held.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit):
        calibration_items(held)


def test_calibration_feature_replay_matches_the_readers_own_decision() -> None:
    """evals.calibrate.refuses replays a policy on recorded features: it must agree with the reader."""
    from evals.calibrate import refuses

    cases = [
        ("what did zelensky say about the vest", policies.Policy(min_score=0.0, refuse_unknown_names=True)),
        ("ok what colour was the bulletproof vest", policies.Policy(min_score=0.0, min_focus_coverage=0.7)),
        ("which train did kim board in artyom", policies.Policy(min_score=0.0, min_focus_coverage=0.5)),
    ]
    for question, policy in cases:
        with policies.using(policy):
            ex = ask(question, ARTICLE)
        assert refuses(policy, ex) == ex.refused, question


def test_the_grid_search_table_refuses_exactly_as_the_feature_replay() -> None:
    """evals.calibrate.Table (the vectorised grid search) agrees with `refuses` row by row."""
    from dataclasses import replace

    from evals.calibrate import Row, Table, grid, refuses
    from evals.dataset import Item

    questions = [
        "what did zelensky say about the vest",
        "ok what colour was the bulletproof vest",
        "which train did kim board in artyom",
        "how many drones did kim get in 2019",
        "what gifts did the governor give",
    ]
    rows = []
    for i, question in enumerate(questions):
        with policies.using(
            policies.Policy(min_score=0.0, require_answer_type=False, min_focus_coverage=0.0)
        ):
            ex = ask(question, ARTICLE)
        item = Item(id=f"x{i}", question=question, facts=[], answerable=bool(i % 2))
        rows.append(Row("s", item, ex, 1.0))
    table = Table(rows)
    policies_ = [*grid()[::997], replace(policies.Policy(), require_class=True, require_key_focus=True)]
    for policy in policies_:
        assert list(table.refused(policy)) == [refuses(policy, r.ex) for r in rows if r.ex is not None]
