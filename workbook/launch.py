"""The ``workbook`` command's entry point: Ctrl-C or SIGTERM stops it cleanly from its first
moment, before the command line and its libraries are even imported (about a second).

Until a command runs, nothing has been written, so a stop then just ends the process with the
usual status (130 for Ctrl-C, 143 for SIGTERM) and no traceback. Once a command runs, its own
handling takes over (``stopping.py``): it ends kernels and the browser and says what was done.
"""

from __future__ import annotations

import os
import signal


def _quiet(signum: int, _frame: object) -> None:
    os._exit(128 + signum)


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _quiet)
    from .cli import main as command_line

    command_line()
