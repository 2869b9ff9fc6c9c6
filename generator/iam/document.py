"""IAM policy documents: structural checks and a normal form in which IAM's equalities hold.

IAM treats a string and a one-element list alike, ignores key order and statement order, and
compares action names without regard to case. The normal form encodes exactly those equalities so
that the diff engine can compare documents without producing noise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

POLICY_LANGUAGE_VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "NotPrincipal",
}


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class Condition:
    """One condition operator and key with its values, e.g. StringEquals iam:PassedToService."""

    operator: str
    key: str
    values: tuple[str, ...]
    # Condition keys are case-insensitive in IAM; operators and values are not.
    identity: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity", (self.operator, self.key.lower()))


@dataclass(frozen=True)
class Statement:
    position: int  # 1-based, as a reader counts statements
    sid: str | None
    effect: Effect
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    conditions: tuple[Condition, ...]
    # Canonical JSON of Principal / NotPrincipal, rarely used in managed policies.
    principal: str | None
    # The statement as written: equal raw statements need no further comparison.
    raw: Any = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How change records name the statement: its Sid, else its position."""
        return self.sid or f"#{self.position}"

    @cached_property
    def context(self) -> tuple[Any, ...]:
        """Everything but the actions: two statements with equal contexts grant alike."""
        return (
            self.effect,
            frozenset(self.resources),
            frozenset(self.not_resources),
            frozenset((c.identity, frozenset(c.values)) for c in self.conditions),
            self.principal,
        )

    @cached_property
    def action_keys(self) -> frozenset[str]:
        return frozenset(a.lower() for a in self.actions)

    @cached_property
    def not_action_keys(self) -> frozenset[str]:
        return frozenset(a.lower() for a in self.not_actions)

    @cached_property
    def canonical(self) -> tuple[Any, ...]:
        return (self.context, self.action_keys, self.not_action_keys)


@dataclass(frozen=True, eq=False)
class PolicyDocument:
    """A document `check_document` accepted; its statements are normalised on first use."""

    raw: Any  # the parsed document
    text: str | None = None  # the file as written, shown and published as it is

    @property
    def version(self) -> str:
        return str(self.raw["Version"])

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        statements = self.raw["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        return tuple(_statement(i + 1, st) for i, st in enumerate(statements))

    @property
    def raw_statements(self) -> list[Any]:
        statements = self.raw["Statement"]
        return [statements] if isinstance(statements, dict) else list(statements)

    def services(self) -> tuple[str, ...]:
        """Service prefixes named in Action and NotAction, sorted; `*` for a bare wildcard."""
        found = {service_of(a) for s in self.statements for a in (*s.actions, *s.not_actions)}
        return tuple(sorted(found))

    def actions(self) -> Iterator[tuple[Statement, str]]:
        """Every (statement, action) pair in document order, Action before NotAction."""
        for statement in self.statements:
            for action in statement.actions:
                yield statement, action

    def compact(self) -> str:
        """The document on one line, as published for download and scripts."""
        return json.dumps(self.raw, ensure_ascii=False, separators=(",", ":"))

    def pretty(self) -> str:
        """The document laid out one value per line: its own text when it already is."""
        if self.text is not None and self.text.count("\n") > 2:
            return self.text.rstrip("\n")
        return json.dumps(self.raw, indent=4, ensure_ascii=False)


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower() if ":" in action else action


def check_document(raw: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems that make `raw` not an IAM policy, as (path, message) pairs; empty if it is one."""
    if not isinstance(raw, dict):
        return [((), f"expected a JSON object (an IAM policy), got {_json_type(raw)}")]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    version = raw.get("Version")
    if version not in POLICY_LANGUAGE_VERSIONS:
        got = "it is missing" if version is None else f"got {_show(version)}"
        problems.append((("Version",), 'expected "2012-10-17" or "2008-10-17", ' + got))
    for key in sorted(set(raw) - {"Version", "Statement", "Id"}):
        problems.append(((key,), "unknown top-level element (expected Version, Id, Statement)"))
    if "Statement" not in raw:
        problems.append(((), "not an IAM policy: there is no Statement"))
        return problems
    statements = raw["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
        prefix: tuple[str | int, ...] = ("Statement",)
        problems += _check_statement(statements[0], prefix)
    elif isinstance(statements, list) and statements:
        for i, statement in enumerate(statements):
            problems += _check_statement(statement, ("Statement", i))
    else:
        problems.append((("Statement",), "expected a statement or a non-empty list of statements"))
    return problems


def _check_statement(
    st: Any, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if not isinstance(st, dict):
        return [(path, f"expected a statement object, got {_json_type(st)}")]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for key in sorted(set(st) - _STATEMENT_KEYS):
        problems.append(((*path, key), "unknown statement element"))
    if st.get("Effect") not in ("Allow", "Deny"):
        got = "it is missing" if "Effect" not in st else f"got {_show(st['Effect'])}"
        problems.append(((*path, "Effect"), f'expected "Allow" or "Deny", {got}'))
    problems += _either(st, path, "Action", "NotAction", required=True)
    problems += _either(st, path, "Resource", "NotResource", required=True)
    if "Sid" in st and not isinstance(st["Sid"], str):
        problems.append(((*path, "Sid"), f"expected a string, got {_json_type(st['Sid'])}"))
    if "Condition" in st:
        problems += _check_condition(st["Condition"], (*path, "Condition"))
    return problems


def _either(
    st: dict[str, Any], path: tuple[str | int, ...], a: str, b: str, required: bool
) -> list[tuple[tuple[str | int, ...], str]]:
    if a in st and b in st:
        return [((*path, b), f"a statement has either {a} or {b}, not both")]
    if a not in st and b not in st:
        return [(path, f"a statement needs {a} or {b}")] if required else []
    key = a if a in st else b
    value = st[key]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return [((*path, key), f"expected a string or a list of strings, got {_json_type(value)}")]
    if not items:
        return [((*path, key), "expected at least one entry")]
    return []


def _check_condition(
    cond: Any, path: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if not isinstance(cond, dict):
        return [(path, f"expected an object of condition operators, got {_json_type(cond)}")]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for operator, keys in cond.items():
        if not isinstance(keys, dict):
            problems.append(((*path, operator), "expected an object of condition keys"))
            continue
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, (str, bool, int, float)) for v in values):
                problems.append(((*path, operator, key), "expected a value or a list of values"))
    return problems


def _json_type(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else _json_type(value)


def normalize(raw: dict[str, Any], text: str | None = None) -> PolicyDocument:
    """The normal form of a document that `check_document` accepted."""
    return PolicyDocument(raw, text)


def _statement(position: int, st: dict[str, Any]) -> Statement:
    principal = st.get("Principal", st.get("NotPrincipal"))
    return Statement(
        position=position,
        sid=st.get("Sid") or None,
        effect=Effect(st["Effect"]),
        actions=_unique(st.get("Action"), fold=True),
        not_actions=_unique(st.get("NotAction"), fold=True),
        resources=_unique(st.get("Resource"), fold=False),
        not_resources=_unique(st.get("NotResource"), fold=False),
        conditions=_conditions(st.get("Condition") or {}),
        principal=None
        if principal is None
        else json.dumps(
            {"NotPrincipal" if "NotPrincipal" in st else "Principal": principal}, sort_keys=True
        ),
        raw=st,
    )


def _unique(value: Any, fold: bool) -> tuple[str, ...]:
    """A string or list as a tuple, duplicates dropped (case-insensitively for actions)."""
    items = [value] if isinstance(value, str) else (value or [])
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower() if fold else item
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def _conditions(cond: dict[str, Any]) -> tuple[Condition, ...]:
    out = []
    for operator, keys in cond.items():
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            out.append(Condition(operator, key, tuple(_condition_value(v) for v in values)))
    return tuple(out)


def _condition_value(value: Any) -> str:
    # IAM compares condition values as strings: true and "true" are the same value.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
