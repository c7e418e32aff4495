from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import minimal_case
from workbook.forms import Workbook

#: The day the forms take as today: three days after Lana's last check-in, whatever the clock.
TODAY = date(2026, 11, 27)


@pytest.fixture
def wb(lana_store, practice):
    """A notebook session on Lana, on the same practice (and database) as ``lana_store``."""
    session = Workbook("lana", str(practice.path), practice.db_url, today=TODAY)
    yield session
    session.store.close()


@pytest.fixture
def blank_wb(store, practice):
    """A session on a practice with one new client who has nothing recorded yet."""

    store.save(minimal_case())
    session = Workbook("new", str(practice.path), practice.db_url, today=TODAY)
    yield session
    session.store.close()
