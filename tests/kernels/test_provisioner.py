"""The workbook kernelspec and its provisioner: found, registered, and driving forked kernels
through jupyter_client's own poll, wait, signals, restart and shutdown."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from jupyter_client.provisioning import KernelProvisionerFactory

from tests.kernels.forked import LIMIT, ends, kernel, run
from workbook.kernels import KERNEL_NAME, SPEC_DIR, VARIABLE, KernelSpecs, provisioner
from workbook.kernels.process import ForkedKernel
from workbook.kernels.zygote import fixed


def test_the_workbook_kernelspec_names_the_fork_provisioner():
    spec = KernelSpecs().get_kernel_spec(KERNEL_NAME)
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == "workbook-fork"
    assert spec.argv[:3] == ["python", "-m", "ipykernel_launcher"]
    assert spec.display_name == "Python 3 (workbook)"
    assert spec.resource_dir == str(SPEC_DIR / KERNEL_NAME)
    assert KernelProvisionerFactory.instance().is_provisioner_available(spec)  # entry point


def test_python3_is_served_with_forked_kernels_only_when_asked():
    plain, forking = KernelSpecs(), KernelSpecs(python3=True)
    assert "kernel_provisioner" not in plain.get_kernel_spec("python3").metadata
    assert plain.find_kernel_specs()[KERNEL_NAME] == str(SPEC_DIR / KERNEL_NAME)
    spec = forking.get_kernel_spec("python3")
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == "workbook-fork"
    assert spec.display_name == "Python 3 (ipykernel)"  # notebooks saved there keep theirs
    found = forking.find_kernel_specs()
    assert found["python3"] == str(SPEC_DIR / KERNEL_NAME) and KERNEL_NAME not in found


def test_jupyter_client_drives_a_forked_kernel_from_start_to_shutdown(zygote):
    async def scenario():
        async with kernel() as k:
            manager = k.manager
            first = manager.provisioner.process
            assert isinstance(first, ForkedKernel) and await manager.is_alive()
            assert manager.provisioner.pgid == first.pid  # its own group, for signals
            await manager.restart_kernel(now=True)  # kill, then a new fork
            second = manager.provisioner.process
            assert isinstance(second, ForkedKernel) and second.pid != first.pid
            assert first.returncode == -signal.SIGKILL and ends(first.pid)
            await k.client.wait_for_ready(timeout=120)
            assert await k.value("6 * 7") == 42
            await manager.shutdown_kernel()  # polite: a shutdown request, then its exit
            assert second.returncode == 0 and not await manager.is_alive()
            return second.pid

    assert ends(run(scenario()))
    assert zygote.kernels() == []


def test_a_forked_kernel_can_be_killed_and_waited_for(zygote):
    async def scenario():
        async with kernel() as k:
            provisioner = k.manager.provisioner
            assert await provisioner.poll() is None
            await provisioner.kill()
            return await asyncio.wait_for(provisioner.wait(), LIMIT)

    assert run(scenario()) == -signal.SIGKILL


def test_without_a_zygote_kernels_start_the_ordinary_way_and_quietly(caplog, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)  # a shell may name one

    async def scenario():
        async with kernel() as k:
            return k.forked, type(k.manager.provisioner.process), await k.value("6 * 7")

    assert run(scenario()) == (False, subprocess.Popen, 42)
    assert "zygote" not in caplog.text  # no zygote was asked for: nothing to warn about


def test_a_launch_given_up_after_its_request_leaves_no_kernel(zygote, monkeypatch):
    """The zygote has forked, but the launch gives up before it holds the kernel (here its
    handle fails; a timeout or a cancelled launch does the same): the child never becomes a
    kernel beside the ordinary one started in its place, it exits."""
    forked = []

    class GivenUp(ForkedKernel):
        def __init__(self, args, pid, *rest):
            forked.append(pid)
            raise OSError("given up")

    monkeypatch.setattr(provisioner, "ForkedKernel", GivenUp)

    async def scenario():
        async with kernel() as k:
            return k.forked, await k.value("6 * 7")

    assert run(scenario()) == (False, 42)
    assert len(forked) == 1 and ends(forked[0], 30)


def zombie_of(pid: int) -> int | None:
    """The parent of ``pid`` if it is a zombie, else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[1]) if fields[0] == "Z" else None


def test_an_ended_kernel_keeps_its_pid_until_its_handle_has_its_status(zygote):
    """As Popen keeps a zombie until polled: a signal for a kernel that has ended can never
    reach another process given its pid (or its group's) meanwhile."""

    async def scenario():
        async with kernel() as k:
            process = k.manager.provisioner.process
            os.kill(k.pid, signal.SIGKILL)
            assert ends(k.pid)
            select.select([process._conn], [], [], LIMIT)  # the zygote has said how it ended
            held = zombie_of(k.pid)
            await k.manager.provisioner.send_signal(signal.SIGINT)  # ended: a no-op
            assert process.wait(LIMIT) == -signal.SIGKILL
            deadline = time.monotonic() + LIMIT
            while zombie_of(k.pid) and time.monotonic() < deadline:
                time.sleep(0.05)  # the zygote reaps it once the handle has let go
            return held, zombie_of(k.pid)

    assert run(scenario()) == (zygote.pid, None)


def test_a_zygote_of_another_user_is_sent_nothing(zygote, monkeypatch, caplog):
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)  # as if the zygote were another's

    async def scenario():
        async with kernel() as k:
            return k.forked, await k.value("6 * 7")

    assert run(scenario()) == (False, 42)
    assert "another user's" in caplog.text


def test_a_zygote_in_a_folder_open_to_others_is_sent_nothing(zygote, caplog):
    zygote.socket.parent.chmod(0o755)  # anyone could have put a socket there

    async def scenario():
        async with kernel() as k:
            return k.forked, await k.value("6 * 7")

    assert run(scenario()) == (False, 42)
    assert "not yours alone" in caplog.text


def test_a_kernel_of_another_python_leaves_the_zygote_to_the_next(zygote, monkeypatch):
    """A kernelspec naming another Python gets an ordinary kernel; the zygote still serves the
    kernels of its own Python."""
    trusted = provisioner.trusted
    calls = []

    def first_is_another_python(conn, path, executable):
        calls.append(executable)
        if len(calls) == 1:
            raise provisioner.OtherPython(f"the zygote runs another Python than {executable}")
        trusted(conn, path, executable)

    monkeypatch.setattr(provisioner, "trusted", first_is_another_python)

    async def scenario():
        forked = []
        for _ in range(2):
            async with kernel() as k:
                forked.append(k.forked)
        return forked

    assert run(scenario()) == [False, True]


def test_what_the_ordinary_launch_scrubs_does_not_stop_a_fork():
    cmd = ["python", "-m", "ipykernel_launcher", "-f", "kernel.json"]
    scrubbed = {"kernel_id": "k1", "extra_arguments": [], "env": {}}
    assert provisioner.unforkable(cmd, scrubbed) is None
    assert "shell" in provisioner.unforkable(cmd, {"shell": True})


def test_a_garbled_answer_is_a_failed_zygote(tmp_path):
    """A zygote that answers nonsense is a failed zygote (the kernel then starts the ordinary
    way), not an error out of the launch."""
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = str(folder / "zygote.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def answer_nonsense():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(f"hello {json.dumps(fixed(os.environ))}\n".encode())  # as its own
            data = b"."
            while data and b"\0" not in data:
                data = conn.recv(65536)
            conn.sendall(b"pid \xff\xfe\n")

    server = threading.Thread(target=answer_nonsense)
    server.start()
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "kernel.json")]
    try:
        with pytest.raises(provisioner.ZygoteFailed, match="pid"):
            run(provisioner.fork(path, cmd, {"env": {}}))
    finally:
        server.join(LIMIT)
        listener.close()
