"""The client's own pages with hostile text in every field (on both databases): shown as
text, no element or link made from it, the calendar download whole, no private field shown."""

from __future__ import annotations

import base64
import re
from datetime import date
from html.parser import HTMLParser

from tests.hostile import EVIL, LINK, MARKUP, WORD, hostile_case
from workbook.clientapp.pages import ClientPages

# Elements the pages themselves write; anything else came from somebody's text.
OWN = {"style", "div", "h2", "h3", "h4", "p", "nav", "a", "table", "thead", "tbody", "tr"}
OWN |= {"th", "td", "bdi", "span", "ol", "ul", "li", "b", "i"}


class Elements(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src")]
        assert not any(EVIL in (v or "") for _, v in attrs), attrs

    def handle_data(self, data):
        self.text += data


def test_the_clients_pages_show_hostile_text_as_text(store, practice):
    store.save(hostile_case())
    pages = ClientPages("hostile", str(practice.path), practice.db_url, today=date(2026, 11, 20))
    try:
        shown = {
            name: getattr(pages, name)().value
            for name in ("header", "links", "plan", "next_steps", "calendar")
        }
        form = pages.checkin()
        labels = [f.input.description for f in form.actions]
    finally:
        pages.store.close()
    text = ""
    for name, page in shown.items():
        parsed = Elements(page)
        assert set(parsed.tags) <= OWN, (name, set(parsed.tags) - OWN)
        for href in parsed.hrefs:  # only the pages' own links, and the calendar as data
            assert re.fullmatch(r"[0-9a-z_]+\.ipynb|\.\./?|[./a-z_]*|data:text/calendar;.*", href)
        text += parsed.text
    case = hostile_case()
    assert case.client.name in text and case.plan.goal in text
    assert MARKUP in text and LINK in text and WORD in text
    assert "[checkins.notes]" not in text and "[reflections." not in text  # private
    for label in labels:  # each open action's text labels its progress question, escaped
        parsed = Elements(label)
        assert set(parsed.tags) <= {"b", "span"} and "[actions.text]" in parsed.text
    data = re.search(r'href="data:text/calendar;base64,([^"]+)"', shown["calendar"])[1]
    ics = base64.b64decode(data)
    assert b"BEGIN:VCALENDAR" in ics and ics.rstrip().endswith(b"END:VCALENDAR")
    assert b"X-WR-CALNAME:Action plan: [client.name] <b>x</b>" in ics
