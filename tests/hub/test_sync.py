"""``hub serve`` brings a hub's users and groups in line with people.json when it starts
(``api.sync``): changes made while it was stopped count, since ``load_groups`` only adds."""

from __future__ import annotations

import pytest

from workbook.hub.api import Api, sync
from workbook.hub.layout import Hub

pytestmark = pytest.mark.hub


class Recorded(Api):
    """The hub's API as a list of the calls made to it (the hub's users given)."""

    def __init__(self, users: list[str]):
        super().__init__("http://hub.invalid/hub/api", "token")
        self.hub_users, self.calls = users, []

    def call(self, method: str, path: str, body: object = None, ok: tuple = ()) -> object:
        if (method, path) == ("GET", "/users?limit=100000"):
            return [{"name": n} for n in self.hub_users]
        self.calls.append((method, path, body))
        return None


def test_sync_removes_the_removed_and_regroups_the_rest(tmp_path):
    hub = Hub(tmp_path / "hub")
    hub.create("boss", homes=tmp_path / "homes")
    hub.save_people({"sam": "supervisor", "kim": "trainee"})
    api = Recorded(["boss", "sam", "gone", "kim"])
    sync(hub, api)
    assert ("DELETE", "/users/gone", None) in api.calls
    assert not [
        c for c in api.calls if c[:2] in {("DELETE", "/users/boss"), ("DELETE", "/users/sam")}
    ]
    assert ("POST", "/groups/supervisor/users", {"users": ["sam"]}) in api.calls
    assert ("DELETE", "/groups/trainee/users", {"users": ["sam"]}) in api.calls
    assert ("POST", "/groups/trainee/users", {"users": ["kim"]}) in api.calls
