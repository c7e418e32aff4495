from __future__ import annotations

import pytest

from workbook.model import validate_case
from workbook.sample import sample_case

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ [link](http://example.com)",
    "$x^2$ and $$\\int f$$",
    "{{ client.name }} {% raw %}",
    "Supercalifragilisticexpialidocious" * 6,
    "مرحبا بالعالم",
    "🎯🚀 emoji",
    "first line\nsecond line\r\nthird line",
    "see https://example.org/jobs?q=trainer&x=<b>1</b> or www.example.com",
]


@pytest.fixture
def hostile_case():
    """The sample case with hostile text in every free-text field."""
    return hostile()


def hostile():
    """The sample case with hostile text in every free-text field."""
    data = sample_case().model_dump(mode="json")
    data["client"]["id"] = "hostile"
    data["client"]["name"] = HOSTILE[0] + " " + HOSTILE[6]
    for key in ("situation", "history", "aspirations", "challenges", "goal"):
        data["client"][key] = " | ".join(HOSTILE)
    for i, story in enumerate(data["stories"]):
        story["title"] = HOSTILE[i % len(HOSTILE)]
        story["text"] = " ".join(HOSTILE)
        story["skills"] = [HOSTILE[3], "Writing"]
    for idea in data["ideas"]:
        idea["text"] = HOSTILE[(len(idea["id"]) + 2) % len(HOSTILE)]
    for v in data["interviews"]:
        v["person"], v["insights"] = HOSTILE[1], " ".join(HOSTILE)
    for a in data["plan"]["actions"]:
        a["text"] = " ".join(HOSTILE)
    data["plan"]["goal"] = HOSTILE[3] + " " + HOSTILE[4]
    for k in data["checkins"]:
        k["notes"] = HOSTILE[0]
        k["supports"] = [HOSTILE[7]]
    for r in data["reflections"]:
        r["entries"] = {key: HOSTILE[0] for key in r["entries"]}
    return validate_case(data)
