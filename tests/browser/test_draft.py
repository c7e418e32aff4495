"""Step 3's "Draft the plan" in JupyterLab, in a real browser: draft, keep two drafts, edit one,
save, and find exactly those two actions in the database."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CLIENT, SCREENSHOTS, db_rows, expect
from tests.browser.test_journeys import run_all

pytestmark = pytest.mark.browser

STEP3 = "04_step3_plan.ipynb"
EDITED = "Ask Priya Banerjee for the name of one onboarding lead; write to them by Friday."


def actions(practice) -> list[dict]:
    with practice.open(create=False) as store:
        case = store.load(CLIENT)
    return [a.model_dump() for a in case.plan.actions]


@pytest.fixture
def step3(lab, context, practice):
    """Step 3 open with every cell run, Lana's onboarding idea (i4, which no interview has
    tested) chosen first so that every rule drafts something. Its session is shut down after."""
    with practice.open(create=False) as store, store.edit(CLIENT) as case:
        next(i for i in case.ideas if i.id == "i4").status = "chosen"
    page = context.new_page()
    page.goto(lab.url(f"/lab/tree/{CLIENT}/{STEP3}"))
    run_all(page)
    panel = page.locator(".wb-form-draft")
    panel.wait_for()
    yield page, panel
    for session in lab.api("GET", "/api/sessions"):
        if session["path"].endswith(STEP3):
            lab.api("DELETE", f"/api/sessions/{session['id']}")


def test_draft_keep_two_edit_one_and_save(step3, practice):
    page, panel = step3
    before = actions(practice)
    panel.locator(".wb-draft-run").click()
    first, third = panel.locator(".wb-draft-row-1"), panel.locator(".wb-draft-row-3")
    expect(first).to_be_visible()
    expect(third.locator(".wb-draft-why")).to_contain_text("Why:")
    rows = panel.locator(".wb-draft-row").count()
    assert rows >= 4

    # The accessible names tie each control to its draft.
    keep_first = page.get_by_role("checkbox", name="Keep draft 1")
    keep_third = page.get_by_role("checkbox", name="Keep draft 3")
    text_first = first.locator(".wb-draft-text textarea")
    text_third = page.get_by_role("textbox", name="The action (draft 3)")
    drafted_first = text_first.input_value()
    drafted_owner = first.locator(".wb-draft-owner select").input_value()
    keep_first.check()
    keep_third.check()
    text_third.fill(EDITED)
    third.locator(".wb-draft-owner select").select_option("shared")
    text_third.press("Tab")  # the edit reaches the kernel
    unsaved = db_rows(practice)
    assert actions(practice) == before  # nothing saved before Save

    panel.locator(".wb-draft-save").click()
    expect(panel.locator(".wb-draft-status")).to_contain_text("Saved 2 actions to the plan")
    expect(panel.locator(".wb-draft-row")).to_have_count(rows - 2)
    _screenshot(page, panel, "step3-draft-the-plan.png")

    after = actions(practice)
    assert after[: len(before)] == before
    added = after[len(before) :]
    assert [(a["id"], a["text"], a["owner"], a["status"]) for a in added] == [
        ("a9", drafted_first, drafted_owner, "todo"),
        ("a10", EDITED, "shared", "todo"),
    ]
    assert all(a["due"] is not None and a["ideas"] for a in added)
    assert db_rows(practice) != unsaved


def _screenshot(page, panel, name: str) -> None:
    """The whole panel, with the viewport made tall enough to hold it (else it is clipped)."""
    height = panel.evaluate("e => e.getBoundingClientRect().height")
    page.set_viewport_size({"width": 1280, "height": max(1000, int(height) + 400)})
    panel.evaluate("e => e.scrollIntoView({block: 'start'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SCREENSHOTS / name))
