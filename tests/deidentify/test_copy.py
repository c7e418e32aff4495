"""De-identified copies: nothing identifying survives, placeholders are consistent, dates move
together, and nothing is written without the client's consent."""

from __future__ import annotations

import re
import stat

import pytest
from click.testing import CliRunner

from workbook.casefile import dump_case, read_case
from workbook.cli import cli
from workbook.deidentify import NotConsented, deidentify
from workbook.sample import sample_case


@pytest.fixture
def identifiable():
    case = sample_case().model_copy(deep=True)
    case.checkins[0].notes += " Call her on +1 (416) 555-0199 or write to lana.k@example.org."
    case.reflections[1].entries["what"] += " Marcus rang me from 613.555.0142 afterwards."
    case.stories[0].text += " Her manager, Doreen Whitfield, still mentions it."
    return case


IDENTIFYING = [
    "Lana",
    "Kowalczyk",
    "Priya",
    "Banerjee",
    "Marcus",
    "Oyelaran",
    "Hélène",
    "Tremblay",
    "Ridgeview",
    "Eastside",
    "Northfield",
    "Doreen",
    "Whitfield",
    "555-0199",
    "555.0142",
    "example.org",
    "lana.k",
]


def test_no_identifying_string_survives(identifiable):
    text = dump_case(deidentify(identifiable, shift_days=-40))
    for needle in IDENTIFYING:
        assert needle.lower() not in text.lower(), needle
    assert "id: lana" not in text


def test_the_same_person_keeps_the_same_placeholder(identifiable):
    copy = deidentify(identifiable, shift_days=-40)
    priya = copy.interviews[0].person
    assert re.fullmatch(r"Person [A-Z]", priya)
    assert copy.interviews[1].person != priya
    supports = " ".join(s for k in copy.checkins for s in k.supports)
    assert f"{priya} offered to pass on her résumé" in supports  # "Priya offered to pass..."
    marcus = copy.interviews[1].person
    assert marcus in copy.checkins[5].notes  # "Marcus agreed to look at it"
    assert copy.reflections[1].entries["what"].startswith("The client came back")  # "Lana came..."
    assert copy.interviews[0].organisation != copy.interviews[1].organisation


def test_dates_move_together(identifiable):
    copy = deidentify(identifiable, shift_days=-40)
    assert (copy.client.started - identifiable.client.started).days == -40
    original = [k.date for k in identifiable.checkins]
    moved = [k.date for k in copy.checkins]
    assert [b - a for a, b in zip(original, original[1:], strict=False)] == [
        b - a for a, b in zip(moved, moved[1:], strict=False)
    ]
    assert copy.plan.target != identifiable.plan.target
    random_copy = deidentify(identifiable)
    shift = (random_copy.client.started - identifiable.client.started).days
    assert shift <= -30
    assert all(
        (m.date - o.date).days == shift
        for o, m in zip(identifiable.checkins, random_copy.checkins, strict=True)
    )


def test_the_rest_of_the_case_is_kept(identifiable):
    copy = deidentify(identifiable, shift_days=-40)
    assert [s.skills for s in copy.stories] == [s.skills for s in identifiable.stories]
    assert [a.status for a in copy.plan.actions] == [a.status for a in identifiable.plan.actions]
    assert copy.checkins[3].importance == identifiable.checkins[3].importance


def test_refused_without_consent(lana_store, practice, tmp_path):
    with lana_store.edit("lana") as case:
        case.client.consent.share_deidentified = False
    out = tmp_path / "copy.yaml"
    args = ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "deidentify", "lana", "-o", str(out)])
    assert result.exit_code == 1
    assert "not consented" in result.stderr and "share_deidentified" in result.stderr
    assert not out.exists()
    with pytest.raises(NotConsented):
        deidentify(lana_store.load("lana"))


def test_command_writes_a_private_valid_case_file(lana_store, practice, tmp_path):
    out = tmp_path / "copy.yaml"
    args = ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )
    result = CliRunner().invoke(cli, [*args, "deidentify", "lana", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    copy = read_case(out)
    assert copy.client.id == "deidentified"
    text = out.read_text(encoding="utf-8")
    for needle in IDENTIFYING[:11]:
        assert needle.lower() not in text.lower(), needle


def test_a_text_placeholders_make_too_long_is_cut_to_fit_and_counted():
    from workbook.deidentify import SHORTENED, deidentify_with_counts
    from workbook.model.text import LONG, SHORT

    case = sample_case()
    first = case.client.name.split()[0]
    case.stories[0].title = (f"{first} and " * 40)[:SHORT]  # as long as a title may be
    case.client.situation = f"{first} " * (LONG // (len(first) + 1))
    copy, counts = deidentify_with_counts(case)  # once refused: longer than the field allows
    assert len(copy.stories[0].title) <= SHORT and copy.stories[0].title.endswith("…")
    assert len(copy.client.situation) <= LONG
    assert first.lower() not in (copy.stories[0].title + copy.client.situation).lower()
    assert counts[SHORTENED] == 2
