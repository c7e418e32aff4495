"""``hub serve`` on its own hub: the idle culler stops an idle server, and Ctrl-C stops the
hub cleanly (status 130, no traceback) with no proxy left listening."""

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
