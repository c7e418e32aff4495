"""Step 1's stories form in JupyterLab, in a real browser: run the notebook, type, tick, save,
and read the database back through the Python API."""

from __future__ import annotations

import json
import os
import re
import signal

import psutil
import pytest

from tests.browser.conftest import (
    CLIENT,
    STEP1,
    TIMEOUT_MS,
    StoriesForm,
    db_rows,
    expect,
    next_story_id,
    stories,
)
from tests.browser.lab import KERNEL_IDLE

pytestmark = pytest.mark.browser


@pytest.fixture
def step1(lab, context):
    """Step 1 open in JupyterLab with every cell run (Run > Run All Cells): the stories form.

    Afterwards the notebook's session is shut down, so the next test starts a fresh kernel.
    """
    page = context.new_page()
    page.goto(lab.url(f"/lab/tree/{CLIENT}/{STEP1}"))
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    form = StoriesForm(page)
    form.root.wait_for()
    # Every cell has run: no prompt still shows [*] (queued or running) or [ ] (not run).
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=TIMEOUT_MS,
    )
    yield form
    for session in lab.api("GET", "/api/sessions"):
        if session["path"].endswith(STEP1):
            lab.api("DELETE", f"/api/sessions/{session['id']}")


def test_story_typed_in_lab_is_saved(step1, practice):
    form, before = step1, stories(practice)
    story_id = next_story_id(practice)
    expect(form.field("id")).to_have_value(story_id)  # pre-filled with the next free id

    form.field("title").fill("The rota rescue")
    form.field("text").fill("When two colleagues left, Lana rebuilt the weekend rota in a day.")
    form.skill("Collaboration").check()
    form.skill("Problem solving").check()
    form.save()

    expect(form.status).to_contain_text(f"Saved story {story_id}.")
    expect(form.table).to_contain_text("The rota rescue")
    form.screenshot("step1-stories-form.png")

    after = stories(practice)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    saved = after[-1]
    assert saved["id"] == story_id
    assert saved["title"] == "The rota rescue"
    assert saved["text"] == "When two colleagues left, Lana rebuilt the weekend rota in a day."
    assert sorted(saved["skills"]) == ["Collaboration", "Problem solving"]


def test_bad_id_is_refused_beside_the_field_and_nothing_is_saved(step1, practice):
    form, before = step1, db_rows(practice)
    stories_before = stories(practice)

    form.field("id").fill("Bad Id")
    form.field("title").fill("A story with a bad id")
    form.field("text").fill("This must not reach the database.")
    form.skill("Collaboration").check()
    form.save()

    expect(form.error("id")).to_contain_text("slug")
    expect(form.status).to_contain_text("Not saved.")
    expect(form.error("title")).to_have_text("")
    form.screenshot("step1-stories-form-bad-id.png")

    assert stories(practice) == stories_before
    assert db_rows(practice) == before


def _kernel_pid(server, kernel_id: str) -> int:  # noqa: ANN001 - a Server
    """The PID of the process listening on this kernel's shell port (from its connection file
    in the server's runtime folder): a forked kernel's command line is its zygote's, not one
    naming its connection file."""
    runtime = server.log.parent / "runtime"
    port = json.loads((runtime / f"kernel-{kernel_id}.json").read_text())["shell_port"]
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return conn.pid
    raise AssertionError(f"no process listens on kernel {kernel_id}'s shell port {port}")


def test_saved_story_survives_the_kernel_being_killed(step1, lab, practice):
    form = step1
    story_id = form.field("id").input_value()
    form.field("title").fill("Saved before the crash")
    form.field("text").fill("Committed when Save was clicked, not when the kernel exits.")
    form.skill("Problem solving").check()
    form.save()
    expect(form.status).to_contain_text(f"Saved story {story_id}.")

    (session,) = [s for s in lab.api("GET", "/api/sessions") if s["path"].endswith(STEP1)]
    os.kill(_kernel_pid(lab, session["kernel"]["id"]), signal.SIGKILL)
    # JupyterLab itself notices the kernel has gone.
    expect(form.page.get_by_text("appears to have died")).to_be_visible()
    form.page.close()

    (saved,) = [s for s in stories(practice) if s["id"] == story_id]
    assert saved["title"] == "Saved before the crash"
    assert saved["skills"] == ["Problem solving"]
