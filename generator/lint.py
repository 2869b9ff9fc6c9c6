"""What the Service Authorization Reference says about a policy's latest version: entries that
match no action (typos such as `elasticmapreduce:RunJobFlows`), empty condition values, and
permission-group prose that names an action the policy does not grant.

Only the latest version is linted: it is the one in effect, and history cannot be corrected.
Unknown entries are errors in customer managed policies, which their team can fix, and warnings
in AWS's own, which only AWS can fix (and which sometimes name actions before the reference
lists them).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .findings import Finding, Severity
from .iam.access import Access, Entry, access
from .iam.catalog import Catalog, catalog
from .iam.document import PolicyDocument
from .load import LoadedPolicy
from .source import Located, Path_, dotted, locate_json

WARNING = Severity.WARNING


@dataclass
class _Document:
    """The latest version's document and, found on first need, the positions of its values."""

    policy: LoadedPolicy
    document: PolicyDocument

    @cached_property
    def file(self) -> str:
        return self.policy.document_files[self.policy.data.versions[-1].id]

    @cached_property
    def located(self) -> Located:
        return locate_json(self.document.text or "", self.file)

    def finding(
        self, path: Path_, message: str, severity: Severity, value: str | None = None
    ) -> Finding:
        """A finding at `path`; a `value` written once in the file is found by searching for
        it, which spares locating every value of a large document."""
        text = self.document.text or ""
        written = json.dumps(value, ensure_ascii=False) if value else None
        if written and text.count(written) == 1:
            offset = text.index(written)
            line = text.count("\n", 0, offset) + 1
            column = offset - text.rfind("\n", 0, offset)
            return Finding(self.file, line, column, dotted(path), message, severity)
        return self.located.finding(path, message, severity=severity)


def lint(policy: LoadedPolicy) -> Iterator[Finding]:
    latest = policy.documents.get(policy.data.versions[-1].id)
    if latest is None:
        return
    known = catalog()
    doc = _Document(policy, latest)
    granted = access(latest, known)
    yield from _unknown_entries(doc, granted, known)
    yield from _empty_conditions(doc)
    yield from _prose(policy, granted, known)


def _severity(policy: LoadedPolicy) -> Severity:
    customer = policy.data.default_arn.split(":")[4] != "aws"
    return Severity.ERROR if customer else WARNING


def _unknown_entries(doc: _Document, granted: Access, known: Catalog) -> Iterator[Finding]:
    paths = dict(_entry_paths(doc.document.raw["Statement"]))
    accepted = {text.lower() for text in doc.policy.data.unlisted_actions}
    for entry in granted.unknown():
        if entry.text.lower() not in accepted:
            path = paths.get((entry.statement.position, entry.negated, entry.text), ())
            yield doc.finding(path, _unknown(entry, known), _severity(doc.policy), entry.text)
    yield from _stale_unlisted(doc.policy, granted)


def _stale_unlisted(policy: LoadedPolicy, granted: Access) -> Iterator[Finding]:
    """An accepted entry that is no longer unknown, or no longer written, needs no exception."""
    unknown = {e.text.lower() for e in granted.unknown()}
    written = {e.text.lower() for e in granted.entries}
    latest = policy.data.versions[-1].id
    for i, text in enumerate(policy.data.unlisted_actions):
        key = text.lower()
        if key in unknown:
            continue
        listed = "is now in the Service Authorization Reference"
        why = listed if key in written else f"is not in {latest}"
        yield policy.source.finding(
            ("unlisted_actions", i), f"'{text}' {why}: remove it from the list", severity=WARNING
        )


def _entry_paths(statements: Any) -> Iterator[tuple[tuple[int, bool, str], Path_]]:
    """(statement position, negated, entry text) -> where the entry is written."""
    for i, st, base in _statements(statements):
        for key, negated in (("Action", False), ("NotAction", True)):
            value = st.get(key)
            if isinstance(value, str):
                yield (i + 1, negated, value), (*base, key)
            elif isinstance(value, list):
                for j, text in enumerate(value):
                    yield (i + 1, negated, text), (*base, key, j)


def _statements(statements: Any) -> Iterator[tuple[int, dict[str, Any], Path_]]:
    """Each statement with its index and its path: `Statement` may be one object or a list."""
    if isinstance(statements, dict):
        yield 0, statements, ("Statement",)
    else:
        for i, st in enumerate(statements):
            yield i, st, ("Statement", i)


def _unknown(entry: Entry, known: Catalog) -> str:
    prefix, sep, name = entry.text.partition(":")
    if not sep or not name:
        return f"'{entry.text}' is not an action (expected service:Action, e.g. s3:GetObject)"
    service = known.service(prefix)
    if service is None:
        close = difflib.get_close_matches(prefix.lower(), known.prefixes, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"'{entry.text}': no service has the prefix '{prefix}'{hint}"
    # Typos keep the first letter; comparing with those names only keeps this cheap.
    names = [a.name for a in service.actions if a.name[:1].lower() == name[:1].lower()]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    hint = f" (did you mean '{prefix}:{close[0]}'?)" if close else ""
    return f"'{entry.text}' matches no action of {service.name}{hint}"


def _empty_conditions(doc: _Document) -> Iterator[Finding]:
    for _, st, base in _statements(doc.document.raw["Statement"]):
        for operator, keys in (st.get("Condition") or {}).items():
            for key, value in keys.items():
                for path in _empty_values((*base, "Condition", operator, key), value):
                    yield doc.finding(
                        path,
                        f"empty value for {key}: the condition compares with an empty string "
                        "(a value was probably lost)",
                        WARNING,
                    )


def _empty_values(path: Path_, value: Any) -> Iterator[Path_]:
    if value == "":
        yield path
    elif isinstance(value, list):
        yield from ((*path, j) for j, item in enumerate(value) if item == "")


# `service:Action` in prose, as maintainers write it: in backticks or not.
_NAMED_ACTION = re.compile(r"(?<![\w:/-])([a-z0-9][a-z0-9-]*):([A-Za-z][A-Za-z0-9]*\*?)(?![\w*-])")


def _prose(policy: LoadedPolicy, granted: Access, known: Catalog) -> Iterator[Finding]:
    latest = policy.data.versions[-1].id
    covered = {a.key for a in granted.allowed | granted.denied}
    written = {e.text.lower() for e in granted.entries}
    for i, group in enumerate(policy.data.permissions):
        for prefix, name in _NAMED_ACTION.findall(group.summary):
            text = f"{prefix}:{name}"
            matches = known.expand(text)
            if not matches or text.lower() in written:
                continue  # not an action (a URL, a sentence with a colon) or written as is
            if not any(a.key in covered for a in matches):
                yield policy.source.finding(
                    ("permissions", i, "summary"),
                    f"names {text}, which {latest} neither allows nor denies",
                    severity=WARNING,
                )
