from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import minimal_case
from workbook.clientapp.pages import ClientPages

#: The day the pages take as today, whatever the clock: three days after Lana's last check-in.
TODAY = date(2026, 11, 27)


@pytest.fixture
def pages(lana_store, practice):
    """Lana's client pages, on the same practice as ``lana_store``, with a second client there."""
    lana_store.save(minimal_case("zed-other", "Zed Othername"))
    session = ClientPages("lana", str(practice.path), practice.db_url, today=TODAY)
    yield session
    session.store.close()


@pytest.fixture
def wb_practitioner_app(lana_store, practice, monkeypatch):
    """A step notebook's session as the practitioner's app (``workbook app``) runs it."""
    from workbook import audience
    from workbook.forms import Workbook

    monkeypatch.setenv(audience.ENV, "practitioner")
    session = Workbook("lana", str(practice.path), practice.db_url, today=TODAY)
    yield session
    session.store.close()
