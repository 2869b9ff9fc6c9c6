"""The one exception type users see. The CLI and the MkDocs adapter print it without a traceback."""

from __future__ import annotations


class PolicyDocsError(Exception):
    """A problem the user can fix: bad data, a refused write, an unknown policy."""

    exit_code = 1


class UsageError(PolicyDocsError):
    """A command was asked for something that does not exist (unknown policy or version)."""

    exit_code = 2
