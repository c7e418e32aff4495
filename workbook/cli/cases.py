"""Commands for a practice's cases: init, demo, import, export, clients, show, delete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import ClientNotFound, WorkbookError
from . import DEMO_PRACTICE, _Options, _where, cli, pass_options


@cli.command()
@pass_options
def init(opts: _Options) -> None:
    """Create a practice (folder and database), or upgrade an existing one.

    It gets a start-here notebook (PRACTICE/notebooks/00_start_here.ipynb), where clients are
    created and opened: `workbook lab` opens it.

    \b
    Example:
      workbook --practice ~/cases init
    """
    from ..notebooks import write_start

    practice = opts.practice()
    with practice.open() as store:
        count = len(store.client_ids())
    start = write_start(practice)
    click.echo(f"practice ready at {practice.path} ({_where(practice)}), {count} client(s)")
    click.echo(f"start here: {start.path}\nopen it with: workbook --practice {practice.path} lab")


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
    from ..generate import FORMATS, export, generate_one
    from ..notebooks import prepare
    from ..sample import sample_case
    from ..summary import case_summary

    practice = opts.practice(default=DEMO_PRACTICE)
    case = sample_case()
    with practice.open() as store:
        store.save(case, replace=True)
    prepare(practice, case.client.id)
    click.echo(f"Demo practice at {practice.path} ({_where(practice)}) with the sample client.\n")
    click.echo(case_summary(case))
    click.echo(f"\nGenerating {case.client.name}'s workbook ...", err=True)
    # Installed anywhere, the demo works: without Chromium it leaves out only the PDF.
    formats = [f for f in FORMATS if f != "pdf" or Path(export.CHROMIUM).exists()]
    result = generate_one(practice, case.client.id, formats=formats)
    if not result.ok:
        raise WorkbookError(result.error or "the workbook could not be generated")
    click.echo(f"\n{case.client.name}'s workbook ({result.seconds:.1f} s):")
    for path in result.files:
        click.echo(f"  {path}")
    if "pdf" not in formats:
        click.echo(f"  (no PDF: printing one needs Chromium, not found at {export.CHROMIUM})")
    client = case.client.id
    click.echo(
        f"\nHer guided notebooks: {practice.notebooks(client)}\n"
        f"Start here with: workbook --practice {practice.path} lab\n"
        f"or as an app:    workbook --practice {practice.path} app\n"
        f"Her notebooks:   workbook --practice {practice.path} lab {client}\n"
        f"Her own app:     workbook --practice {practice.path} app {client} --audience client"
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
    from ..casefile import read_case

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
    from ..casefile import dump_case, write_case

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
    from ..summary import clean

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
    from ..summary import case_summary

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    click.echo(case_summary(case, as_of.date() if as_of else date.today()))


@cli.command()
@click.argument("client")
@click.option("--yes", is_flag=True, help="Confirm: erase every record, file and history entry.")
@pass_options
def delete(opts: _Options, client: str, yes: bool) -> None:
    """Erase a client: their records, their history, their generated workbooks and their
    notebooks folder. What remains is a tombstone in the history: the client's id, when and
    who, and no content (`workbook history CLIENT` shows it).

    \b
    Example:
      workbook delete lana --yes
    """
    if not yes:
        raise click.UsageError(f"deleting {client!r} cannot be undone; add --yes to confirm")
    practice = opts.practice()
    with practice.open(create=False) as store:
        held = store.has(client)
        if held:
            store.delete(client)
    # After the records: a run of `generate` that read them before cannot bring files back
    # (it checks the client is still there before it keeps its work). Run again when a stop
    # left files behind, and it clears them.
    gone = practice.remove_client_files(client)
    if not held and not gone:
        raise ClientNotFound(client)
    if not held:
        click.echo(f"no records of {client} remained; removed the files left behind")
    else:
        click.echo(
            f"erased {client}: their records, history, generated files and notebooks "
            "(a tombstone with no content remains in the history)"
        )
    if practice.journal in gone:
        click.echo(
            f"removed {practice.journal.name}, which held every client's reflections; "
            "run `workbook journal` to write it again without them"
        )
