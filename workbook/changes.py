"""What a trainee did to the case handed out: records added, changed and removed, step by step.

A workshop hands every trainee the same case; what the cohort report credits to a trainee is the
difference between that case and theirs, never the case itself, so a trainee who has done nothing
shows nothing done. Records with an id (stories, ideas, interviews, actions) are matched by id.
Records without one are matched first by being identical, then by what names them (an attempt's
text, a check-in's date, a reflection's date and model), so that editing one counts as one change
rather than a removal and an addition; when even that changed (a check-in's date edited), a record
left over on each side is one change too. The client with the intake, the permission and the plan's
goal and target are one record each. Reflections are records but belong to no step.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from .model import Case


def _plan_head(case: Case) -> list[tuple[Any, Any]]:
    plan = case.plan
    return [(plan.goal, plan.target)] if plan and (plan.goal or plan.target) else []


# (kind, step or None, the records of that kind in a case, what names a record)
KINDS: list[tuple[str, int | None, Callable[[Case], Iterable[Any]], Callable[[Any], Hashable]]] = [
    ("client", 0, lambda c: [c.client], lambda r: "client"),
    ("attempts", 1, lambda c: c.attempts, lambda r: r.text),
    ("stories", 1, lambda c: c.stories, lambda r: r.id),
    ("permission", 1, lambda c: [c.permission] if c.permission else [], lambda r: "permission"),
    ("ideas", 2, lambda c: c.ideas, lambda r: r.id),
    ("interviews", 2, lambda c: c.interviews, lambda r: r.id),
    ("plan", 3, _plan_head, lambda r: "plan"),
    ("actions", 3, lambda c: c.plan.actions if c.plan else [], lambda r: r.id),
    ("checkins", 4, lambda c: c.checkins, lambda r: r.date),
    ("reflections", None, lambda c: c.reflections, lambda r: (r.date, r.model)),
]


# Kinds without an id: what names a record can itself be edited.
UNNAMED = {"attempts", "checkins", "reflections"}


@dataclass(frozen=True)
class Counts:
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class Changes:
    """One trainee's work on the case handed out."""

    kinds: dict[str, Counts]
    ideas: tuple[str, ...]  # the texts of ideas the trainee added or reworded, as written
    skills: tuple[str, ...]  # skills the trainee named on stories

    @property
    def added(self) -> int:
        return sum(c.added for c in self.kinds.values())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.kinds.values())

    @property
    def removed(self) -> int:
        return sum(c.removed for c in self.kinds.values())

    @property
    def steps(self) -> list[int]:
        """The steps worked on (0 for the intake, 1 to 4), in order."""
        worked = {step for kind, step, _, _ in KINDS if step is not None and self.kinds[kind].any}
        return sorted(worked)


def _compare(
    before: list[Any], after: list[Any], key: Callable[[Any], Hashable], unnamed: bool = False
) -> Counts:
    left = list(before)
    fresh = []
    for record in after:
        if record in left:
            left.remove(record)
        else:
            fresh.append(record)
    waiting: dict[Hashable, int] = {}
    for record in left:
        waiting[key(record)] = waiting.get(key(record), 0) + 1
    added = changed = 0
    for record in fresh:
        if waiting.get(key(record)):
            waiting[key(record)] -= 1
            changed += 1
        else:
            added += 1
    removed = sum(waiting.values())
    if unnamed:  # an edit of what names the record: one left on each side is one change
        paired = min(added, removed)
        added, changed, removed = added - paired, changed + paired, removed - paired
    return Counts(added, changed, removed)


def compare(handout: Case, case: Case) -> Changes:
    """What ``case`` adds to, changes in and removes from ``handout``."""
    kinds = {
        kind: _compare(list(records(handout)), list(records(case)), key, kind in UNNAMED)
        for kind, _, records, key in KINDS
    }
    given_ideas = {i.id: i.text for i in handout.ideas}
    ideas = tuple(i.text for i in case.ideas if given_ideas.get(i.id) != i.text)
    given_skills = {s.id: set(s.skills) for s in handout.stories}
    skills = {k for s in case.stories for k in s.skills if k not in given_skills.get(s.id, ())}
    return Changes(kinds, ideas, tuple(sorted(skills)))
