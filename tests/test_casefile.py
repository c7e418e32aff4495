"""Case files: lossless round trips through the database, and safe reading."""

from __future__ import annotations

import stat

import pytest
import yaml
from click.testing import CliRunner

from workbook.casefile import case_data, dump_case, parse_case, read_case, write_case
from workbook.cli import cli
from workbook.errors import CaseFileError, WorkbookError
from workbook.sample import sample_text


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_import_then_export_gives_the_same_data(practice, tmp_path, lana):
    source = tmp_path / "lana.yaml"
    source.write_text(sample_text(), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, [*_args(practice), "import", str(source)]).exit_code == 0
    out = tmp_path / "out.yaml"
    result = runner.invoke(cli, [*_args(practice), "export", "lana", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert read_case(out) == lana
    # the same data, field by field, as the file we started from
    original = yaml.safe_load(sample_text())
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    original["interviews"][0].pop("referred_by")  # null and absent are the same data
    assert exported == original
    # and a second trip changes nothing at all
    assert runner.invoke(cli, [*_args(practice), "import", "--replace", str(out)]).exit_code == 0
    again = runner.invoke(cli, [*_args(practice), "export", "lana"])
    assert again.stdout == out.read_text(encoding="utf-8")


def test_minimal_case_round_trips():
    text = (
        "format: 1\nclient:\n  id: x1\n  name: X\n  started: 2026-01-05\n"
        "  consent: {records: true, share_deidentified: false}\n"
    )
    case = parse_case(text)
    assert case.attempts == [] and case.plan is None and case.permission is None
    assert parse_case(dump_case(case)) == case
    assert "plan" not in case_data(case)


def test_unicode_multiline_and_tricky_scalars_survive(tmp_path):
    tricky = [
        "yes",
        "no",
        "null",
        "1e3",
        "2026-01-01",
        "#hash",
        "- dash",
        "a: b",
        "😀 émoji",
        "line one\nline two\n",
        "  leading",
        "trailing  ",
        "{braces}",
        "$x^2$",
        "مرحبا",
    ]
    text = yaml.safe_dump(
        {
            "format": 1,
            "client": {
                "id": "t",
                "name": "T",
                "started": "2026-01-01",
                "consent": {"records": True, "share_deidentified": False},
            },
            "attempts": [{"text": t} for t in tricky],
        },
        allow_unicode=True,
    )
    case = parse_case(text)
    path = write_case(case, tmp_path / "t.yaml")
    assert [a.text for a in read_case(path).attempts] == tricky


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + sample_text().encode("utf-8"))
    assert read_case(path).client.id == "lana"


def test_large_file_is_refused(tmp_path, monkeypatch):
    import workbook.casefile as casefile

    monkeypatch.setattr(casefile, "MAX_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(sample_text())
    with pytest.raises(CaseFileError, match="larger than"):
        read_case(path)


def test_deep_nesting_is_refused():
    with pytest.raises(CaseFileError, match="nested too deeply|YAML"):
        parse_case("format: 1\nx: " + "[" * 100_000 + "]" * 100_000)


def test_failed_write_leaves_no_partial_file(tmp_path, lana, monkeypatch):
    import workbook.files as files

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "fsync", broken)
    target = tmp_path / "case.yaml"
    with pytest.raises(OSError):
        write_case(lana, target)
    assert list(tmp_path.iterdir()) == []


CHECKIN_CASE = (
    "format: 1\nclient:\n  id: x1\n  name: X\n  started: 2026-01-05\n"
    "  consent: {records: true, share_deidentified: false}\n"
    "checkins:\n  - date: 2026-01-12\n    importance: 7\n{by}"
)


def test_checkin_by_is_optional_and_round_trips(practice, tmp_path):
    old = parse_case(CHECKIN_CASE.replace("{by}", ""))  # a file written before the field existed
    assert old.checkins[0].by is None
    assert "by" not in case_data(old)["checkins"][0]  # absent stays absent
    for who in ("client", "practitioner"):
        case = parse_case(CHECKIN_CASE.replace("{by}", f"    by: {who}\n"))
        assert case.checkins[0].by == who
        assert case_data(case)["checkins"][0]["by"] == who
        with practice.open() as store:
            store.save(case, replace=True)
            assert store.load("x1") == case
        assert parse_case(dump_case(case)) == case


def test_checkin_by_refuses_anyone_else():
    with pytest.raises(
        Exception, match=r"checkins\[0\]\.by: must be one of client or practitioner"
    ):
        parse_case(CHECKIN_CASE.replace("{by}", "    by: friend\n"))


def test_an_unknown_key_with_a_line_break_is_named_on_one_line():
    """Found by the fuzz test under another seed: the key was printed as typed, on two lines."""
    text = sample_text().replace("format: 1", '? "bad\\n\\tkey"\n: null\nformat: 1', 1)
    with pytest.raises(WorkbookError) as raised:
        parse_case(text, "case.yaml")
    message = str(raised.value)
    assert "\n" not in message and "\t" not in message
    assert message == "case.yaml, line 5: bad\\n\\tkey: is not a known key here"
