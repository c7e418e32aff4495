"""The kernel manager and client the workbook's batches use: ready as soon as the kernel is,
and a kernel's end seen as soon as it comes. IOPub and the shell are stood in for, so each
case is exact; the real kernels of tests/kernels and tests/generate run through the same."""

from __future__ import annotations

from queue import Empty

import jupyter_client.manager
import pytest

from tests.kernels.forked import run
from workbook.kernels import KernelManager
from workbook.kernels.specs import KernelClient


class Channel:
    """A channel whose messages come from a list; None stands for a silence (Empty)."""

    def __init__(self, messages: list[dict | None]):
        self.messages, self.read = list(messages), 0

    async def get_msg(self, timeout: float | None = None) -> dict:
        self.read += 1
        if not self.messages or self.messages[0] is None:
            if self.messages:
                self.messages.pop(0)
            raise Empty
        return self.messages.pop(0)


def message(msg_type: str, parent: str | None = None, **content) -> dict:
    return {"msg_type": msg_type, "parent_header": {"msg_id": parent}, "content": content}


def client(shell: list, iopub: list) -> tuple[KernelClient, list[str]]:
    """A client whose kernel_info requests are numbered ask-1, ask-2..., returned in a list."""
    kc = KernelClient()
    kc._shell_channel, kc._iopub_channel = Channel(shell), Channel(iopub)
    asked: list[str] = []

    def kernel_info() -> str:
        asked.append(f"ask-{len(asked) + 1}")
        return asked[-1]

    async def alive() -> bool:
        return True

    kc.kernel_info, kc._async_is_alive = kernel_info, alive
    kc._handle_kernel_info_reply = lambda msg: None
    return kc, asked


def test_the_managers_clients_are_the_workbooks():
    assert isinstance(KernelManager().client(), KernelClient)


def test_ready_at_the_welcome_without_waiting_for_silence():
    later = [message("stream", "someone-else", text="x")] * 3
    kc, asked = client(
        [message("kernel_info_reply", "ask-1")],
        [message("status", None, execution_state="starting"), message("iopub_welcome"), *later],
    )
    run(kc.wait_for_ready(timeout=5))
    assert asked == ["ask-1"]
    assert len(kc.iopub_channel.messages) == 3  # jupyter_client's would read on to a silence


def test_ready_at_the_answered_requests_idle_status():
    kc, asked = client(
        [message("kernel_info_reply", "ask-1")],
        [
            message("status", "ask-1", execution_state="busy"),
            message("status", "ask-1", execution_state="idle"),
            message("status", "later", execution_state="busy"),
        ],
    )
    run(kc.wait_for_ready(timeout=5))
    assert asked == ["ask-1"] and len(kc.iopub_channel.messages) == 1


def test_an_iopub_not_yet_connected_gets_the_kernel_asked_again():
    """Another request's idle status is not this one's, and a silence is not a connection:
    the kernel is asked again, and ready once the second request's end comes."""
    kc, asked = client(
        [message("kernel_info_reply", "ask-1"), message("kernel_info_reply", "ask-2")],
        [
            message("status", "not-ours", execution_state="idle"),
            None,
            message("status", "ask-2", execution_state="idle"),
        ],
    )
    run(kc.wait_for_ready(timeout=5))
    assert asked == ["ask-1", "ask-2"]


def test_a_kernel_that_never_answers_fails_at_the_deadline(monkeypatch):
    kc, asked = client([], [])
    with pytest.raises(RuntimeError, match="didn't respond"):
        run(kc.wait_for_ready(timeout=0))
    assert asked == ["ask-1"]

    async def dead() -> bool:
        return False

    kc._async_is_alive = dead
    with pytest.raises(RuntimeError, match="died"):
        run(kc.wait_for_ready(timeout=5))


def test_a_kernels_end_is_looked_for_every_ten_milliseconds(monkeypatch):
    manager, looks, naps = KernelManager(), iter([True, True, False]), []

    async def alive() -> bool:
        return next(looks)

    async def nap(seconds: float) -> None:
        naps.append(seconds)

    monkeypatch.setattr(manager, "_async_is_alive", alive)
    monkeypatch.setattr(jupyter_client.manager.asyncio, "sleep", nap)
    run(manager._async_wait(pollinterval=0.1))  # as jupyter_client's shutdown asks
    assert naps == [0.01, 0.01]


def test_without_the_fork_provisioner_installed_kernels_are_ipykernels_own(monkeypatch):
    """An install made before the provisioner existed (its entry point missing) still gets
    kernels, the ordinary way, under both names."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    from workbook.kernels import KERNEL_NAME, KernelSpecs

    factory = KernelProvisionerFactory.instance()
    monkeypatch.setattr(factory, "_check_availability", lambda name: name != "workbook-fork")
    for name, specs in (("python3", KernelSpecs(python3=True)), (KERNEL_NAME, KernelSpecs())):
        spec = specs.get_kernel_spec(name)
        assert "kernel_provisioner" not in spec.metadata, name
        assert spec.argv[1:3] == ["-m", "ipykernel_launcher"], name
