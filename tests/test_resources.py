"""Where the package finds its notebooks and templates, installed or in a checkout."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import workbook
from workbook import resources

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(workbook.__file__).resolve().parent
CLIMB = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _load_from(package: Path):
    """``workbook/resources.py`` as if it were installed in ``package``."""
    package.mkdir(parents=True, exist_ok=True)
    shutil.copy(resources.__file__, package / "resources.py")
    spec = importlib.util.spec_from_file_location("moved_resources", package / "resources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb")}


def test_the_folders_found_hold_the_sources():
    assert _names(resources.NOTEBOOKS) == _names(ROOT / "notebooks")
    assert _names(resources.TEMPLATES) == _names(ROOT / "templates")
    for name in ("client_workbook.ipynb", "cohort_report.ipynb"):
        assert (resources.TEMPLATES / name).read_bytes() == (ROOT / "templates" / name).read_bytes()


def test_an_installed_package_reads_its_own_copy(tmp_path: Path):
    site = tmp_path / "site-packages"
    for name in ("notebooks", "templates"):  # what a wheel holds, and a stray folder beside it
        (site / "workbook" / "assets" / name).mkdir(parents=True)
        (site / name).mkdir()
    moved = _load_from(site / "workbook")
    shipped = site / "workbook" / "assets"
    assert (shipped / "notebooks", shipped / "templates") == (moved.NOTEBOOKS, moved.TEMPLATES)


def test_a_checkout_reads_the_sources(tmp_path: Path):
    moved = _load_from(tmp_path / "checkout" / "workbook")
    checkout = tmp_path / "checkout"
    assert (checkout / "notebooks", checkout / "templates") == (moved.NOTEBOOKS, moved.TEMPLATES)


def test_no_module_looks_outside_the_package():
    """Installed, the package's parent folder is site-packages: files are found through
    workbook/resources.py (or inside the package), never by climbing out of it."""
    for module in PACKAGE.rglob("*.py"):
        depth = len(module.relative_to(PACKAGE).parts)  # parents[depth] is outside the package
        for found in CLIMB.finditer(module.read_text(encoding="utf-8")):
            rel = module.relative_to(PACKAGE.parent)
            assert int(found.group(1)) < depth, f"{rel} looks outside the package: {found[0]}"
