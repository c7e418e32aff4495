"""Load on a practice server: people sign in, start their servers at once, then save records.

    .venv/bin/python bench/hub.py               # 20 people, 20 saves each (several minutes)
    .venv/bin/python bench/hub.py --users 2 --saves 3

Everything is temporary and on loopback, as the hub tests make it (``tests/hub/conftest.py``):
a hub folder and a homes folder under /tmp, ``workbook hub serve`` on a free port of
127.0.0.1, accounts ``wb-NAME`` made with ``hub add-user`` and removed afterwards (``userdel
-r``), even after Ctrl-C. It needs root, as the hub does. The bench and all it starts run
under ``nice`` (the hub, the proxy, the servers and their kernels inherit it).

Each person, in a thread of their own: signs in through the login form (``_xsrf`` cookie,
then the POST, as RECIPES.md shows), asks for their server (``/hub/spawn``), and once every
server is up (a barrier, so the saves overlap), starts a kernel in their own server through
its REST API (``POST /user/NAME/api/kernels``, with their session's cookies and ``_xsrf``),
runs code in it over the kernel's websocket, and saves records through the forms' code there
(``Workbook("lana").form("stories")``, fields set, ``save()``; ``tests/hub/kernels.py``, shared
with the restart test), as that person, into their own practice. Reported:

- spawn time: from asking for the server to the hub listing it ready (a poller reads
  ``/hub/api/users`` with the CLI service's token every 0.25 s), and the hub's own figure
  from its log ("took N seconds to start");
- save latency: ``form.save()`` timed in the kernel, and the round trip of the cell;
- memory per server: PSS (``/proc/PID/smaps_rollup``) of all the account's processes (the
  server and its kernel), once the saves are done;
- the hub API's latency (``GET /hub/api/users``) while the load runs;
- records lost: each practice is read afterwards, servers stopped: every save the form
  reported as saved must be there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hub import conftest as fixture  # noqa: E402
from tests.hub.kernels import (  # noqa: E402
    CLIENT,
    Kernel,
    acknowledged,
    open_stories,
    save_story,
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pss(uid: int) -> tuple[float, int]:
    """The PSS, in MiB, of every process of ``uid``, and how many there are."""
    total, count = 0.0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
                    count += 1
        except OSError:
            continue
    return total, count


class Poller(threading.Thread):
    """Reads ``/hub/api/users`` with the CLI service's token every ``every`` seconds: the API's
    latency, and the moment each server is first seen ready."""

    def __init__(self, url: str, token: str, every: float = 0.25):
        super().__init__(daemon=True)
        import requests

        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {token}"
        self.url, self.every = url, every
        self.latencies: list[float] = []
        self.ready: dict[str, float] = {}
        self.measuring = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            started = time.monotonic()
            try:
                answer = self.session.get(f"{self.url}/hub/api/users?limit=1000", timeout=60)
                answer.raise_for_status()
                seen = time.monotonic()
                if self.measuring.is_set():
                    self.latencies.append(seen - started)
                for user in answer.json():
                    if (user.get("servers") or {}).get("", {}).get("ready"):
                        self.ready.setdefault(user["name"], seen)
            except Exception as exc:  # noqa: BLE001 - a failed call is reported, not fatal
                print(f"hub API: {exc}", file=sys.stderr)
            self.done.wait(max(0.0, self.every - (time.monotonic() - started)))


class Person(threading.Thread):
    def __init__(self, running, name: str, saves: int, barrier: threading.Barrier, poller):  # noqa: ANN001
        super().__init__(daemon=True)
        self.running, self.name_, self.saves = running, name, saves
        self.barrier, self.poller = barrier, poller
        self.asked = 0.0
        self.save_seconds: list[float] = []
        self.round_trips: list[float] = []
        self.saved: list[str] = []
        self.memory: tuple[float, int] = (0.0, 0)
        self.error = ""
        self.waited = False
        self.wait_ready = 600.0  # seconds; set from the hub's timeouts

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            self.error = f"{type(exc).__name__}: {exc}"
            if not self.waited:  # the others' saves still start together
                self.waited = True
                with contextlib.suppress(threading.BrokenBarrierError):
                    self.barrier.wait()

    def _run(self) -> None:
        url, name = self.running.url, self.name_
        session, answer = self.running.login(name)
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in answered {answer.status_code}")
        self.asked = time.monotonic()
        session.get(f"{url}/hub/spawn", timeout=fixture.START_TIMEOUT)
        while name not in self.poller.ready:
            if time.monotonic() - self.asked > self.wait_ready:
                raise RuntimeError(f"the server was not ready in {self.wait_ready:.0f} s")
            time.sleep(0.1)
        opened = session.get(f"{url}/user/{name}/", timeout=120)  # the hub's OAuth: cookies
        if opened.status_code != 200:
            raise RuntimeError(f"/user/{name}/ answered {opened.status_code}")
        kernel = Kernel(url, session, name)
        try:
            open_stories(kernel)
            self.waited = True
            self.barrier.wait()  # every kernel ready: the saves overlap
            for n in range(1, self.saves + 1):
                done, trip = save_story(kernel, f"b{n}", n)
                if acknowledged(done):
                    self.saved.append(f"b{n}")
                    self.save_seconds.append(done["seconds"])
                    self.round_trips.append(trip)
                else:
                    print(f"{name}: save b{n} refused: {done['status']}", file=sys.stderr)
            self.memory = pss(pwd.getpwnam(f"wb-{name}").pw_uid)
        finally:
            kernel.close()


def read_back(running, name: str) -> set[str]:  # noqa: ANN001
    """The story ids in ``name``'s practice, read from their home with the servers stopped."""
    from workbook.hub.accounts import home
    from workbook.practice import Practice

    store = Practice(home(running.layout, name) / "practice").open()
    try:
        return {s.id for s in store.load(CLIENT).stories} if store.has(CLIENT) else set()
    finally:
        store.close()


def stop_servers(running, names: list[str]) -> None:  # noqa: ANN001
    api = running.api()
    for name in names:
        api.call("DELETE", f"/users/{name}/server", ok=(404,))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        users = {u["name"]: u for u in api.call("GET", "/users?limit=1000")}
        if not any(users.get(n, {}).get("servers") for n in names):
            return
        time.sleep(0.5)
    raise RuntimeError("servers still running five minutes after being stopped")


def hub_spawn_times(log: str, names: list[str]) -> list[float]:
    found = re.findall(r"User (\S+) took ([0-9.]+) seconds to start", log)
    return [float(s) for who, s in found if who in names]


def line(label: str, values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    if not values:
        return f"{label}: none"
    return (
        f"{label}: median {statistics.median(values) * scale:.3g} {unit}, "
        f"p95 {percentile(values, 0.95) * scale:.3g} {unit}, max {max(values) * scale:.3g} {unit} "
        f"({len(values)})"
    )


def bench(users: int, saves: int, start_timeout: int) -> int:
    fixture.requirements()
    tmp = Path(tempfile.mkdtemp(prefix="wb-hub-bench-"))
    running = fixture.make_hub(tmp, "--start-timeout", str(start_timeout))
    fixture.start(running, fixture.free_port())
    try:
        fixture.wait_ready(running)
        names = [running.add_user("practitioner", fixture.new_name("bench")) for _ in range(users)]
        poller = Poller(running.url, running.layout.admin_token())
        poller.start()
        barrier = threading.Barrier(users)
        people = [Person(running, name, saves, barrier, poller) for name in names]
        for person in people:
            # the hub's two timeouts: the process to start, then its server to answer
            person.wait_ready = 2 * running.layout.start_timeout + 30.0
        load = time.monotonic()
        poller.measuring.set()
        for person in people:
            person.start()
        for person in people:
            person.join()
        poller.measuring.clear()
        load = time.monotonic() - load
        poller.done.set()
        failed = [f"{p.name_}: {p.error}" for p in people if p.error]
        for failure in failed:
            print(f"failed: {failure}", file=sys.stderr)
        stop_servers(running, names)
        lost = {p.name_: set(p.saved) - read_back(running, p.name_) for p in people}
        log = running.log.read_text()
        spawns = [poller.ready[p.name_] - p.asked for p in people if p.name_ in poller.ready]
        print(
            f"{users} people, {saves} saves each, load for {load:.0f} s, load average now "
            f"{os.getloadavg()[0]:.1f}"
        )
        print(line("spawn (asked -> listed ready)", spawns))
        print(line("spawn (the hub's own figure)", hub_spawn_times(log, names)))
        print(
            line(
                "save (form.save() in the kernel)",
                sum((p.save_seconds for p in people), []),
                "ms",
                1000,
            )
        )
        print(
            line(
                "save (the cell's round trip)", sum((p.round_trips for p in people), []), "ms", 1000
            )
        )
        print(
            line(
                "memory per server (PSS, server + kernel)",
                [p.memory[0] for p in people if p.memory[1]],
                "MiB",
            )
        )
        print(line("hub API (GET /hub/api/users) during the load", poller.latencies, "ms", 1000))
        print(
            f"records saved: {sum(len(p.saved) for p in people)} of {users * saves}; "
            f"records lost: {sum(len(v) for v in lost.values())}"
        )
        return 1 if failed or any(lost.values()) else 0
    finally:
        fixture.stop(running)
        fixture.cleanup(running)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="people at once (default 20)")
    parser.add_argument("--saves", type=int, default=20, help="records each saves (default 20)")
    parser.add_argument(
        "--start-timeout",
        type=int,
        default=120,
        help="seconds the hub gives a server to start (`hub init --start-timeout`; default 120)",
    )
    args = parser.parse_args()
    if args.users < 1 or args.saves < 1:
        parser.error("--users and --saves must be at least 1")
    os.nice(10)  # the hub, its proxy, the servers and kernels inherit it

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # cleaned up as after Ctrl-C
    sys.exit(bench(args.users, args.saves, args.start_timeout))


if __name__ == "__main__":
    main()
