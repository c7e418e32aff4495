from __future__ import annotations

import pytest

from tests.conftest import minimal_case
from workbook.clientapp.pages import ClientPages


@pytest.fixture
def pages(lana_store, practice):
    """Lana's client pages, on the same practice as ``lana_store``, with a second client there."""
    lana_store.save(minimal_case("zed-other", "Zed Othername"))
    session = ClientPages("lana", str(practice.path), practice.db_url)
    yield session
    session.store.close()


@pytest.fixture
def wb_practitioner_app(lana_store, practice, monkeypatch):
    """A step notebook's session as the practitioner's app (``workbook app``) runs it."""
    from workbook import audience
    from workbook.forms import Workbook

    monkeypatch.setenv(audience.ENV, "practitioner")
    session = Workbook("lana", str(practice.path), practice.db_url)
    yield session
    session.store.close()
