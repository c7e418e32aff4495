"""Widget forms for the guided notebooks: a thin layer over the plain functions in ``logic``."""

from .logic import Outcome
from .workbook import Workbook

__all__ = ["Outcome", "Workbook"]
