"""Property-based: whatever a case file holds, import is a clean error or a clean import.

Never a crash (an exception that is not a WorkbookError) and never a partial write: after a
refusal the database is exactly as it was; after an import it holds exactly the imported case.
"""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import snapshot
from workbook.casefile import parse_case, parse_yaml
from workbook.errors import WorkbookError
from workbook.sample import sample_text

SAMPLE = parse_yaml(sample_text())[0]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-02-30",
            "2026-09-01",
            "lana",
            "i1",
            "a1",
            "v1",
            "client",
            "done",
            "gibbs",
            "what",
            "",
            " ",
            "-1",
            "A B",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


ALL_PATHS = [p for p in _paths(SAMPLE) if p]


@st.composite
def mutated_cases(draw):
    data = copy.deepcopy(SAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                node[path[-1]] = draw(values)
            elif action == "delete":
                del node[path[-1]]
            elif isinstance(node, dict):
                node[draw(st.text(max_size=10))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


raw_files = st.one_of(
    mutated_cases(),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    values.map(lambda v: yaml.safe_dump(v).encode("utf-8")),
)


def _check(store, raw: bytes) -> None:
    before = snapshot(store)
    try:
        case = parse_case(raw, "fuzz.yaml")
        store.save(case, replace=True)
    except WorkbookError as exc:
        assert str(exc).startswith("fuzz.yaml") or "client" in str(exc)
        assert "\n" not in str(exc)
        assert snapshot(store) == before
        return
    assert store.load(case.client.id) == case


@settings(
    max_examples=250,
    deadline=None,
    # one store serves every example on purpose: each is checked against the state before it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(raw=raw_files)
def test_import_never_crashes_or_half_writes(store, raw):
    _check(store, raw)
