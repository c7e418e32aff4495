"""The sections of a client's workbook, as the template's cells display them.

The template (``templates/client_workbook.ipynb``) makes one :class:`Report` from its parameters
(ids, paths, a date and the audience) and calls a method per section. Everything is read from the
store and every piece of client text is HTML-escaped, so whatever a record holds (tags, script,
Markdown, dollar signs, braces, right-to-left text) is shown as written and never interpreted.
Dates and statuses are worded by :mod:`workbook.wording`, the same in every section. A section
with nothing recorded yet says in one line what comes next, and draws no figure, so a client
early in the method gets a short workbook.
"""

from __future__ import annotations

import html
import io
from datetime import date
from typing import Any

from IPython.display import HTML, Image, display

from . import audience as audiences
from . import plots, wording
from .frames import case_frames, idea_list, plan_table, referral_chains, skills_ranked
from .practice import Practice
from .summary import next_checkin
from .wording import esc  # noqa: F401 - report.esc, as the cohort report uses it

AUDIENCES = ("client", "practitioner")
STYLE = """<style>
.wb-report { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; line-height: 1.45; }
.wb-report table { border-collapse: collapse; margin: 0.4em 0 1em; width: 100%;
  table-layout: auto !important; }
.wb-report table th, .wb-report table td { border-bottom: 1px solid #ddd; padding: 3px 6px;
  text-align: left !important; vertical-align: top; overflow-wrap: break-word; }
.wb-report table td.wb-n, .wb-report table th.wb-n { text-align: center !important; }
/* "anywhere", not "break-word": only it lets a column be narrower than a very long word;
   short values (dates, statuses, ratings) keep their words whole */
.wb-report p, .wb-report li, .wb-report dd, .wb-report table td { overflow-wrap: anywhere;
  white-space: pre-wrap; }
.wb-report h1, .wb-report h4, .wb-report dt { overflow-wrap: anywhere; }
.wb-report table td.wb-short { overflow-wrap: normal; }
.wb-overdue { color: #b71c1c; font-weight: bold; }
.wb-muted { color: #666; }
.wb-next { color: #444; font-style: italic; }
</style>"""

# One line for a section with nothing yet: what comes next (in the project's own words).
NEXT = {
    "situation": "Nothing written down yet: the first talk covers where things stand.",
    "tried": "Nothing yet. Next: what has been tried so far, and stories that show skills.",
    "ideas": "No ideas yet. Next: a list of ideas, the client's and the practitioner's.",
    "interviews": "No informational interviews yet. Next: talks with people in those fields.",
    "plan": "No plan yet. Next: weigh the ideas, choose, and write a goal with dated actions.",
    "checkins": "No check-ins yet. Next: once the plan is agreed, short regular check-ins.",
}
# What the next session turns to, by the first step with nothing recorded.
AHEAD = {
    "tried": "At the next session: step 1, what has been tried so far.",
    "ideas": "At the next session: step 2, a combined list of ideas.",
    "plan": "At the next session: step 3, choosing and writing the plan.",
}


# Columns of short values of our own (dates, statuses, owners, ratings): never split a word.
SHORT = {"id", "date", "_due", "_status", "status", "owner", "source", "_mark", "buy_in"}
SHORT |= {"fit", "interest", "feasibility", "importance", "confidence", "by"}


def _table(rows: list[dict[str, Any]], columns: dict[str, str]) -> str:
    if not rows:
        return '<p class="wb-muted">Nothing recorded yet.</p>'
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    body = "".join(
        "<tr>"
        + "".join(
            ('<td class="wb-short">' if key in SHORT else "<td>")
            + f"{row.get(key, '') if key.startswith('_') else esc(row.get(key))}</td>"
            for key in columns
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_date = wording.day


def _next(key: str) -> str:
    return f'<p class="wb-next">{html.escape(NEXT[key])}</p>'


class Report:
    def __init__(
        self,
        client: str,
        practice: str | None = None,
        db_url: str | None = None,
        as_of: str | date | None = None,
        audience: str = "client",
    ):
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
        self.audience = audience
        self.as_of = (
            date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or date.today())
        )
        with Practice.locate(practice, db_url).open(create=False) as store:
            self.case = store.load(client)
        self.frames = case_frames(self.case)

    def _show(self, body: str) -> None:
        # the ignore classes stop JupyterLab's MathJax reading client text as mathematics
        display(HTML(f'{STYLE}<div class="wb-report tex2jax_ignore mathjax_ignore">{body}</div>'))

    def _figure(self, fig) -> None:  # noqa: ANN001
        """A figure as an embedded PNG, the same bytes every time it is drawn."""
        if fig is not None:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
            display(Image(data=buffer.getvalue(), format="png"))

    # -- sections ---------------------------------------------------------------------------

    def cover(self) -> None:
        c, plan = self.case.client, self.case.plan
        client_copy = self.audience == "client"
        who = "Client's copy" if client_copy else "Practitioner's copy (private)"
        parts = [
            f'<h1 style="font-size:2.2em;margin-bottom:0.2em">{esc(c.name)}</h1>',
            f'<p style="font-size:1.2em">Career action plan · {who}</p>',
        ]
        if c.goal:
            words = "you want, in your own" if client_copy else "the client wants, in their"
            parts.append(f"<p><b>The change {words} words:</b> “{esc(c.goal)}”</p>")
        if plan and plan.goal:
            parts.append(f"<p><b>The plan's goal:</b> {esc(plan.goal)}</p>")
        if plan and plan.target:
            parts.append(f"<p>Target date: {_date(plan.target)}</p>")
        parts.append(f"<p>Started {_date(c.started)} · written {_date(self.as_of)}</p>")
        self._show("".join(parts))

    def situation(self) -> None:
        c = self.case.client
        labels = {
            "situation": "Where things stand",
            "history": "How we got here",
            "aspirations": "Hopes",
            "challenges": "What is in the way",
        }
        body = "".join(
            f"<h4>{t}</h4><p>{esc(getattr(c, k))}</p>" for k, t in labels.items() if getattr(c, k)
        )
        self._show(body or _next("situation"))

    def what_was_tried(self) -> None:
        if not (self.case.attempts or self.case.stories or self.case.permission):
            self._show(_next("tried"))
            return
        attempts = [a.model_dump() | {"date": _date(a.date)} for a in self.case.attempts]
        stories = [s.model_dump() | {"skills": ", ".join(s.skills)} for s in self.case.stories]
        p = self.case.permission
        asked = (
            f"Asked on {_date(p.asked)}: the client "
            f"{'agreed' if p.granted else 'did not agree'} to hear the practitioner's ideas."
            if p and p.asked
            else "Not asked yet."
        )
        self._show(
            "<h4>Tried already</h4>"
            + _table(attempts, {"date": "When", "text": "What", "outcome": "What came of it"})
            + "<h4>Stories and the skills they show</h4>"
            + _table(stories, {"title": "Story", "text": "What happened", "skills": "Skills"})
            + f"<h4>Permission to offer ideas</h4><p>{html.escape(asked)}</p>"
        )
        self._figure(plots.skills_chart(self.frames))
        ranked = skills_ranked(self.frames)
        if not ranked.empty:
            top = ", ".join(html.escape(s) for s in ranked["skill"].head(3))
            self._show(f"<p>Skills shown most often: {top}.</p>")

    def ideas(self) -> None:
        ideas = idea_list(self.frames)
        if ideas.empty:
            self._show(_next("ideas"))
            return
        rows = [
            {k: (None if v is None or v != v else v) for k, v in r.items()}  # NaN -> None
            for r in ideas.astype(object).where(ideas.notna(), None).to_dict("records")
        ]
        for row in rows:
            row["source"] = f"{row['source']}'s"
            row["status"] = wording.idea_status(row["status"])
        self._show(
            "<h4>The combined list of ideas</h4>"
            + _table(
                rows,
                {
                    "id": "",
                    "text": "Idea",
                    "source": "Whose",
                    "fit": "Fit",
                    "interest": "Interest",
                    "feasibility": "Feasibility",
                    "status": "Status",
                },
            )
        )
        self._figure(plots.idea_map(self.frames))

    def interviews(self) -> None:
        if not self.case.interviews:
            if self.case.ideas:  # with no ideas either, the ideas' line says what comes next
                self._show(_next("interviews"))
            return
        people = {v.id: v for v in self.case.interviews}
        chains = "".join(
            "<li>" + " → ".join(esc(people[v].person) for v in chain) + "</li>"
            for chain in referral_chains(self.frames)
        )
        rows = [
            v.model_dump() | {"strengths": ", ".join(v.strengths), "date": _date(v.date)}
            for v in self.case.interviews
        ]
        self._show(
            "<h4>Informational interviews</h4>"
            + (f"<p>Who led to whom:</p><ul>{chains}</ul>" if chains else "")
            + _table(
                rows,
                {
                    "date": "Date",
                    "person": "Who",
                    "role": "Role",
                    "organisation": "Organisation",
                    "insights": "What was learned",
                    "strengths": "Strengths confirmed",
                },
            )
        )

    def plan(self) -> None:
        plan = self.case.plan
        if plan is None:
            self._show(_next("plan"))
            return
        table = plan_table(self.frames, self.as_of)
        rows = []
        for r in table.to_dict("records"):
            due = _date(r["due"])
            flag = ' <span class="wb-overdue">overdue</span>' if r["overdue"] else ""
            rows.append(
                r
                | {
                    "_due": html.escape(due) + flag,
                    "_status": html.escape(wording.action_status(r["status"])),
                    "owner": wording.owner(r["owner"]),
                }
            )
        self._show(
            f"<h4>Goal</h4><p>{esc(plan.goal)}</p><p>Target date: {_date(plan.target)}</p>"
            "<h4>Actions</h4>"
            + _table(
                rows,
                {"id": "", "text": "Action", "owner": "Who", "_due": "Due", "_status": "Status"},
            )
        )
        self._figure(plots.plan_timeline(self.frames, self.as_of))

    def checkins(self) -> None:
        if not self.case.checkins:
            self._show(_next("checkins"))
            if self.case.plan and self.case.plan.actions:
                self._figure(plots.progress_chart(self.frames))
            return
        rows = []
        for k in sorted(self.case.checkins, key=lambda k: k.date):
            row = k.model_dump() | {"date": _date(k.date), "supports": ", ".join(k.supports)}
            row["buy_in"] = {True: "yes", False: "no", None: None}[k.buy_in]
            row["by"] = audiences.recorded_by(self.audience, k)
            row["notes"] = audiences.note_shown(self.audience, k)
            rows.append(row)
        columns = {
            "date": "Date",
            "importance": "Importance",
            "confidence": "Confidence",
            "buy_in": "Still wants the plan",
            "supports": "Supports",
            "by": "Recorded by",
        }
        if self.audience == "practitioner":
            columns["notes"] = "Notes (private)"
        elif any(r["notes"] for r in rows):  # the client's own words, from their app
            columns["notes"] = "Your note"
        self._show("<h4>Check-ins</h4>" + _table(rows, columns))
        self._figure(plots.checkin_trend(self.frames))
        self._figure(plots.progress_chart(self.frames))

    def next_steps(self) -> None:
        if not (self.case.plan and self.case.plan.actions):
            self._show(f'<p class="wb-next">{html.escape(AHEAD[self._first_open_step()])}</p>')
            return
        table = plan_table(self.frames, self.as_of)
        upcoming = table[~table["status"].isin(["done", "dropped"]) & table["due"].notna()]
        upcoming = upcoming.sort_values(["due", "id"]).head(3)
        items = "".join(
            f"<li>{_date(r.due)}: {esc(r.text)} ({html.escape(wording.owner(r.owner))})"
            + (' <span class="wb-overdue">overdue</span>' if r.overdue else "")
            + "</li>"
            for r in upcoming.itertuples()
        )
        nxt = next_checkin(self.case, self.as_of)
        self._show(
            "<h4>The next three actions</h4>"
            + (f"<ol>{items}</ol>" if items else '<p class="wb-muted">None open.</p>')
            + f"<h4>Next check-in</h4><p>{_date(nxt)}</p>"
        )

    def _first_open_step(self) -> str:
        """The key in :data:`AHEAD` of the first step with nothing recorded."""
        case = self.case
        if not (case.attempts or case.stories or case.permission):
            return "tried"
        if not case.ideas:
            return "ideas"
        return "plan"

    def fidelity(self) -> None:
        """How faithfully the case follows the method. Practitioner's copy only."""
        if not audiences.may_see(self.audience, "fidelity"):  # generate drops these cells
            return
        from .fidelity import STEP_NAMES, run_checks

        marks = {"pass": "&#10003;", "warn": "&#9888;", "fail": "&#10007;"}
        rows = [
            {
                "_mark": f"{marks[f.status]} {f.status}",
                "step": STEP_NAMES[f.step],
                "check": f.name,
                "message": wording.dates_in(f.message),
            }
            for f in run_checks(self.case, self.as_of)
        ]
        self._show(
            _table(rows, {"_mark": "", "step": "Step", "check": "Check", "message": "What to do"})
        )

    def reflections(self) -> None:
        """The practitioner's reflections. Never shown in the client's copy."""
        if not audiences.may_see(self.audience, "reflections"):  # generate drops these cells
            return
        parts = []
        for r in sorted(self.case.reflections, key=lambda r: r.date):
            entries = "".join(
                f"<dt><b>{html.escape(k.replace('_', ' '))}</b></dt><dd>{esc(v)}</dd>"
                for k, v in r.entries.items()
            )
            parts.append(
                f"<h4>{_date(r.date)} · {html.escape(r.model.title())}</h4><dl>{entries}</dl>"
            )
        self._show("".join(parts) or '<p class="wb-muted">No reflections yet.</p>')
