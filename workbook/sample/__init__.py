"""The sample case, Lana: fictional, written for this project, exercising every record type."""

from __future__ import annotations

from importlib.resources import files

from ..casefile import parse_case
from ..model import Case

SAMPLE_ID = "lana"


def sample_text() -> str:
    return files(__package__).joinpath("lana.yaml").read_text(encoding="utf-8")


def sample_case() -> Case:
    return parse_case(sample_text(), "lana.yaml (the sample case)")
