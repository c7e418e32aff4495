"""``workbook hub``'s argument errors: one line naming the field and the value, exit 1 (2 for a
usage mistake), and nothing written: no account, no change to the hub folder."""

from __future__ import annotations

import pwd

import pytest
from click.testing import CliRunner

from workbook.cli import cli


def run(*args: str):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def hub_dir(tmp_path):
    folder = tmp_path / "hub"
    assert (
        run("hub", "init", folder, "--admin", "boss", "--homes", tmp_path / "homes").exit_code == 0
    )
    return folder


@pytest.fixture
def password(tmp_path):
    path = tmp_path / "pw"
    path.write_text("s3cret-enough\n")
    return path


def _files(folder):  # noqa: ANN001, ANN202
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    ("args", "status", "named"),
    [
        (
            ["add-user", "{hub}", "Bad_Name", "--role", "trainee", "--password-file", "{pw}"],
            1,
            "user name: 'Bad_Name'",
        ),
        (["add-user", "{hub}", "sam-x1", "--role", "boss", "--password-file", "{pw}"], 2, "'boss'"),
        (
            ["add-user", "{hub}", "sam-x1", "--role", "trainee", "--password-file", "{missing}"],
            1,
            "--password-file",
        ),
        (
            ["add-user", "{hub}", "sam-x1", "--role", "trainee", "--password-file", "{empty}"],
            1,
            "is empty",
        ),
        (
            ["add-user", "{nohub}", "sam-x1", "--role", "trainee", "--password-file", "{pw}"],
            1,
            "not a hub folder",
        ),
        (["remove-user", "{hub}", "sam-x1"], 2, "--yes"),
        (["remove-user", "{hub}", "sam-x1", "--yes"], 1, "not one of this hub's people"),
        (["init", "{hub}", "--admin", "Root!"], 1, "user name: 'Root!'"),
        (
            ["init", "{hub}", "--admin", "boss", "--db", "sqlite:///x.db"],
            1,
            "--db: sqlite:///x.db is not",
        ),
        (["init", "{hub}", "--admin", "boss", "--idle-timeout", "5"], 2, "--idle-timeout"),
        (["init", "{hub}", "--admin", "boss", "--start-timeout", "5"], 2, "--start-timeout"),
        (["serve", "{nohub}"], 1, "not a hub folder"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(
    hub_dir, password, tmp_path, args, status, named
):
    (tmp_path / "empty").write_text("\n")
    places = {
        "hub": hub_dir,
        "pw": password,
        "missing": tmp_path / "nope",
        "nohub": tmp_path,
        "empty": tmp_path / "empty",
    }
    before = _files(hub_dir)
    result = run("hub", *[a.format(**places) for a in args])
    assert result.exit_code == status, result.output
    assert named in result.output
    if status == 1:
        assert result.output.startswith("workbook: error: ") and result.output.count("\n") == 1
    assert _files(hub_dir) == before
    with pytest.raises(KeyError):
        pwd.getpwnam("wb-sam-x1")


def test_a_workshop_named_after_its_roster_file_says_where_a_bad_name_came_from(hub_dir, tmp_path):
    """Without --workshop the name is the roster file's: a bad one is said to come from there,
    since the user never typed it, and nothing is made."""
    from workbook.casefile import write_case
    from workbook.sample import sample_case

    roster = tmp_path / "My Class.csv"
    roster.write_text("id,name,email\nana-x1,Ana,ana@example.org\n")
    case = write_case(sample_case(), tmp_path / "lana.yaml")
    before = _files(hub_dir)
    result = run("workshop", "create", roster, "--case", case, "--hub", hub_dir)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(
        "workbook: error: workshop name (from the roster file name 'My Class.csv'): "
        "'My Class' is not allowed"
    )
    assert result.output.rstrip().endswith("; give one with --workshop")
    assert result.output.count("\n") == 1
    assert _files(hub_dir) == before
    with pytest.raises(KeyError):
        pwd.getpwnam("wb-ana-x1")
    named = run("workshop", "create", roster, "--case", case, "--hub", hub_dir, "--workshop", "A!")
    assert named.output.startswith("workbook: error: workshop: 'A!' is not allowed")
