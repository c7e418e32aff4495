"""The forms run in every step notebook's kernel: they must not load what they do not need.

One client's seven notebooks are seven kernels; pandas, numpy and matplotlib would add some
40 MiB to each (bench/kernel_memory.py measures it). The memory figures stay out of the tests;
what is tested is that the form path, run whole in a fresh interpreter, never imports them.
"""

from __future__ import annotations

import subprocess
import sys

from workbook.forms.specs import FORMS

HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "PIL")

SCRIPT = """
import sys
from datetime import date
from workbook.forms import Workbook
from workbook.practice import Practice
from workbook.sample import sample_case

practice = Practice.locate(sys.argv[1])
with practice.open() as store:
    store.save(sample_case())
wb = Workbook("lana", sys.argv[1])
wb.header(); wb.chooser()
for name in {names!r}:
    form = wb.form(name)
    wb.example(name)
    form.save()
stories = wb.forms[{stories}]
stories.chooser.value = "s2"
stories.save()
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_the_form_path_imports_no_pandas_numpy_or_matplotlib(tmp_path):
    names = list(FORMS)
    script = SCRIPT.format(names=names, stories=names.index("stories"), heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "practice")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"the forms loaded {result.stdout.strip()}"


VIEWS_SCRIPT = """
import sys
from workbook.forms import Workbook
from workbook.practice import Practice
from workbook.sample import sample_case

practice = Practice.locate(sys.argv[1])
with practice.open() as store:
    store.save(sample_case())
wb = Workbook("lana", sys.argv[1])
wb.view("skills"); wb.view("weighed")
stories = wb.form("stories")
stories.chooser.value = "s2"
stories.save()
print(",".join(m for m in ("pandas", "matplotlib") if m in sys.modules))
"""


def test_the_table_views_load_pandas_but_not_matplotlib(tmp_path):
    """Steps 1 and 3 show tables only: their kernels need pandas (the same aggregations as the
    workbook) but not matplotlib, which only the views with a figure import."""
    result = subprocess.run(
        [sys.executable, "-c", VIEWS_SCRIPT, str(tmp_path / "practice")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pandas"


IMPORTS_SCRIPT = """
import importlib, pkgutil
import workbook.clientapp, workbook.forms
from workbook.kernels.zygote import PRELOAD
for name in PRELOAD:
    importlib.import_module(name)
for package in (workbook.forms, workbook.clientapp):
    for found in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(found.name)
from ipywidgets.widgets.widget import _instances
print(sorted(type(w).__name__ for w in _instances.values()))
"""


def test_importing_the_forms_makes_no_widget():
    """The zygote imports the forms before any kernel exists (workbook.kernels): a widget made
    at import would be a model no kernel's front end ever received, and every input sharing it
    would fail to draw in a forked kernel."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"made at import: {result.stdout.strip()}"
