"""The ``workbook`` command line (DESIGN.md section 6). Each command parses, calls, shows.

Errors are turned into one line on stderr in one place (:class:`_Group`): exit status 1 for a
problem with the data or the database, 2 for a usage mistake. Ctrl-C and SIGTERM stop any
command there too (``stopping.py``): one line saying how much was done, exit status 130 or 143.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import WorkbookError
from ..practice import Practice

DEMO_PRACTICE = Path("demo-practice")


class _Stopped(SystemExit):
    """The exit of a stopped command (:func:`main` ends the process at once)."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # noqa: ANN201
        from ..stopping import on_signals

        with on_signals():  # Ctrl-C or SIGTERM: Stopped, handled just below
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context):  # noqa: ANN202
        from ..stopping import Stopped, end_children, summary

        try:
            return super().invoke(ctx)
        except Stopped as exc:  # every file is written whole: no part is left to clean
            end_children()  # kernels, the browser
            click.echo(summary(exc), err=True)
            raise _Stopped(exc.status) from None
        except WorkbookError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written by the step that was running")
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line; the traceback only on request
            if os.environ.get("WORKBOOK_DEBUG"):
                raise
            _fail(
                f"internal error ({type(exc).__name__}: {exc}); please report it, and set "
                "WORKBOOK_DEBUG=1 to see the traceback"
            )


def _fail(message: str) -> None:
    click.echo(f"workbook: error: {message}", err=True)
    sys.exit(1)


class _Options:
    def __init__(self, practice: Path | None, db: str | None):
        self.practice_option, self.db = practice, db

    def practice(self, default: Path | None = None) -> Practice:
        if self.practice_option is None and not os.environ.get("WORKBOOK_PRACTICE") and default:
            return Practice.locate(default, self.db)
        return Practice.locate(self.practice_option, self.db)


pass_options = click.make_pass_decorator(_Options)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--practice",
    type=click.Path(path_type=Path, file_okay=False),
    help="Practice folder (default: $WORKBOOK_PRACTICE, else ./practice).",
)
@click.option(
    "--db",
    metavar="URL",
    help="Database URL instead of the practice's own SQLite file (default: $WORKBOOK_DB), "
    "e.g. postgresql+psycopg://user@host:5432/db.",
)
@click.version_option(__version__, prog_name="workbook")
@click.pass_context
def cli(ctx: click.Context, practice: Path | None, db: str | None) -> None:
    """Action Plan Workbook: keep a career-development practice's cases and plans.

    \b
    Example:
      workbook demo                 # a practice with the sample client, Lana
      workbook --practice ~/cases import maria.yaml
    """
    ctx.obj = _Options(practice, db)


def _where(practice: Practice) -> str:
    if practice.embedded:
        return f"database {practice.db_path}"
    from ..store import redact_url

    return f"database {redact_url(practice.url)}"


def main() -> None:
    try:
        cli(prog_name="workbook")
    except _Stopped as stopped:  # all is done and said: exit now, without the second that the
        sys.stdout.flush()  # kernels' message sockets would otherwise linger at exit
        sys.stderr.flush()
        os._exit(stopped.code)


# The commands register themselves on ``cli`` when their modules are imported.
from . import (  # noqa: E402, F401
    capture,
    caseload,
    cases,
    draft,
    history,
    hub,
    records,
    teaching,
    workbooks,
)
