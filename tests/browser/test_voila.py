"""Step 1's stories form served as an app by Voilà (`workbook app`), in a real browser: Voilà
runs the notebook on load and shows the forms without the code."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    CLIENT,
    STEP1,
    StoriesForm,
    db_rows,
    expect,
    next_story_id,
    stories,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def step1(voila, context):
    """Step 1 rendered by Voilà; ready once the stories form is on the page."""
    page = context.new_page()
    page.goto(voila.url(f"/voila/render/{CLIENT}/{STEP1}"))
    form = StoriesForm(page)
    form.root.wait_for()
    return form


def test_app_shows_the_forms_without_the_code(step1):
    page = step1.page
    # The last form of the notebook is there too: the whole notebook has run.
    page.locator(".wb-form-permission").wait_for()
    text = page.locator("body").inner_text()
    assert "Stories and skills" in text  # the notebook's own prose is shown ...
    for source in ("wb.form(", "wb.example(", "from workbook.forms import", "Workbook(client"):
        assert source not in text  # ... its code is not
    # Code cells are there (their outputs are the forms) but carry no input area or editor.
    expect(page.locator(".jp-CodeCell").first).to_be_attached()
    expect(page.locator(".jp-CodeCell .jp-InputArea, .cm-editor, .CodeMirror")).to_have_count(0)


def test_story_typed_in_the_app_is_saved(step1, practice):
    form, before = step1, stories(practice)
    story_id = next_story_id(practice)
    expect(form.field("id")).to_have_value(story_id)  # pre-filled with the next free id

    form.field("title").fill("The open day")
    form.field("text").fill("Lana ran the claims unit's stand at the open day and liked it.")
    form.skill("Collaboration").check()
    form.skill("Problem solving").check()
    form.save()

    expect(form.status).to_contain_text(f"Saved story {story_id}.")
    expect(form.table).to_contain_text("The open day")
    form.screenshot("step1-stories-form-voila.png")

    after = stories(practice)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    saved = after[-1]
    assert saved["id"] == story_id
    assert saved["title"] == "The open day"
    assert saved["text"] == "Lana ran the claims unit's stand at the open day and liked it."
    assert sorted(saved["skills"]) == ["Collaboration", "Problem solving"]


def test_bad_id_in_the_app_is_refused_and_nothing_is_saved(step1, practice):
    form, before = step1, db_rows(practice)

    form.field("id").fill("Bad Id")
    form.field("title").fill("A story with a bad id")
    form.field("text").fill("This must not reach the database.")
    form.save()

    expect(form.error("id")).to_contain_text("slug")
    expect(form.status).to_contain_text("Not saved.")
    assert db_rows(practice) == before
