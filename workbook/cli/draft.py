"""The ``draft`` command: a plan drafted from a client's records, printed and never saved."""

from __future__ import annotations

import click

from . import _Options, cli, pass_options


@cli.command("draft")
@click.argument("client")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to draft from (default: today)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_options
def draft_(opts: _Options, client: str, as_of, fmt: str) -> None:  # noqa: ANN001
    """Draft a goal and actions for CLIENT's plan from their records, without saving them.

    The drafts come from plain rules (see the practitioner's guide): an informational interview
    for each chosen idea not yet tested, a résumé and profile built on the top skills, a
    networking campaign through the people the interviews led to, a course where an idea needs
    one, and the practitioner's feedback and a rehearsal. Due dates are spread between the
    date drafted from and the plan's target. Keep them from step 3's "Draft the plan" panel.

    \b
    Example:
      workbook draft lana --as-of 2026-11-25
      workbook draft lana --format json
    """
    import json

    from ..draft import as_text, draft_plan
    from ..frames import case_frames

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    drafted = draft_plan(case_frames(case), as_of.date() if as_of else None)
    if fmt == "json":
        click.echo(json.dumps(drafted.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(drafted))
