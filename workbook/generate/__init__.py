"""The per-client workbook: executed notebook, HTML, PDF and calendar, one client or many."""

import sys

# nbformat loads jsonschema, which loads the optional rfc3987_syntax (a parser grammar of about
# 25 MB and 0.7 s) only to check IRI formats that notebooks never use. Generating is done in
# several processes at once, so each is kept without it (bench/generate_batch.py measures it).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from .batch import AUDIENCES, FORMATS, Result, generate_many, generate_one  # noqa: E402

__all__ = ["AUDIENCES", "FORMATS", "Result", "generate_many", "generate_one"]
