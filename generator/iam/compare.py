"""The line-by-line difference between two versions' JSON, for the "compare" view.

The semantic diff (`diff.py`) says what changed in IAM's terms; this shows the text a reader
would see side by side, as a unified diff of the documents as published.
"""

from __future__ import annotations

import difflib
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


def compare(old: PolicyDocument, new: PolicyDocument, context: int = 3) -> tuple[DiffLine, ...]:
    lines = difflib.unified_diff(
        old.pretty().splitlines(), new.pretty().splitlines(), lineterm="", n=context
    )
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue  # file headers: the view names both versions itself
        out.append(DiffLine(_PREFIX[line[0]], line))
    return tuple(out)
