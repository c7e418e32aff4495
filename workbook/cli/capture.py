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
@pass_options
@click.pass_context
def app(ctx: click.Context, opts: _Options, client: str | None) -> None:
    """Serve the notebooks as an app with Voilà: forms only, no code, for use with a client.

    Options after the client are passed to voila.

    \b
    Example:
      workbook app lana
      workbook app lana --no-browser --port 8866
    """
    from ..notebooks import app_command, prepare, run

    practice = opts.practice()
    if client:
        prepare(practice, client)
    run(app_command(practice, client, ctx.args), practice)
