"""How much memory a step notebook's kernel holds, this tree's code against another git ref's.

Each run makes a practice holding the sample client, executes a guided notebook in a fresh
kernel (nbclient, as JupyterLab or Voilà would run it), then reads the kernel's resident (RSS)
and proportional (PSS) memory from ``/proc/<pid>/smaps_rollup``, and lists the heavy libraries
the kernel had imported. A bare kernel (no cell run) is measured too, as the floor.

    .venv/bin/python bench/kernel_memory.py                 # this tree against main
    .venv/bin/python bench/kernel_memory.py --against HEAD~3 --notebook 05_step4_checkin.ipynb

The other ref's package is exported with ``git archive`` and put first on the kernel's
PYTHONPATH, so both runs use the same interpreter and libraries and differ only in our code.
Linux only (``/proc``). The figures vary by a few MiB from run to run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "PIL", "pyarrow", "jedi", "alembic")
PROBE = f"import sys as _s; print(','.join(m for m in {HEAVY!r} if m in _s.modules), end='')"


def memory(pid: int) -> dict[str, float]:
    """RSS and PSS of a process, in MiB, from /proc/<pid>/smaps_rollup."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            figures[name.lower()] = int(rest.split()[0]) / 1024
    return figures


def run(notebook: Path | None, practice: Path, pythonpath: str | None) -> dict:
    """Execute ``notebook`` (or nothing) in a fresh kernel; the kernel's memory afterwards."""
    env = dict(os.environ, WORKBOOK_PRACTICE=str(practice))
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(practice.parent))
    try:
        nb = nbformat.read(notebook, as_version=4) if notebook else nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        client = NotebookClient(nb, km=km, timeout=120)
        client.execute()  # the client keeps the kernel the manager started
        probe = nb.cells[-1].outputs
        loaded = probe[0].get("text", "") if probe else ""
        pid = km.provisioner.process.pid
        return memory(pid) | {"heavy": loaded or "none"}
    finally:
        km.shutdown_kernel(now=True)


def export(ref: str, into: Path) -> Path:
    """The package as it is at ``ref``, unpacked under ``into``."""
    archive = into / "ref.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(archive), ref, "workbook", "notebooks"],
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


SAMPLE = """
import sys
from pathlib import Path
from workbook.practice import Practice
from workbook.sample import sample_case
with Practice(Path(sys.argv[1])).open() as store:
    store.save(sample_case())
"""


def practice_with_sample(where: Path, pythonpath: str) -> Path:
    """A practice holding the sample, made by the code at ``pythonpath`` (its own schema)."""
    practice = where / "practice"
    env = dict(os.environ, PYTHONPATH=pythonpath)
    subprocess.run([sys.executable, "-c", SAMPLE, str(practice)], check=True, env=env, cwd=where)
    return practice


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git ref to compare with (main)")
    parser.add_argument("--notebook", default="02_step1_what_has_been_tried.ipynb")
    args = parser.parse_args(argv)
    notebook = ROOT / "notebooks" / args.notebook
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        other = export(args.against, tmp_path)
        (tmp_path / "before").mkdir()
        (tmp_path / "now").mkdir()
        before = practice_with_sample(tmp_path / "before", str(other))
        now = practice_with_sample(tmp_path / "now", str(ROOT))
        old_notebook = other / "notebooks" / args.notebook
        rows = [
            ("bare kernel", run(None, now, None)),
            (f"{args.notebook} at {args.against}", run(old_notebook, before, str(other))),
            (f"{args.notebook} in this tree", run(notebook, now, str(ROOT))),
        ]
    print(f"{'kernel':<56} {'RSS MiB':>8} {'PSS MiB':>8}  heavy imports")
    for name, m in rows:
        print(f"{name:<56} {m['rss']:>8.1f} {m['pss']:>8.1f}  {m['heavy']}")
    before, after = rows[1][1], rows[2][1]
    print(
        f"saved per step kernel: {before['rss'] - after['rss']:.1f} MiB RSS, "
        f"{before['pss'] - after['pss']:.1f} MiB PSS (x7 notebooks of one client)"
    )


if __name__ == "__main__":
    sys.exit(main())
