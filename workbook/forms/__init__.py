"""Widget forms for the guided notebooks: a thin layer over the plain functions in ``logic``."""

from .caseload import Caseload
from .logic import Outcome
from .start import StartHere
from .workbook import Workbook

__all__ = ["Caseload", "Outcome", "StartHere", "Workbook"]
