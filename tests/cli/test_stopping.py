"""Stopping is clean: Ctrl-C (SIGINT to the process group) or SIGTERM ends `generate --all` and
`workshop collect` within 2 s, with the kernels and Chromium, one line saying how many were
done, exit status 130 or 143, no traceback, and no part of a file under a final name.

Each test starts the real command in a process group of its own, waits until it is at work (a
kernel running, or Chromium printing) and signals the whole group, as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from workbook.files import write_private
from workbook.practice import Practice
from workbook.sample import sample_case

WORKBOOK = [sys.executable, "-m", "workbook"]  # as the `workbook` command starts
CLIENTS = [f"c{n}" for n in range(4)]
OLD = b"the previous good copy"
LIMIT = 2.0  # seconds, as the issue states


ZYGOTE = "workbook.kernels.zygote"


def _is_kernel(p: psutil.Process) -> bool:
    """A kernel started the ordinary way, or forked from the batch's zygote (whose command line
    it keeps: a zygote's child)."""
    command = " ".join(p.cmdline())
    return "ipykernel_launcher" in command or (
        ZYGOTE in command and ZYGOTE in " ".join(p.parent().cmdline())
    )


def _is_browser(p: psutil.Process) -> bool:
    return "chromium" in p.name() or "chrome" in p.name()


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("WORKBOOK_DEBUG", None)
    return subprocess.Popen(
        [*WORKBOOK, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, as a shell gives a command
    )


def _stop_when(
    proc: subprocess.Popen, ready, sig: int, *, group: bool = True, within: float = 240.0
) -> dict:
    """Wait until some process under ``proc`` is ``ready``; signal the group (or the command's
    process alone, as a service manager may); watch it end."""
    seen: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + within
    while True:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never reached the moment to stop it"
        try:
            for child in psutil.Process(proc.pid).children(recursive=True):
                seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass
        if any(_safe(ready, p) for p in seen.values()):
            break
        time.sleep(0.05)
    for child in psutil.Process(proc.pid).children(recursive=True):  # the latest too
        seen.setdefault(child.pid, child)
    sent = time.monotonic()
    os.killpg(proc.pid, sig) if group else proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    time.sleep(0.2)  # anything still alive now was left behind
    left = [p for p in seen.values() if _running(p)]
    print(f"stopped by {signal.Signals(sig).name} in {took:.2f} s")
    return {
        "took": took,
        "status": proc.returncode,
        "stdout": out.decode(),
        "stderr": err.decode(),
        "left": [(p.pid, _name(p)) for p in left],
    }


def _safe(test, p: psutil.Process) -> bool:
    try:
        return test(p)
    except psutil.Error:
        return False


def _running(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _name(p: psutil.Process) -> str:
    try:
        return p.name()
    except psutil.Error:
        return "?"


def _assert_clean(run: dict, sig: int, what: str) -> None:
    assert run["status"] == 128 + sig, run
    assert run["took"] < LIMIT, f"took {run['took']:.2f} s to stop"
    assert "Traceback" not in run["stderr"] and "Traceback" not in run["stdout"], run["stderr"]
    stopped = [line for line in run["stderr"].splitlines() if line.startswith("Stopped")]
    assert len(stopped) == 1, run["stderr"]
    assert re.fullmatch(rf"Stopped: \d+ of \d+ {what}\.", stopped[0]), stopped
    assert not run["left"], f"left running: {run['left']}"


def _whole(path: Path) -> bool:
    """Whether ``path`` holds the previous good copy or a whole new file of its format."""
    data = path.read_bytes()
    if data == OLD:
        return True
    if path.suffix == ".ipynb":
        return bool(nbformat.reads(data.decode("utf-8"), 4).cells)
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".pdf":
        return len(PdfReader(path).pages) > 0
    if path.suffix == ".ics":
        return bool(Calendar.from_ical(data).walk("VEVENT"))
    return True


@pytest.fixture
def many_clients(tmp_path) -> Practice:
    """Four clients, each with a previous copy of every file under its final name."""
    practice = Practice(tmp_path / "practice")
    with practice.open() as store:
        for client in CLIENTS:
            case = sample_case()
            case.client.id = client
            store.save(case)
            folder = practice.workbooks(client)
            for name in ("workbook.ipynb", "workbook.html", "workbook.pdf", "calendar.ics"):
                write_private(folder / f"{client}-{name}", OLD)
    return practice


def _assert_files_whole(practice: Practice) -> None:
    for client in CLIENTS:
        folder = practice.workbooks(client)
        names = sorted(p.name for p in folder.iterdir())
        assert not [n for n in names if n.startswith(".")], names  # no scratch, no temporary
        for name in ("workbook.ipynb", "workbook.html", "workbook.pdf", "calendar.ics"):
            path = folder / f"{client}-{name}"
            assert path.exists(), f"{path.name} was removed"
            assert _whole(path), f"{path.name} holds part of a file"


def _generate(practice: Practice, tmp_path: Path) -> subprocess.Popen:
    args = ["--practice", str(practice.path), "generate", "--all", "--jobs", "2"]
    return _start([*args, "--as-of", "2026-11-20"], tmp_path)


@pytest.mark.browser
def test_ctrl_c_stops_generate_all_while_kernels_run(many_clients, tmp_path):
    run = _stop_when(_generate(many_clients, tmp_path), _is_kernel, signal.SIGINT)
    _assert_clean(run, signal.SIGINT, "workbooks done")
    _assert_files_whole(many_clients)


@pytest.mark.browser
@pytest.mark.parametrize("group", [True, False], ids=["group", "process"])
def test_sigterm_stops_generate_all_while_chromium_prints(many_clients, tmp_path, group):
    run = _stop_when(_generate(many_clients, tmp_path), _is_browser, signal.SIGTERM, group=group)
    _assert_clean(run, signal.SIGTERM, "workbooks done")
    _assert_files_whole(many_clients)


def _workshop(tmp_path: Path) -> Path:
    from workbook.casefile import write_case
    from workbook.workshop import create

    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\nt1,Ann Lee,ann@example.org\nt2,Bo Chan,bo@example.org\n")
    case_file = write_case(sample_case(), tmp_path / "case.yaml")
    out = tmp_path / "cohort"
    create(roster, case_file, out)
    write_private(out / "cohort-report.html", OLD)
    write_private(out / "cohort-report.ipynb", OLD)
    return out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_workshop_collect_while_its_kernel_runs(tmp_path, sig):
    out = _workshop(tmp_path)
    proc = _start(["workshop", "collect", str(out), "--as-of", "2026-12-01"], tmp_path)
    run = _stop_when(proc, _is_kernel, sig)
    _assert_clean(run, sig, "trainees read; the cohort report was not written")
    assert "Stopped: 2 of 2 trainees read" in run["stderr"]
    for name in ("cohort-report.html", "cohort-report.ipynb"):
        assert (out / name).read_bytes() == OLD, name  # the previous copy, untouched
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert json.loads((out / "workshop.json").read_text())["trainees"] == ["t1", "t2"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_the_command_is_still_starting_is_quiet(tmp_path, sig):
    """The first second of any command is spent importing its libraries: a stop then is as
    clean as one later (no traceback, the usual status)."""
    proc = _start(["--practice", str(tmp_path / "p"), "backup", "create", "-o", "b.zip"], tmp_path)
    time.sleep(0.3)  # the interpreter is up, the command line not yet imported
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err.decode()
    assert b"Traceback" not in err and not (tmp_path / "b.zip").exists()
