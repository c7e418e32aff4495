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

    @property
    def name(self) -> str:
        """The check's name in words (``check`` is its id)."""
        return NAMES[self.check]

    def as_dict(self) -> dict:
        return {"check": self.check, "name": self.name, **asdict(self)}


Check = Callable[[Case, date], tuple[str, str]]
CHECKS: list[tuple[str, int, Check]] = []
NAMES: dict[str, str] = {}


def check(name: str, step: int, words: str) -> Callable[[Check], Check]:
    """Register a check under its id ``name``, with ``words`` as the name people read."""

    def register(fn: Check) -> Check:
        CHECKS.append((name, step, fn))
        NAMES[name] = words
        return fn

    return register


def run_checks(case: Case, as_of: date | None = None) -> list[Finding]:
    as_of = as_of or date.today()
    found = [Finding(name, step, *fn(case, as_of)) for name, step, fn in CHECKS]
    return sorted(found, key=lambda f: f.step)


def failing(case: Case, as_of: date | None = None) -> list[str]:
    """The ids of the checks that fail, in registration order: :func:`run_checks` without the
    findings' words, for summaries of many cases (the caseload)."""
    as_of = as_of or date.today()
    return [name for name, _, fn in CHECKS if fn(case, as_of)[0] == FAIL]


def failed(findings: list[Finding]) -> bool:
    """Whether any check failed: what ``workbook check`` turns into its exit status."""
    return any(f.status == FAIL for f in findings)


STEP_NAMES = {
    0: "Intake",
    1: "Step 1: what has been tried",
    2: "Step 2: a combined list of ideas",
    3: "Step 3: the decision and the plan",
    4: "Step 4: motivation and check-ins",
}
MARKS = {PASS: "pass", WARN: "WARN", FAIL: "FAIL"}
SUMMARY = {PASS: "passed", WARN: "to improve", FAIL: "failed"}  # the summary's words


def summary(findings: list[Finding]) -> str:
    """``9 passed, 1 to improve, 1 failed``."""
    return ", ".join(f"{sum(f.status == s for f in findings)} {SUMMARY[s]}" for s in SUMMARY)


def as_text(findings: list[Finding]) -> str:
    lines, step = [], None
    for f in findings:
        if f.step != step:
            step = f.step
            lines.append(STEP_NAMES[step])
        lines.append(f"  [{MARKS[f.status]}] {f.name} ({f.check}): {f.message}")
    lines.append(summary(findings))
    return "\n".join(lines)


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _ids(kind: str, ids: list[str], plural: str | None = None) -> str:
    """``story s2`` or ``stories s2 and s3``."""
    return f"{kind if len(ids) == 1 else plural or kind + 's'} {_and(ids)}"


def _actions(case: Case):  # noqa: ANN202
    return case.plan.actions if case.plan else []


@check("intake", 0, "The intake is recorded")
def _intake(case: Case, _: date) -> tuple[str, str]:
    c = case.client
    missing = [
        f for f in ("situation", "aspirations", "challenges") if not (getattr(c, f) or "").strip()
    ]
    if not missing:
        return PASS, "The intake records the client's situation, aspirations and challenges."
    status = FAIL if (case.plan or case.ideas) and len(missing) == 3 else WARN
    return status, (
        f"Record the client's {_and(missing)} in the intake. Planning rests on knowing where "
        "the client stands and what they hope for; without it ideas and goals are guesses."
    )


def _gathered(case: Case) -> str:
    """What step 1 holds, as a sentence's start: ``What the client has tried is recorded``."""
    if case.attempts and case.stories:
        return "What the client has tried and their stories are recorded"
    if case.attempts:
        return "What the client has tried is recorded"
    return "The client's stories are recorded"


@check("tried_before_ideas", 1, "What was tried comes before ideas")
def _tried_first(case: Case, _: date) -> tuple[str, str]:
    if not case.attempts and not case.stories:
        if not case.ideas:
            return WARN, (
                "Start step 1: record what the client has already tried and ask for stories "
                "of times they felt good about what they did."
            )
        return FAIL, (
            "Ideas were recorded but nothing the client had tried and no stories. Go "
            "back to step 1: it honours the client's own effort and keeps you from "
            "suggesting what has already failed."
        )
    done = _gathered(case)
    if not case.ideas:
        return PASS, f"{done} and there is no idea yet: step 1 comes first, as it should."
    first_idea = min(i.added for i in case.ideas)
    late = [a for a in case.attempts if a.date and a.date > first_idea]
    if late and len(late) == len(case.attempts) and not case.stories:
        return WARN, (
            f"Every attempt was recorded after the first idea ({first_idea.isoformat()}). "
            "Ask what the client has tried before generating ideas, so the list builds on it."
        )
    return PASS, f"{done}, so the ideas can build on what came before them."


@check("permission_first", 1, "Permission is asked before your ideas")
def _permission(case: Case, _: date) -> tuple[str, str]:
    mine = [i for i in case.ideas if i.source == "practitioner"]
    p = case.permission
    if not mine:
        return PASS, "None of the ideas is yours, so no permission was needed yet."
    if p is None or p.asked is None:
        return FAIL, (
            "Your ideas were added without asking permission. Ask the client whether they "
            "want to hear your ideas, and record the answer: it keeps the plan theirs."
        )
    if p.granted is None:
        return FAIL, (
            f"Permission was asked on {p.asked.isoformat()} but the client's answer is not "
            "recorded, and your ideas are on the list. Record whether they agreed."
        )
    if not p.granted:
        return FAIL, (
            "The client did not agree to hear your ideas, yet some are on the list. "
            "Remove them or ask again and record the new answer."
        )
    early = [i.id for i in mine if i.added < p.asked]
    if early:
        return FAIL, (
            f"Your {_ids('idea', early)} {'was' if len(early) == 1 else 'were'} added before "
            f"permission was asked on {p.asked.isoformat()}. Ask first, then offer."
        )
    return PASS, "Permission was asked and given before any idea of yours."


@check("ideas_from_both", 2, "Ideas come from both of you")
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


@check("skills_from_stories", 1, "Skills are named in the stories")
def _skills(case: Case, _: date) -> tuple[str, str]:
    if not case.stories:
        return WARN, (
            "No stories yet. Ask for times the client felt good about what they did; "
            "their skills show in them."
        )
    bare = [s.id for s in case.stories if not s.skills]
    if bare:
        return WARN, (
            f"Name the skills shown in {_ids('story', bare, 'stories')}. Skills the client "
            "can see in their own stories are the ones they will claim."
        )
    if len(case.stories) == 1:
        return PASS, "The story names the skills it shows."
    return PASS, "Every story names the skills it shows."


@check("interviews_for_chosen", 2, "Chosen ideas are tested in interviews")
def _interviews(case: Case, _: date) -> tuple[str, str]:
    if not case.ideas:
        return WARN, (
            "No ideas yet. Once the list is made, weigh the ideas together, choose, and "
            "test each chosen idea in an informational interview."
        )
    chosen = [i.id for i in case.ideas if i.status == "chosen"]
    if not chosen:
        return WARN, "No idea is marked chosen yet; weigh the ideas together and choose."
    tested = {ref for v in case.interviews for ref in v.ideas}
    untested = [i for i in chosen if i not in tested]
    if untested:
        return WARN, (
            f"Chosen {_ids('idea', untested)} {'was' if len(untested) == 1 else 'were'} not "
            "tested by an informational interview. A conversation with someone in the field "
            "checks the fit before the client commits."
        )
    if len(chosen) == 1:
        return PASS, f"The chosen idea {chosen[0]} was tested in an informational interview."
    return PASS, "Every chosen idea was tested in an informational interview."


_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|at least|every)\b", re.I
)


@check("smart_goal", 3, "The goal is SMART")
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


@check("concrete_actions", 3, "The actions are concrete")
def _concrete(case: Case, _: date) -> tuple[str, str]:
    actions = [a for a in _actions(case) if a.status != "dropped"]
    if not actions:
        dropped = "Every action was dropped: b" if _actions(case) else "B"
        return (FAIL if case.plan and case.plan.goal else WARN), (
            f"{dropped}reak the goal into actions, each with an owner and a due date."
        )
    undated = [a.id for a in actions if a.due is None]
    unlinked = [a.id for a in actions if not a.ideas]
    clients = sum(a.owner in ("client", "shared") for a in actions)
    problems = []
    if undated:
        problems.append(f"give {_ids('action', undated)} a due date")
    if clients * 2 <= len(actions):
        problems.append("let the client own most actions: they do most of the work")
    if unlinked:
        one = len(unlinked) == 1
        problems.append(
            f"link {_ids('action', unlinked)} to the {'idea' if one else 'ideas'} "
            f"{'it carries' if one else 'they carry'} out"
        )
    if not problems:
        if len(actions) == 1:
            return PASS, "The action has an owner and a date, and is linked to an idea."
        return PASS, "Every action has an owner and a date, most are the client's, all are linked."
    return (FAIL if undated else WARN), "Make the actions concrete: " + "; ".join(problems) + "."


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _planned_since(case: Case, as_of: date) -> date:
    """The earliest day the plan can have been made: the last dated record of steps 1 and 2."""
    dated = [case.client.started, *(i.added for i in case.ideas)]
    dated += [v.date for v in case.interviews]
    if case.permission and case.permission.asked:
        dated.append(case.permission.asked)
    return max(d for d in dated if d <= as_of) if any(d <= as_of for d in dated) else as_of


def _checkin_dates(case: Case, as_of: date) -> list[date]:
    return sorted({k.date for k in case.checkins if k.date <= as_of})


def last_contact(case: Case, as_of: date) -> date | None:
    """The last check-in on or before ``as_of``; before the first, the day the weekly rhythm
    counts from (the last dated record of the intake and steps 1 and 2). None when nothing is
    dated by then."""
    dates = _checkin_dates(case, as_of)
    if dates:
        return dates[-1]
    return _planned_since(case, as_of) if case.client.started <= as_of else None


def next_checkin(case: Case, as_of: date) -> date | None:
    """When the weekly rule wants the next check-in: a week after the last contact. None when
    no check-in is due: no action is planned, or the plan's target date comes within a week of
    the last check-in (the rhythm ends with the plan).

    A check-in is overdue when ``as_of`` is later than this date; ``weekly_checkins`` below
    judges the same way.
    """
    if not _actions(case):
        return None
    dates = _checkin_dates(case, as_of)
    start = dates[-1] if dates else _planned_since(case, as_of)
    due = start + timedelta(days=WEEK)
    target = case.plan.target
    if dates and target is not None and target <= due:
        return None
    return due


@check("weekly_checkins", 4, "Check-ins are weekly")
def _weekly(case: Case, as_of: date) -> tuple[str, str]:
    if not _actions(case):
        return PASS, "No actions are planned yet, so no check-in is due."
    dates = _checkin_dates(case, as_of)
    if not dates:
        due = next_checkin(case, as_of)
        if as_of <= due:
            return PASS, f"No check-in yet; the plan is new. Hold the first by {due.isoformat()}."
        return FAIL, (
            f"There is a plan but no check-in by {as_of.isoformat()}. Keep weekly contact: "
            "motivation fades quickly when nobody asks."
        )
    target = case.plan.target
    end = min(as_of, target) if target else as_of
    between = [(a, b) for a, b in zip(dates, dates[1:], strict=False) if (b - a).days > WEEK]
    since = (end - dates[-1]).days
    if not between and since <= WEEK:
        if len(dates) == 1:
            return PASS, f"The one check-in so far, on {dates[-1].isoformat()}, is recent."
        return PASS, "Check-ins were at most a week apart while the plan was active."
    longest = max([(b - a).days for a, b in between] + [since])
    parts = []
    if between:
        a, b = max(between, key=lambda g: g[1] - g[0])
        many = len(between) > 1
        parts.append(
            f"{len(between)} {'gaps' if many else 'gap'} of more than a week between check-ins"
            f"{', the longest' if many else ','} {_days((b - a).days)} from {a.isoformat()} "
            f"to {b.isoformat()}"
        )
    if since > WEEK:
        last = "the only" if len(dates) == 1 else "the last"
        until = f"the plan's target date, {end.isoformat()}" if end != as_of else end.isoformat()
        parts.append(
            f"{_days(since)} without contact from {last} check-in, on {dates[-1].isoformat()}, "
            f"to {until}"
        )
    text = "; and ".join(parts)
    return (FAIL if longest > 2 * WEEK else WARN), (
        f"{text[0].upper()}{text[1:]}. Keep contact weekly while the plan is active."
    )


@check("followup_on_motivation", 4, "Low motivation is followed up")
def _followup(case: Case, as_of: date) -> tuple[str, str]:
    done = [k for k in case.checkins if k.date <= as_of]
    if not done:
        return PASS, "No check-in yet, so there is nothing to follow up."
    last = max(done, key=lambda k: k.date)
    concerns = []
    if last.importance is not None and last.importance < LOW:
        concerns.append(f"importance {last.importance}/10")
    if last.confidence is not None and last.confidence < LOW:
        concerns.append(f"confidence {last.confidence}/10")
    if last.buy_in is False:
        concerns.append("no buy-in to the plan")
    latest = "only" if len(done) == 1 else "latest"
    if not concerns:
        return PASS, f"The {latest} check-in shows the client motivated and on board."
    when = f"The {latest} check-in ({last.date.isoformat()}) shows {_and(concerns)}"
    after = [
        a.id
        for a in _actions(case)
        if a.due and a.due >= last.date and a.status in ("todo", "doing")
    ]
    found = ["a note on that check-in"] * bool((last.notes or "").strip())
    if after:
        found.append(f"open {_ids('action', after)}, due after it")
    if found:
        return WARN, (
            f"{when}; as a follow-up there is {_and(found)}. Make sure "
            f"{'they answer' if len(found) > 1 else 'it answers'} the concern, and ask again at "
            "the next check-in."
        )
    return FAIL, (
        f"{when}, and no follow-up is recorded: the check-in has no note and no open action "
        "is due after it. Add a note on what you agreed, or a new, small action."
    )


@check("supports_recorded", 4, "Supports are recorded")
def _supports(case: Case, as_of: date) -> tuple[str, str]:
    done = [k for k in case.checkins if k.date <= as_of]
    if not done:
        return PASS, "No check-in yet: ask about the client's supports at the first one."
    if any(k.supports for k in done):
        return PASS, "Supports (counselling, family, offers of help) are recorded."
    return WARN, (
        "Ask about and record the client's supports, such as ongoing counselling or "
        "offers of help: they carry a plan through hard weeks."
    )
