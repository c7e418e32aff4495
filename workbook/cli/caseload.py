"""The caseload command: every client of the practice, most urgent first."""

from __future__ import annotations

from datetime import date

import click

from . import _Options, cli, pass_options


@cli.command("caseload")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to look from (default: today)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text: a table to read; json: a list of objects; csv: a header and a row per client.",
)
@pass_options
def caseload_(opts: _Options, as_of, fmt: str) -> None:  # noqa: ANN001
    """List every client of the practice, most urgent first.

    For each client: the step of the method reached, the last contact and the days since, when
    the next weekly check-in is due (or how overdue it is), the overdue actions, the latest
    importance and confidence (with their change since the check-in before) and flags:
    buy-in-lost, checkin-overdue, confidence-falling, confidence-low (4 or below),
    actions-overdue, fidelity-failing. Clients are ordered by their most serious flag (in that
    order), then by the number of flags, then by the days since the last contact.

    JSON and CSV have the keys client, name, step, last_contact, days_since_contact,
    next_checkin, overdue_actions, importance, confidence, flags (in CSV the flags are
    separated by spaces).

    \b
    Example:
      workbook caseload
      workbook caseload --as-of 2026-11-25 --format json
      workbook caseload --format csv > caseload.csv
    """
    # Imported here, not at the top: pandas loads only for the commands that use it.
    from ..caseload import as_csv, as_json, as_text, caseload

    day = as_of.date() if as_of else date.today()
    with opts.practice().open(create=False) as store:
        table = caseload(store, day)
    if fmt == "json":
        click.echo(as_json(table))
    elif fmt == "csv":
        click.echo(as_csv(table), nl=False)
    else:
        click.echo(as_text(table, day))
