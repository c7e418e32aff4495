"""Real-browser fixtures: Chromium driven by Playwright, against JupyterLab and Voilà started
through the ``workbook`` command line on a fresh practice holding the sample client, Lana.

Each test module gets its own practice and its own server (module scope); each test gets its
own browser context (page), so no cookies, storage or kernels leak between tests. Chromium is
Debian's (/usr/bin/chromium); without it (or Playwright) the tests are skipped, except under
CI (``tests.conftest.under_ci``) where that is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from tests.conftest import unavailable
from workbook.generate import export
from workbook.practice import Practice

try:  # a test extra; the browser fixture skips (or under CI fails) when it is missing
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

CHROMIUM = Path(export.CHROMIUM)  # the same browser and flags the product prints PDFs with
CHROMIUM_ARGS = export.CHROMIUM_ARGS
TIMEOUT_S = 60
TIMEOUT_MS = TIMEOUT_S * 1000
CLIENT = "lana"
STEP1 = "02_step1_what_has_been_tried.ipynb"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WORKBOOK = Path(sys.executable).with_name("workbook")

if expect is not None:
    expect.set_options(timeout=TIMEOUT_MS)  # its default is 5 s; the servers can be slower


# ------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing here: skip, unless under CI (then fail)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install -y chromium)")

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _unavailable(reason: str) -> None:
    unavailable("the browser tests", reason)  # a skip here, a failure under CI


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser, request):
    """A fresh browser context per test (own cookies and storage), closed afterwards.

    If the test (or its set-up) failed, every page still open is saved as a screenshot under
    test-artifacts/screenshots/failed/ to show what the browser showed.
    """
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    reports = [getattr(request.node, f"report_{w}", None) for w in ("setup", "call")]
    if any(r is not None and r.failed for r in reports):
        folder = SCREENSHOTS / "failed"
        folder.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(ctx.pages):
            page.screenshot(path=str(folder / f"{request.node.name}-{n}.png"), full_page=True)
    ctx.close()


# ------------------------------------------------------------------------------------ practice


@pytest.fixture(scope="module")
def practice(tmp_path_factory) -> Practice:
    """A fresh practice with Lana (``workbook demo``) and her notebooks (``workbook prepare``,
    needed only if ``demo`` has not written them already)."""
    path = tmp_path_factory.mktemp("practice") / "practice"

    def workbook(*args: str) -> None:
        done = subprocess.run(
            [str(WORKBOOK), "--practice", str(path), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        assert done.returncode == 0, f"workbook {' '.join(args)} failed:\n{done.stderr}"

    workbook("demo")
    if not (path / "notebooks" / CLIENT / STEP1).exists():
        workbook("prepare", CLIENT)
    assert (path / "notebooks" / CLIENT / STEP1).exists()
    return Practice(path)


def stories(practice: Practice) -> list[dict]:
    """Lana's stories as stored, read back through the Python API."""
    with practice.open(create=False) as store:
        return [s.model_dump() for s in store.load(CLIENT).stories]


def next_story_id(practice: Practice) -> str:
    """The id the stories form should offer for a new story (s5 for the sample)."""
    from workbook.forms.logic import next_id

    with practice.open(create=False) as store:
        return next_id(store.load(CLIENT), "stories")


def db_rows(practice: Practice) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused entry left the database as it was."""
    with practice.open(create=False) as store:
        meta = MetaData()
        meta.reflect(store.engine)
        with store.engine.connect() as conn:
            return {
                name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
                for name, table in sorted(meta.tables.items())
            }


# ------------------------------------------------------------------------------------- servers


@dataclass
class Server:
    """A server started by a test fixture; ``pid`` is the server's own (the CLI execs it)."""

    process: subprocess.Popen
    base: str
    token: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}" if self.token else self.base + path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = response.read()
        return json.loads(body) if body else None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _isolated_env(home: Path) -> dict[str, str]:
    """Jupyter's config, data, runtime and Lab settings/workspaces in a temporary folder."""
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    # No news or update-check toasts over the page (they can cover the widgets).
    notification = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "WORKBOOK_"))}
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start(args: list[str], home: Path, base: str, token: str, ready: str) -> Server:
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(WORKBOOK), *args],
            env=_isolated_env(home),
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Server(process, base, token, log)
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited ({process.returncode}) before answering:\n{server.output()}"
            )
        try:
            with urllib.request.urlopen(server.url(ready), timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            _stop(server)
            raise AssertionError(
                f"server did not answer {ready} in {TIMEOUT_S}s:\n{server.output()}"
            )
        time.sleep(0.1)  # polling a socket that is not listening yet: nothing to wait_for


def _stop(server: Server) -> None:
    """Stop the server by its own PID: SIGTERM, wait, then SIGKILL if it is still there."""
    process = server.process
    if process.poll() is not None:
        return
    os.kill(server.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def lab(practice: Practice, tmp_path_factory) -> Iterator[Server]:
    """``workbook lab lana`` on a free port, with a token; stopped at the end of the module."""
    home = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    args = [
        "--practice",
        str(practice.path),
        "lab",
        CLIENT,
        "--no-browser",
        f"--port={port}",
        "--",
        f"--IdentityProvider.token={token}",
        "--ServerApp.ip=127.0.0.1",
    ]
    server = _start(args, home, f"http://127.0.0.1:{port}", token, "/api/status")
    yield server
    _stop(server)


def start_app(practice: Practice, home: Path, *options: str, ready: str = "/") -> Server:
    """``workbook app lana OPTIONS`` (Voilà) on a free port, answering at ``ready``."""
    port = _free_port()
    args = [
        "--practice",
        str(practice.path),
        "app",
        CLIENT,
        *options,
        "--no-browser",
        f"--port={port}",
        "--",
        "--Voila.ip=127.0.0.1",
    ]
    return _start(args, home, f"http://127.0.0.1:{port}", "", ready)


@pytest.fixture(scope="module")
def voila(practice: Practice, tmp_path_factory) -> Iterator[Server]:
    """``workbook app lana`` (Voilà, serving the practice's notebooks: Lana's are under
    ``/voila/render/lana/``) on a free port; stopped at the end of the module."""
    server = start_app(practice, tmp_path_factory.mktemp("voila"))
    yield server
    _stop(server)


# ------------------------------------------------------------------------------ form helpers


class StoriesForm:
    """The step 1 stories form on a page, found by the CSS classes the widgets carry."""

    def __init__(self, page):
        self.page = page
        self.root = page.locator(".wb-form-stories")

    def field(self, name: str):
        return self.root.locator(f".wb-stories-{name}").locator("input, textarea, select").first

    def error(self, name: str):
        return self.root.locator(f".wb-stories-{name}-error")

    def skill(self, name: str):
        css = "wb-skill-" + "-".join(name.lower().split())
        return self.root.locator(f".{css} input[type=checkbox]")

    @property
    def status(self):
        return self.root.locator(".wb-stories-status")

    @property
    def table(self):
        return self.root.locator(".wb-stories-table")

    def save(self) -> None:
        self.root.locator(".wb-stories-save").click()

    def screenshot(self, name: str) -> Path:
        """The whole form, as shown, to test-artifacts/screenshots/NAME.

        The viewport is first made tall enough for all of the form to be on screen at once:
        taller elements come out clipped (JupyterLab) or partly unpainted (Voilà).
        """
        height = self.root.evaluate("e => e.getBoundingClientRect().height")
        viewport = self.page.viewport_size or {"width": 1280, "height": 1000}
        self.page.set_viewport_size(
            {"width": viewport["width"], "height": max(viewport["height"], int(height) + 400)}
        )
        self.root.evaluate("e => e.scrollIntoView({block: 'start'})")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.root.screenshot(path=str(path))
        return path
