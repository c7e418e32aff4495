"""The ``workbook`` command line (DESIGN.md section 6). Each command parses, calls, shows.

Errors are turned into one line on stderr in one place (:class:`_Group`): exit status 1 for a
problem with the data or the database, 2 for a usage mistake.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import WorkbookError
from .practice import Practice

DEMO_PRACTICE = Path("demo-practice")


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
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


@cli.command()
@pass_options
def init(opts: _Options) -> None:
    """Create a practice (folder and database), or upgrade an existing one.

    \b
    Example:
      workbook --practice ~/cases init
    """
    practice = opts.practice()
    with practice.open() as store:
        count = len(store.client_ids())
    click.echo(f"practice ready at {practice.path} ({_where(practice)}), {count} client(s)")


@cli.command()
@pass_options
def demo(opts: _Options) -> None:
    """Make a demo practice with the sample client, Lana, and generate her workbook.

    The practice is ./demo-practice unless --practice or WORKBOOK_PRACTICE says otherwise;
    running it again resets Lana to the sample.

    \b
    Example:
      workbook demo
    """
    from .generate import generate_one
    from .notebooks import prepare
    from .sample import sample_case
    from .summary import case_summary

    practice = opts.practice(default=DEMO_PRACTICE)
    case = sample_case()
    with practice.open() as store:
        store.save(case, replace=True)
    prepare(practice, case.client.id)
    click.echo(f"Demo practice at {practice.path} ({_where(practice)}) with the sample client.\n")
    click.echo(case_summary(case))
    click.echo(f"\nGenerating {case.client.name}'s workbook ...", err=True)
    result = generate_one(practice, case.client.id)
    if not result.ok:
        raise WorkbookError(result.error or "the workbook could not be generated")
    click.echo(f"\n{case.client.name}'s workbook ({result.seconds:.1f} s):")
    for path in result.files:
        click.echo(f"  {path}")
    client = case.client.id
    click.echo(
        f"\nHer guided notebooks: {practice.path / 'notebooks' / client}\n"
        f"Open them with:  workbook --practice {practice.path} lab {client}\n"
        f"or as an app:    workbook --practice {practice.path} app {client}"
    )


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite clients that are already in the practice.")
@pass_options
def import_(opts: _Options, files: tuple[Path, ...], replace: bool) -> None:
    """Import case files (YAML): every file is checked first, then all are written together.

    If any file has a problem, nothing is imported.

    \b
    Example:
      workbook import maria.yaml devon.yaml
      workbook import --replace maria.yaml
    """
    from .casefile import read_case

    cases = [read_case(f) for f in files]
    with opts.practice().open() as store:
        store.save_all(cases, replace=replace, sources=[str(f) for f in files])
    for case, f in zip(cases, files, strict=True):
        click.echo(f"imported {case.client.id} from {f}")


@cli.command()
@click.argument("client")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (mode 0600); default: standard output.",
)
@pass_options
def export(opts: _Options, client: str, output: Path | None) -> None:
    """Export a client's case as a YAML case file.

    \b
    Example:
      workbook export lana -o lana.yaml
    """
    from .casefile import dump_case, write_case

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    if output is None or str(output) == "-":
        click.echo(dump_case(case), nl=False)
    else:
        write_case(case, output)
        click.echo(f"exported {client} to {output}", err=True)


@cli.command()
@pass_options
def clients(opts: _Options) -> None:
    """List the clients in the practice.

    \b
    Example:
      workbook clients
    """
    from .summary import clean

    with opts.practice().open(create=False) as store:
        rows = store.summaries()
    if not rows:
        click.echo("no clients yet; add one with `workbook import FILE` or try `workbook demo`")
        return
    width = max(len(r.id) for r in rows)
    click.echo(f"{'id':<{width}}  {'started':<10}  stories ideas actions check-ins  last  name")
    for r in rows:
        last = r.last_checkin.isoformat() if r.last_checkin else "-"
        click.echo(
            f"{r.id:<{width}}  {r.started.isoformat()}  {r.stories:>7} {r.ideas:>5} "
            f"{r.actions:>7} {r.checkins:>9}  {last}  {clean(r.name)}"
        )


@cli.command()
@click.argument("client")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date for overdue actions (default: today)."
)
@pass_options
def show(opts: _Options, client: str, as_of) -> None:  # noqa: ANN001
    """Summarise a client's case, step by step.

    \b
    Example:
      workbook show lana --as-of 2026-11-20
    """
    from .summary import case_summary

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    click.echo(case_summary(case, as_of.date() if as_of else date.today()))


@cli.command()
@click.argument("client")
@click.option("--yes", is_flag=True, help="Confirm: delete every record and generated file.")
@pass_options
def delete(opts: _Options, client: str, yes: bool) -> None:
    """Delete a client: every record, and their generated workbooks.

    \b
    Example:
      workbook delete lana --yes
    """
    if not yes:
        raise click.UsageError(f"deleting {client!r} cannot be undone; add --yes to confirm")
    practice = opts.practice()
    with practice.open(create=False) as store:
        store.delete(client)
    practice.remove_client_files(client)
    click.echo(f"deleted {client} and their generated files")


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
    from .notebooks import prepare as prepare_notebooks

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
    from .notebooks import lab_command, prepare, run

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
    from .notebooks import app_command, prepare, run

    practice = opts.practice()
    if client:
        prepare(practice, client)
    run(app_command(practice, client, ctx.args), practice)


@cli.command("check")
@click.argument("client")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to check as of (default: today)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_options
def check_(opts: _Options, client: str, as_of, fmt: str) -> None:  # noqa: ANN001
    """Check how faithfully a case follows the method, step by step.

    Each check passes, warns or fails, and says what to do and why it matters. The exit status
    is 0 whatever the findings.

    \b
    Example:
      workbook check lana --as-of 2026-11-25
      workbook check lana --format json
    """
    import json

    from .fidelity import as_text, run_checks

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    findings = run_checks(case, as_of.date() if as_of else None)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(findings))


@cli.command()
@click.argument("client")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The case file to write (mode 0600).",
)
@click.option("--shift-days", type=int, hidden=True, help="Fixed date offset (for tests).")
@pass_options
def deidentify(opts: _Options, client: str, output: Path, shift_days: int | None) -> None:
    """Write a de-identified copy of a client's case, for supervision.

    Names, organisations, e-mail addresses and phone numbers become consistent placeholders
    and every date moves by one secret offset. Refused unless the client consented to sharing.

    \b
    Example:
      workbook deidentify lana -o lana-for-supervision.yaml
    """
    from .casefile import write_case
    from .deidentify import deidentify as make_copy

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    write_case(make_copy(case, shift_days), output)
    click.echo(f"wrote a de-identified copy of {client} to {output}")


@cli.command()
@click.option("--client", "client", help="Only this client's reflections.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only reflections from this date on."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML file to write (default: PRACTICE/journal.html), mode 0600.",
)
@pass_options
def journal(opts: _Options, client: str | None, since, output: Path | None) -> None:  # noqa: ANN001
    """Write all reflections, in date order, as one HTML document for supervision.

    \b
    Example:
      workbook journal --since 2026-10-01
      workbook journal --client lana -o lana-journal.html
    """
    from .files import write_private
    from .journal import journal_html

    practice = opts.practice()
    with practice.open(create=False) as store:
        ids = [client] if client else store.client_ids()
        cases = [store.load(c) for c in ids]
    page = journal_html(cases, since.date() if since else None)
    target = write_private(output or practice.path / "journal.html", page.encode("utf-8"))
    click.echo(f"wrote {target}")


@cli.group()
def workshop() -> None:
    """Workshops: a practice per trainee from a roster, and a cohort report of their work.

    \b
    Example:
      workbook workshop create roster.csv --case lana.yaml --out spring-cohort
      workbook workshop collect spring-cohort
    """


@workshop.command("create")
@click.argument("roster", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--case",
    "case_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The practice case every trainee works on.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The workshop folder: one sub-folder per trainee.",
)
def workshop_create(roster: Path, case_file: Path, out: Path) -> None:
    """Make one practice per trainee of ROSTER (a CSV with id, name and email columns).

    Each holds the practice case and its prepared notebooks. A roster with any problem is
    refused, every problem named by line, and nothing is created.

    \b
    Example:
      workbook workshop create roster.csv --case lana.yaml --out spring-cohort
    """
    from tqdm import tqdm

    from .workshop import create, read_roster

    total = len(read_roster(roster))
    with tqdm(total=total, desc="trainees", unit="trainee", file=sys.stderr, disable=None) as bar:
        made = create(roster, case_file, out, progress=lambda _: bar.update(1))
    click.echo(f"made {len(made)} trainee practice(s) in {out}")


@workshop.command("collect")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--names", is_flag=True, help="Show trainees' names (de-identified otherwise).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to report as of.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML file to write (default: FOLDER/cohort-report.html).",
)
def workshop_collect(folder: Path, names: bool, as_of, output: Path | None) -> None:  # noqa: ANN001
    """Read every trainee's practice and write the cohort report (HTML).

    \b
    Example:
      workbook workshop collect spring-cohort --as-of 2026-12-01
    """
    from tqdm import tqdm

    from .cohort import load
    from .workshop import collect

    with tqdm(desc="trainees", unit="trainee", file=sys.stderr, disable=None) as bar:
        members = load(folder, progress=lambda _: bar.update(1))  # a first look, with progress
    for m in members:
        if m.problem:
            click.echo(f"{m.label}: {m.problem}", err=True)
    click.echo(f"writing the cohort report for {len(members)} trainees ...", err=True)
    report = collect(folder, names=names, as_of=as_of.date() if as_of else None, output=output)
    click.echo(f"wrote {report}")


def _formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    from .generate import FORMATS

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
    from .generate import generate_many
    from .progress import Progress

    if bool(clients) == every:
        raise click.UsageError("name the clients to generate, or give --all (not both)")
    practice = opts.practice()
    with practice.open(create=False) as store:
        known = store.client_ids()
    chosen = known if every else list(dict.fromkeys(clients))
    for client in chosen:
        if client not in known:
            from .errors import ClientNotFound

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


def _where(practice: Practice) -> str:
    if practice.embedded:
        return f"database {practice.db_path}"
    from .store import redact_url

    return f"database {redact_url(practice.url)}"


def main() -> None:
    cli(prog_name="workbook")


if __name__ == "__main__":
    main()
