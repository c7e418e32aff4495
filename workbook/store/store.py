"""The store: a practice's records in a database, every change one validated transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..errors import ClientExists, ClientNotFound, InvalidRecord, StoreError, WorkbookError
from ..model import COLLECTIONS, Case, Plan, Record, parse, validate_case
from . import cases, summaries
from . import history as hist
from . import schema as s
from .engine import IMMEDIATE, make_engine, redact_url, upgrade


class RecordNotFound(WorkbookError):
    pass


@dataclass(frozen=True)
class ClientSummary:
    id: str
    name: str
    started: date
    stories: int
    ideas: int
    actions: int
    checkins: int
    last_checkin: date | None


class Store:
    """A practice's database. Use as a context manager, or call :meth:`close`.

    Opening a database made by an older version upgrades its schema first (Alembic).
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        try:
            upgrade(self.engine)
        except DBAPIError as exc:
            self.engine.dispose()
            raise StoreError(
                f"cannot open the database {redact_url(url)}: {_reason(exc)}"
            ) from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The one write path: a transaction that commits on success and rolls back on error."""
        try:
            with (
                self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn,
                conn.begin(),
            ):
                yield conn
        except IntegrityError as exc:
            raise StoreError(f"the database refused the change: {_reason(exc)}") from None
        except DBAPIError as exc:
            raise StoreError(f"database error: {_reason(exc)}") from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"database error: {_reason(exc)}") from None

    # -- whole cases --------------------------------------------------------------------------

    def client_ids(self) -> list[str]:
        with self.reading() as conn:
            return list(conn.execute(select(s.clients.c.id).order_by(s.clients.c.id)).scalars())

    def has(self, client_id: str) -> bool:
        with self.reading() as conn:
            return cases.client_pk(conn, client_id) is not None

    def load(self, client_id: str) -> Case:
        with self.reading() as conn:
            return cases.read_case(conn, _existing(conn, client_id))

    def load_all(self) -> list[Case]:
        """Every client's case, in id order, in one read: a query per table, not per client."""
        with self.reading() as conn:
            return cases.read_cases(conn)

    def load_summaries(self) -> list[SimpleNamespace]:
        """Every client's case for a summary of the practice (the caseload), in id order: read
        with a query per table, as plain attribute records not validated again, without the
        reflections and the progress scores (see :mod:`workbook.store.summaries`)."""
        with self.reading() as conn:
            return summaries.read_summaries(conn)

    def save(self, case: Case, *, replace: bool = False, change: str | None = None) -> None:
        self.save_all([case], replace=replace, change=change)

    def save_all(
        self,
        new: Iterable[Case],
        *,
        replace: bool = False,
        sources: list[str] | None = None,
        change: str | None = None,
    ) -> None:
        """Write whole cases in one transaction: all of them, or (on any error) none.

        The history gets an entry per record: ``import`` for a new client, ``replace`` for one
        overwritten (only the records that differ), unless ``change`` names it otherwise.
        """
        new = list(new)
        sources = sources or [None] * len(new)
        seen: dict[str, str | None] = {}
        for case, source in zip(new, sources, strict=True):
            if case.client.id in seen:
                raise ClientExists(case.client.id, source)
            seen[case.client.id] = source
        with self.transaction() as conn:
            for case, source in zip(new, sources, strict=True):
                pk = cases.client_pk(conn, case.client.id, lock=True)
                if pk is not None and not replace:
                    raise ClientExists(case.client.id, source)
                before = cases.read_case(conn, pk) if pk is not None else None
                checked = validate_case(case.model_dump())
                cases.write_case(conn, checked, pk)
                kind = change or ("replace" if before is not None else "import")
                hist.record(conn, checked.client.id, before, checked, kind)

    def delete(self, client_id: str) -> None:
        """Erase a client: their records and their history, leaving a tombstone in the history
        (their id, when and who; no content)."""
        with self.transaction() as conn:
            pk = _existing(conn, client_id, lock=True)
            cases.clear_children(conn, pk)
            conn.execute(s.clients.delete().where(s.clients.c.pk == pk))
            hist.erase(conn, client_id)

    def history(self, client_id: str, record: str | None = None) -> list[hist.Entry]:
        """The client's history, newest first (``record``: one record's entries only)."""
        with self.reading() as conn:
            found = hist.entries(conn, client_id, record)
            if not found and cases.client_pk(conn, client_id) is None:
                raise ClientNotFound(client_id)
            return found

    def revert(self, client_id: str, number: int) -> int:
        """Bring the client's records back to how they stood after history entry ``number``,
        as a new change (``revert`` entries); returns how many records changed."""
        with self.transaction() as conn:
            pk = _existing(conn, client_id, lock=True)
            try:
                target = hist.state_after(conn, client_id, number)
            except InvalidRecord as exc:
                raise WorkbookError(
                    f"--to: entry {number} is in the middle of a change, and the records as "
                    f"they stood there do not make a whole case ({exc}); choose the change's "
                    "last entry"
                ) from None
            before = cases.read_case(conn, pk)
            cases.write_case(conn, target, pk)
            return hist.record(conn, client_id, before, target, "revert")

    @contextmanager
    def edit(self, client_id: str) -> Iterator[Case]:
        """Change a client's case in place; on leaving the block it is validated and saved.

        The case is read and written in one transaction that holds the write lock, so an edit
        made meanwhile from another notebook is never overwritten. The history gets one entry
        per record that changed (add, edit or delete).
        """
        with self.transaction() as conn:
            pk = _existing(conn, client_id, lock=True)
            case = cases.read_case(conn, pk)
            before = case.model_copy(deep=True)
            yield case
            try:
                checked = validate_case(case.model_dump())
            except InvalidRecord as exc:
                raise exc.located(f"client {client_id!r}") from None
            if checked.client.id != client_id:
                raise WorkbookError("client.id: an edit cannot rename the client")
            cases.write_case(conn, checked, pk)
            hist.record(conn, client_id, before, checked)

    # -- single records -----------------------------------------------------------------------

    def add(self, client_id: str, kind: str, record: Record | dict[str, Any]) -> Record:
        """Append a record (``kind`` is a case-file collection: stories, ideas, actions...)."""
        item = parse(COLLECTIONS[_kind(kind)], _plain(record), kind)
        with self.edit(client_id) as case:
            _collection(case, kind).append(item)
        return item

    def update(
        self, client_id: str, kind: str, key: str | int, record: Record | dict[str, Any]
    ) -> Record:
        """Replace the record with id ``key`` (or at index ``key``, for records without ids)."""
        item = parse(COLLECTIONS[_kind(kind)], _plain(record), kind)
        with self.edit(client_id) as case:
            items = _collection(case, kind)
            items[_index(items, kind, key, client_id)] = item
        return item

    def remove(self, client_id: str, kind: str, key: str | int) -> None:
        with self.edit(client_id) as case:
            items = _collection(case, kind)
            del items[_index(items, kind, key, client_id)]

    def summaries(self) -> list[ClientSummary]:
        counted = {
            name: select(t.c.client_pk, func.count().label("n"))
            .group_by(t.c.client_pk)
            .subquery(name)
            for name, t in (("stories", s.stories), ("ideas", s.ideas), ("actions", s.actions))
        }
        last = (
            select(
                s.checkins.c.client_pk,
                func.count().label("n"),
                func.max(s.checkins.c.date).label("last"),
            )
            .group_by(s.checkins.c.client_pk)
            .subquery("checkins")
        )
        c = s.clients.c
        query = select(
            c.id,
            c.name,
            c.started,
            *(func.coalesce(q.c.n, 0) for q in counted.values()),
            func.coalesce(last.c.n, 0),
            last.c.last,
        ).select_from(s.clients)
        for q in (*counted.values(), last):
            query = query.outerjoin(q, q.c.client_pk == c.pk)
        with self.reading() as conn:
            return [ClientSummary(*row) for row in conn.execute(query.order_by(c.id))]


def _existing(conn: Connection, client_id: str, *, lock: bool = False) -> int:
    pk = cases.client_pk(conn, client_id, lock=lock)
    if pk is None:
        raise ClientNotFound(client_id)
    return pk


def _kind(kind: str) -> str:
    if kind not in COLLECTIONS:
        raise WorkbookError(f"{kind!r} is not a record type; use one of " + ", ".join(COLLECTIONS))
    return kind


def _plain(record: Record | dict[str, Any]) -> dict[str, Any]:
    return record.model_dump() if isinstance(record, Record) else record


def _collection(case: Case, kind: str) -> list[Any]:
    if _kind(kind) == "actions":
        if case.plan is None:
            case.plan = Plan()
        return case.plan.actions
    return getattr(case, kind)


def _index(items: list[Any], kind: str, key: str | int, client_id: str) -> int:
    if isinstance(key, int):
        if 0 <= key < len(items):
            return key
    else:
        for i, item in enumerate(items):
            if getattr(item, "id", None) == key:
                return i
    raise RecordNotFound(f"client {client_id!r} has no {kind} record {key!r}")


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
