"""Method fidelity: how faithfully a case follows the four steps, check by check.

Each check looks at one habit of the method and says, in plain words, what to do about it and
why it matters. A check has a step (0 for the intake, 1 to 4), a status (pass, warn or fail)
and a message. The checks read the case only; they never change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from .model import Case

PASS, WARN, FAIL = "pass", "warn", "fail"
LOW = 5  # a ruler below this needs a follow-up
WEEK = 7


@dataclass(frozen=True)
class Finding:
    check: str
    step: int
    status: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


Check = Callable[[Case, date], tuple[str, str]]
CHECKS: list[tuple[str, int, Check]] = []


def check(name: str, step: int) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS.append((name, step, fn))
        return fn

    return register


def run_checks(case: Case, as_of: date | None = None) -> list[Finding]:
    as_of = as_of or date.today()
    found = [Finding(name, step, *fn(case, as_of)) for name, step, fn in CHECKS]
    return sorted(found, key=lambda f: f.step)


STEP_NAMES = {
    0: "Intake",
    1: "Step 1: what has been tried",
    2: "Step 2: a combined list of ideas",
    3: "Step 3: the decision and the plan",
    4: "Step 4: motivation and check-ins",
}
MARKS = {PASS: "pass", WARN: "WARN", FAIL: "FAIL"}


def as_text(findings: list[Finding]) -> str:
    lines, step = [], None
    for f in findings:
        if f.step != step:
            step = f.step
            lines.append(STEP_NAMES[step])
        lines.append(f"  [{MARKS[f.status]}] {f.check}: {f.message}")
    counts = {s: sum(f.status == s for f in findings) for s in (PASS, WARN, FAIL)}
    lines.append(f"{counts[PASS]} passed, {counts[WARN]} to improve, {counts[FAIL]} missing")
    return "\n".join(lines)


def _actions(case: Case):  # noqa: ANN202
    return case.plan.actions if case.plan else []


@check("intake", 0)
def _intake(case: Case, _: date) -> tuple[str, str]:
    c = case.client
    missing = [
        f for f in ("situation", "aspirations", "challenges") if not (getattr(c, f) or "").strip()
    ]
    if not missing:
        return PASS, "The intake records the client's situation, aspirations and challenges."
    status = FAIL if (case.plan or case.ideas) and len(missing) == 3 else WARN
    return status, (
        f"Record the client's {', '.join(missing)} in the intake. Planning rests on "
        "knowing where the client stands and what they hope for; without it ideas "
        "and goals are guesses."
    )


@check("tried_before_ideas", 1)
def _tried_first(case: Case, _: date) -> tuple[str, str]:
    if not case.ideas:
        if case.attempts or case.stories:
            return PASS, "What the client has tried and their stories come first, as they should."
        return WARN, (
            "Start step 1: record what the client has already tried and ask for stories "
            "of times they felt good about what they did."
        )
    if not case.attempts and not case.stories:
        return FAIL, (
            "Ideas were recorded but nothing the client had tried and no stories. Go "
            "back to step 1: it honours the client's own effort and keeps you from "
            "suggesting what has already failed."
        )
    first_idea = min(i.added for i in case.ideas)
    late = [a for a in case.attempts if a.date and a.date > first_idea]
    if late and len(late) == len(case.attempts) and not case.stories:
        return WARN, (
            "The attempts were recorded after the first idea. Ask what the client has "
            "tried before generating ideas, so the list builds on it."
        )
    return PASS, "What the client has tried and their stories were gathered before the ideas."


@check("permission_first", 1)
def _permission(case: Case, _: date) -> tuple[str, str]:
    mine = [i for i in case.ideas if i.source == "practitioner"]
    p = case.permission
    if not mine:
        return PASS, "No practitioner ideas, so no permission was needed yet."
    if p is None or p.asked is None:
        return FAIL, (
            "Practitioner ideas were added without asking permission. Ask the client "
            "whether they want to hear your ideas, and record the answer: it keeps the "
            "plan theirs."
        )
    if not p.granted:
        return FAIL, (
            "The client did not agree to hear your ideas, yet some are on the list. "
            "Remove them or ask again and record the new answer."
        )
    early = [i.id for i in mine if i.added < p.asked]
    if early:
        return FAIL, (
            f"Practitioner ideas {', '.join(early)} were added before permission was "
            f"asked on {p.asked.isoformat()}. Ask first, then offer."
        )
    return PASS, "Permission was asked and given before any practitioner idea."


@check("ideas_from_both", 2)
def _both(case: Case, _: date) -> tuple[str, str]:
    sources = {i.source for i in case.ideas}
    if sources == {"client", "practitioner"}:
        return PASS, "The list combines ideas from the client and from you."
    if not sources:
        return WARN, "No ideas yet: start the combined list with the client's own ideas."
    if sources == {"practitioner"}:
        return FAIL, (
            "Every idea is yours. Draw out the client's own ideas first: people act "
            "on plans they helped make."
        )
    return WARN, (
        "Every idea is the client's. With their permission, add a few of yours: a "
        "fresh view widens the options."
    )


@check("skills_from_stories", 1)
def _skills(case: Case, _: date) -> tuple[str, str]:
    if not case.stories:
        return WARN, (
            "No stories yet. Ask for times the client felt good about what they did; "
            "their skills show in them."
        )
    bare = [s.id for s in case.stories if not s.skills]
    if bare:
        return WARN, (
            f"Name the skills shown in stories {', '.join(bare)}. Skills the client "
            "can see in their own stories are the ones they will claim."
        )
    return PASS, "Every story has the skills it shows."


@check("interviews_for_chosen", 2)
def _interviews(case: Case, _: date) -> tuple[str, str]:
    chosen = [i.id for i in case.ideas if i.status == "chosen"]
    if not chosen:
        return WARN, "No idea is marked chosen yet; weigh the ideas together and choose."
    tested = {ref for v in case.interviews for ref in v.ideas}
    untested = [i for i in chosen if i not in tested]
    if untested:
        return WARN, (
            f"Chosen ideas {', '.join(untested)} were not tested by an informational "
            "interview. A conversation with someone in the field checks the fit before "
            "the client commits."
        )
    return PASS, "Every chosen idea was tested in an informational interview."


_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|at least|every)\b", re.I
)


@check("smart_goal", 3)
def _smart(case: Case, _: date) -> tuple[str, str]:
    plan = case.plan
    if plan is None or not (plan.goal or "").strip():
        return (FAIL if _actions(case) else WARN), (
            "Write the plan's goal with the client: one or two sentences they agree with."
        )
    gaps = []
    if plan.target is None:
        gaps.append("a target date (timed)")
    if len(plan.goal.split()) < 8:
        gaps.append("more detail on what will be different (specific)")
    if not _NUMBER.search(plan.goal):
        gaps.append("something countable, so you both know when it is reached (measurable)")
    if not gaps:
        return PASS, "The goal is specific, measurable and dated, as far as its words show."
    return (FAIL if plan.target is None else WARN), (
        "Make the goal meet the modified SMART criteria: add " + "; ".join(gaps) + "."
    )


@check("concrete_actions", 3)
def _concrete(case: Case, _: date) -> tuple[str, str]:
    actions = [a for a in _actions(case) if a.status != "dropped"]
    if not actions:
        return (FAIL if case.plan and case.plan.goal else WARN), (
            "Break the goal into actions, each with an owner and a due date."
        )
    undated = [a.id for a in actions if a.due is None]
    unlinked = [a.id for a in actions if not a.ideas]
    clients = sum(a.owner in ("client", "shared") for a in actions)
    problems = []
    if undated:
        problems.append(f"give {', '.join(undated)} a due date")
    if clients * 2 <= len(actions):
        problems.append("let the client own most actions: they do most of the work")
    if unlinked:
        problems.append(f"link {', '.join(unlinked)} to the ideas they carry out")
    if not problems:
        return PASS, "Every action has an owner and a date, most are the client's, all are linked."
    return (FAIL if undated else WARN), "Make the actions concrete: " + "; ".join(problems) + "."


@check("weekly_checkins", 4)
def _weekly(case: Case, as_of: date) -> tuple[str, str]:
    if not _actions(case):
        return PASS, "No plan yet, so no check-ins are due."
    dates = sorted({k.date for k in case.checkins if k.date <= as_of})
    if not dates:
        return FAIL, (
            "There is a plan but no check-in. Keep weekly contact: motivation fades "
            "quickly when nobody asks."
        )
    end = min(as_of, case.plan.target) if case.plan.target else as_of
    points = [*dates, end] if end > dates[-1] else dates
    gaps = [(a, b) for a, b in zip(points, points[1:], strict=False) if (b - a).days > WEEK]
    if not gaps:
        return PASS, "Check-ins were at most a week apart while the plan was active."
    worst = max(gaps, key=lambda g: g[1] - g[0])
    status = FAIL if (worst[1] - worst[0]) > timedelta(days=2 * WEEK) else WARN
    return status, (
        f"{len(gaps)} gap(s) of more than a week between check-ins, the longest "
        f"{(worst[1] - worst[0]).days} days from {worst[0].isoformat()}. Keep contact "
        "weekly while the plan is active."
    )


@check("followup_on_motivation", 4)
def _followup(case: Case, as_of: date) -> tuple[str, str]:
    done = [k for k in case.checkins if k.date <= as_of]
    if not done:
        return PASS, "No check-in yet."
    last = max(done, key=lambda k: k.date)
    concerns = []
    if last.importance is not None and last.importance < LOW:
        concerns.append(f"importance {last.importance}/10")
    if last.confidence is not None and last.confidence < LOW:
        concerns.append(f"confidence {last.confidence}/10")
    if last.buy_in is False:
        concerns.append("the client no longer wants the plan")
    if not concerns:
        return PASS, "The latest check-in shows the client motivated and on board."
    new_action = any(
        a.due and a.due >= last.date and a.status in ("todo", "doing") for a in _actions(case)
    )
    if (last.notes or "").strip() or new_action:
        return WARN, (
            f"The latest check-in ({last.date.isoformat()}) shows "
            f"{' and '.join(concerns)}; a follow-up is recorded. Check it next week."
        )
    return FAIL, (
        f"The latest check-in ({last.date.isoformat()}) shows {' and '.join(concerns)} "
        "with no follow-up. Add a note on what you agreed, or a new, small action."
    )


@check("supports_recorded", 4)
def _supports(case: Case, _: date) -> tuple[str, str]:
    if not case.checkins:
        return PASS, "No check-in yet."
    if any(k.supports for k in case.checkins):
        return PASS, "Supports (counselling, family, offers of help) are recorded."
    return WARN, (
        "Ask about and record the client's supports, such as ongoing counselling or "
        "offers of help: they carry a plan through hard weeks."
    )
