"""Installed from a wheel, the workbook works in any folder (issue 8, point 11).

The wheel is built the way ``python -m build`` builds it (a source distribution of a copy of
the working tree, then the wheel from that), installed with its dependencies into a fresh
virtual environment, and its commands are run in an empty folder, with a home of their own and
nothing of the checkout on any path: ``demo``, ``generate`` and ``lab`` until it answers.

uv builds and installs: pip's cache keeps nothing on these machines (the registry's files come
without caching headers), so pip fetched the whole stack again on every run; uv's cache keeps
every wheel it once fetched from the registry and links them into each new environment.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from workbook.generate.export import CHROMIUM

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("notebooks", "templates")  # shipped as workbook/assets/<name>/, as setup.py copies them
NOT_SHIPPED = shutil.ignore_patterns(".*", "__pycache__", "*.py[cod]")  # as in setup.py
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "__pycache__", "*.py[cod]", "*.egg-info", "build", "dist", "node_modules",
    "practice", "demo-practice", "test-artifacts", "*.db", "*.db-*",
)  # fmt: skip
TOKEN = "install-test"


def _uv() -> str:
    """uv from the test extras (PyPI's uv), else on the PATH (conda-forge's uv)."""
    try:
        from uv import find_uv_bin
    except ImportError:
        found = shutil.which("uv")
        assert found, "uv is missing: install the test extras (pip install -e '.[test]')"
        return found
    return find_uv_bin()


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` that the wheel should hold, by its path inside ``folder``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(NOT_SHIPPED("", [part]) for part in rel.parts):
            found[rel.as_posix()] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a source distribution of a copy of the working tree."""
    base = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT, base / "src", ignore=NOT_SOURCE)
    subprocess.run(
        [_uv(), "build", "--quiet", "--out-dir", str(base / "dist"), str(base / "src")],
        check=True,
        timeout=600,
    )
    (built,) = (base / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies (not the test extras)."""
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run(
        [_uv(), "venv", "--quiet", "--python", sys.executable, str(env)], check=True, timeout=120
    )
    subprocess.run(
        [_uv(), "pip", "install", "--quiet", "--python", str(env / "bin" / "python"), str(wheel)],
        check=True,
        timeout=900,
    )
    return env


@pytest.fixture
def folder(tmp_path: Path, venv: Path):
    """An empty folder to work in, and an environment that knows nothing of the checkout."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "work").mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "JUPYTER_TOKEN": TOKEN,
    }
    return tmp_path / "work", env


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args[1:]} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def _api(port: int, path: str, method: str = "GET"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/{path}",
        method=method,
        headers={"Authorization": f"token {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_wheel_carries_the_sources_unchanged(wheel: Path):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        for source in SOURCES:
            expected = _files(ROOT / source)
            assert expected, source
            prefix = f"workbook/assets/{source}/"
            shipped = {n[len(prefix) :] for n in names if n.startswith(prefix)}
            assert shipped == set(expected), source
            for rel, data in expected.items():
                assert whl.read(prefix + rel) == data, f"{source}/{rel}"
        for rel in _files(ROOT / "workbook"):  # every module and data file of the package
            assert f"workbook/{rel}" in names, rel


def test_installed_commands_work_in_an_empty_folder(venv: Path, folder):
    work, env = folder
    bin_ = venv / "bin"
    where = _run(
        [str(bin_ / "python"), "-c", "import workbook; print(workbook.__file__)"], work, env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    # demo: a practice with the sample client, her notebooks and her workbook (PDF included
    # where Chromium is).
    _run([str(bin_ / "workbook"), "demo"], work, env)
    practice = work / "demo-practice"
    written = {p.name for p in (practice / "notebooks" / "lana").glob("*.ipynb")}
    assert {"01_intake.ipynb", "05_step4_checkin.ipynb"} <= written, written
    target = practice / "workbooks" / "lana"
    made = {p.name for p in target.iterdir()}
    pdf = {"lana-workbook.pdf"} if Path(CHROMIUM).exists() else set()
    assert {"lana-workbook.ipynb", "lana-workbook.html", "lana-calendar.ics"} | pdf <= made, made

    # generate: the client's workbook again, as a notebook and a web page.
    for name in ("lana-workbook.ipynb", "lana-workbook.html"):
        (target / name).unlink()
    workbook = [str(bin_ / "workbook"), "--practice", "demo-practice"]
    _run([*workbook, "generate", "lana", "--format", "ipynb,html"], work, env)
    assert json.loads((target / "lana-workbook.ipynb").read_text(encoding="utf-8"))["cells"]
    page = (target / "lana-workbook.html").read_text(encoding="utf-8")
    assert "Lana" in page and "Traceback" not in page

    # lab: JupyterLab on Lana's notebooks until its API answers; then shut down through the API.
    port, log = _free_port(), work.parent / "lab.log"
    sink = log.open("w")
    lab = subprocess.Popen(
        [*workbook, "lab", "lana", "--no-browser", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=sink,
    )
    try:
        status, deadline = None, time.monotonic() + 180
        while status is None and lab.poll() is None and time.monotonic() < deadline:
            try:
                status = _api(port, "status")
            except OSError:
                time.sleep(0.5)
        assert status is not None, f"lab never answered (exit {lab.poll()}): {_tail(log)}"
        listed = {item["name"] for item in _api(port, "contents")["content"]}
        assert "lana" in listed, listed
        _api(port, "shutdown", method="POST")
        assert lab.wait(timeout=60) == 0, _tail(log)
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
        sink.close()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]
