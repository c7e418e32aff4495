"""The command that writes clients' workbooks: generate."""

from __future__ import annotations

import sys

import click

from . import _Options, cli, pass_options


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    from ..generate import FORMATS

    chosen = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'}: use some of " + ",".join(FORMATS)
        )
    return chosen


@cli.command()
@click.argument("clients", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every client in the practice.")
@click.option(
    "--audience",
    type=click.Choice(["client", "practitioner"]),
    default="client",
    show_default=True,
    help="The client's copy leaves out your reflections and notes.",
)
@click.option(
    "--format",
    "formats",
    default="ipynb,html,pdf,ics",
    show_default=True,
    callback=_formats,
    help="Comma-separated: ipynb, html, pdf, ics.",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Processes at once (default: cores).")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to write for (default: today)."
)
@pass_options
def generate(
    opts: _Options,
    clients: tuple[str, ...],
    every: bool,
    audience: str,
    formats: tuple[str, ...],
    jobs: int | None,
    as_of,
) -> None:  # noqa: ANN001
    """Generate clients' workbooks into PRACTICE/workbooks/CLIENT/.

    Each client runs in a fresh kernel; several run at once with --jobs. A client that fails
    never stops the others; the exit status is 1 if any failed.

    \b
    Example:
      workbook generate lana
      workbook generate --all --format html,pdf --jobs 2
    """
    from ..generate import generate_many
    from ..progress import Progress

    if bool(clients) == every:
        raise click.UsageError("name the clients to generate, or give --all (not both)")
    practice = opts.practice()
    with practice.open(create=False) as store:
        known = store.client_ids()
    chosen = known if every else list(dict.fromkeys(clients))
    for client in chosen:
        if client not in known:
            from ..errors import ClientNotFound

            raise ClientNotFound(client)
    if not chosen:
        click.echo("no clients in this practice yet")
        return
    with Progress(len(chosen)) as progress:
        results = generate_many(
            practice,
            chosen,
            audience=audience,
            formats=formats,
            as_of=as_of.date() if as_of else None,
            jobs=jobs,
            done=progress.done,
        )
    progress.summary(results)
    if not all(r.ok for r in results):
        sys.exit(1)
