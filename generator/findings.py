"""Findings: one problem in the data, with the place it was found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import PolicyDocsError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where it is (file, line, column, field) and what was expected."""

    file: str
    line: int
    column: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        label = "warning: " if self.severity is Severity.WARNING else ""
        field = f"{self.field}: " if self.field else ""
        # One line per finding, whatever the data quoted in it holds.
        return f"{where}: {label}{field}{self.message}".translate(_ONE_LINE)


_ONE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class ValidationFailed(PolicyDocsError):
    """Raised once, after every problem of a run has been collected."""

    def __init__(self, findings: Iterable[Finding], strict: bool = False) -> None:
        self.findings = tuple(findings)
        self.strict = strict
        super().__init__("\n".join(str(f) for f in self.findings) + "\n" + self.summary())

    def summary(self) -> str:
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        warnings = len(self.findings) - errors
        parts = [_count(errors, "error")]
        if warnings:
            parts.append(
                _count(warnings, "warning") + (" (fatal with --strict)" if self.strict else "")
            )
        return "aborted: " + ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def is_fatal(findings: Iterable[Finding], strict: bool) -> bool:
    return any(strict or f.severity is Severity.ERROR for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in file order, so the output reads top to bottom like the files."""
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.field, f.message))
