"""The practice folder (DESIGN.md section 4): ``practice.db`` and ``workbooks/<client>/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError
from .files import private_dir, remove_tree, touch_private
from .store import Store, sqlite_url

DEFAULT_PRACTICE = Path("practice")
DB_FILE = "practice.db"


@dataclass(frozen=True)
class Practice:
    """Where a practice lives: its folder, and the database URL (its own SQLite by default)."""

    path: Path
    db_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))  # a folder given as text works too

    @classmethod
    def locate(cls, path: str | Path | None = None, db_url: str | None = None) -> Practice:
        """From options, else ``WORKBOOK_PRACTICE`` / ``WORKBOOK_DB``, else ``./practice``."""
        path = path or os.environ.get("WORKBOOK_PRACTICE") or DEFAULT_PRACTICE
        environment = os.environ.get("WORKBOOK_DB") or None
        return cls(Path(path), _with_password(db_url, environment) if db_url else environment)

    @property
    def db_path(self) -> Path:
        return self.path / DB_FILE

    @property
    def url(self) -> str:
        return self.db_url or sqlite_url(self.db_path)

    @property
    def embedded(self) -> bool:
        return self.db_url is None

    def workbooks(self, client_id: str) -> Path:
        return self.path / "workbooks" / client_id

    def notebooks(self, client_id: str | None = None) -> Path:
        """``<practice>/notebooks``, or a client's own notebooks folder in it: the one place
        that says where guided notebooks (and a client's app pages) live."""
        base = self.path.resolve() / "notebooks"
        return base / client_id if client_id else base

    def open(self, *, create: bool = True) -> Store:
        """Open the practice's store, creating it unless ``create`` is false.

        A new practice folder is mode 0700 and its database file 0600.
        """
        if self.embedded and not create and not self.db_path.exists():
            raise StoreError(
                f"no practice at {self.path} (no {DB_FILE} there); create one with "
                "`workbook init`, or choose another with --practice"
            )
        private_dir(self.path)
        if self.embedded:
            touch_private(self.db_path)
        return Store(self.url)

    @property
    def journal(self) -> Path:
        """Where ``journal`` writes the practice's reflections by default."""
        return self.path / "journal.html"

    def remove_client_files(self, client_id: str) -> list[Path]:
        """An erased client's generated workbooks, their own notebooks (and client app), and
        the practice's journal, which holds every client's reflections (it is made again by
        ``journal``). Returns what was there and is now gone."""
        if not client_id or client_id in (".", "..") or "/" in client_id:
            raise StoreError(f"client id {client_id!r} cannot name a folder of the practice")
        gone = [p for p in (self.workbooks(client_id), self.notebooks(client_id)) if p.exists()]
        for folder in gone:
            remove_tree(folder)
        if self.journal.exists():
            self.journal.unlink()
            gone.append(self.journal)
        return gone


def _with_password(url: str, environment: str | None) -> str:
    """``url``, or ``WORKBOOK_DB`` when ``url`` is that URL with its password left out.

    Notebooks are given the database URL without its password (parameters never carry one);
    the server they run under has the whole URL in its environment (a hub hands each
    practitioner's server their role's URL so). Any other URL is taken as it is.
    """
    if not environment:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        given, full = make_url(url), make_url(environment)
    except ArgumentError:
        return url
    if (
        given.password is None
        and full.password is not None
        and full._replace(password=None) == given
    ):
        return environment
    return url
