"""Any text a person can type survives every format (issue 9, point 1): the hostile case
(tests/hostile.py) through the notebook, HTML, PDF and calendar, on SQLite and PostgreSQL.
Shown as text, never an element, never fetched; the calendar escaped and folded."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import nbformat
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from tests.hostile import BARE, EMOJI, EVIL, LINK, MARKUP, RTL, WORD, hostile_case
from workbook.generate import export, generate_one
from workbook.generate.offline import external_references

AS_OF = date(2026, 11, 20)
# What each audience's workbook shows, by the label hostile.py starts each field with.
SHOWN = {
    "client.name",
    "client.situation",
    "client.history",
    "client.aspirations",
    "client.challenges",
    "client.goal",
    "attempts.text",
    "attempts.outcome",
    "stories.title",
    "stories.text",
    "stories.skills",
    "ideas.text",
    "interviews.person",
    "interviews.role",
    "interviews.organisation",
    "interviews.insights",
    "interviews.strengths",
    "plan.goal",
    "actions.text",
    "checkins.supports",
}
PRIVATE = {"checkins.notes", "reflections.what", "reflections.description"}


class Page(HTMLParser):
    """A page as a browser sees it: its elements with their attributes, and its text."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self._skip = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def assert_nothing_injected(page: str) -> str:
    """No element or reference came from the client's text; that text is there, as words."""
    parsed = Page(page)
    for tag, attrs in parsed.elements:
        assert not any(EVIL in v or "alert(" in v for v in attrs.values()), (tag, attrs)
        assert tag not in ("script", "iframe", "object", "embed", "base", "link"), tag
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
    assert external_references(page) == []
    text = parsed.text
    for literal in (MARKUP, LINK, BARE, RTL, EMOJI, WORD):
        assert literal in text, literal
    return text


def labels(text: str) -> set[str]:
    return set(re.findall(r"\[([a-z_]+\.[a-z_]+)\]", text))


@pytest.fixture
def generated(store, practice):
    store.save(hostile_case())
    result = generate_one(practice, "hostile", audience="practitioner", as_of=AS_OF)
    assert result.ok, result.error
    return {p.suffix: p for p in result.files}


def test_every_format_shows_the_text_as_written(generated):
    assert set(generated) == {".ipynb", ".html", ".pdf", ".ics"}
    check_notebook(generated[".ipynb"])
    check_html(generated[".html"], "practitioner")
    check_pdf(generated[".pdf"])
    check_calendar(generated[".ics"])


def test_the_clients_copy_too_without_the_private_fields(sqlite_practice):
    with sqlite_practice.open() as store:
        store.save(hostile_case())
    result = generate_one(sqlite_practice, "hostile", formats=["html", "pdf"], as_of=AS_OF)
    assert result.ok, result.error
    files = {p.suffix: p for p in result.files}
    shown = check_html(files[".html"], "client")
    assert not shown & PRIVATE
    check_pdf(files[".pdf"])


def check_notebook(path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    params = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert params and all("[" not in c.source and EVIL not in c.source for c in params)
    assert EVIL not in json.dumps(nb.metadata)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert EVIL not in cell.source  # client text reaches only the outputs, escaped
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html and EVIL in html:
                parsed = Page(html)
                assert all(tag not in ("script", "a", "img", "link") for tag, _ in parsed.elements)


def check_html(path, audience: str) -> set[str]:
    page = path.read_text(encoding="utf-8")
    text = assert_nothing_injected(page)
    found = labels(text)
    expected = SHOWN | (PRIVATE if audience == "practitioner" else set())
    assert expected - found == set()
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert "[client.name] &lt;b&gt;x&lt;/b&gt;" in title  # the name's line break kept as text
    return found


def check_pdf(path) -> None:
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for literal in ("<script>alert('x')</script>", '<a href="https://evil.example/a">'):
        assert literal in flat, literal
    assert "[client.name]" in flat and "[plan.goal]" in flat
    for page in reader.pages:  # typed links stay words: no link annotation in the PDF
        for annot in page.get("/Annots") or []:
            assert "/URI" not in str(annot.get_object().get("/A", {})), annot.get_object()


def check_calendar(path) -> None:
    raw = path.read_bytes()
    case = hostile_case()
    strict_ical(raw)
    cal = Calendar.from_ical(raw)
    assert calname(cal) == f"Action plan: {case.client.name}"
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    for action in case.plan.actions:
        if action.due and action.status != "dropped":
            uid = f"hostile-{action.id}@action-plan-workbook"
            assert summaries[uid] == f"{action.id}: {action.text}"


def calname(cal: Calendar) -> str:
    """The calendar's name read as TEXT, as calendar programs read it (icalendar does not know
    this X- property's type and hands it back still escaped)."""
    raw = str(cal["X-WR-CALNAME"])
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def strict_ical(raw: bytes) -> None:
    """RFC 5545 as strictly as a fussy calendar reads it: CRLF lines of at most 75 octets,
    folded without splitting a character, no bare control character, every TEXT value's
    backslash, semicolon, comma and line break escaped."""
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line whole UTF-8: no character split by folding
    unfolded = raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")
    for line in unfolded.split("\r\n")[:-1]:
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line), line
        name, _, value = line.partition(":")
        assert re.fullmatch(r"[A-Z-]+(;[A-Z-]+=[^;:]+)*", name), line
        if name in ("SUMMARY", "DESCRIPTION", "X-WR-CALNAME", "UID"):
            assert not re.search(r"(?<!\\)(\\\\)*[;,]", value), line  # ; and , escaped
            assert not re.search(r"(?<!\\)(\\\\)*\\[^\\;,nN]", value), line  # known escapes only
    begins = [ln for ln in unfolded.split("\r\n") if ln.startswith(("BEGIN:", "END:"))]
    assert begins[0] == "BEGIN:VCALENDAR" and begins[-1] == "END:VCALENDAR"
    assert begins.count("BEGIN:VEVENT") == begins.count("END:VEVENT") > 0


def test_the_calendar_keeps_a_name_with_a_line_break_in_one_property():
    case = hostile_case()
    case.client.name = "Ana\nLópez; Ríos, \\ 🎯"
    case.plan.actions[0].text = "Call\nthe recruiter; bring the CV, twice"
    raw = export.calendar(case, AS_OF)
    strict_ical(raw)
    assert b"X-WR-CALNAME:Action plan: Ana\\nL\xc3\xb3pez\\; R\xc3\xados\\, \\\\ " in raw
    cal = Calendar.from_ical(raw)
    assert calname(cal) == "Action plan: Ana\nLópez; Ríos, \\ 🎯"
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert f"a1: {case.plan.actions[0].text}" in summaries
