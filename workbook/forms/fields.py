"""Form fields: one small widget group per field, with its label, help and error message.

Every field has ``get()`` (the value for the record), ``set(value)`` (show a record's value),
``show_error(message)`` and a CSS class ``wb-<form>-<field>`` (and ``...-error`` for its
message) so browser tests and stylesheets can find it.

Labels are the widgets' own ``description``: ipywidgets 8 renders it as a ``<label for=...>``
tied to the input (Text, Textarea, DatePicker, Dropdown, SelectMultiple) or wrapping it
(Checkbox), so a screen reader announces each control by its label and a click on the label
focuses it. A field of several controls (skills, progress, reflection stages) has a visible
heading and names each control within it. The stylesheet below, shipped with every field so a
field works on any page, sets labels above their inputs and lets long ones wrap. Error messages
are ``role="alert"``, announced as they appear.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionWidget

from ..model.vocab import REFLECTION_STAGES
from .logic import split_tags

Options = Callable[[], list[tuple[str, Any]]]


def wide() -> w.Layout:
    """An input's layout (a text area's height is its rows), new for each input. A widget made
    at import would be unknown to the front end of a kernel forked after the import (the
    zygote imports this module, workbook.kernels), and every input sharing it would not draw."""
    return w.Layout(width="34em")


# Labels above their inputs, wrapping rather than cut short; help in a quieter (AA) grey.
STYLE = """<style>
.wb-labelled.widget-inline-hbox {
  flex-direction: column; align-items: stretch; height: auto; min-height: 0;
}
.wb-labelled.widget-inline-hbox > .widget-label,
.wb-row.widget-inline-hbox > .widget-label {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; min-height: 0;
  line-height: 1.35; text-align: left;
}
.wb-labelled.widget-inline-hbox > input { flex: 0 0 auto; }
.wb-labelled.widget-dropdown > select,
.wb-row.widget-dropdown > select { flex: 0 0 auto; height: var(--jp-widgets-inline-height, 28px); }
.wb-labelled.widget-select > select { flex: 1 1 auto; }
.wb-labelled.widget-inline-hbox > .widget-label { width: auto; max-width: 34em; margin: 0 0 2px; }
.wb-row.widget-inline-hbox { height: auto; align-items: center; margin-bottom: 4px; }
.wb-row.widget-inline-hbox > .widget-label { padding-right: 0.5em; }
.wb-field .wb-help { color: #555; font-weight: normal; }
.wb-field .wb-error-text { color: #b00020; }
</style>"""


def label_html(label: str, help: str = "") -> str:
    """A label's markup: its words in bold, then the help, both escaped."""
    hint = f' <span class="wb-help">{html.escape(help)}</span>' if help else ""
    return f"<b>{html.escape(label)}</b>{hint}"


def labelled(widget: DescriptionWidget, label: str, help: str = "") -> DescriptionWidget:
    """Give ``widget`` a visible label above it, tied to its input (``<label for>``)."""
    widget.description = label_html(label, help)
    widget.description_allow_html = True
    widget.style.description_width = "initial"
    widget.add_class("wb-labelled")
    return widget


class Field:
    """A labelled input and the message shown beside it when its value is refused.

    ``label`` is the first of ``box``'s children: for a single control it holds only the
    stylesheet (the words are the control's own tied label); for a group it is the heading.
    """

    def __init__(self, name: str, label: str, widget: w.Widget, help: str = ""):
        self.name, self.input = name, widget
        self.error = w.HTML(layout=w.Layout(min_height="0"))
        self.error.add_class("wb-error")
        if isinstance(widget, DescriptionWidget):
            labelled(widget, label, help)
            self.label = w.HTML(STYLE, layout=w.Layout(display="none"))
        else:
            self.label = w.HTML(STYLE + label_html(label, help))
        self.box = w.VBox([self.label, widget, self.error])
        self.box.add_class("wb-field")

    def tag(self, form: str) -> None:
        self.box.add_class(f"wb-{form}-{self.name}")
        self.error.add_class(f"wb-{form}-{self.name}-error")

    def get(self) -> Any:
        return self.input.value

    def set(self, value: Any) -> None:
        self.input.value = value

    def clear(self) -> None:
        self.set(None)

    def refresh(self) -> None:
        """Reload choices that depend on the client's other records."""

    def show_error(self, message: str | None) -> None:
        self.error.value = (
            f'<span class="wb-error-text" role="alert">&#9888; {html.escape(message)}</span>'
            if message
            else ""
        )


class TextField(Field):
    def __init__(
        self, name: str, label: str, help: str = "", long: bool = False, placeholder: str = ""
    ):
        widget = (
            w.Textarea(layout=wide(), rows=5, placeholder=placeholder)
            if long
            else w.Text(layout=wide(), placeholder=placeholder)
        )
        super().__init__(name, label, widget, help)

    def set(self, value: Any) -> None:
        self.input.value = "" if value is None else str(value)


class DateField(Field):
    def __init__(self, name: str, label: str, help: str = ""):
        super().__init__(name, label, w.DatePicker(), help)


class ChoiceField(Field):
    """A drop-down; ``options`` is a list of (label, value) or a function giving one."""

    def __init__(
        self,
        name: str,
        label: str,
        options: list[tuple[str, Any]] | Options,
        help: str = "",
        blank: str | None = "—",
    ):
        self.options, self.blank = options, blank
        super().__init__(name, label, w.Dropdown(options=self._options(), layout=wide()), help)

    def _options(self) -> list[tuple[str, Any]]:
        options = self.options() if callable(self.options) else list(self.options)
        blank = [(self.blank, None)] if self.blank is not None else []
        return blank + options or [("—", None)]  # never an empty box

    def refresh(self) -> None:
        value = self.input.value
        self.input.options = self._options()
        self.set(value)

    def set(self, value: Any) -> None:
        values = [v for _, v in self.input.options]
        self.input.value = value if value in values else values[0] if values else None


def scale(low: int, high: int) -> list[tuple[str, int]]:
    return [(str(n), n) for n in range(low, high + 1)]


YES_NO = [("yes", True), ("no", False)]


class ManyField(Field):
    """Pick several of the client's own records (ideas, skills): a multiple select."""

    def __init__(self, name: str, label: str, options: Options, help: str = ""):
        self.options = options
        widget = w.SelectMultiple(options=options(), layout=w.Layout(width="34em", height="9em"))
        several = "Ctrl/Cmd-click, or Shift with the arrow keys, to pick several"
        super().__init__(name, label, widget, f"{help} ({several})" if help else f"({several})")

    def get(self) -> list[Any]:
        return list(self.input.value)

    def set(self, value: Any) -> None:
        allowed = {v for _, v in self.input.options}
        self.input.value = tuple(v for v in (value or []) if v in allowed)

    def refresh(self) -> None:
        value = self.get()
        self.input.options = self.options()
        self.set(value)


class TagsField(Field):
    """Free tags typed one per line (or comma-separated)."""

    def __init__(self, name: str, label: str, help: str = ""):
        super().__init__(
            name, label, w.Textarea(layout=wide(), rows=4, placeholder="one per line"), help
        )

    def get(self) -> list[str]:
        return split_tags(self.input.value)

    def set(self, value: Any) -> None:
        self.input.value = "\n".join(value or [])


class SkillsField(Field):
    """Tick skills from the offered list (Skills for Success and the client's own tags), and
    type any others."""

    def __init__(self, name: str, label: str, choices: Callable[[], list[str]], help: str = ""):
        self.choices = choices
        self.grid = w.GridBox(
            layout=w.Layout(grid_template_columns="repeat(3, minmax(16em, max-content))")
        )
        self.other = labelled(
            w.Text(placeholder="e.g. patience, budgeting", layout=wide()),
            "Other skills",
            "comma-separated",
        )
        self.boxes: dict[str, w.Checkbox] = {}
        self.order: list[str] = []  # the skills as the record loaded last holds them
        super().__init__(name, label, w.VBox([self.grid, self.other]), help)
        self.refresh()

    def refresh(self) -> None:
        ticked = set(self.get()) if self.boxes else set()
        for skill in self.choices():
            if skill not in self.boxes:
                box = w.Checkbox(description=skill, indent=False)
                box.add_class("wb-skill-" + "-".join(skill.lower().split()))
                self.boxes[skill] = box
        self.grid.children = tuple(self.boxes.values())
        for skill, box in self.boxes.items():
            box.value = skill in ticked

    def get(self) -> list[str]:
        """The skills ticked or typed, in the order the record had them (a record saved again
        unchanged stays the same); new ones after, in the order shown."""
        ticked = [s for s, box in self.boxes.items() if box.value]
        chosen = list(dict.fromkeys([*ticked, *split_tags(self.other.value)]))
        place = {s: n for n, s in enumerate(self.order)}
        return sorted(chosen, key=lambda s: place.get(s, len(place)))  # stable for new ones

    def set(self, value: Any) -> None:
        value = list(value or [])
        self.order = value
        for skill, box in self.boxes.items():
            box.value = skill in value
        self.other.value = ", ".join(v for v in value if v not in self.boxes)


class ProgressField(Field):
    """Goal attainment, -2 to +2, for each action of the plan."""

    def __init__(
        self, name: str, label: str, actions: Callable[[], list[tuple[str, str]]], help: str = ""
    ):
        self.actions = actions
        self.rows: dict[str, w.Dropdown] = {}
        super().__init__(name, label, w.VBox(), help)
        self.refresh()

    def refresh(self) -> None:
        kept = self.get() if self.rows else {}
        self.rows = {
            key: w.Dropdown(
                options=[("—", None), *[(f"{n:+d}", n) for n in range(-2, 3)]],
                description=label,
                value=kept.get(key),
                style={"description_width": "22em"},
                layout=w.Layout(width="30em"),
            )
            for label, key in self.actions()
        }
        for key, row in self.rows.items():
            row.add_class(f"wb-progress-{key}")
            row.add_class("wb-row")
        self.input.children = tuple(self.rows.values()) or (w.HTML("<i>No plan actions yet.</i>"),)

    def get(self) -> dict[str, int]:
        return {k: d.value for k, d in self.rows.items() if d.value is not None}

    def set(self, value: Any) -> None:
        value = value or {}
        for key, row in self.rows.items():
            row.value = value.get(key)


class EntriesField(Field):
    """A reflection's entries: one text box per stage of the chosen model, with its prompt."""

    def __init__(self, name: str, label: str, model: w.Dropdown, prompts: dict[str, str]):
        self.model, self.prompts = model, prompts
        self.areas: dict[str, w.Textarea] = {}
        super().__init__(name, label, w.VBox())
        model.observe(lambda _: self._build(), names="value")
        self._build()

    def _build(self) -> None:
        kept = {k: a.value for k, a in self.areas.items()}
        stages = REFLECTION_STAGES.get(self.model.value or "", ())
        self.areas = {
            s: labelled(
                w.Textarea(value=kept.get(s, ""), layout=wide(), rows=5),
                s.replace("_", " ").capitalize(),
                self.prompts.get(s, ""),
            )
            for s in stages
        }
        for stage, area in self.areas.items():
            area.add_class(f"wb-stage-{stage}")
        self.input.children = tuple(self.areas.values()) or (
            w.HTML("<i>Choose a model first.</i>"),
        )

    def get(self) -> dict[str, str]:
        return {k: a.value.strip() for k, a in self.areas.items() if a.value.strip()}

    def set(self, value: Any) -> None:
        self._build()
        for key, area in self.areas.items():
            area.value = (value or {}).get(key, "")
