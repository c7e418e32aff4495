"""A hub restarted while people work loses no saved record (issue 11, point 6).

What a restart does to the people's servers, by design: stopping ``hub serve`` stops every
person's server with it (JupyterHub's ``cleanup_servers``, kept True, and ``hub serve`` ending
whatever is left of its processes: either alone is enough), so no server runs without its
hub's sign-in and idle culler; what they saved is in their practice
already (each save is one committed transaction), and signing in again starts their server
on the same practice."""

from __future__ import annotations

import signal
import sqlite3
import textwrap

import pytest

from tests.hub.conftest import (
    cleanup,
    free_port,
    make_hub,
    requirements,
    servers_of,
    start,
    stop,
    wait_ready,
)
from tests.hub.offline import as_person

pytestmark = pytest.mark.hub


def save_clients(hub, name: str, ids: list[str]) -> None:
    """``name`` saves a client for each of ``ids`` with start-here's form code, as themselves."""
    practice = hub.homes / f"wb-{name}" / "practice"
    code = textwrap.dedent(
        f"""
        from datetime import date
        from workbook.forms import logic
        from workbook.practice import Practice
        with Practice({str(practice)!r}).open(create=False) as store:
            for id in {ids!r}:
                values = dict(id=id, name="Client " + id, started=date.today(), records=True,
                              share_deidentified=False)
                outcome = logic.create_client(store, values)
                assert outcome.ok, outcome.message
        """
    )
    done = as_person(f"wb-{name}", code)
    assert done.returncode == 0, done.stderr


def client_ids(hub, name: str) -> set[str]:
    """The clients in ``name``'s practice, read by root from the file (read-only)."""
    path = hub.homes / f"wb-{name}" / "practice" / "practice.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM clients")}


def test_a_hub_restarted_while_people_work_loses_no_saved_record(tmp_path):
    requirements()
    hub = make_hub(tmp_path)
    port = free_port()
    start(hub, port)
    try:
        wait_ready(hub)
        a, b = hub.add_user("practitioner"), hub.add_user("practitioner")
        hub.start_servers(a, b)
        save_clients(hub, a, ["a-one", "a-two", "a-three"])
        save_clients(hub, b, ["b-one"])
        assert servers_of(a) and servers_of(b)

        status, output = stop(hub, signal.SIGTERM)
        assert status == 143 and "Traceback" not in output, output[-2000:]
        assert not servers_of(a) and not servers_of(b)  # they stop with their hub

        start(hub, port)  # the same folder, the same address
        wait_ready(hub)
        assert client_ids(hub, a) == {"a-one", "a-two", "a-three"}
        assert client_ids(hub, b) == {"b-one"}
        assert not hub.api().call("GET", f"/users/{a}")["servers"]  # none runs until signed in
        hub.start_server(a)  # signs in and starts again, on the same practice
        save_clients(hub, a, ["a-four"])
        assert client_ids(hub, a) == {"a-one", "a-two", "a-three", "a-four"}
    finally:
        stop(hub, signal.SIGTERM)
        cleanup(hub)
