"""Workshops: rosters checked by line, one private practice per trainee, the cohort report."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook import cohort
from workbook.cli import cli
from workbook.practice import Practice
from workbook.sample import sample_text

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
    assert sorted(p.name for p in out.iterdir()) == ["ana", "ben", "cat", "workshop.json"]
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


def _cohort(tmp_path, case_file) -> Path:
    out = tmp_path / "cohort"
    from workbook.workshop import create

    create(_roster(tmp_path, GOOD), case_file, out)
    # ana finished everything (the sample); ben only did the intake and step 1; cat's practice
    # is broken
    with Practice(out / "ben").open() as store, store.edit("lana") as case:
        case.ideas, case.interviews, case.plan, case.checkins = [], [], None, []
    (out / "cat" / "practice.db").write_bytes(b"not a database")
    return out


def test_cohort_figures_exactly(tmp_path, case_file):
    members = cohort.load(_cohort(tmp_path, case_file))
    assert [m.label for m in members] == ["Trainee 01", "Trainee 02", "Trainee 03"]
    assert members[2].case is None and "unreadable" in members[2].problem
    assert "cat" not in members[2].problem
    done = cohort.completion(members).set_index("trainee")
    assert done.loc["Trainee 01"].tolist() == [True] * 5
    assert done.loc["Trainee 02"].tolist() == [True, True, False, False, False]
    fid = cohort.fidelity(members, AS_OF)
    assert fid["pass"].add(fid["warn"]).add(fid["fail"]).eq(2).all()
    top = fid.iloc[0]
    assert top["missed"] == 1 and top["check"] in {
        "ideas_from_both",
        "interviews_for_chosen",
        "smart_goal",
    }
    assert set(fid.loc[fid["missed"] == 0, "check"]) >= {"intake", "skills_from_stories"}
    skills = cohort.common(members, "skills").set_index("skill")["trainees"]
    assert skills["Communication"] == 2 and skills["event organising"] == 2
    ideas = cohort.common(members, "ideas")
    assert len(ideas) == 5 and ideas["trainees"].eq(1).all()
    reg = cohort.regularity(members).set_index("trainee")
    assert reg.loc["Trainee 01", "check-ins"] == 8
    assert reg.loc["Trainee 01", "longest gap (days)"] == 7
    assert reg.loc["Trainee 01", "within a week"] == 1.0
    assert reg.loc["Trainee 02", "check-ins"] == 0
    assert cohort.problems(members)["trainee"].tolist() == ["Trainee 03"]


def test_collect_writes_a_deidentified_report(tmp_path, case_file):
    out = _cohort(tmp_path, case_file)
    result = CliRunner().invoke(cli, ["workshop", "collect", str(out), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.stderr
    assert "Trainee 03: unreadable" in result.stderr  # reported as it goes, never fatal
    page = (out / "cohort-report.html").read_text(encoding="utf-8")
    assert stat.S_IMODE((out / "cohort-report.html").stat().st_mode) == 0o600
    assert "Trainee 03" in page and "unreadable" in page
    for identity in ("Ana Silva", "Ben Okafor", "Cat Li", "ana@example.org"):
        assert identity not in page
    assert 'src="http' not in page and "<script" not in page
    named = CliRunner().invoke(
        cli, ["workshop", "collect", str(out), "--names", "-o", str(tmp_path / "named.html")]
    )
    assert named.exit_code == 0
    assert "Ana Silva" in (tmp_path / "named.html").read_text(encoding="utf-8")


def test_collect_refuses_a_folder_that_is_not_a_workshop(tmp_path):
    result = CliRunner().invoke(cli, ["workshop", "collect", str(tmp_path)])
    assert result.exit_code == 1 and "not a workshop folder" in result.stderr


def test_workshop_metadata_names_no_trainee(tmp_path, case_file):
    out = _cohort(tmp_path, case_file)
    meta = json.loads((out / "workshop.json").read_text())
    assert meta == {"case": "lana", "trainees": ["ana", "ben", "cat"]}
