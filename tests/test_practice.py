"""The practice folder (DESIGN.md section 4): where it is and how it opens."""

from __future__ import annotations

import stat
from pathlib import Path

from workbook.practice import Practice


def test_a_folder_given_as_text_opens_as_a_path(tmp_path, lana):
    practice = Practice(str(tmp_path / "cases"))
    assert practice.path == tmp_path / "cases" and isinstance(practice.path, Path)
    with practice.open() as store:
        store.save(lana)
    assert Practice(str(tmp_path / "cases")) == Practice(tmp_path / "cases")
    assert stat.S_IMODE(practice.db_path.stat().st_mode) == 0o600
