"""The hub folder: where a hub's settings and state live, and the parts it runs with.

A hub is one folder, DIR (mode 0700, owned by root), written by ``workbook hub init``:

    hub.json              settings (0600): the hub's id (its accounts carry it), admin, homes,
                          hub database URL, records admin URL, idle and start timeouts
    jupyterhub_config.py  generated; loads hub.json and people.json when the hub starts
    jupyterhub.sqlite     the hub's own database (unless hub.json names another)
    cookie_secret         0600, hex
    admin_token           0600; the CLI's token for the hub's REST API while it runs
    people.json           name -> role (0600); the roles become hub groups
    serving.json          while ``hub serve`` runs: its process id and the URLs (0600)
    records/              a practitioner's database URL per person (NAME.url, 0600) on a
                          PostgreSQL hub: what the hub hands to their server
    exchange/             root's scratch space while a workshop is made (the inboxes are
                          under the homes folder, where educators can reach them: exchange.py)

The surprise: the users' servers run the project's own Python as other accounts, so every
folder on the way to it must be enterable by others (:func:`unreachable`); a checkout under
/root is not, and the hub says so rather than failing at a user's first sign-in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError
from ..files import DIR_MODE, private_dir, write_private

ROLES = ("practitioner", "supervisor", "educator", "trainee")
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,28}")  # "wb-" + 29 characters fit a 32-character login
DEFAULT_HOMES = Path("/home")
DEFAULT_IDLE_TIMEOUT = 3600  # seconds
DEFAULT_START_TIMEOUT = 120  # seconds, for a server to start and again to answer


class HubError(WorkbookError):
    """Something about a hub folder or its accounts; the message says what and what to do."""


def check_name(name: str) -> str:
    """A hub user name: lower-case letters, digits and hyphens, 1 to 29 of them."""
    if not NAME.fullmatch(name or ""):
        raise HubError(
            f"user name: {name!r} is not allowed; use 1 to 29 lower-case letters, digits and "
            "hyphens, starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise HubError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class Serving:
    """A running ``hub serve``: its process and where it answers."""

    pid: int
    url: str  # the public URL (through the proxy), e.g. http://127.0.0.1:8000
    api: str  # the hub's REST API, e.g. http://127.0.0.1:8081/hub/api


class Hub:
    """The paths of a hub folder, and its two settings files (see the module's docstring)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).absolute()

    settings_path = property(lambda self: self.folder / "hub.json")
    config_path = property(lambda self: self.folder / "jupyterhub_config.py")
    db_path = property(lambda self: self.folder / "jupyterhub.sqlite")
    cookie_secret_path = property(lambda self: self.folder / "cookie_secret")
    admin_token_path = property(lambda self: self.folder / "admin_token")
    people_path = property(lambda self: self.folder / "people.json")
    serving_path = property(lambda self: self.folder / "serving.json")
    exchange = property(lambda self: self.folder / "exchange")
    records = property(lambda self: self.folder / "records")  # practitioners' database URLs

    # -- settings ------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.settings_path.is_file()

    def settings(self) -> dict:
        if not self.exists():
            raise HubError(f"{self.folder}: not a hub folder; make one with `workbook hub init`")
        return json.loads(self.settings_path.read_text("utf-8"))

    def save_settings(self, settings: dict) -> None:
        write_private(self.settings_path, _dumps(settings))

    @property
    def admin(self) -> str:
        return self.settings()["admin"]

    @property
    def homes(self) -> Path:
        return Path(self.settings()["homes"])

    @property
    def hub_db_url(self) -> str:
        return self.settings()["hub_db_url"]

    @property
    def records_admin_url(self) -> str | None:
        """The PostgreSQL admin URL for practitioners' records (``--db``), or None (SQLite)."""
        return self.settings().get("records_admin_url")

    @property
    def hub_id(self) -> str:
        """A random id of this hub, made by ``hub init``: it marks the accounts the hub made,
        so two hubs on one machine never take over or remove each other's people."""
        found = self.settings().get("id")
        if found:
            return found
        return hashlib.sha256(str(self.folder).encode()).hexdigest()[:8]  # a hub made before

    @property
    def idle_timeout(self) -> int:
        return int(self.settings()["idle_timeout"])

    @property
    def start_timeout(self) -> int:  # hubs made before the setting: JupyterHub's usual 120
        return int(self.settings().get("start_timeout", DEFAULT_START_TIMEOUT))

    def admin_token(self) -> str:
        return self.admin_token_path.read_text("utf-8").strip()

    # -- practitioners' records (PostgreSQL hubs) ----------------------------------------------
    def records_url_path(self, name: str) -> Path:
        return self.records / f"{check_name(name)}.url"

    def records_url(self, name: str) -> str | None:
        """Practitioner ``name``'s own database URL, from the hub's copy (root's, 0600): what
        their server is handed. Never read from their home, which they control."""
        path = self.records_url_path(name)
        return path.read_text("utf-8").strip() if path.is_file() else None

    def save_records_url(self, name: str, url: str | None) -> None:
        path = self.records_url_path(name)
        if url is None:
            path.unlink(missing_ok=True)
        else:
            private_dir(self.records)
            write_private(path, url.encode("utf-8") + b"\n")

    # -- people ----------------------------------------------------------------------------
    def people(self) -> dict[str, str]:
        """Every hub user and their role (name -> role)."""
        if not self.people_path.exists():
            return {}
        return json.loads(self.people_path.read_text("utf-8"))

    def save_people(self, people: dict[str, str]) -> None:
        write_private(self.people_path, _dumps(dict(sorted(people.items()))))

    def groups(self) -> dict[str, list[str]]:
        """The hub groups: one per role, with its people (every role, even an empty one)."""
        found: dict[str, list[str]] = {role: [] for role in ROLES}
        for name, role in sorted(self.people().items()):
            found[role].append(name)
        return found

    # -- a running hub ---------------------------------------------------------------------
    def serving(self) -> Serving | None:
        """The running ``hub serve`` of this folder, or None when none runs."""
        try:
            data = json.loads(self.serving_path.read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(int(data["pid"])):
            return None
        return Serving(int(data["pid"]), data["url"], data["api"])

    def create(
        self,
        admin: str,
        *,
        homes: Path | None = None,
        db_url: str | None = None,
        idle_timeout: int | None = None,
        start_timeout: int | None = None,
    ) -> None:
        """Write a new hub folder, or change the settings given of an existing one, keeping
        the others, its secrets, people and databases. The homes and the database cannot
        change once people are added: their homes and records are there."""
        check_name(admin)
        old = self.settings() if self.exists() else {}
        given_homes = str(Path(homes).absolute()) if homes is not None else None
        if old and self.people():
            for option, given, kept in (
                ("--homes", given_homes, old["homes"]),
                ("--db", db_url, old.get("records_admin_url")),
            ):
                if given is not None and given != kept:
                    raise HubError(
                        f"{option}: this hub's people already have their homes and records "
                        f"where it said before ({_shown(kept)}); it cannot change now"
                    )
        if given_homes is not None and Path(given_homes).exists():
            check_homes_owner(Path(given_homes))  # before anything is written
        private_dir(self.folder)
        os.chmod(self.folder, DIR_MODE)
        records = db_url if db_url is not None else old.get("records_admin_url")
        settings = {
            "id": old.get("id") or secrets.token_hex(4),
            "admin": admin,
            "homes": given_homes or old.get("homes") or str(DEFAULT_HOMES),
            "hub_db_url": records or f"sqlite:///{self.db_path}",
            "records_admin_url": records,
            "idle_timeout": idle_timeout or old.get("idle_timeout") or DEFAULT_IDLE_TIMEOUT,
            "start_timeout": start_timeout or old.get("start_timeout") or DEFAULT_START_TIMEOUT,
        }
        self.save_settings(settings)
        for path, size in ((self.cookie_secret_path, 32), (self.admin_token_path, 32)):
            if not path.exists():
                write_private(path, secrets.token_hex(size).encode() + b"\n")
        if not self.people_path.exists():
            self.save_people({})
        private_dir(self.exchange)
        from .config import write_config  # the configuration file follows the layout

        write_config(self)


def _shown(value: str | None) -> str:
    from ..store.engine import redact_url

    if value is None:
        return "none: SQLite"
    return redact_url(value) if "://" in value else value


def _dumps(data: dict) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the parts a hub runs with ---------------------------------------------------------------
def venv_bin(name: str) -> str:
    """An executable beside this Python (the project's virtual environment), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise HubError(f"{name} is not installed here; run `make setup` (or pip install it)")
    return found


def proxy_command() -> list[str]:
    """The configurable-http-proxy to run: the one `make setup` put in the virtual environment
    (``.venv/node``), else one on PATH (``npm install -g configurable-http-proxy``)."""
    local = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return [str(local)]
    found = shutil.which("configurable-http-proxy")
    if not found:
        raise HubError(
            "configurable-http-proxy is not installed; run `make setup`, or "
            "`npm install -g configurable-http-proxy`"
        )
    return [found]


def unreachable(paths: list[Path] | None = None) -> list[Path]:
    """The folders on the way to this Python and the workbook package that other accounts
    cannot enter (no x for others): the users' servers could not start from there."""
    import workbook

    if paths is None:
        paths = [
            Path(sys.executable),
            Path(sys.executable).resolve(),  # a virtual environment's Python is a link
            Path(sys.prefix),
            Path(sys.base_prefix),  # the standard library
            Path(workbook.__file__).parent,
        ]
    closed: list[Path] = []
    for path in paths:
        for folder in [*reversed(Path(path).absolute().parents), Path(path).absolute()]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH and folder not in closed:
                closed.append(folder)
    return closed


def check_reachable() -> None:
    """Refuse to run a hub whose users could not run the project's Python (see above)."""
    closed = unreachable()
    if closed:
        raise HubError(
            f"the users' servers cannot reach this Python ({sys.executable}): others may not "
            f"enter {_listed(closed)}; install the workbook and its Python under folders "
            f"everyone can enter (such as /opt or /srv), or run `chmod o+x {_listed(closed, ' ')}`"
        )


def check_homes(homes: Path) -> None:
    """Refuse a homes folder that people could not reach their own home through, or that
    someone but root could write to (:func:`check_homes_owner`)."""
    check_homes_owner(homes)
    closed = unreachable([homes])
    if closed:
        raise HubError(
            f"homes: {homes} cannot be reached by the people whose homes it holds: others may not "
            f"enter {_listed(closed)}; choose another folder, or run `chmod o+x "
            f"{_listed(closed, ' ')}`"
        )


def check_homes_owner(homes: Path) -> None:
    """Refuse a homes folder someone but root could write to: whoever could would swap a
    person's home (or the workshops' inboxes kept there) for a folder of their own."""
    found = homes.stat()
    if found.st_uid != 0 or found.st_mode & 0o022:
        raise HubError(
            f"homes: {homes} must be owned by root and writable by root only (people's homes "
            f"and the workshops' inboxes are kept in it); run `chown root {homes}` and "
            f"`chmod go-w {homes}`, or choose another folder"
        )


def _listed(folders: list[Path], sep: str = ", ") -> str:
    return sep.join(str(f) for f in folders)
