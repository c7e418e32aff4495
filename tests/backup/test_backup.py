"""Backups on SQLite and PostgreSQL: the manifest, restoring (into either kind of database), the
history kept verbatim, and every refusal leaving the target as it was."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from datetime import UTC
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from tests.conftest import minimal_case, snapshot
from workbook.backup import BackupError, create, restore
from workbook.backup import snapshot as sqlite_snapshot
from workbook.backup.archive import write_archive
from workbook.backup.portable import history_table
from workbook.practice import Practice
from workbook.store import head_revision, sqlite_url, upgrade
from workbook.store.engine import current_revision, make_engine


def _history_rows(store) -> list[dict]:
    with store.reading() as conn:
        table = history_table(conn)
        if table is None:
            return []
        order = list(table.primary_key.columns) or list(table.columns)
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]


def _give_history(store) -> None:
    """History rows in the store, recorded by saves (HTML kept as typed)."""
    story = {"id": "s9", "title": "Choir", "text": "Ran the <b>newsletter</b>."}
    store.add("lana", "stories", story)
    store.update("lana", "stories", "s9", {"id": "s9", "title": "Choir", "text": "Edited."})


def _ready_target(target):
    """An empty practice, made as ``init`` makes it."""
    with target.open():
        pass
    return target


def test_manifest_and_round_trip(lana_store, practice, tmp_path, lana, new_target):
    lana_store.save(minimal_case("devon", "Devon"))
    out = tmp_path / "backup.zip"
    manifest = create(practice, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        written = json.loads(archive.read("manifest.json"))
        for name, member in written["members"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == member["sha256"]
        names = set(archive.namelist())
    assert written["format"] == "workbook-backup" and written["format_version"] == 1
    assert written["source_kind"] == ("sqlite" if practice.embedded else "postgresql")
    assert written["schema_revision"] == manifest.schema_revision is not None
    assert written["counts"]["clients"] == 2 and written["counts"]["checkins"] == len(lana.checkins)
    if practice.embedded:
        assert names == {"manifest.json", "practice.db"}
    else:
        cases = {"cases/devon.yaml", "cases/lana.yaml"}
        assert names == {"manifest.json", "history.json", *cases}

    target = new_target()
    restored = restore(target, out)
    assert restored.clients == 2
    with target.open(create=False) as store:
        assert store.load("lana") == lana
        assert store.client_ids() == ["devon", "lana"]


@pytest.mark.parametrize("into", ["same", "other"])
def test_history_comes_back_verbatim(lana_store, practice, tmp_path, new_target, into):
    _give_history(lana_store)
    before, cases_before = _history_rows(lana_store), lana_store.load("lana")
    assert before
    create(practice, tmp_path / "backup.zip")

    kind = "sqlite" if practice.embedded else "postgresql"
    if into == "other":
        kind = "postgresql" if kind == "sqlite" else "sqlite"
    target = new_target(kind)
    if not (practice.embedded and target.embedded):  # the file brings its own tables
        _ready_target(target)
    restore(target, tmp_path / "backup.zip")
    with target.open(create=False) as store:
        after = _history_rows(store)
        if into == "other":  # SQLite keeps times without their zone (they are in UTC)
            after, before = _naive_utc(after), _naive_utc(before)
        assert after == before  # verbatim: restoring recorded nothing of its own
        assert store.load("lana") == cases_before
        store.add("lana", "attempts", {"text": "A save after the restore"})  # numbering goes on
        assert len(_history_rows(store)) == len(before) + 1


def _naive_utc(rows: list[dict]) -> list[dict]:
    return [
        {
            k: v.astimezone(UTC).replace(tzinfo=None) if getattr(v, "tzinfo", None) else v
            for k, v in row.items()
        }
        for row in rows
    ]


def _rewrite(source, target, *, replace=None, manifest=None):
    """A copy of the zip ``source`` with some members' bytes, or the manifest, changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            data = (replace or {}).get(name, lambda d: d)(data)
            new.writestr(name, data)
    return target


def _tampered_member(data: bytes) -> bytes:
    return data.replace(b"Kowalczyk", b"Kowalczyx") if b"Kowalczyk" in data else data + b" "


def _tamper_cases(manifest: dict) -> dict:
    manifest["counts"]["stories"] += 1
    return manifest


def _newer(manifest: dict) -> dict:
    manifest["format_version"] = 2
    return manifest


@pytest.mark.parametrize(
    "change, message",
    [
        ("member", "SHA-256 checksum does not match"),
        ("counts", "'stories' should hold"),
        ("newer", "format_version: 2 is newer"),
        ("extra", "not listed in its manifest"),
        ("no manifest", "has no manifest.json"),
        ("not a zip", "is not a workbook backup"),
    ],
)
def test_a_changed_or_wrong_file_is_refused_before_anything_is_made(
    lana_store, practice, tmp_path, new_target, change, message
):
    good = tmp_path / "good.zip"
    create(practice, good)
    bad = tmp_path / "bad.zip"
    member = "practice.db" if practice.embedded else "cases/lana.yaml"
    if change == "member":
        _rewrite(good, bad, replace={member: _tampered_member})
    elif change == "counts":
        _rewrite(good, bad, manifest=_tamper_cases)
    elif change == "newer":
        _rewrite(good, bad, manifest=_newer)
    elif change == "extra":
        _rewrite(good, bad)
        with zipfile.ZipFile(bad, "a") as z:
            z.writestr("cases/extra.yaml", "format: 1\n")
    elif change == "no manifest":
        with zipfile.ZipFile(good) as old, zipfile.ZipFile(bad, "w") as new:
            for name in old.namelist():
                if name != "manifest.json":
                    new.writestr(name, old.read(name))
    else:
        bad.write_text("format: 1\nclient: {id: lana}\n")
    target = new_target()
    with pytest.raises(BackupError, match=message) as refused:
        restore(target, bad)
    assert "\n" not in str(refused.value) and str(bad) in str(refused.value)
    assert not target.path.exists()
    if not target.embedded:
        with target.open() as store:
            assert store.client_ids() == []


def test_a_practice_with_records_is_refused_and_left_alone(
    lana_store, practice, tmp_path, new_target
):
    create(practice, tmp_path / "backup.zip")
    target = new_target()
    with target.open() as store:
        store.save(minimal_case("devon", "Devon"))
        before = snapshot(store)
    with pytest.raises(BackupError, match="already holds 1 client"):
        restore(target, tmp_path / "backup.zip")
    with target.open(create=False) as store:
        assert snapshot(store) == before


def test_an_empty_practice_is_restored_into(lana_store, practice, tmp_path, new_target, lana):
    create(practice, tmp_path / "backup.zip")
    target = new_target()
    with target.open():
        pass  # made by `workbook init`: empty
    restore(target, tmp_path / "backup.zip")
    with target.open(create=False) as store:
        assert store.load("lana") == lana


def test_a_backup_from_an_older_version_is_upgraded_when_restored(tmp_path):
    old = tmp_path / "old.db"
    engine = make_engine(sqlite_url(old))
    upgrade(engine, "0001")  # a database as the first version left it
    copy = tmp_path / "copy.db"
    sqlite_snapshot.take(SimpleNamespace(engine=engine), copy)
    engine.dispose()
    revision, counts = sqlite_snapshot.describe(copy)
    assert revision == "0001"
    write_archive(
        tmp_path / "old.zip",
        {"practice.db": copy.read_bytes()},
        source_kind="sqlite",
        contents="database",
        schema_revision=revision,
        counts=counts,
    )
    target = Practice(tmp_path / "restored")
    assert restore(target, tmp_path / "old.zip").integrity == "ok"
    with target.open(create=False) as store, store.reading() as conn:
        assert current_revision(conn) == head_revision() != "0001"


def test_text_an_older_version_kept_is_restored_as_it_was(
    lana_store, practice, tmp_path, new_target
):
    long = "an old, long note " * 2000  # 36 000 characters: over today's limit of 20 000
    with lana_store.transaction() as conn:  # as an older version, with looser limits, left it
        conn.execute(text("UPDATE clients SET situation = :s"), {"s": long})
    create(practice, tmp_path / "backup.zip")
    target = new_target()
    restore(target, tmp_path / "backup.zip")
    with target.open(create=False) as store:
        assert store.load("lana").client.situation == long
