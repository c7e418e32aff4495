"""The two form shapes: a form for a list of records (add, edit, delete, with a table beneath)
and a form for one section of the case (intake, permission, the plan's goal)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from . import logic
from .fields import Field

if TYPE_CHECKING:
    from .workbook import Workbook

NEW = "__new__"


def status_html(outcome: logic.Outcome | None, announced: bool = False) -> str:
    """The line under a form's buttons, announced by screen readers as it appears: a refusal
    as an alert, unless ``announced`` (its field's own alert already says it), else as a status.
    """
    if outcome is None:
        return ""
    colour, mark = ("#1b5e20", "&#10003;") if outcome.ok else ("#b00020", "&#9888;")
    text = outcome.message if outcome.ok else f"Not saved. {outcome.message}"
    role = "status" if outcome.ok or announced else "alert"
    return f'<span role="{role}" style="color:{colour}">{mark} {html.escape(text)}</span>'


def table_html(df) -> str:  # noqa: ANN001 - a DataFrame
    """Records as an HTML table; every value escaped."""
    if df.empty:
        return "<i>Nothing recorded yet.</i>"
    shown = df.rename(columns=lambda c: str(c).replace("_", " "))
    return shown.to_html(index=False, escape=True, border=0, classes="wb-records", na_rep="")


class _Form:
    """What both form shapes share: values, saving with messages, display in a notebook."""

    wb: Workbook
    fields: dict[str, Field]
    status: w.HTML
    widget: w.VBox

    def _ipython_display_(self) -> None:  # a form displays as its widget in a notebook
        from IPython.display import display

        display(self.widget)

    def values(self) -> dict[str, Any]:
        return {name: f.get() for name, f in self.fields.items()}

    def _run(self, action: Callable[[str], logic.Outcome]) -> logic.Outcome:
        """Run a save or delete for the current client; show its message where it belongs."""
        for f in self.fields.values():
            f.show_error(None)
        try:
            outcome = action(self.wb.client) if self.wb.client else logic.NO_CLIENT
        except Exception as exc:  # a bug: shown beside the button, not lost in the kernel log
            outcome = logic.Outcome(
                False, f"Something went wrong ({type(exc).__name__}: {exc}); nothing was saved."
            )
        beside = not outcome.ok and outcome.field in self.fields
        if beside:
            self.fields[outcome.field].show_error(outcome.message)
        self.status.value = status_html(outcome, announced=beside)
        if outcome.ok:
            self.wb.changed()
        return outcome


class RecordForm(_Form):
    """Add, edit and delete one kind of record; the client's records are listed beneath."""

    def __init__(
        self,
        wb: Workbook,
        kind: str,
        fields: list[Field],
        title: str,
        note: Callable[[], str] | None = None,
        defaults: Callable[[], dict[str, Any]] | None = None,
    ):
        self.wb, self.kind, self.fields = wb, kind, {f.name: f for f in fields}
        self.note_fn, self.defaults = note, defaults or (lambda: {})
        self.editing: str | int | None = None
        self.armed_delete = False
        for f in fields:
            f.tag(kind)
        self.note = w.HTML()
        self.chooser = w.Dropdown(description="Record", layout=w.Layout(width="34em"))
        self.chooser.observe(self._choose, names="value")
        self.save_button = w.Button(description="Save", button_style="primary", icon="check")
        self.new_button = w.Button(description="New", icon="plus")
        self.delete_button = w.Button(description="Delete", button_style="danger", icon="trash")
        self.save_button.on_click(lambda _: self.save())
        self.new_button.on_click(lambda _: self.new())
        self.delete_button.on_click(lambda _: self.delete())
        self.status = w.HTML()
        self.table = w.HTML()
        for widget, name in (
            (self.save_button, "save"),
            (self.new_button, "new"),
            (self.delete_button, "delete"),
            (self.status, "status"),
            (self.table, "table"),
            (self.chooser, "chooser"),
            (self.note, "note"),
        ):
            widget.add_class(f"wb-{kind}-{name}")
        self.widget = w.VBox(
            [
                w.HTML(f"<h4>{html.escape(title)}</h4>"),
                self.note,
                self.chooser,
                *(f.box for f in fields),
                w.HBox([self.save_button, self.new_button, self.delete_button]),
                self.status,
                w.HTML("<b>Recorded so far</b>"),
                self.table,
            ]
        )
        self.widget.add_class(f"wb-form-{kind}")
        self.refresh()
        self.new()

    # -- the plain actions, also what the buttons do --------------------------------------------

    def save(self) -> logic.Outcome:
        values, key = self.values(), self.editing
        outcome = self._run(lambda c: logic.save_record(self.wb.store, c, self.kind, values, key))
        if outcome.ok:
            self.new(keep_status=True)
        return outcome

    def new(self, keep_status: bool = False) -> None:
        self.editing, self.armed_delete = None, False
        self.chooser.value = NEW
        for f in self.fields.values():
            f.clear()
            f.show_error(None)
        for name, value in self.defaults().items():
            self.fields[name].set(value)
        self._buttons()
        if not keep_status:
            self.status.value = ""

    def edit(self, key: str | int) -> None:
        """Load a record into the form; Save then replaces it."""
        records = logic.items(self.wb.case, self.kind)
        index = (
            key if isinstance(key, int) else [getattr(r, "id", None) for r in records].index(key)
        )
        record = records[index].model_dump()
        self.editing = key
        for name, f in self.fields.items():
            f.set(record.get(name))
            f.show_error(None)
        self.armed_delete = False
        self.chooser.value = key
        self._buttons()

    def delete(self) -> logic.Outcome | None:
        """First click asks for confirmation; the second deletes."""
        if self.editing is None:
            return None
        if not self.armed_delete:
            self.armed_delete = True
            self._buttons()
            self.status.value = status_html(logic.Outcome(True, "Click Delete again to confirm."))
            return None
        key = self.editing
        outcome = self._run(lambda c: logic.delete_record(self.wb.store, c, self.kind, key))
        self.status.value = self.status.value.replace("Not saved.", "Not deleted.")
        if outcome.ok:
            self.new(keep_status=True)
        return outcome

    def refresh(self) -> None:
        """Reload the client's records: the table, the chooser and choices that depend on them."""
        case = self.wb.case
        records = logic.items(case, self.kind) if case else []
        keyed = [
            (logic.record_label(self.kind, i, r), getattr(r, "id", None) or i)
            for i, r in enumerate(records)
        ]
        current = self.chooser.value
        self.chooser.options = [("(new record)", NEW), *keyed]
        self.chooser.value = current if current in {k for _, k in keyed} else NEW
        for f in self.fields.values():
            f.refresh()
        self.note.value = self.note_fn() if self.note_fn else ""
        self.table.value = (
            table_html(logic.records_table(case, self.kind))
            if case
            else "<i>Choose a client first.</i>"
        )

    def _choose(self, change: dict) -> None:
        if change["new"] == NEW or change["new"] is None:
            if self.editing is not None:
                self.new()
        elif change["new"] != self.editing:
            self.edit(change["new"])

    def _buttons(self) -> None:
        self.save_button.description = "Save changes" if self.editing is not None else "Save"
        self.delete_button.disabled = self.editing is None
        self.delete_button.description = "Confirm delete" if self.armed_delete else "Delete"


class SectionForm(_Form):
    """One part of the case (the intake, the permission question, the plan's goal)."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        fields: list[Field],
        title: str,
        read: Callable[[], dict[str, Any]],
        write: Callable[[str, dict[str, Any]], logic.Outcome],
        intro: str = "",
    ):
        self.wb, self.name, self.fields = wb, name, {f.name: f for f in fields}
        self.read, self.write = read, write
        for f in fields:
            f.tag(name)
        self.save_button = w.Button(description="Save", button_style="primary", icon="check")
        self.save_button.on_click(lambda _: self.save())
        self.save_button.add_class(f"wb-{name}-save")
        self.status = w.HTML()
        self.status.add_class(f"wb-{name}-status")
        self.widget = w.VBox(
            [
                w.HTML(f"<h4>{html.escape(title)}</h4>{intro}"),
                *(f.box for f in fields),
                self.save_button,
                self.status,
            ]
        )
        self.widget.add_class(f"wb-form-{name}")
        self.refresh()

    def save(self) -> logic.Outcome:
        values = self.values()
        return self._run(lambda client: self.write(client, values))

    def refresh(self) -> None:
        current = self.read() if self.wb.case else {}
        for name, f in self.fields.items():
            f.refresh()
            f.set(current.get(name))
