"""Fixtures, layered: database -> practice -> store -> client (Lana, the sample)."""

from __future__ import annotations

import itertools
import os
import weakref
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from tests.pgserver import PostgresServer, PostgresUnavailable
from workbook.practice import Practice
from workbook.sample import sample_case
from workbook.store import Store

_databases = itertools.count()
#: The values of CI that mean "this is CI" (any case): what CI services and people set.
CI_TRUE = frozenset({"true", "1", "yes", "on"})


def under_ci() -> bool:
    """Whether the suite runs under CI (``CI`` set to true, 1, yes or on, in any case).

    ``.ci/run`` sets ``CI=true`` itself. Under CI a missing PostgreSQL, Chromium, Playwright
    or axe-core is a failure, never a skip: every check the suite knows of must run there.
    """
    return os.environ.get("CI", "").strip().lower() in CI_TRUE


def unavailable(what: str, reason: str) -> None:
    """Skip a test whose ``what`` (a server, a browser) is missing here; under CI, fail it."""
    if under_ci():
        pytest.fail(f"{what} must run under CI, but {reason}", pytrace=False)
    pytest.skip(f"{what} skipped: {reason}")


# The tests start with no zygote named and forked kernels on, whatever the shell has (a
# terminal opened in `workbook lab` names that server's zygote).
for _name in ("WORKBOOK_ZYGOTE", "WORKBOOK_PLAIN_KERNELS"):
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True)
def _environment_restored():
    """Each test ends with the environment it started with, so no test sees what another left.

    Commands run in-process can set variables for the servers they start (``workbook app`` sets
    WORKBOOK_AUDIENCE), and the audience banner reads it.
    """
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the session. Under CI, failing to start is a failure."""
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        unavailable("the PostgreSQL tests", f"no server could start: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str | None:
    """None for the practice's own SQLite file, or a fresh PostgreSQL database per test."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_server").create_database(f"t{next(_databases)}")


@pytest.fixture
def practice(tmp_path: Path, db_url: str | None) -> Practice:
    return Practice(tmp_path / "practice", db_url)


@pytest.fixture
def sqlite_practice(tmp_path: Path) -> Practice:
    return Practice(tmp_path / "practice")


@pytest.fixture
def store(practice: Practice):
    with practice.open() as opened:
        yield opened


@pytest.fixture
def lana():
    return sample_case()


@pytest.fixture
def lana_store(store: Store, lana):
    store.save(lana)
    return store


# Each store's tables, reflected once. Weakly held: a store made later in the session may be
# given the id of one that is gone, and must never reuse its tables.
_reflected: weakref.WeakKeyDictionary[Store, MetaData] = weakref.WeakKeyDictionary()


def minimal_case(client_id: str = "new", name: str = "New Client"):
    """A case with only what the format requires: a client with consent to keep records."""
    from workbook.model import validate_case

    return validate_case(
        {
            "format": 1,
            "client": {
                "id": client_id,
                "name": name,
                "started": "2026-11-01",
                "consent": {"records": True, "share_deidentified": False},
            },
        }
    )


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused change left the database as it was."""
    meta = _reflected.get(store)
    if meta is None:
        meta = _reflected[store] = MetaData()
        meta.reflect(store.engine)
    with store.engine.connect() as conn:
        return {
            name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for name, table in sorted(meta.tables.items())
        }
