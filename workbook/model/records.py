"""The records of the method, one class per record type of the case-file contract.

Field types carry every single-field rule (types, ranges, enumerations, slugs, dates, and the
text rules of :mod:`workbook.model.text`: a line or a free text, each with its length limit);
rules that span records (unique ids, references) live in :mod:`workbook.model.validate`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    field_validator,
    model_validator,
)

from .text import LONG, SHORT, checker, invalid, no_control
from .vocab import (
    PROGRESS_RANGE,
    RATING_RANGE,
    REFLECTION_STAGES,
    RULER_RANGE,
    ActionStatus,
    CheckinBy,
    IdeaSource,
    IdeaStatus,
    LifeRole,
    Owner,
    ReflectionModel,
)

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_invalid = invalid


def _slug(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise _invalid(
            "must be a short slug: lower-case letters, digits and hyphens, up to 64 characters"
        )
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise _invalid("must be a date (YYYY-MM-DD) without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if not ISO_DATE.fullmatch(value):
            raise _invalid("must be a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _invalid("is not a real date") from None
    raise _invalid("must be a date written YYYY-MM-DD")


def _ranged(low: int, high: int):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise _invalid(f"must be a whole number from {low} to {high}")
        return value

    return AfterValidator(check)


Slug = Annotated[str, BeforeValidator(no_control), AfterValidator(_slug)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, AfterValidator(checker(LONG, required=True))]  # a free text, required
Prose = Annotated[str, AfterValidator(checker(LONG, required=False))]  # a free text, optional
Line = Annotated[str, AfterValidator(checker(SHORT, required=True))]  # a name, a title
OptLine = Annotated[str, AfterValidator(checker(SHORT, required=False))]  # a role, optional
Tag = Line  # a skill, strength or support
Rating = Annotated[int, _ranged(*RATING_RANGE)]
Ruler = Annotated[int, _ranged(*RULER_RANGE)]
Progress = Annotated[int, _ranged(*PROGRESS_RANGE)]


class Record(BaseModel):
    """Strict: no unknown keys, no silent type coercion ("5" is not 5, "yes" is not true)."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False)


class Consent(Record):
    records: bool
    share_deidentified: bool


class Client(Record):
    id: Slug
    name: Line
    started: IsoDate
    consent: Consent
    situation: Prose | None = None
    history: Prose | None = None
    aspirations: Prose | None = None
    challenges: Prose | None = None
    goal: Prose | None = None


class Attempt(Record):
    date: IsoDate | None = None
    text: Text
    outcome: Prose | None = None


class Story(Record):
    id: Slug
    title: Line
    text: Text
    felt_good: bool | None = None
    life_role: LifeRole | None = None
    skills: list[Tag] = []


class Permission(Record):
    asked: IsoDate | None = None
    granted: bool | None = None


class Idea(Record):
    id: Slug
    text: Text
    source: IdeaSource
    added: IsoDate
    fit: Rating | None = None
    interest: Rating | None = None
    feasibility: Rating | None = None
    status: IdeaStatus = "open"


class Interview(Record):
    id: Slug
    date: IsoDate
    person: Line
    role: OptLine | None = None
    organisation: OptLine | None = None
    referred_by: Slug | None = None
    insights: Prose | None = None
    strengths: list[Tag] = []
    ideas: list[Slug] = []


class Action(Record):
    id: Slug
    text: Text
    owner: Owner
    due: IsoDate | None = None
    status: ActionStatus
    ideas: list[Slug] = []
    skills: list[Tag] = []


class Plan(Record):
    goal: Prose | None = None
    target: IsoDate | None = None
    actions: list[Action] = []


class Checkin(Record):
    date: IsoDate
    importance: Ruler | None = None
    confidence: Ruler | None = None
    buy_in: bool | None = None
    understands_plan: bool | None = None
    supports: list[Tag] = []
    notes: Prose | None = None
    progress: dict[Slug, Progress] = {}
    by: CheckinBy | None = None  # "client": recorded by the client in their own app


class Reflection(Record):
    date: IsoDate
    model: ReflectionModel
    entries: dict[str, Prose]

    @field_validator("entries")
    @classmethod
    def _known_stages(cls, entries: dict[str, str], info) -> dict[str, str]:
        if not entries:
            raise _invalid("must hold at least one stage of the model")
        stages = REFLECTION_STAGES.get(info.data.get("model", ""), ())
        for key in entries:
            if stages and key not in stages:
                raise _invalid(
                    f"unknown stage {key!r} for this model; its stages are " + ", ".join(stages)
                )
        return entries


class Case(Record):
    format: Literal[1]
    client: Client
    attempts: list[Attempt] = []
    stories: list[Story] = []
    permission: Permission | None = None
    ideas: list[Idea] = []
    interviews: list[Interview] = []
    plan: Plan | None = None
    checkins: list[Checkin] = []
    reflections: list[Reflection] = []

    @model_validator(mode="after")
    def _empty_sections_are_absent(self) -> Case:
        if self.permission == Permission():
            self.permission = None
        if self.plan == Plan():
            self.plan = None
        return self


# The record types a client can hold many of, by the key they have in a case file.
COLLECTIONS: dict[str, type[Record]] = {
    "attempts": Attempt,
    "stories": Story,
    "ideas": Idea,
    "interviews": Interview,
    "actions": Action,
    "checkins": Checkin,
    "reflections": Reflection,
}
