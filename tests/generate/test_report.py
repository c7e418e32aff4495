"""The workbook's sections, kernel-side: no warning, one date style, words for statuses, the
client's own words on the cover, and a short workbook for a client early in the method."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser

import pytest
from IPython.display import HTML, Image

from tests.conftest import minimal_case
from workbook import report as report_module
from workbook.model import validate_case
from workbook.report import Report
from workbook.sample import sample_case

AS_OF = "2026-11-20"
SECTIONS = (
    "cover",
    "situation",
    "what_was_tried",
    "ideas",
    "interviews",
    "plan",
    "checkins",
    "next_steps",
    "fidelity",
    "reflections",
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def early_case():
    """A client with only an intake: a situation and the change they want, in their words."""
    data = minimal_case("early", "Early Client").model_dump(mode="json")
    data["client"] |= {
        "situation": "Works nights in a warehouse.",
        "goal": "Day work where I help people learn",
    }
    return validate_case(data)


def sample_with(client_id: str, checkins: int):
    data = sample_case().model_dump(mode="json")
    data["client"]["id"] = client_id
    data["checkins"] = data["checkins"][:checkins]
    return validate_case(data)


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    from workbook.practice import Practice

    from .conftest import hostile

    practice = Practice(tmp_path_factory.mktemp("report") / "practice")
    cases = {
        "lana": sample_case(),
        "early": early_case(),
        "one": sample_with("one", 1),
        "none": sample_with("none", 0),
        "hostile": hostile(),
    }
    with practice.open() as store:
        for case in cases.values():
            store.save(case)
    return practice, cases


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data)


def _run(practice, client, audience="client", sections=SECTIONS):
    """Each section's displays (HTML text and images), with every warning an error."""
    shown: dict[str, list] = {}
    report = Report(client, str(practice.path), None, AS_OF, audience)
    for name in sections:
        out: list = []
        report_module.display = out.append  # restored by the autouse fixture below
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            getattr(report, name)()
        shown[name] = out
    return shown


@pytest.fixture(autouse=True)
def _restore_display(monkeypatch):
    monkeypatch.setattr(report_module, "display", report_module.display)


def _text(displays) -> str:
    parser = _Text()
    for d in displays:
        if isinstance(d, HTML):
            parser.feed(d.data)
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.parametrize("client", ["lana", "early", "one", "none", "hostile"])
def test_sections_warn_nothing_and_word_dates_and_statuses(clients, client):
    """The practitioner's copy runs every section (the client's is a subset of it)."""
    practice, _ = clients
    shown = _run(practice, client, "practitioner")  # a warning raises here
    text = _text(d for ds in shown.values() for d in ds)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates
    assert not re.search(rf"\b0\d ({MONTHS})", text)  # no zero-padded days
    assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", text)
    assert re.search(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b", text)
    assert "todo" not in text
    if client in ("lana", "one"):
        assert "to do" in text


def test_cover_holds_the_clients_own_words(clients):
    practice, cases = clients
    lana = _text(_run(practice, "lana", sections=["cover"])["cover"])
    assert "The change you want, in your own words:" in lana
    assert cases["lana"].client.goal in lana
    assert cases["lana"].plan.goal in lana  # and the plan's goal beside them
    theirs = _text(_run(practice, "lana", "practitioner", ["cover"])["cover"])
    assert "in their words" in theirs and cases["lana"].client.goal in theirs
    hostile = _run(practice, "hostile", sections=["cover"])["cover"][0].data
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hostile
    assert "<script>" not in hostile


def test_early_client_gets_one_line_per_section_and_no_figure(clients):
    practice, _ = clients
    shown = _run(practice, "early")
    assert not [d for ds in shown.values() for d in ds if isinstance(d, Image)]
    assert "Day work where I help people learn" in _text(shown["cover"])
    assert "Works nights in a warehouse." in _text(shown["situation"])
    assert "How we got here" not in _text(shown["situation"])  # empty fields left out
    for name in ("what_was_tried", "ideas", "plan", "checkins", "next_steps"):
        (only,) = shown[name]
        assert only.data.count('class="wb-next"') == 1, name
        assert "next" in _text([only]).lower(), name
        assert "<table" not in only.data and "<h4>" not in only.data, name
        assert len(_text([only])) <= 90, name  # one line
    assert shown["interviews"] == []  # the ideas' line already says what comes next
    assert "step 1" in _text(shown["next_steps"])


def test_plan_without_checkins_shows_progress_but_no_empty_trend(clients):
    practice, _ = clients
    shown = _run(practice, "none", sections=["checkins"])["checkins"]
    assert "No check-ins yet" in _text(shown)
    images = [d for d in shown if isinstance(d, Image)]
    assert len(images) == 1  # the progress bar; no trend, no axis of unscored rows


@pytest.mark.parametrize(
    "section, private",
    [
        ("reflections", "Holding back was uncomfortable"),  # a reflection entry of Lana's
        ("fidelity", "Permission is asked before your ideas"),  # a check's name
    ],
)
def test_practitioner_only_sections_show_the_client_nothing(clients, section, private):
    """The section guards itself, whatever the template asks (generate also drops the cell)."""
    practice, _ = clients
    theirs = _run(practice, "lana", "practitioner", [section])[section]
    assert private in _text(theirs)
    assert _run(practice, "lana", "client", [section])[section] == []
