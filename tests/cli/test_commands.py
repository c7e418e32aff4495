"""The command line: each command, its help, the practice options and environment variables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from workbook.cli import cli
from workbook.sample import sample_text


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def run(*args, env=None):
    return CliRunner().invoke(cli, list(map(str, args)), env=env)


def _command_paths(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_command_paths(cli)), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    example = result.stdout.split("Example:")[1].split("Options:")[0]
    assert "workbook " in example and f" {path[-1]}" in example


def test_top_level_help_and_version():
    assert "Example:" in run("--help").stdout
    assert run("--version").stdout.startswith("workbook, version")


def test_init_creates_a_practice(practice):
    result = run(*_args(practice), "init")
    assert result.exit_code == 0, result.stderr
    assert "practice ready" in result.stdout and "0 client(s)" in result.stdout
    assert (practice.path).is_dir()


def test_demo_makes_a_practice_with_lana(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBOOK_PRACTICE", raising=False)
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "demo-practice" / "practice.db").exists()
    for heading in (
        "Lana Kowalczyk (lana)",
        "Step 1",
        "Step 2",
        "Step 3",
        "Step 4",
        "Priya Banerjee -> Marcus Oyelaran -> Hélène Tremblay",
    ):
        assert heading in result.stdout
    folder = tmp_path / "demo-practice" / "workbooks" / "lana"
    for name in (
        "lana-workbook.ipynb",
        "lana-workbook.html",
        "lana-workbook.pdf",
        "lana-calendar.ics",
    ):
        assert (folder / name).exists() and str(folder / name).endswith(name)
        assert f"demo-practice/workbooks/lana/{name}" in result.stdout
    for way_in in ("lab\n", "app\n", "lab lana\n", "app lana --audience client"):
        assert f"workbook --practice demo-practice {way_in}" in result.stdout
    assert run("demo").exit_code == 0  # running again resets Lana, no "already exists"
    listing = run("--practice", "demo-practice", "clients")
    assert listing.stdout.splitlines()[1].split()[:2] == ["lana", "2026-09-01"]


def test_demo_follows_practice_option(tmp_path):
    result = run("--practice", tmp_path / "elsewhere", "demo")
    assert result.exit_code == 0
    assert (tmp_path / "elsewhere" / "practice.db").exists()


def test_clients_show_export_delete(practice, tmp_path):
    case = tmp_path / "lana.yaml"
    case.write_text(sample_text(), encoding="utf-8")
    assert run(*_args(practice), "init").exit_code == 0
    assert run(*_args(practice), "clients").stdout.startswith("no clients yet")
    assert run(*_args(practice), "import", case).stdout == f"imported lana from {case}\n"
    assert "lana" in run(*_args(practice), "clients").stdout
    shown = run(*_args(practice), "show", "lana", "--as-of", "2026-11-20").stdout
    assert "a4 [doing]" in shown and "OVERDUE" in shown.split("a4 [doing]")[1].splitlines()[0]
    assert "latest 2026-11-24" in shown
    assert run(*_args(practice), "export", "lana").stdout.startswith("format: 1\n")

    files = practice.workbooks("lana")
    files.mkdir(parents=True)
    (files / "lana.html").write_text("generated")
    assert run(*_args(practice), "prepare", "lana").exit_code == 0
    notebooks = practice.path / "notebooks" / "lana"
    assert notebooks.exists()
    refused = run(*_args(practice), "delete", "lana")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert run(*_args(practice), "delete", "lana", "--yes").exit_code == 0
    assert not files.exists()
    assert not notebooks.exists()  # the client's notebooks (and client app) go with them
    assert (practice.path / "notebooks" / "00_start_here.ipynb").exists()  # the practice's stays
    gone = run(*_args(practice), "show", "lana")
    assert gone.exit_code == 1
    assert gone.stderr == (
        "workbook: error: no client 'lana' in this practice; "
        "`workbook clients` lists the ones there are\n"
    )


def test_environment_variables_choose_practice_and_database(practice, tmp_path):
    case = tmp_path / "lana.yaml"
    case.write_text(sample_text(), encoding="utf-8")
    env = {"WORKBOOK_PRACTICE": str(practice.path), "WORKBOOK_DB": practice.db_url or ""}
    assert run("import", case, env=env).exit_code == 0
    with practice.open() as store:
        assert store.client_ids() == ["lana"]
    assert "lana" in run("clients", env=env).stdout


def test_reading_commands_do_not_create_a_practice(tmp_path):
    result = run("--practice", tmp_path / "missing", "clients")
    assert result.exit_code == 1
    assert "no practice at" in result.stderr and "workbook init" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_bad_database_url_is_one_line(tmp_path):
    for url in ("nonsense://x", "postgresql+psycopg://nobody@127.0.0.1:1/none"):
        result = run("--practice", tmp_path, "--db", url, "clients")
        assert result.exit_code == 1
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("workbook: error:")


def test_usage_errors_exit_2():
    assert run("import").exit_code == 2
    assert run("show").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_show_neutralises_terminal_control_characters(sqlite_practice, tmp_path):
    """Import refuses them (the text rules); a name kept by an older version, which did not,
    is still printed with its escapes neutralised."""
    from sqlalchemy import update

    from workbook.store import schema

    hostile = sample_text().replace("name: Lana Kowalczyk", 'name: "Lana\\e[2J\\e]0;pwned\\a"')
    case = tmp_path / "lana.yaml"
    case.write_text(hostile, encoding="utf-8")
    refused = run(*_args(sqlite_practice), "import", case)
    assert refused.exit_code == 1 and "\x1b" not in refused.stderr
    assert "client.name: holds a control character (U+001B)" in refused.stderr
    case.write_text(sample_text(), encoding="utf-8")
    assert run(*_args(sqlite_practice), "import", case).exit_code == 0
    with sqlite_practice.open() as store, store.transaction() as conn:
        conn.execute(update(schema.clients).values(name="Lana\x1b[2J\x1b]0;pwned\x07"))
    for command in ("show", "clients"):
        out = run(*_args(sqlite_practice), command, *(["lana"] if command == "show" else [])).stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "\\u001b[2J" in out


def test_the_installed_command_runs(tmp_path):
    env = {**os.environ, "WORKBOOK_PRACTICE": str(tmp_path / "p")}
    bindir = os.path.dirname(sys.executable)
    done = subprocess.run(
        [os.path.join(bindir, "workbook"), "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Lana Kowalczyk" in done.stdout
