"""The offline check: does a page we wrote refer to anything outside itself?

It reads the page as a browser would, so it looks only where a browser fetches from: URL
attributes of elements (``src``, ``href``, ``srcset``, ``poster``, ``action``, ``data``...),
``<meta http-equiv="refresh">``, and CSS (``url(...)`` and ``@import``, in ``<style>`` elements
and ``style`` attributes). Text is never a reference: a client who writes
``<a href="https://...">`` or a bare ``https://...`` in a note has it escaped into the page
as words, and a check that searched the whole page for ``href=`` would refuse to write the
workbook (it did: issue 9). A ``data:`` URL or a ``#fragment`` stays inside the page; anything
else, a relative path included, would be fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "src",
    "href",
    "xlink:href",
    "srcset",
    "poster",
    "action",
    "formaction",
    "data",
    "background",
    "cite",
    "longdesc",
    "manifest",
    "ping",
    "codebase",
    "archive",
    "icon",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.I)
REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"\s;]+)", re.I)


def _inside(url: str) -> bool:
    url = url.strip()
    return not url or url.startswith("#") or url[:5].lower() == "data:"


def _srcset(value: str) -> list[str]:
    """``a.png 1x, b.png 2x`` -> the URLs. As browsers read it: a URL runs to the next space
    (so a data: URL keeps its commas), and its descriptors run to the next comma."""
    urls, rest = [], value
    while rest := rest.lstrip(" \t\n\r\f,"):
        url = rest.split(maxsplit=1)[0]
        rest = rest[len(url) :]
        urls.append(url.rstrip(","))
        if not url.endswith(","):  # descriptors follow, up to the next comma
            rest = rest.partition(",")[2]
    return urls


def css_references(css: str) -> list[str]:
    found = [m.group(2) for m in CSS_URL.finditer(css)]
    return found + [m.group(2) for m in CSS_IMPORT.finditer(css)]


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name == "srcset":
                self.found += _srcset(value)
            elif name in URL_ATTRIBUTES:
                self.found.append(value)
            elif name == "style":
                self.found += css_references(value)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found += REFRESH.findall(values.get("content", ""))
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:  # only CSS is read; the page's text is words, never references
            self.found += css_references(data)


def external_references(page: str) -> list[str]:
    """Every reference in ``page`` that a browser would fetch from outside it."""
    parser = _References()
    parser.feed(page)
    parser.close()
    return [url for url in parser.found if not _inside(url)]
