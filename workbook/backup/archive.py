"""The backup file: a zip archive of named members and a ``manifest.json`` that vouches for them.

The manifest says what the archive is (format and version, when and by which version it was
made, from which kind of database, at which schema revision), how many rows each table held,
and the SHA-256 and size of every member. Reading checks all of that before anything is
restored: a file that is not a backup, was made by a newer version, or was changed since it
was written is refused with one line, and nothing is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import WorkbookError
from ..files import write_private

FORMAT = "workbook-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CONTENTS = ("database", "cases")  # a SQLite file, or case files and history rows
MAX_MEMBER_BYTES = 4 * 2**30  # what a member may claim to hold before it is read


class BackupError(WorkbookError):
    """A backup cannot be made or restored; the message names the file and the problem."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    tool_version: str
    source_kind: str  # the database the backup was taken from: sqlite or postgresql
    contents: str  # one of CONTENTS
    schema_revision: str | None
    counts: dict[str, int]  # rows per table
    members: dict[str, dict[str, Any]]  # name -> {"sha256": ..., "size": ...}

    def as_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}


def write_archive(
    path: Path,
    members: dict[str, bytes],
    *,
    source_kind: str,
    contents: str,
    schema_revision: str | None,
    counts: dict[str, int],
) -> Manifest:
    """Write the members and their manifest to ``path``: whole (or not at all), mode 0600."""
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=__version__,
        source_kind=source_kind,
        contents=contents,
        schema_revision=schema_revision,
        counts=dict(sorted(counts.items())),
        members={
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(members.items())
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest.as_dict(), indent=2) + "\n")
        for name, data in sorted(members.items()):
            archive.writestr(name, data)
    write_private(path, buffer.getvalue())
    return manifest


class Archive:
    """A backup file opened for reading, its manifest checked; members read checked too."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise BackupError(f"{path}: no such file") from None
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.error(f"is not a workbook backup ({_reason(exc)})") from None
        self.manifest = self._read_manifest()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()

    def error(self, message: str) -> BackupError:
        return BackupError(f"{self.path}: {message}")

    def _read_manifest(self) -> Manifest:
        try:
            data = json.loads(self._zip.read(MANIFEST))
        except KeyError:
            raise self.error("is not a workbook backup (it has no manifest.json)") from None
        except (ValueError, zipfile.BadZipFile, OSError) as exc:
            raise self.error(f"manifest.json cannot be read ({_reason(exc)})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise self.error("is not a workbook backup (its manifest is not one)")
        version = data.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise self.error(
                f"format_version: {version!r} is newer than this version of workbook reads "
                f"({FORMAT_VERSION}); upgrade workbook to restore it"
            )
        try:
            manifest = Manifest(**{k: data[k] for k in Manifest.__dataclass_fields__})
        except KeyError as exc:
            raise self.error(f"manifest.json: the field {exc.args[0]!r} is missing") from None
        if manifest.contents not in CONTENTS:
            raise self.error(f"manifest.json: contents: unknown kind {manifest.contents!r}")
        names = set(self._zip.namelist()) - {MANIFEST}
        if names != set(manifest.members):
            extra, missing = names - set(manifest.members), set(manifest.members) - names
            what = f"holds {sorted(extra)} not listed" if extra else f"lacks {sorted(missing)}"
            raise self.error(f"the archive {what} in its manifest; it was changed or damaged")
        return manifest

    def read(self, name: str) -> bytes:
        """A member's bytes, after checking its size and SHA-256 against the manifest."""
        expected = self.manifest.members[name]
        info = self._zip.getinfo(name)
        if info.file_size != expected.get("size") or info.file_size > MAX_MEMBER_BYTES:
            raise self.error(
                f"{name}: holds {info.file_size} bytes, the manifest says {expected.get('size')}"
            )
        try:
            data = self._zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.error(f"{name}: cannot be read ({_reason(exc)})") from None
        if hashlib.sha256(data).hexdigest() != expected.get("sha256"):
            raise self.error(
                f"{name}: its SHA-256 checksum does not match the manifest; "
                "the backup was changed or damaged since it was made"
            )
        return data

    def check_counts(self, counts: dict[str, int]) -> None:
        """Refuse unless ``counts`` (rows per table, as restored) match the manifest's; a table
        one side lacks (a backup made before the history existed) holds no rows."""
        for table in sorted(set(counts) | set(self.manifest.counts)):
            want, got = self.manifest.counts.get(table, 0), counts.get(table, 0)
            if want != got:
                raise self.error(
                    f"counts: the table {table!r} should hold {want} row(s) but the backup "
                    f"gives {got}; it was changed or damaged since it was made"
                )


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
