"""The leak count: a hostile case with identifying details in every free-text field, and every
fragment of them listed; after de-identification none may be found, in any letter case."""

from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from workbook.casefile import dump_case
from workbook.cli import cli
from workbook.deidentify import deidentify, deidentify_with_counts
from workbook.model import validate_case

CASE = Path(__file__).with_name("hostile.yaml")
SHIFT = -40

# Every identifying fragment of the hostile case. A leak is any of them found in the copy,
# whatever the letter case.
FRAGMENTS = [
    # the client, in every form she is written
    "Siobhan", "O'Neill", "O’Neill", "oneill", "Neill", "Shiv", "siobhan-oneill",
    # other people
    "Gareth", "Pryce", "Whitlock", "Niamh", "Róisín", "Roisin", "Bernadette", "Kilbride",
    "Amara", "Okonkwo", "Reid", "Tomasz", "Wieczorek", "Élodie", "Elodie", "Marchetti",
    # organisations and employers
    "Corran", "corranfell", "Halden", "haldenvalley", "Brightwater", "Quayside", "quaysidearts",
    # places, addresses, postcodes
    "Stockport", "Portland", "Toronto", "Sydney", "Glebe", "Larkspur", "27 Larkspur",
    "Flat 4", "SK4 2QT", "SK4", "97205", "M5V 2T6", "NSW 2037", "12 Mill Lane", "Mill Lane",
    "221B", "Quay Street", "3 Dock Row", "Dock Row",
    # contact details and numbers
    "07700", "900461", "0161", "496 0753", "496 0999", "555-0148", "(503)", "48213377",
    "number 27", "551209",
    "gmail", "nhs.uk", "linkedin.com", "siobhan.oneill89", "oneill-payroll", "/team/",
    "tomasz_assesses", "@haldenvalley", "elodie@",
    # dates of birth and dates written in the text
    "1989", "14/03/1989", "14 March 1989", "09/10/2026", "9 October 2026", "2026-10-09",
    "Oct 9th", "16 October", "2026-06-19", "31 March 2027", "2027-01-15", "March 2017",
    "March 2021", "2005",
]  # fmt: skip
PEOPLE = {  # forms of one person's name, by the field they appear in
    "client": ["Ms O'Neill", "SIOBHAN", "o'neill", "Siobhan's", "O’Neill’s", "siobhan o'neill"],
}


def load() -> object:
    return validate_case(yaml.safe_load(CASE.read_text(encoding="utf-8")))


def leaks(text: str) -> list[str]:
    """The fragments found in ``text``, whatever their letter case."""
    folded = text.casefold()
    return [f for f in FRAGMENTS if f.casefold() in folded]


def every_text(value) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in every_text(v)]
    if isinstance(value, list):
        return [t for v in value for t in every_text(v)]
    return [value] if isinstance(value, str) else []


def test_the_hostile_case_is_hostile_everywhere():
    """The fixture itself: every fragment is in it, and every free-text field identifies."""
    raw = CASE.read_text(encoding="utf-8")
    assert leaks(raw) == FRAGMENTS
    case = load()
    free = [
        case.client.situation, case.client.history, case.client.aspirations,
        case.client.challenges, case.client.goal, case.plan.goal,
        *(a.text for a in case.attempts), *(a.outcome for a in case.attempts),
        *(s.title for s in case.stories), *(s.text for s in case.stories),
        *(i.text for i in case.ideas), *(v.person for v in case.interviews),
        *(v.insights for v in case.interviews), *(a.text for a in case.plan.actions),
        *(k.notes for k in case.checkins),
        *(e for r in case.reflections for e in r.entries.values()),
        *(v.organisation for v in case.interviews), *(v.role for v in case.interviews if v.role),
        *(r.id for r in [*case.stories, *case.ideas, *case.plan.actions] if len(r.id) > 2),
    ]  # fmt: skip
    assert all(leaks(t) for t in free)
    tags = [
        *(s.skills for s in case.stories), case.interviews[0].strengths,
        case.plan.actions[0].skills, *(k.supports for k in case.checkins),
    ]  # fmt: skip
    assert all(any(leaks(t) for t in group) for group in tags)


def test_no_fragment_leaks():
    copy = deidentify(load(), shift_days=SHIFT)
    text = dump_case(copy)
    found = leaks(text)
    print(f"\nde-identification leaks: {len(found)} of {len(FRAGMENTS)} fragments: {found}")
    assert found == []


def test_one_person_one_placeholder():
    case = load()
    copy = deidentify(case, shift_days=SHIFT)
    c = copy.client
    assert c.situation.startswith("The client (born [a date in the 1980s])")
    assert c.history.startswith("The client left school")
    assert "the client's DOB on file" in c.history.replace("The client's", "the client's")
    assert c.aspirations.startswith("The client wants")
    assert "the client's deadline" in c.goal
    assert copy.checkins[0].notes.startswith("The client rang")
    assert ". The client's new address" in copy.checkins[0].notes
    assert copy.checkins[1].notes.startswith("The client and ")
    assert copy.reflections[0].entries["what"].startswith("The client cried")
    # every interview contact is one placeholder, in every field and every form of the name
    amara, tomasz, elodie = (v.person for v in copy.interviews)
    assert len({amara, tomasz, elodie}) == 3
    assert all(re.fullmatch(r"Person [A-Z]", p) for p in (amara, tomasz, elodie))
    assert copy.interviews[0].insights.startswith(f"{amara} said the client's audit guide")
    assert f"as {amara} suggested" in copy.ideas[0].text
    assert f"thanking {amara}" in copy.plan.actions[0].skills
    assert f"{amara}'s praise" in copy.interviews[0].strengths[1]
    assert f"{amara} will ring" in copy.checkins[1].notes
    assert copy.interviews[1].insights.startswith(f"{tomasz} runs")
    assert f"said {tomasz} is on every" in copy.interviews[1].insights
    assert f"ask {tomasz}" in copy.ideas[1].text
    assert f"{elodie}'s studio" in copy.interviews[2].insights
    # Gareth, with and without his hyphenated surname and title
    story = copy.stories[0].text
    gareth = re.search(r"walked (Person [A-Z]+) through", story)[1]
    assert copy.client.challenges.startswith(f"{gareth}'s reference")
    assert f"explaining payroll to {gareth}" in copy.stories[0].skills
    assert copy.attempts[0].outcome.startswith(gareth)
    # organisations in any case
    trust = copy.interviews[0].organisation
    assert re.fullmatch(r"Organisation [A-Z]", trust)
    assert f"at {trust} or" in copy.plan.goal
    assert copy.interviews[1].organisation in copy.interviews[1].role
    employer = re.search(r"payroll at (Organisation [A-Z]+)", c.situation)[1]
    assert f"joined {employer} in" in c.history


def test_dates_in_the_text_move_with_the_records():
    case = load()
    copy = deidentify(case, shift_days=SHIFT)
    assert copy.client.started == date(2026, 9, 7) + (copy.client.started - case.client.started)
    assert (copy.client.started - case.client.started).days == SHIFT
    # 9 October 2026 less 40 days is 30 August 2026, in each way it was written
    assert "30/08/2026" in copy.client.goal
    assert "before 30 August 2026" in copy.interviews[0].insights
    assert "by Aug 30th" in copy.plan.actions[0].text
    assert "the 2026-08-30 follow-up" in copy.checkins[1].notes
    assert "on 2026-05-10" in copy.attempts[0].outcome  # 19 June less 40 days
    assert "on Sunday 6 September" in copy.stories[0].text  # Friday 16 October, weekday too
    assert "By 19 February 2027" in copy.plan.goal  # 31 March 2027
    assert "on 2026-12-06" in copy.plan.goal  # 2027-01-15
    # a month and year moves from its middle; an old year alone becomes its decade
    assert "in February 2017" in copy.client.history
    assert "left school in the 2000s" in copy.client.history
    # dates of birth are generalised, never moved a little
    assert "born in the 1980s" in copy.client.aspirations
    assert "[a date in the 1980s]" in copy.client.history


def test_every_kind_is_counted_and_no_value_is():
    copy, counts = deidentify_with_counts(load(), shift_days=SHIFT)
    for kind in (
        "the client's name", "names of other people", "organisations", "e-mail addresses",
        "phone numbers", "links", "street addresses", "postcodes", "house numbers",
        "dates of birth (generalised to the decade)", "dates in the text (moved)",
        "record dates (moved)", "social media handles", "other identifying numbers",
    ):  # fmt: skip
        assert counts[kind] > 0, kind
    assert counts["the client's name"] >= 15
    assert counts["e-mail addresses"] == 4
    assert not leaks(" ".join(f"{k} {v}" for k, v in counts.items()))


@pytest.mark.parametrize(
    "written",
    [
        "O’Neill",
        "o'neill",
        "O'NEILL",
        "Ms. O'Neill",
        "ms o’neill",
        "oneill",
        "Siobhan",
        "siobhan's",
    ],
)
def test_any_form_of_the_name_is_the_client(written):
    case = load()
    case.client.goal = f"Agreed with {written} today."
    copy = deidentify(case, shift_days=SHIFT)
    assert copy.client.goal in ("Agreed with the client today.", "Agreed with the client's today.")


def test_a_shared_surname_names_both_and_leaks_neither():
    case = load()
    case.client.goal = "Her brother Declan O'Neill helps; Ms O'Neill agreed; declan drives."
    copy = deidentify(case, shift_days=SHIFT)
    goal = copy.client.goal
    brother = re.search(r"brother (Person [A-Z]+) helps", goal)[1]
    assert f"; the client or {brother} agreed" in goal or f"; {brother} or the client" in goal
    assert f"; {brother} drives" in goal
    assert "declan" not in goal.lower() and "neill" not in goal.lower()


def test_the_command_writes_a_report_of_kinds_never_values(store, practice, tmp_path):
    store.save(load())
    out = tmp_path / "for-supervision.yaml"
    args = ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "deidentify", "siobhan-oneill", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert leaks(out.read_text(encoding="utf-8")) == []
    report = tmp_path / "for-supervision.report.txt"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text(encoding="utf-8")
    assert re.search(r"^  the client's name +\d+$", text, re.MULTILINE)
    assert re.search(r"^  dates of birth \(generalised to the decade\) +3$", text, re.MULTILINE)
    assert re.search(r"^  e-mail addresses +4$", text, re.MULTILINE)
    assert leaks(text) == [] and "Person A" not in text and "[" not in text
    line = result.stdout.strip()
    assert "\n" not in line and str(report) in line and "replaced" in line
    assert leaks(line.replace("siobhan-oneill", "")) == []  # the id the practitioner typed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # written whole


def test_the_report_names_no_file_that_could_name_the_client(store, practice, tmp_path):
    store.save(load())
    out = tmp_path / "siobhan-oneill-for-supervision.yaml"
    args = ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "deidentify", "siobhan-oneill", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    report = out.with_name("siobhan-oneill-for-supervision.report.txt").read_text()
    assert "siobhan" not in report.lower() and "the copy written beside this file" in report
