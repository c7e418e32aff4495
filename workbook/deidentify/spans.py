"""Pieces of a text to replace, and how a text is rebuilt once they are chosen.

Every detector (contact details, dates, names) reports spans of the original text; the first
detector to claim a stretch of text keeps it, so a date inside a link or a surname inside an
e-mail address is replaced once, as part of the larger piece, and never half-replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # what was found, as the report names it (never its value)
    replacement: str


Detector = Callable[[str], Iterable[Span]]


def choose(text: str, detectors: Iterable[Detector]) -> list[Span]:
    """The spans to replace: each detector in turn, skipping text an earlier one claimed."""
    taken: list[Span] = []
    claimed = bytearray(len(text))  # 1 where an earlier span lies
    for detect in detectors:
        for span in detect(text):
            if span.end > span.start and claimed.find(1, span.start, span.end) == -1:
                claimed[span.start : span.end] = b"\x01" * (span.end - span.start)
                taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def rebuild(text: str, spans: list[Span]) -> str:
    out, at = [], 0
    for span in spans:
        out.append(text[at : span.start])
        replacement = span.replacement
        if replacement.startswith("the ") and _sentence_start(text, span.start):
            replacement = replacement[0].upper() + replacement[1:]
        out.append(replacement)
        at = span.end
    out.append(text[at:])
    return "".join(out)


def mask(text: str, spans: list[Span]) -> str:
    """``text`` with the spans blanked out (same length), for finding names around them; the
    blank is no space, so words either side are not read as one name."""
    chars = list(text)
    for span in spans:
        chars[span.start : span.end] = "\0" * (span.end - span.start)
    return "".join(chars)


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at]
    stripped = before.rstrip()
    return not stripped or before[-1:].isspace() and stripped[-1] in ".!?\n"
