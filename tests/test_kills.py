"""kill -9 at every file write: the final name holds the previous good file or the new one,
never a part, and the next run works and leaves no temporary file (see ``tests/killing.py``).

Each writer is killed a few times here, aimed inside ``files.write_whole`` (mid-write, whole
but not renamed, renamed but the folder not synced) and, for the quick ones, at random moments;
``bench/kills.py`` does the same many more times. The figures are printed (``-s`` shows them).
"""

from __future__ import annotations

import pytest

from tests import killing

QUICK = [w.name for w in killing.WRITERS.values() if not w.kernel]
SLOW = [w.name for w in killing.WRITERS.values() if w.kernel]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kills")
    killing.prepare(folder)
    return folder


def _report(tally: killing.Tally) -> None:
    print(f"{tally.writer}: survived {tally.survived} of {tally.kills} kills")
    assert not tally.failures, tally.failures
    assert tally.survived == tally.kills


@pytest.mark.parametrize("writer", QUICK)
def test_quick_writers_survive_kills(prepared, writer):
    tally = killing.attack(writer, prepared, aimed=3, randoms=2, seed=len(writer))
    _report(tally)
    assert tally.kills >= 3  # most aimed kills land in a write, every random one somewhere


@pytest.mark.browser
@pytest.mark.parametrize("writer", SLOW)
def test_kernel_writers_survive_kills(prepared, writer):
    tally = killing.attack(writer, prepared, aimed=2, randoms=0, seed=len(writer))
    _report(tally)
    assert tally.kills >= 1


def test_workshop_create_is_whole_or_absent_after_kills(prepared):
    tally = killing.attack_create(prepared, kills=4)
    _report(tally)
    assert tally.kills >= 3


def test_a_file_cut_short_is_not_taken_for_a_whole_one(prepared, tmp_path):
    """The check itself (a case file cut at a record's end still parses)."""
    killing.run_clean("journal (HTML)", prepared)
    killing.run_clean("case file (export)", prepared)
    for target in (
        killing.WRITERS["journal (HTML)"].targets(prepared)[0],
        killing.WRITERS["case file (export)"].targets(prepared)[0],
    ):
        cut = tmp_path / target.name
        cut.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
        assert killing.whole(target, target) and not killing.whole(cut, target)
