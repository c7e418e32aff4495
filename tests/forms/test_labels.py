"""Every control of every form is named by its own label, and messages are marked to be read
out: checked kernel-side on the widgets (the browser tests check the rendered page)."""

from __future__ import annotations

import ipywidgets as w
import pytest

from workbook.forms.specs import FORMS

# The controls a user operates; each renders its description as its <label> (or button text).
CONTROLS = (w.Text, w.Textarea, w.DatePicker, w.Dropdown, w.SelectMultiple, w.Checkbox, w.Button)


def controls(widget: w.Widget):
    if isinstance(widget, CONTROLS):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_control_has_its_own_label(wb, name):
    form = wb.form(name)
    if name == "reflections":
        form.fields["model"].set("gibbs")  # its stage boxes appear once a model is chosen
    found = list(controls(form.widget))
    assert len(found) > len(form.fields)  # the fields, the chooser or Save, ...
    for control in found:
        assert control.description.strip(), f"{name}: a {type(control).__name__} has no label"


def test_label_is_the_control_and_holds_the_help_escaped(wb):
    form = wb.form("stories")
    title = form.fields["title"].input
    assert title.description_allow_html
    assert title.description.startswith("<b>Title</b>")
    assert "a few words the client would recognise" in title.description
    # A label is not a separate text beside the input: the box holds the input, no caption.
    assert "Title" not in form.fields["title"].label.value
    assert form.fields["skills"].other.description.startswith("<b>Other skills</b>")
    labels = [d.description for d in form.fields["skills"].boxes.values()]
    assert "Collaboration" in labels


def test_grouped_fields_name_each_control(wb):
    checkins = wb.form("checkins")
    rows = checkins.fields["progress"].rows
    assert rows and all(r.description.startswith(f"{k} · ") for k, r in rows.items())
    reflections = wb.form("reflections")
    reflections.fields["model"].set("driscoll")
    areas = reflections.fields["entries"].areas
    assert list(areas) == ["what", "so_what", "now_what"]
    assert areas["so_what"].description.startswith("<b>So what</b>")


def test_messages_are_announced(wb):
    form = wb.form("stories")
    form.fields["id"].set("Bad Id")
    form.fields["title"].set("t")
    form.fields["text"].set("x")
    form.save()
    assert 'role="alert"' in form.fields["id"].error.value  # read out as it appears
    assert 'role="status"' in form.status.value  # the same words: not read out twice
    form.fields["id"].set("s9")
    form.save()
    assert 'role="status"' in form.status.value and "Saved story s9" in form.status.value


def test_label_text_is_escaped(wb):
    from workbook.forms.fields import TextField

    field = TextField("x", "<i>bold</i>", "a <script> help")
    assert "<i>" not in field.input.description
    assert "&lt;script&gt;" in field.input.description
