"""The two form shapes: a form for a list of records (add, edit, delete, with a table beneath)
and a form for one section of the case (intake, permission, the plan's goal)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import ClientNotFound, WorkbookError
from . import logic, messages
from .fields import Field

if TYPE_CHECKING:
    from .workbook import Workbook

NEW = "__new__"
EMPTY = "—"  # what a drop-down with nothing to choose from shows, rather than a blank box


def status_html(
    outcome: logic.Outcome | None, refused: str = "Not saved.", announced: bool = False
) -> str:
    """The line under a form's buttons, announced by screen readers as it appears: a refusal
    as an alert, unless ``announced`` (its field's own alert already says it), else as a status.
    """
    if outcome is None:
        return ""
    colour, mark = ("#1b5e20", "&#10003;") if outcome.ok else ("#b00020", "&#9888;")
    text = outcome.message if outcome.ok else f"{refused} {outcome.message}"
    role = "status" if outcome.ok or announced else "alert"
    return f'<span role="{role}" style="color:{colour}">{mark} {html.escape(text)}</span>'


def table_html(rows: list[dict[str, Any]]) -> str:
    """Records (rows of one shape) as an HTML table; every header and value escaped."""
    if not rows:
        return "<i>Nothing recorded yet.</i>"

    def tr(cells: list[Any], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{html.escape(logic.cell(c))}</{tag}>" for c in cells)

    head = tr([str(c).replace("_", " ") for c in rows[0]], "th") + "</tr>"
    body = "".join(tr(list(r.values()), "td") + "</tr>" for r in rows)
    return (
        f'<table class="wb-records" border="0"><thead>{head}</thead><tbody>{body}</tbody></table>'
    )


def history_html(lines: list[str]) -> str:
    """A record's history (from :func:`logic.record_history`), folded away until opened."""
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        '<details class="wb-history"><summary>History of this record</summary>'
        f'<ol class="wb-history-entries">{items}</ol></details>'
    )


def _history(wb: Workbook, kind: str, key: str | int) -> str:
    if not wb.client:
        return ""
    try:
        return history_html(logic.record_history(wb.store, wb.client, logic.history_key(kind, key)))
    except WorkbookError:  # the client went elsewhere meanwhile: the form says so already
        return ""


def reload(wb: Workbook) -> None:
    """Every form of the session shows the client's records as the store holds them now; a
    client deleted elsewhere leaves the forms with no client (the header says why)."""
    if not wb.client:
        return
    try:
        wb.changed()
    except ClientNotFound as exc:
        wb.client, wb.problem = None, logic.explain(exc)
        wb.changed()


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

    def _run(
        self, action: Callable[[str], logic.Outcome], refused: str = "Not saved."
    ) -> logic.Outcome:
        """Run a save or delete for the current client; show its message where it belongs.

        Saved or not, every form then shows the client's records as the store holds them now
        (another tab, the app or the command line may have changed them); a refused form keeps
        what was typed into it.
        """
        for f in self.fields.values():
            f.show_error(None)
        typed = self.values()
        try:
            outcome = action(self.wb.client) if self.wb.client else logic.NO_CLIENT
        except Exception as exc:  # a bug: shown beside the button, not lost in the kernel log
            outcome = logic.Outcome(
                False, f"Something went wrong ({type(exc).__name__}: {exc}); nothing was saved."
            )
        reload(self.wb)
        beside = not outcome.ok and outcome.field in self.fields
        if not outcome.ok:
            for name, value in typed.items():
                self.fields[name].set(value)
            if beside:
                self.fields[outcome.field].show_error(outcome.message)
        self.status.value = status_html(outcome, refused, announced=beside)
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
        self.loaded: dict[str, Any] | None = None  # the record as it was loaded for editing
        self.armed_delete = False
        self._refreshing = False  # new chooser options are not the user choosing a record
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
        self.history = w.HTML()  # the loaded record's history, folded
        for widget, name in (
            (self.save_button, "save"),
            (self.new_button, "new"),
            (self.delete_button, "delete"),
            (self.status, "status"),
            (self.history, "history"),
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
                self.history,
                w.HTML("<b>Recorded so far</b>"),
                self.table,
            ]
        )
        self.widget.add_class(f"wb-form-{kind}")
        self.refresh()
        self.new()

    # -- the plain actions, also what the buttons do --------------------------------------------

    def save(self) -> logic.Outcome:
        values, key, loaded = self.values(), self.editing, self.loaded
        outcome = self._run(
            lambda c: logic.save_record(self.wb.store, c, self.kind, values, key, loaded)
        )
        if outcome.ok or not self._still_there():
            self.new(keep_status=True)
        return outcome

    def new(self, keep_status: bool = False) -> None:
        self.editing, self.loaded, self.armed_delete = None, None, False
        self.history.value = ""
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
        """Load a record into the form, as the store holds it now; Save then replaces it."""
        reload(self.wb)  # the records may have changed elsewhere since the form was drawn
        records = logic.items(self.wb.case, self.kind) if self.wb.case else []
        ids = [getattr(r, "id", None) for r in records]
        index = key if isinstance(key, int) else ids.index(key) if key in ids else None
        if index is None or index >= len(records):
            self.new()
            noun = messages.NOUNS[self.kind]
            which = f"{noun.capitalize()} {key}" if isinstance(key, str) else f"That {noun}"
            gone = f"{which} was deleted elsewhere; the form shows the current records."
            self.status.value = status_html(logic.Outcome(False, gone), "Not loaded.")
            return
        record = records[index].model_dump()
        self.editing, self.loaded = key, record
        for name, f in self.fields.items():
            f.set(record.get(name))
            f.show_error(None)
        self.armed_delete = False
        self.chooser.value = key
        self.status.value = ""
        self.history.value = _history(self.wb, self.kind, key)
        self._buttons()

    def _still_there(self) -> bool:
        """Whether the record being edited is still in the store as it was loaded."""
        if self.editing is None:
            return True
        records = logic.items(self.wb.case, self.kind) if self.wb.case else []
        if isinstance(self.editing, str):
            return any(getattr(r, "id", None) == self.editing for r in records)
        return self.editing < len(records) and records[self.editing].model_dump() == self.loaded

    def delete(self) -> logic.Outcome | None:
        """First click asks for confirmation; the second deletes."""
        if self.editing is None:
            return None
        if not self.armed_delete:
            self.armed_delete = True
            self._buttons()
            self.status.value = status_html(logic.Outcome(True, "Click Delete again to confirm."))
            return None
        key, loaded = self.editing, self.loaded
        outcome = self._run(
            lambda c: logic.delete_record(self.wb.store, c, self.kind, key, loaded), "Not deleted."
        )
        if outcome.ok or not self._still_there():
            self.new(keep_status=True)
        else:
            self.armed_delete = False
            self._buttons()
        return outcome

    def refresh(self) -> None:
        """Reload the client's records: the table, the chooser and choices that depend on them."""
        case = self.wb.case
        records = logic.items(case, self.kind) if case else []
        keyed = [
            (logic.record_label(self.kind, i, r), getattr(r, "id", None) or i)
            for i, r in enumerate(records)
        ]
        current, self._refreshing = self.chooser.value, True
        try:
            self.chooser.options = [("(new record)" if case else EMPTY, NEW), *keyed]
            self.chooser.value = current if current in {k for _, k in keyed} else NEW
        finally:
            self._refreshing = False
        for f in self.fields.values():
            f.refresh()
        self.note.value = self.note_fn() if self.note_fn else ""
        if self.editing is not None:  # the loaded record may have changed elsewhere
            self.history.value = _history(self.wb, self.kind, self.editing)
        self.table.value = (
            table_html(logic.records_table(case, self.kind))
            if case
            else "<i>Choose a client first.</i>"
        )

    def _choose(self, change: dict) -> None:
        if self._refreshing:
            return
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
        self.history = w.HTML()
        self.history.add_class(f"wb-{name}-history")
        self.widget = w.VBox(
            [
                w.HTML(f"<h4>{html.escape(title)}</h4>{intro}"),
                *(f.box for f in fields),
                self.save_button,
                self.status,
                self.history,
            ]
        )
        self.widget.add_class(f"wb-form-{name}")
        self._shown: tuple[str | None, dict[str, Any]] = (None, {})  # the client, values loaded
        self.refresh()

    def save(self) -> logic.Outcome:
        values = self.values()
        return self._run(lambda client: self.write(client, values))

    def refresh(self) -> None:
        """Show the section as stored now, except what was typed here and not yet saved."""
        current = self.read() if self.wb.case else {}
        same_client = self._shown[0] == self.wb.client
        for name, f in self.fields.items():
            f.refresh()
            if not same_client or f.get() == self._shown[1].get(name):
                f.set(current.get(name))
        self._shown = (self.wb.client, self.values())
        self.history.value = _history(self.wb, self.name, self.name) if self.wb.case else ""
