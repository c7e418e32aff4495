"""The per-client workbook: executed notebook, HTML, PDF and calendar, one client or many."""

from .batch import AUDIENCES, FORMATS, Result, generate_many, generate_one

__all__ = ["AUDIENCES", "FORMATS", "Result", "generate_many", "generate_one"]
