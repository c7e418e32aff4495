"""Benchmark: a batch of workbooks against its baselines, measured side by side in one run.

    .venv/bin/python bench/generate_batch.py              # 100 clients (about 25 minutes)
    .venv/bin/python bench/generate_batch.py --clients 20 # quicker
    .venv/bin/python bench/generate_batch.py --clients 10 --no-baseline --no-lab  # a check

Measures, on the same machine in the same run:
  floor      one bare kernel start and shutdown (jupyter_client), the median of several
  baseline   the papermill command line once per client over the same template, then
             `jupyter nbconvert --to html` on its output (ipynb and html, as the batch makes)
  single     `workbook generate` for one client (ipynb, html): its wall time and peak memory
  batch      `workbook generate --all --format ipynb,html` with the default --jobs
  guided     `workbook lab`, then Debian's Chromium (Playwright) opens one of the sample
             client's guided notebooks and runs all its cells: seconds from opening it to its
             kernel being idle and to every cell having run (its forms shown), the median of
             --lab-repeats openings, and the memory of its kernel (and of the zygote it was
             forked from) afterwards
single, batch and guided are measured twice: with kernels forked from a zygote (as the
workbook runs them) and with ordinary kernels (``WORKBOOK_PLAIN_KERNELS=1``, as before issue 12).
Peak memory is the largest sum over the command's whole process tree (the zygote and kernels
included), sampled every 20 ms, as PSS (shared pages split between the processes sharing
them: the memory the run really takes) and as RSS (shared pages counted in every process).
Targets: batch >= 3x faster than baseline (issue 4); batch wall time per workbook <= 0.8x the
floor, batch peak PSS <= 1.5x single (issue 12).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and tests/ as packages

BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "templates" / "client_workbook.ipynb"
AS_OF = "2026-11-20"
PLAIN = {"WORKBOOK_PLAIN_KERNELS": "1"}  # workbook.forked.PLAIN: ordinary kernels, no zygote
MODES = {"forked": {}, "plain": PLAIN}
GUIDED = "02_step1_what_has_been_tried.ipynb"


def _tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over a process tree. RSS counts shared pages (libpython, numpy...)
    once per process; PSS splits them between the processes sharing them."""
    rss = pss = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += info.pss
    return rss, pss


def _cpu_of_children() -> float:
    """CPU seconds (user and system) of this process's children that have ended, and of
    theirs that they waited for: a command's whole tree once it has ended (the zygote waits
    for its kernels, the command for its zygote)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS and PSS bytes of the whole process tree of ``cmd``, and the CPU
    seconds the tree used."""
    cpu = _cpu_of_children()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, peak_pss, done = 0, 0, threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss, pss = _tree_memory(root)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    return time.perf_counter() - started, peak, peak_pss, _cpu_of_children() - cpu


def kernel_floor(repeats: int = 7) -> float:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def make_practice(folder: Path, clients: int) -> list[str]:
    from workbook.practice import Practice
    from workbook.sample import sample_case

    cases = []
    for n in range(clients):
        case = sample_case().model_copy(deep=True)
        case.client.id = f"client-{n:03d}"
        cases.append(case)
    with Practice(folder).open() as store:
        store.save_all(cases)
    return [c.client.id for c in cases]


def generate(workbook: list[str], ids: list[str], env: dict[str, str]) -> dict[str, float]:
    """`workbook generate` for one client, then for all of them: seconds and peak MiB."""
    fmt = ["--format", "ipynb,html", "--as-of", AS_OF]
    single, single_rss, single_pss, _ = run_measured([*workbook, "generate", ids[0], *fmt], env)
    batch, batch_rss, batch_pss, cpu = run_measured([*workbook, "generate", "--all", *fmt], env)
    return {
        "single_s": round(single, 2),
        "single_peak_mib": round(single_rss / 2**20),
        "single_peak_pss_mib": round(single_pss / 2**20),
        "batch_s": round(batch, 1),
        "batch_per_workbook_s": round(batch / len(ids), 3),
        "batch_cpu_per_workbook_s": round(cpu / len(ids), 3),  # all processes, both cores
        "batch_peak_mib": round(batch_rss / 2**20),
        "batch_peak_pss_mib": round(batch_pss / 2**20),
        "pss_peak_vs_single": round(batch_pss / single_pss, 2),
        "peak_vs_single": round(batch_rss / single_rss, 2),
    }


def baseline(practice: Path, ids: list[str], env: dict[str, str], out: Path) -> float:
    """The papermill command line, then nbconvert, once per client: seconds in all."""
    out.mkdir()
    started = time.perf_counter()
    for client in ids:
        nb = out / f"{client}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(TEMPLATE),
                str(nb),
                "-p",
                "client",
                client,
                "-p",
                "practice",
                str(practice),
                "-p",
                "as_of",
                AS_OF,
                "--no-progress-bar",
                "--log-level",
                "ERROR",
                "-k",
                "python3",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
            env=env,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def _end_sessions(base: str, token: str) -> None:
    """Shut every notebook's kernel down, so the next opening starts a fresh one."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=60) as answer:
        sessions = json.loads(answer.read())
    for session in sessions:
        url = f"{base}/api/sessions/{session['id']}?token={token}"
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=60).close()


def guided(mode: dict[str, str], repeats: int, notebook: str = GUIDED) -> dict[str, float]:
    """A guided notebook in ``workbook lab``, from opening it to usable: seconds until its
    kernel is idle and until all its cells have run (medians of ``repeats`` openings, each on
    a fresh kernel); then the memory of the last one's kernel (and of the zygote).

    JupyterLab's page is loaded once first, so its scripts come from the browser's cache and
    what is timed is the notebook: its kernel's start and its cells (the imports among them).
    """
    from playwright.sync_api import sync_playwright

    from bench import server_memory as lab
    from tests.browser.lab import ALL_RUN, KERNEL_IDLE
    from workbook.forms.links import workspace
    from workbook.generate import export
    from workbook.notebooks import prepare
    from workbook.practice import Practice
    from workbook.sample import sample_case

    idle, usable = [], []
    with tempfile.TemporaryDirectory(prefix="wb-bench-lab-") as tmp:
        practice = Practice(Path(tmp) / "practice")
        with practice.open() as store:
            store.save(sample_case())
        client = sample_case().client.id
        prepare(practice, client)
        process, base, token = lab.start_lab(practice.path, Path(tmp) / "lab", mode)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=export.CHROMIUM, args=export.CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base}/lab?token={token}")
                page.wait_for_selector("#jp-main-statusbar", timeout=lab.TIMEOUT_MS)
                where = f"lab/workspaces/{workspace(client)}/tree/{client}/{notebook}"
                for n in range(repeats):
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    started = time.perf_counter()
                    page.goto(f"{base}/{where}?token={token}")
                    page.wait_for_function(KERNEL_IDLE, timeout=lab.TIMEOUT_MS)
                    idle.append(time.perf_counter() - started)
                    run = page.locator(".lm-MenuBar-item").filter(has_text=re.compile(r"^Run$"))
                    run.click()
                    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
                    page.wait_for_function(ALL_RUN, timeout=lab.TIMEOUT_MS)
                    page.wait_for_function(KERNEL_IDLE, timeout=lab.TIMEOUT_MS)
                    usable.append(time.perf_counter() - started)
                    if n == repeats - 1:
                        time.sleep(2)  # let the kernel settle (widgets' messages, collection)
                        figures = lab.snapshot(process.pid)
                    page.close()
                    _end_sessions(base, token)
                browser.close()
        finally:
            lab.stop_lab(process)
    (kernel,) = [m for name, m in figures.items() if name.startswith("kernel")]
    zygote = figures.get("zygote", {"pss": 0.0, "rss": 0.0})
    return {
        "open_to_idle_s": round(statistics.median(idle), 2),
        "open_to_usable_s": round(statistics.median(usable), 2),
        "kernel_pss_mib": round(kernel["pss"], 1),
        "kernel_rss_mib": round(kernel["rss"], 1),
        "zygote_pss_mib": round(zygote["pss"], 1),
        "zygote_rss_mib": round(zygote["rss"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--no-baseline", action="store_true", help="leave the papermill CLI out")
    parser.add_argument("--no-lab", action="store_true", help="leave the guided notebook out")
    parser.add_argument("--lab-repeats", type=int, default=5, help="openings of the notebook")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.lab_repeats < 1:
        parser.error("--lab-repeats: at least one opening")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBOOK_")}
    figures: dict = {"clients": args.clients, "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        tmp = Path(tmp)
        practice = tmp / "practice"
        ids = make_practice(practice, args.clients)
        print(f"{args.clients} clients, {os.cpu_count()} cores", flush=True)

        floor = kernel_floor()
        figures["floor_s"] = round(floor, 3)
        print(f"floor: bare kernel start+shutdown {floor:.2f} s", flush=True)

        workbook = [str(BIN / "workbook"), "--practice", str(practice)]
        for name, mode in MODES.items():
            got = figures[name] = generate(workbook, ids, env | mode)
            got["per_workbook_vs_floor"] = round(got["batch_per_workbook_s"] / floor, 2)
            print(
                f"{name}: single {got['single_s']:.2f} s, PSS {got['single_peak_pss_mib']} MiB; "
                f"batch {got['batch_s']:.1f} s, {got['batch_per_workbook_s']:.2f} s per workbook "
                f"({got['per_workbook_vs_floor']}x the floor; "
                f"{got['batch_cpu_per_workbook_s']:.2f} CPU-s each), peak PSS "
                f"{got['batch_peak_pss_mib']} MiB ({got['pss_peak_vs_single']}x single), "
                f"RSS {got['batch_peak_mib']} MiB",
                flush=True,
            )

        if not args.no_baseline:
            took = baseline(practice, ids, env, tmp / "baseline")
            figures["baseline_s"] = round(took, 1)
            figures["speedup_vs_baseline"] = round(took / figures["forked"]["batch_s"], 2)
            print(f"baseline: {took:.1f} s ({took / len(ids):.2f} s per client)", flush=True)

    if not args.no_lab:
        for name, mode in MODES.items():
            got = figures[name]["guided"] = guided(mode, args.lab_repeats)
            print(
                f"{name}: {GUIDED} idle {got['open_to_idle_s']} s, usable "
                f"{got['open_to_usable_s']} s after opening; kernel PSS {got['kernel_pss_mib']} "
                f"MiB (zygote {got['zygote_pss_mib']} MiB)",
                flush=True,
            )

    print(json.dumps(figures, indent=2))
    forked, plain = figures["forked"], figures["plain"]
    if "speedup_vs_baseline" in figures:
        print(f"(a) speed-up over the papermill CLI: {figures['speedup_vs_baseline']}x (>= 3)")
    print(
        f"(b) per workbook / floor: {forked['per_workbook_vs_floor']}x forked, "
        f"{plain['per_workbook_vs_floor']}x plain (target <= 0.8)"
    )
    print(
        f"(c) batch peak PSS / single: {forked['pss_peak_vs_single']}x forked, "
        f"{plain['pss_peak_vs_single']}x plain (target <= 1.5)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
