"""Forked kernels where the workbook starts kernels: a batch, the cohort report, JupyterLab and
Voilà each fork theirs from a zygote of their own, and still run when it is missing or killed.

A kernel is known to be forked by its parent: the zygote (``python -m workbook.kernels.zygote``),
not the process that asked for it. Batches are watched from inside (each kernel's process, read
as it starts); servers from outside (the kernel says who its parent is).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import nbformat
import psutil
import pytest
from click.testing import CliRunner
from jupyter_client.kernelspec import KernelSpecManager

import workbook.kernels
from tests.kernels.forked import memory_holds
from workbook import forked
from workbook.cli import cli
from workbook.generate import generate_many
from workbook.notebooks import prepare
from workbook.practice import Practice
from workbook.sample import sample_case, sample_text
from workbook.workshop import collect

AS_OF = date(2026, 11, 20)
ZYGOTE = "workbook.kernels.zygote"


def is_zygote(proc: psutil.Process) -> bool:
    try:
        return ZYGOTE in proc.cmdline()
    except psutil.Error:
        return False


def zygotes_under(pid: int) -> list[psutil.Process]:
    """The zygotes ``pid`` started (its kernels, forked, have the zygote's command line too)."""
    return [p for p in psutil.Process(pid).children() if is_zygote(p)]


def gone(proc: psutil.Process) -> bool:
    """Ended: no longer there, or a zombie (whose parent has not read its status yet)."""
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def ended(*procs: psutil.Process, within: float = 30) -> bool:
    """Whether every one of ``procs`` has ended, waiting up to ``within`` seconds (a zombie has:
    a process that is not this one's child cannot be waited for)."""
    deadline = time.monotonic() + within
    while not all(gone(p) for p in procs):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # another process's end: nothing to wait on but its status
    return True


def kill(proc: psutil.Process) -> None:
    proc.send_signal(signal.SIGKILL)
    assert ended(proc)


@dataclass
class Kernel:
    """A kernel as it started: its process id, its parent's, and what that parent was."""

    pid: int
    parent: int
    forked: bool  # its parent is a zygote
    grandparent: int


class Launches:
    """Every kernel started through the workbook's kernel manager, read right after it started;
    ``before(n)`` runs before the n-th start (from 0)."""

    def __init__(self) -> None:
        self.kernels: list[Kernel] = []
        self.before = lambda n: None

    @property
    def parents(self) -> list[int]:
        return [k.parent for k in self.kernels]


@pytest.fixture
def launches(monkeypatch) -> Launches:
    seen = Launches()

    class Recording(workbook.kernels.KernelManager):
        async def start_kernel(self, **kwargs):  # noqa: ANN003, ANN201
            seen.before(len(seen.kernels))
            result = await super().start_kernel(**kwargs)
            parent = psutil.Process(self.provisioner.process.pid).parent()
            kernel = Kernel(self.provisioner.process.pid, parent.pid, is_zygote(parent), 0)
            kernel.grandparent = parent.ppid()
            seen.kernels.append(kernel)
            return result

    monkeypatch.setattr(workbook.kernels, "KernelManager", Recording)
    monkeypatch.delenv(forked.PLAIN, raising=False)
    return seen


@pytest.fixture
def clients(tmp_path) -> tuple[Practice, list[str]]:
    practice = Practice(tmp_path / "practice")
    cases = []
    for n in range(3):
        case = sample_case().model_copy(deep=True)
        case.client.id = f"client-{n}"
        cases.append(case)
    with practice.open() as store:
        store.save_all(cases)
    return practice, [c.client.id for c in cases]


def batch(practice: Practice, ids: list[str], jobs: int = 1) -> None:
    results = generate_many(practice, ids, formats=["ipynb"], as_of=AS_OF, jobs=jobs)
    assert [r.error for r in results] == [None] * len(ids)
    for client in ids:
        nb = nbformat.read(practice.workbooks(client) / f"{client}-workbook.ipynb", 4)
        assert nb.metadata.kernelspec.name == "python3"  # opens in any Jupyter


def test_a_batch_forks_every_kernel_from_one_zygote_that_ends_with_it(clients, launches):
    practice, ids = clients
    batch(practice, ids, jobs=2)
    assert len(launches.kernels) == len(ids)
    (zygote,) = set(launches.parents)
    assert all(k.forked and k.grandparent == os.getpid() for k in launches.kernels)
    assert not psutil.pid_exists(zygote) and not zygotes_under(os.getpid())  # stopped, reaped


def test_a_batch_completes_on_ordinary_kernels_when_its_zygote_is_killed(clients, launches):
    """Killed before the first kernel (the zygote named is missing) or between kernels: the
    kernels after it start the ordinary way, as this process's children, and every workbook
    is made."""
    practice, ids = clients

    def killing(n: int, at: int) -> None:
        if n == at:
            (zygote,) = zygotes_under(os.getpid())
            kill(zygote)

    launches.before = lambda n: killing(n, 1)
    batch(practice, ids)
    first, *rest = launches.kernels
    assert first.forked and [k.parent for k in rest] == [os.getpid()] * (len(ids) - 1)

    launches.kernels.clear()
    launches.before = lambda n: killing(n, 0)
    batch(practice, ids)
    assert launches.parents == [os.getpid()] * len(ids)


def test_a_batch_leaves_no_client_text_in_its_zygote(tmp_path, launches, monkeypatch):
    """Two clients whose stories hold a marker of their own: once the batch has run, each
    marker is in its client's workbook and nowhere in the zygote's memory (searched before the
    zygote stops; its socket's path, which it does hold, is found by the same search)."""
    practice = Practice(tmp_path / "practice")
    markers = {f"client-{n}": f"marker-{secrets.token_hex(12)}" for n in range(2)}
    with practice.open() as store:
        for client, marker in markers.items():
            case = sample_case().model_copy(deep=True)
            case.client.id = client
            case.stories[0].text += f" She called it {marker}."
            store.save(case)
    searched = {}
    batch_zygote = forked.zygote

    @contextlib.contextmanager
    def kept_for_search(*args, **kwargs):  # noqa: ANN002, ANN003 - forked.zygote's
        with batch_zygote(*args, **kwargs) as zygote:
            yield zygote
            searched["socket"] = memory_holds(zygote.pid, os.fsencode(zygote.socket))
            searched["markers"] = [memory_holds(zygote.pid, m.encode()) for m in markers.values()]

    monkeypatch.setattr(forked, "zygote", kept_for_search)
    batch(practice, list(markers))
    assert len(launches.kernels) == 2 and all(k.forked for k in launches.kernels)
    for client, marker in markers.items():
        made = (practice.workbooks(client) / f"{client}-workbook.ipynb").read_text()
        assert marker in made
    assert searched == {"socket": True, "markers": [False, False]}


def test_plain_kernels_when_asked(clients, launches, monkeypatch):
    monkeypatch.setenv(forked.PLAIN, "1")
    practice, ids = clients
    results = generate_many(practice, ids[:1], formats=["ipynb"], as_of=AS_OF)
    assert results[0].ok and not launches.kernels  # not the workbook's kernel manager at all
    assert forked.lab_flags() == [] and forked.voila_flags() == []


@pytest.fixture
def workshop(tmp_path) -> Path:
    case_file = tmp_path / "case.yaml"
    case_file.write_text(sample_text(), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\nana,Ana Silva,ana@example.org\n", encoding="utf-8")
    out = tmp_path / "workshop"
    args = ["workshop", "create", str(roster), "--case", str(case_file), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def test_the_cohort_report_runs_in_a_forked_kernel_or_an_ordinary_one(workshop, launches):
    report = collect(workshop, as_of=AS_OF)
    assert "Trainee 01" in report.read_text(encoding="utf-8")
    (kernel,) = launches.kernels
    assert kernel.forked and kernel.grandparent == os.getpid()
    assert not zygotes_under(os.getpid())

    report.unlink()
    launches.kernels.clear()
    launches.before = lambda n: [kill(z) for z in zygotes_under(os.getpid())]
    report = collect(workshop, as_of=AS_OF)
    assert "Trainee 01" in report.read_text(encoding="utf-8")
    assert launches.parents == [os.getpid()]


def test_guided_notebooks_name_a_kernel_every_jupyter_has(tmp_path):
    """The notebooks keep ``python3``: a plain Jupyter, without the workbook's kernelspec,
    opens them on its own kernel (the workbook's servers map that name to theirs)."""
    practice = Practice(tmp_path / "practice")
    with practice.open() as store:
        store.save(sample_case())
    written = [p.path for p in prepare(practice, sample_case().client.id)]
    plain = KernelSpecManager()
    for path in written:
        name = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
        assert name in plain.find_kernel_specs(), path.name
