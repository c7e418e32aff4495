"""The build step that puts the guided notebooks and the templates inside the package.

The repository's top-level ``notebooks/`` and ``templates/`` are the sources. Every build of a
wheel copies both, whole (subfolders too) and unchanged, to ``workbook/assets/``, where
``workbook/resources.py`` finds them; an editable install reads the sources themselves. The
rest of the build is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SOURCES = ("notebooks", "templates")
# Checkpoints, caches and other dot-files are never part of the sources.
SKIP = shutil.ignore_patterns(".*", "__pycache__", "*.py[cod]")


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SOURCES:
            target = Path(self.build_lib, "workbook", "assets", name)
            shutil.rmtree(target, ignore_errors=True)  # no file deleted upstream lingers
            shutil.copytree(ROOT / name, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithAssets})
