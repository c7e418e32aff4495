"""The practitioner's journal: reflections in date order, filtered, escaped, private."""

from __future__ import annotations

import stat

from click.testing import CliRunner

from workbook.cli import cli


def _args(practice):
    return ["--practice", str(practice.path)] + (
        ["--db", practice.db_url] if practice.db_url else []
    )


def test_journal_in_date_order_across_clients(lana_store, lana, practice, tmp_path):
    other = lana.model_copy(deep=True)
    other.client.id, other.client.name = "devon", "Devon <b>Hart</b>"
    other.reflections[0].date = other.reflections[0].date.replace(day=20)  # 20 September
    lana_store.save(other)
    out = tmp_path / "journal.html"
    result = CliRunner().invoke(cli, [*_args(practice), "journal", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = out.read_text(encoding="utf-8")
    assert "6 reflections" in page
    positions = [
        page.index(d)
        for d in ("8 September 2026", "20 September 2026", "2 October 2026", "17 November 2026")
    ]
    assert positions == sorted(positions)
    assert "Devon &lt;b&gt;Hart&lt;/b&gt;" in page and "<b>Hart" not in page
    assert "Holding back was uncomfortable" in page
    assert "src=" not in page and "href=" not in page


def test_journal_filters_by_client_and_date(lana_store, practice, tmp_path):
    out = tmp_path / "j.html"
    result = CliRunner().invoke(
        cli,
        [*_args(practice), "journal", "--client", "lana", "--since", "2026-10-01", "-o", str(out)],
    )
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "2 reflections since 2026-10-01" in page
    assert "8 September 2026" not in page and "17 November 2026" in page
    missing = CliRunner().invoke(cli, [*_args(practice), "journal", "--client", "nobody"])
    assert missing.exit_code == 1 and "no client 'nobody'" in missing.stderr
