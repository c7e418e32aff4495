"""kill -9 aimed at every file the product writes, and the count of kills each write survived.

A *writer* is a real command (or, for the client app's pages, the function the command calls)
run over a prepared practice. Each kill runs it in a process group of its own and SIGKILLs the
group:

- **aimed** kills land inside ``files.write_whole``: the child slows one of its steps and says
  so on stdout (``write`` half the bytes written; ``rename`` the file whole but not yet renamed;
  ``sync`` renamed, the folder not yet synced), and the parent kills it in that pause. Which
  file of the run is hit is chosen at random. A writer that bypassed ``files`` would never say
  so, and is reported as such;
- **random** kills land at a random moment while the writer runs over and over.

After each kill every target must hold the previous good file or a whole new one (each format
is parsed), and the next run must succeed and leave no temporary file behind. A kill
*survived* when all of that held.

    python -m tests.killing child WRITER FOLDER PHASE SKIP   # the child side (internal)

``bench/kills.py`` runs every writer many times and prints the table; ``tests/test_kills.py``
runs each a few times.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = "2026-11-20"
PHASES = ("write", "rename", "sync")
PAUSE = 0.4  # seconds the aimed step waits, so the kill lands inside it


@dataclass(frozen=True)
class Writer:
    name: str
    args: Callable[[Path], list[str]]  # the command line, given the folder
    targets: Callable[[Path], list[Path]]
    kernel: bool = False  # runs a kernel: slow, so fewer kills and aimed ones only


def _practice(folder: Path) -> list[str]:
    return ["--practice", str(folder / "practice")]


def _workbooks(folder: Path) -> Path:
    return folder / "practice" / "workbooks" / "lana"


def _notebooks(folder: Path) -> list[Path]:
    base = folder / "practice" / "notebooks"
    return [base / "00_start_here.ipynb", *sorted((base / "lana").glob("*.ipynb"))]


WRITERS = {
    w.name: w
    for w in (
        Writer(
            "case file (export)",
            lambda f: [*_practice(f), "export", "lana", "-o", str(f / "lana.yaml")],
            lambda f: [f / "lana.yaml"],
        ),
        Writer(
            "de-identified copy",
            lambda f: [*_practice(f), "deidentify", "lana", "-o", str(f / "deid.yaml")],
            lambda f: [f / "deid.yaml"],
        ),
        Writer(
            "journal (HTML)",
            lambda f: [*_practice(f), "journal", "-o", str(f / "journal.html")],
            lambda f: [f / "journal.html"],
        ),
        Writer(
            "backup (backup create)",
            lambda f: [*_practice(f), "backup", "create", "-o", str(f / "backup.zip")],
            lambda f: [f / "backup.zip"],
        ),
        Writer(
            "guided notebooks (prepare, init)",
            lambda f: [*_practice(f), "prepare", "lana", "--force"],
            _notebooks,
        ),
        Writer(
            "client app pages",
            lambda f: ["client-pages", str(f / "practice")],
            lambda f: sorted((f / "practice/notebooks/lana/client-app").glob("*.ipynb")),
        ),
        Writer(
            "calendar (generate --format ics)",
            lambda f: [*_practice(f), "generate", "lana", "--format", "ics", "--as-of", AS_OF],
            lambda f: [_workbooks(f) / "lana-calendar.ics"],
        ),
        Writer(
            "workbook: notebook, HTML, PDF (generate)",
            lambda f: [
                *_practice(f),
                "generate",
                "lana",
                "--format",
                "ipynb,html,pdf",
                "--as-of",
                AS_OF,
            ],
            lambda f: [_workbooks(f) / f"lana-workbook.{x}" for x in ("ipynb", "html", "pdf")],
            kernel=True,
        ),
        Writer(
            "cohort report (workshop collect)",
            lambda f: ["workshop", "collect", str(f / "cohort"), "--as-of", "2026-12-01"],
            lambda f: [f / "cohort" / "cohort-report.html", f / "cohort" / "cohort-report.ipynb"],
            kernel=True,
        ),
    )
}


CREATE = Writer(  # made once, not over and over: attacked by attack_create
    "workshop (create)",
    lambda f: [
        "workshop",
        "create",
        str(f / "roster.csv"),
        "--case",
        str(f / "handout-source.yaml"),
        "--out",
        str(f / "created"),
    ],
    lambda f: [
        f / "created" / name
        for name in ("handout.yaml", "workshop.json", "t1/trainee.json", "t2/trainee.json")
    ],
)


def prepare(folder: Path) -> None:
    """A practice with Lana (consenting to a de-identified copy) and a workshop on her case."""
    from workbook.casefile import write_case
    from workbook.practice import Practice
    from workbook.sample import sample_case
    from workbook.workshop import create

    case = sample_case()
    case.client.consent.share_deidentified = True
    with Practice(folder / "practice").open() as store:
        store.save(case)
    roster = folder / "roster.csv"
    roster.write_text("id,name,email\nt1,Ann Lee,ann@example.org\nt2,Bo Chan,bo@example.org\n")
    create(roster, write_case(case, folder / "handout-source.yaml"), folder / "cohort")


# -- checking what a kill left ---------------------------------------------------------------


def whole(path: Path, like: Path | None = None) -> bool:
    """Whether ``path`` holds a whole file of its format (parsed to the end). A case file cut
    at a record's end still parses: it must also hold as many records as ``like`` does."""
    data = path.read_bytes()
    try:
        if path.suffix == ".ipynb":
            import nbformat

            return bool(nbformat.reads(data.decode("utf-8"), 4).cells)
        if path.suffix == ".html":
            return data.rstrip().endswith(b"</html>")
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            return data.rstrip().endswith(b"%%EOF") and len(PdfReader(path, strict=True).pages) > 0
        if path.suffix == ".ics":
            from icalendar import Calendar

            return data.rstrip().endswith(b"END:VCALENDAR") and bool(
                Calendar.from_ical(data).walk("VEVENT")
            )
        if path.suffix == ".yaml":
            from workbook.casefile import parse_case

            case = parse_case(data.decode("utf-8"), str(path))
            return like is None or _shape(case) == _shape(parse_case(like.read_bytes()))
        if path.suffix == ".zip":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None and "manifest.json" in archive.namelist()
        if path.suffix == ".json":
            return json.loads(data) is not None
    except Exception:  # noqa: BLE001 - any parse failure means a part of a file
        return False
    return bool(data)


def _shape(case) -> dict[str, int]:  # noqa: ANN001 - a Case
    data = case.model_dump()
    return {k: len(v) for k, v in data.items() if isinstance(v, list)} | {
        "actions": len(case.plan.actions) if case.plan else 0,
        "client": len([v for v in data["client"].values() if v]),
    }


def stray(folder: Path) -> list[Path]:
    """Temporary and scratch files anywhere under ``folder``."""
    return [
        p for p in folder.rglob(".*") if p.is_file() and (".tmp" in p.name or ".running." in p.name)
    ]


# -- the parent side --------------------------------------------------------------------------


@dataclass
class Tally:
    writer: str
    kills: int = 0
    survived: int = 0
    missed: int = 0  # aimed runs that never reached files.write_whole
    failures: list[str] = field(default_factory=list)


def _child(writer: str, folder: Path, phase: str, skip: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.killing", "child", writer, str(folder), phase, str(skip)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill_all(proc: subprocess.Popen) -> None:
    """SIGKILL the child's group and everything under it (kernels run in sessions of their
    own: a real kill -9 would leave them to notice their parent died; here they are ended)."""
    import psutil

    try:
        under = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        under = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for p in under:
        with contextlib.suppress(psutil.Error):
            p.kill()
    proc.wait()


def run_clean(writer: str, folder: Path) -> bool:
    proc = _child(writer, folder, "none", 0)
    proc.communicate()
    return proc.returncode == 0


def kill_once(writer: str, folder: Path, mode: str, rng: random.Random) -> str | None:
    """One kill; ``None`` if it landed, else why not (``missed``, ``finished``)."""
    w = WRITERS[writer]
    if mode == "random":
        proc = _child(writer, folder, "loop", 0)
        line = proc.stdout.readline()  # "ready": imported, about to write over and over
        if not line:
            proc.wait()
            return "finished"
        time.sleep(rng.uniform(0, 1.5))
        _kill_all(proc)
        return None
    phase = rng.choice(PHASES)
    skip = rng.randrange(len(w.targets(folder)) or 1)
    proc = _child(writer, folder, phase, skip)
    for line in proc.stdout:
        if line.startswith(phase.encode()):
            time.sleep(rng.uniform(0, PAUSE / 2))
            _kill_all(proc)
            return None
    proc.wait()
    return "missed"


def check(writer: str, folder: Path, good: dict[Path, Path]) -> list[str]:
    """What is wrong with the targets after a kill (nothing: the kill was survived)."""
    problems = []
    for target in WRITERS[writer].targets(folder):
        if not target.exists():
            problems.append(f"{target.name} is gone")
        elif not whole(target, good.get(target)):
            problems.append(f"{target.name} holds part of a file")
    return problems


def attack(writer: str, folder: Path, aimed: int, randoms: int, seed: int = 9) -> Tally:
    """``aimed`` + ``randoms`` kills of ``writer`` over the prepared ``folder``."""
    rng = random.Random(seed)
    tally = Tally(writer)
    assert run_clean(writer, folder), f"{writer}: the first run failed"
    before = len(WRITERS[writer].targets(folder))
    good = {}  # a copy of each good file, to compare a case file's records with
    for n, target in enumerate(WRITERS[writer].targets(folder)):
        good[target] = folder / "good" / f"{n}{target.suffix}"
        good[target].parent.mkdir(exist_ok=True)
        good[target].write_bytes(target.read_bytes())
    for mode in ["aimed"] * aimed + ["random"] * randoms:
        missed = kill_once(writer, folder, mode, rng)
        if missed:
            tally.missed += missed == "missed"
            continue
        tally.kills += 1
        problems = check(writer, folder, good)
        if len(WRITERS[writer].targets(folder)) != before:
            problems.append("a target went missing")
        if problems:
            tally.failures.append(f"{mode}: " + "; ".join(problems))
        else:
            tally.survived += 1
    if not run_clean(writer, folder):  # the next run works, and clears what the kills left
        tally.failures.append("the run after the kills failed")
    left = [str(p.relative_to(folder)) for p in stray(folder)]
    if left:
        tally.failures.append(f"temporary files left after a clean run: {left}")
    return tally


def attack_create(folder: Path, kills: int, seed: int = 9) -> Tally:
    """``kills`` aimed kills of ``workshop create``: after each, the workshop is whole or absent;
    when absent, the next run makes it and clears what the killed run left."""
    import shutil

    rng = random.Random(seed)
    tally = Tally(CREATE.name)
    out = folder / "created"
    for _ in range(kills):
        shutil.rmtree(out, ignore_errors=True)
        phase = rng.choice(PHASES)
        skip = rng.randrange(19) if rng.random() < 0.5 else rng.randrange(15, 19)  # 18 writes
        proc = _child(CREATE.name, folder, phase, skip)
        landed = False
        for line in proc.stdout:
            if line.startswith(phase.encode()):
                time.sleep(rng.uniform(0, PAUSE / 2))
                _kill_all(proc)
                landed = True
                break
        if not landed:
            proc.wait()
            tally.missed += 1
            continue
        tally.kills += 1
        problems = []
        if out.exists() and not (out / "workshop.json").exists():
            problems.append("the workshop is there in part (no workshop.json)")
        elif out.exists():
            meta = json.loads((out / "workshop.json").read_text())
            if meta["trainees"] != ["t1", "t2"]:
                problems.append(f"workshop.json lists {meta['trainees']}")
            problems += [f"{t.name} is not whole" for t in CREATE.targets(folder) if not whole(t)]
        else:
            proc = _child(CREATE.name, folder, "none", 0)
            proc.communicate()
            if proc.returncode != 0 or not all(map(whole, CREATE.targets(folder))):
                problems.append("the next run did not make the workshop")
        if problems:
            tally.failures.append(f"{phase}: " + "; ".join(problems))
        else:
            tally.survived += 1
    shutil.rmtree(out, ignore_errors=True)
    proc = _child(CREATE.name, folder, "none", 0)
    proc.communicate()
    left = [p.name for p in folder.glob(".staging-*")] + [p.name for p in stray(out)]
    if proc.returncode != 0 or left:
        tally.failures.append(f"after the kills: exit {proc.returncode}, left {left}")
    return tally


# -- the child side ---------------------------------------------------------------------------


def _announce(phase: str, path: Path) -> None:
    sys.stdout.write(f"{phase} {path}\n")
    sys.stdout.flush()


def _aim(phase: str, skip: int) -> None:
    """Slow one step of ``files.write_whole`` (its ``skip``-th use) and say when it starts."""
    from workbook import files
    from workbook.generate import batch

    seen = {"n": 0}

    def due() -> bool:
        seen["n"] += 1
        return seen["n"] == skip + 1

    real_write, real_rename, real_sync = files._write_all, files.rename, files.sync_dir

    def write_all(fd: int, data: bytes) -> None:
        if phase != "write" or not due():
            return real_write(fd, data)
        half = len(data) // 2
        real_write(fd, data[:half])
        os.fsync(fd)
        _announce("write", Path(f"/proc/self/fd/{fd}"))
        time.sleep(PAUSE)
        real_write(fd, data[half:])

    def rename(source: Path, target: Path) -> Path:
        if phase == "rename" and due():
            _announce("rename", target)
            time.sleep(PAUSE)
        return real_rename(source, target)

    def sync_dir(folder: Path) -> None:
        if phase == "sync" and due():
            _announce("sync", folder)
            time.sleep(PAUSE)
        real_sync(folder)

    files._write_all, files.rename, files.sync_dir = write_all, rename, sync_dir
    batch.rename = rename  # the executed notebook is renamed into place by the batch


def _client_pages(practice: str) -> None:
    from workbook.clientapp.serve import write_pages
    from workbook.practice import Practice

    write_pages(Practice(Path(practice)), "lana")


def child(writer: str, folder: Path, phase: str, skip: int) -> int:
    from workbook.cli import cli

    args = (WRITERS.get(writer) or CREATE).args(folder)

    def once() -> None:
        if args[0] == "client-pages":
            _client_pages(args[1])
            return
        try:
            cli.main(args, prog_name="workbook", standalone_mode=False)
        except SystemExit as exc:
            if exc.code:
                raise

    if phase in PHASES:
        _aim(phase, skip)
    if phase == "loop":
        _announce("ready", folder)
        while True:
            once()
    once()
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    sys.exit(child(sys.argv[2], Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])))
