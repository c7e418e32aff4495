"""A workshop on a real hub, in a real browser (issue 11, point 6): a trainee signs in, presses
**Hand in** in their start-here, and the educator's collect counts it, while another trainee
cannot list or read the workshop's inbox."""

from __future__ import annotations

import csv
import re
import secrets

import pytest

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_journeys import ALL_RUN, KERNEL_IDLE
from tests.hub.conftest import hub, run_workbook  # noqa: F401 - the running hub fixture
from tests.hub.offline import can_list, can_read

pytestmark = [pytest.mark.browser, pytest.mark.hub]


@pytest.fixture
def workshop(hub, tmp_path):  # noqa: F811
    from workbook.casefile import write_case
    from workbook.hub import exchange
    from workbook.hub.workshops import passwords_path
    from workbook.sample import sample_case

    trainees = [f"tr-{secrets.token_hex(3)}" for _ in range(2)]
    name = f"ws-{secrets.token_hex(3)}"
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="") as f:
        rows = [["id", "name", "email"]] + [[t, t, f"{t}@example.org"] for t in trainees]
        csv.writer(f).writerows(rows)
    try:
        educator = hub.add_user("educator")
        hub.names.update(trainees)
        run_workbook(
            "workshop", "create", roster, "--case", write_case(sample_case(), tmp_path / "l.yaml"),
            "--hub", hub.folder, "--workshop", name, "--educator", educator,
        )  # fmt: skip
        for row in csv.DictReader(passwords_path(hub.layout, name).open()):
            hub.passwords[row["id"]] = row["password"]
        yield {"name": name, "trainees": trainees, "educator": educator}
    finally:
        exchange.remove_workshop_group(name)


def test_a_trainee_hands_in_and_the_educator_collects(hub, workshop, context):  # noqa: F811
    from workbook.hub import exchange

    first, second = workshop["trainees"]
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", first)
    page.fill("#password_input", hub.passwords[first])
    page.click("#login_submit")
    # the server starts and opens the practice's start-here in JupyterLab
    page.wait_for_url(re.compile(r".*/lab/tree/notebooks/00_start_here\.ipynb.*"), timeout=180_000)
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS * 2)
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(ALL_RUN, timeout=TIMEOUT_MS * 2)
    page.locator(".wb-hand-in").click()
    status = page.locator(".wb-hand-in-status")
    status.filter(has_text="Handed in").wait_for(timeout=TIMEOUT_MS * 2)

    done = run_workbook("workshop", "collect", "--hub", hub.folder, workshop["name"])
    assert "1 of 2 trainees handed in" in done.stderr
    inbox = exchange.workshop_dir(hub.layout, workshop["name"])
    handed = inbox / first / "practice.db"
    assert handed.is_file()
    for trainee in (second, first):
        assert not can_list(f"wb-{trainee}", inbox)
        assert not can_read(f"wb-{trainee}", handed)
    assert can_read(f"wb-{workshop['educator']}", handed)
