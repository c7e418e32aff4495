"""`workbook lab` and `workbook app` (the practitioner's and the client's): a zygote started with
the server, the guided notebooks' ``python3`` kernels forked from it, ordinary kernels once it
is gone, and no zygote left once the server is.

Each kernel says who its parent is: JupyterLab's through a session opened as the page opens a
notebook (then a kernel client on its connection file), Voilà's in a page it renders.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest
from jupyter_client import BlockingKernelClient

from tests.browser.conftest import CLIENT, Server, _free_port, _start, _stop, start_app
from tests.test_forked import ended, kill, zygotes_under
from workbook import forked
from workbook.clientapp.serve import pages_dir
from workbook.notebooks import prepare
from workbook.practice import Practice
from workbook.sample import sample_case

PROBE = "import os\nprint(f'parent={os.getppid()}')"


@pytest.fixture
def practice(tmp_path, monkeypatch) -> Practice:
    monkeypatch.delenv(forked.PLAIN, raising=False)
    practice = Practice(tmp_path / "practice")
    with practice.open() as store:
        store.save(sample_case())
    prepare(practice, CLIENT)
    return practice


def the_zygote(server: Server) -> psutil.Process:
    (zygote,) = zygotes_under(server.pid)
    assert zygote.ppid() == server.pid  # the server's own
    return zygote


# ---------------------------------------------------------------------------------- JupyterLab


def start_lab(practice: Practice, home: Path) -> Server:
    home.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    args = ["--practice", str(practice.path), "lab", CLIENT, "--no-browser", f"--port={port}"]
    args += ["--", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    return _start(args, home, f"http://127.0.0.1:{port}", token, "/api/status")


def open_notebook(server: Server, home: Path, practice: Practice, path: str) -> int:
    """Open ``path`` as JupyterLab does (a session on the kernel its metadata names); return
    the parent process id its kernel reports."""
    metadata = json.loads((practice.notebooks() / path).read_text())["metadata"]
    body = {"path": path, "type": "notebook", "name": path, "kernel": metadata["kernelspec"]}
    request = urllib.request.Request(
        server.url("/api/sessions"),
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        session = json.loads(response.read())
    client = BlockingKernelClient()
    client.load_connection_file(home / "runtime" / f"kernel-{session['kernel']['id']}.json")
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        said = []
        client.execute_interactive(
            PROBE,
            timeout=60,
            output_hook=lambda m: said.append(m["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
    return int(re.search(r"parent=(\d+)", "".join(said))[1])


def test_lab_forks_a_guided_notebooks_kernel_from_a_zygote_that_ends_with_it(practice, tmp_path):
    home = tmp_path / "lab"
    server = start_lab(practice, home)
    try:
        zygote = the_zygote(server)
        assert open_notebook(server, home, practice, f"{CLIENT}/01_intake.ipynb") == zygote.pid
        (kernel,) = zygote.children()
        python3 = server.api("GET", "/api/kernelspecs")["kernelspecs"]["python3"]["spec"]
        assert python3["metadata"]["kernel_provisioner"]["provisioner_name"] == "workbook-fork"
        os.kill(server.pid, signal.SIGKILL)  # even killed, the server takes them with it
        server.process.wait(timeout=30)
        assert ended(zygote, kernel)
    finally:
        _stop(server)


def test_lab_opens_notebooks_on_ordinary_kernels_once_its_zygote_is_gone(practice, tmp_path):
    home = tmp_path / "lab"
    server = start_lab(practice, home)
    try:
        kill(the_zygote(server))
        step = f"{CLIENT}/02_step1_what_has_been_tried.ipynb"
        assert open_notebook(server, home, practice, step) == server.pid
    finally:
        _stop(server)


# --------------------------------------------------------------------------------------- Voilà


def render(server: Server, folder: Path) -> int:
    """Put a notebook (kernelspec ``python3``, as the guided ones) in the served ``folder``,
    have Voilà render it, and return the parent process id its kernel printed."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    name = f"probe-{secrets.token_hex(4)}.ipynb"
    (folder / name).write_text(nbformat.writes(nb))
    with urllib.request.urlopen(server.url(f"/voila/render/{name}"), timeout=120) as response:
        page = response.read().decode()
    return int(re.search(r"parent=(\d+)", page)[1])


@pytest.mark.parametrize("audience", ["practitioner", "client"])
def test_the_app_renders_pages_on_forked_kernels_then_ordinary_ones(practice, tmp_path, audience):
    (tmp_path / "app").mkdir()
    server = start_app(practice, tmp_path / "app", "--audience", audience)
    folder = pages_dir(practice, CLIENT) if audience == "client" else practice.notebooks()
    try:
        zygote = the_zygote(server)
        assert render(server, folder) == zygote.pid
        kill(zygote)
        assert render(server, folder) == server.pid
    finally:
        _stop(server)
    assert not zygotes_under(os.getpid())


def test_the_app_stops_its_zygote_with_it(practice, tmp_path):
    (tmp_path / "app").mkdir()
    server = start_app(practice, tmp_path / "app")
    try:
        zygote = the_zygote(server)
    finally:
        _stop(server)  # SIGTERM: Voilà shuts its kernels down, then the zygote is stopped
    assert server.process.returncode == 0 and ended(zygote)
