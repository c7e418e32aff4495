"""The caseload notebook's view: a sortable table with flags in words and colour, each client
linking to their notebooks, the rhythm chart; and the links to the caseload from start-here and
every navigation bar."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from tests.test_caseload import PLAN, make
from workbook.forms import Caseload, Workbook
from workbook.forms.links import Server
from workbook.notebooks import notebooks_dir, write_start
from workbook.steps import CASELOAD, START, STEPS

AS_OF = date(2026, 11, 20)


@pytest.fixture
def view(store, practice):
    store.save_all(
        [
            make("calm", name="Calm <b>Client</b>", actions=PLAN, checkins=["2026-11-18"]),
            make("late", name="Late Client", actions=PLAN, checkins=["2026-11-01"]),
            make(
                "doubt",
                name="Doubting Client",
                actions=PLAN,
                checkins=[
                    {"date": "2026-11-10", "confidence": 8, "notes": "Fine."},
                    {"date": "2026-11-17", "confidence": 5, "notes": "Worried."},
                ],
            ),
        ]
    )
    server = Server("lab", "/", notebooks_dir(practice))
    return Caseload(str(practice.path), practice.db_url, AS_OF, server)


def _clients(html: str) -> list[str]:
    return re.findall(r'data-client="([^"]+)"', html)


def test_the_table_is_most_urgent_first_and_sorts_by_any_column(view):
    assert _clients(view.shown_html) == ["late", "doubt", "calm"]
    view.sort.value = "confidence"  # the table is redrawn when the choice changes
    assert _clients(view.shown_html) == ["doubt", "calm", "late"]  # no reading last
    assert 'aria-sort="ascending">Confidence' in view.shown_html
    view.reverse.value = True
    assert _clients(view.shown_html) == ["late", "calm", "doubt"]
    view.sort.value = "days_since_contact"
    view.reverse.value = False
    assert _clients(view.shown_html) == ["late", "doubt", "calm"]
    view.sort.value = "name"
    assert _clients(view.shown_html) == ["calm", "doubt", "late"]


def test_flags_are_named_in_words_and_coloured(view):
    html = view.shown_html
    late = html.split('data-client="late"')[1].split("</tr>")[0]
    assert '<span class="wb-flag wb-flag-checkin-overdue" title="checkin-overdue">' in late
    assert "check-in overdue</span>" in late and "fidelity failing</span>" in late
    assert ".wb-flag-checkin-overdue{background:" in html
    doubt = html.split('data-client="doubt"')[1].split("</tr>")[0]
    assert "confidence falling</span>" in doubt and "5 (-3)" in doubt
    calm = html.split('data-client="calm"')[1].split("</tr>")[0]
    assert "<td>none</td>" in calm


def test_the_table_style_outweighs_jupyterlabs_own(view):
    """Lab lays output tables out fixed and aligns every cell right, with selectors of one class
    and one element (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` counts two
    classes): the caseload's own rules carry two classes and two elements, so they win."""
    from workbook.forms.caseload import GRID

    html = view.shown_html
    assert '<table class="wb-caseload-grid">' in html
    assert f"{GRID}{{" in html and "table-layout:auto" in html.split(f"{GRID}{{")[1].split("}")[0]
    cells = html.split(f"{GRID} th,{GRID} td{{")[1].split("}")[0]
    assert "text-align:left" in cells and "overflow-wrap:break-word" in cells
    assert f"{GRID} td:first-child{{overflow-wrap:anywhere}}" in html
    assert GRID.count(".") == 2 and len(GRID.split()) == 2


def test_client_text_is_escaped(view):
    html = view.shown_html
    assert "Calm &lt;b&gt;Client&lt;/b&gt;" in html and "<b>Client</b>" not in html


def test_each_client_links_to_their_notebooks(view, practice):
    html = view.shown_html
    calm = html.split('data-client="calm"')[1].split("</tr>")[0]
    hrefs = re.findall(r'href="([^"]+)"', calm)
    assert hrefs == [
        f"/lab/workspaces/calm/tree/calm/{STEPS[4].notebook}",  # the step reached: step 4
        f"/lab/workspaces/calm/tree/calm/{STEPS[4].notebook}",  # the check-in notebook
    ]
    for client in ("calm", "late", "doubt"):  # the links lead to notebooks that exist
        folder = notebooks_dir(practice, client)
        assert sorted(p.name for p in folder.iterdir()) == [s.notebook for s in STEPS]
    voila = Caseload(str(practice.path), practice.db_url, AS_OF, Server("voila", "/"))
    assert 'href="late/05_step4_checkin.ipynb" target="_self"' in voila.shown_html


def test_a_large_practice_writes_only_the_most_urgent_clients_notebooks(
    view, practice, monkeypatch
):
    from workbook.forms import caseload as form

    monkeypatch.setattr(form, "PREPARE_AT_OPEN", 1)
    for client in ("calm", "late", "doubt"):
        for path in notebooks_dir(practice, client).glob("*.ipynb"):
            path.unlink()
    again = Caseload(str(practice.path), practice.db_url, AS_OF, Server("voila", "/"))
    first, *others = _clients(again.shown_html)
    assert (notebooks_dir(practice, first) / STEPS[0].notebook).exists()
    for client in others:  # not written: their link leads to start-here, which writes them
        assert not list(notebooks_dir(practice, client).glob("*.ipynb"))
        row = again.shown_html.split(f'data-client="{client}"')[1].split("</tr>")[0]
        assert f'href="{START}"' in row and "choose them in start-here" in row


def test_the_rhythm_chart_and_its_words(view):
    chart = view.chart().data
    assert chart.startswith('<figure class="wb-caseload-chart"><img alt="')
    assert "data:image/png;base64," in chart
    assert "1 past it with a check-in due: Late Client (19 days)" in chart


def test_an_empty_practice(store, practice):
    empty = Caseload(str(practice.path), practice.db_url, AS_OF)
    assert "no clients yet" in empty.shown_html
    assert "0 clients" in empty.header().value
    assert "No client has a contact" in empty.chart().data


def test_wb_caseload_is_the_same_dataframe(view, practice):
    wb = Workbook("late", str(practice.path), practice.db_url)
    try:
        pd.testing.assert_frame_equal(wb.caseload("2026-11-20"), view.frame)
    finally:
        wb.store.close()


def test_linked_from_every_navigation_bar(wb):
    html = wb.navigation("step3").html
    assert f'class="wb-nav-caseload" href="../{CASELOAD}"' in html


def test_written_beside_start_here_and_linked_from_it(lana_store, practice):
    write_start(practice)
    folder = notebooks_dir(practice)
    nb = json.loads((folder / CASELOAD).read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "client" not in "".join(injected[0]["source"])
    assert "Lana Kowalczyk" not in (folder / CASELOAD).read_text()  # ids and paths only
    assert (folder / CASELOAD).stat().st_mode & 0o777 == 0o600
    start = json.loads((folder / START).read_text())
    markdown = "".join("".join(c["source"]) for c in start["cells"] if c["cell_type"] == "markdown")
    assert f"]({CASELOAD})" in markdown
