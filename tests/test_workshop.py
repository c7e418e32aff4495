"""Workshops: rosters checked by line, one private practice per trainee, the cohort report."""

from __future__ import annotations

import html
import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook import cohort
from workbook.casefile import read_case
from workbook.cli import cli
from workbook.fidelity import CHECKS, NAMES
from workbook.model.records import Attempt, Idea
from workbook.practice import Practice
from workbook.sample import sample_case, sample_text

AS_OF = date(2026, 11, 25)


@pytest.fixture
def case_file(tmp_path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(sample_text(), encoding="utf-8")
    return path


def _roster(tmp_path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _create(tmp_path, roster_text, case_file, out):
    args = ["workshop", "create", str(_roster(tmp_path, roster_text)), "--case", str(case_file)]
    return CliRunner().invoke(cli, [*args, "--out", str(out)])


GOOD = (
    "id,name,email\nana,Ana Silva,ana@example.org\nben,Ben Okafor,ben@example.org\n"
    "cat,Cat Li,cat@example.org\n"
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("id,name\nana,Ana\n", ["line 1", "email"]),
        (
            "id,name,email\nana,Ana,ana@example.org\nana,Ann,ann@example.org\n",
            ["line 3", "'ana'", "line 2"],
        ),
        ("id,name,email\nana,Ana,ana.example.org\n", ["line 2", "ana.example.org"]),
        ("id,name,email\nAna S,Ana,ana@example.org\n", ["line 2", "slug"]),
        ("id,name,email\nana,,ana@example.org\n", ["line 2", "name is empty"]),
        ("id,name,email\n", ["no trainees"]),
    ],
)
def test_roster_problems_are_named_by_line_and_nothing_is_created(
    tmp_path, case_file, text, expected
):
    out = tmp_path / "cohort"
    result = _create(tmp_path, text, case_file, out)
    assert result.exit_code == 1
    for word in expected:
        assert word in result.stderr, (word, result.stderr)
    assert not out.exists()


def test_every_problem_is_listed(tmp_path, case_file):
    text = "id,name,email\nana,Ana,bad\nana,,ana@example.org\n"
    result = _create(tmp_path, text, case_file, tmp_path / "o")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and "line 2" in lines[0] and "line 3" in result.stderr


def test_create_makes_a_private_practice_per_trainee(tmp_path, case_file):
    out = tmp_path / "cohort"
    result = _create(tmp_path, GOOD, case_file, out)
    assert result.exit_code == 0, result.stderr
    names = ["ana", "ben", "cat", "handout.yaml", "workshop.json"]
    assert sorted(p.name for p in out.iterdir()) == names
    for tid in ("ana", "ben", "cat"):
        practice = Practice(out / tid)
        with practice.open(create=False) as store:
            assert store.client_ids() == ["lana"]
        notebooks = sorted((out / tid / "notebooks" / "lana").iterdir())
        assert len(notebooks) == 6  # the step notebooks; start-here is the practice's own
        notebooks.append(out / tid / "notebooks" / "00_start_here.ipynb")
        nb = json.loads(notebooks[2].read_text(encoding="utf-8"))
        injected = "".join(
            next(
                c["source"]
                for c in nb["cells"]
                if "injected-parameters" in c["metadata"].get("tags", [])
            )
        )
        assert f'practice = "{(out / tid).resolve()}"' in injected  # where it lives, not staging
        for path in [practice.path, practice.db_path, *notebooks, out / tid / "notebooks"]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode in (0o600, 0o700), (path, oct(mode))
    again = _create(tmp_path, GOOD, case_file, out)
    assert again.exit_code == 1 and "already exist" in again.stderr


def test_create_keeps_the_case_as_handed_out(tmp_path, case_file):
    out = tmp_path / "cohort"
    assert _create(tmp_path, GOOD, case_file, out).exit_code == 0
    handout = out / "handout.yaml"
    assert stat.S_IMODE(handout.stat().st_mode) == 0o600
    assert read_case(handout) == sample_case()
    before = handout.read_bytes()
    other = tmp_path / "other.yaml"
    other.write_text(sample_text().replace("Lana restated it", "Lana repeated it"), "utf-8")
    late = "id,name,email\ndee,Dee,dee@example.org\n"
    refused = _create(tmp_path, late, other, out)  # another case in the same folder
    assert refused.exit_code == 1 and "already holds a workshop on another case" in refused.stderr
    assert handout.read_bytes() == before and not (out / "dee").exists()
    joined = _create(tmp_path, late, case_file, out)  # a late trainee, the same case
    assert joined.exit_code == 0, joined.stderr
    assert handout.read_bytes() == before
    meta = json.loads((out / "workshop.json").read_text())
    assert meta["trainees"] == ["ana", "ben", "cat", "dee"]


HOSTILE = '<script>alert("Hi")</script> Run A  Pop-up & {{ café }} $x$\nSecond LINE'


def _cohort(tmp_path, case_file) -> Path:
    out = tmp_path / "cohort"
    from workbook.workshop import create

    create(_roster(tmp_path, GOOD), case_file, out)
    # ana adds an idea and an attempt, rewords an idea, names a skill on a story, edits a
    # check-in and removes an interview; ben removes steps 2 to 4; cat's practice is broken
    with Practice(out / "ana").open() as store, store.edit("lana") as case:
        case.ideas.append(Idea(id="i6", text=HOSTILE, source="client", added=date(2026, 11, 20)))
        case.attempts.append(Attempt(text="Asked a friend in HR for advice."))
        case.ideas[1].text = "Program coordinator at a library."
        case.stories[0].skills.append("Leadership")
        case.checkins[1].notes = "Talked about the portfolio."
        case.interviews = [v for v in case.interviews if v.id != "v3"]
    with Practice(out / "ben").open() as store, store.edit("lana") as case:
        case.ideas, case.interviews, case.plan, case.checkins = [], [], None, []
    (out / "cat" / "practice.db").write_bytes(b"not a database")
    return out


def test_cohort_figures_exactly(tmp_path, case_file):
    members = cohort.load(_cohort(tmp_path, case_file))
    assert [m.label for m in members] == ["Trainee 01", "Trainee 02", "Trainee 03"]
    assert members[2].case is None and "unreadable" in members[2].problem
    assert "cat" not in members[2].problem
    work = cohort.work(members).set_index("trainee")
    assert work.loc["Trainee 01"].tolist() == [2, 3, 1, False, True, True, False, True]
    given = sample_case()
    removed = len(given.ideas) + len(given.interviews) + 1 + len(given.plan.actions) + 8
    assert work.loc["Trainee 02"].tolist() == [0, 0, removed, False, False, True, True, True]
    fid = cohort.fidelity(members, AS_OF)
    assert fid["pass"].add(fid["warn"]).add(fid["fail"]).eq(2).all()
    assert fid.set_index("check")["name"].to_dict() == NAMES
    top = fid.iloc[0]
    assert top["missed"] == 1 and top["check"] in {
        "ideas_from_both",
        "interviews_for_chosen",
        "smart_goal",
    }
    assert set(fid.loc[fid["missed"] == 0, "check"]) >= {"intake", "skills_from_stories"}
    per = cohort.fidelity_by_trainee(members, AS_OF).set_index("trainee")
    assert per.loc["Trainee 01", ["passed", "to improve", "failed"]].tolist() == [11, 0, 0]
    assert per.loc["Trainee 02", "passed"] + per.loc["Trainee 02", "to improve"] == 11
    assert ("Ideas come from both of you", "warn") in per.loc["Trainee 02", "missed"]
    skills = cohort.common(members, "skills")
    assert skills.values.tolist() == [["Leadership", 1]]  # named by a trainee, not handed out
    ideas = cohort.common(members, "ideas")
    assert sorted(ideas["idea"]) == sorted([HOSTILE, "Program coordinator at a library."])
    reg = cohort.regularity(members).set_index("trainee")
    assert reg.loc["Trainee 01", "check-ins"] == 8
    assert reg.loc["Trainee 01", "added or changed"] == 1
    assert reg.loc["Trainee 01", "longest gap (days)"] == 7
    assert reg.loc["Trainee 01", "within a week"] == 1.0
    assert reg.loc["Trainee 02", "check-ins"] == 0
    assert cohort.problems(members)["trainee"].tolist() == ["Trainee 03"]


def test_an_untouched_cohort_shows_nothing_done(tmp_path, case_file):
    out = tmp_path / "cohort"
    assert _create(tmp_path, GOOD, case_file, out).exit_code == 0
    result = CliRunner().invoke(
        cli, ["workshop", "collect", str(out), "--as-of", "2026-11-25", "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    trainees = json.loads(result.stdout)
    assert [t["trainee"] for t in trainees] == ["Trainee 01", "Trainee 02", "Trainee 03"]
    for t in trainees:
        assert (t["added"], t["changed"], t["removed"], t["steps_worked"]) == (0, 0, 0, [])
    page = (out / "cohort-report.html").read_text(encoding="utf-8")
    assert "0 of them changed the case they were given; 3 have not changed it yet" in page
    assert "worked on</" not in page  # no step is marked worked on for anyone
    assert "No trainee named a skill of their own." in page
    assert "No trainee added or reworded an idea." in page


def _collect(out, *more):
    args = ["workshop", "collect", str(out), "--as-of", "2026-11-25", "--format", "json"]
    return CliRunner().invoke(cli, [*args, *more])


def test_collect_reports_each_trainee_as_json_and_html(tmp_path, case_file):
    out = _cohort(tmp_path, case_file)
    result = _collect(out)
    assert result.exit_code == 0, result.stderr
    assert "Trainee 03: unreadable" in result.stderr  # reported as it goes, never fatal
    trainees = json.loads(result.stdout)  # stdout holds the JSON alone
    assert [list(t) for t in trainees] == [
        ["trainee", "added", "changed", "removed", "steps_worked", "fidelity"]
    ] * 3
    ana, ben, cat = trainees
    assert ana["trainee"] == "Trainee 01"
    assert (ana["added"], ana["changed"], ana["removed"]) == (2, 3, 1)
    assert ana["steps_worked"] == [1, 2, 4] and ben["steps_worked"] == [2, 3, 4]
    assert [list(f) for f in ana["fidelity"]] == [["check", "step", "status"]] * 11
    assert {(f["check"], f["step"]) for f in ana["fidelity"]} == {
        (name, step) for name, step, _ in CHECKS
    }
    assert {"check": "ideas_from_both", "step": 2, "status": "warn"} in ben["fidelity"]
    assert cat == {
        "trainee": "Trainee 03",
        "added": None,
        "changed": None,
        "removed": None,
        "steps_worked": [],
        "fidelity": [],
    }
    page = (out / "cohort-report.html").read_text(encoding="utf-8")
    assert stat.S_IMODE((out / "cohort-report.html").stat().st_mode) == 0o600
    assert "Trainee 03" in page and "unreadable" in page
    for identity in ("Ana Silva", "Ben Okafor", "Cat Li", "ana@example.org"):
        assert identity not in page
    assert 'src="http' not in page and "<script>alert" not in page
    cells = [
        html.unescape(c) for c in re.findall(r'<td><bdi dir="auto">(.*?)</bdi></td>', page, re.S)
    ]
    assert HOSTILE in cells  # shown as written, not lower-cased nor squeezed ...
    assert "&lt;script&gt;alert(" in page  # ... and escaped
    assert "Ideas come from both of you (to improve)" in page  # per trainee, in words
    assert "Method fidelity per trainee" in page and "Chosen ideas are tested in interviews" in page


def test_collect_with_names(tmp_path, case_file):
    out = _cohort(tmp_path, case_file)
    named = _collect(out, "--names", "-o", str(tmp_path / "named.html"))
    assert named.exit_code == 0, named.stderr
    trainees = json.loads(named.stdout)
    assert [t["trainee"] for t in trainees] == ["Ana Silva", "Ben Okafor", "Cat Li"]
    page = (tmp_path / "named.html").read_text(encoding="utf-8")
    assert "Ana Silva" in page and "Trainee 01" not in page


def test_collect_without_the_case_as_handed_out_says_what_to_do(tmp_path, case_file):
    out = tmp_path / "cohort"
    assert _create(tmp_path, GOOD, case_file, out).exit_code == 0
    (out / "handout.yaml").unlink()
    result = _collect(out)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == (
        f"workbook: error: {out}: the case as handed out (handout.yaml) is missing, so the "
        "trainees' work cannot be measured; copy the case file the trainees were given to "
        f"{out / 'handout.yaml'}"
    )


def test_collect_refuses_a_folder_that_is_not_a_workshop(tmp_path):
    result = CliRunner().invoke(cli, ["workshop", "collect", str(tmp_path)])
    assert result.exit_code == 1 and "not a workshop folder" in result.stderr


def test_workshop_metadata_names_no_trainee(tmp_path, case_file):
    out = _cohort(tmp_path, case_file)
    meta = json.loads((out / "workshop.json").read_text())
    assert meta == {"case": "lana", "trainees": ["ana", "ben", "cat"]}


def test_the_cohort_report_shows_links_and_hostile_names_as_text(tmp_path, case_file):
    """A trainee's idea holding a link, a bare URL and markup, and a trainee named with markup
    and a line break: the report is written (the offline check reads references, not text)."""
    from tests.hostile import EVIL, LINK, LONG_BODY
    from workbook.workshop import create

    out = tmp_path / "cohort"
    roster = 'id,name,email\nana,"<b>Ana</b>\nSilva 🎯",ana@example.org\n'
    create(_roster(tmp_path, roster), case_file, out)
    with Practice(out / "ana").open() as store, store.edit("lana") as case:
        case.ideas.append(Idea(id="i6", text=LONG_BODY, source="client", added=date(2026, 11, 20)))
    result = _collect(out, "--names")
    assert result.exit_code == 0, result.stderr
    page = (out / "cohort-report.html").read_text(encoding="utf-8")
    assert EVIL in page and "<b>Ana" not in page
    assert not re.search(rf"<[a-z]+\s[^<>]*{EVIL}", page)  # in no element's attribute
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert LINK in text and "<b>Ana</b>\nSilva 🎯" in text


def _two_trainees(tmp_path, case_file) -> Path:
    from workbook.workshop import create

    out = tmp_path / "crafted"
    roster = "id,name,email\nana,Ana Silva,ana@example.org\nben,Ben Okafor,ben@example.org\n"
    create(_roster(tmp_path, roster), case_file, out)
    return out


def test_a_crafted_view_in_a_trainees_database_cannot_call_the_readers_functions(
    tmp_path, case_file
):
    """A trainee controls their database's schema: a view that calls a function of the
    reader's connection (here one with a side effect, registered on every connection) is
    refused, not run, and the trainee is reported unreadable by their label."""
    import sqlite3
    from contextlib import closing

    from sqlalchemy import Engine, event

    out = _two_trainees(tmp_path, case_file)
    with closing(sqlite3.connect(out / "ana" / "practice.db")) as db:
        head = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        db.executescript(
            "DROP TABLE alembic_version;"
            f"CREATE VIEW alembic_version AS SELECT boom() || '' AS x, '{head}' AS version_num;"
        )
    called = []

    def register(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.create_function("boom", 0, lambda: called.append(1) or "")

    event.listen(Engine, "connect", register)
    try:
        members = cohort.load(out)
    finally:
        event.remove(Engine, "connect", register)
    assert called == []
    assert members[0].case is None
    assert members[0].problem == "unreadable: unsafe use of boom()"
    assert members[1].case is not None  # the others are read as usual


def test_a_practice_from_an_older_version_is_read_from_a_copy_never_written(tmp_path, case_file):
    """Reading must not write to a trainee's file: an older practice is upgraded in a private
    copy (a trigger the trainee planted on the version table would fire on an upgrade in
    place), and nothing is left beside it."""
    from sqlalchemy import text

    from workbook.store import cases, engine

    out = _two_trainees(tmp_path, case_file)
    path = out / "ben" / "practice.db"
    path.unlink()
    old = engine.make_engine(engine.sqlite_url(path))
    engine.upgrade(old, "0002")
    with old.begin() as conn:
        cases.write_case(conn, read_case(case_file), None)
        conn.execute(text("CREATE TABLE fired (n INTEGER)"))
        conn.execute(
            text(
                "CREATE TRIGGER planted AFTER UPDATE ON alembic_version "
                "BEGIN INSERT INTO fired VALUES (1); END"
            )
        )
        conn.execute(text("PRAGMA journal_mode = DELETE"))
    old.dispose()
    before = path.read_bytes()
    members = cohort.load(out)
    assert members[1].case == read_case(case_file) and members[1].problem is None
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("practice")) == [
        "practice.db"
    ]
