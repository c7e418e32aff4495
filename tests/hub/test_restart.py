"""A hub restarted while people work loses no saved record (issue 11, point 6).

What a restart does to the people's servers, by design: stopping ``hub serve`` stops every
person's server, and their kernels, with it (JupyterHub's ``cleanup_servers``, kept True, and
``hub serve`` ending whatever is left of its processes: either alone is enough), so no server
runs without its hub's sign-in and idle culler. A save under way at that moment may fail and
is not reported as saved; every save the form reported as saved is in the practice already
(the form says "Saved" only after its one transaction committed). Signing in again starts the
person's server on the same practice.

Here two practitioners each save stories in a loop through the forms' code in a kernel of
their own server, reached through the proxy as a person's browser reaches it
(``tests/hub/kernels.py``, shared with ``bench/hub.py``), while the hub is stopped under them.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hub.conftest import (
    START_TIMEOUT,
    cleanup,
    free_port,
    make_hub,
    processes_of,
    requirements,
    servers_of,
    start,
    stop,
    wait_ready,
)
from tests.hub.kernels import CLIENT, Kernel, acknowledged, open_stories, save_story

pytestmark = pytest.mark.hub

SAVED_BEFORE = 3  # stories each person has had acknowledged before the hub is stopped
CELL_TIMEOUT = 180.0  # seconds a save may take on a loaded machine before it counts as hung


class Saver(threading.Thread):
    """One person saving stories ``r1``, ``r2``... in a kernel of their server until it goes
    away (or ``halt`` is set): each story the form acknowledged is kept in ``acknowledged``;
    anything that went wrong before ``stopping`` was set is kept in ``wrong``."""

    def __init__(self, url: str, session, name: str, stopping: threading.Event):  # noqa: ANN001
        super().__init__(daemon=True, name=f"saver-{name}")
        self.url, self.session, self.person = url, session, name
        self.stopping, self.halt = stopping, threading.Event()
        self.acknowledged: list[str] = []
        self.wrong: list[str] = []
        self.saved_before = threading.Event()  # SAVED_BEFORE acknowledged, or it gave up

    def run(self) -> None:
        kernel = None
        try:
            kernel = Kernel(self.url, self.session, self.person)
            open_stories(kernel)
            n = 0
            while not self.halt.is_set():
                n += 1
                story = f"r{n}"
                done, _ = save_story(kernel, story, n, CELL_TIMEOUT)
                if not acknowledged(done):
                    raise RuntimeError(f"{story} not saved: {done['status']}")
                self.acknowledged.append(story)
                if len(self.acknowledged) >= SAVED_BEFORE:
                    self.saved_before.set()
        except Exception as exc:  # noqa: BLE001 - the hub going down ends the loop this way
            if not self.stopping.is_set():
                self.wrong.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.saved_before.set()
            if kernel is not None:
                kernel.close(shut_down=False)  # its server is gone


def save_after(url: str, session, name: str) -> dict:  # noqa: ANN001
    """``name`` saves the story ``after`` in a new kernel; what the form said."""
    kernel = Kernel(url, session, name)
    try:
        open_stories(kernel)
        return save_story(kernel, "after", 1, CELL_TIMEOUT)[0]
    finally:
        kernel.close()


def stories(hub, name: str) -> set[str]:
    """The ids of ``name``'s client's stories, read by root from the file (read-only)."""
    path = hub.homes / f"wb-{name}" / "practice" / "practice.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        query = "SELECT s.id FROM stories s JOIN clients c ON c.pk = s.client_pk WHERE c.id = ?"
        return {row[0] for row in conn.execute(query, (CLIENT,))}


def test_a_hub_restarted_while_people_work_loses_no_saved_record(tmp_path):
    requirements()
    hub = make_hub(tmp_path)
    port = free_port()
    start(hub, port)
    savers: list[Saver] = []
    try:
        wait_ready(hub)
        a, b = hub.add_user("practitioner"), hub.add_user("practitioner")
        sessions = hub.start_servers(a, b)
        stopping = threading.Event()
        savers = [
            Saver(hub.url, session, name, stopping)
            for name, session in zip((a, b), sessions, strict=True)
        ]
        for saver in savers:
            saver.start()
        for saver in savers:
            assert saver.saved_before.wait(2 * START_TIMEOUT + 2 * CELL_TIMEOUT)
            assert not saver.wrong, (saver.person, saver.wrong)
        assert servers_of(a) and servers_of(b)

        stopping.set()
        status, output = stop(hub, signal.SIGTERM)  # while both are saving
        assert status == 143 and "Traceback" not in output, output[-2000:]
        assert not processes_of(a) and not processes_of(b)  # servers, kernels: with the hub
        for saver in savers:
            saver.join(CELL_TIMEOUT + 60)
            assert not saver.is_alive(), f"{saver.person} still saving after the hub stopped"
            assert not saver.wrong, (saver.person, saver.wrong)
            assert len(saver.acknowledged) >= SAVED_BEFORE
            lost = set(saver.acknowledged) - stories(hub, saver.person)
            assert not lost, f"{saver.person} lost acknowledged stories: {sorted(lost)}"

        start(hub, port)  # the same folder, the same address
        wait_ready(hub)
        for name in (a, b):
            assert not hub.api().call("GET", f"/users/{name}")["servers"]  # not until signed in
        kept = stories(hub, a)
        session = hub.start_server(a)  # signs in and starts again, on the same practice
        # In a thread of its own, as the savers' are: the kernel's event loop must not meet
        # one that another test left set in the test's thread.
        with ThreadPoolExecutor(1) as thread:
            done = thread.submit(save_after, hub.url, session, a).result()
        assert acknowledged(done), done
        assert stories(hub, a) == kept | {"after"}
    finally:
        for saver in savers:
            saver.halt.set()
        stop(hub, signal.SIGTERM)
        cleanup(hub)
