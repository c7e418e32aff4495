"""A kernel in a person's server behind the hub, and records saved through the forms' code
in it: what the load bench (``bench/hub.py``) and the restart test do as people would.

The kernel is started through the Jupyter server's REST API (``POST /user/NAME/api/kernels``)
with the person's signed-in session (the cookies the hub's OAuth gave it, and its ``_xsrf``),
through the proxy, and code runs in it over the kernel's websocket. In it, the client's
"stories" form (``Workbook(CLIENT).form("stories")``) is filled in and saved, as a person
pressing Save does; the cell prints what the form said.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

CLIENT = "lana"

# The practice the server opened (WORKBOOK_PRACTICE), the sample client made once, the form.
SETUP = f"""
import json as _json, time as _time
from workbook.practice import Practice as _Practice
from workbook.sample import sample_case as _sample
_store = _Practice.locate().open()
if {CLIENT!r} not in _store.client_ids():
    _store.save(_sample())
_store.close()
from workbook.forms.workbook import Workbook
wb = Workbook({CLIENT!r})
stories = wb.form("stories")
print(_json.dumps({{"problem": wb.problem}}))
"""

SAVE = """
stories.fields["id"].set({id!r})
stories.fields["title"].set("Story {id}")
stories.fields["text"].set("Saved through the form in a kernel, round {n}.")
_t = _time.perf_counter()
_o = stories.save()
_s = _time.perf_counter() - _t
print(_json.dumps({{"seconds": _s, "ok": _o.ok, "status": stories.status.value}}))
"""


class Kernel:
    """A kernel in a person's server, reached with their signed-in session's cookies."""

    def __init__(self, base: str, session, name: str):  # noqa: ANN001 - requests.Session
        self.base, self.session, self.name = base, session, name
        self.prefix = f"/user/{name}/"
        mine = [c for c in session.cookies if c.name == "_xsrf"]
        self.xsrf = next((c.value for c in mine if c.path.rstrip("/") == self.prefix[:-1]), "")
        if not self.xsrf:
            raise RuntimeError(f"no _xsrf cookie for {self.prefix}: {[c.path for c in mine]}")
        answer = session.post(
            f"{base}{self.prefix}api/kernels",
            json={"name": "python3"},
            headers={"X-XSRFToken": self.xsrf},
            timeout=120,
        )
        answer.raise_for_status()
        self.id = answer.json()["id"]
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)  # this thread's own
        self.ws = self.loop.run_until_complete(self._connect())

    async def _connect(self):  # noqa: ANN202 - tornado's WebSocketClientConnection
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        host = urlsplit(self.base).netloc
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        request = HTTPRequest(
            f"ws://{host}{self.prefix}api/kernels/{self.id}/channels"
            f"?session_id={uuid.uuid4().hex}&_xsrf={self.xsrf}",
            headers={"Cookie": cookies, "X-XSRFToken": self.xsrf},
            request_timeout=120,
        )
        return await websocket_connect(request)

    async def _close(self) -> None:
        self.ws.close()
        await asyncio.sleep(0)

    def run(self, code: str, timeout: float = 300) -> tuple[str, float]:
        """Execute ``code``; its standard output and the round trip in seconds. Raises if
        the cell fails (an error, or a reply other than ok) or the websocket closes."""
        return self.loop.run_until_complete(asyncio.wait_for(self._run(code), timeout))

    async def _run(self, code: str) -> tuple[str, float]:
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "msg_type": "execute_request",
                "username": self.name,
                "session": uuid.uuid4().hex,
                "version": "5.3",
                "date": "",
            },
            "parent_header": {},
            "metadata": {},
            "content": {"code": code, "silent": False, "store_history": False},
            "channel": "shell",
            "buffers": [],
        }
        started = time.perf_counter()
        await self.ws.write_message(json.dumps(message))
        out, replied, idle = [], None, False
        while replied is None or not idle:
            raw = await self.ws.read_message()
            if raw is None:
                raise RuntimeError(f"{self.name}: the kernel's websocket closed")
            if isinstance(raw, bytes):
                continue
            got = json.loads(raw)
            if got.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = got["msg_type"], got["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                raise RuntimeError(f"{self.name}: {content['ename']}: {content['evalue']}")
            elif kind == "execute_reply":
                if content.get("status") != "ok":
                    raise RuntimeError(f"{self.name}: the cell's reply: {content.get('status')}")
                replied = time.perf_counter() - started
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return "".join(out), replied

    def close(self, shut_down: bool = True) -> None:
        """Close the websocket and, if ``shut_down``, shut the kernel down through the API
        (not once its server is gone)."""
        with contextlib.suppress(Exception):  # a websocket the server closed already
            self.loop.run_until_complete(self._close())
        if shut_down:
            self.session.delete(
                f"{self.base}{self.prefix}api/kernels/{self.id}",
                headers={"X-XSRFToken": self.xsrf},
                timeout=60,
            )
        self.loop.close()


def last_json(out: str) -> dict[str, Any]:
    """The JSON a cell printed last."""
    return json.loads(out.strip().splitlines()[-1])


def open_stories(kernel: Kernel) -> None:
    """The sample client and its stories form, ready in ``kernel`` (:data:`SETUP`)."""
    problem = last_json(kernel.run(SETUP)[0])["problem"]
    if problem:
        raise RuntimeError(problem)


def save_story(kernel: Kernel, story: str, n: int, timeout: float = 300) -> tuple[dict, float]:
    """Save story ``story`` with the form in ``kernel`` (:func:`open_stories` first): what the
    cell printed (``ok``, the form's ``status`` line, ``seconds`` in ``save()``) and the
    cell's round trip in seconds."""
    out, trip = kernel.run(SAVE.format(id=story, n=n), timeout)
    return last_json(out), trip


def acknowledged(done: dict) -> bool:
    """Whether the form said the story was saved (its outcome ok, its status line "Saved")."""
    return bool(done["ok"]) and "Saved " in done["status"]
