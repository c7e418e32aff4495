"""`workbook caseload`: text, JSON and CSV, and a practice with no clients."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from tests.test_caseload import PLAN, make
from workbook.caseload import KEYS
from workbook.cli import cli


def _args(practice) -> list[str]:
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def _cases():
    return [
        make("calm", name="Calm <Client>", actions=PLAN, checkins=["2026-11-18"]),
        make("late", name="Late, Client", actions=PLAN, checkins=["2026-11-01"]),
    ]


def _run(practice, *extra):
    result = CliRunner().invoke(
        cli, [*_args(practice), "caseload", "--as-of", "2026-11-20", *extra]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_is_a_list_of_objects_with_exactly_the_keys(store, practice):
    store.save_all(_cases())
    items = json.loads(_run(practice, "--format", "json"))
    assert [tuple(i) for i in items] == [KEYS, KEYS]
    late, calm = items
    assert late == {
        "client": "late",
        "name": "Late, Client",
        "step": "step4",
        "last_contact": "2026-11-01",
        "days_since_contact": 19,
        "next_checkin": "2026-11-08",
        "overdue_actions": 0,
        "importance": None,
        "confidence": None,
        "flags": ["checkin-overdue", "fidelity-failing"],
    }
    assert calm["client"] == "calm" and calm["flags"] == [] and calm["days_since_contact"] == 2


def test_csv_parses_with_the_same_keys(store, practice):
    store.save_all(_cases())
    rows = list(csv.DictReader(io.StringIO(_run(practice, "--format", "csv"))))
    assert [tuple(r) for r in rows] == [KEYS, KEYS]
    assert rows[0]["name"] == "Late, Client"  # a comma in a name stays in its field
    assert rows[0]["flags"] == "checkin-overdue fidelity-failing"
    assert rows[0]["importance"] == "" and rows[1]["next_checkin"] == "2026-11-25"


def test_text_is_a_table_most_urgent_first(store, practice):
    store.save_all(_cases())
    text = _run(practice)
    lines = text.splitlines()
    assert lines[0] == "Caseload as of 2026-11-20: 2 clients, 1 with a flag."
    assert lines[2].split()[:3] == ["client", "name", "step"]
    late = next(i for i, ln in enumerate(lines) if ln.startswith("late "))
    calm = next(i for i, ln in enumerate(lines) if ln.startswith("calm "))
    assert late < calm
    assert "overdue by 12 days (due 8 November 2026)" in lines[late]
    assert "1 November 2026, 19 days ago" in lines[late]
    assert lines[late + 1].split() == ["flags:", "checkin-overdue,", "fidelity-failing"]
    assert "due 25 November 2026, in 5 days" in lines[calm]
    assert "Calm <Client>" in lines[calm]


def test_an_empty_practice_says_so(store, practice):
    assert _run(practice) == (
        "The practice has no clients yet, so there is no caseload as of 2026-11-20.\n"
    )
    assert json.loads(_run(practice, "--format", "json")) == []
    assert _run(practice, "--format", "csv").splitlines() == [",".join(KEYS)]


def test_bad_date_and_missing_practice(tmp_path):
    bad = CliRunner().invoke(
        cli, ["--practice", str(tmp_path), "caseload", "--as-of", "20-11-2026"]
    )
    assert bad.exit_code == 2 and "--as-of" in bad.stderr
    missing = CliRunner().invoke(cli, ["--practice", str(tmp_path / "none"), "caseload"])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("workbook: error: no practice at ")
    assert not (tmp_path / "none").exists()
