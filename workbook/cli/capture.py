"""Commands for the guided notebooks: prepare, lab, app."""

from __future__ import annotations

import click

from . import _Options, cli, pass_options


@cli.command()
@click.argument("client")
@click.option("--force", is_flag=True, help="Overwrite copies that exist already.")
@pass_options
def prepare(opts: _Options, client: str, force: bool) -> None:
    """Write a client's own set of the guided notebooks into the practice.

    They go to PRACTICE/notebooks/CLIENT/, with the client id and practice filled in. Copies
    already there are kept unless --force is given.

    \b
    Example:
      workbook prepare lana
    """
    from ..notebooks import prepare as prepare_notebooks

    for item in prepare_notebooks(opts.practice(), client, force=force):
        click.echo(f"{'wrote' if item.written else 'kept '} {item.path}")


_SERVER = {"ignore_unknown_options": True, "allow_extra_args": True}


@cli.command(context_settings=_SERVER)
@click.argument("client", required=False)
@pass_options
@click.pass_context
def lab(ctx: click.Context, opts: _Options, client: str | None) -> None:
    """Open JupyterLab on the practice's notebooks (on CLIENT's, if given).

    Options after the client are passed to jupyter-lab.

    \b
    Example:
      workbook lab lana
      workbook lab lana --no-browser --port 8890
    """
    from ..notebooks import lab_command, prepare, run

    practice = opts.practice()
    if client:
        prepare(practice, client)
    run(lab_command(practice, client, ctx.args), practice)


@cli.command(context_settings=_SERVER)
@click.argument("client", required=False)
@click.option(
    "--audience",
    type=click.Choice(["practitioner", "client"]),
    default="practitioner",
    show_default=True,
    help="practitioner: every form, for you alone (not for clients). client: CLIENT's own "
    "pages (goal and plan, next steps, calendar, a check-in of their own) and nothing else.",
)
@pass_options
@click.pass_context
def app(ctx: click.Context, opts: _Options, client: str | None, audience: str) -> None:
    """Serve the notebooks as an app with Voilà: forms only, no code.

    The practitioner's app (the default) shows every form, private notes and other clients:
    it is not for clients. For a client, serve their own pages with --audience client.
    Options after the client are passed to voila.

    \b
    Example:
      workbook app lana
      workbook app lana --audience client --no-browser --port 8866
    """
    import os

    from ..audience import ENV
    from ..notebooks import app_command, prepare, run

    practice = opts.practice()
    os.environ[ENV] = audience  # the server's notebooks read it: the header says who it is for
    if audience == "client":
        from ..clientapp.serve import app_command as client_app_command

        if not client:
            raise click.UsageError("the client app is for one client: give CLIENT")
        run(client_app_command(practice, client, ctx.args), practice)
        return
    if client:
        prepare(practice, client)
    run(app_command(practice, client, ctx.args), practice)
