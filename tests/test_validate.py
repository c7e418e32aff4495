"""The rules across records that the importer and the forms share (workbook/model/validate.py)."""

from __future__ import annotations

from datetime import date

import pytest

from workbook.casefile import parse_case, parse_yaml
from workbook.errors import InvalidRecord
from workbook.model import validate_case
from workbook.sample import sample_text


def _sample() -> dict:
    return parse_yaml(sample_text())[0]


def _refusal(data: dict) -> InvalidRecord:
    with pytest.raises(InvalidRecord) as caught:
        validate_case(data)
    return caught.value


@pytest.mark.parametrize(
    "path, place",
    [
        ("plan.target", lambda d: d["plan"]),
        ("plan.actions[3].due", lambda d: d["plan"]["actions"][3]),
        ("checkins[2].date", lambda d: d["checkins"][2]),
        ("interviews[1].date", lambda d: d["interviews"][1]),
        ("ideas[0].added", lambda d: d["ideas"][0]),
    ],
)
def test_dates_cannot_fall_before_the_start(path, place):
    data = _sample()
    key = path.rsplit(".", 1)[1]
    place(data)[key] = date(2026, 8, 31)  # the sample client started on 2026-09-01
    exc = _refusal(data)
    assert (exc.path, exc.value) == (path, date(2026, 8, 31))
    assert f"{path}: falls before the client's start date (2026-09-01) (got 2026-08-31)" in str(exc)
    assert "start date (2026-09-01)" in exc.message
    place(data)[key] = date(2026, 9, 1)  # the start date itself is fine
    validate_case(data)


def test_attempts_may_come_before_the_start():
    data = _sample()
    assert data["attempts"][0]["date"] < data["client"]["started"]
    validate_case(data)


def test_without_consent_a_case_holds_only_the_clients_identity():
    data = _sample()
    data["client"]["consent"]["records"] = False
    exc = _refusal(data)
    assert exc.path == "client.situation" and "not consented" in exc.message
    client = {k: data["client"][k] for k in ("id", "name", "started", "consent")}
    for kind in ("attempts", "stories", "permission", "ideas", "plan", "checkins"):
        exc = _refusal({"format": 1, "client": client, kind: data[kind]})
        assert exc.path == kind and "not consented" in exc.message
    kept = validate_case({"format": 1, "client": client})
    assert kept.client.consent.records is False


def test_the_importer_says_so_in_one_line():
    text = sample_text().replace("records: true", "records: false", 1)
    with pytest.raises(InvalidRecord) as caught:
        parse_case(text, "lana.yaml")
    line = str(caught.value)
    assert line.startswith("lana.yaml") and "client.situation" in line and "\n" not in line
    assert "client.consent.records is false" in line


def test_store_edits_obey_the_same_rules(lana_store):
    with pytest.raises(InvalidRecord) as caught, lana_store.edit("lana") as case:
        case.checkins[0].date = date(2026, 1, 5)
    assert caught.value.path == "checkins[0].date"
    assert lana_store.load("lana").checkins[0].date == date(2026, 10, 6)
