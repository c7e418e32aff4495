"""Commands for a client's history: history (who changed what, when) and revert."""

from __future__ import annotations

import json

import click

from . import _Options, cli, pass_options


@cli.command()
@click.argument("client")
@click.option("--record", "record", metavar="ID", help="One record only: s1, stories/s1, client…")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_options
def history(opts: _Options, client: str, record: str | None, fmt: str) -> None:
    """Show every change to a client's records, newest first, numbered.

    Each entry says when, who (the WORKBOOK_USER, else the login name), which record and what
    kind of change; --format json adds each record as it was before and after. Go back to how
    the records stood after an entry with `workbook revert CLIENT --to NUMBER`.

    \b
    Example:
      workbook history lana
      workbook history lana --record s1 --format json
    """
    with opts.practice().open(create=False) as store:
        found = store.history(client, record)
    if fmt == "json":
        click.echo(json.dumps([e.as_json() for e in found], indent=2, ensure_ascii=False))
        return
    if not found:
        which = f"record {record!r} of " if record else ""
        click.echo(f"no history for {which}{client} yet")
        return
    width = len(str(found[0].number))
    for e in found:
        when = e.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"#{e.number:<{width}}  {when}  {e.who}  {e.change:<8}  {e.record}{_detail(e)}")


def _detail(entry) -> str:  # noqa: ANN001 - a history Entry
    """What an entry changed, by field name (the values are in --format json)."""
    if entry.change == "erase":
        return " (the client's records and history were erased)"
    if entry.change == "order" or entry.record in ("stories", "ideas", "interviews", "actions"):
        return " (new order: " + ", ".join(entry.after or []) + ")"
    if isinstance(entry.before, dict) and isinstance(entry.after, dict):
        fields = sorted(
            k
            for k in entry.before.keys() | entry.after.keys()
            if entry.before.get(k) != entry.after.get(k)
        )
        return f" ({', '.join(fields)})" if fields else ""
    return ""


@cli.command()
@click.argument("client")
@click.option(
    "--to",
    "number",
    type=click.IntRange(min=1),
    required=True,
    metavar="N",
    help="The history entry (its number in `workbook history CLIENT`) to go back to.",
)
@pass_options
def revert(opts: _Options, client: str, number: int) -> None:
    """Bring a client's records back to how they stood after history entry N.

    The revert is itself a change: it is added to the history (as "revert" entries), so
    nothing is erased and it can be reverted in turn.

    \b
    Example:
      workbook history lana
      workbook revert lana --to 42
    """
    with opts.practice().open(create=False) as store:
        changed = store.revert(client, number)
    if not changed:
        click.echo(f"nothing to revert: {client}'s records already stand as after entry {number}")
    else:
        click.echo(
            f"reverted {client} to how the records stood after entry {number} "
            f"({changed} record(s) changed; see `workbook history {client}`)"
        )
