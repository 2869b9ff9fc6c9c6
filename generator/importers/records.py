"""What every source becomes: policies with their versions, as plain values.

Readers only translate their format into these records; what the records must satisfy (valid
names, version ids, ARNs and documents) is checked once, for every source, by `merge`.
"""

from __future__ import annotations

import datetime as dt
import json
import lzma
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import PolicyDocsError

XZ_MAGIC = b"\xfd7zXZ\x00"


@dataclass(frozen=True)
class SourceVersion:
    id: str
    date: dt.date
    document: Any  # the policy document, parsed


@dataclass(frozen=True)
class SourcePolicy:
    name: str
    arn: str
    versions: tuple[SourceVersion, ...]  # oldest first


@dataclass(frozen=True)
class Source:
    kind: str  # how the summary names the source: corpus, account-details, iam
    label: str  # how messages name it: the file as given, or the live scope
    policies: tuple[SourcePolicy, ...]
    # Accounts ("aws" for AWS managed policies, else account ids) whose every policy the source
    # lists. Only a policy of these accounts, and selected, can be found missing from it.
    complete_for: frozenset[str] = frozenset()
    selected: tuple[str, ...] = ()  # --policy patterns; none: every policy

    def covers(self, name: str, arn: str) -> bool:
        """True if the source would list this policy, were it still published."""
        return account_of(arn) in self.complete_for and matches(name, self.selected)


class ImportRefused(PolicyDocsError):
    """Problems found before anything was written: all of them, then one closing line."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        closing = f"aborted: {count} error{'' if count == 1 else 's'}; nothing was written"
        super().__init__("\n".join([*self.problems, closing]))


def account_of(arn: str) -> str:
    """`aws` for an AWS managed policy, else the account id; "" if it is no ARN."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def matches(name: str, patterns: Iterable[str]) -> bool:
    patterns = tuple(patterns)
    return not patterns or any(fnmatchcase(name, p) for p in patterns)


def select(names: Iterable[str], patterns: tuple[str, ...]) -> list[str]:
    """The names `--policy` patterns pick (all of them without any)."""
    return [name for name in names if matches(name, patterns)]


def unmatched(patterns: Iterable[str], *names: Iterable[str]) -> list[str]:
    """The patterns that match none of `names`."""
    pools = [list(pool) for pool in names]
    return [p for p in patterns if not any(fnmatchcase(n, p) for pool in pools for n in pool)]


def version_order(version_id: str) -> tuple[int, str]:
    """Sort key for version ids: v2 before v10; ids that are not vN last, for merge to refuse."""
    if re.fullmatch(r"v[0-9]{1,9}", version_id):
        return (int(version_id[1:]), "")
    return (1 << 31, version_id)


def read_json(path: Path, label: str) -> Any:
    """A JSON file, or one compressed with xz (`.json.xz`), told apart by its first bytes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyDocsError(f"{label}: not found") from None
    except OSError as exc:
        raise PolicyDocsError(f"{label}: cannot read: {exc.strerror}") from None
    if raw.startswith(XZ_MAGIC):
        try:
            raw = lzma.decompress(raw)
        except lzma.LZMAError as exc:
            raise PolicyDocsError(f"{label}: cannot decompress: {exc}") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PolicyDocsError(f"{label}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PolicyDocsError(
            f"{label}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise PolicyDocsError(f"{label}: invalid JSON: nested too deeply") from None


def parse_date(value: Any) -> dt.date | None:
    """The UTC day of a timestamp as AWS writes them (`2015-02-06T18:39:46.000Z`, or a datetime
    from boto3); None if it is none."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()


def parse_document(value: Any) -> Any:
    """A policy document as IAM's API returns it (URL-encoded JSON text), as the AWS CLI prints
    it (an object), or as plain JSON text. Raises ValueError if it is none of these."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an object or a string, got {type(value).__name__}")
    text = value.strip()
    if not text.startswith("{"):
        text = unquote(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON, nor URL-encoded JSON ({exc.msg})") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def source_version(
    version_id: str,
    entry: dict[str, Any],
    keys: tuple[str, str],
    where: str,
    problems: list[str],
) -> SourceVersion | None:
    """A version from its entry in a source, whose date and document are under `keys` (the
    sources spell them differently); None, with the problems noted, if either is unusable."""
    date_key, document_key = keys
    date = parse_date(entry.get(date_key))
    if date is None:
        got = entry.get(date_key)
        shown = "nothing" if got is None else repr(got)
        problems.append(f"{where}: {date_key}: expected a date and time, got {shown}")
    try:
        document = parse_document(entry.get(document_key))
    except ValueError as exc:
        problems.append(f"{where}: {document_key}: {exc}")
        return None
    return None if date is None else SourceVersion(version_id, date, document)
