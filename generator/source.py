"""Reading YAML and JSON files while remembering where every value came from.

YAML is composed into nodes (which carry line and column) and built into plain Python values by
hand, so that duplicate keys, aliases and unsafe tags are refused instead of silently accepted, and
every value's position is known when a later stage finds something wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding, Severity

Path_ = tuple[str | int, ...]

# Human-written data and policy documents are small; anything bigger is a mistake or an attack.
MAX_YAML_BYTES = 1 << 20
MAX_JSON_BYTES = 4 << 20

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader without implicit timestamps: dates stay strings, validated with a clear message.

    (PyYAML would otherwise crash constructing `2022-13-45`, and turn `2022-01-01` into a date
    object whose original spelling is lost.)
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Located:
    """A parsed file: its values, and the position of each value and each mapping key."""

    file: str
    data: Any
    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)

    def at(self, path: Path_, *, key: bool = False) -> Position:
        """The position of `path`, falling back to its nearest recorded parent."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return Position(1, 1)

    def finding(
        self,
        path: Path_,
        message: str,
        *,
        key: bool = False,
        at: Path_ | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Finding:
        """A finding about the field at `path`, placed at `at` (default: the field itself)."""
        pos = self.at(path if at is None else at, key=key)
        return Finding(self.file, pos.line, pos.column, dotted(path), message, severity)


def dotted(path: Iterable[str | int]) -> str:
    """`('versions', 1, 'date')` -> `versions[1].date`, the way the errors name fields."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class SourceError(Exception):
    """A file that cannot be read or parsed at all; carries the finding that explains why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(str(finding))
        self.finding = finding


def read_text(path: Path, label: str, limit: int) -> str:
    """Read a data file as UTF-8 text, refusing what is too big or not text."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise SourceError(
                _whole_file(label, f"file is too large ({size:,} bytes; the limit is {limit:,})")
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(_whole_file(label, f"cannot read file: {exc.strerror}")) from exc
    if b"\x00" in raw:
        raise SourceError(_whole_file(label, "not a text file (contains NUL bytes)"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(Finding(label, line, 1, "", "not UTF-8 text")) from exc


def _whole_file(label: str, message: str) -> Finding:
    return Finding(label, 1, 1, "", message)


def parse_yaml(text: str, label: str) -> Located:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(Finding(label, line, col, "", f"YAML syntax error: {problem}")) from exc
    except yaml.YAMLError as exc:
        raise SourceError(_whole_file(label, f"YAML syntax error: {exc}")) from exc
    finally:
        loader.dispose()
    located = Located(label, None)
    if node is not None:
        try:
            located.data = _Builder(loader, located, text).build(node, ())
        except RecursionError as exc:
            raise SourceError(_whole_file(label, "YAML nested too deeply")) from exc
    return located


class _Builder:
    """Turns composed YAML nodes into Python values, recording positions as it goes."""

    def __init__(self, loader: yaml.SafeLoader, located: Located, text: str) -> None:
        self.loader = loader
        self.text = text
        self.located = located
        self.seen: set[int] = set()

    def fail(self, node: Any, path: Path_, message: str) -> SourceError:
        mark = node.start_mark
        return SourceError(
            Finding(self.located.file, mark.line + 1, mark.column + 1, dotted(path), message)
        )

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # The composer hands back the same node object for every alias of an anchor; refusing
        # repeats keeps an alias bomb from expanding and keeps data files plain.
        if id(node) in self.seen:
            raise self.fail(
                self._first_alias() or node, path, "YAML anchors and aliases are not supported"
            )
        self.seen.add(id(node))
        self.located.values[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, path, f"unsupported YAML tag {node.tag}")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def _first_alias(self) -> Any:
        """Nodes don't say where an alias was written (it is the anchored node); events do."""
        for event in yaml.parse(self.text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                return event
        return None

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self.fail(node, path, f"unsupported YAML tag {node.tag}")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, path, "YAML merge keys (<<) are not supported")
            key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise self.fail(key_node, path, "mapping keys must be plain strings")
            sub = (*path, key)
            if key in out:
                raise self.fail(key_node, sub, f"duplicate key '{key}'")
            mark = key_node.start_mark
            self.located.keys[sub] = Position(mark.line + 1, mark.column + 1)
            out[key] = self.build(value_node, sub)
        return out

    def scalar(self, node: yaml.Node, path: Path_) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, path, f"unsupported YAML tag {node.tag}")
        return self.loader.construct_object(node)


def load_yaml(path: Path, label: str) -> Located:
    return parse_yaml(read_text(path, label, MAX_YAML_BYTES), label)


def load_json(path: Path, label: str) -> tuple[str, Any]:
    """Parse a JSON file; the text is kept so positions can be found if validation fails."""
    text = read_text(path, label, MAX_JSON_BYTES)
    try:
        return text, json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise SourceError(
            Finding(label, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")
        ) from exc
    except RecursionError as exc:
        raise SourceError(_whole_file(label, "invalid JSON: nested too deeply")) from exc
    except ValueError as exc:
        raise SourceError(_whole_file(label, f"invalid JSON: {exc}")) from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def locate_json(text: str, label: str) -> Located:
    """Positions for a JSON document, computed only when something in it needs reporting.

    JSON is (almost) YAML flow syntax, so the YAML composer finds the positions; if it cannot, the
    findings fall back to the top of the file.
    """
    try:
        return parse_yaml(text.replace("\t", " "), label)
    except SourceError:
        return Located(label, None)
