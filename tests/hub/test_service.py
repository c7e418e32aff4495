"""The exchange service and start-here's buttons that call it.

Without a hub: the service's own application, with the hub's token check stubbed (a token
names a person), serves start-here's **Hand in** and **Send to supervisor**, which act as root
and refuse what the person may not do. Through a real hub: the hub starts the service, a
trainee's server holds its URL and a token, and with that token the trainee hands in and the
educator's collect counts it; a token the hub does not know is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import pwd
import secrets
import threading
import time
from pathlib import Path

import pytest

from tests.hub.offline import offline_hub  # noqa: F401

pytestmark = pytest.mark.hub


class StubAuth:
    """HubAuth's one call the service makes: whose is this token (None: nobody's)."""

    def __init__(self, tokens: dict[str, str]):
        self.tokens = tokens

    def user_for_token(self, token: str, use_cache: bool = True) -> dict | None:
        name = self.tokens.get(token)
        return {"kind": "user", "name": name} if name else None


@pytest.fixture(scope="module")
def service(offline_hub):  # noqa: F811
    """The service's application on a free port, in a thread of this process."""
    from workbook.hub.serve import free_port
    from workbook.hub.service import make_app

    tokens: dict[str, str] = {}
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    async def start() -> None:
        make_app(offline_hub.layout, StubAuth(tokens)).listen(port, address="127.0.0.1")
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(30)
    yield {"url": f"http://127.0.0.1:{port}", "tokens": tokens}
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def _person(service, name: str):  # noqa: ANN001, ANN202 - the service; an Exchange
    from workbook.forms.exchange import Exchange

    token = secrets.token_hex(8)
    service["tokens"][token] = name
    return Exchange({"WORKBOOK_EXCHANGE_URL": service["url"], "JUPYTERHUB_API_TOKEN": token})


def _roster(path: Path, trainees: list[str]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "email"])
        writer.writerows([t, t.upper(), f"{t}@example.org"] for t in trainees)
    return path


@pytest.fixture(scope="module")
def trainee(offline_hub, tmp_path_factory):  # noqa: F811
    from workbook.casefile import write_case
    from workbook.hub.workshops import create
    from workbook.sample import sample_case

    tmp = tmp_path_factory.mktemp("service")
    name, workshop = f"tr-{secrets.token_hex(3)}", f"ws-{secrets.token_hex(3)}"
    offline_hub.names.add(name)
    offline_hub.workshops.add(workshop)
    case = write_case(sample_case(), tmp / "lana.yaml")
    create(offline_hub.folder, _roster(tmp / "r.csv", [name]), case, workshop)
    return {"name": name, "workshop": workshop}


def test_hand_in_button_hands_in_through_the_service(offline_hub, service, trainee):  # noqa: F811
    from workbook.forms.exchange import HandIn
    from workbook.hub import exchange

    me = _person(service, trainee["name"])
    offline_hub.add("supervisor")
    assert me.whoami()["workshops"] == [trainee["workshop"]]
    assert me.whoami()["supervisors"] == []  # for practitioners only
    button = HandIn(me, trainee["workshop"])
    button.button.click()
    assert f"Handed in to {trainee['workshop']}" in button.status.value, button.status.value
    assert exchange.handed_in(offline_hub.layout, trainee["workshop"]) == [trainee["name"]]


def test_the_service_refuses_unknown_tokens_and_other_peoples_workshops(
    offline_hub,  # noqa: F811
    service,
    trainee,
):
    from workbook.forms.exchange import Exchange, ExchangeError, HandIn

    stranger = Exchange({"WORKBOOK_EXCHANGE_URL": service["url"], "JUPYTERHUB_API_TOKEN": "no"})
    with pytest.raises(ExchangeError, match="sign in"):
        stranger.hand_in()
    educator = offline_hub.add("educator")
    button = HandIn(_person(service, educator), trainee["workshop"])
    button.button.click()
    assert "Not handed in" in button.status.value and "not a trainee" in button.status.value


def test_send_to_supervisor_button(offline_hub, service):  # noqa: F811
    from workbook.forms.exchange import SendToSupervisor
    from workbook.hub.asuser import call_as
    from workbook.sample import sample_case

    practitioner, supervisor = offline_hub.add("practitioner"), offline_hub.add("supervisor")

    def practice() -> None:
        from workbook.practice import Practice

        case = sample_case()
        case.client.consent.share_deidentified = False
        with Practice(Path.home() / "practice").open() as store:
            store.save(case)

    call_as(offline_hub.entry(practitioner), practice)
    me = _person(service, practitioner)
    assert supervisor in me.whoami()["supervisors"]
    sender = SendToSupervisor(me, "lana", [supervisor], consented=False)
    sender.button.click()
    assert "Not sent" in sender.status.value and "has not consented" in sender.status.value
    assert not (Path(offline_hub.entry(supervisor).pw_dir) / "practice").exists()


@pytest.fixture(scope="module")
def hub_workshop(hub, tmp_path_factory):
    """A workshop of one trainee on the real hub, made with the command line while it runs."""
    from tests.hub.conftest import run_workbook
    from workbook.casefile import write_case
    from workbook.hub import exchange
    from workbook.hub.workshops import passwords_path
    from workbook.sample import sample_case

    tmp = tmp_path_factory.mktemp("hub-workshop")
    name, workshop = f"tr-{secrets.token_hex(3)}", f"ws-{secrets.token_hex(3)}"
    try:
        educator = hub.add_user("educator")
        hub.names.add(name)
        run_workbook(
            "workshop", "create", _roster(tmp / "r.csv", [name]),
            "--case", write_case(sample_case(), tmp / "lana.yaml"),
            "--hub", hub.folder, "--workshop", workshop, "--educator", educator,
        )  # fmt: skip
        rows = list(csv.DictReader(passwords_path(hub.layout, workshop).open()))
        hub.passwords[name] = rows[0]["password"]
        yield {"name": name, "workshop": workshop}
    finally:
        exchange.remove_workshop_group(workshop)


def test_through_a_real_hub(hub, hub_workshop):
    """The hub runs the service and checks the token: a token of the trainee's (made by the
    hub) hands in and collect counts it; a token the hub does not know is refused."""
    from tests.hub.conftest import run_workbook
    from workbook.forms.exchange import Exchange, ExchangeError
    from workbook.hub import exchange
    from workbook.hub.service import NAME

    api = hub.api()
    name, workshop = hub_workshop["name"], hub_workshop["workshop"]
    url = api.call("GET", f"/services/{NAME}")["url"]
    session, answer = hub.login(name)  # the trainee signs in and makes a token of their own
    assert answer.status_code == 302
    made = session.post(
        f"{hub.url}/hub/api/users/{name}/tokens",
        json={"note": "test"},
        headers={"X-XSRFToken": session.cookies.get("_xsrf", "")},
        timeout=30,
    )
    assert made.status_code == 201, made.text[:300]
    token = made.json()["token"]
    mine = Exchange({"WORKBOOK_EXCHANGE_URL": url, "JUPYTERHUB_API_TOKEN": token})
    assert mine.whoami()["workshops"] == [workshop]
    assert mine.hand_in()["workshop"] == workshop
    forged = Exchange({"WORKBOOK_EXCHANGE_URL": url, "JUPYTERHUB_API_TOKEN": token[::-1]})
    with pytest.raises(ExchangeError, match="sign in"):
        forged.hand_in()
    done = run_workbook("workshop", "collect", "--hub", hub.folder, workshop)
    assert "1 of 1 trainees handed in" in done.stderr
    assert exchange.handed_in(hub.layout, workshop) == [name]


def test_a_trainees_server_holds_the_service_url_and_its_token(hub, hub_workshop):
    """What start-here's Hand in uses, in the environment of the trainee's server (and so of
    its kernels): the service's URL and the server's own hub token, which the service takes."""
    import psutil

    from workbook.forms.exchange import Exchange

    name = hub_workshop["name"]
    hub.start_server(name)
    uid = pwd.getpwnam(f"wb-{name}").pw_uid
    env, deadline = None, time.monotonic() + 120
    while env is None and time.monotonic() < deadline:
        for proc in psutil.process_iter(["uids"]):
            with contextlib.suppress(psutil.Error):
                if proc.info["uids"].real == uid and "JUPYTERHUB_API_TOKEN" in proc.environ():
                    env = proc.environ()
        time.sleep(0.5)
    assert env is not None, hub.log.read_text()[-3000:]
    mine = Exchange(env)
    assert mine.available
    assert mine.whoami()["name"] == name
