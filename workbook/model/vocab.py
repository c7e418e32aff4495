"""The method's fixed vocabularies: enumerations, reflection stages and the default skills."""

from __future__ import annotations

from typing import Literal, get_args

LifeRole = Literal["worker", "student", "parent", "volunteer", "community", "other"]
IdeaSource = Literal["client", "practitioner"]
IdeaStatus = Literal["open", "shortlisted", "chosen", "dropped"]
Owner = Literal["client", "practitioner", "shared"]
ActionStatus = Literal["todo", "doing", "done", "dropped"]
ReflectionModel = Literal["gibbs", "driscoll", "kolb"]
CheckinBy = Literal["client", "practitioner"]  # who recorded a check-in; absent: practitioner

LIFE_ROLES: tuple[str, ...] = get_args(LifeRole)
IDEA_SOURCES: tuple[str, ...] = get_args(IdeaSource)
IDEA_STATUSES: tuple[str, ...] = get_args(IdeaStatus)
OWNERS: tuple[str, ...] = get_args(Owner)
ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)
REFLECTION_MODELS: tuple[str, ...] = get_args(ReflectionModel)
CHECKIN_BY: tuple[str, ...] = get_args(CheckinBy)

# Stage keys of each reflection model, in the order a reflection walks through them.
REFLECTION_STAGES: dict[str, tuple[str, ...]] = {
    "gibbs": ("description", "feelings", "evaluation", "analysis", "conclusion", "action_plan"),
    "driscoll": ("what", "so_what", "now_what"),
    "kolb": ("experience", "observation", "conceptualisation", "experimentation"),
}

# Canada's Skills for Success: the default list offered for tagging; free tags are allowed too.
SKILLS_FOR_SUCCESS: tuple[str, ...] = (
    "Adaptability",
    "Collaboration",
    "Communication",
    "Creativity and innovation",
    "Digital",
    "Numeracy",
    "Problem solving",
    "Reading",
    "Writing",
)

RATING_RANGE = (1, 5)  # idea fit, interest, feasibility
RULER_RANGE = (0, 10)  # check-in importance and confidence
PROGRESS_RANGE = (-2, 2)  # goal attainment scaling per action
