"""The guided notebooks: executed end to end with papermill, checked with nbval, prepared."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import papermill
import pytest
from click.testing import CliRunner

from workbook.cli import cli
from workbook.notebooks import START, parameters, source_notebooks
from workbook.practice import Practice

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = source_notebooks()
SOURCE_DIR = NOTEBOOKS[0].parent
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_notebook_runs_end_to_end(notebook, lana_store, practice, tmp_path):
    out = papermill.execute_notebook(
        str(notebook),
        str(tmp_path / notebook.name),
        progress_bar=False,
        kernel_name="python3",
        parameters={"client": "lana", "practice": str(practice.path), "db_url": practice.db_url},
    )
    outputs = [o for c in out.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    widgets = [o for o in outputs if WIDGET in o.get("data", {})]
    assert len(widgets) >= 2, "the header and at least one form render as widgets"


def test_notebooks_are_introduced_and_hold_little_code():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
        assert cells[0]["cell_type"] == "markdown" and len("".join(cells[0]["source"])) > 300
        params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(params) == 1
        wanted = {"practice =", "db_url ="} | ({"client ="} if path.name != START else set())
        assert wanted <= {
            line.split("=")[0].strip() + " ="
            for line in "".join(params[0]["source"]).splitlines()
            if "=" in line and not line.startswith("#")
        }
        for cell in cells:
            if cell["cell_type"] == "code" and cell is not params[0]:
                lines = [ln for ln in "".join(cell["source"]).splitlines() if ln.strip()]
                assert len(lines) <= 3, (path.name, lines)


def test_nbval_lax_over_the_notebooks(tmp_path):
    practice = tmp_path / "practice"
    env = {**os.environ, "WORKBOOK_PRACTICE": str(practice)}
    env.pop("WORKBOOK_DB", None)
    subprocess.run(
        [sys.executable, "-m", "workbook.cli", "demo"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",  # a notebook's cells run in their order, never shuffled
            "--rootdir",
            str(tmp_path),
            *map(str, NOTEBOOKS),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed[1]) >= 3 * len(NOTEBOOKS)  # every notebook's cells ran


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_prepare_writes_private_parameterised_copies(lana_store, practice):
    result = CliRunner().invoke(cli, [*_args(practice), "prepare", "lana"])
    assert result.exit_code == 0, result.stderr
    folder = practice.path.resolve() / "notebooks" / "lana"
    written = sorted(folder.iterdir())
    assert [p.name for p in written] == [n.name for n in NOTEBOOKS if n.name != START]
    assert (folder.parent / START).exists()  # the practice's start-here, beside the clients
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        nb = json.loads(path.read_text(encoding="utf-8"))
        injected = [
            c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])
        ]
        assert len(injected) == 1
        text = "".join(injected[0]["source"])
        assert 'client = "lana"' in text and str(practice.path.resolve()) in text
        assert "Lana Kowalczyk" not in path.read_text(encoding="utf-8")  # no client text
        assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    (folder / NOTEBOOKS[1].name).write_text("{}")  # the practitioner's own edits are kept...
    again = CliRunner().invoke(cli, [*_args(practice), "prepare", "lana"])
    assert "kept" in again.stdout and (folder / NOTEBOOKS[1].name).read_text() == "{}"
    forced = CliRunner().invoke(cli, [*_args(practice), "prepare", "lana", "--force"])
    assert forced.exit_code == 0 and (folder / NOTEBOOKS[1].name).read_text() != "{}"


def test_prepare_unknown_client_is_one_line(lana_store, practice):
    result = CliRunner().invoke(cli, [*_args(practice), "prepare", "nobody"])
    assert result.exit_code == 1
    assert result.stderr.startswith("workbook: error: no client 'nobody'")


def test_passwords_are_never_injected(tmp_path):
    practice = Practice(tmp_path, "postgresql+psycopg://ann:s3cret@db.example:5432/cases")
    params = parameters(practice, "lana")
    assert "s3cret" not in json.dumps(params)
    assert params["db_url"] == "postgresql+psycopg://ann@db.example:5432/cases"


def test_every_step_notebook_has_its_navigation_bar():
    from workbook.steps import STEPS

    steps = {s.notebook: s.key for s in STEPS}
    assert sorted(steps) == [n.name for n in NOTEBOOKS if n.name != START]
    for path in NOTEBOOKS:
        sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
        calls = [s for s in sources if "wb.navigation(" in s]
        assert calls == ([] if path.name == START else [f'wb.navigation("{steps[path.name]}")'])


def test_each_step_notebook_shows_its_live_view():
    """Steps 1-4 show what their records add up to, under the forms the view draws from."""
    views = {
        "02_step1_what_has_been_tried.ipynb": ("skills", 'wb.form("stories")'),
        "03_step2_ideas.ipynb": ("ideas", 'wb.form("interviews")'),
        "04_step3_plan.ipynb": ("weighed", 'wb.form("ideas")'),
        "05_step4_checkin.ipynb": ("progress", 'wb.form("checkins")'),
    }
    for path in NOTEBOOKS:
        sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
        calls = [i for i, s in enumerate(sources) if "wb.view(" in s]
        if path.name not in views:
            assert calls == [], path.name
            continue
        name, form = views[path.name]
        assert [sources[i] for i in calls] == [f'wb.view("{name}")'], path.name
        assert sources.index(form) < calls[0], path.name  # under the form it follows


def test_the_caseload_notebook_runs_end_to_end(lana_store, practice, tmp_path):
    from workbook.notebooks import write_start
    from workbook.steps import CASELOAD

    write_start(practice)  # the caseload is written beside start-here, as init does
    written = practice.notebooks() / CASELOAD
    out = papermill.execute_notebook(
        str(written), str(tmp_path / CASELOAD), progress_bar=False, kernel_name="python3"
    )
    outputs = [o for c in out.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert len([o for o in outputs if WIDGET in o.get("data", {})]) >= 2  # header and table
    chart = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(chart) == 1 and "data:image/png;base64," in chart[0]
    nb = json.loads((SOURCE_DIR / CASELOAD).read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1 and "client" not in "".join(params[0]["source"])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert len([ln for ln in "".join(cell["source"]).splitlines() if ln.strip()]) <= 3
