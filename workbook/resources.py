"""Where the files the commands read are: the guided notebooks and the templates.

A wheel carries them inside the package, in ``workbook/assets/``, where the build step in
``setup.py`` copies them from the repository's ``notebooks/`` and ``templates/`` (the sources).
An editable install has no such copy and reads the sources in the checkout itself.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "assets"


def _found(name: str) -> Path:
    shipped = SHIPPED / name
    return shipped if shipped.is_dir() else PACKAGE.parent / name


NOTEBOOKS = _found("notebooks")
TEMPLATES = _found("templates")
