"""The demo on a machine without Chromium (installed anywhere, it still works)."""

from __future__ import annotations

from click.testing import CliRunner

from workbook.cli import cli


def test_demo_without_chromium_leaves_out_only_the_pdf(tmp_path, monkeypatch):
    missing = tmp_path / "no-chromium"
    monkeypatch.setattr("workbook.generate.export.CHROMIUM", str(missing))
    result = CliRunner().invoke(cli, ["--practice", str(tmp_path / "p"), "demo"])
    assert result.exit_code == 0, result.stderr
    made = {p.name for p in (tmp_path / "p" / "workbooks" / "lana").iterdir()}
    assert made == {"lana-workbook.ipynb", "lana-workbook.html", "lana-calendar.ics"}
    assert f"no PDF: printing one needs Chromium, not found at {missing}" in result.stdout
