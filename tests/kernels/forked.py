"""Helpers for tests of forked kernels: a kernel to run code in, a process's end, its memory.

Every wait here has a generous limit so that a broken feature fails the test instead of hanging
it; no test measures how long anything takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from jupyter_client.manager import AsyncKernelManager

from workbook.kernels import KERNEL_NAME, KernelManager
from workbook.kernels.process import ForkedKernel

T = TypeVar("T")
LIMIT = 120.0  # seconds before a wait gives up (a guard, never an expectation)


@dataclass
class Kernel:
    manager: AsyncKernelManager
    client: object
    pid: int
    forked: bool  # whether the zygote forked it (rather than the ordinary launch)

    async def run(self, code: str, output_hook=None) -> str:
        """Run ``code``; what it printed. A failing cell fails the test with its traceback."""
        printed: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            if output_hook:
                output_hook(msg)

        reply = await self.client.execute_interactive(code, timeout=LIMIT, output_hook=hook)
        content = reply["content"]
        if content["status"] != "ok":
            raise AssertionError("\n".join(content.get("traceback", [content.get("ename")])))
        return "".join(printed)

    async def value(self, expression: str):
        """The value of a JSON-able ``expression`` in the kernel."""
        return json.loads(await self.run(f"import json; print(json.dumps({expression}))"))


@contextlib.asynccontextmanager
async def kernel(name: str = KERNEL_NAME, **start: object) -> AsyncIterator[Kernel]:
    """A kernel of the ``workbook`` kernelspec (forked when a zygote runs), shut down after."""
    manager = KernelManager(kernel_name=name)
    await manager.start_kernel(**start)
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=LIMIT)
        process = manager.provisioner.process
        yield Kernel(manager, client, process.pid, isinstance(process, ForkedKernel))
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def ends(pid: int, limit: float = LIMIT) -> bool:
    """Whether process ``pid`` ends (or has ended) within ``limit`` seconds."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], limit)[0])
    finally:
        os.close(fd)


def memory_holds(pid: int, needle: bytes) -> bool:
    """Whether ``needle`` is anywhere in the readable memory of process ``pid``. A search that
    could read none of the process's writable regions (where a request or a client's data
    would be) fails the test rather than find nothing."""
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    writable = unread = 0
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as memory:
        for line in maps:
            span, perms, *rest = line.split()
            if not perms.startswith("r") or rest[-1:] in (["[vvar]"], ["[vsyscall]"]):
                continue
            writable += "w" in perms
            start, end = (int(x, 16) for x in span.split("-"))
            try:
                memory.seek(start)
                if needle in memory.read(end - start):
                    return True
            except OSError:
                unread += "w" in perms  # a region that cannot be read (a device's, a guard page)
    if unread == writable:
        raise AssertionError(
            f"the search read none of the {writable} writable regions of process {pid}"
        )
    return False


def run(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(work)`` in a thread of its own: a session's Playwright (the browser tests)
    runs an event loop in this thread, where asyncio.run would refuse to start another."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-loop") as thread:
        return thread.submit(asyncio.run, work).result()
