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
      workbook workshop create spring.csv --case lana.yaml --hub /srv/hub --educator ada
    """


HUB_OPTION = click.option(
    "--hub",
    "hub_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A practice server's hub folder (`workbook hub init`): the workshop lives on the hub.",
)


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
    type=click.Path(path_type=Path, file_okay=False),
    help="The workshop folder: one sub-folder per trainee (without --hub).",
)
@HUB_OPTION
@click.option(
    "--workshop",
    "name",
    help="With --hub: the workshop's name (default: the roster file's name, e.g. spring).",
)
@click.option(
    "--educator",
    "educators",
    multiple=True,
    metavar="NAME",
    help="With --hub: an educator (a hub user) who may read the hand-ins; repeatable.",
)
def workshop_create(
    roster: Path,
    case_file: Path,
    out: Path | None,
    hub_dir: Path | None,
    name: str | None,
    educators: tuple[str, ...],
) -> None:
    """Make one practice per trainee of ROSTER (a CSV with id, name and email columns).

    Each holds the practice case and its prepared notebooks; the case as handed out is kept in
    OUT/handout.yaml, and `workshop collect` measures each trainee's work against it. A roster
    with any problem is refused, every problem named by line, and nothing is created.

    With --hub (as root), the roster's ids become the trainees' hub user names: each gets an
    account (a new one a generated password, written once to a file only root can read, for
    handing out) and the practice case in their own ~/practice; they hand in from start-here,
    into the workshop's inbox, which only the --educator accounts can read.

    \b
    Example:
      workbook workshop create roster.csv --case lana.yaml --out spring-cohort
      workbook workshop create spring.csv --case lana.yaml --hub /srv/hub --educator ada
    """
    from tqdm import tqdm

    from ..stopping import counting
    from ..workshop import read_roster

    if (out is None) == (hub_dir is None):
        raise click.UsageError("give either --out (a workshop folder) or --hub (a hub folder)")
    if hub_dir is None and (name or educators):
        raise click.UsageError("--workshop and --educator go with --hub")
    if hub_dir is not None and name is None:
        name = _name_from_roster(roster)
    total = len(read_roster(roster))
    done = (
        "trainees enrolled; those enrolled keep their accounts and practices"
        if hub_dir
        else "trainee practices prepared; none was kept (a workshop is made whole or not at all)"
    )
    with (
        counting(total, done) as count,
        tqdm(total=total, desc="trainees", unit="trainee", file=sys.stderr, disable=None) as bar,
    ):
        tick = lambda _: _tick(bar, count)  # noqa: E731
        if hub_dir is not None:
            from ..hub.workshops import create as create_on_hub

            made = create_on_hub(hub_dir, roster, case_file, name, list(educators), progress=tick)
        else:
            from ..workshop import create

            made = create(roster, case_file, out, progress=tick)
    if hub_dir is None:
        click.echo(f"made {len(made)} trainee practice(s) in {out}")
        return
    click.echo(f"enrolled {len(made['trainees'])} trainee(s) in workshop {made['workshop']}")
    if made["passwords"]:
        click.echo(f"their new passwords are in {made['passwords']} (root only): hand them out")


def _name_from_roster(roster: Path) -> str:
    """The workshop's name when --workshop is not given: the roster file's name without its
    ending. A name that cannot be used says it came from there, since nobody typed it."""
    from ..hub.exchange import check_workshop

    return check_workshop(
        roster.stem,
        f"workshop name (from the roster file name {roster.name!r})",
        "; give one with --workshop",
    )


@workshop.command("collect")
@click.argument("folder")
@HUB_OPTION
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
def workshop_collect(
    folder: str,
    hub_dir: Path | None,
    names: bool,
    as_of,
    fmt: str,
    output: Path | None,  # noqa: ANN001
) -> None:
    """Measure every trainee's work against the case handed out; write the cohort report (HTML).

    Each trainee's records added, changed and removed, the steps they worked on and their
    fidelity checks, per trainee and across the cohort. With --format json the same, one object
    per trainee, is printed as a JSON list: trainee, added, changed, removed, steps_worked
    (0 is the intake) and fidelity (check, step, status).

    With --hub, FOLDER is the workshop's name, and the report is built from the hand-ins (in
    the workshop's inbox, readable by its educators, by default).

    \b
    Example:
      workbook workshop collect spring-cohort --as-of 2026-12-01
      workbook workshop collect spring-cohort --format json > spring-cohort.json
      workbook workshop collect --hub /srv/hub spring
    """
    import json
    from datetime import date

    from tqdm import tqdm

    from ..cohort import as_json, load, read_meta
    from ..stopping import counting

    day = as_of.date() if as_of else date.today()
    if hub_dir is not None:
        from ..hub.exchange import handed_in, workshop_dir
        from ..hub.layout import Hub

        hub = Hub(hub_dir)
        hub.settings()
        place = workshop_dir(hub, folder)
        got, everyone = handed_in(hub, folder), read_meta(place)["trainees"]
        click.echo(f"{len(got)} of {len(everyone)} trainees handed in", err=True)
    else:
        place = Path(folder)
        if not place.is_dir():
            raise click.BadParameter(f"{folder}: no such folder", param_hint="FOLDER")
    total = len(read_meta(place)["trainees"])
    with counting(total, "trainees read; the cohort report was not written") as count:
        with tqdm(
            total=total, desc="trainees", unit="trainee", file=sys.stderr, disable=None
        ) as bar:
            members = load(place, names, progress=lambda _: _tick(bar, count))
        for m in members:
            if m.problem:
                click.echo(f"{m.label}: {m.problem}", err=True)
        click.echo(f"writing the cohort report for {len(members)} trainees ...", err=True)
        if hub_dir is not None:
            from ..hub.workshops import collect as collect_on_hub

            report, _ = collect_on_hub(hub_dir, folder, names=names, as_of=day, output=output)
        else:
            from ..workshop import collect

            report = collect(place, names=names, as_of=day, output=output)
    if fmt == "json":
        click.echo(json.dumps(as_json(members, day), indent=2, ensure_ascii=False))
        click.echo(f"wrote {report}", err=True)
    else:
        click.echo(f"wrote {report}")


@workshop.command("feedback")
@click.argument("name", metavar="WORKSHOP")
@click.option(
    "--hub",
    "hub_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The practice server's hub folder.",
)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Date to check as of.")
def workshop_feedback(name: str, hub_dir: Path, as_of) -> None:  # noqa: ANN001
    """Return each trainee's fidelity feedback on what they handed in, into their own practice.

    The checks of `workbook check`, run on each hand-in, are written to the trainee's
    ~/practice/feedback/WORKSHOP.json (theirs alone), where their start-here shows them.
    Trainees who have not handed in are named and get nothing.

    \b
    Example:
      workbook workshop feedback --hub /srv/hub spring --as-of 2026-12-01
    """
    from ..hub.workshops import feedback

    given, missing = feedback(hub_dir, name, as_of.date() if as_of else None)
    if missing:
        click.echo(f"not handed in: {', '.join(missing)}", err=True)
    click.echo(f"feedback returned to {len(given)} trainee(s) of {name}")


def _tick(bar, count) -> None:  # noqa: ANN001 - a tqdm bar, a stopping.Count
    bar.update(1)
    count.done += 1
