"""The line-by-line difference between two versions' JSON, for the "compare" view.

The semantic diff (`diff.py`) says what changed in IAM's terms; this shows the text a reader
would see side by side, as a unified diff of the documents as published.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from .document import PolicyDocument


class LineKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CONTEXT = "context"
    HUNK = "hunk"


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    text: str


_PREFIX = {"+": LineKind.ADDED, "-": LineKind.REMOVED, " ": LineKind.CONTEXT, "@": LineKind.HUNK}
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$")


def compare(old: PolicyDocument, new: PolicyDocument, context: int = 3) -> tuple[DiffLine, ...]:
    a, b = old.pretty().splitlines(), new.pretty().splitlines()
    # Versions share most of their lines: matching only the middle that differs (plus context)
    # gives the same hunks as matching whole documents, for a fraction of the work.
    start = _common_prefix(a, b)
    end = _common_prefix(a[start:][::-1], b[start:][::-1])
    skip = max(0, start - context)
    a_mid = a[skip : len(a) - max(0, end - context)]
    b_mid = b[skip : len(b) - max(0, end - context)]
    out = []
    for line in difflib.unified_diff(a_mid, b_mid, lineterm="", n=context):
        if line.startswith(("---", "+++")):
            continue  # file headers: the view names both versions itself
        if line.startswith("@@"):
            line = _shift(line, skip)
        out.append(DiffLine(_PREFIX[line[0]], line))
    return tuple(out)


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _shift(header: str, offset: int) -> str:
    match = _HUNK.match(header)
    if match is None or offset == 0:
        return header
    old_start, old_len, new_start, new_len = match.groups()
    return (
        f"@@ -{int(old_start) + offset}{old_len or ''} +{int(new_start) + offset}{new_len or ''} @@"
    )
