"""The parts of the method in order: their guided notebooks, their titles, and what counts as a
client having records for each.

Progress is what a practitioner would count: a part has records once anything of it is recorded
(an intake answer, an attempt, story or the permission question, an idea or interview, a plan,
a check-in, a reflection). Plain data, cheap to import: the command line uses it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Case

START = "00_start_here.ipynb"
CASELOAD = "caseload.ipynb"  # the practice's caseload, beside start-here
INTAKE_FIELDS = ("situation", "history", "aspirations", "challenges", "goal")


@dataclass(frozen=True)
class Step:
    key: str
    notebook: str
    title: str
    recorded: Callable[[Case], bool]


STEPS = (
    Step(
        "intake",
        "01_intake.ipynb",
        "Intake",
        lambda c: any(getattr(c.client, f) for f in INTAKE_FIELDS),
    ),
    Step(
        "step1",
        "02_step1_what_has_been_tried.ipynb",
        "Step 1: what has been tried",
        lambda c: bool(c.attempts or c.stories or c.permission),
    ),
    Step("step2", "03_step2_ideas.ipynb", "Step 2: ideas", lambda c: bool(c.ideas or c.interviews)),
    Step("step3", "04_step3_plan.ipynb", "Step 3: the plan", lambda c: bool(c.plan)),
    Step("step4", "05_step4_checkin.ipynb", "Step 4: check-ins", lambda c: bool(c.checkins)),
    Step("journal", "06_journal.ipynb", "Journal", lambda c: bool(c.reflections)),
)
BY_KEY = {s.key: s for s in STEPS}


def progress(case: Case | None) -> dict[str, bool]:
    """Which steps have records for this client (all False without a case)."""
    return {s.key: bool(case) and s.recorded(case) for s in STEPS}
