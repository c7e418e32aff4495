"""Hostile text in a real Chromium (issue 9, point 1): the workbook and the journal laid out at
the printed page's width fetch nothing and keep every element, very long words included,
inside the page."""

from __future__ import annotations

from datetime import date

import pytest

from tests.hostile import WORD, hostile_case
from workbook.generate import generate_one
from workbook.journal import journal_html
from workbook.practice import Practice

pytestmark = pytest.mark.browser

# A4 less the PDF's side margins (14 mm each): 182 mm at 96 CSS pixels to the inch.
PRINT_WIDTH = round(182 / 25.4 * 96)

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60));
}"""


def _laid_out(context, path) -> tuple[list[str], list[str]]:
    """Open ``path`` as printed: what it tried to fetch, and what runs off the page."""
    page = context.new_page()
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1100})
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.route(
        "**/*", lambda route: route.abort() if route.request.url != url else route.continue_()
    )
    page.emulate_media(media="print")
    url = path.as_uri()
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)  # late requests (fonts, images) would show here
    outside = page.evaluate(OVERFLOWING)
    assert WORD[:40] in page.inner_text("body")
    page.close()
    return [u for u in fetched if u != url and not u.startswith("data:")], outside


def test_the_hostile_workbook_fetches_nothing_and_stays_on_the_page(context, tmp_path):
    practice = Practice(tmp_path / "practice")
    with practice.open() as store:
        store.save(hostile_case())
    result = generate_one(
        practice, "hostile", audience="practitioner", formats=["html"], as_of=date(2026, 11, 20)
    )
    assert result.ok, result.error
    fetched, outside = _laid_out(context, result.files[-1])
    assert fetched == []
    assert outside == []


def test_the_hostile_journal_fetches_nothing_and_stays_on_the_page(context, tmp_path):
    path = tmp_path / "journal.html"
    path.write_text(journal_html([hostile_case()]), encoding="utf-8")
    fetched, outside = _laid_out(context, path)
    assert fetched == []
    assert outside == []
