"""The caseload notebook in JupyterLab, in a real browser, as a practitioner meets it: from the
practice's start-here, on a practice of hand-made clients whose flags differ (a check-in overdue,
confidence falling, all fine, and a client with a hostile name). One Lab server, one page.

The notebook counts as of the day it runs, so the clients' dates are set relative to today.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, _free_port, _start, _stop, expect
from tests.browser.test_journeys import KERNEL_IDLE, SLOW_MS, workbook
from tests.hostile import EVIL, short
from workbook.model import validate_case
from workbook.practice import Practice
from workbook.steps import CASELOAD, START, STEPS

pytestmark = pytest.mark.browser

HOSTILE = short("client.name")  # markup, a link, a line break, emoji, right-to-left, a long word
# The table's order, most urgent first: overdue check-in; confidence falling; then the clients
# without flags, longest since contact first (the hostile client has had no contact since starting).
URGENT = ["late", "doubt", "hostile", "calm"]
VISIBLE_RUN = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const prompts = [...(panel?.querySelectorAll('.jp-CodeCell .jp-InputPrompt') ?? [])];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

FITS = """t => {
    const area = t.closest('.jp-OutputArea-output').getBoundingClientRect();
    const inside = (e, box) => {
        const r = e.getBoundingClientRect();
        return r.left >= box.left - 1 && r.right <= box.right + 1;
    };
    return inside(t, area) && [...t.querySelectorAll('td > *')].every(
        e => inside(e, e.closest('td').getBoundingClientRect()));
}"""


def _case(client: str, name: str, today: date, checkins=(), plan: bool = True):
    """A client who started eight weeks ago, with one action due in three weeks."""
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    data = {
        "format": 1,
        "client": {
            "id": client,
            "name": name,
            "started": ago(56),
            "consent": {"records": True, "share_deidentified": False},
            "situation": "Between jobs.",
            "aspirations": "Teach adults.",
            "challenges": "No network.",
        },
        "checkins": [{"date": ago(days), **rulers} for days, rulers in checkins],
    }
    if plan:
        data["plan"] = {
            "goal": "Three applications a month for training roles.",
            "target": (today + timedelta(days=60)).isoformat(),
            "actions": [
                {
                    "id": "a1",
                    "text": "Write to two training managers.",
                    "owner": "client",
                    "status": "todo",
                    "due": (today + timedelta(days=21)).isoformat(),
                }
            ],
        }
    return validate_case(data)


def cases(today: date) -> list:
    return [
        _case("calm", "Calm Client", today, [(9, {"confidence": 7}), (2, {"confidence": 7})]),
        _case("late", "Late Client", today, [(26, {"confidence": 6}), (19, {"confidence": 6})]),
        _case("doubt", "Doubting Client", today, [(10, {"confidence": 8}), (3, {"confidence": 5})]),
        _case("hostile", HOSTILE, today, plan=False),
    ]


@pytest.fixture(scope="module")
def practice(tmp_path_factory) -> Practice:
    """A practice made by ``workbook init``, holding the hand-made clients (no notebooks yet:
    opening the caseload writes the ones its links lead to)."""
    path = tmp_path_factory.mktemp("caseload") / "practice"
    workbook(path, "init")
    made = Practice(path)
    with made.open(create=False) as store:
        store.save_all(cases(date.today()))
    return made


@pytest.fixture(scope="module")
def practice_lab(practice, tmp_path_factory):
    """``workbook lab`` without a client: JupyterLab on the practice's start-here."""
    home = tmp_path_factory.mktemp("caseload-lab")
    port, token = _free_port(), secrets.token_hex(16)
    args = ["--practice", str(practice.path), "lab", "--no-browser", "--port", str(port), "--"]
    args += [f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    server = _start(args, home, f"http://127.0.0.1:{port}", token, "/api/status")
    yield server
    _stop(server)


def _cell_linking(practice: Practice, target: str) -> int:
    """The index of start-here's cell that links to ``target``."""
    nb = json.loads((practice.notebooks() / START).read_text(encoding="utf-8"))
    return next(i for i, c in enumerate(nb["cells"]) if f"]({target})" in "".join(c["source"]))


def _order(table) -> list[str]:
    return table.locator("tr.wb-caseload-row").evaluate_all(
        "rows => rows.map(r => r.dataset.client)"
    )


def _style(locator, prop: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e).{prop}")


def test_the_caseload_from_start_here(practice_lab, practice, context):
    page = context.new_page()
    page.goto(practice_lab.url(f"/lab/tree/{START}"))
    # Lab draws only the cells in view: go down cell by cell to the caseload's paragraph.
    page.locator(".jp-Notebook .jp-Cell").first.click()
    for _ in range(_cell_linking(practice, CASELOAD)):
        page.keyboard.press("j")
    page.locator(".jp-MarkdownOutput").get_by_role("link", name="the caseload").click()
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    expect(tab).to_contain_text(CASELOAD)  # a tab of the same page
    expect(page.locator("#jp-main-statusbar")).to_contain_text(CASELOAD)
    page.wait_for_function(KERNEL_IDLE, timeout=SLOW_MS)  # the caseload's own kernel
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(VISIBLE_RUN, timeout=SLOW_MS)

    table = page.locator(".wb-caseload-table table")
    expect(table.locator("tr.wb-caseload-row")).to_have_count(len(URGENT))
    assert _order(table) == URGENT  # every client once, most urgent first
    expect(page.locator(".wb-header")).to_contain_text("4 clients")

    # Flags: in words, and coloured by their kind (the colour repeats the words).
    late, doubt = (table.locator(f"tr[data-client='{c}']") for c in ("late", "doubt"))
    overdue = late.locator(".wb-flag-checkin-overdue")
    falling = doubt.locator(".wb-flag-confidence-falling")
    expect(overdue).to_have_text("check-in overdue")
    expect(falling).to_have_text("confidence falling")
    assert _style(overdue, "backgroundColor") == "rgb(253, 224, 220)"
    assert _style(overdue, "color") == "rgb(127, 0, 0)"
    assert _style(falling, "backgroundColor") == "rgb(255, 233, 204)"
    for fine in ("calm", "hostile"):
        row = table.locator(f"tr[data-client='{fine}']")
        expect(row.locator(".wb-flag")).to_have_count(0)
        expect(row.locator("td").last).to_have_text("none")
    expect(doubt.locator("td").nth(6)).to_have_text(re.compile(r"^5 \(-3\)"))

    # Sorting: choose a column, then reverse; the header says which column sorts the table.
    page.locator(".wb-caseload-sort select").select_option("confidence")
    expect(table.locator("caption")).to_contain_text("sorted by confidence")
    by_confidence = ["doubt", "late", "calm", "hostile"]  # 5, 6, 7, none recorded last
    assert _order(table) == by_confidence
    expect(table.locator("th[aria-sort]")).to_have_text("Confidence")
    expect(table.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    page.locator(".wb-caseload-reverse").click()
    expect(table.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    assert _order(table) == by_confidence[::-1]
    page.locator(".wb-caseload-sort select").select_option("name")
    expect(table.locator("caption")).to_contain_text("sorted by name, reversed")
    assert _order(table) == ["late", "doubt", "calm", "hostile"]  # hostile's is "[client.name]..."

    # The hostile name is text: no element or link of its making, the long word wrapped.
    hostile = table.locator("tr[data-client='hostile'] td").first
    expect(hostile).to_contain_text("<b>x</b>")
    expect(hostile).to_contain_text(f'<a href="https://{EVIL}/a">a link</a>')
    expect(hostile.locator("b")).to_have_count(0)
    expect(page.locator(f"a[href*='{EVIL}']")).to_have_count(0)
    assert table.evaluate(FITS), "a cell's text spills out of its column or off the page"
    assert _style(hostile, "textAlign") == "left"  # the table's own style, not Lab's (right)

    # The rhythm chart is drawn: a PNG with its words, late client past the weekly line.
    chart = page.locator("figure.wb-caseload-chart img")
    expect(chart).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    assert chart.evaluate("i => i.complete && i.naturalWidth > 100 && i.naturalHeight > 100")
    expect(chart).to_have_attribute("alt", re.compile(r"1 past it .*Late Client \(19 days\)"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    table.screenshot(path=str(SCREENSHOTS / "caseload-table.png"))

    # A client's name opens the notebook of the step reached, in the client's own workspace.
    with context.expect_page() as opened:
        late.locator("a.wb-caseload-client").click()
    notebook = opened.value
    step4 = STEPS[4].notebook
    expect(notebook).to_have_url(re.compile(rf"/lab/workspaces/late/tree/late/{step4}"))
    current = notebook.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    expect(current).to_contain_text(Path(step4).stem)
    assert (practice.notebooks("late") / step4).exists()
    notebook.close()
    for session in practice_lab.api("GET", "/api/sessions"):
        practice_lab.api("DELETE", f"/api/sessions/{session['id']}")
