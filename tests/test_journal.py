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


def test_journal_shows_every_reflection_entry_as_text():
    """Markup, links and stylesheet references typed into any stage stay words on the page."""
    from html.parser import HTMLParser

    from tests.hostile import EVIL, hostile_case
    from workbook.journal import journal_html

    case = hostile_case()
    page = journal_html([case])
    tags: list[str] = []
    attrs: list[str] = []
    text: list[str] = []

    class Parse(HTMLParser):
        def handle_starttag(self, tag, found):
            tags.append(tag)
            attrs.extend(v or "" for _, v in found)

        def handle_data(self, data):
            text.append(data)

    Parse(convert_charrefs=True).feed(page)
    own = {"html", "head", "meta", "title", "style", "body", "h1", "p", "article", "h2"}
    own |= {"span", "dl", "dt", "dd", "bdi"}
    assert set(tags) <= own, set(tags) - own
    assert tags.count("style") == 1 and not [v for v in attrs if EVIL in v]
    shown = "".join(text)
    for r in case.reflections:
        for entry in r.entries.values():
            assert entry in shown
