"""``python -m workbook``: the same as the ``workbook`` command."""

from .launch import main

main()
