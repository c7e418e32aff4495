"""A hostile case: what a person might paste into any field, in every text field of a case.

Markup, a link, bare URLs and a ``javascript:`` one, stylesheet references, line breaks (a
Windows one too), tabs, emoji with joiners, right-to-left text and a very long word, in the
client's name, every title and tag, every reflection stage, note, idea, action and the plan's
goal. Each value starts with the field's own label (``[stories.title]``) so a test can tell
which field reached an output. Short fields (names, titles, tags) stay within the model's
line limit; the rest are long.
"""

from __future__ import annotations

from typing import Any

from workbook.model import validate_case
from workbook.model.text import SHORT
from workbook.model.vocab import REFLECTION_STAGES
from workbook.sample import sample_case

EVIL = "evil.example"
MARKUP = "<script>alert('x')</script><img src=x onerror=alert(1)><b>bold</b>"
LINK = f'<a href="https://{EVIL}/a">a link</a>'
BARE = f"https://{EVIL}/b?q=1&r=2 www.{EVIL} javascript:alert(3)"
CSS = f"<style>@import url(https://{EVIL}/c.css)</style><link rel=stylesheet href=//{EVIL}/d.css>"
RTL = "مرحبا بالعالم שלום"
EMOJI = "🎯🚀👩🏽‍💻"
TEMPLATE = "{{ client.name }} $x^2$ **strong** [md](https://" + EVIL + "/e)"
WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 7  # 315 characters, no space
SHORT_WORD = "Supercalifragilisticexpialidocious" * 2  # 68 characters

# What each kind of field holds after its label; line breaks as typed on Windows, too.
SHORT_BODY = f"<b>x</b> {LINK}\r\nhttps://{EVIL}/f\t{EMOJI} {RTL} {SHORT_WORD}"
LONG_BODY = "\n".join([MARKUP, LINK, BARE, CSS, f"tab\there {EMOJI}", RTL, TEMPLATE, WORD])


def short(label: str) -> str:
    value = f"[{label}] {SHORT_BODY}"
    assert len(value) <= SHORT, (label, len(value))
    return value


def long(label: str) -> str:
    return f"[{label}] {LONG_BODY}"


def hostile_data(client_id: str = "hostile") -> dict[str, Any]:
    """The sample case as plain data, every text field (optional ones included) hostile."""
    data = sample_case().model_dump(mode="json")
    client = data["client"]
    client["id"], client["name"] = client_id, short("client.name")
    for key in ("situation", "history", "aspirations", "challenges", "goal"):
        client[key] = long(f"client.{key}")
    for a in data["attempts"]:
        a["text"], a["outcome"] = long("attempts.text"), long("attempts.outcome")
    for s in data["stories"]:
        s["title"], s["text"] = short("stories.title"), long("stories.text")
        s["skills"] = [short("stories.skills"), "Writing"]
    for idea in data["ideas"]:
        idea["text"] = long("ideas.text")
    for v in data["interviews"]:
        v["person"], v["role"] = short("interviews.person"), short("interviews.role")
        v["organisation"] = short("interviews.organisation")
        v["insights"] = long("interviews.insights")
        v["strengths"] = [short("interviews.strengths")]
    plan = data["plan"]
    plan["goal"] = long("plan.goal")
    for a in plan["actions"]:
        a["text"], a["skills"] = long("actions.text"), [short("actions.skills")]
    for k in data["checkins"]:
        k["notes"], k["supports"] = long("checkins.notes"), [short("checkins.supports")]
    for r in data["reflections"]:
        r["entries"] = {
            stage: long(f"reflections.{stage}") for stage in REFLECTION_STAGES[r["model"]]
        }
    return data


def hostile_case(client_id: str = "hostile"):
    return validate_case(hostile_data(client_id))


# Keys whose values are codes, ids, dates or references: not text a person types freely.
CODES = {"id", "source", "status", "owner", "life_role", "model", "by", "referred_by"}
CODES |= {"date", "added", "due", "target", "started", "asked", "format"}


def text_leaves(data: Any, path: str = "") -> list[tuple[str, str]]:
    """Every free-text value of a case's data, by path (codes, ids and dates left out)."""
    if isinstance(data, dict):
        return [
            leaf
            for key, value in data.items()
            if key not in CODES and not (key == "ideas" and _ids(value))
            for leaf in text_leaves(value, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(data, list):
        return [leaf for i, v in enumerate(data) for leaf in text_leaves(v, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []


def _ids(value: Any) -> bool:
    """An action's or interview's ``ideas``: a list of ids, not the case's ideas."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
