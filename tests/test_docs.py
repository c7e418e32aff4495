"""The guides' links lead somewhere: every relative link in the README, docs/ and deploy/ names
a file of the repository, and every #anchor a heading of the page it points to (GitHub's rule
for making an anchor from a heading)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *(ROOT / "deploy").glob("*.md")]
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text("utf-8"))
    return {anchor(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text("utf-8"))
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]


def broken(page: Path) -> list[str]:
    found = []
    for target in links(page):
        path, _, fragment = target.partition("#")
        dest = (page.parent / path) if path else page
        if not dest.exists():
            found.append(f"{target}: no such file")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            found.append(f"{target}: no heading with that anchor")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_leads_somewhere(page):
    assert broken(page) == []


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "guide.md"
    page.write_text(
        "# A guide\n\n## Backing up\n\n[ok](#backing-up) [gone](#restoring) [x](x.md)\n"
    )
    assert broken(page) == ["#restoring: no heading with that anchor", "x.md: no such file"]


def test_the_administrators_guide_is_linked_from_the_readme_and_the_guides():
    for page in ("README.md", "docs/practitioner.md", "docs/educator.md"):
        assert any(t.split("#")[0].endswith("hub.md") for t in links(ROOT / page)), page
