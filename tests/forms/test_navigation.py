"""The navigation bar of the step notebooks: start-here, previous and next, and the client's
progress through the method."""

from __future__ import annotations

import re

import pytest

from tests.conftest import minimal_case
from workbook.forms import Workbook
from workbook.forms.links import Server, link
from workbook.forms.nav import nav_html
from workbook.notebooks import notebooks_dir
from workbook.steps import STEPS, progress


def _marks(html: str) -> dict[str, bool]:
    """Each step's mark as shown: True for a tick, False for an empty circle."""
    found = re.findall(r'wb-step-(\w+)[^"]*"><a[^>]*><span aria-hidden="true">([^<]+)</span>', html)
    return {key: mark == "\u2713" for key, mark in found}


def _rendered(bar) -> str:
    import html as h

    return h.unescape(bar.html)


def test_a_new_clients_bar_has_no_marks_until_a_save(blank_wb):
    bar = blank_wb.navigation("intake")
    assert _marks(_rendered(bar)) == {s.key: False for s in STEPS}
    intake = blank_wb.form("intake")
    intake.fields["situation"].set("Laid off in March; looking for steadier work.")
    assert intake.save().ok
    marks = _marks(_rendered(bar))  # redrawn after the save, without re-running the cell
    assert marks["intake"] and not any(v for k, v in marks.items() if k != "intake")
    assert "1 of 6 parts have records" in bar.html


def test_the_samples_progress_has_every_step(wb):
    assert progress(wb.case) == {s.key: True for s in STEPS}
    assert "6 of 6 parts" in wb.navigation("step2").html


def test_previous_next_and_start_here(wb):
    html = wb.navigation("step2").html
    assert 'class="wb-nav-start" href="../00_start_here.ipynb"' in html
    assert 'href="02_step1_what_has_been_tried.ipynb"' in html.split("wb-nav-prev")[1]
    assert 'href="04_step3_plan.ipynb"' in html.split("wb-nav-next")[1]
    assert re.search(r'wb-step-step2[^>]*><a[^>]*aria-current="page"', html)
    first, last = wb.navigation("intake").html, wb.navigation("journal").html
    assert "wb-nav-prev" not in first and "wb-nav-next" in first
    assert "wb-nav-next" not in last and "wb-nav-prev" in last


def test_client_text_is_escaped(store, practice):
    store.save(minimal_case("x", "<script>alert(1)</script>"))
    wb = Workbook("x", str(practice.path), practice.db_url)
    html = wb.navigation("step1").html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    wb.store.close()


def test_an_unknown_step_is_refused(wb):
    with pytest.raises(ValueError, match="no step 'step9'"):
        wb.navigation("step9")


def test_links_between_a_clients_notebooks(tmp_path):
    folder = tmp_path / "notebooks" / "ana"
    lab, voila = Server("lab", "/", tmp_path / "notebooks"), Server("voila", "/")
    target = folder / STEPS[1].notebook
    assert link(target, folder, lab).href == STEPS[1].notebook  # Lab opens it in its workspace
    assert link(target, folder, lab).target is None
    assert link(target, folder, voila).target == "_self"
    to_start = link(folder.parent / "00_start_here.ipynb", folder, voila)
    assert to_start.href == "../00_start_here.ipynb"
    workspace = link(target, tmp_path / "notebooks", lab, client="ana")
    assert workspace.href == f"/lab/workspaces/ana/tree/ana/{STEPS[1].notebook}"
    assert workspace.target == "_blank"
    default = link(target, tmp_path / "notebooks", lab, client="default")
    assert "/lab/workspaces/client-default/" in default.href  # Lab's own workspace is left alone
    html = nav_html(None, folder, "intake", voila)
    assert "No client: 0 of 6" in html


def test_navigation_folder_is_the_clients(wb, practice):
    bar = wb.navigation("step1")
    assert bar.folder == notebooks_dir(practice, "lana")
