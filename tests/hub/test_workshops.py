"""Workshops over the hub (issue 11, point 4), with real accounts, as root: ``workshop create
--hub`` makes the trainees' accounts and practices; a hand-in lands in the workshop's inbox,
which the educator reads and no trainee can list or read (their own hand-in included);
``collect`` counts the hand-ins; ``feedback`` lands in the trainee's own practice, theirs, and
start-here shows it."""

from __future__ import annotations

import csv
import json
import re
import secrets
import stat
from pathlib import Path

import pytest

from tests.hub.conftest import run_workbook
from tests.hub.offline import as_person, can_list, can_read, offline_hub  # noqa: F401

pytestmark = pytest.mark.hub


def _make_workshop(offline_hub, tmp: Path, lana, count: int = 2) -> dict:  # noqa: ANN001, F811
    """A workshop of ``count`` trainees and one educator, made with the command line."""
    from workbook.casefile import write_case

    trainees = [f"tr-{secrets.token_hex(3)}" for _ in range(count)]
    offline_hub.names.update(trainees)
    educator = offline_hub.add("educator")
    name = f"ws-{secrets.token_hex(3)}"
    offline_hub.workshops.add(name)
    roster = tmp / "roster.csv"
    with roster.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "email"])
        for n, t in enumerate(trainees):
            writer.writerow([t, f"Trainee {n}", f"{t}@example.org"])
    case = write_case(lana, tmp / "lana.yaml")
    done = run_workbook(
        "workshop", "create", roster, "--case", case, "--hub", offline_hub.folder,
        "--workshop", name, "--educator", educator,
    )  # fmt: skip
    return {"name": name, "trainees": trainees, "educator": educator, "output": done.stdout}


@pytest.fixture(scope="module")
def workshop(offline_hub, tmp_path_factory, lana):  # noqa: F811
    """A workshop as created, which no test changes: nobody works on the case or hands in."""
    return _make_workshop(offline_hub, tmp_path_factory.mktemp("workshop"), lana)


@pytest.fixture(scope="module")
def worked(offline_hub, tmp_path_factory, lana):  # noqa: F811
    """A workshop whose first trainee has added a reflection and handed in; the second has
    done nothing. Its tests may hand the first trainee's work in again, nothing else."""
    from workbook.hub import exchange

    made = _make_workshop(offline_hub, tmp_path_factory.mktemp("worked"), lana)
    _work_on(offline_hub, made["trainees"][0])
    exchange.hand_in(offline_hub.layout, made["trainees"][0])
    return made


@pytest.fixture(scope="module")
def lana():
    from workbook.sample import sample_case

    return sample_case()


def test_create_makes_accounts_with_passwords_only_the_educators_read(offline_hub, workshop):  # noqa: F811
    import pamela  # what the hub's PAM sign-in uses

    from workbook.hub.workshops import passwords_path

    path = passwords_path(offline_hub.layout, workshop["name"])
    assert str(path) in workshop["output"]
    found = path.stat()
    assert (found.st_uid, stat.S_IMODE(found.st_mode)) == (0, 0o640)
    assert can_read(f"wb-{workshop['educator']}", path)  # for handing out
    for trainee in workshop["trainees"]:
        assert not can_read(f"wb-{trainee}", path)
    rows = list(csv.DictReader(path.open()))
    assert [r["id"] for r in rows] == workshop["trainees"]
    assert offline_hub.layout.people()[workshop["trainees"][0]] == "trainee"
    for row in rows:  # the password handed out is the one the account signs in with
        pamela.authenticate(f"wb-{row['id']}", row["password"])
        with pytest.raises(pamela.PAMError):
            pamela.authenticate(f"wb-{row['id']}", row["password"] + "x")
        assert row["password"] not in Path("/etc/shadow").read_text()


def test_each_trainee_gets_the_case_in_their_own_practice(offline_hub, workshop, lana):  # noqa: F811
    from workbook.practice import Practice

    for trainee in workshop["trainees"]:
        entry = offline_hub.entry(trainee)
        practice = Path(entry.pw_dir) / "practice"
        for path, mode in [
            (practice, 0o700),
            (practice / "practice.db", 0o600),
            (practice / "notebooks" / lana.client.id / "01_intake.ipynb", 0o600),
            (practice / "notebooks" / "00_start_here.ipynb", 0o600),
        ]:
            found = path.stat()
            assert (found.st_uid, stat.S_IMODE(found.st_mode)) == (entry.pw_uid, mode), path
        mark = json.loads((practice / "trainee.json").read_text())
        assert mark["workshop"] == workshop["name"]
        with Practice(practice).open(create=False) as store:
            assert store.load(lana.client.id) == lana
    other = workshop["trainees"][1]
    mine = Path(offline_hub.entry(workshop["trainees"][0]).pw_dir) / "practice" / "practice.db"
    assert not can_read(f"wb-{other}", mine)


def _work_on(offline_hub, trainee: str) -> None:  # noqa: F811
    """The trainee adds a reflection to the practice case, as themselves."""
    from workbook.hub.asuser import call_as

    def work() -> None:
        from workbook.model import Reflection
        from workbook.practice import Practice

        with Practice(Path.home() / "practice").open(create=False) as store:
            case = store.load("lana")
            case.reflections.append(
                Reflection.model_validate(
                    {"date": "2026-10-02", "model": "driscoll", "entries": {"what": "Tried it."}}
                )
            )
            store.save(case, replace=True)

    call_as(offline_hub.entry(trainee), work)


def test_hand_in_is_readable_by_the_educator_and_by_no_trainee(offline_hub, worked):  # noqa: F811
    from workbook.hub import exchange

    first, second = worked["trainees"]
    done = exchange.hand_in(offline_hub.layout, first)
    assert done["workshop"] == worked["name"]
    inbox = exchange.workshop_dir(offline_hub.layout, worked["name"])
    handed = inbox / first / "practice.db"
    found = handed.stat()
    assert found.st_uid == 0 and stat.S_IMODE(found.st_mode) == 0o640
    assert handed.read_bytes().startswith(b"SQLite format 3\x00")
    educator = f"wb-{worked['educator']}"
    assert can_list(educator, inbox) and can_read(educator, handed)
    for trainee in (first, second):  # not even the one who handed it in
        account = f"wb-{trainee}"
        assert not can_list(account, inbox)
        assert not can_read(account, handed)
        assert not can_list(account, exchange.root(offline_hub.layout))
        assert not can_read(account, inbox / "workshop.json")


@pytest.mark.parametrize("child_keeps_the_limit", [True, False])
def test_a_hand_in_over_the_limit_is_refused_and_leaves_nothing(
    offline_hub,  # noqa: F811
    worked,
    monkeypatch,
    child_keeps_the_limit,
):
    """The snapshot comes from a child running as the trainee, who could make it enormous: it
    is streamed into the inbox and refused past the limit, whether the child says so itself
    (naming the practice's size) or root has to stop it, and the earlier hand-in stays."""
    from workbook.hub import exchange

    first = worked["trainees"][0]
    own = exchange.workshop_dir(offline_hub.layout, worked["name"]) / first
    before = (own / "practice.db").read_bytes()
    monkeypatch.setattr(exchange, "HAND_IN_LIMIT", 4096)  # a practice is far larger
    if not child_keeps_the_limit:  # a child that ignores the limit it is given
        real = exchange.stream

        def ignoring(entry, args, out, limit):  # noqa: ANN001, ANN202
            return real(entry, [*args[:-1], str(1 << 30)], out, limit)

        monkeypatch.setattr(exchange, "stream", ignoring)
    with pytest.raises(exchange.Refused) as refused:
        exchange.hand_in(offline_hub.layout, first)
    said = str(refused.value)
    assert said.startswith("the practice could not be handed in: ")
    assert "more than the 4 KiB a hand-in may be" in said
    if child_keeps_the_limit:
        assert re.search(r"the practice is \d+(\.\d)? KiB once copied", said), said
    assert sorted(p.name for p in own.iterdir()) == ["practice.db", "trainee.json"]
    assert (own / "practice.db").read_bytes() == before


def test_only_trainees_of_the_workshop_hand_in(offline_hub, workshop):  # noqa: F811
    from workbook.hub import exchange

    with pytest.raises(exchange.Refused, match="no workshop"):
        exchange.hand_in(offline_hub.layout, workshop["educator"])
    with pytest.raises(exchange.Refused, match="not a trainee"):
        exchange.hand_in(offline_hub.layout, workshop["trainees"][0], "another-workshop")


def test_collect_counts_the_hand_ins(offline_hub, worked):  # noqa: F811
    from workbook.hub import exchange

    first, second = worked["trainees"]
    exchange.hand_in(offline_hub.layout, first)
    done = run_workbook(
        "workshop", "collect", "--hub", offline_hub.folder, worked["name"], "--names",
        "--format", "json",
    )  # fmt: skip
    assert "1 of 2 trainees handed in" in done.stderr
    rows = {r["trainee"]: r for r in json.loads(done.stdout)}
    assert rows["Trainee 0"]["added"] >= 1  # the reflection added before handing in
    assert rows["Trainee 1"]["added"] is None
    report = exchange.workshop_dir(offline_hub.layout, worked["name"]) / "cohort-report.html"
    assert can_read(f"wb-{worked['educator']}", report)
    educator = offline_hub.entry(worked["educator"])  # from their own practice, by its link
    link = Path(educator.pw_dir) / "practice" / "workshops" / worked["name"]
    assert link.is_symlink() and link.lstat().st_uid == educator.pw_uid
    assert can_read(educator.pw_name, link / "cohort-report.html")
    assert not can_read(f"wb-{second}", report)


def test_feedback_lands_in_the_trainees_practice_and_start_here_shows_it(
    offline_hub,  # noqa: F811
    worked,
):
    from workbook.forms.exchange import Exchange
    from workbook.forms.start import HubSession
    from workbook.hub import exchange
    from workbook.practice import Practice

    first, second = worked["trainees"]
    exchange.hand_in(offline_hub.layout, first)
    done = run_workbook(
        "workshop", "feedback", "--hub", offline_hub.folder, worked["name"],
        "--as-of", "2026-12-01",
    )  # fmt: skip
    assert "feedback returned to 1 trainee" in done.stdout
    assert second in done.stderr  # named as not handed in
    entry = offline_hub.entry(first)
    practice = Path(entry.pw_dir) / "practice"
    path = practice / "feedback" / f"{worked['name']}.json"
    found = path.stat()
    assert (found.st_uid, stat.S_IMODE(found.st_mode)) == (entry.pw_uid, 0o600)
    given = json.loads(path.read_text())
    assert given["as_of"] == "2026-12-01" and given["findings"]
    assert not (Path(offline_hub.entry(second).pw_dir) / "practice" / "feedback").exists()
    assert not can_read(f"wb-{second}", path)
    panel = HubSession(Practice(practice), Exchange({})).panel()
    shown = "".join(getattr(c, "value", "") for c in panel.children)
    assert f"Feedback on your hand-in for {worked['name']}" in shown
    assert given["findings"][0]["name"] in shown


def test_a_second_create_joins_without_new_passwords_for_those_enrolled(
    offline_hub,  # noqa: F811
    tmp_path,
    lana,
):
    from workbook.casefile import write_case
    from workbook.hub.workshops import passwords_path

    workshop = _make_workshop(offline_hub, tmp_path, lana, count=1)  # its own: it adds one

    roster = tmp_path / "roster.csv"
    first = workshop["trainees"][0]
    late = f"tr-{secrets.token_hex(3)}"
    offline_hub.names.add(late)
    roster.write_text(f"id,name,email\n{first},Trainee 0,{first}@example.org\n{late},L,l@x.org\n")
    run_workbook(
        "workshop", "create", roster, "--case", write_case(lana, tmp_path / "l.yaml"),
        "--hub", offline_hub.folder, "--workshop", workshop["name"],
    )  # fmt: skip
    rows = list(csv.DictReader(passwords_path(offline_hub.layout, workshop["name"]).open()))
    assert [r["id"] for r in rows].count(first) == 1 and rows[-1]["id"] == late


def test_a_bad_roster_or_educator_creates_nothing(offline_hub, tmp_path, lana):  # noqa: F811
    from workbook.casefile import write_case
    from workbook.hub import accounts, exchange

    practitioner = offline_hub.add("practitioner")
    fresh = f"tr-{secrets.token_hex(3)}"
    offline_hub.names.add(fresh)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,name,email\n{fresh},F,f@x.org\n{practitioner},P,p@x.org\n")
    name = f"ws-{secrets.token_hex(3)}"
    done = run_workbook(
        "workshop", "create", roster, "--case", write_case(lana, tmp_path / "l.yaml"),
        "--hub", offline_hub.folder, "--workshop", name, "--educator", "nobody",
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"trainee {practitioner!r}: is a practitioner" in done.stderr
    assert "--educator: 'nobody' is not an educator" in done.stderr
    assert accounts.account(fresh) is None
    assert not exchange.workshop_dir(offline_hub.layout, name).exists()
    assert fresh not in offline_hub.layout.people()


def _crafted_hand_in(path: Path, case, version: str, view: bool) -> bytes:  # noqa: ANN001
    """A database as a trainee could make it: ``case`` at schema ``version``, with a trigger
    that writes when the version changes, or (``view``) the version table made a view that
    calls a function of the reader's connection (SQLAlchemy's ``regexp``)."""
    from sqlalchemy import text

    from workbook.store import cases, engine

    made = engine.make_engine(engine.sqlite_url(path))
    engine.upgrade(made, version)
    with made.begin() as conn:
        cases.write_case(conn, case, None)
        conn.execute(text("CREATE TABLE fired (n INTEGER)"))
        conn.execute(
            text(
                "CREATE TRIGGER planted AFTER UPDATE ON alembic_version "
                "BEGIN INSERT INTO fired VALUES (1); END"
            )
        )
        if view:
            conn.execute(text("DROP TABLE alembic_version"))
            conn.execute(
                text(
                    "CREATE VIEW alembic_version AS SELECT CASE WHEN regexp('a', 'a') "
                    f"THEN '{engine.HEAD}' END AS version_num"
                )
            )
        conn.execute(text("PRAGMA journal_mode = DELETE"))
    made.dispose()
    return path.read_bytes()


def test_collect_and_feedback_read_crafted_hand_ins_without_running_or_writing_them(
    offline_hub,  # noqa: F811
    tmp_path,
    lana,
):
    """Root reads what trainees made: a hand-in from an older version (with a trigger that
    fires on an upgrade in place) is read from a copy and left byte for byte; one whose view
    calls the reader's function is reported unreadable, by trainee, without a traceback."""
    from workbook.hub import exchange
    from workbook.model import Reflection

    made = _make_workshop(offline_hub, tmp_path, lana)
    inbox = exchange.workshop_dir(offline_hub.layout, made["name"])
    gid = inbox.stat().st_gid
    worked_on = lana.model_copy(deep=True)
    worked_on.reflections.append(
        Reflection.model_validate(
            {"date": "2026-10-02", "model": "driscoll", "entries": {"what": "Tried it."}}
        )
    )
    handed = {}
    for trainee, version, view in zip(
        made["trainees"], ["0002", "head"], [False, True], strict=True
    ):
        data = _crafted_hand_in(tmp_path / f"{trainee}.db", worked_on, version, view)
        handed[trainee] = exchange.place(inbox / trainee / "practice.db", data, gid)
    before = {t: p.read_bytes() for t, p in handed.items()}
    done = run_workbook(
        "workshop", "collect", "--hub", offline_hub.folder, made["name"], "--format", "json",
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    assert "2 of 2 trainees handed in" in done.stderr
    assert "Trainee 02: unreadable: unsafe use of regexp()" in done.stderr
    rows = {r["trainee"]: r for r in json.loads(done.stdout)}
    assert rows["Trainee 01"]["added"] == 1 and rows["Trainee 02"]["added"] is None
    given = run_workbook(
        "workshop", "feedback", "--hub", offline_hub.folder, made["name"], "--as-of", "2026-12-01"
    )
    assert "Traceback" not in given.stderr
    assert "feedback returned to 1 trainee" in given.stdout
    assert made["trainees"][1] in given.stderr
    assert {t: p.read_bytes() for t, p in handed.items()} == before
    for trainee in made["trainees"]:
        assert sorted(p.name for p in (inbox / trainee).iterdir()) == [
            "practice.db",
            "trainee.json",
        ]
