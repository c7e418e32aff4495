"""The ``workbook`` kernelspec, and the managers that find it: for nbclient and for servers.

The kernelspec ships inside the package (``spec/workbook/kernel.json``): ipykernel's own
command, with the ``workbook-fork`` provisioner named in its metadata. :class:`KernelSpecs`
finds it before any installed kernelspec; :class:`KernelManager` is an AsyncKernelManager that
looks kernels up there, for ``NotebookClient(kernel_manager_class=KernelManager)``.

The surprise: with ``python3`` on, the name "python3" gets the workbook kernelspec too, under
ipykernel's display name. The guided notebooks keep "python3" in their metadata, so they open
unchanged in a plain Jupyter and with forked kernels in the workbook's servers, and saving
them there leaves their metadata as it was.
"""

from __future__ import annotations

import math
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import (
    NATIVE_KERNEL_NAME,
    KernelSpec,
    KernelSpecManager,
    NoSuchKernel,
)
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, DottedObjectName, Type, default

from . import KERNEL_NAME, SPEC_DIR

NATIVE_DISPLAY_NAME = "Python 3 (ipykernel)"
WAIT_POLL = 0.01  # seconds between looks at a kernel being shut down


class KernelSpecs(KernelSpecManager):
    """The installed kernelspecs, and the workbook's (forked kernels) before them."""

    python3 = Bool(
        False,
        config=True,
        help='Serve the name "python3" with the workbook kernelspec (forked kernels) too.',
    )

    def find_kernel_specs(self) -> dict[str, str]:
        found = super().find_kernel_specs()
        ours = str(SPEC_DIR / KERNEL_NAME)
        if self.python3:
            found[NATIVE_KERNEL_NAME] = ours  # one Python in a launcher, not two
            found.pop(KERNEL_NAME, None)
        else:
            found[KERNEL_NAME] = ours
        return found

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The workbook kernelspec for its names; ipykernel's own should the fork provisioner
        not be installed (an install older than the provisioner: jupyter_client has just
        said so), so kernels still start, the ordinary way."""
        if kernel_name == KERNEL_NAME or (self.python3 and kernel_name == NATIVE_KERNEL_NAME):
            try:
                spec = self._get_kernel_spec_by_name(KERNEL_NAME, str(SPEC_DIR / KERNEL_NAME))
            except NoSuchKernel:
                return super().get_kernel_spec(NATIVE_KERNEL_NAME)
            if kernel_name == NATIVE_KERNEL_NAME:
                spec.display_name = NATIVE_DISPLAY_NAME
            return spec
        return super().get_kernel_spec(kernel_name)


class KernelClient(AsyncKernelClient):
    """An asynchronous kernel client that knows a kernel is ready as soon as it is.

    jupyter_client's ``wait_for_ready`` asks for the kernel's info, and once answered reads
    IOPub until it has been silent for 0.2 s: every start waits those 0.2 s, half a forked
    kernel's start. Here the kernel is ready once it has answered and IOPub is known to be
    connected: it carried the kernel's welcome (ipykernel 7 greets a subscription as it
    arrives) or the answered request's end (its ``idle`` status). Nothing sent before is lost
    after that, and what is left of the request's messages is for no one (clients read the
    replies to their own requests). A kernel that answers before its IOPub is connected is
    asked again, as jupyter_client does."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        asked: set[str] = set()
        while True:
            asked.add(self.kernel_info())
            reply = await self._next(self.shell_channel, 1.0)
            answered = reply is not None and reply["msg_type"] == "kernel_info_reply"
            if answered and await self._connected(asked):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    _async_wait_for_ready = wait_for_ready  # jupyter_client's name for it in its own calls

    async def _connected(self, asked: set[str]) -> bool:
        """Whether IOPub carries the kernel's welcome or the idle status of one of the
        ``asked`` requests, each of its messages within 0.2 s of the last."""
        while (msg := await self._next(self.iopub_channel, 0.2)) is not None:
            if msg["msg_type"] == "iopub_welcome":
                return True
            ours = msg.get("parent_header", {}).get("msg_id") in asked
            if (
                ours
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                return True
        return False

    @staticmethod
    async def _next(channel, seconds: float) -> dict | None:  # noqa: ANN001 - a zmq channel
        try:
            return await channel.get_msg(timeout=seconds)
        except Empty:
            return None


class KernelManager(AsyncKernelManager):
    """An asynchronous kernel manager whose kernelspecs come from :class:`KernelSpecs`, and
    whose clients are :class:`KernelClient`."""

    client_class = DottedObjectName("workbook.kernels.specs.KernelClient", config=True)
    client_factory = Type(KernelClient, klass=AsyncKernelClient, config=True)

    async def _async_wait(self, pollinterval: float = WAIT_POLL) -> None:
        """jupyter_client's wait for the kernel's end, looking every 10 ms rather than every
        100: a killed kernel is gone within milliseconds, and each notebook of a batch waited
        the first 100 ms. A look is one system call (``select`` on a forked kernel's
        connection, ``waitpid`` on an ordinary kernel)."""
        await super()._async_wait(pollinterval=min(pollinterval, WAIT_POLL))

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return KernelSpecs(data_dir=self.data_dir, python3=True)
