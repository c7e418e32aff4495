"""The offline check (workbook/generate/offline.py): it catches every real reference a browser
would fetch, and never mistakes a page's text, however link-like, for one."""

from __future__ import annotations

import html

import pytest

from tests.hostile import LONG_BODY
from workbook.generate.offline import external_references

PAGE = "<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "body", "found"),
    [
        ("", '<img src="https://cdn.example/a.png">', "https://cdn.example/a.png"),
        ("", "<img src=//cdn.example/b.png>", "//cdn.example/b.png"),
        ('<script src="https://cdn.example/require.js"></script>', "", "require.js"),
        ('<link rel="stylesheet" href="https://fonts.example/c.css">', "", "c.css"),
        ("<style>@import url(https://fonts.example/d.css);</style>", "", "d.css"),
        ("<style>@import 'https://fonts.example/e.css';</style>", "", "e.css"),
        ("<style>body { background: url('https://x.example/f.png') }</style>", "", "f.png"),
        ("", '<div style="background:url(https://x.example/g.png)">hi</div>', "g.png"),
        ("", '<img srcset="data:image/png;base64,AA 1x, https://x.example/h.png 2x">', "h.png"),
        ("", '<svg><image href="https://x.example/i.svg"/></svg>', "i.svg"),
        ("", '<svg><use xlink:href="https://x.example/j.svg#k"/></svg>', "j.svg"),
        ("", '<iframe src="https://x.example/k"></iframe>', "x.example/k"),
        ("", '<video poster="https://x.example/l.jpg"></video>', "l.jpg"),
        ('<meta http-equiv="refresh" content="0; url=https://x.example/m">', "", "x.example/m"),
        ("", '<a href="javascript:alert(1)">x</a>', "javascript:alert(1)"),
        ("", '<a href="&#104;ttps://x.example/n">x</a>', "https://x.example/n"),
        ("", '<img src="local.png">', "local.png"),  # a relative path is fetched too
        ("", '<form action="https://x.example/o"></form>', "x.example/o"),
    ],
)
def test_a_real_reference_is_caught(head, body, found):
    refs = external_references(PAGE.format(head=head, body=body))
    assert len(refs) == 1 and found in refs[0], refs


def test_the_pages_own_data_and_fragments_are_inside():
    page = PAGE.format(
        head="<style>.a { background: url(data:image/png;base64,AAAA) }</style>",
        body='<a href="#step-1">Step 1</a><img src="data:image/png;base64,AAAA"><a href="">x</a>',
    )
    assert external_references(page) == []


def test_text_is_never_a_reference():
    """What a client typed, escaped as it reaches the exported page (nbconvert writes a text's
    quotes back unescaped: ``&lt;a href="https://..."&gt;``), in a paragraph and a table."""
    typed = html.escape(LONG_BODY, quote=False)
    page = PAGE.format(
        head="<style>p { color: #333 }</style>",
        body=f"<p>{typed}</p><table><tr><td>{typed}</td></tr></table><pre>{typed}</pre>",
    )
    assert '&lt;a href="https://evil.example/a"&gt;' in page
    assert external_references(page) == []


def _notebook(html_output: str):
    import nbformat.v4 as v4

    cell = v4.new_code_cell("report.cover()")
    cell.outputs = [v4.new_output("display_data", data={"text/html": html_output})]
    return v4.new_notebook(cells=[cell])


def test_the_workbook_html_is_refused_with_a_real_reference_and_written_with_a_typed_one():
    from workbook.generate import export

    with pytest.raises(RuntimeError) as caught:
        export.html(_notebook('<img src="https://cdn.example/x.png">'), "Action plan: Ana")
    assert "https://cdn.example/x.png" in str(caught.value)
    typed = f"<p>{html.escape(LONG_BODY)}</p>"
    page = export.html(_notebook(typed), 'Action plan: <a href="https://evil.example/t">')
    assert '&lt;a href="https://evil.example/a"&gt;' in page or "&lt;a href=&quot;" in page
