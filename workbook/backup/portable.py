"""A practice as portable contents: every case as a case file, and the history rows verbatim.

This is how a PostgreSQL practice is backed up (and how any backup is restored into a database
of the other kind). Reading happens in one REPEATABLE READ transaction, so the cases and the
history are one consistent snapshot while others keep writing. The ``history`` table belongs
to the store (its migration); it is read and written here generically, by reflection, so its
rows come back exactly as they were: restoring must not record changes of its own.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import Connection

from ..casefile import dump_case, parse_case
from ..errors import WorkbookError
from ..model import Case
from ..store import cases
from ..store import schema as s

HISTORY = "history"


@dataclass
class Contents:
    cases: list[Case] = field(default_factory=list)
    history: dict[str, Any] | None = None  # {"columns": {name: kind}, "rows": [[...], ...]}


def history_table(conn: Connection) -> Table | None:
    if not inspect(conn).has_table(HISTORY):
        return None
    return Table(HISTORY, MetaData(), autoload_with=conn)


def count_rows(conn: Connection) -> dict[str, int]:
    """Rows per table: the case tables, and the history when there is one (an older database
    has none, and its one-row erasure flag is not a record)."""
    tables = [t for t in s.metadata.sorted_tables if t.name not in (HISTORY, "history_erasure")]
    history = history_table(conn)
    if history is not None:
        tables.append(history)
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def read_contents(conn: Connection) -> Contents:
    """Every case and every history row, read inside the caller's (snapshot) transaction."""
    ids = conn.execute(select(s.clients.c.id).order_by(s.clients.c.id)).scalars().all()
    contents = Contents([cases.read_case(conn, cases.client_pk(conn, i)) for i in ids])
    table = history_table(conn)
    if table is not None:
        kinds = {c.name: _kind(c.type) for c in table.columns}
        order = list(table.primary_key.columns) or list(table.columns)
        rows = conn.execute(select(table).order_by(*order))
        contents.history = {
            "columns": kinds,
            "rows": [[_encode(v, kinds[k]) for k, v in r._mapping.items()] for r in rows],
        }
    return contents


def members(contents: Contents) -> dict[str, bytes]:
    out = {f"cases/{c.client.id}.yaml": dump_case(c).encode("utf-8") for c in contents.cases}
    if contents.history is not None:
        out[f"{HISTORY}.json"] = json.dumps(contents.history, ensure_ascii=False).encode()
    return out


def parse_members(read: dict[str, bytes], where: str) -> Contents:
    """Contents from an archive's (already checksummed) members; case files validated."""
    contents = Contents()
    for name, data in sorted(read.items()):
        if name.startswith("cases/") and name.endswith(".yaml"):
            contents.cases.append(parse_case(data, f"{where}: {name}", stored=True))
        elif name == f"{HISTORY}.json":
            contents.history = _history(data, f"{where}: {name}")
    return contents


def _history(data: bytes, where: str) -> dict[str, Any]:
    try:
        history = json.loads(data)
        columns, rows = history["columns"], history["rows"]
        if not all(isinstance(r, list) and len(r) == len(columns) for r in rows):
            raise ValueError("a row does not have one value per column")
        for row in rows:
            for value, kind in zip(row, columns.values(), strict=True):
                _decode(value, kind)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorkbookError(f"{where}: is not a history this version can read ({exc})") from None
    return history


def write_contents(conn: Connection, contents: Contents) -> None:
    """Write every case and the history rows verbatim, inside the caller's transaction."""
    for case in contents.cases:
        cases.write_case(conn, case, None)
    if not contents.history or not contents.history["rows"]:
        return
    table = history_table(conn)
    names = list(contents.history["columns"])
    kinds = contents.history["columns"]
    rows = [
        {k: _decode(v, kinds[k]) for k, v in zip(names, row, strict=True)}
        for row in contents.history["rows"]
    ]
    conn.execute(insert(table), rows)
    if conn.dialect.name == "postgresql":  # rows came with their numbers: move sequences on
        for column in table.columns:
            quoted = conn.dialect.identifier_preparer.quote(table.name)
            seq = conn.execute(select(func.pg_get_serial_sequence(quoted, column.name))).scalar()
            if seq is not None:
                conn.execute(select(func.setval(seq, select(func.max(column)).scalar_subquery())))


def missing_columns(conn: Connection, contents: Contents) -> list[str]:
    """History columns in the backup that the target's history table lacks (or all of them)."""
    if not contents.history:
        return []
    table = history_table(conn)
    have = set(table.columns.keys()) if table is not None else set()
    return [c for c in contents.history["columns"] if c not in have]


# History values as JSON: each column's kind says how its values were written.


def _kind(type_: Any) -> str:
    for kind, types in (
        ("datetime", DateTime),
        ("date", Date),
        ("json", JSON),
        ("bytes", LargeBinary),
        ("decimal", Numeric),
    ):
        if isinstance(type_, types):
            return kind
    return "plain"


def _encode(value: Any, kind: str) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "decimal":
        return str(value) if isinstance(value, Decimal) else value
    return value.isoformat()


def _decode(value: Any, kind: str) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "decimal":
        return Decimal(value) if isinstance(value, str) else value
    return datetime.fromisoformat(value) if kind == "datetime" else date.fromisoformat(value)
