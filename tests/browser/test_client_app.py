"""The client app (`workbook app CLIENT --audience client`) in a real browser, and the
practitioner's app header.

The practice holds Lana, whose reflections, check-in notes and intake carry marker strings, and a
second client. Every page is reached from the landing page; none of them shows a marker or the
other client. A check-in saved in the app reaches the practitioner's step 4 form.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import axe
from tests.browser.conftest import (
    CLIENT,
    SCREENSHOTS,
    STEP1,
    Server,
    _stop,
    _unavailable,
    expect,
    start_app,
)
from tests.conftest import minimal_case
from workbook.forms import Workbook
from workbook.notebooks import prepare
from workbook.practice import Practice
from workbook.sample import sample_case

pytestmark = pytest.mark.browser

MARK = "PRIVATE-MARKER-"
OTHER_ID, OTHER_NAME = "zed-other", "Zed Othername"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
# Each landing-page link, and what shows that its page has rendered.
PAGE_READY = {
    "01_goal_and_plan.ipynb": ".wb-client-plan",
    "02_next_steps.ipynb": ".wb-calendar-download",
    "03_check_in.ipynb": ".wb-form-selfcheckin",
}


@pytest.fixture(scope="module")
def practice(tmp_path_factory) -> Practice:
    """Lana (the sample) with private markers, her notebooks prepared, and a second client."""
    path = tmp_path_factory.mktemp("practice") / "practice"
    practice = Practice(path)
    with practice.open() as store:
        store.save(sample_case())
        with store.edit(CLIENT) as case:
            for r in case.reflections:
                r.entries = {k: f"{MARK}reflection {v}" for k, v in r.entries.items()}
            for k in case.checkins:
                k.notes = f"{MARK}note {k.notes}"
            case.client.situation = f"{MARK}situation"
        store.save(minimal_case(OTHER_ID, OTHER_NAME))
    prepare(practice, CLIENT)  # the practitioner's notebooks, for the practitioner's app
    return practice


@pytest.fixture(scope="module")
def client_app(practice: Practice, tmp_path_factory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("client-app")
    server = start_app(practice, home, "--audience", "client", ready="/voila/tree")
    yield server
    _stop(server)


def _shown(page) -> tuple[str, str]:
    """What the page shows, and its HTML: neither may hold anything private."""
    return page.locator("body").inner_text(), page.content()


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOTS / name, DOCS_IMAGES / name)


def test_client_app_shows_only_what_is_theirs(client_app, context, practice):
    page = context.new_page()
    page.goto(client_app.url("/"))  # the root leads to the landing page
    page.locator(".wb-client-links").wait_for()
    assert page.url.endswith("/voila/render/00_home.ipynb")
    links = page.locator(".wb-client-links a")
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs == list(PAGE_READY)
    seen = {"00_home.ipynb": _shown(page)}
    _screenshot(page, "client-app-home.png")

    for href, ready in PAGE_READY.items():
        page.locator(f'.wb-client-links a[href="{href}"]').click()
        page.locator(ready).wait_for()
        assert page.url.endswith(f"/voila/render/{href}")
        seen[href] = _shown(page)
        if href == "02_next_steps.ipynb":
            with page.expect_download() as download:
                page.locator(".wb-calendar-download").click()
            assert download.value.suggested_filename == f"{CLIENT}-calendar.ics"
            calendar = Path(download.value.path()).read_text(encoding="utf-8")
            assert calendar.startswith("BEGIN:VCALENDAR") and "Weekly check-in" in calendar
            assert MARK not in calendar
        page.locator('.wb-client-header a[href="00_home.ipynb"]').click()  # back to the start
        page.locator(".wb-client-links").wait_for()

    assert set(seen) == {"00_home.ipynb", *PAGE_READY}
    for name, (text, source) in seen.items():
        assert "Lana Kowalczyk" in text, name
        for private in (MARK, OTHER_ID, OTHER_NAME):
            assert private not in text and private not in source, (name, private)
        for button in ("Create client", "Copy the sample", "Delete", "Record"):
            assert button not in text, (name, button)


def test_self_checkin_reaches_the_practitioners_step4(client_app, context, practice):
    page = context.new_page()
    page.goto(client_app.url("/voila/render/03_check_in.ipynb"))
    form = page.locator(".wb-form-selfcheckin")
    form.wait_for()
    note = "The coffee chats went well; I would like help with the portfolio."
    form.locator(".wb-selfcheckin-importance select").select_option(label="9")
    form.locator(".wb-selfcheckin-confidence select").select_option(label="6")
    form.locator(".wb-selfcheckin-progress-a4 select").select_option(
        label="a little better than I expected"
    )
    form.locator(".wb-selfcheckin-notes textarea").fill(note)
    page.set_viewport_size({"width": 1100, "height": 1400})
    _screenshot(page, "client-app-checkin.png")
    form.locator(".wb-selfcheckin-save").click()
    expect(form.locator(".wb-selfcheckin-status")).to_contain_text("is saved")

    step4 = Workbook(CLIENT, str(practice.path))  # the practitioner's step 4, as it loads
    try:
        saved = step4.items("checkins")[-1]
        assert (saved.by, saved.importance, saved.confidence) == ("client", 9, 6)
        assert saved.progress == {"a4": 1} and saved.notes == note
        table = step4.form("checkins").table.value
        assert note in table and ">client<" in table
    finally:
        step4.store.close()


def test_practitioner_app_header_says_it_is_not_for_clients(voila, context):
    page = context.new_page()
    page.goto(voila.url(f"/voila/render/{CLIENT}/{STEP1}"))
    expect(page.locator(".wb-not-for-clients")).to_contain_text(
        "Practitioner's app: not for clients."
    )


SEND_CODE = """async ([code]) => {
  const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
  const url = location.origin.replace(/^http/, "ws") +
    `/api/kernels/${config.kernelId}/channels?session_id=test-session`;
  const ws = new WebSocket(url);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  const got = [];
  const done = new Promise((ok) => {
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      got.push(msg.header.msg_type);
      if (msg.header.msg_type === "kernel_info_reply") ok();
    };
  });
  const send = (type, content) => ws.send(JSON.stringify({
    channel: "shell", content, metadata: {}, parent_header: {}, buffers: [],
    header: {msg_id: type + Math.random(), msg_type: type, session: "test-session",
             username: "", date: new Date().toISOString(), version: "5.3"}}));
  send("execute_request", {code, silent: false, store_history: false,
                           user_expressions: {}, allow_stdin: false, stop_on_error: true});
  send("kernel_info_request", {});  // answered after the execute request, had it been run
  await done;
  ws.close();
  return got;
}"""


def test_client_app_kernels_run_no_code_sent_from_the_browser(client_app, context, tmp_path):
    page = context.new_page()
    page.goto(client_app.url("/voila/render/00_home.ipynb"))
    page.locator(".wb-client-links").wait_for()
    proof = tmp_path / "ran"
    got = page.evaluate(SEND_CODE, [f"open({str(proof)!r}, 'w').write('x')"])
    assert "kernel_info_reply" in got
    assert "execute_reply" not in got and "execute_input" not in got
    assert not proof.exists()
    assert "execute_request" in client_app.output() and "not allowed" in client_app.output()


@pytest.mark.parametrize("name", ["00_home.ipynb", *PAGE_READY])
def test_client_app_page_has_no_wcag_violations(client_app, context, name):
    """An axe-core scan (WCAG 2 A and AA) of each of the client's pages finds nothing."""
    if not axe.available():
        _unavailable(f"axe-core is not installed at {axe.AXE_JS} (make setup)")
    page = context.new_page()
    page.goto(client_app.url(f"/voila/render/{name}"))
    violations = axe.scan_voila(page)
    assert not violations, f"{name}:\n{axe.report(violations)}"
