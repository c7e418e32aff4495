"""Commands for the guided notebooks: prepare, lab, app.

``lab`` and ``app`` take a client, ``--port`` and ``--no-browser`` as their own; whatever follows
``--`` goes to jupyter-lab or Voilà untouched. Nothing else is accepted, so a typing slip is a
usage error rather than a client id or a server option.
"""

from __future__ import annotations

import click

from . import _Options, cli, pass_options


@cli.command()
@click.argument("client")
@click.option("--force", is_flag=True, help="Overwrite copies that exist already.")
@pass_options
def prepare(opts: _Options, client: str, force: bool) -> None:
    """Write a client's own set of the guided notebooks into the practice.

    They go to PRACTICE/notebooks/CLIENT/, with the client id and practice filled in, and the
    practice's start-here (PRACTICE/notebooks/00_start_here.ipynb) is brought up to date. Copies
    already there are kept unless --force is given.

    \b
    Example:
      workbook prepare lana
    """
    from ..notebooks import prepare as prepare_notebooks

    for item in prepare_notebooks(opts.practice(), client, force=force):
        click.echo(f"{'wrote' if item.written else 'kept '} {item.path}")


class ServerCommand(click.Command):
    """A command that starts a server: arguments after ``--`` are kept for the server."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            args, ctx.meta["server_args"] = args[:cut], args[cut + 1 :]
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            exc.message += f" Options for the server go after --, e.g. -- {exc.option_name}"
            raise


def server_options(command):  # noqa: ANN001, ANN201 - a click command function
    """CLIENT (optional), --port and --no-browser: the options lab and app share."""
    command = click.option(
        "--no-browser", "no_browser", is_flag=True, help="Do not open a web browser."
    )(command)
    command = click.option(
        "--port", type=click.IntRange(1, 65535), help="Port to listen on (that one, or an error)."
    )(command)
    return click.argument("client", required=False)(command)


def _ready(opts: _Options, client: str | None):  # noqa: ANN202 - a Practice
    """The practice's start-here, and the client's notebooks if a client is given."""
    from ..notebooks import prepare, write_start

    practice = opts.practice()
    if client:
        prepare(practice, client)  # an unknown client is a one-line error here
    else:
        write_start(practice)  # as is a practice that does not exist
    return practice


@cli.command(cls=ServerCommand)
@server_options
@pass_options
@click.pass_context
def lab(
    ctx: click.Context, opts: _Options, client: str | None, port: int | None, no_browser: bool
) -> None:
    """Open JupyterLab on the practice's start-here notebook, or on CLIENT's notebooks.

    A client's notebooks open in a JupyterLab workspace of their own. Options for jupyter-lab go
    after --.

    \b
    Example:
      workbook lab
      workbook lab lana --no-browser --port 8890
      workbook lab lana -- --ServerApp.token=secret
    """
    from ..notebooks import lab_command, run

    practice = _ready(opts, client)
    extra = ctx.meta.get("server_args", [])
    run(lab_command(practice, client, port=port, browser=not no_browser, extra=extra), practice)


@cli.command(cls=ServerCommand)
@server_options
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
def app(
    ctx: click.Context,
    opts: _Options,
    client: str | None,
    port: int | None,
    no_browser: bool,
    audience: str,
) -> None:
    """Serve the notebooks as an app with Voilà (forms only, no code), opening start-here or
    CLIENT's first notebook.

    The practitioner's app (the default) shows every form, private notes and other clients:
    it is not for clients. For a client, serve their own pages with --audience client.
    Options for voila go after --.

    \b
    Example:
      workbook app
      workbook app lana --no-browser --port 8866
      workbook app lana --audience client --port 8867
    """
    import os

    from ..audience import ENV
    from ..notebooks import app_command, run, server_flags

    extra = ctx.meta.get("server_args", [])
    os.environ[ENV] = audience  # the server's notebooks read it: the header says who it is for
    if audience == "client":
        from ..clientapp.serve import app_command as client_app_command

        if not client:
            raise click.UsageError("the client app is for one client: give CLIENT")
        practice = opts.practice()
        flags = server_flags(port, not no_browser, "Voila.port_retries")
        run(client_app_command(practice, client, [*flags, *extra]), practice)
        return
    practice = _ready(opts, client)
    run(app_command(practice, client, port=port, browser=not no_browser, extra=extra), practice)
