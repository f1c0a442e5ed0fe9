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


def test_a_word_neither_the_articles_nor_english_use_is_refused_when_the_policy_says_so() -> None:
    # "kimchi" reads as English ("kim" + "chi"), so it is no unknown name; but it is rare in English.
    question = "did kimchi give kim the bulletproof vest"
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0, min_unseen_frequency=5.5)):
        ex = ask(question, ARTICLE)
    assert ex.unknown == () and 5.0 < ex.unseen_frequency < 5.5
    assert ex.refused and ex.reason == extractive.REFUSAL_UNKNOWN.format(names="“kimchi”")
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0, min_unseen_frequency=5.0)):
        assert not ask(question, ARTICLE).refused
    # "messi" is one edit from "mess" but no slip of the fingers: a name the articles never mention
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0, refuse_unknown_names=True)):
        ex = ask("did messi give kim the bulletproof vest", ARTICLE)
    assert ex.unknown == ("messi",) and ex.reason == extractive.REFUSAL_UNKNOWN.format(names="“messi”")
    # A common English word the articles never use ("colour") is not rare: no refusal by this check.
    with policies.using(policies.Policy(min_score=0.0, min_focus_coverage=0.0, min_unseen_frequency=5.0)):
        ex = ask("what colour was the bulletproof vest", ARTICLE)
    assert ex.unseen_frequency > 5.0 and ex.reason != extractive.REFUSAL_UNKNOWN.format(names="“colour”")


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
        ("did messi give kim the vest", policies.Policy(min_score=0.0, min_unseen_frequency=1.0)),
        ("did messi give kim the vest", policies.Policy(min_score=0.0, min_unseen_frequency=0.0)),
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
        "did messi give kim the vest",
        "how do i make kimchi on the train",
        "ok so i keep hearing about hacks, which train did kim board",  # a preamble (`rag.asking`)
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
    policies_ = [
        *grid()[::997],
        replace(policies.Policy(), require_class=True, require_key_focus=True),
        replace(policies.Policy(), min_unseen_frequency=1.0),
        replace(policies.Policy(), min_unseen_frequency=5.5),
        replace(policies.Policy(), read_preamble=True),
        replace(policies.Policy(), read_preamble=True, min_focus_coverage=0.9, min_essential_in_passages=1.0),
    ]
    for policy in policies_:
        assert list(table.refused(policy)) == [refuses(policy, r.ex) for r in rows if r.ex is not None]


# -- calibration resists overfitting ----------------------------------------------------------


def _rows(scores_answerable: list[float], scores_unanswerable: list[float]) -> list:  # type: ignore[type-arg]
    """Calibration rows whose only refusal feature is the best evidence score (the rest neutral)."""
    from evals.calibrate import Row
    from evals.dataset import Item

    rows = []
    for i, score in enumerate([*scores_answerable, *scores_unanswerable]):
        answerable = i < len(scores_answerable)
        item = Item(id=f"x{i}", question="q", facts=[], answerable=answerable)
        ex = extractive.Extract(chosen=[], refused=False, best_score=score)
        rows.append(Row("s", item, ex, 1.0 if answerable else 0.0))
    return rows


def test_paired_standard_error_counts_only_the_items_two_policies_decide_differently() -> None:
    from evals.calibrate import Table, paired_se

    table = Table(_rows([0.5] * 39 + [0.25], [0.5] * 37 + [0.25] * 3))
    loose, strict = policies.Policy(min_score=0.1), policies.Policy(min_score=0.3)
    assert paired_se([table], loose, loose) == 0.0
    # unanswerable: 3 of 40 items differ by 1; answerable: 1 of 40 differs by 2 (refused, fact lost)
    unans = (3 * (1 - 3 / 40) ** 2 + 37 * (3 / 40) ** 2) / 39 / 40
    ans = ((2 - 2 / 40) ** 2 + 39 * (2 / 40) ** 2) / 39 / 40
    assert abs(paired_se([table], strict, loose) - (unans + ans) ** 0.5) < 1e-9


def test_a_gain_within_the_noise_goes_to_the_looser_policy() -> None:
    """A stricter policy that wins by one item's worth is a tie: the one refusing less is chosen."""
    from evals.calibrate import Table, choose

    rows = _rows([0.5] * 39 + [0.25], [0.5] * 37 + [0.25] * 3)
    table = Table(rows)
    strict = policies.Policy(min_score=0.3)
    loose = replace_off(min_score=0.1)
    assert table.figures(strict).objective > table.figures(loose).objective  # the strict one "wins"
    chosen = choose(rows, options=SCORE_GRID)
    assert int(table.refused(chosen).sum()) == 0


def test_the_incumbent_stays_unless_beaten_by_more_than_the_noise() -> None:
    from evals.calibrate import Table, choose

    small_gain = _rows([0.5] * 39 + [0.25], [0.5] * 37 + [0.25] * 3)
    incumbent = replace_off(min_score=0.1)
    assert choose(small_gain, incumbent=incumbent, options=SCORE_GRID) == incumbent
    large_gain = _rows([0.5] * 40, [0.5] * 10 + [0.25] * 30)
    chosen = choose(large_gain, incumbent=incumbent, options=SCORE_GRID)
    assert chosen != incumbent and Table(large_gain).figures(chosen).refusal_unanswerable == 0.75


def test_a_tie_with_the_incumbent_keeps_the_incumbent() -> None:
    """A looser challenger within the noise of the incumbent does not replace it: fewer refusals
    may be fewer right refusals of unanswerable questions."""
    from evals.calibrate import Table, choose

    rows = _rows([0.5] * 39 + [0.25], [0.5] * 37 + [0.25] * 3)
    strict = replace_off(min_score=0.3)
    assert Table(rows).figures(strict).objective > Table(rows).figures(replace_off(min_score=0.1)).objective
    assert choose(rows, options=SCORE_GRID) != strict  # without an incumbent the loosest tie wins
    assert choose(rows, incumbent=strict, options=SCORE_GRID) == strict


def _score_grid() -> list[policies.Policy]:
    from evals.calibrate import MIN_SCORES

    return [replace_off(min_score=s) for s in MIN_SCORES]


def replace_off(**changes: float) -> policies.Policy:
    """A policy with every check off but `changes`."""
    from dataclasses import replace

    from evals.calibrate import OFF

    return replace(OFF, **changes)  # type: ignore[arg-type]


SCORE_GRID = _score_grid()
