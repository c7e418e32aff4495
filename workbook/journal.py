"""The practitioner's journal: every reflection, in date order, as one HTML page."""

from __future__ import annotations

import html
from datetime import date

from .model import Case
from .model.vocab import REFLECTION_STAGES

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Reflection journal</title>
<style>
body {{ font-family: "DejaVu Sans", sans-serif; max-width: 46em; margin: 2em auto;
  line-height: 1.5; }}
article {{ border-top: 1px solid #ccc; padding-top: 0.6em; margin-top: 1.4em;
  break-inside: avoid; }}
dt {{ font-weight: bold; margin-top: 0.5em; }}
dd {{ margin-left: 1em; white-space: pre-wrap; overflow-wrap: anywhere; }}
h2 {{ overflow-wrap: anywhere; }}
.meta {{ color: #555; }}
</style></head>
<body class="tex2jax_ignore mathjax_ignore">
<h1>Reflection journal</h1>
<p class="meta">{summary}</p>
{entries}
</body></html>
"""


def _e(text: object) -> str:
    return f'<bdi dir="auto">{html.escape(str(text))}</bdi>'


def journal_html(cases: list[Case], since: date | None = None) -> str:
    """All reflections of ``cases`` on or after ``since``, oldest first, every text escaped."""
    items = sorted(
        (
            (r.date, case.client.name, case.client.id, r)
            for case in cases
            for r in case.reflections
            if since is None or r.date >= since
        ),
        key=lambda item: (item[0], item[2]),
    )
    parts = []
    for day, name, client, r in items:
        stages = REFLECTION_STAGES[r.model]
        entries = "".join(
            f"<dt>{html.escape(stage.replace('_', ' ').capitalize())}</dt>"
            f"<dd>{_e(r.entries[stage])}</dd>"
            for stage in stages
            if stage in r.entries
        )
        parts.append(
            f"<article><h2>{day.strftime('%d %B %Y').lstrip('0')} · {_e(name)} "
            f"<span class='meta'>({html.escape(client)}, {r.model.title()})</span></h2>"
            f"<dl>{entries}</dl></article>"
        )
    since_text = f" since {since.isoformat()}" if since else ""
    summary = (
        f"{len(parts)} reflection{'s' * (len(parts) != 1)}{since_text}, "
        f"from {len(cases)} client{'s' * (len(cases) != 1)}."
    )
    return PAGE.format(
        summary=html.escape(summary), entries="".join(parts) or "<p>No reflections yet.</p>"
    )
