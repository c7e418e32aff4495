"""Reading every case at once (what the caseload reads): exactly what loading each one gives,
with a number of queries that does not grow with the number of clients."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import event

from tests.conftest import minimal_case
from workbook import fidelity
from workbook.fidelity import run_checks


def _copies(lana, n: int):
    cases = []
    for i in range(n):
        case = lana.model_copy(deep=True)
        case.client.id = f"client-{i:02d}"
        cases.append(case)
    return cases


def _queries(store, fn):  # noqa: ANN001, ANN202
    """The SELECTs ``fn`` sends, counted where they reach the database: on SQLite the driver's
    trace (the summaries read from the driver, past SQLAlchemy's events), else those events."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN202
        seen.append(statement)

    def trace(dbapi_conn, record):  # noqa: ANN001, ANN202
        dbapi_conn.set_trace_callback(seen.append)

    sqlite = store.engine.dialect.name == "sqlite"
    store.engine.dispose()  # connections made from now on are traced
    listening = (
        (store.engine, "connect", trace)
        if sqlite
        else (store.engine, "before_cursor_execute", count)
    )
    event.listen(*listening)
    try:
        result = fn()
    finally:
        event.remove(*listening)
        store.engine.dispose()
    return result, [q for q in seen if q.lstrip().upper().startswith("SELECT")]


def _plain(value):  # noqa: ANN001, ANN202 - attribute records as plain data
    if isinstance(value, SimpleNamespace):
        return {k: _plain(v) for k, v in vars(value).items()}
    if hasattr(value, "_asdict"):  # a named tuple
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return type(value).__name__, value  # the same type too: 1 is not True, "2026-09-01" no date


def test_every_case_as_loading_each_gives(store, lana):
    store.save_all([*_copies(lana, 3), minimal_case("zed", "Zed")])
    everything = store.load_all()
    assert [c.client.id for c in everything] == ["client-00", "client-01", "client-02", "zed"]
    assert everything == [store.load(c) for c in store.client_ids()]


def test_summaries_hold_the_same_records_less_reflections_and_scores(store, lana):
    store.save_all([*_copies(lana, 2), minimal_case("zed", "Zed")])
    summaries = store.load_summaries()
    assert [s.client.id for s in summaries] == ["client-00", "client-01", "zed"]
    for summary, case in zip(summaries, store.load_all(), strict=True):
        expected = case.model_dump()
        expected["reflections"] = []
        for k in expected["checkins"]:
            k["progress"] = {}
        for v in expected["interviews"]:
            del v["strengths"]
        for a in expected["plan"]["actions"] if expected["plan"] else []:
            del a["skills"]
        assert _plain(summary) == _plain(expected)
        for day in (date(2026, 9, 20), date(2026, 11, 25), date(2027, 2, 1)):
            assert run_checks(summary, day) == run_checks(case, day)
            assert fidelity.next_checkin(summary, day) == fidelity.next_checkin(case, day)
    assert summaries[0].plan.actions[0].ideas == lana.plan.actions[0].ideas
    assert summaries[2].plan is None and summaries[2].permission is None


def test_the_queries_do_not_grow_with_the_clients(store, lana):
    store.save_all(_copies(lana, 2))
    _, few = _queries(store, lambda: store.load_summaries())
    store.save_all(_copies(lana, 12)[2:])
    cases, many = _queries(store, lambda: store.load_summaries())
    assert len(cases) == 12
    assert len(many) == len(few) <= 10
    _, one_by_one = _queries(store, lambda: [store.load(c) for c in store.client_ids()])
    assert len(one_by_one) > 10 * len(many)
