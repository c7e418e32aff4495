"""Choosing, creating and practising on clients from the start-here notebook's chooser."""

from __future__ import annotations

from datetime import date


def _fields(box):
    """The chooser's new-client inputs, by the class they carry."""
    found = {}

    def walk(widget):
        for cls in getattr(widget, "_dom_classes", ()):
            if cls.startswith("wb-newclient-") and not cls.endswith("-error"):
                found[cls.removeprefix("wb-newclient-")] = widget
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(box)
    return found


def _input(box):
    return box.children[1]


def test_create_a_client_and_switch_to_it(wb):
    stories = wb.form("stories")
    chooser = wb.chooser()
    f = _fields(chooser)
    _input(f["id"]).value = "maria-r"
    _input(f["name"]).value = "Maria R."
    _input(f["started"]).value = date(2026, 11, 20)
    _input(f["records"]).value = True
    _input(f["share_deidentified"]).value = False
    f["save"].click()
    assert "Created client maria-r" in f["status"].value
    assert wb.client == "maria-r"
    assert wb.store.load("maria-r").client.name == "Maria R."
    assert "Nothing recorded yet" in stories.table.value  # the forms follow the new client
    assert stories.fields["id"].get() == "s1"


def test_client_without_consent_or_bad_id_is_refused(wb):
    f = _fields(wb.chooser())
    _input(f["id"]).value = "ok-id"
    _input(f["name"]).value = "No Consent"
    _input(f["records"]).value = False
    f["save"].click()
    assert "consent" in f["status"].value
    _input(f["records"]).value = True
    _input(f["id"]).value = "Not OK"
    f["save"].click()
    assert "slug" in f["status"].value
    assert wb.store.client_ids() == ["lana"]


def test_copy_the_sample_to_practise(wb):
    f = _fields(wb.chooser())
    _input(f["id"]).value = "my-lana"
    _input(f["name"]).value = "Practice Lana"
    f["copy"].click()
    assert wb.client == "my-lana"
    assert len(wb.store.load("my-lana").stories) == 4
    f["copy"].click()  # the same id again
    assert "already" in f["status"].value
