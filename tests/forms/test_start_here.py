"""The start-here chooser: creating a client or copying the sample writes that client's notebooks
and shows links that open them, in JupyterLab (the client's own workspace) and in Voilà."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workbook.forms import StartHere
from workbook.forms.links import Server
from workbook.forms.start import Chooser
from workbook.notebooks import notebooks_dir
from workbook.steps import STEPS

LAB = Server("lab", "/", None)
VOILA = Server("voila", "/")


def _input(box):
    return box.children[1]


def _fill(chooser, **values):
    fields = {f.name: f for f in chooser.fields}
    for name, value in values.items():
        _input(fields[name].box).value = value


@pytest.fixture
def chooser(lana_store, practice):
    """The chooser of a practice holding Lana, with its links written for JupyterLab."""
    return Chooser(practice, lana_store, server=Server("lab", "/", notebooks_dir(practice)))


def _hrefs(html):
    return [part.split('"')[0] for part in html.split('href="')[1:]]


def test_create_a_client_writes_their_notebooks_and_links_to_them(chooser, practice):
    _fill(chooser, id="maria-r", name="Maria <R>", started=date(2026, 11, 20), records=True)
    chooser.create.click()
    assert "Created client maria-r" in chooser.status.value
    assert chooser.store.load("maria-r").client.name == "Maria <R>"
    folder = notebooks_dir(practice, "maria-r")
    assert sorted(p.name for p in folder.iterdir()) == [s.notebook for s in STEPS]
    nb = json.loads((folder / "02_step1_what_has_been_tried.ipynb").read_text())
    assert any('client = "maria-r"' in "".join(c["source"]) for c in nb["cells"])
    assert chooser.pick.value == "maria-r"
    html = chooser.links_html
    assert _hrefs(html) == [f"/lab/workspaces/maria-r/tree/maria-r/{s.notebook}" for s in STEPS]
    assert 'target="_blank"' in html
    assert "Maria &lt;R&gt;" in html and "Maria <R>" not in html  # client text escaped
    assert "0 of 6 parts have records" in html


def test_links_in_voila_are_the_apps_pages(lana_store, practice):
    chooser = Chooser(practice, lana_store, server=VOILA)
    chooser.pick.value = "lana"
    assert _hrefs(chooser.links_html) == [f"lana/{s.notebook}" for s in STEPS]
    assert 'target="_self"' in chooser.links_html


def test_links_follow_labs_base_url_and_root(lana_store, practice):
    root = practice.path.resolve()  # Lab serving the practice folder itself, under a hub prefix
    chooser = Chooser(practice, lana_store, server=Server("lab", "/user/ann/", root))
    chooser.pick.value = "lana"
    first = _hrefs(chooser.links_html)[0]
    assert first == "/user/ann/lab/workspaces/lana/tree/notebooks/lana/01_intake.ipynb"


def test_a_client_without_consent_or_with_a_bad_id_is_refused(chooser, practice):
    _fill(chooser, id="ok-id", name="No Consent", records=False)
    chooser.create.click()
    assert "consent" in chooser.status.value
    _fill(chooser, records=True, id="Not OK")
    chooser.create.click()
    assert "slug" in chooser.status.value
    assert chooser.store.client_ids() == ["lana"]
    assert not notebooks_dir(practice, "ok-id").exists()
    assert chooser.links_html == ""


def test_copying_the_sample_links_to_the_copy_and_leaves_lana_alone(chooser, practice):
    lana_before = chooser.store.load("lana")
    _fill(chooser, id="my-lana", name="Practice Lana")
    chooser.copy.click()
    assert "Copied the sample into my-lana" in chooser.status.value
    assert len(chooser.store.load("my-lana").stories) == 4
    for step in STEPS:
        nb = (notebooks_dir(practice, "my-lana") / step.notebook).read_text()
        assert 'client = \\"my-lana\\"' in nb and '\\"lana\\"' not in nb
    hrefs = _hrefs(chooser.links_html)
    assert hrefs and all("/my-lana/" in h for h in hrefs)
    assert "6 of 6 parts have records" in chooser.links_html
    chooser.copy.click()  # the same id again
    assert "already" in chooser.status.value
    assert chooser.store.load("lana") == lana_before


def test_the_copy_button_shows_its_whole_label(chooser):
    assert chooser.copy.description == "Copy the sample to practise"
    assert chooser.copy.layout.width == "auto"


def test_start_here_session_has_no_client_of_its_own(lana_store, practice):
    home = StartHere(str(practice.path), practice.db_url)
    assert "1 client(s)" in home.header().value
    assert home.chooser().pick.value is None  # nobody chosen until the practitioner picks


def test_an_old_client_start_here_shows_links_and_never_switches(wb, practice):
    """Start-here copies made inside a client's folder: copying the sample there used to switch
    that notebook's session to the copy while every other notebook stayed on Lana."""
    chooser = wb.chooser()
    chooser.server = LAB
    _fill(chooser, id="trainee", name="Trainee copy")
    chooser.copy.click()
    assert wb.client == "lana"
    assert chooser.pick.value == "trainee"
    assert all("/trainee/" in h for h in _hrefs(chooser.links_html))


def test_on_a_hub_the_chosen_client_links_their_client_app(lana_store, practice, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/pat/")
    chooser = Chooser(practice, lana_store, "lana", server=VOILA)
    app = [h for h in _hrefs(chooser.links_html) if "client-app" in h]
    assert app == ["/user/pat/workbook/client-app/lana"]  # the server opens it (hub.clientapps)
    assert 'target="_blank"' in chooser.links_html.split("wb-client-app")[1]
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX")
    chooser.show("lana")  # off a hub, `workbook app lana --audience client` serves it instead
    assert not [h for h in _hrefs(chooser.links_html) if "client-app" in h]
