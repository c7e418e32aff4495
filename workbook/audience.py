"""Who may see what: the one place that decides it for each audience.

There are two audiences. The **practitioner** sees the whole case and the whole practice. The
**client** sees only what is theirs: their plan and its progress, never the practitioner's
reflections, the practitioner's check-in notes, the fidelity checks or any other client, and
they cannot create, copy or delete anything. The client's workbook (:mod:`workbook.report`),
the client app (:mod:`workbook.clientapp`) and the practitioner's forms ask this module rather
than each deciding on its own, so a new section or page is private until it is named here.

The one surprising choice: the client app never holds the full case. It works from
:func:`client_view`, a copy of the case with everything private taken out, so a page cannot
show a private field by mistake: the field is simply not there.
"""

from __future__ import annotations

import html
import os

from .errors import WorkbookError
from .model import Case, Checkin

PRACTITIONER, CLIENT = "practitioner", "client"
AUDIENCES = (PRACTITIONER, CLIENT)
# Set by ``workbook app`` for the server it starts, read by the notebooks' headers.
ENV = "WORKBOOK_AUDIENCE"

# The sections of a case each audience may see. Anything not listed is the practitioner's.
_CLIENT_SECTIONS = frozenset(
    {
        "cover",
        "situation",
        "what_was_tried",
        "ideas",
        "interviews",
        "plan",
        "checkins",
        "next_steps",
        "calendar",
    }
)
# What only the practitioner may do: the client app offers none of it.
PRACTITIONER_ACTIONS = frozenset(
    {"choose_client", "create_client", "copy_sample", "delete", "edit_records"}
)
CLIENT_ACTIONS = frozenset({"self_checkin"})


def check(audience: str) -> str:
    """``audience`` itself, if it is one of the two; otherwise a one-line error naming it."""
    if audience not in AUDIENCES:
        raise WorkbookError(f"audience: must be one of {', '.join(AUDIENCES)} (got {audience!r})")
    return audience


def may_see(audience: str, section: str) -> bool:
    """Whether ``audience`` may see a section of a case (``reflections``, ``plan``...)."""
    if check(audience) == PRACTITIONER:
        return True
    return section in _CLIENT_SECTIONS


def may_do(audience: str, action: str) -> bool:
    """Whether ``audience`` may take an action (``create_client``, ``self_checkin``...)."""
    allowed = PRACTITIONER_ACTIONS | CLIENT_ACTIONS if check(audience) == PRACTITIONER else None
    return action in (allowed if allowed is not None else CLIENT_ACTIONS)


def by_client(checkin: Checkin) -> bool:
    """A check-in the client recorded themselves (absent ``by`` means the practitioner's)."""
    return checkin.by == CLIENT


def note_shown(audience: str, checkin: Checkin) -> str | None:
    """A check-in's note as ``audience`` may see it: the client sees only their own words."""
    if check(audience) == PRACTITIONER or by_client(checkin):
        return checkin.notes
    return None


def recorded_by(audience: str, checkin: Checkin) -> str:
    """Who recorded a check-in, in words for ``audience``."""
    if check(audience) == CLIENT:
        return "you, in your app" if by_client(checkin) else "with your practitioner"
    return "the client, in their app" if by_client(checkin) else "practitioner"


def client_view(case: Case) -> Case:
    """The case as the client app may hold it: the client's own plan and check-ins only.

    Kept: the client's id, name, start date and goal in their words; the plan (goal, target,
    actions without the ideas they came from); check-ins with their dates, rulers and progress,
    and a note only where the client wrote it. Everything else (intake notes, stories, ideas,
    interviews, the permission question, reflections, the practitioner's notes) is left out.
    """
    c = case.client
    client = c.model_copy(
        update={k: None for k in ("situation", "history", "aspirations", "challenges")}
    )
    plan = None
    if case.plan is not None:
        actions = [a.model_copy(update={"ideas": []}) for a in case.plan.actions]
        plan = case.plan.model_copy(update={"actions": actions})
    checkins = [
        k.model_copy(update={"notes": note_shown(CLIENT, k), "supports": []}) for k in case.checkins
    ]
    return Case.model_construct(
        format=1,
        client=client,
        attempts=[],
        stories=[],
        permission=None,
        ideas=[],
        interviews=[],
        plan=plan,
        checkins=checkins,
        reflections=[],
    )


def app_banner() -> str:
    """The line heading every page of the practitioner's app: it is not for clients."""
    if os.environ.get(ENV) != PRACTITIONER:
        return ""  # JupyterLab, or run by hand: the practitioner's own tools
    return (
        '<p class="wb-not-for-clients" role="note" style="background:#fff4e5;'
        'border-left:4px solid #b35c00;padding:4px 8px;margin:0 0 6px">'
        "<b>Practitioner's app: not for clients.</b> "
        + html.escape(
            "It shows private notes, reflections and other clients. To show a client their "
            "plan, open their own client app instead."
        )
        + "</p>"
    )
