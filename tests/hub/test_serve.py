"""``hub serve`` on hubs of its own: the idle culler stops an idle server, and Ctrl-C stops the
hub cleanly (status 130, no traceback) with no proxy left listening; with ``--db`` the hub
keeps its own database in PostgreSQL, and SIGTERM stops it (status 143)."""

from __future__ import annotations

import signal
import socket
import time

import psutil
import pytest

from tests.hub.conftest import (
    cleanup,
    free_port,
    make_hub,
    requirements,
    start,
    stop,
    wait_ready,
)

pytestmark = pytest.mark.hub


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_idle_servers_are_culled_and_ctrl_c_stops_the_hub_cleanly(tmp_path):
    requirements()
    hub = make_hub(tmp_path, "--idle-timeout", "10")
    port = free_port()
    start(hub, port)
    try:
        wait_ready(hub)
        family = psutil.Process(hub.process.pid).children(recursive=True)
        assert any("configurable-http-proxy" in " ".join(p.cmdline()) for p in family)
        name = hub.add_user("trainee")
        hub.start_server(name)
        api = hub.api()
        deadline = time.monotonic() + 90
        while api.call("GET", f"/users/{name}")["servers"] and time.monotonic() < deadline:
            time.sleep(1)
        assert not api.call("GET", f"/users/{name}")["servers"], "the idle server still runs"

        status, output = stop(hub, signal.SIGINT)
        assert status == 130, output[-2000:]
        assert "Traceback" not in output
        assert not _listening(port)
        assert not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert not hub.layout.serving_path.exists()
    finally:
        stop(hub, signal.SIGTERM)
        cleanup(hub)


@pytest.mark.postgres
def test_a_hub_on_postgresql_keeps_its_database_there(tmp_path, pg_server):
    import psycopg

    requirements()
    url = pg_server.create_database(f"hub{free_port()}")
    hub = make_hub(tmp_path, "--db", url)
    assert hub.layout.hub_db_url == url and hub.layout.records_admin_url == url
    start(hub, free_port())
    try:
        wait_ready(hub)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as conn:
            tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
        assert {"users", "groups", "api_tokens"} <= tables
        assert not hub.layout.db_path.exists()  # no SQLite file beside it
        status, output = stop(hub, signal.SIGTERM)
        assert status == 143 and "Traceback" not in output, output[-2000:]
    finally:
        stop(hub, signal.SIGTERM)
        cleanup(hub)
