"""Commands for practice and teaching: check, deidentify, journal, workshop."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import _Options, cli, pass_options


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

    Each check, named in words beside its id, passes, warns (to improve) or fails, and says
    what to do and why it matters. The exit status is 1 when any check fails, 0 otherwise, so
    the command can gate a script; a problem with the practice or the client is also 1.

    \b
    Example:
      workbook check lana --as-of 2026-11-25
      workbook check lana --format json
    """
    import json

    from ..fidelity import as_text, failed, run_checks

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    findings = run_checks(case, as_of.date() if as_of else None)
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(findings))
    if failed(findings):
        sys.exit(1)


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

    Names in any form, organisations, links, e-mail addresses, handles and phone numbers become
    consistent placeholders; addresses, house numbers and postcodes are removed; every date,
    in the records and in the text, moves by one secret offset (a date of birth becomes its
    decade). A report of what was replaced, by kind and count only, is written beside the copy
    as NAME.report.txt. Refused unless the client consented to sharing.

    \b
    Example:
      workbook deidentify lana -o lana-for-supervision.yaml
    """
    from ..casefile import write_case
    from ..deidentify import deidentify_with_counts
    from ..deidentify.report import report_path, report_text, summary
    from ..files import write_private

    with opts.practice().open(create=False) as store:
        case = store.load(client)
    copy, counts = deidentify_with_counts(case, shift_days)
    report = report_path(output)
    write_case(copy, output)
    write_private(report, report_text(counts).encode("utf-8"))
    click.echo(f"wrote a de-identified copy of {client} to {output}: {summary(counts)}; ", nl=False)
    click.echo(f"what was replaced, by kind, is in {report}")


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
    from ..files import write_private
    from ..journal import journal_html

    practice = opts.practice()
    with practice.open(create=False) as store:
        ids = [client] if client else store.client_ids()
        cases = [store.load(c) for c in ids]
    page = journal_html(cases, since.date() if since else None)
    target = write_private(output or practice.journal, page.encode("utf-8"))
    click.echo(f"wrote {target}")


@cli.group()
def workshop() -> None:
    """Workshops: a practice per trainee from a roster, and a cohort report of what they did.

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

    Each holds the practice case and its prepared notebooks; the case as handed out is kept in
    OUT/handout.yaml, and `workshop collect` measures each trainee's work against it. A roster
    with any problem is refused, every problem named by line, and nothing is created.

    \b
    Example:
      workbook workshop create roster.csv --case lana.yaml --out spring-cohort
    """
    from tqdm import tqdm

    from ..stopping import counting
    from ..workshop import create, read_roster

    total = len(read_roster(roster))
    done = "trainee practices prepared; none was kept (a workshop is made whole or not at all)"
    with (
        counting(total, done) as count,
        tqdm(total=total, desc="trainees", unit="trainee", file=sys.stderr, disable=None) as bar,
    ):
        made = create(roster, case_file, out, progress=lambda _: _tick(bar, count))
    click.echo(f"made {len(made)} trainee practice(s) in {out}")


@workshop.command("collect")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--names", is_flag=True, help="Show trainees' names (pseudonyms otherwise).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to report as of.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: also print one object per trainee (work and fidelity checks) on stdout.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="HTML file to write (default: FOLDER/cohort-report.html).",
)
def workshop_collect(folder: Path, names: bool, as_of, fmt: str, output: Path | None) -> None:  # noqa: ANN001
    """Measure every trainee's work against the case handed out; write the cohort report (HTML).

    Each trainee's records added, changed and removed, the steps they worked on and their
    fidelity checks, per trainee and across the cohort. With --format json the same, one object
    per trainee, is printed as a JSON list: trainee, added, changed, removed, steps_worked
    (0 is the intake) and fidelity (check, step, status).

    \b
    Example:
      workbook workshop collect spring-cohort --as-of 2026-12-01
      workbook workshop collect spring-cohort --format json > spring-cohort.json
    """
    import json
    from datetime import date

    from tqdm import tqdm

    from ..cohort import as_json, load, read_meta
    from ..stopping import counting
    from ..workshop import collect

    day = as_of.date() if as_of else date.today()
    total = len(read_meta(folder)["trainees"])
    with counting(total, "trainees read; the cohort report was not written") as count:
        with tqdm(
            total=total, desc="trainees", unit="trainee", file=sys.stderr, disable=None
        ) as bar:
            members = load(folder, names, progress=lambda _: _tick(bar, count))
        for m in members:
            if m.problem:
                click.echo(f"{m.label}: {m.problem}", err=True)
        click.echo(f"writing the cohort report for {len(members)} trainees ...", err=True)
        report = collect(folder, names=names, as_of=day, output=output)
    if fmt == "json":
        click.echo(json.dumps(as_json(members, day), indent=2, ensure_ascii=False))
        click.echo(f"wrote {report}", err=True)
    else:
        click.echo(f"wrote {report}")


def _tick(bar, count) -> None:  # noqa: ANN001 - a tqdm bar, a stopping.Count
    bar.update(1)
    count.done += 1
