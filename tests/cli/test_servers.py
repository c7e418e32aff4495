"""`workbook lab` and `workbook app`: the server command lines they build, what they refuse, and
a real JupyterLab started from a practice made by `workbook init` alone."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import workbook.notebooks
from tests.browser.conftest import _free_port, _isolated_env
from workbook.cli import cli
from workbook.notebooks import prepare
from workbook.practice import Practice
from workbook.sample import sample_case

WORKBOOK = Path(sys.executable).with_name("workbook")


@pytest.fixture
def started(monkeypatch):
    """The command each server command would replace itself with (``os.execve`` not run)."""
    commands = []
    monkeypatch.setattr(workbook.notebooks, "run", lambda command, _: commands.append(command))
    return commands


@pytest.fixture
def demo(tmp_path):
    """A practice holding the sample client, Lana, with her notebooks (as `workbook demo` leaves
    it, without generating her workbook)."""
    practice = Practice(tmp_path / "practice")
    with practice.open() as store:
        store.save(sample_case())
    prepare(practice, "lana")
    return practice.path


def run(practice: Path, *args: str):
    return CliRunner().invoke(cli, ["--practice", str(practice), *args])


def _after(command: list[str], flag: str) -> list[str]:
    return [a for a in command if a.startswith(flag)]


def test_init_writes_a_practice_start_here(tmp_path):
    result = run(tmp_path / "p", "init")
    assert result.exit_code == 0, result.stderr
    start = tmp_path / "p" / "notebooks" / "00_start_here.ipynb"
    assert oct(start.stat().st_mode & 0o777) == "0o600"
    assert f"start here: {start.resolve()}" in result.stdout
    nb = json.loads(start.read_text())
    (injected,) = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    text = "".join(injected["source"])
    assert f'practice = "{(tmp_path / "p").resolve()}"' in text and "client" not in text
    before = start.stat().st_mtime_ns
    assert run(tmp_path / "p", "init").exit_code == 0
    assert start.stat().st_mtime_ns == before  # the same cells: kept, not rewritten


def test_lab_without_a_client_opens_start_here(tmp_path, started):
    assert run(tmp_path / "p", "init").exit_code == 0
    result = run(tmp_path / "p", "lab", "--no-browser", "--port", "8899", "--", "--debug", "x y")
    assert result.exit_code == 0, result.stderr
    (command,) = started
    assert command[0].endswith("jupyter-lab")
    root = (tmp_path / "p" / "notebooks").resolve()
    assert f"--ServerApp.root_dir={root}" in command
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in command
    assert _after(command, "--port") == ["--port=8899"]
    assert "--ServerApp.port_retries=0" in command and "--no-browser" in command
    assert command[-2:] == ["--debug", "x y"]  # everything after --, as typed


def test_lab_for_a_client_opens_their_workspace(demo, started):
    assert run(demo, "lab", "lana").exit_code == 0
    (command,) = started
    assert "--LabApp.default_url=/lab/workspaces/lana/tree/lana/01_intake.ipynb" in command
    assert "--no-browser" not in command and not _after(command, "--port")


def test_app_serves_every_notebook_and_opens_start_here_or_the_client(demo, started):
    assert run(demo, "app", "--port=8866", "--no-browser", "--", "--theme=dark").exit_code == 0
    assert run(demo, "app", "lana").exit_code == 0
    practitioner, client = started
    root = str((demo / "notebooks").resolve())
    assert practitioner[1:3] == ["-m", "workbook.voila_app"]
    assert practitioner[3] == "--page=voila/render/00_start_here.ipynb"
    assert practitioner[4] == root and practitioner[-1] == "--theme=dark"
    assert "--port=8866" in practitioner and "--Voila.port_retries=0" in practitioner
    assert "--page=voila/render/lana/01_intake.ipynb" in client and client[4] == root


@pytest.mark.parametrize("command", ["lab", "app"])
def test_nothing_typed_is_taken_for_a_client(demo, started, command):
    unknown = run(demo, command, "8890")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("workbook: error: no client '8890'")
    option = run(demo, command, "--ServerApp.token=x")
    assert option.exit_code == 2 and "go after --" in option.stderr
    assert run(demo, command, "--port", "none").exit_code == 2
    after = run(demo, command, "--", "lana")  # after --: the server's, not a client
    assert after.exit_code == 0 and started[-1][-1] == "lana"
    assert not [c for c in started if any("/lana/" in a for a in c)]
    assert run(demo, command, "lana", "extra").exit_code == 2
    assert not (demo / "notebooks" / "8890").exists()


def test_a_practice_that_does_not_exist_is_one_line(tmp_path, started):
    result = run(tmp_path / "nowhere", "lab")
    assert result.exit_code == 1 and "workbook init" in result.stderr
    assert not (tmp_path / "nowhere").exists() and not started


def test_prepare_refreshes_start_here_and_drops_a_clients_old_copy(demo):
    old = demo / "notebooks" / "lana" / "00_start_here.ipynb"
    old.write_text("{}")
    start = demo / "notebooks" / "00_start_here.ipynb"
    start.unlink()
    result = run(demo, "prepare", "lana")
    assert result.exit_code == 0 and f"wrote {start.resolve()}" in result.stdout
    assert not old.exists()


def test_lab_from_a_fresh_practice_answers(tmp_path):
    """`workbook init`, then `workbook lab --no-browser --port N` for real: the server answers
    with the command's own PID, and / leads to the start-here notebook."""
    practice = tmp_path / "p"
    assert run(practice, "init").exit_code == 0
    port, token = _free_port(), secrets.token_hex(8)
    home = tmp_path / "home"
    args = ["--practice", str(practice), "lab", "--no-browser", "--port", str(port)]
    args += ["--", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(
        [str(WORKBOOK), *args], env=_isolated_env(home), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status = _wait(f"{base}/api/status?token={token}", server)
        assert "started" in status
        info = json.loads((home / "runtime" / f"jpserver-{server.pid}.json").read_text())
        assert info["root_dir"] == str((practice / "notebooks").resolve())  # its PID, its root
        request = urllib.request.Request(f"{base}/?token={token}")
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=30)
        assert redirect.value.headers["Location"].startswith("/lab/tree/00_start_here.ipynb")
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _wait(url: str, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited before answering"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)  # polling a socket that is not listening yet: nothing to wait for
    raise AssertionError(f"no answer from {url}")


def test_practice_object_is_unchanged_by_lab(tmp_path, started):
    """Building the command writes nothing about the practice but its start-here."""
    assert run(tmp_path / "p", "init").exit_code == 0
    before = sorted(p.name for p in (tmp_path / "p").rglob("*"))
    assert run(tmp_path / "p", "lab").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "p").rglob("*")) == before
    assert Practice(tmp_path / "p").db_path.exists()
