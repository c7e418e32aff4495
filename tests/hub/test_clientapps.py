"""A practitioner's client apps behind the hub's sign-in (``workbook.hub.clientapps``): the
practitioner's own server writes the client's pages and renders them in Voilà; nobody else's
session reaches them."""

from __future__ import annotations

import pytest

from tests.hub.conftest import RunningHub
from workbook.hub import accounts

pytestmark = pytest.mark.hub


def _lana() -> None:
    from pathlib import Path

    from workbook.practice import Practice
    from workbook.sample import sample_case

    with Practice(Path.home() / "practice").open() as store:
        store.save(sample_case())


def test_a_practitioner_opens_a_clients_app_through_the_hub(hub: RunningHub):
    from workbook.hub.asuser import call_as

    a, b = hub.add_user("practitioner"), hub.add_user("practitioner")
    session_a, session_b = hub.start_servers(a, b)
    call_as(accounts.account(a), _lana)

    opened = session_a.get(f"{hub.url}/user/{a}/workbook/client-app/lana", timeout=180)
    assert opened.status_code == 200, opened.text[:500]
    assert opened.url == f"{hub.url}/user/{a}/voila/render/notebooks/lana/client-app/00_home.ipynb"
    # the landing page ran whole: its own words, its widgets shown, no cell failed (the
    # widgets' contents reach a browser through the kernel: tests/browser/test_hub_client_app.py)
    assert "This is your own space for the action plan" in opened.text
    assert opened.text.count("application/vnd.jupyter.widget-view+json") >= 2
    assert "error when executing" not in opened.text.lower()
    pages = accounts.home(hub.layout, a) / "practice" / "notebooks" / "lana" / "client-app"
    assert pages.stat().st_uid == accounts.account(a).pw_uid  # written by A's own server
    plan = session_a.get(
        f"{hub.url}/user/{a}/voila/render/notebooks/lana/client-app/01_goal_and_plan.ipynb",
        timeout=180,
    )
    assert plan.status_code == 200 and "error when executing" not in plan.text.lower()

    missing = session_a.get(f"{hub.url}/user/{a}/workbook/client-app/nobody", timeout=60)
    assert missing.status_code == 404

    # B's signed-in session, and a session not signed in, are refused or sent to sign in
    import requests

    for session in (session_b, requests.Session()):
        other = session.get(f"{hub.url}/user/{a}/workbook/client-app/lana", timeout=60)
        assert other.status_code == 403 or "/hub/login" in other.url, other.url
        assert "This is your own space" not in other.text
