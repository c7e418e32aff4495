"""The live views under the step notebooks' forms, driven kernel-side: after each save, edit and
delete through the forms, the view shows what the records add up to."""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import date, timedelta

import pytest

from tests.conftest import minimal_case
from workbook.forms import Workbook
from workbook.sample import sample_case

TODAY = date(2026, 11, 26)


@pytest.fixture
def session(sqlite_practice):
    """A session on a new client with nothing recorded yet, on a fixed day."""
    with sqlite_practice.open() as store:
        store.save(minimal_case())
    wb = Workbook("new", str(sqlite_practice.path), today=TODAY)
    yield wb
    wb.store.close()


def _plain(fragment: str) -> str:
    """HTML as text: inline tags dropped, block tags as spaces, entities decoded."""
    inline = re.sub(r"</?(bdi|span|b)( [^>]*)?>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _text(view) -> str:
    """What a reader sees of a view (without its style sheet)."""
    return _plain(re.sub(r"<style>.*?</style>", "", view.html, flags=re.S))


def _rows(view, table: int = 0) -> list[list[str]]:
    """The cells of a view's table, as text."""
    tables = re.findall(r"<tbody>(.*?)</tbody>", view.html, flags=re.S)
    return [
        [_plain(c) for c in cells]
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in tables[table].split("</tr>")
        )
        if cells
    ]


def _fill(form, **values):
    for name, value in values.items():
        form.fields[name].set(value)


def _story(form, title, skills, role=None):
    form.new()
    _fill(form, title=title, text=f"What happened: {title}", life_role=role, felt_good=True)
    form.fields["skills"].other.value = ", ".join(skills)
    assert form.save().ok


def test_step1_ranks_the_skills_with_the_stories_behind_each(session):
    view = session.view("skills")
    assert "No stories yet" in _text(view)
    stories = session.form("stories")
    _story(stories, "The summer hires", ["Writing", "Communication"], "worker")
    _story(stories, "Coaching the under-tens", ["Communication", "patience"], "parent")
    rows = _rows(view)
    assert [r[1] for r in rows] == ["Communication", "Writing", "patience (own words)"]
    assert rows[0][2:] == ["2", "The summer hires; Coaching the under-tens"]
    assert rows[2][3] == "Coaching the under-tens"
    text = _text(view)
    assert "work: 1 story (1 felt good) — The summer hires" in text
    assert "parenting: 1 story" in text and "Evidence from beyond work (parenting)" in text


def test_step1_view_follows_an_edit_and_a_delete(session):
    view = session.view("skills")
    stories = session.form("stories")
    _story(stories, "The summer hires", ["Writing"], "worker")
    _story(stories, "The backlog checklist", ["Numeracy"], "worker")
    stories.edit("s2")
    stories.fields["skills"].other.value = "Numeracy, Writing"
    assert stories.save().ok
    assert _rows(view)[0][1:] == ["Writing", "2", "The summer hires; The backlog checklist"]
    stories.edit("s1")
    stories.delete()
    assert stories.delete().ok
    assert [r[1:3] for r in _rows(view)] == [["Numeracy", "1"], ["Writing", "1"]]
    assert "The summer hires" not in _text(view)


def _idea(form, text, source="client", **ratings):
    form.new()
    _fill(form, text=text, source=source, **ratings)
    outcome = form.save()
    assert outcome.ok, outcome.message
    return outcome.key


def _interview(form, person, referred_by=None, ideas=(), insights=None):
    form.new()
    _fill(form, date=date(2026, 11, 5), person=person, referred_by=referred_by, insights=insights)
    form.fields["ideas"].set(list(ideas))
    outcome = form.save()
    assert outcome.ok, outcome.message
    return outcome.key


def test_step3_weighs_the_ideas_and_marks_unrated_and_tested(session):
    view = session.view("weighed")
    assert "No ideas yet" in _text(view)
    ideas = session.form("ideas")
    low = _idea(ideas, "Night classes", fit=2, interest=2, feasibility=2)
    unrated = _idea(ideas, "Something with animals", fit=5)
    high = _idea(ideas, "Training coordinator", fit=5, interest=4, feasibility=3)
    tie = _idea(ideas, "Onboarding specialist", fit=4, interest=4, feasibility=4)
    rows = _rows(view)
    assert [r[1].split()[0] for r in rows] == [high, tie, low, unrated]  # 12 (fit 5), 12, 6, -
    assert [r[0] for r in rows] == ["1", "2", "3", "not rated yet"]
    assert rows[0][2:7] == ["client's", "5", "4", "3", "12"]
    assert rows[3][3:7] == ["5", "—", "—", "—"]
    assert "3 of 4 ideas rated; not rated yet: " + unrated in _text(view)
    assert {r[-1] for r in rows} == {"not tested yet"}
    _interview(session.form("interviews"), "Priya Banerjee", ideas=[tie])
    rows = _rows(view)  # redrawn after the interview form's save
    assert rows[1][-1] == "✓ tested by Priya Banerjee"
    assert rows[0][-1] == "not tested yet"
    ideas.edit(unrated)
    _fill(ideas, interest=5, feasibility=5)
    assert ideas.save().ok
    assert [r[1].split()[0] for r in _rows(view)][0] == unrated  # now 15: first


def test_step2_shows_sources_the_idea_map_and_the_referral_chain(session):
    view = session.view("ideas")
    assert "No ideas yet" in _text(view) and "No interviews yet" in _text(view)
    ideas = session.form("ideas")
    first = _idea(ideas, "Training coordinator")
    assert "The idea map appears once ideas are rated" in _text(view)
    assert "<img" not in view.html
    _idea(ideas, "Onboarding specialist", fit=4, interest=3, feasibility=4)
    assert [r[1:3] for r in _rows(view)] == [
        ["Training coordinator", "client's"],
        ["Onboarding specialist", "client's"],
    ]
    assert re.search(
        r'<img class="wb-view-figure" alt="The idea map[^"]*" src="data:image/png;', view.html
    )
    interviews = session.form("interviews")
    priya = _interview(
        interviews, "Priya Banerjee", ideas=[first], insights="Hospitals hire trainers."
    )
    _interview(interviews, "Marcus Oyelaran", referred_by=priya, insights="Show a portfolio.")
    _interview(interviews, "Ana Lee", insights=None)
    chains = re.findall(r'<ol class="wb-view-chain">(.*?)</ol>', view.html, re.S)
    people = [re.findall(r"<b><bdi[^>]*>([^<]+)</bdi></b>", c) for c in chains]
    assert people == [["Priya Banerjee", "Marcus Oyelaran"], ["Ana Lee"]]
    text = _text(view)
    assert (
        "Priya Banerjee, 5 November 2026, first contact. Taught: Hospitals hire trainers." in text
    )
    assert (
        "Marcus Oyelaran, 5 November 2026, referred by Priya Banerjee. Taught: Show a portfolio."
        in text
    )
    assert "Ana Lee, 5 November 2026, first contact. Taught: nothing noted yet" in text


def test_step4_days_since_contact_against_the_weekly_rhythm(session):
    view = session.view("progress")
    assert "No check-ins yet" in _text(view) and "No actions yet" in _text(view)
    actions = session.form("actions")
    _fill(actions, text="Rewrite the résumé", due=date(2026, 11, 20))
    assert actions.save().ok
    checkins = session.form("checkins")
    _fill(checkins, date=date(2026, 11, 6), importance=8, confidence=5)
    assert checkins.save().ok
    text = _text(view)
    assert "Last check-in 6 November 2026, 20 days ago." in text
    assert "13 days past the weekly rhythm: the next was due by 13 November 2026." in text
    assert (
        "Rewrite the résumé client 20 November 2026 overdue by 6 days to do not scored yet" in text
    )
    checkins.new()
    _fill(checkins, date=date(2026, 11, 23), importance=9, confidence=3)
    checkins.fields["progress"].rows["a1"].value = -1
    assert checkins.save().ok
    text = _text(view)
    assert "Last check-in 23 November 2026, 3 days ago. Within the weekly rhythm" in text
    assert "the next is due by 30 November 2026" in text
    assert "1 of 1 gaps between check-ins were longer than a week (the longest 17 days)" in text
    assert "importance 9/10, confidence 3/10 (importance up 1, confidence down 2 since" in text
    assert "-1 (less than expected), 23 November 2026" in text
    assert 'alt="Importance and confidence' in view.html
    checkins.edit(1)
    checkins.delete()
    assert checkins.delete().ok
    assert "Last check-in 6 November 2026, 20 days ago." in _text(view)


def test_the_day_is_the_sessions(sqlite_practice):
    with sqlite_practice.open() as store:
        from workbook.sample import sample_case

        store.save(sample_case())
    for today, words in [(date(2026, 11, 26), "2 days ago"), (date(2026, 12, 10), "16 days ago")]:
        wb = Workbook("lana", str(sqlite_practice.path), today=today)
        assert f"Last check-in 24 November 2026, {words}." in _text(wb.view("progress"))
        wb.store.close()


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_client_text_is_escaped_in_every_view(session):
    stories, ideas = session.form("stories"), session.form("ideas")
    _story(stories, HOSTILE, [HOSTILE.replace(",", " ")], "parent")
    idea = _idea(ideas, HOSTILE, fit=3, interest=3, feasibility=3)
    _interview(session.form("interviews"), HOSTILE, ideas=[idea], insights=HOSTILE)
    actions = session.form("actions")
    _fill(actions, text=HOSTILE, due=date(2026, 12, 1))
    assert actions.save().ok
    for name in ("skills", "ideas", "weighed", "progress"):
        page = session.view(name).html
        assert "<script>" not in page and "<img src=x" not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name


def test_figures_are_redrawn_only_when_their_rows_change(session):
    view = session.view("ideas")
    ideas = session.form("ideas")
    _idea(ideas, "Training coordinator", fit=4, interest=4, feasibility=4)
    assert view.figures.drawn == 1
    _interview(session.form("interviews"), "Priya Banerjee")  # the map's rows are unchanged
    assert view.figures.drawn == 1 and "<img" in view.html
    _idea(ideas, "Onboarding specialist", fit=2, interest=3, feasibility=4)
    assert view.figures.drawn == 2


def test_an_unknown_view_is_refused(session):
    with pytest.raises(ValueError, match="no view 'plans'; the views are skills, ideas"):
        session.view("plans")


def test_a_view_without_a_client_says_so(sqlite_practice):
    sqlite_practice.open().close()
    wb = Workbook(None, str(sqlite_practice.path), today=TODAY)
    assert "Choose a client first" in _text(wb.view("skills"))
    wb.store.close()


def test_wb_frames_are_read_afresh_from_the_store(blank_wb):
    assert blank_wb.frames.stories.empty
    blank_wb.store.add(
        "new", "stories", {"id": "s1", "title": "T", "text": "x", "skills": ["Digital"]}
    )
    frames = blank_wb.frames  # saved elsewhere (another tab, the command line): seen at once
    assert list(frames.stories["title"]) == ["T"]
    assert list(frames.story_skills["skill"]) == ["Digital"]
    assert {name for name, _ in frames} >= {"ideas", "interviews", "actions", "checkins"}


def test_step4_and_the_caseload_agree_when_a_check_in_is_due(sqlite_practice):
    """One rule for the weekly rhythm: the view says what the caseload and the fidelity check
    say, after the plan's target as well as before the first check-in."""
    from workbook.caseload import caseload
    from workbook.sample import sample_case

    quiet = sample_case()  # check-ins, but no action planned: no check-in is due
    quiet.client.id, quiet.plan.actions = "quiet", []
    for checkin in quiet.checkins:
        checkin.progress = {}
    with sqlite_practice.open() as store:
        store.save_all([sample_case(), quiet])
    days = (date(2026, 11, 26), date(2026, 12, 10), date(2027, 1, 28), date(2027, 2, 20))
    for client, today in [(c, d) for c in ("lana", "quiet") for d in days]:
        wb = Workbook(client, str(sqlite_practice.path), today=today)
        text = _text(wb.view("progress"))
        rows = caseload(wb.store, today).set_index("client")
        due = rows.loc[client, "next_checkin"]
        if due is None or due != due:  # None or NaT: the caseload says none is due
            assert "No further check-in is due" in text, today
        else:
            assert f"due by {due.day} {due:%B %Y}" in text, today
        wb.store.close()


def test_a_redrawn_figure_keeps_its_layout_and_is_the_picture_a_fresh_layout_gives(session):
    """A figure redrawn without matplotlib's constrained layout (the axes' places kept from the
    last draw with the same frame) is, byte for byte, the one laid out afresh."""
    from workbook import plots
    from workbook.frames import case_frames

    view = session.view("ideas")
    ideas = session.form("ideas")
    _idea(ideas, "Training coordinator", fit=4, interest=4, feasibility=4)
    _idea(ideas, HOSTILE, fit=2, interest=5, feasibility=1)
    assert (view.figures.drawn, view.figures.laid_out) == (2, 1)
    shown = re.search(r'src="data:image/png;base64,([^"]+)"', view.html).group(1)
    assert base64.b64decode(shown) == _saved(plots.idea_map(case_frames(session.case)))


def _saved(fig) -> bytes:
    """The figure as matplotlib's savefig draws it, laid out afresh (as the workbook's are)."""
    from workbook.forms.views import DPI

    buffer = io.BytesIO()
    png = {"metadata": {"Software": None}, "pil_kwargs": {"compress_level": 1}}
    fig.savefig(buffer, format="png", dpi=DPI, **png)
    return buffer.getvalue()


def test_a_figure_whose_frame_changes_is_laid_out_again():
    from workbook import plots
    from workbook.forms.views import Figures
    from workbook.frames import case_frames

    case = sample_case()
    figures = Figures()
    figures.png("trend", plots.checkin_trend(case_frames(case)))
    case.checkins[-1].confidence = (case.checkins[-1].confidence + 3) % 11
    figures.png("trend", plots.checkin_trend(case_frames(case)))  # the same axes and ticks
    assert figures.laid_out == 1
    case.checkins[-1].date += timedelta(days=60)  # a longer date axis, with other ticks
    after = figures.png("trend", plots.checkin_trend(case_frames(case)))
    assert figures.laid_out == 2
    assert after == _saved(plots.checkin_trend(case_frames(case)))
    case.checkins[-1].confidence = (case.checkins[-1].confidence + 3) % 11
    again = figures.png("trend", plots.checkin_trend(case_frames(case)))
    assert figures.laid_out == 2 and again == _saved(plots.checkin_trend(case_frames(case)))
