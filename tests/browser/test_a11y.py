"""Accessibility, in a real browser: an axe-core scan (WCAG 2 A and AA) of every guided notebook
the practitioner app (`workbook app`, Voilà) serves and of the client's generated HTML workbook;
and the step 1 stories form used with the keyboard alone, by the names a screen reader reads."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser import axe
from tests.browser.conftest import (
    CLIENT,
    ROOT,
    STEP1,
    TIMEOUT_S,
    WORKBOOK,
    StoriesForm,
    _unavailable,
    expect,
    next_story_id,
    stories,
)

pytestmark = pytest.mark.browser

# The app serves the practice's notebooks folder: start-here at its top, the client's beneath.
NOTEBOOKS = [
    name if name.startswith("00_") else f"{CLIENT}/{name}"
    for name in sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
]
CONTROLS = "input, select, textarea, button"
EXAMPLE = "See a good example"
# A control as a screen reader names it: its label's words (a button's own), or else its id.
NAME = """e => ((e.labels && e.labels.length ? e.labels[0].innerText : e.innerText) || '').trim()
    || e.id"""


@pytest.fixture(scope="module", autouse=True)
def axe_core() -> None:
    if not axe.available():
        _unavailable(f"axe-core is not installed at {axe.AXE_JS} (make setup)")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_app_notebook_has_no_wcag_violations(voila, context, notebook):
    page = context.new_page()
    page.goto(voila.url(f"/voila/render/{notebook}"))
    axe.wait_for_voila(page)
    content = page.locator(axe.VOILA_CONTENT)
    # Open the sample's examples too, so their tables are scanned with the forms.
    toggles = content.locator(".widget-toggle-button")
    for n in range(toggles.count()):
        toggles.nth(n).click()
    expect(page.get_by_role("button", name=EXAMPLE)).to_have_count(0)
    assert content.locator(CONTROLS).count() > 0, "the notebook's forms were not rendered"

    violations = axe.scan_voila(page)
    assert not violations, f"{notebook}:\n{axe.report(violations)}"


def test_generated_html_workbook_has_no_wcag_violations(practice, browser):
    done = subprocess.run(
        [str(WORKBOOK), "--practice", str(practice.path), "generate", CLIENT, "--format", "html"],
        capture_output=True,
        text=True,
        timeout=4 * TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    html = practice.path / "workbooks" / CLIENT / f"{CLIENT}-workbook.html"
    # The workbook's Content-Security-Policy forbids injected scripts: let axe in all the same.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(html.as_uri())
    assert page.locator("h1, h2").count() > 0, "the workbook is empty"

    violations = axe.scan(page)
    context.close()
    assert not violations, axe.report(violations)


@pytest.fixture
def step1(voila, context):
    page = context.new_page()
    page.goto(voila.url(f"/voila/render/{CLIENT}/{STEP1}"))
    axe.wait_for_voila(page)
    return StoriesForm(page)


def _focus_order(page, root, first, last) -> list[dict]:  # noqa: ANN001 - playwright objects
    """Focus ``first``, press Tab until ``last`` has focus: each control focused on the way,
    with its place in ``root`` (which scrolls with it)."""
    first.focus()
    seen = []
    for _ in range(60):
        seen.append(
            root.evaluate(
                f"""root => {{
                const e = document.activeElement, box = e.getBoundingClientRect();
                const at = root.getBoundingClientRect();
                return {{name: ({NAME})(e), top: box.top - at.top, left: box.left - at.left}};
            }}"""
            )
        )
        if last.evaluate("e => e === document.activeElement"):
            return seen
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the last control; focus went: {seen}")


def test_stories_form_by_keyboard_follows_the_page(step1):
    form, page = step1, step1.page
    new = form.root.locator(".wb-stories-new")
    order = _focus_order(page, form.root, form.root.locator("select").first, new)

    # Tab visits every enabled control of the form, in the order they come in the page ...
    controls = form.root.locator(CONTROLS).evaluate_all(
        f"es => es.filter(e => !e.disabled && e.offsetParent !== null).map({NAME})"
    )
    visited = [c["name"] for c in order]
    assert visited == controls[: len(visited)]
    # ... reading line by line, left to right (the skills grid row by row).
    for before, after in zip(order, order[1:], strict=False):
        same_line = abs(after["top"] - before["top"]) < 4
        assert after["top"] > before["top"] or (same_line and after["left"] > before["left"]), (
            before,
            after,
        )
    names = [c["name"] for c in order]
    for name in ("Record", "Id", "Title", "The story", "Life role", "Collaboration", "Save"):
        assert any(n.startswith(name) for n in names), (name, names)


def test_story_saved_by_keyboard_is_announced(step1, practice):
    form, page = step1, step1.page
    story_id = next_story_id(practice)
    # Each control is found by its label, as a screen reader names it.
    form.root.get_by_label("Title").fill("The mentoring lunch")
    form.root.get_by_label("The story").fill("Lana paired each new hire with a colleague.")
    form.root.get_by_label("Collaboration").check()
    form.root.get_by_label("Other skills").focus()
    page.keyboard.press("Tab")  # the next control is the Save button ...
    page.keyboard.press("Enter")  # ... pressed from the keyboard

    expect(form.root.get_by_role("status")).to_contain_text(f"Saved story {story_id}.")
    saved = stories(practice)[-1]
    assert (saved["id"], saved["title"]) == (story_id, "The mentoring lunch")
    assert saved["skills"] == ["Collaboration"]


def test_refusal_is_announced_beside_its_field(step1, practice):
    form, before = step1, stories(practice)
    form.root.get_by_label(re.compile(r"^Id\b")).fill("Bad Id")
    form.root.get_by_label("Title").fill("Refused")
    form.root.get_by_label("The story").fill("Never saved.")
    form.save()

    expect(form.error("id").get_by_role("alert")).to_contain_text("slug")
    expect(form.status.get_by_role("status")).to_contain_text("Not saved.")
    assert stories(practice) == before


def test_example_opens_from_the_keyboard(step1):
    page = step1.page
    toggle = page.locator(".wb-example-stories-toggle")
    table = page.locator(".wb-example-stories table")
    expect(table).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Space")
    expect(table).to_be_visible()
    expect(toggle).to_have_text("Hide the example")
