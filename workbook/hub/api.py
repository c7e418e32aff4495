"""The running hub's REST API, as the CLI's service (``workbook-cli``, the admin token).

``hub add-user`` and ``hub remove-user`` tell a running hub through it (the hub user, their
group); ``hub serve`` brings the hub's users and groups in line with ``people.json`` once the
hub answers (:func:`sync`), since the hub's ``load_groups`` only ever adds.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from .layout import ROLES, Hub, HubError


class Api:
    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    def call(self, method: str, path: str, body: object = None, ok: tuple = ()) -> object:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return None
            raise HubError(f"the hub refused {method} {path}: {exc.code} {exc.reason}") from None
        except OSError as exc:
            raise HubError(f"the hub at {self.url} did not answer ({exc})") from None
        return json.loads(text) if text else None

    def ready(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                self.call("GET", "/")
                return True
            except HubError:
                time.sleep(0.2)
        return False

    def users(self) -> list[str]:
        return [u["name"] for u in self.call("GET", "/users?limit=100000") or []]

    def put_user(self, name: str, role: str) -> None:
        """The hub user ``name``, in the group of ``role`` and in no other role's group."""
        self.call("POST", f"/users/{name}", {}, ok=(409,))
        for group in ROLES:
            if group == role:
                self.call("POST", f"/groups/{group}/users", {"users": [name]})
            else:
                self.call("DELETE", f"/groups/{group}/users", {"users": [name]})

    def delete_user(self, name: str) -> None:
        self.call("DELETE", f"/users/{name}", ok=(404,))


def connect(hub: Hub) -> Api | None:
    """The API of this folder's running hub, or None when it is not running."""
    serving = hub.serving()
    if serving is None:
        return None
    api = Api(serving.api, hub.admin_token())
    if not api.ready(60):
        raise HubError(
            f"the hub of {hub.folder} (process {serving.pid}) does not answer at {serving.api}"
        )
    return api


def sync(hub: Hub, api: Api) -> None:
    """Make the hub's users and groups those of ``people.json`` (plus the admin)."""
    people = hub.people()
    for name in api.users():
        if name not in people and name != hub.admin:
            api.delete_user(name)
    for name, role in people.items():
        api.put_user(name, role)
