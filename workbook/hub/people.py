"""Adding and removing a hub's people: the account, the password, the role, the records'
database role (PostgreSQL hubs), and the running hub told through its API.

Everything is checked before anything is written (the name, the role, the password file,
the hub folder); then the account comes first and ``people.json`` last, so a failure on the
way leaves someone who cannot sign in yet rather than a sign-in without an account.
"""

from __future__ import annotations

from pathlib import Path

from . import accounts
from .api import connect
from .layout import Hub, HubError, check_name, check_role

DB_URL = Path(".workbook") / "db-url"


def read_password(path: Path) -> str:
    """The first line of ``path``: the password (not echoed in any message)."""
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise HubError(f"--password-file: {path} does not exist") from None
    except UnicodeDecodeError:
        raise HubError(f"--password-file: {path} is not UTF-8 text") from None
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise HubError(f"--password-file: the first line of {path} is empty")
    if "\0" in password:
        raise HubError(f"--password-file: the first line of {path} holds a NUL character")
    return password


def add(folder: Path, name: str, role: str, password_file: Path) -> str:
    """Create or update ``name`` with ``role`` and the password in ``password_file``."""
    check_name(name)
    check_role(role)
    password = read_password(password_file)
    hub = Hub(folder)
    settings = hub.settings()
    was = hub.people().get(name)
    if was == "practitioner" != role and settings.get("records_admin_url"):
        raise HubError(
            f"role: {name} is a practitioner whose records are in the agency's database (schema "
            f"{accounts.system_name(name)}); as a {role} they could no longer reach them. Keep "
            f"them a practitioner and add the new role under another name, or back up their "
            f"records and remove them first (`workbook hub remove-user`)"
        )
    existed = accounts.account(name) is not None
    entry = accounts.ensure_account(hub, name, role)
    accounts.set_password(name, password)
    if role == "practitioner" and settings.get("records_admin_url"):
        from sqlalchemy.engine import make_url

        from .database import provision  # PostgreSQL: a schema and a login role of their own

        kept = hub.records_url(name)  # a running server keeps working: the password stays
        url = provision(
            settings["records_admin_url"], name, password=make_url(kept).password if kept else None
        )
        hub.save_records_url(name, url)  # the copy the hub hands to their server
        accounts.write_as(entry, Path(entry.pw_dir) / DB_URL, url.encode("utf-8") + b"\n")
    else:
        hub.save_records_url(name, None)  # never a practitioner here: no connection handed over
    people = hub.people()
    people[name] = role
    hub.save_people(people)
    api = connect(hub)
    if api is not None:
        api.put_user(name, role)
    told = " (the running hub was told)" if api else ""
    return f"{'updated' if existed else 'added'} {name} ({role}), account {entry.pw_name}{told}"


def remove(folder: Path, name: str) -> str:
    """Remove ``name``: no more sign-in, their server stopped, account and home deleted."""
    check_name(name)
    hub = Hub(folder)
    settings = hub.settings()
    people = hub.people()
    role = people.pop(name, None)
    found = accounts.account(name)
    if role is None and found is None:
        raise HubError(f"user name: {name!r} is not one of this hub's people")
    if found is not None:
        accounts.check_owned(hub, found)  # before anything: another hub's person stays theirs
    hub.save_people(people)  # first: from now on they cannot sign in
    api = connect(hub)
    if api is not None:
        api.delete_user(name)  # stops their server
    accounts.remove_account(hub, name)
    hub.save_records_url(name, None)
    if role == "practitioner" and settings.get("records_admin_url"):
        from .database import drop

        drop(settings["records_admin_url"], name)
    return f"removed {name}: account {accounts.system_name(name)} and its home are gone"
