"""A client's app behind the hub's sign-in, in a real browser (issue 11, point 2): a
practitioner signs in, chooses a client in start-here (in Voilà, as the practitioner's app),
follows **Open the client app of ...**, and their server renders the client's pages, which
show the plan and nothing private."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TIMEOUT_MS
from tests.hub.conftest import hub  # noqa: F401 - the running hub fixture

pytestmark = [pytest.mark.browser, pytest.mark.hub]

MARK = "PRIVATE-MARKER-"


def _lana_with_markers() -> None:
    from pathlib import Path

    from workbook.practice import Practice
    from workbook.sample import sample_case

    with Practice(Path.home() / "practice").open() as store:
        store.save(sample_case())
        with store.edit("lana") as case:
            for r in case.reflections:
                r.entries = {k: f"{MARK}reflection {v}" for k, v in r.entries.items()}
            for k in case.checkins:
                k.notes = f"{MARK}note {k.notes}"


def test_a_practitioner_opens_a_clients_app_from_start_here(hub, context):  # noqa: F811
    from workbook.hub import accounts
    from workbook.hub.asuser import call_as

    name = hub.add_user("practitioner")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/lab/tree/notebooks/00_start_here\.ipynb.*"), timeout=180_000)
    call_as(accounts.account(name), _lana_with_markers)

    page.goto(f"{hub.url}/user/{name}/voila/render/notebooks/00_start_here.ipynb")
    chooser = page.locator(".wb-client-chooser select")
    chooser.wait_for(timeout=TIMEOUT_MS * 2)
    labels = chooser.locator("option").all_text_contents()
    lana = [o for o in labels if o.split()[0] == "lana"]  # "lana · Lana ..." (no-break spaces)
    assert lana, labels
    chooser.select_option(label=lana[0], timeout=TIMEOUT_MS)
    link = page.locator(".wb-client-app a")
    link.wait_for(timeout=TIMEOUT_MS)
    assert link.get_attribute("href") == f"/user/{name}/workbook/client-app/lana"
    with context.expect_page() as opened:
        link.click()
    app = opened.value
    app.get_by_text("Lana Kowalczyk: your action plan").wait_for(timeout=TIMEOUT_MS * 2)
    assert app.url.endswith(f"/user/{name}/voila/render/notebooks/lana/client-app/00_home.ipynb")
    app.get_by_role("link", name=re.compile("plan", re.I)).first.click()
    app.locator(".wb-client-plan").wait_for(timeout=TIMEOUT_MS * 2)
    assert MARK not in app.content()
    assert "not for clients" not in app.content().lower()
