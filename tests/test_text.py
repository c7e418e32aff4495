"""The text rules of the model (workbook/model/text.py): a length limit on every text field,
control characters refused with one message, line breaks and tabs kept, ids checked too."""

from __future__ import annotations

import re
import typing
from typing import Any

import pytest
from pydantic import AfterValidator

from tests.hostile import LONG_BODY, hostile_case, hostile_data, text_leaves
from workbook.casefile import dump_case, parse_case
from workbook.errors import CaseFileError, InvalidRecord
from workbook.model import records, validate_case
from workbook.model.text import LONG, SHORT
from workbook.model.vocab import SKILLS_FOR_SUCCESS

CONTROL = "holds a control character (U+{:04X}); only line breaks and tabs are allowed in text"
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def put(data: Any, path: str, value: Any) -> None:
    """Set the value at ``path`` (``plan.actions[2].text``) in plain case data."""
    steps = [int(i) if i else name for name, i in STEP.findall(path)]
    for step in steps[:-1]:
        data = data[step]
    data[steps[-1]] = value


def _refused(data: dict) -> InvalidRecord:
    with pytest.raises(InvalidRecord) as caught:
        validate_case(data)
    return caught.value


def _label(path: str) -> str:
    """``plan.actions[3].skills[0]`` -> ``actions.skills``, the label hostile.py gives it."""
    parts = [p for p in re.split(r"\.|\[\d+\]", path) if p and p != "plan"]
    return ".".join(parts[:1] + parts[-1:]) if parts[0] != "reflections" else path


def _first_of_each_field() -> list[tuple[str, str]]:
    """One path per text field of the case (the first record's), and the text it holds."""
    seen, out = set(), []
    for path, value in text_leaves(hostile_data()):
        key = re.sub(r"\[\d+\]", "[]", path)
        if key not in seen and value.startswith("["):
            seen.add(key)
            out.append((path, value))
    return out


FIELDS = _first_of_each_field()


def _text_fields(model: type, prefix: str) -> set[str]:
    """Every field of the model (recursively) that the text rules check, as ``kind.field``."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = [annotation, *typing.get_args(annotation)]
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, records.Record):
                found |= _text_fields(arg, name)
        checked = [*info.metadata]
        for arg in args:
            checked += getattr(arg, "__metadata__", ())
            for inner in typing.get_args(arg):
                checked += getattr(inner, "__metadata__", ())
        if any(isinstance(m, AfterValidator) and "checker" in m.func.__qualname__ for m in checked):
            found.add(f"{prefix}.{name}" if prefix else name)
    return found


def test_the_hostile_case_puts_hostile_text_in_every_text_field():
    case_fields = _text_fields(records.Case, "")
    labels = {re.match(r"\[([^\]]+)\]", v)[1] for _, v in text_leaves(hostile_data())
              if v.startswith("[")}  # fmt: skip
    covered = {label.rsplit(".", 1)[0] + ".entries" if label.startswith("reflections.")
               else label for label in labels}  # fmt: skip
    expected = {f.replace("plan.actions.", "actions.") for f in case_fields}
    assert expected - covered == set()
    for path, value in text_leaves(hostile_data()):
        assert value.startswith("[") or value in SKILLS_FOR_SUCCESS, path


@pytest.mark.parametrize(("path", "value"), FIELDS, ids=[p for p, _ in FIELDS])
def test_every_text_field_has_a_length_limit(path, value):
    limit = SHORT if LONG_BODY not in value else LONG
    data = hostile_data()
    put(data, path, "é" * limit)  # characters, not bytes
    assert len(text_of(validate_case(data), path)) == limit
    put(data, path, "é" * (limit + 1))
    exc = _refused(data)
    assert exc.path == path
    assert exc.message == f"is too long: {limit + 1} characters, at most {limit}"
    assert str(exc).endswith("(got 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééé...)")


def text_of(case, path: str) -> str:
    data = case.model_dump(mode="json")
    for name, i in STEP.findall(path):
        data = data[int(i) if i else name]
    return data


@pytest.mark.parametrize(("path", "value"), FIELDS, ids=[p for p, _ in FIELDS])
def test_control_characters_are_refused_in_every_text_field(path, value):
    for char in CONTROLS:
        data = hostile_data()
        put(data, path, f"before{char}after")
        exc = _refused(data)
        assert (exc.path, exc.message) == (path, CONTROL.format(ord(char)))
        assert repr(f"before{char}after") in str(exc)  # the value shown escaped, never raw
        assert char not in str(exc)


@pytest.mark.parametrize(
    "path",
    ["client.id", "stories[0].id", "ideas[1].id", "plan.actions[0].ideas[0]", "interviews[1].id"],
)
def test_ids_and_references_refuse_control_characters_with_the_same_message(path):
    data = hostile_data()
    put(data, path, "a1\x00")
    exc = _refused(data)
    assert (exc.path, exc.message) == (path, CONTROL.format(0))


def test_progress_keys_are_ids_too():
    data = hostile_data()
    data["checkins"][0]["progress"] = {"a1\x1b": 1}
    exc = _refused(data)
    assert exc.message == CONTROL.format(0x1B)


def test_half_a_surrogate_pair_is_refused():
    data = hostile_data()
    data["client"]["name"] = "Ana \ud83c"
    assert "U+D83C, half of a surrogate pair" in _refused(data).message


def test_line_breaks_and_tabs_are_kept_and_windows_breaks_become_one():
    case = hostile_case()
    assert "\r" not in dump_case(case)
    assert "\n" in case.client.name and "\t" in case.client.name
    data = hostile_data()
    data["client"]["situation"] = "one\r\ntwo\rthree\n\tfour"
    assert validate_case(data).client.situation == "one\ntwo\nthree\n\tfour"


def test_the_hostile_case_round_trips_through_a_case_file():
    case = hostile_case()
    assert parse_case(dump_case(case).encode("utf-8")) == case


def test_the_importer_names_the_line_field_and_value_of_an_escaped_control_character():
    text = dump_case(hostile_case())
    escaped = '  name: "Ana\\0Lopez"\n'  # YAML's escape for NUL, as a file may hold it
    text = re.sub(r"(?m)^  name: .*\n(    .*\n)*", lambda _: escaped, text, count=1)
    with pytest.raises(InvalidRecord) as caught:
        parse_case(text.encode("utf-8"), "ana.yaml")
    message = str(caught.value)
    assert message == f"ana.yaml, line 4: client.name: {CONTROL.format(0)} (got 'Ana\\x00Lopez')"


def test_a_raw_control_character_in_the_file_gets_the_same_words():
    text = dump_case(hostile_case()).replace("Writing", "Wri\x07ting", 1)
    line = text[: text.index("\x07")].count("\n") + 1
    with pytest.raises(CaseFileError) as caught:
        parse_case(text.encode("utf-8"), "ana.yaml")
    assert str(caught.value) == f"ana.yaml: line {line}: {CONTROL.format(7)}"


def test_a_roster_name_obeys_the_same_rule(tmp_path):
    from workbook.workshop import RosterError, read_roster

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email\n"
        "ana,Ana\x07 Ríos,ana@example.org\n"
        f"bo,{'B' * 201},bo@example.org\n"
        'cy,"Cy\nLine, ok 🎯",cy@example.org\n',
        encoding="utf-8",
    )
    with pytest.raises(RosterError) as caught:
        read_roster(roster)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{roster}, line 2: name {CONTROL.format(7)} (got 'Ana\\x07 Ríos')",
        f"{roster}, line 3: name is too long: 201 characters, at most 200 (got '{'B' * 56}...)",
    ]


def test_an_unknown_key_holding_a_terminal_escape_is_named_with_the_escape_shown():
    text = dump_case(hostile_case()).replace("  started:", '  "\\e[2J": 1\n  started:', 1)
    with pytest.raises(InvalidRecord) as caught:
        parse_case(text.encode("utf-8"), "ana.yaml")
    assert "\x1b" not in str(caught.value)
    assert "client.\\x1b[2J: is not a known key here" in str(caught.value)
