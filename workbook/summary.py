"""A case summarised as plain text, step by step, for the terminal (``workbook show``)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from .model import Case

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """Client text made safe for a terminal: control and bidi-override characters are shown
    as escapes, so a record cannot move the cursor, recolour the screen or reorder a line."""
    return _CONTROL.sub(
        lambda m: f"\\u{ord(m.group()):04x}", unicodedata.normalize("NFC", str(text))
    )


def _line(text: str | None, width: int = 90) -> str:
    flat = " ".join(clean(text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def chains(links: Iterable[tuple[str, str | None]]) -> list[list[str]]:
    """``(id, referred_by)`` pairs as referral chains, each from a first contact (referred by
    nobody) down to the last referral; a contact who referred two people starts two chains."""
    children: dict[str | None, list[str]] = {}
    for node, parent in links:
        children.setdefault(parent or None, []).append(node)
    found: list[list[str]] = []

    def walk(node: str, chain: list[str]) -> None:
        nexts = children.get(node, [])
        if not nexts:
            found.append(chain)
        for n in nexts:
            walk(n, [*chain, n])

    for root in children.get(None, []):
        walk(root, [root])
    return found


def referral_chains(case: Case) -> list[list[str]]:
    """Interviews as referral chains, each from a first contact down to the last referral."""
    return chains((v.id, v.referred_by) for v in case.interviews)


def case_summary(case: Case, as_of: date | None = None) -> str:
    as_of = as_of or date.today()
    c, out = case.client, []
    add = out.append
    add(f"{_line(c.name)} ({c.id}), started {c.started.isoformat()}")
    consent = "records yes" if c.consent.records else "records NO"
    consent += ", de-identified sharing " + ("yes" if c.consent.share_deidentified else "no")
    add(f"  consent: {consent}")
    add("Intake")
    for field in ("situation", "aspirations", "challenges", "goal"):
        add(f"  {field}: {_line(getattr(c, field)) or '-'}")

    add("Step 1 - what has been tried")
    add(f"  attempts: {len(case.attempts)}; stories: {len(case.stories)}")
    skills = Counter(k for s in case.stories for k in dict.fromkeys(s.skills))
    if skills:
        add("  skills shown: " + ", ".join(f"{_line(k)} ({n})" for k, n in skills.most_common(6)))
    p = case.permission
    if p and p.asked:
        add(
            f"  permission asked {p.asked.isoformat()}: "
            + {True: "granted", False: "declined", None: "no answer"}[p.granted]
        )
    else:
        add("  permission to offer ideas: not yet asked")

    add("Step 2 - a combined list of ideas")
    sources = Counter(i.source for i in case.ideas)
    add(
        f"  ideas: {len(case.ideas)} (client {sources['client']}, "
        f"practitioner {sources['practitioner']})"
    )
    for i in case.ideas:
        add(f"    [{i.status}] {_line(i.text, 70)} ({i.source})")
    people = {v.id: v.person for v in case.interviews}
    add(f"  interviews: {len(case.interviews)}")
    for chain in referral_chains(case):
        add("    " + " -> ".join(_line(people[v], 30) for v in chain))

    add("Step 3 - the plan")
    plan = case.plan
    if plan:
        target = plan.target.isoformat() if plan.target else "no target date"
        add(f"  goal: {_line(plan.goal) or '-'} (by {target})")
        for a in plan.actions:
            due = a.due.isoformat() if a.due else "no date"
            late = a.due and a.due < as_of and a.status not in ("done", "dropped")
            add(
                f"    {a.id} [{a.status}] {_line(a.text, 60)} - {a.owner}, {due}"
                + (" OVERDUE" if late else "")
            )
    else:
        add("  no plan yet")

    add("Step 4 - motivation and check-ins")
    if case.checkins:
        last = max(case.checkins, key=lambda k: k.date)
        add(
            f"  check-ins: {len(case.checkins)}; latest {last.date.isoformat()} "
            f"({_days((as_of - last.date).days)}): importance {_num(last.importance)}, "
            f"confidence {_num(last.confidence)}, buy-in {_yes(last.buy_in)}"
        )
        supports = dict.fromkeys(s for k in case.checkins for s in k.supports)
        add("  supports: " + (", ".join(_line(s, 60) for s in supports) or "-"))
    else:
        add("  no check-ins yet")
    models = Counter(r.model for r in case.reflections)
    add(
        f"Reflections: {len(case.reflections)}"
        + (" (" + ", ".join(f"{m} {n}" for m, n in models.items()) + ")" if models else "")
    )
    return "\n".join(out)


def _days(n: int) -> str:
    if n == 0:
        return "today"
    return f"{n} day{'s' if abs(n) != 1 else ''} ago" if n > 0 else f"in {-n} days"


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value}/10"


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "-"}[value]


def next_checkin(case: Case, as_of: date) -> date:
    """A week after the latest check-in, or ``as_of`` when none is recorded (or it is overdue)."""
    if not case.checkins:
        return as_of
    nxt = max(k.date for k in case.checkins) + timedelta(days=7)
    return max(nxt, as_of)
