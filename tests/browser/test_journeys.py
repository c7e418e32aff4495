"""Whole journeys in a real browser, from the first command to a record in the database.

(a) A practice made by `workbook init` alone -> `workbook lab` -> start-here -> a new client with
    consent -> the link to their intake (their own JupyterLab workspace) -> a save, read back.
(b) The sample copied in the app's start-here -> the link to step 1 opens the copy's notebook ->
    a story saved there belongs to the copy, and the sample client is unchanged.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import (
    ROOT,
    SCREENSHOTS,
    STEP1,
    TIMEOUT_S,
    WORKBOOK,
    StoriesForm,
    _free_port,
    _start,
    _stop,
    expect,
)
from tests.browser.lab import ALL_RUN, KERNEL_IDLE
from workbook.practice import Practice
from workbook.sample import sample_text

pytestmark = pytest.mark.browser

SLOW_MS = 4 * TIMEOUT_S * 1000  # a notebook's kernel starting on a busy machine


def workbook(practice: Path, *args: str) -> str:
    done = subprocess.run(
        [str(WORKBOOK), "--practice", str(practice), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, f"workbook {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def run_all(page) -> None:
    """Run > Run All Cells in JupyterLab once the notebook's kernel is there; wait for each cell."""
    page.wait_for_function(KERNEL_IDLE, timeout=SLOW_MS)
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(ALL_RUN, timeout=SLOW_MS)


def case(practice: Path, client: str):
    with Practice(practice).open(create=False) as store:
        return store.load(client)


# ----------------------------------------------------------------------------- (a) from nothing


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "practice"
    workbook(path, "init")
    return path


@pytest.fixture(scope="module")
def fresh_lab(fresh, tmp_path_factory):
    """`workbook lab` without a client, on the fresh practice."""
    home = tmp_path_factory.mktemp("fresh-lab")
    port, token = _free_port(), secrets.token_hex(16)
    args = ["--practice", str(fresh), "lab", "--no-browser", "--port", str(port), "--"]
    args += [f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    server = _start(args, home, f"http://127.0.0.1:{port}", token, "/api/status")
    yield server
    _stop(server)


def test_a_fresh_practice_to_a_saved_intake(fresh_lab, fresh, context):
    start = context.new_page()
    start.goto(fresh_lab.url("/"))  # where the server leads: the practice's start-here
    expect(start).to_have_url(re.compile(r"/lab/tree/00_start_here\.ipynb"))
    run_all(start)
    start.locator(".wb-newclient-id input").fill("maria-r")
    start.locator(".wb-newclient-name input").fill("Maria Rossi")
    start.locator(".wb-newclient-records select").select_option(label="yes")
    start.locator(".wb-newclient-save").click()
    expect(start.locator(".wb-newclient-status")).to_contain_text("Created client maria-r.")
    link = start.locator(".wb-client-links a.wb-step-link").filter(has_text="Intake")

    with context.expect_page() as opened:
        link.click()
    intake = opened.value  # a new browser tab, in the client's own workspace
    expect(intake).to_have_url(re.compile(r"/lab/workspaces/maria-r/tree/maria-r/01_intake"))
    run_all(intake)
    expect(intake.locator(".wb-header")).to_contain_text("Maria Rossi (maria-r)")
    words = "Left retail after ten years; wants steady daytime work with people."
    intake.locator(".wb-intake-situation textarea").fill(words)
    intake.locator(".wb-intake-save").click()
    expect(intake.locator(".wb-intake-status")).to_contain_text("Saved")

    nav = intake.locator(".wb-navigation .wb-nav")
    expect(nav.locator(".wb-step-intake")).to_have_class(re.compile("wb-step-done"))
    expect(nav).to_contain_text("1 of 6 parts have records")
    nav.screenshot(path=str(SCREENSHOTS / "navigation-bar.png"))
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOTS / "navigation-bar.png", images / "navigation-bar.png")

    assert case(fresh, "maria-r").client.situation == words
    nav.locator(".wb-nav-next").click()  # the next step, in the same workspace and page
    expect(intake).to_have_url(re.compile(r"/workspaces/maria-r/tree/maria-r/02_step1"))
    expect(intake.locator(".jp-mod-current .lm-TabBar-tab.jp-mod-current")).to_have_count(0)
    expect(intake.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")).to_contain_text(
        "02_step1"
    )


# ----------------------------------------------------------------- (b) practising on the sample


@pytest.fixture(scope="module")
def sampled(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sampled")
    case_file = folder / "lana.yaml"
    case_file.write_text(sample_text(), encoding="utf-8")
    path = folder / "practice"
    workbook(path, "init")
    workbook(path, "import", str(case_file))
    return path


@pytest.fixture(scope="module")
def sample_app(sampled, tmp_path_factory):
    """`workbook app` without a client: Voilà on the practice's notebooks."""
    home = tmp_path_factory.mktemp("sample-app")
    port = _free_port()
    args = ["--practice", str(sampled), "app", "--no-browser", "--port", str(port), "--"]
    server = _start([*args, "--Voila.ip=127.0.0.1"], home, f"http://127.0.0.1:{port}", "", "/")
    yield server
    _stop(server)


def test_a_copy_of_the_sample_is_what_its_links_open(sample_app, sampled, context):
    lana = case(sampled, "lana")
    page = context.new_page()
    page.goto(sample_app.url("/voila/render/00_start_here.ipynb"))
    copy = page.locator(".wb-newclient-copy")
    copy.wait_for(timeout=SLOW_MS)
    assert copy.evaluate("b => b.scrollWidth <= b.clientWidth"), "the label is cut off"
    page.locator(".wb-newclient-id input").fill("my-lana")
    page.locator(".wb-newclient-name input").fill("Practice Lana")
    copy.click()
    expect(page.locator(".wb-newclient-status")).to_contain_text("Copied the sample into my-lana")

    page.locator(".wb-client-links a.wb-step-link").filter(has_text="Step 1").click()
    expect(page).to_have_url(re.compile(rf"/voila/render/my-lana/{STEP1}$"))
    form = StoriesForm(page)
    form.root.wait_for(timeout=SLOW_MS)
    expect(page.locator(".wb-header")).to_contain_text("Practice Lana (my-lana)")
    expect(form.field("id")).to_have_value("s5")
    form.field("title").fill("Practice story")
    form.field("text").fill("Written while practising on the copy of the sample.")
    form.save()
    expect(form.status).to_contain_text("Saved story s5.")

    assert [s.title for s in case(sampled, "my-lana").stories][-1] == "Practice story"
    assert case(sampled, "lana") == lana  # the sample client is never changed
    page.locator(".wb-navigation .wb-nav-start").click()
    expect(page).to_have_url(re.compile(r"/voila/render/00_start_here\.ipynb$"))
