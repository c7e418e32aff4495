"""The client app's pages: only the client's own plan, in words, and their calendar."""

from __future__ import annotations

import base64
import json
import re
import stat

from click.testing import CliRunner

from workbook import audience
from workbook.cli import cli
from workbook.clientapp import serve

MARK = "PRIVATE-MARKER-"


def _mark(store):
    with store.edit("lana") as case:
        case.reflections[0].entries = {k: MARK + "r" for k in case.reflections[0].entries}
        for k in case.checkins:
            k.notes = MARK + "note"
        case.client.situation = MARK + "situation"


def _everything(pages) -> str:
    return "".join(
        w.value
        for w in (pages.header(), pages.links(), pages.plan(), pages.next_steps(), pages.calendar())
    ) + "".join(f.label.value for f in pages.checkin().actions)


def test_pages_show_the_clients_plan_and_nothing_private(pages):
    _mark(pages.store)
    pages.reload()
    text = _everything(pages)
    case = pages.store.load("lana")
    assert case.plan.goal.split()[0] in text and case.client.name in text
    assert "to do" in text or "under way" in text  # statuses in words
    for absent in (MARK, "zed-other", "Zed Othername"):
        assert absent not in text


def test_every_page_is_linked_from_the_landing_page(pages):
    links = set(re.findall(r'href="([^"]+)"', pages.links().value))
    assert links == {name for name, _, _ in serve_pages()}


def serve_pages():
    from workbook.clientapp.pages import PAGES

    return PAGES


def test_calendar_is_a_download_made_by_the_page(pages):
    html = pages.calendar().value
    data = re.search(r'href="data:text/calendar;base64,([^"]+)"', html)[1]
    ics = base64.b64decode(data).decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "a1@action-plan-workbook" in ics
    assert 'download="lana-calendar.ics"' in html


def test_pages_folder_holds_only_this_clients_pages(pages, practice):
    (serve.pages_dir(practice, "lana")).mkdir(parents=True)
    (serve.pages_dir(practice, "lana") / "old_page.ipynb").write_text("{}")
    (serve.pages_dir(practice, "lana") / "by-hand").mkdir()  # a folder put there: not served
    (serve.pages_dir(practice, "lana") / "by-hand" / "notes.ipynb").write_text("{}")
    folder = serve.write_pages(practice, "lana")
    assert folder == practice.path.resolve() / "notebooks" / "lana" / "client-app"
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in serve.sources()]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for page in folder.iterdir():
        assert stat.S_IMODE(page.stat().st_mode) == 0o600
        text = page.read_text(encoding="utf-8")
        assert "Lana Kowalczyk" not in text and "zed-other" not in text  # ids and paths only
        nb = json.loads(text)
        injected = [
            c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
        ]
        assert 'client = "lana"' in "".join(injected[0]["source"])


def test_app_command_serves_that_folder_alone(pages, practice):
    command = serve.app_command(practice, "lana", ["--port", "1"])
    folder = str(serve.pages_dir(practice, "lana"))
    assert command[1:4] == ["-m", "workbook.clientapp.server", folder]
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert command[-2:] == ["--port", "1"]


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_cli_client_audience(pages, practice, monkeypatch):
    ran = []
    monkeypatch.setattr("workbook.notebooks.run", lambda command, p: ran.append(command))
    monkeypatch.delenv(audience.ENV, raising=False)
    runner = CliRunner()
    result = runner.invoke(cli, [*_args(practice), "app", "lana", "--audience", "client"])
    assert result.exit_code == 0, result.output
    assert ran[-1][3] == str(serve.pages_dir(practice, "lana"))
    import os

    assert os.environ[audience.ENV] == "client"
    missing = runner.invoke(cli, [*_args(practice), "app", "--audience", "client"])
    assert missing.exit_code == 2 and "give CLIENT" in missing.stderr
    unknown = runner.invoke(cli, [*_args(practice), "app", "nobody", "--audience", "client"])
    assert unknown.exit_code == 1 and unknown.stderr.startswith(
        "workbook: error: no client 'nobody'"
    )
    runner.invoke(cli, [*_args(practice), "app", "lana"])
    assert os.environ[audience.ENV] == "practitioner"
    monkeypatch.delenv(audience.ENV)


def test_practitioner_app_header_says_not_for_clients(wb_practitioner_app):
    assert "not for clients" in wb_practitioner_app.header().value


def test_practitioner_start_here_says_not_for_clients(lana_store, practice, monkeypatch):
    from workbook.forms import StartHere

    monkeypatch.setenv(audience.ENV, "practitioner")
    session = StartHere(str(practice.path), practice.db_url)
    try:
        assert "not for clients" in session.header().value
        monkeypatch.delenv(audience.ENV)  # JupyterLab: the practitioner's own tool, no banner
        assert "not for clients" not in session.header().value
    finally:
        session.store.close()
