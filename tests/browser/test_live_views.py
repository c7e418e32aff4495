"""Step 1's live view in JupyterLab, in a real browser: a story saved through the form shows up
at once in the skills ranked under the forms, without running any cell again."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, expect
from tests.browser.test_lab import step1  # noqa: F401 - the fixture: step 1 run in Lab

pytestmark = pytest.mark.browser


def test_the_skills_view_is_redrawn_after_a_save(step1):  # noqa: F811
    form, page = step1, step1.page
    view = page.locator(".wb-view-skills")
    view.scroll_into_view_if_needed()
    expect(view).to_contain_text("What the stories add up to")
    digital = view.locator("tr").filter(has_text="Digital")
    expect(digital).to_contain_text("The street food drive")
    expect(digital).not_to_contain_text("The rota rescue")

    form.root.scroll_into_view_if_needed()
    form.field("title").fill("The rota rescue")
    form.field("text").fill("When two colleagues left, Lana rebuilt the weekend rota online.")
    form.skill("Digital").check()
    form.save()
    expect(form.status).to_contain_text("Saved story")

    view.scroll_into_view_if_needed()
    expect(digital).to_contain_text("The street food drive; The rota rescue")
    expect(digital.locator("td").nth(2)).to_have_text("2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    view.screenshot(path=str(SCREENSHOTS / "step1-live-view.png"))
