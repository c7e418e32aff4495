"""Benchmark: a batch of workbooks against its baselines, measured side by side in one run.

    .venv/bin/python bench/generate_batch.py              # 100 clients (about ten minutes)
    .venv/bin/python bench/generate_batch.py --clients 20 # quicker

Measures, on the same machine in the same run:
  floor      one bare kernel start and shutdown (jupyter_client), the median of several
  baseline   the papermill command line once per client over the same template, then
             `jupyter nbconvert --to html` on its output (ipynb and html, as the batch makes)
  single     `workbook generate` for one client (ipynb, html): its wall time and peak memory
  batch      `workbook generate --all --format ipynb,html` with the default --jobs
Peak memory is the largest sum over the command's whole process tree (workers and kernels
included), sampled every 20 ms, as PSS (shared pages split between the processes sharing
them: the memory the run really takes) and as RSS (shared pages counted in every process).
Targets (issue 4): batch >= 3x faster than baseline; batch wall time per workbook <= 1.0x the
floor; batch peak memory <= 2x single.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "templates" / "client_workbook.ipynb"
AS_OF = "2026-11-20"


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


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, and peak RSS and PSS bytes of the whole process tree of ``cmd``."""
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
    return time.perf_counter() - started, peak, peak_pss


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBOOK_")}
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        tmp = Path(tmp)
        practice = tmp / "practice"
        ids = make_practice(practice, args.clients)
        print(f"{args.clients} clients, {os.cpu_count()} cores", flush=True)

        floor = kernel_floor()
        print(f"floor: bare kernel start+shutdown {floor:.2f} s", flush=True)

        workbook = [str(BIN / "workbook"), "--practice", str(practice)]
        single, single_peak, single_pss = run_measured(
            [*workbook, "generate", ids[0], "--format", "ipynb,html", "--as-of", AS_OF], env
        )
        print(
            f"single: {single:.2f} s, peak RSS {single_peak / 2**20:.0f} MiB, "
            f"PSS {single_pss / 2**20:.0f} MiB",
            flush=True,
        )

        batch, batch_peak, batch_pss = run_measured(
            [*workbook, "generate", "--all", "--format", "ipynb,html", "--as-of", AS_OF], env
        )
        per = batch / len(ids)
        print(
            f"batch: {batch:.1f} s, {per:.2f} s per workbook, peak RSS "
            f"{batch_peak / 2**20:.0f} MiB, PSS {batch_pss / 2**20:.0f} MiB",
            flush=True,
        )

        out = tmp / "baseline"
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
        baseline = time.perf_counter() - started
        print(f"baseline: {baseline:.1f} s ({baseline / len(ids):.2f} s per client)", flush=True)

    figures = {
        "clients": len(ids),
        "cores": os.cpu_count(),
        "floor_s": round(floor, 3),
        "single_s": round(single, 2),
        "single_peak_mib": round(single_peak / 2**20),
        "batch_s": round(batch, 1),
        "batch_per_workbook_s": round(per, 3),
        "batch_peak_mib": round(batch_peak / 2**20),
        "baseline_s": round(baseline, 1),
        "single_peak_pss_mib": round(single_pss / 2**20),
        "batch_peak_pss_mib": round(batch_pss / 2**20),
        "pss_peak_vs_single": round(batch_pss / single_pss, 2),
        "speedup_vs_baseline": round(baseline / batch, 2),
        "per_workbook_vs_floor": round(per / floor, 2),
        "peak_vs_single": round(batch_peak / single_peak, 2),
    }
    print(json.dumps(figures, indent=2))
    print(f"(a) speed-up over the papermill CLI: {figures['speedup_vs_baseline']}x (target >= 3)")
    print(f"(b) per workbook / floor: {figures['per_workbook_vs_floor']}x (target <= 1.0)")
    print(
        f"(c) peak memory / single: {figures['pss_peak_vs_single']}x by PSS, "
        f"{figures['peak_vs_single']}x by RSS (target <= 2)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
