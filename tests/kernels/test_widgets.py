"""ipywidgets in a forked kernel: the same comm targets as in an ordinary kernel.

ipywidgets registers its comm targets when it is imported in a kernel; the zygote imported it
before any kernel existed, so a forked kernel's ``import ipywidgets`` registers nothing unless
the child does what that import would have done.
"""

from __future__ import annotations

import time
import uuid

from tests.kernels.forked import LIMIT, kernel, run
from workbook.kernels import VARIABLE

TARGETS = "sorted(__import__('comm').get_comm_manager().targets)"


def test_a_forked_kernel_has_the_comm_targets_of_an_ordinary_one(zygote, monkeypatch):
    async def targets():
        async with kernel() as k:
            await k.run("import ipywidgets")
            return k.forked, await k.value(TARGETS)

    forked = run(targets())
    monkeypatch.delenv(VARIABLE)
    ordinary = run(targets())
    assert forked[0] and not ordinary[0]
    assert forked[1] == ordinary[1]
    assert {"jupyter.widget", "jupyter.widget.control"} <= set(forked[1])


async def control_answer(k) -> dict:
    """What the kernel answers a page that reopens the widgets' control comm and asks for
    their states (as JupyterLab does when a notebook's page is reloaded)."""
    client = k.client
    comm_id = uuid.uuid4().hex
    for msg_type, content, metadata in (
        (
            "comm_open",
            {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},
        ),
        ("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}, {}),
    ):
        client.shell_channel.send(client.session.msg(msg_type, content, metadata=metadata))
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        msg = await client.get_iopub_msg(timeout=LIMIT)
        if msg["content"].get("comm_id") == comm_id:
            return {"type": msg["msg_type"], **msg["content"].get("data", {})}
    raise AssertionError("the kernel never answered on the control comm")


def test_a_reloaded_page_gets_the_states_of_a_forked_kernels_widgets(zygote):
    async def scenario():
        async with kernel() as k:
            await k.run("import ipywidgets; slider = ipywidgets.IntSlider(value=7)")
            model = await k.value("slider.model_id")
            return k.forked, model, await control_answer(k)

    forked, model, answer = run(scenario())
    assert forked
    assert answer["type"] == "comm_msg" and answer["method"] == "update_states"
    assert answer["states"][model]["state"]["value"] == 7
