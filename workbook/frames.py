"""pandas views of a case: one DataFrame per record type, and the first aggregations.

Dates are ``datetime64``, ratings and rulers nullable integers (``Int64``), yes/no answers
nullable booleans, enumerations categoricals with the contract's categories in order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import pandas as pd

from .model import Case
from .model.vocab import (
    ACTION_STATUSES,
    IDEA_SOURCES,
    IDEA_STATUSES,
    LIFE_ROLES,
    OWNERS,
    REFLECTION_MODELS,
    SKILLS_FOR_SUCCESS,
)
from .store import Store
from .summary import chains

WEEK = 7  # days: the method's rhythm of contact while a plan is active (as fidelity's rule)

DATE, INT, BOOL = "datetime64[ns]", "Int64", "boolean"
CLOSED = ("done", "dropped")


def _cat(values: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(values), ordered=False)


def _frame(rows: list[dict], columns: dict[str, object]) -> pd.DataFrame:
    """A frame with exactly ``columns`` (name -> dtype, or None to leave it as pandas infers)."""
    df = pd.DataFrame(rows, columns=list(columns))
    for name, dtype in columns.items():
        if dtype is not None:
            df[name] = df[name].astype(dtype)
    return df


@dataclass(frozen=True)
class Frames:
    """A client's records as DataFrames, one per record type (long tables for lists)."""

    client: pd.DataFrame
    attempts: pd.DataFrame
    stories: pd.DataFrame
    story_skills: pd.DataFrame
    ideas: pd.DataFrame
    interviews: pd.DataFrame
    actions: pd.DataFrame
    checkins: pd.DataFrame
    progress: pd.DataFrame
    reflections: pd.DataFrame

    def __iter__(self):
        return ((f.name, getattr(self, f.name)) for f in fields(self))


def case_frames(case: Case) -> Frames:
    c = case.client
    actions = case.plan.actions if case.plan else []
    return Frames(
        client=_frame(
            [
                c.model_dump(exclude={"consent"})
                | {
                    "consent_records": c.consent.records,
                    "consent_share_deidentified": c.consent.share_deidentified,
                    "plan_goal": case.plan.goal if case.plan else None,
                    "plan_target": case.plan.target if case.plan else None,
                    "permission_asked": case.permission.asked if case.permission else None,
                    "permission_granted": case.permission.granted if case.permission else None,
                }
            ],
            {
                "id": None,
                "name": None,
                "started": DATE,
                "situation": None,
                "history": None,
                "aspirations": None,
                "challenges": None,
                "goal": None,
                "consent_records": BOOL,
                "consent_share_deidentified": BOOL,
                "plan_goal": None,
                "plan_target": DATE,
                "permission_asked": DATE,
                "permission_granted": BOOL,
            },
        ),
        attempts=_frame(
            [a.model_dump() for a in case.attempts], {"date": DATE, "text": None, "outcome": None}
        ),
        stories=_frame(
            [s.model_dump(exclude={"skills"}) for s in case.stories],
            {
                "id": None,
                "title": None,
                "text": None,
                "felt_good": BOOL,
                "life_role": _cat(LIFE_ROLES),
            },
        ),
        story_skills=_frame(
            [{"story": s.id, "skill": k} for s in case.stories for k in s.skills],
            {"story": None, "skill": None},
        ),
        ideas=_frame(
            [i.model_dump() for i in case.ideas],
            {
                "id": None,
                "text": None,
                "source": _cat(IDEA_SOURCES),
                "added": DATE,
                "fit": INT,
                "interest": INT,
                "feasibility": INT,
                "status": _cat(IDEA_STATUSES),
            },
        ),
        interviews=_frame(
            [v.model_dump() for v in case.interviews],
            {
                "id": None,
                "date": DATE,
                "person": None,
                "role": None,
                "organisation": None,
                "referred_by": None,
                "insights": None,
                "strengths": None,
                "ideas": None,
            },
        ),
        actions=_frame(
            [a.model_dump() for a in actions],
            {
                "id": None,
                "text": None,
                "owner": _cat(OWNERS),
                "due": DATE,
                "status": _cat(ACTION_STATUSES),
                "ideas": None,
                "skills": None,
            },
        ),
        checkins=_frame(
            [k.model_dump(exclude={"progress"}) for k in case.checkins],
            {
                "date": DATE,
                "importance": INT,
                "confidence": INT,
                "buy_in": BOOL,
                "understands_plan": BOOL,
                "supports": None,
                "notes": None,
            },
        ),
        progress=_frame(
            [
                {"date": k.date, "action": a, "score": v}
                for k in case.checkins
                for a, v in k.progress.items()
            ],
            {"date": DATE, "action": None, "score": INT},
        ),
        reflections=_frame(
            [
                {"date": r.date, "model": r.model, "stage": stage, "text": text}
                for r in case.reflections
                for stage, text in r.entries.items()
            ],
            {"date": DATE, "model": _cat(REFLECTION_MODELS), "stage": None, "text": None},
        ),
    )


def load_frames(store: Store, client_id: str) -> Frames:
    """One call: a client's records from the store as DataFrames."""
    return case_frames(store.load(client_id))


# ------------------------------------------------------------------------------- aggregations


def skills_ranked(frames: Frames) -> pd.DataFrame:
    """Each skill with the number of stories that show it, most shown first, then by name.

    ``story_ids`` names the stories behind it (``"s1, s3"``), ``story_titles`` lists their
    titles in the same order.
    """
    titles = dict(zip(frames.stories["id"], frames.stories["title"], strict=True))
    counts = (
        frames.story_skills.drop_duplicates()
        .groupby("skill", sort=False)["story"]
        .agg(
            stories="count",
            story_ids=lambda s: ", ".join(s),
            story_titles=lambda s: [titles.get(i, i) for i in s],
        )
        .reset_index()
    )
    counts["stories"] = counts["stories"].astype(INT)
    counts["skills_for_success"] = counts["skill"].isin(SKILLS_FOR_SUCCESS)
    return counts.sort_values(["stories", "skill"], ascending=[False, True], ignore_index=True)


def idea_list(frames: Frames) -> pd.DataFrame:
    """The combined list of ideas, in the order they were added, each with its source.

    ``score`` adds fit, interest and feasibility (3 to 15); it is missing until all are rated.
    """
    ideas = frames.ideas.copy()
    ideas["score"] = ideas[["fit", "interest", "feasibility"]].sum(axis=1, min_count=3)
    ideas.loc[ideas[["fit", "interest", "feasibility"]].isna().any(axis=1), "score"] = pd.NA
    ideas["score"] = ideas["score"].astype(INT)
    return ideas[
        ["id", "text", "source", "added", "fit", "interest", "feasibility", "score", "status"]
    ]


def plan_table(frames: Frames, as_of: date | None = None) -> pd.DataFrame:
    """The plan's actions with ``overdue`` (due before ``as_of`` and not done or dropped)."""
    as_of = pd.Timestamp(as_of or date.today())
    plan = frames.actions.copy()
    plan["ideas"] = plan["ideas"].map(", ".join)
    plan["skills"] = plan["skills"].map(", ".join)
    open_ = ~plan["status"].isin(CLOSED)
    plan["overdue"] = (open_ & plan["due"].notna() & (plan["due"] < as_of)).astype(bool)
    plan["days_overdue"] = (as_of - plan["due"]).dt.days.where(plan["overdue"]).astype(INT)
    return plan


def checkin_series(frames: Frames) -> pd.DataFrame:
    """Check-ins by date: the two rulers, buy-in, understanding and days since the previous."""
    series = frames.checkins.sort_values("date").set_index("date")
    series = series[["importance", "confidence", "buy_in", "understands_plan"]].copy()
    series["days_since_previous"] = series.index.to_series().diff().dt.days.astype(INT)
    return series


def life_roles(frames: Frames) -> pd.DataFrame:
    """The parts of life the stories come from: each role with its number of stories, how
    many of them the client felt good about, and their titles; most stories first.

    Stories from roles beyond work are the method's evidence that the client has carried a
    change through elsewhere. Stories without a role are left out.
    """
    stories = frames.stories.dropna(subset=["life_role"])
    rows = [
        {
            "life_role": role,
            "stories": len(group),
            "felt_good": int(group["felt_good"].fillna(False).sum()),
            "story_titles": list(group["title"]),
        }
        for role, group in stories.groupby("life_role", observed=True, sort=False)
    ]
    table = _frame(
        rows, {"life_role": None, "stories": INT, "felt_good": INT, "story_titles": None}
    )
    order = {r: i for i, r in enumerate(LIFE_ROLES)}
    table["_order"] = table["life_role"].map(order)
    return table.sort_values(["stories", "_order"], ascending=[False, True], ignore_index=True)[
        ["life_role", "stories", "felt_good", "story_titles"]
    ]


def referral_chains(frames: Frames) -> list[list[str]]:
    """The interviews as referral chains of ids, each from a first contact down to the last
    referral (the same walk as ``workbook show``'s, over the interviews' frame)."""
    interviews = frames.interviews
    parents = [p if isinstance(p, str) and p else None for p in interviews["referred_by"]]
    return chains(zip(interviews["id"], parents, strict=True))


def idea_tests(frames: Frames) -> pd.Series:
    """For each idea id, the ids of the interviews that tested it (an empty list if none)."""
    tested: dict[str, list[str]] = {i: [] for i in frames.ideas["id"]}
    for interview, ideas in zip(frames.interviews["id"], frames.interviews["ideas"], strict=True):
        for idea in ideas or []:
            tested.setdefault(idea, []).append(interview)
    return pd.Series(tested, name="tested_by", dtype=object)


def ideas_weighed(frames: Frames) -> pd.DataFrame:
    """The ideas ranked for deciding: rated ideas first, by ``score`` (fit + interest +
    feasibility), then fit, interest and feasibility, then the order they were added; ideas
    not yet rated on all three after them, in the order added.

    Adds ``rank`` (1, 2, ... over rated ideas; missing for the unrated), ``rated`` and
    ``tested_by`` (the interviews that tested the idea).
    """
    ideas = idea_list(frames).reset_index(drop=True)
    ideas["rated"] = ideas["score"].notna()
    ideas["tested_by"] = (
        ideas["id"].map(idea_tests(frames)).map(lambda v: v if isinstance(v, list) else [])
    )
    ideas["_added"] = range(len(ideas))
    keys = ["rated", "score", "fit", "interest", "feasibility", "_added"]
    ranked = ideas.sort_values(
        keys, ascending=[False, False, False, False, False, True], na_position="last"
    ).reset_index(drop=True)
    ranked["rank"] = pd.Series(range(1, len(ranked) + 1), dtype=INT).where(ranked["rated"])
    return ranked.drop(columns="_added")


def latest_scores(frames: Frames) -> pd.Series:
    """Each action's latest goal-attainment score (-2..+2), by action id in plan order;
    missing for an action not scored yet."""
    return (
        frames.progress.sort_values("date", kind="stable")
        .groupby("action")["score"]
        .last()
        .reindex(frames.actions["id"])
    )


def action_progress(frames: Frames, as_of: date | None = None) -> pd.DataFrame:
    """The plan's actions (as :func:`plan_table`) with each one's latest score and the date of
    the check-in that gave it (``scored_on``), and how many check-ins scored it."""
    plan = plan_table(frames, as_of)
    progress = frames.progress.dropna(subset=["score"]).sort_values("date", kind="stable")
    last = progress.groupby("action").agg(
        score=("score", "last"), scored_on=("date", "last"), times_scored=("score", "size")
    )
    plan = plan.merge(last, left_on="id", right_index=True, how="left")
    plan["score"] = plan["score"].astype(INT)
    plan["scored_on"] = plan["scored_on"].astype(DATE)
    plan["times_scored"] = plan["times_scored"].fillna(0).astype(INT)
    return plan


def contact_rhythm(frames: Frames, as_of: date | None = None) -> dict[str, object]:
    """Days since the last check-in on or before ``as_of``, against the weekly rhythm.

    ``last`` (a date or None), ``days_since``, ``next_due`` (a week after the last check-in),
    ``overdue_days`` (0 when within the week), ``gaps`` (the days between consecutive
    check-ins) and ``longest_gap``.
    """
    as_of = as_of or date.today()
    dates = sorted({d.date() for d in frames.checkins["date"].dropna() if d.date() <= as_of})
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    if not dates:
        return {
            "last": None,
            "days_since": None,
            "next_due": None,
            "overdue_days": 0,
            "gaps": gaps,
            "longest_gap": None,
            "week": WEEK,
        }
    last = dates[-1]
    since = (as_of - last).days
    return {
        "last": last,
        "days_since": since,
        "next_due": last + pd.Timedelta(days=WEEK).to_pytimedelta(),
        "overdue_days": max(0, since - WEEK),
        "gaps": gaps,
        "longest_gap": max(gaps) if gaps else None,
        "week": WEEK,
    }
