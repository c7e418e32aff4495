"""Memory of one person's server: JupyterLab with the workbook, as a user leaves it open.

    .venv/bin/python bench/server_memory.py            # about a minute
    .venv/bin/python bench/server_memory.py --client-notebook 05_step4_checkin.ipynb

What a signed-in practitioner's server holds, measured the way a user makes it: a practice with
the sample client (Lana), ``workbook lab`` on a free loopback port (the jupyter-lab process, as
the browser tests start it), then Debian's Chromium driven by Playwright opens the practice's
start-here and runs all its cells, then opens one of Lana's guided notebooks and runs all its
cells (two notebooks, two kernels: start-here and the client being worked on; forked from the
server's zygote, which is listed too, unless ``WORKBOOK_PLAIN_KERNELS=1``). After each stage
the server's and each kernel's memory is read from ``/proc/<pid>/smaps_rollup`` (and the CPU
time each has used so far from ``/proc/<pid>/stat``, what a class signing in at once costs):

- **PSS** (proportional set size): private pages plus a share of the pages shared with other
  processes (libraries, the interpreter). On one machine, the sum of PSS over processes is what
  they cost together; this is the figure ``smem`` reports.
- **RSS** (resident set size): every resident page the process maps, shared or not. A
  container's memory limit on Kubernetes counts each pod's own pages (nothing is shared across
  pods' cgroups in the accounting), so RSS is the safer figure for sizing pods.

The deploy/SIZING.md note is derived from these figures. On the hub the server is
``jupyterhub-singleuser`` (the same jupyter-server and JupyterLab, plus the hub's sign-in
extension), so the figures here are a close lower bound for it. Linux only (``/proc``).
The browser's own memory is not counted: it is on the user's computer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: tests/ too

from tests.browser.lab import ALL_RUN, KERNEL_IDLE  # noqa: E402
from workbook.forms.links import workspace  # noqa: E402
from workbook.generate import export  # noqa: E402
from workbook.practice import Practice  # noqa: E402
from workbook.sample import sample_case  # noqa: E402

WORKBOOK = Path(sys.executable).with_name("workbook")
TIMEOUT_MS = 120_000


def memory(pid: int) -> dict[str, float]:
    """RSS and PSS of a process, in MiB, from /proc/<pid>/smaps_rollup, and the CPU time it
    has used so far (user and system), in seconds, from /proc/<pid>/stat."""
    figures = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            figures[name.lower()] = int(rest.split()[0]) / 1024
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    figures["cpu"] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return figures


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the kernels the server started)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(home: Path, practice: Path) -> dict[str, str]:
    """Jupyter's folders in a temporary place, as a fresh user's server would have them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "WORKBOOK_"))}
    for name in ("config", "data", "runtime", "lab-settings", "lab-workspaces", "ipython"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        WORKBOOK_PRACTICE=str(practice),
    )
    return env


def start_lab(
    practice: Path, home: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str, str]:
    """``workbook lab`` on a free port, with ``env`` added to its environment."""
    port, token = free_port(), secrets.token_hex(16)
    args = [str(WORKBOOK), "--practice", str(practice), "lab", "--no-browser", f"--port={port}"]
    args += ["--", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    home.mkdir(parents=True, exist_ok=True)
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        args,
        env=isolated_env(home, practice) | (env or {}),
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"jupyter-lab exited:\n{(home / 'server.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                return process, base, token
        except OSError:
            time.sleep(0.2)  # the port is not listening yet
    process.terminate()
    raise SystemExit("jupyter-lab did not answer in 180 s")


def stop_lab(process: subprocess.Popen, grace: float = 30) -> None:
    """Stop a server started by :func:`start_lab` as Ctrl-C would, killed after ``grace`` s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_all(page, url: str) -> None:  # noqa: ANN001 - a Playwright page
    """Open a notebook, wait for its kernel, run every cell, wait until each has run."""
    page.goto(url)
    try:
        page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)
        page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        page.wait_for_function(ALL_RUN, timeout=TIMEOUT_MS)
        page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)
    except Exception:
        shot = Path(tempfile.gettempdir()) / "server_memory-failed.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"{url}: the page did not get there; what it showed: {shot}", file=sys.stderr)
        raise
    time.sleep(2)  # let the kernel settle (widgets' comm messages, garbage collection)


def is_zygote(pid: int) -> bool:
    """Whether ``pid`` is the server's zygote, which forks its kernels (workbook.forked)."""
    try:
        return b"workbook.kernels.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def kernels(server: int) -> list[int]:
    """The server's kernels: its children, or the children of its zygote."""
    found = []
    for pid in children(server):
        found += children(pid) if is_zygote(pid) else [pid]
    return found


def snapshot(server: int) -> dict[str, dict[str, float]]:
    figures = {"server": memory(server)}
    for pid in filter(is_zygote, children(server)):
        figures["zygote"] = memory(pid)
    for n, pid in enumerate(kernels(server), 1):
        figures[f"kernel {n}"] = memory(pid)
    return figures


def measure(client_notebook: str) -> list[tuple[str, dict]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        practice = Practice(home / "practice")
        with practice.open() as store:
            store.save(sample_case())
        client = sample_case().client.id
        subprocess.run([str(WORKBOOK), "--practice", str(practice.path), "prepare", client],
                       check=True, capture_output=True)  # fmt: skip
        process, base, token = start_lab(practice.path, home / "lab")
        stages = []
        try:
            time.sleep(2)
            stages.append(("server started, nothing open", snapshot(process.pid)))
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=export.CHROMIUM, args=export.CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                run_all(page, f"{base}/lab/tree/00_start_here.ipynb?token={token}")
                stages.append(("start-here run", snapshot(process.pid)))
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                # in the client's own workspace, as start-here's links open it
                where = f"lab/workspaces/{workspace(client)}/tree/{client}/{client_notebook}"
                run_all(page, f"{base}/{where}?token={token}")
                stages.append((f"+ {client_notebook} run", snapshot(process.pid)))
                browser.close()
        finally:
            stop_lab(process)
    return stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client-notebook", default="02_step1_what_has_been_tried.ipynb")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    stages = measure(args.client_notebook)
    if args.json:
        print(json.dumps(stages, indent=1))
        return
    print(f"{'stage':<42} {'process':<10} {'RSS MiB':>8} {'PSS MiB':>8} {'CPU s':>6}")
    for stage, figures in stages:
        for name, m in figures.items():
            print(f"{stage:<42} {name:<10} {m['rss']:>8.1f} {m['pss']:>8.1f} {m['cpu']:>6.1f}")
        rss, pss, cpu = (sum(m[k] for m in figures.values()) for k in ("rss", "pss", "cpu"))
        print(f"{stage:<42} {'total':<10} {rss:>8.1f} {pss:>8.1f} {cpu:>6.1f}")


if __name__ == "__main__":
    sys.exit(main())
