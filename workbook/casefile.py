"""Case files: YAML in, YAML out, safely (DESIGN.md section 5).

Reading refuses what a hostile or broken file could do to us: bytes that are not UTF-8, YAML
aliases (the "billion laughs" expansion), duplicate keys, tags beyond plain data, very large or
deeply nested files. Dates are read as text and checked by the model, so an impossible date is a
field error with its path, not a crash inside the YAML parser.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import CaseFileError, InvalidRecord
from .files import write_private
from .model import Case, validate_case
from .model.text import control_message

MAX_BYTES = 10 * 1024 * 1024
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, duplicate keys or implicit timestamps; remembers lines."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str):
        super().__init__(stream)
        self.lines: dict[int, dict[Any, int]] = {}  # id(container) -> {key or index: line}

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise CaseFileError(
                f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                "allowed in a case file; write the value out in full"
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        mapping = super().construct_mapping(node, deep=True)
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in lines:
                raise CaseFileError(
                    f"line {key_node.start_mark.line + 1}: the key {key!r} appears twice "
                    "in the same mapping"
                )
            lines[key] = value_node.start_mark.line + 1
        self.lines[id(mapping)] = lines
        return mapping

    def construct_sequence(self, node, deep=False):  # noqa: ANN001
        sequence = super().construct_sequence(node, deep=True)
        self.lines[id(sequence)] = {i: n.start_mark.line + 1 for i, n in enumerate(node.value)}
        return sequence


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


def _decode(raw: bytes) -> str:
    if not raw.strip():
        raise CaseFileError("the file is empty; a case file starts with `format: 1`")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None


def parse_yaml(text: str) -> tuple[Any, dict[int, dict[Any, int]]]:
    """Parse YAML text into plain data plus the line of every mapping value and list item."""
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_data(), loader.lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CaseFileError(f"{where}YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise CaseFileError(f"line {line}: {control_message(chr(exc.character))}") from None
    except yaml.YAMLError as exc:
        raise CaseFileError(f"YAML error: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise CaseFileError("the YAML is nested too deeply to be a case file") from None
    finally:
        if loader is not None:
            loader.dispose()


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _line_of(data: Any, lines: dict[int, dict[Any, int]], path: str) -> int | None:
    """The line of the deepest part of ``path`` (``ideas[2].fit``) found in the parsed data."""
    line, node = None, data
    for name, index in _STEP.findall(path):
        key: Any = int(index) if index else name
        here = lines.get(id(node), {})
        if key not in here:
            break
        line = here[key]
        node = node[key]
    return line


def read_case(path: str | Path) -> Case:
    """Read and validate one case file; any problem is a :class:`WorkbookError` naming the file."""
    path = Path(path)
    name = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CaseFileError(
                f"{name}: is larger than {MAX_BYTES // 2**20} MB; is it a case file?"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CaseFileError(f"{name}: cannot be read ({exc.strerror})") from None
    return parse_case(raw, name)


def parse_case(raw: bytes | str, name: str = "case", *, stored: bool = False) -> Case:
    """A case from a case file; ``stored`` for one a backup carries (see ``validate_case``)."""
    try:
        text = raw if isinstance(raw, str) else _decode(raw)
        data, lines = parse_yaml(text)
    except CaseFileError as exc:
        raise CaseFileError(f"{name}: {exc}") from None
    if data is None:
        raise CaseFileError(f"{name}: the file is empty; a case file starts with `format: 1`")
    if not isinstance(data, dict):
        raise CaseFileError(
            f"{name}: a case file must be a mapping of keys to values, not a {_kind(data)}"
        )
    try:
        return validate_case(data, stored=stored)
    except InvalidRecord as exc:
        raise exc.located(name, _line_of(data, lines, exc.path)) from None


def _kind(data: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(data), type(data).__name__
    )


# ---------------------------------------------------------------------------------------- output


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def case_data(case: Case) -> dict[str, Any]:
    """The case as plain data in contract order, leaving out what is unset or empty."""
    return _prune(case.model_dump(mode="python"))


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump_case(case: Case) -> str:
    return yaml.dump(
        case_data(case), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def write_case(case: Case, path: str | Path) -> Path:
    """Write a case file, mode 0600 (it holds client data), atomically."""
    return write_private(Path(path), dump_case(case).encode("utf-8"))


__all__ = ["case_data", "dump_case", "parse_case", "read_case", "write_case"]
