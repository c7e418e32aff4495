"""What a trainee did to the case handed out (workbook.changes), record kind by record kind."""

from __future__ import annotations

from datetime import date

from workbook.changes import compare
from workbook.sample import sample_case


def test_nothing_done_is_nothing():
    case = sample_case()
    assert (compare(case, sample_case()).added, compare(case, case).steps) == (0, [])


def test_a_check_ins_date_edited_is_one_change():
    handout, case = sample_case(), sample_case()
    case.checkins[2].date = date(2026, 10, 30)
    counts = compare(handout, case).kinds["checkins"]
    assert (counts.added, counts.changed, counts.removed) == (0, 1, 0)
    assert compare(handout, case).steps == [4]


def test_an_attempts_text_edited_is_one_change_and_a_new_one_an_addition():
    handout, case = sample_case(), sample_case()
    case.attempts[0].text = "Reworded by the trainee"
    case.attempts.append(case.attempts[1].model_copy(update={"text": "Another attempt"}))
    counts = compare(handout, case).kinds["attempts"]
    assert (counts.added, counts.changed, counts.removed) == (1, 1, 0)


def test_an_idea_replaced_by_another_is_a_removal_and_an_addition():
    handout, case = sample_case(), sample_case()
    gone = case.ideas.pop()
    case.ideas.append(gone.model_copy(update={"id": "i99", "text": "A new idea"}))
    counts = compare(handout, case).kinds["ideas"]
    assert (counts.added, counts.changed, counts.removed) == (1, 0, 1)
