"""Adding entries to YAML that people wrote, without changing one byte of what they wrote.

A round trip through a YAML library re-emits the whole file (indentation, quoting, folded lines,
blank lines), so edits here are textual: the composed node tree says where the `versions:` list
and its items end, new lines are inserted there in the indentation the file already uses, and
the result is parsed again and must equal the old data plus exactly the new entries. An edit that
cannot be proven that way is refused, never written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from ..source import SourceError, parse_yaml

# Line breaks as YAML counts them (and so as node marks count lines).
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])")
_BOM = "\ufeff"


class EditRefused(Exception):
    """The file is written in a way this module cannot add to safely (said in the message)."""


@dataclass(frozen=True)
class Entry:
    """A version to add: its id and date (YYYY-MM-DD)."""

    id: str
    date: str

    @property
    def number(self) -> int:
        return int(self.id[1:])


def add_versions(text: str, entries: Sequence[Entry]) -> str:
    """`text` with `entries` in its `versions:` list, each before the first recorded version
    with a higher number (so, usually, at the end), and nothing else changed."""
    bom, body = _split_bom(text)
    top = _top_mapping(body)
    versions = _value(top, "versions")
    if not isinstance(versions, yaml.SequenceNode) or versions.flow_style or not versions.value:
        raise EditRefused("versions is not a block list ('- id: ...' lines)")
    lines = _lines(body)
    newline = _newline(body)
    ids = [_scalar(_value(item, "id")) for item in versions.value]
    numbers = [int(i[1:]) if re.fullmatch(r"v[0-9]+", i) else 0 for i in ids]
    expected = _expected_versions(body, numbers, entries)
    # Blank lines after a last `note: |` are kept below the new entries, unless they belong to
    # the note (`|+`): then the entries go after them.
    for above_blanks in (True, False):
        inserts = _version_inserts(versions, numbers, entries, lines, newline, above_blanks)
        edited = _insert(lines, inserts, newline)
        if _verified(edited, expected):
            return bom + edited
    raise EditRefused("the file's layout did not allow adding lines safely")


def _version_inserts(
    versions: yaml.SequenceNode,
    numbers: list[int],
    entries: Sequence[Entry],
    lines: list[str],
    newline: str,
    above_blanks: bool,
) -> dict[int, list[str]]:
    """Line index -> the entries to insert there."""
    dash = versions.start_mark.column
    inserts: dict[int, list[str]] = {}
    for entry in sorted(entries, key=lambda e: e.number):
        k = next((i for i, n in enumerate(numbers) if n > entry.number), len(numbers))
        if k < len(numbers):
            at = _before_item(versions.value[k], lines, dash)
        else:
            at = _after(versions.value[-1], lines, dash, above_blanks)
        key = _key_column(versions.value[min(k, len(numbers) - 1)], dash)
        inserts.setdefault(at, []).append(_entry_lines(entry, dash, key, newline))
    return inserts


def add_field(text: str, key: str, value: str) -> str:
    """`text` with a new top-level `key: value` after its last field."""
    bom, body = _split_bom(text)
    top = _top_mapping(body)
    if _value(top, key) is not None:
        raise EditRefused(f"{key} is already set")
    lines = _lines(body)
    newline = _newline(body)
    line = f"{' ' * top.start_mark.column}{key}: {value}{newline}"
    edited = _insert(lines, {_after(top, lines, top.start_mark.column): [line]}, newline)
    expected = _parse(body)
    expected[key] = _parse(f"{key}: {value}\n")[key]
    if not _verified(edited, expected):
        raise EditRefused("the file's layout did not allow adding lines safely")
    return bom + edited


def _split_bom(text: str) -> tuple[str, str]:
    return (_BOM, text[1:]) if text.startswith(_BOM) else ("", text)


def _top_mapping(body: str) -> yaml.MappingNode:
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditRefused(f"not valid YAML: {exc}") from None
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise EditRefused("the file is not a block mapping of fields")
    return node


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def _scalar(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _lines(body: str) -> list[str]:
    lines = _LINE.findall(body)
    rest = body[sum(len(line) for line in lines) :]
    return [*lines, rest] if rest else lines


def _newline(body: str) -> str:
    found = re.search(r"\r\n|\r|\n", body)
    return found.group() if found else "\n"


def _content_end(node: yaml.Node) -> Any:
    """Where the last value inside `node` ends. (A block collection's own end mark lies past
    the comments and blank lines that follow it.)"""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark


def _after(node: yaml.Node, lines: list[str], indent: int, above_blanks: bool = True) -> int:
    """The line to insert at so that new lines follow `node`, with the comments indented
    under it (they belong to it), before blank lines and anything less indented."""
    end = _content_end(node)
    line: int = end.line if end.column == 0 else end.line + 1
    if end.column == 0 and above_blanks:
        # A block scalar ends past the blank lines that follow it: they stay below.
        while line > 0 and line - 1 > node.start_mark.line and not lines[line - 1].strip():
            line -= 1
    while line < len(lines) and _comment_indent(lines[line]) > indent:
        line += 1
    return line


def _before_item(item: yaml.Node, lines: list[str], dash: int) -> int:
    """The line of an item's dash, above the comments written just above it at its level."""
    line = item.start_mark.line
    while line > 0 and lines[line][dash : dash + 1] != "-":
        line -= 1
    while line > 0 and _comment_indent(lines[line - 1]) == dash:
        line -= 1
    return line


def _comment_indent(line: str) -> int:
    stripped = line.lstrip(" ")
    return len(line) - len(stripped) if stripped.startswith("#") else -1


def _key_column(item: yaml.Node, dash: int) -> int:
    if isinstance(item, yaml.MappingNode) and not item.flow_style:
        column: int = item.start_mark.column
        if column > dash:
            return column
    return dash + 2


def _entry_lines(entry: Entry, dash: int, key: int, newline: str) -> str:
    gap = " " * (key - dash - 1)
    return f"{' ' * dash}-{gap}id: {entry.id}{newline}{' ' * key}date: {entry.date}{newline}"


def _insert(lines: list[str], inserts: dict[int, list[str]], newline: str) -> str:
    out: list[str] = []
    for i in range(len(lines) + 1):
        if i in inserts:
            if out and not out[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
                out.append(newline)
            out += inserts[i]
        if i < len(lines):
            out.append(lines[i])
    return "".join(out)


def _parse(body: str) -> dict[str, Any]:
    try:
        data = parse_yaml(body, "").data
    except SourceError as exc:
        raise EditRefused(f"not valid YAML: {exc.finding.message}") from None
    if not isinstance(data, dict):
        raise EditRefused("the file is not a mapping of fields")
    return data


def _expected_versions(body: str, numbers: list[int], entries: Sequence[Entry]) -> dict[str, Any]:
    """The data the edit must give: each entry before the first recorded version numbered
    higher than it, the rest at the end."""
    data = _parse(body)
    pending = sorted(entries, key=lambda e: e.number)
    merged: list[Any] = []
    for item, number in zip(data["versions"], numbers, strict=True):
        while pending and pending[0].number < number:
            merged.append(_as_data(pending.pop(0)))
        merged.append(item)
    data["versions"] = merged + [_as_data(e) for e in pending]
    return data


def _as_data(entry: Entry) -> dict[str, str]:
    return {"id": entry.id, "date": entry.date}


def _verified(edited: str, expected: dict[str, Any]) -> bool:
    try:
        return _parse(edited) == expected
    except EditRefused:
        return False
