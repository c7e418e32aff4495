"""Every section of the workbook shows the hostile case's text as text (kernel-side, no
browser): nothing the client or the practitioner typed becomes an element."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from IPython.display import HTML

from tests.hostile import EVIL, hostile_case
from workbook import report as report_module
from workbook.practice import Practice
from workbook.report import Report

SECTIONS = ("cover", "situation", "what_was_tried", "ideas", "interviews", "plan", "checkins")
SECTIONS += ("next_steps", "fidelity", "reflections")
# Elements the report itself writes; anything else came from somebody's text.
OWN = {"style", "div", "h1", "h4", "p", "b", "table", "thead", "tbody", "tr", "th", "td"}
OWN |= {"bdi", "span", "ul", "ol", "li", "dl", "dt", "dd"}


class Elements(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text = ""
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [v or "" for _, v in attrs]

    def handle_data(self, data):
        self.text += data


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    practice = Practice(tmp_path_factory.mktemp("escaping") / "practice")
    with practice.open() as store:
        store.save(hostile_case())
    out: dict[str, list[str]] = {}
    original = report_module.display
    try:
        report = Report("hostile", str(practice.path), None, "2026-11-20", "practitioner")
        for name in SECTIONS:
            displays: list = []
            report_module.display = displays.append
            getattr(report, name)()
            out[name] = [d.data for d in displays if isinstance(d, HTML)]
    finally:
        report_module.display = original
    return out


@pytest.mark.parametrize("section", SECTIONS)
def test_no_section_lets_typed_text_become_an_element(shown, section):
    for page in shown[section]:
        parsed = Elements(page)
        assert set(parsed.tags) <= OWN, set(parsed.tags) - OWN
        assert not [v for v in parsed.attrs if EVIL in v or "alert" in v]


def test_the_skills_shown_most_often_line_escapes_the_tags(shown):
    line = next(p for p in shown["what_was_tried"] if "Skills shown most often" in p)
    parsed = Elements(line)
    tag = hostile_case().stories[0].skills[0]
    assert tag in parsed.text  # the tag as typed, markup and all, is the line's text
    assert "<b>" not in line and "<a " not in line
    assert [t for t in parsed.tags if t not in ("style", "div", "p", "bdi")] == []
