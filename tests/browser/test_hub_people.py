"""People on a real hub, in a real browser (issue 11, point 6): two practitioners sign in at
once, each saves a client through their own start-here's form, and each record lands in its
owner's practice only, while neither reaches the other's server or files; a wrong password
is refused on the sign-in page; an account the admin removed no longer signs in."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS, expect
from tests.browser.lab import ALL_RUN, KERNEL_IDLE
from tests.hub.conftest import RunningHub, hub  # noqa: F401 - the running hub fixture
from tests.hub.offline import can_read

pytestmark = [pytest.mark.browser, pytest.mark.hub]

SLOW_MS = TIMEOUT_MS * 3  # a server or a kernel starting on two shared cores
START_HERE = re.compile(r".*/lab/tree/notebooks/00_start_here\.ipynb.*")
REFUSED = "Invalid username or password"  # what JupyterHub's sign-in page says


def sign_in(page, hub: RunningHub, name: str, password: str, then: str = "") -> None:  # noqa: F811
    """Fill and send the hub's sign-in form (``then``: where to go afterwards)."""
    page.goto(f"{hub.url}/hub/login" + (f"?next={then}" if then else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def client_ids(hub: RunningHub, name: str) -> set[str]:  # noqa: F811
    """The clients in ``name``'s practice, read by root straight from the file (read-only)."""
    path = Path(hub.homes, f"wb-{name}", "practice", "practice.db")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM clients")}


def test_two_practitioners_keep_their_own_records(hub, browser):  # noqa: F811
    a, b = hub.add_user("practitioner"), hub.add_user("practitioner")
    people = {
        name: browser.new_context(viewport={"width": 1280, "height": 1000}) for name in (a, b)
    }
    pages = {}
    try:
        for name, context in people.items():  # both servers start together
            context.set_default_timeout(TIMEOUT_MS)
            pages[name] = context.new_page()
            sign_in(pages[name], hub, name, hub.passwords[name])
        for page in pages.values():
            page.wait_for_url(START_HERE, timeout=SLOW_MS)
        for page in pages.values():
            page.wait_for_function(KERNEL_IDLE, timeout=SLOW_MS)
            page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        for name, page in pages.items():
            page.wait_for_function(ALL_RUN, timeout=SLOW_MS)
            page.locator(".wb-newclient-id input").fill(f"client-of-{name}")
            page.locator(".wb-newclient-name input").fill(f"A client of {name}")
            page.locator(".wb-newclient-records select").select_option(label="yes")
            page.locator(".wb-newclient-save").click()
        for name, page in pages.items():
            expect(page.locator(".wb-newclient-status")).to_contain_text(
                f"Created client client-of-{name}."
            )

        assert client_ids(hub, a) == {f"client-of-{a}"}
        assert client_ids(hub, b) == {f"client-of-{b}"}

        for me, other in ((a, b), (b, a)):  # the other's server: refused by the hub
            page = pages[me]
            page.goto(f"{hub.url}/user/{other}/lab/tree/notebooks/00_start_here.ipynb")
            expect(page.locator("body")).to_contain_text("403")
            expect(page.locator("body")).to_contain_text("You do not have permission")
            expect(page.locator(".wb-newclient-id")).to_have_count(0)
            assert f"client-of-{other}" not in page.content()
            assert not can_read(f"wb-{me}", hub.homes / f"wb-{other}" / "practice" / "practice.db")
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, page in pages.items():
            page.screenshot(path=str(SCREENSHOTS / f"hub-practitioner-{name}.png"), full_page=True)
        raise
    finally:
        for context in people.values():
            context.close()


def test_a_wrong_password_is_refused_on_the_sign_in_page(hub, context):  # noqa: F811
    name = hub.add_user("supervisor")
    page = context.new_page()
    sign_in(page, hub, name, hub.passwords[name] + "x", then="/hub/home")
    expect(page.locator(".login_error")).to_have_text(REFUSED)
    expect(page.locator(".login_error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/hub/login"))
    page.goto(f"{hub.url}/hub/home")  # and not signed in
    expect(page).to_have_url(re.compile(r"/hub/login"))

    sign_in(page, hub, name, hub.passwords[name], then="/hub/home")  # the right one
    expect(page).to_have_url(re.compile(r"/hub/home"))
    expect(page.locator(".login_error")).to_have_count(0)


def test_an_account_the_admin_removed_no_longer_signs_in(hub, context):  # noqa: F811
    name = hub.add_user("practitioner")
    password = hub.passwords[name]
    page = context.new_page()
    sign_in(page, hub, name, password, then="/hub/home")
    expect(page).to_have_url(re.compile(r"/hub/home"))

    hub.remove_user(name)  # `workbook hub remove-user DIR NAME --yes`
    page.reload()  # the session they had is over
    expect(page).to_have_url(re.compile(r"/hub/login"))
    sign_in(page, hub, name, password, then="/hub/home")
    expect(page.locator(".login_error")).to_have_text(REFUSED)
    expect(page).to_have_url(re.compile(r"/hub/login"))
