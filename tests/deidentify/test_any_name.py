"""Any name, written any way: made-up names with apostrophes, hyphens and accents, written in
every form across the case, never survive, and the client's forms all become "the client"."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbook.casefile import dump_case
from workbook.deidentify import deidentify
from workbook.sample import sample_case

SYLLABLES = ["zu", "vri", "kaz", "tse", "qo", "xan", "dré", "yél", "brø", "gwy", "hux", "jib"]
word = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3).map("".join)
surname = st.tuples(
    st.sampled_from(["", "O'", "O’", "Mc", "D'"]), word, st.sampled_from(["", "-"]), word
).map(lambda t: t[0] + t[1].capitalize() + (t[2] + t[3].capitalize() if t[2] else ""))


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s'’-]+", _plain(name)) if len(p) >= 4]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=word.map(str.capitalize), last=surname, other=word.map(str.capitalize))
def test_a_made_up_name_in_every_form_never_survives(first, last, other):
    assume(len({_plain(first), _plain(other), *_parts(last)}) == 2 + len(_parts(last)))
    case = sample_case().model_copy(deep=True)
    case.client.name = f"{first} {last}"
    curly = last.replace("'", "’")
    case.client.situation = f"Ms {last} ({first.lower()}) told {other} about it."
    case.stories[0].text += f" {first.upper()}'s idea; {curly}’s plan; {last.lower()}'s notes."
    case.checkins[0].notes = f"{other.lower()} rang; {first} {last.upper()} agreed with mx {last}."
    case.reflections[0].entries["description"] = f"Asked {first}. {other} waited for {first}."
    copy = deidentify(case, shift_days=-40)
    plain = _plain(dump_case(copy))
    leaked = [p for p in _parts(f"{first} {last} {other}") if re.search(rf"\b{p}\b", plain)]
    assert leaked == []
    assert copy.client.situation.startswith("The client (the client) told ")
    assert copy.checkins[0].notes.endswith(" agreed with the client.")
    assert copy.stories[0].text.endswith(
        ". The client's idea; the client's plan; the client's notes."
    )
