"""Action Plan Workbook: a reflective-practice workbook for career development practitioners."""

__version__ = "0.1.0"
