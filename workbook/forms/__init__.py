"""Widget forms for the guided notebooks: a thin layer over the plain functions in ``logic``."""

from __future__ import annotations

from typing import Any

from .logic import Outcome
from .start import StartHere
from .workbook import Workbook

__all__ = ["Caseload", "Outcome", "StartHere", "Workbook"]


def __getattr__(name: str) -> Any:
    # The caseload's view loads pandas and matplotlib: only the caseload notebook pays for them,
    # never a step notebook's kernel (tests/forms/test_kernel_imports.py).
    if name == "Caseload":
        from .caseload import Caseload

        return Caseload
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
