"""environment.yml (for conda users) lists the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"playwright": "playwright-python"}  # PyPI name -> conda-forge's, where they differ


def _name(spec: str) -> str:
    return re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower()


def _pins(specs) -> dict[str, str]:
    return {_name(s): re.sub(r"\[.*\]", "", s).replace(" ", "")[len(_name(s)) :] for s in specs}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = _pins(project["dependencies"] + extras["hub"] + extras["test"])
    wanted = {CONDA_NAMES.get(name, name): pin for name, pin in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = _pins(d for d in env["dependencies"] if isinstance(d, str))
    listed.pop("python")
    listed.pop("pip")
    assert listed == wanted
    assert "conda-forge" in env["channels"]


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_reading_a_notebook_does_not_compile_an_iri_grammar():
    """jsonschema 4.25 and later import rfc3987-syntax, which compiles a grammar at import: 3 s
    of CPU in every process that reads a notebook (pyproject.toml keeps jsonschema below)."""
    code = (
        "import sys, nbformat, nbclient, papermill.execute; print('rfc3987_syntax' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False", ran.stderr
