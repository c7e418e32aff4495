"""A zygote for each test that wants one (tests kill and stop theirs)."""

from __future__ import annotations

import pytest

from workbook.kernels import Zygote


@pytest.fixture
def zygote():
    with Zygote() as zygote:
        assert zygote.running, "the zygote did not start (see the warning above)"
        yield zygote
