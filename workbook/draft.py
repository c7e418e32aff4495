"""A drafted plan: actions and a goal proposed from what the client's records hold.

Plain rules over the DataFrames of :mod:`workbook.frames`, no outside service, and the same
drafts for the same records and date (``as_of``). Each draft has a reason the client can agree
with. The rules, in the order the drafts are scheduled:

1. **Test untried ideas.** An informational interview for each chosen idea that no interview
   has tested yet.
2. **Present the strengths.** A résumé and an online profile built around the client's top
   three skills (the ones most stories show) and the stories behind them, then the
   practitioner's written feedback on those drafts.
3. **Networking.** A campaign through the people the interviews led to (those who referred
   someone and those referred); with no interviews yet, through people the client trusts.
4. **Courses and credentials.** For each chosen idea that needs one: the idea's own text, or the
   insights of an interview that tested it, names a course, certificate, certification,
   credential, diploma, degree, licence, qualification or accreditation (:data:`CREDENTIAL`).
   When a chosen idea is itself a course or credential, it is the course the others call for,
   and they get no course draft of their own.
5. **Rehearsal.** A practice interview, the client and practitioner together.

An idea that is itself a course or credential (its own text names one) is carried out by rule 4;
rules 2, 3 and 5 serve the chosen ideas that are kinds of work.

*Duplicates.* A draft is left out when the plan already holds an action (any status but dropped)
of the same kind for the same ideas: an action is of a kind when its text holds one of that
kind's words (:data:`KIND_WORDS`, e.g. "résumé" or "CV" for the résumé), and it serves an idea
when it links that idea or links no idea at all (a plan-wide action). A plan-wide kind (résumé,
profile, feedback, networking, rehearsal) is drafted only for the chosen ideas no such action
serves yet. A draft whose text equals an action's text (ignoring case, accents, spacing and
punctuation) is always left out.

*Dates.* Due dates are scheduled back from the plan's target date and spread evenly between
``as_of`` and the target: with n drafts over d days, the k-th is due ``target - (n-k)*d//n``
days, so the last falls on the target, none before ``as_of``, and no two share a day when
d >= n. Without a target date (or with one already past) the drafts assume ``as_of`` plus
:data:`DEFAULT_WEEKS` weeks, and a note says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import pandas as pd

from .frames import Frames
from .summary import clean
from .wording import day

DEFAULT_WEEKS = 8
TOP_SKILLS = 3

CREDENTIAL = re.compile(
    r"\b(courses?|certificates?|certification|credentials?|diplomas?|degrees?|licen[cs]es?|"
    r"licensed|qualifications?|accredit\w*)\b",
    re.IGNORECASE,
)

# The words that make an action already in the plan one of a draft's kind (accents folded):
# whole words, except a stem ending in ``*`` (``certificat*``: certificate, certification).
# "resume" alone is also a verb, so only a noun phrase counts ("the resume", "resume draft").
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "interview": ("informational", "interview with", "interview someone", "coffee chat"),
    "resume": (
        "the resume",
        "my resume",
        "your resume",
        "a resume",
        "her resume",
        "his resume",
        "their resume",
        "resume draft",
        "cv",
        "curriculum vitae",
    ),
    "profile": ("profile", "linkedin"),
    "feedback": (
        "feedback",
        "comments on",
        "review the draft*",
        "review the resume",
        "review the cv",
    ),
    "networking": ("network*", "introduction*"),
    "course": ("course*", "certificat*", "credential*", "diploma*", "degree*", "licen*", "enrol*"),
    "rehearsal": ("rehears*", "mock interview*", "practice interview*", "role play*"),
}
# An action of the first kind is not also one of the second ("practice interview with Sam" is a
# rehearsal, not an informational interview).
NOT_ALSO = {"rehearsal": "interview"}
KIND_NAMES = {
    "interview": "informational interview",
    "resume": "résumé",
    "profile": "online profile",
    "feedback": "feedback on drafts",
    "networking": "networking campaign",
    "course": "course or credential",
    "rehearsal": "rehearsal",
}

# The modified-SMART prompts, in our own words, shown beside the drafted goal.
SMART_PROMPTS: tuple[tuple[str, str], ...] = (
    (
        "Specific",
        "Does it name the kind of work, and where, so you would both recognise it when it comes?",
    ),
    (
        "Measurable and meaningful",
        "How will you both know it is reached, and why does it matter to the client?",
    ),
    (
        "Action-oriented and achievable",
        "Does it say what the client will do, and can they do it with what they have or can get?",
    ),
    (
        "Realistic and responsible",
        "Does it fit the client's money, time and other roles, and the people it affects?",
    ),
    (
        "Timed and toward what the client wants",
        "Is there a date, and does it move toward what the client said they want?",
    ),
)

NO_CHOSEN = (
    "No idea is marked chosen yet, so there is nothing to plan for. Weigh the ideas with the "
    "client, set the status of one or two to chosen, then draft again."
)


@dataclass(frozen=True)
class Draft:
    """One proposed action: what, who, when, what it serves, and why."""

    kind: str
    text: str
    owner: str
    due: date
    ideas: tuple[str, ...]
    skills: tuple[str, ...]
    why: str

    def as_dict(self) -> dict:
        """The JSON shape of ``workbook draft``: text, owner, due, ideas, skills, why."""
        data = asdict(self)
        del data["kind"]
        return data | {
            "due": self.due.isoformat(),
            "ideas": list(self.ideas),
            "skills": list(self.skills),
        }


@dataclass(frozen=True)
class DraftedPlan:
    goal: str
    target: date
    actions: list[Draft]
    notes: list[str] = field(default_factory=list)  # what the practitioner should know
    target_assumed: bool = False  # the target is the default, not the plan's own

    def frame(self) -> pd.DataFrame:
        """The drafted actions as a DataFrame (one row each; due dates as datetime64)."""
        rows = [a.as_dict() for a in self.actions]
        columns = ["text", "owner", "due", "ideas", "skills", "why"]
        table = pd.DataFrame(rows, columns=columns)
        table["due"] = pd.to_datetime(table["due"])
        return table

    def as_dict(self) -> dict:
        return {
            "goal": self.goal,
            "target": self.target.isoformat(),
            "actions": [a.as_dict() for a in self.actions],
        }


# ---------------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class _Records:
    """The few columns the rules read, taken out of the frames once as plain Python rows: the
    frames are small, and row by row pandas costs more than the rules themselves."""

    name: str
    target: date | None
    ideas: list[dict]
    interviews: list[dict]
    actions: list[dict]
    story_skills: list[tuple[str, str]]
    titles: dict[str, str]

    @classmethod
    def of(cls, frames: Frames) -> _Records:
        client = _rows(frames.client, ["name", "plan_target"])
        target = client[0]["plan_target"] if client else None
        return cls(
            name=str(client[0]["name"]) if client else "",
            target=None if pd.isna(target) else target.date(),
            ideas=_rows(frames.ideas, ["id", "text", "status"]),
            interviews=_rows(
                frames.interviews, ["id", "person", "referred_by", "insights", "ideas"]
            ),
            actions=_rows(frames.actions, ["id", "text", "status", "ideas"]),
            story_skills=list(
                zip(frames.story_skills["story"], frames.story_skills["skill"], strict=True)
            ),
            titles=dict(zip(frames.stories["id"], frames.stories["title"], strict=True)),
        )


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """A frame's rows as dicts of plain values, column by column (much faster than by row)."""
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def draft_plan(frames: Frames, as_of: date | None = None) -> DraftedPlan:
    """Draft a goal and actions from a client's records (see the module's docstring)."""
    as_of = as_of or date.today()
    rec = _Records.of(frames)
    target, notes = _target(rec.target, as_of)
    assumed = bool(notes)
    ideas = {r["id"]: _phrase(r["text"]) for r in rec.ideas if r["status"] == "chosen"}
    if not ideas:
        return DraftedPlan("", target, [], [NO_CHOSEN, *notes], target_assumed=assumed)
    credential = {i for i in ideas if CREDENTIAL.search(ideas[i])}
    work = [i for i in ideas if i not in credential] or list(ideas)
    counts = rank_skills(rec.story_skills)
    top = list(counts)[:TOP_SKILLS]
    stories = _stories_behind(rec, top)
    name = _first_name(rec.name)

    proposed: list[tuple[str, str, str, list[str], list[str], str]] = []  # kind, text, owner...
    tested = {i for v in rec.interviews for i in v["ideas"]}
    for i in ideas:
        if i not in tested:
            proposed.append(
                (
                    "interview",
                    f"Arrange an informational interview with someone who works as, or hires "
                    f"for: {ideas[i]}. Ask what a usual week holds and where your strengths "
                    "would count most.",
                    "client",
                    [i],
                    top,
                    "No one doing this work has been asked about it yet; one conversation "
                    "tests the idea before time and money go into it.",
                )
            )
    shown = _and(top) if top else "the strengths your stories show"
    behind = f" ({', '.join(stories)})" if stories else ""
    lead = top[0] if top else "your strengths"
    story = stories[0] if stories else "one of your stories"
    evidence = (
        f"{top[0]} shows up in {_count(counts[top[0]])}" if top else "no story has named skills yet"
    )
    proposed += [
        (
            "resume",
            f"Rewrite the résumé around {shown}, telling the stories behind them{behind}.",
            "client",
            work,
            top,
            f"Employers believe a strength they can see in a story; {evidence}, so lead with "
            "what you have already done well.",
        ),
        (
            "profile",
            f"Update the online professional profile: a headline built on {lead} and a "
            f"summary that tells {story}.",
            "client",
            work,
            top[:2],
            "People you contact will look you up; the profile should tell the same story as "
            "the résumé.",
        ),
        (
            "feedback",
            "Read the résumé and profile drafts and give written feedback within two days.",
            "practitioner",
            work,
            top,
            "A second reader notices what the writer cannot; you keep the pen and the final say.",
        ),
    ]
    proposed.append(_networking(rec.interviews, work, top))
    # A chosen idea that is itself a course or credential is the course the others call for:
    # only without one does an idea an interview tied to a credential get its own course draft.
    needs = set() if credential else {i for i in ideas if _naming_credential(rec.interviews, i)}
    for i in sorted(credential | needs, key=list(ideas).index):
        where = _credential_evidence(rec.interviews, i, ideas[i])
        what = (
            f"Look into {ideas[i]}"
            if i in credential
            else f"Find out which course or credential {ideas[i]} calls for"
        )
        proposed.append(
            (
                "course",
                f"{what}: compare the next intake, cost, format and entry requirements, then "
                "enrol or decide not to.",
                "client",
                [i],
                [],
                f"{where}; knowing what it takes, and when it starts, turns a worry into a date.",
            )
        )
    rehearse = [s for s in top if s.lower() == "communication"] or top[:1]
    proposed.append(
        (
            "rehearsal",
            f"Rehearse an interview together: {name} answers the questions an employer is "
            "likely to ask, with a story for each strength, and we talk over what worked.",
            "shared",
            work,
            rehearse,
            "Saying the stories aloud before the real interview makes them come easily when "
            "it counts.",
        )
    )
    kept, skipped = _without_duplicates(rec.actions, proposed)
    if skipped:
        notes.append(
            f"Already in the plan, so not drafted again: {', '.join(skipped)}."
            if kept
            else "The plan already holds an action of every kind these rules propose."
        )
    drafts = [
        Draft(kind, text, owner, due, tuple(links), tuple(sk), why)
        for (kind, text, owner, links, sk, why), due in zip(
            kept, spread(as_of, target, len(kept)), strict=True
        )
    ]
    goal = _goal(name, [ideas[i] for i in work], target)
    return DraftedPlan(goal, target, drafts, notes, target_assumed=assumed)


def spread(as_of: date, target: date, n: int) -> list[date]:
    """``n`` dates scheduled back from ``target``, evenly spread over ``as_of``..``target``."""
    days = max((target - as_of).days, 0)
    return [target - timedelta(days=(n - k) * days // n) for k in range(1, n + 1)]


# ---------------------------------------------------------------------------------- the parts


def rank_skills(story_skills: list[tuple[str, str]]) -> dict[str, int]:
    """Each skill and the number of stories showing it, most shown first, then by name: the
    order of :func:`workbook.frames.skills_ranked`, kept in plain Python for speed (a test
    keeps the two in step)."""
    stories: dict[str, set[str]] = {}
    for story, skill in story_skills:
        stories.setdefault(skill, set()).add(story)
    ranked = sorted(stories.items(), key=lambda item: (-len(item[1]), item[0]))
    return {skill: len(shown) for skill, shown in ranked}


def _target(target: date | None, as_of: date) -> tuple[date, list[str]]:
    default = as_of + timedelta(weeks=DEFAULT_WEEKS)
    if target is None:
        return default, [
            f"The plan has no target date yet; the drafts assume {day(default)} "
            f"({DEFAULT_WEEKS} weeks on). Set the target in the goal form to schedule them "
            "from it."
        ]
    if target < as_of:
        return default, [
            f"The plan's target date ({day(target)}) has passed; the drafts assume "
            f"{day(default)} ({DEFAULT_WEEKS} weeks on). Agree a new target with the "
            "client."
        ]
    return target, []


def _phrase(text: str) -> str:
    """An idea's text as a phrase inside a sentence: one line, no closing full stop, and a
    lower-case first letter unless the first word is a name or an acronym (``IT``)."""
    text = " ".join(str(text).split()).rstrip(".")
    first = text.split(" ", 1)[0]
    plain = len(first) == 1 or first[1:].islower()
    return text[:1].lower() + text[1:] if plain and first.lower() not in NAMES_KEPT else text


NAMES_KEPT = {"i"}


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else "the client"


def _count(n: int) -> str:
    return f"{n} of your stories" if n != 1 else "one of your stories"


def _stories_behind(rec: _Records, top: list[str]) -> list[str]:
    """The titles of the stories that show the top skills, those showing most of them first."""
    shown: dict[str, int] = {}
    for story, skill in dict.fromkeys(rec.story_skills):
        if skill in top:
            shown[story] = shown.get(story, 0) + 1
    order = sorted(shown, key=lambda s: -shown[s])  # stable: in the order they were recorded
    return [f"“{rec.titles[s]}”" for s in order if s in rec.titles][:3]


def _naming_credential(interviews: list[dict], idea: str) -> tuple[dict, str] | None:
    """The first interview that tested ``idea`` and named a credential, and the word it used;
    one naming something stronger than a course (a certificate, a licence) comes first."""
    found = []
    for row in interviews:
        if idea in row["ideas"] and isinstance(row["insights"], str):
            words = [m[0].lower() for m in CREDENTIAL.finditer(row["insights"])]
            strong = [w for w in words if not w.startswith("course")]
            if words:
                found.append((not strong, (strong or words)[0], row))
    if not found:
        return None
    _, word, row = min(found, key=lambda f: f[0])
    return row, word


def _credential_evidence(interviews: list[dict], idea: str, text: str) -> str:
    if CREDENTIAL.search(text):
        return "The idea itself is a course or credential"
    row, word = _naming_credential(interviews, idea)
    return f"Your interview with {row['person']} mentioned a {word.rstrip('s')} for this work"


def _networking(interviews: list[dict], work: list[str], top: list[str]) -> tuple:
    referred = [v for v in interviews if isinstance(v["referred_by"], str)]
    people_ids = list(
        dict.fromkeys([*(v["referred_by"] for v in referred), *(v["id"] for v in referred)])
    )
    persons = {v["id"]: v["person"] for v in interviews}
    people = [persons[p] for p in people_ids if p in persons] or list(persons.values())
    skills = [s for s in top if s.lower() in ("communication", "collaboration")] or top[:1]
    if people:
        text = (
            f"Networking campaign: thank {_and(people)} again, and ask each for one more "
            "introduction to someone in this field; send a thank-you note after every talk."
        )
        why = (
            "One conversation has already led to the next; a warm introduction opens doors "
            "that an application alone does not."
        )
    else:
        text = (
            "Networking campaign: list ten people you trust and ask each for one introduction "
            "to someone in this field; send a thank-you note after every talk."
        )
        why = "Most openings are found through people; those who know you will vouch for you."
    return ("networking", text, "client", work, skills, why)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _normal(text: str) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded.lower()).split())


def _word(word: str) -> str:
    return re.escape(word[:-1]) if word.endswith("*") else re.escape(word) + r"\b"


_KIND_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(map(_word, words)) + ")")
    for kind, words in KIND_WORDS.items()
}


def _of_kind(kind: str, norm: str) -> bool:
    if not _KIND_PATTERNS[kind].search(norm):
        return False
    return not any(_KIND_PATTERNS[k].search(norm) for k, v in NOT_ALSO.items() if v == kind)


def _without_duplicates(
    actions: list[dict], proposed: list[tuple]
) -> tuple[list[tuple], list[str]]:
    """Drop what the plan already holds (see the module's docstring); name what was dropped."""
    existing = [
        (_normal(a["text"]), a["id"], list(a["ideas"])) for a in actions if a["status"] != "dropped"
    ]
    kept, skipped = [], []
    for item in proposed:
        kind, text, owner, links, skills, why = item
        same_kind = [(ident, ideas) for norm, ident, ideas in existing if _of_kind(kind, norm)]
        served = {i for _, ideas in same_kind for i in ideas}
        plan_wide = any(not ideas for _, ideas in same_kind)
        left = [] if plan_wide else [i for i in links if i not in served]
        if any(norm == _normal(text) for norm, _, _ in existing) or not left:
            ids = [i for i, ideas in same_kind if set(ideas) & set(links) or not ideas]
            name = KIND_NAMES[kind]
            skipped.append(f"{name} ({', '.join(ids)})" if ids else name)
            continue
        kept.append((kind, text, owner, left, skills, why))
    return kept, skipped


def _goal(name: str, ideas: list[str], target: date) -> str:
    """One sentence: by the target date, a measurable step toward the chosen ideas."""
    when = f"{target.day} {target:%B %Y}"
    toward = ideas[0] if len(ideas) == 1 else "; or ".join(ideas)
    return (
        f"By {when}, {name} will have applied for, or enrolled in, at least one real opening "
        f"toward {toward}, carrying out the actions agreed in this plan on the way."
    )


# ------------------------------------------------------------------------------------ as text


def as_text(drafted: DraftedPlan) -> str:
    """The drafted plan as the command line prints it: goal, prompts, actions, notes."""
    lines = []
    if drafted.goal:
        lines += [f"Goal (draft): {drafted.goal}", f"Target: {drafted.target.isoformat()}"]
        lines += ["Check it against the modified SMART prompts:"]
        lines += [f"  {name}: {prompt}" for name, prompt in SMART_PROMPTS]
    if drafted.actions:
        n = len(drafted.actions)
        lines += ["", f"Actions ({n} draft{'s' if n != 1 else ''}, none saved):"]
        for k, a in enumerate(drafted.actions, 1):
            links = ", ".join([*a.ideas, *a.skills])
            lines += [
                f"{k}. {a.due.isoformat()}  {a.owner:<12} {a.text}",
                f"   why: {a.why}",
                f"   links: {links}" if links else "   links: none",
            ]
    if drafted.notes:
        lines += ["", *[f"Note: {note}" for note in drafted.notes]]
    return clean("\n".join(lines).strip("\n"))  # client text, shown on a terminal
