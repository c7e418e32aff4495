"""Commands for keeping the records safe: backup create, backup restore."""

from __future__ import annotations

from pathlib import Path

import click

from . import _Options, _where, cli, pass_options


@cli.group()
def backup() -> None:
    """Back a practice up into one file, or restore it from one.

    \b
    Example:
      workbook backup create -o ~/backups/practice-2026-11-26.zip
      workbook --practice ~/restored backup restore ~/backups/practice-2026-11-26.zip
    """


@backup.command("create")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The backup file to write (a zip archive, mode 0600; replaced whole if it exists).",
)
@pass_options
def create_(opts: _Options, output: Path) -> None:
    """Write a consistent backup of the practice's records, while others keep working.

    A SQLite practice is copied by SQLite itself; a PostgreSQL practice is saved as one case
    file per client plus the change history. A manifest lists the counts and checksums. The
    generated workbooks are not included: `workbook generate` makes them again.

    \b
    Example:
      workbook --practice ~/practice backup create -o practice-2026-11-26.zip
    """
    from ..backup import create

    practice = opts.practice()
    manifest = create(practice, output)
    history = manifest.counts.get("history")
    extra = f", {history} history entries" if history is not None else ""
    click.echo(
        f"backed up {manifest.counts['clients']} client(s){extra} from {_where(practice)} "
        f"to {output} ({manifest.contents}, schema {manifest.schema_revision})"
    )


@backup.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_options
def restore_(opts: _Options, file: Path) -> None:
    """Restore a backup into a new or empty practice (made if missing).

    The whole file is checked first (its manifest, every checksum and count); a file that
    does not pass, or a practice that already holds records, is refused and nothing is written.

    \b
    Example:
      workbook --practice ~/restored backup restore practice-2026-11-26.zip
    """
    from ..backup import restore
    from ..notebooks import write_start

    practice = opts.practice()
    restored = restore(practice, file)
    write_start(practice)
    check = f"; integrity check: {restored.integrity}" if restored.integrity else ""
    click.echo(
        f"restored {restored.clients} client(s) from {file} (made "
        f"{restored.manifest.created_at}) into {_where(practice)}{check}"
    )
