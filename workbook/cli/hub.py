"""``workbook hub``: a practice server on JupyterHub (init, serve, add-user, remove-user).

The commands gather options and call ``workbook.hub``; its imports are lazy (JupyterHub is
an optional part, and the CLI's start-up stays quick).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..hub.layout import ROLES  # plain Python: JupyterHub itself loads only when it runs
from . import cli

HUB_DIR = click.Path(path_type=Path, file_okay=False)


@cli.group()
def hub() -> None:
    """A practice server on JupyterHub: sign-in, one private workbook per person.

    \b
    Example:
      sudo workbook hub init /srv/wbhub --admin alex
      sudo workbook hub add-user /srv/wbhub alex --role educator --password-file pw.txt
      sudo workbook hub serve /srv/wbhub --port 8000
    """


@hub.command("init")
@click.argument("folder", type=HUB_DIR)
@click.option("--admin", required=True, metavar="NAME", help="The hub's administrator.")
@click.option(
    "--db",
    metavar="URL",
    help="PostgreSQL admin URL: the hub's own database, and a schema and login role per "
    "practitioner for their records (default: SQLite in FOLDER, and per person).",
)
@click.option(
    "--homes",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the people's home folders (wb-NAME) are made  [default: /home; run again: kept]",
)
@click.option(
    "--idle-timeout",
    type=click.IntRange(10, None),
    metavar="SECONDS",
    help="Stop a person's server after this long without use  [default: 3600; run again: kept]",
)
@click.option(
    "--start-timeout",
    type=click.IntRange(30, None),
    metavar="SECONDS",
    help="How long a person's server may take to start (and again to answer) before the hub "
    "gives up; raise it when many people sign in at once on a small machine  [default: 120; "
    "run again: kept]",
)
def init(
    folder: Path,
    admin: str,
    db: str | None,
    homes: Path | None,
    idle_timeout: int | None,
    start_timeout: int | None,
) -> None:
    """Write a hub's configuration and state into FOLDER (made private to root).

    Run again to change the settings given; those not given, the secrets, the people and the
    databases are kept (the homes and the database cannot change once people are added).

    \b
    Example:
      sudo workbook hub init /srv/wbhub --admin alex --homes /home --idle-timeout 1800
    """
    from ..hub.layout import Hub, check_name, unreachable

    check_name(admin)
    if db is not None:
        _check_db_url(db)
    hub_ = Hub(folder)
    hub_.create(
        admin, homes=homes, db_url=db, idle_timeout=idle_timeout, start_timeout=start_timeout
    )
    click.echo(f"hub ready at {hub_.folder} (admin {admin}, homes {hub_.homes})")
    if admin not in hub_.people():
        click.echo(
            f"give the admin an account: workbook hub add-user {folder} {admin} "
            "--role educator --password-file FILE"
        )
    for closed in unreachable():
        click.echo(f"warning: others cannot enter {closed}; `hub serve` will refuse to start")
    for closed in unreachable([hub_.homes]):
        click.echo(f"warning: others cannot enter {closed}; people could not reach their homes")
    click.echo(f"start it with: workbook hub serve {folder}")


def _check_db_url(url: str) -> None:
    from ..hub.layout import HubError
    from ..store.engine import redact_url

    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        shown = redact_url(url)  # never the password in a message
        raise HubError(f"--db: {shown} is not a PostgreSQL URL (postgresql+psycopg://...)")


@hub.command("serve")
@click.argument("folder", type=HUB_DIR)
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(folder: Path, ip: str, port: int) -> None:
    """Run the hub in the foreground (JupyterHub and its proxy) until Ctrl-C.

    \b
    Example:
      sudo workbook hub serve /srv/wbhub --ip 0.0.0.0 --port 8000
    """
    from ..hub.layout import Hub
    from ..hub.serve import serve as run

    run(Hub(folder), ip, port, say=click.echo)


@hub.command("add-user")
@click.argument("folder", type=HUB_DIR)
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Their hub group.")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="A file whose first line is the password (kept hashed by the system, never here).",
)
def add_user(folder: Path, name: str, role: str, password_file: Path) -> None:
    """Create or update a person: account wb-NAME, their password and role (a hub group).

    Works whether the hub runs or not.

    \b
    Example:
      sudo workbook hub add-user /srv/wbhub sam --role practitioner --password-file pw.txt
    """
    from ..hub.people import add

    done = add(Path(folder), name, role, password_file)
    click.echo(done)


@hub.command("remove-user")
@click.argument("folder", type=HUB_DIR)
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm: their home and practice are deleted.")
def remove_user(folder: Path, name: str, yes: bool) -> None:
    """Remove a person: their sign-in, server, account, home and practice (no undo).

    \b
    Example:
      sudo workbook hub remove-user /srv/wbhub sam --yes
    """
    from ..hub.people import remove

    if not yes:
        raise click.UsageError(f"removing {name} deletes their home and practice; add --yes")
    click.echo(remove(Path(folder), name))
