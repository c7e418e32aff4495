"""Every kind of bad case file: one line on stderr naming file, field and value; exit 1; and the
database exactly as it was (issue 2, point 5)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import snapshot
from workbook.cli import cli
from workbook.sample import sample_text


def _sample() -> dict:
    return yaml.load(sample_text(), Loader=yaml.BaseLoader)  # dates stay text, as written


def _set(path: list, value):
    def mutate(data: dict) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _drop(path: list):
    def mutate(data: dict) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _typed_sample() -> dict:
    from workbook.casefile import parse_yaml

    return parse_yaml(sample_text())[0]


# (name, mutation of the sample data, what the message must name)
MUTATIONS = [
    (
        "impossible date",
        _set(["ideas", 0, "added"], "2026-02-30"),
        ["ideas[0].added", "2026-02-30"],
    ),
    ("date not ISO", _set(["client", "started"], "01/09/2026"), ["client.started", "01/09/2026"]),
    ("date with time", _set(["checkins", 0, "date"], "2026-10-06T10:00"), ["checkins[0].date"]),
    ("rating above 5", _set(["ideas", 1, "fit"], 6), ["ideas[1].fit", "6"]),
    ("rating below 1", _set(["ideas", 1, "feasibility"], 0), ["ideas[1].feasibility", "0"]),
    ("ruler above 10", _set(["checkins", 0, "importance"], 11), ["checkins[0].importance", "11"]),
    ("ruler negative", _set(["checkins", 2, "confidence"], -1), ["checkins[2].confidence", "-1"]),
    (
        "progress out of range",
        _set(["checkins", 0, "progress", "a1"], 3),
        ["checkins[0].progress.a1", "3"],
    ),
    (
        "unknown life role",
        _set(["stories", 0, "life_role"], "astronaut"),
        ["stories[0].life_role", "astronaut"],
    ),
    ("unknown idea source", _set(["ideas", 0, "source"], "friend"), ["ideas[0].source", "friend"]),
    ("unknown idea status", _set(["ideas", 0, "status"], "maybe"), ["ideas[0].status", "maybe"]),
    (
        "unknown owner",
        _set(["plan", "actions", 0, "owner"], "sister"),
        ["plan.actions[0].owner", "sister"],
    ),
    (
        "unknown action status",
        _set(["plan", "actions", 0, "status"], "finished"),
        ["plan.actions[0].status", "finished"],
    ),
    (
        "unknown reflection model",
        _set(["reflections", 0, "model"], "schon"),
        ["reflections[0].model", "schon"],
    ),
    (
        "unknown reflection stage",
        _set(["reflections", 1, "entries", "why"], "x"),
        ["reflections[1].entries", "why"],
    ),
    ("missing client name", _drop(["client", "name"]), ["client.name", "required"]),
    ("missing consent", _drop(["client", "consent"]), ["client.consent", "required"]),
    ("missing story title", _drop(["stories", 2, "title"]), ["stories[2].title", "required"]),
    ("missing idea source", _drop(["ideas", 3, "source"]), ["ideas[3].source", "required"]),
    (
        "missing interview person",
        _drop(["interviews", 1, "person"]),
        ["interviews[1].person", "required"],
    ),
    (
        "missing action status",
        _drop(["plan", "actions", 2, "status"]),
        ["plan.actions[2].status", "required"],
    ),
    ("missing check-in date", _drop(["checkins", 4, "date"]), ["checkins[4].date", "required"]),
    (
        "missing reflection entries",
        _drop(["reflections", 0, "entries"]),
        ["reflections[0].entries", "required"],
    ),
    ("missing format", _drop(["format"]), ["format", "required"]),
    ("unknown top-level key", _set(["notes"], "x"), ["notes", "not a known key"]),
    ("unknown client key", _set(["client", "age"], 41), ["client.age", "not a known key"]),
    ("unknown story key", _set(["stories", 0, "mood"], "good"), ["stories[0].mood"]),
    ("duplicate story id", _set(["stories", 1, "id"], "s1"), ["stories[1].id", "s1"]),
    ("duplicate id across types", _set(["ideas", 0, "id"], "s2"), ["ideas[0].id", "s2"]),
    ("duplicate action id", _set(["plan", "actions", 3, "id"], "a1"), ["plan.actions[3].id", "a1"]),
    (
        "action names no idea",
        _set(["plan", "actions", 0, "ideas"], ["i99"]),
        ["plan.actions[0].ideas[0]", "i99"],
    ),
    (
        "referral to no interview",
        _set(["interviews", 2, "referred_by"], "v99"),
        ["interviews[2].referred_by", "v99"],
    ),
    (
        "progress for no action",
        _set(["checkins", 1, "progress"], {"a99": 1}),
        ["checkins[1].progress.a99", "a99"],
    ),
    ("name is a number", _set(["client", "name"], 42), ["client.name", "42"]),
    ("skills not a list", _set(["stories", 0, "skills"], "Writing"), ["stories[0].skills"]),
    ("rating as text", _set(["ideas", 0, "fit"], "4"), ["ideas[0].fit", "'4'"]),
    ("yes/no as text", _set(["stories", 0, "felt_good"], "maybe"), ["stories[0].felt_good"]),
    ("attempts not a list", _set(["attempts"], {"a": 1}), ["attempts"]),
    ("client id not a slug", _set(["client", "id"], "Lana K"), ["client.id", "Lana K"]),
    ("record id not a slug", _set(["stories", 0, "id"], "S_1"), ["stories[0].id", "S_1"]),
    ("unsupported format", _set(["format"], 2), ["format", "2"]),
    (
        "action due before the start",
        _set(["plan", "actions", 1, "due"], "2026-08-31"),
        ["plan.actions[1].due", "2026-08-31", "start date"],
    ),
    (
        "target before the start",
        _set(["plan", "target"], "2026-01-31"),
        ["plan.target", "2026-01-31", "start date"],
    ),
    (
        "check-in before the start",
        _set(["checkins", 3, "date"], "2026-08-01"),
        ["checkins[3].date", "2026-08-01"],
    ),
    (
        "interview before the start",
        _set(["interviews", 0, "date"], "2025-09-18"),
        ["interviews[0].date", "2025-09-18"],
    ),
    ("idea before the start", _set(["ideas", 4, "added"], "2026-05-15"), ["ideas[4].added"]),
    (
        "records kept without consent",
        _set(["client", "consent"], {"records": False, "share_deidentified": False}),
        ["client.situation", "not consented"],
    ),
]

BILLION_LAUGHS = b"""format: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

RAW = [
    (
        "yaml syntax error",
        b"format: 1\nclient:\n  id: lana\n  name: [unclosed\n",
        ["line", "YAML syntax error"],
    ),
    ("tab indentation", b"format: 1\nclient:\n\tid: lana\n", ["line 3", "YAML"]),
    ("empty file", b"", ["empty"]),
    ("only a comment", b"# nothing here\n", ["empty"]),
    ("not UTF-8", "format: 1\nclient: {name: Ana\xefs}\n".encode("latin-1"), ["UTF-8", "0xef"]),
    ("a list, not a mapping", b"- format: 1\n", ["mapping", "list"]),
    ("a scalar, not a mapping", b"hello\n", ["mapping", "text"]),
    ("billion laughs", BILLION_LAUGHS, ["line 3", "aliases"]),
    ("duplicate key", b"format: 1\nformat: 1\n", ["line 2", "twice"]),
    ("python tag", b"format: !!python/object/apply:os.system ['true']\n", ["line 1"]),
]


@pytest.fixture
def populated(practice):
    """A practice that already holds a client, so 'unchanged' is not trivially true."""
    from workbook.sample import sample_case

    case = sample_case().model_copy(deep=True)
    case.client.id = "existing"
    with practice.open() as store:
        store.save(case)
    return practice


def _run_import(practice, path: Path):
    args = ["--practice", str(practice.path)]
    if practice.db_url:
        args += ["--db", practice.db_url]
    return CliRunner().invoke(cli, [*args, "import", str(path)])


def _assert_refused(practice, path: Path, expected: list[str]) -> None:
    with practice.open() as store:
        before = snapshot(store)
    result = _run_import(practice, path)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"workbook: error: {path}"), lines[0]
    for word in expected:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in result.output
    with practice.open() as store:
        assert snapshot(store) == before


@pytest.mark.parametrize("name, mutate, expected", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_invalid_field_is_refused_naming_field_and_value(
    populated, tmp_path, name, mutate, expected
):
    data = _typed_sample()
    mutate(data)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _assert_refused(populated, path, expected)


@pytest.mark.parametrize("name, raw, expected", RAW, ids=[r[0] for r in RAW])
def test_unreadable_file_is_refused(populated, tmp_path, name, raw, expected):
    path = tmp_path / "case.yaml"
    path.write_bytes(raw)
    _assert_refused(populated, path, expected)


def test_field_errors_give_the_line(sqlite_practice, tmp_path):
    text = sample_text().replace(
        "    fit: 4\n    interest: 4\n    feasibility: 3",
        "    fit: 9\n    interest: 4\n    feasibility: 3",
        1,
    )
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    fit: 9") + 1
    _assert_refused(sqlite_practice, path, [f"line {line}", "ideas[1].fit", "9"])


def test_one_bad_file_stops_the_whole_import(populated, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(sample_text(), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(sample_text().replace("id: lana", "id: lena").replace("fit: 5", "fit: 50"))
    with populated.open() as store:
        before = snapshot(store)
    args = ["--practice", str(populated.path)] + (
        ["--db", populated.db_url] if populated.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr and "ideas[0].fit" in result.stderr
    with populated.open() as store:
        assert snapshot(store) == before


def test_existing_client_is_refused_unless_replace(populated, tmp_path):
    data = _typed_sample()
    data["client"]["id"] = "existing"
    data["client"]["name"] = "Someone Else"
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _assert_refused(populated, path, ["client.id", "existing", "--replace"])
    args = ["--practice", str(populated.path)] + (
        ["--db", populated.db_url] if populated.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "import", "--replace", str(path)])
    assert result.exit_code == 0, result.stderr
    with populated.open() as store:
        assert store.load("existing").client.name == "Someone Else"


def test_real_process_prints_one_line_and_no_traceback(sqlite_practice, tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_bytes(BILLION_LAUGHS)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbook.cli",
            "--practice",
            str(sqlite_practice.path),
            "import",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert "aliases" in done.stderr


def test_missing_file_is_a_usage_error(sqlite_practice, tmp_path):
    result = CliRunner().invoke(
        cli, ["--practice", str(sqlite_practice.path), "import", str(tmp_path / "nope.yaml")]
    )
    assert result.exit_code == 1
    assert "nope.yaml" in result.stderr and "cannot be read" in result.stderr


def test_sample_mutations_start_from_a_valid_case():
    """The table above is only meaningful if the unmutated sample imports cleanly."""
    from workbook.model import validate_case

    validate_case(copy.deepcopy(_typed_sample()))
    assert _sample()["client"]["id"] == "lana"
