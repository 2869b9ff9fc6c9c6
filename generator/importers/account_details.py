"""A team's own policies, from the output of the AWS CLI (saved as JSON):

- `aws iam get-account-authorization-details`: its `Policies[]`, each with `PolicyName`, `Arn`
  (path included) and `PolicyVersionList[]` of `VersionId`, `CreateDate` and `Document`;
- `aws iam get-policy-version --policy-arn ARN --version-id vN`: one `PolicyVersion`, which does
  not name its policy, so the ARN is given with `--arn`.

Documents are URL-encoded JSON text, as IAM's API returns them, or objects, as the CLI prints
them. A complete listing (not truncated) holds every customer managed policy of its account, so
one of that account's policies that it lacks was deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PolicyDocsError, UsageError
from ..model import arn_name
from .records import (
    ImportRefused,
    Source,
    SourcePolicy,
    SourceVersion,
    account_of,
    read_json,
    select,
    source_version,
    version_order,
)

KIND = "account-details"


def read(path: Path, patterns: tuple[str, ...] = (), arn: str | None = None) -> Source:
    label = str(path)
    raw = read_json(path, label)
    if isinstance(raw, dict) and isinstance(raw.get("PolicyVersion"), dict):
        return _policy_version(raw["PolicyVersion"], label, patterns, arn)
    if isinstance(raw, dict) and isinstance(raw.get("Policies"), list):
        if arn is not None:
            raise UsageError(
                f"{label}: --arn is for the output of get-policy-version; this file names "
                "its policies"
            )
        return _authorization_details(raw, label, patterns)
    raise PolicyDocsError(
        f"{label}: expected the output of 'aws iam get-account-authorization-details' (with "
        "Policies) or of 'aws iam get-policy-version' (with PolicyVersion)"
    )


def _authorization_details(raw: dict[str, Any], label: str, patterns: tuple[str, ...]) -> Source:
    problems: list[str] = []
    entries: dict[str, Any] = {}
    for i, entry in enumerate(raw["Policies"]):
        name = entry.get("PolicyName") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            problems.append(f"{label}: Policies[{i}]: PolicyName: expected a string")
        elif name in entries:
            problems.append(f"{label}: policy '{name}': listed twice")
        else:
            entries[name] = entry
    policies = [
        _policy(name, entries[name], f"{label}: policy '{name}'", problems)
        for name in select(entries, patterns)
    ]
    if problems:
        raise ImportRefused(problems)
    complete = raw.get("IsTruncated") is not True
    accounts = {account_of(p.arn) for p in policies} - {"aws", ""} if complete else set()
    return Source(KIND, label, tuple(policies), frozenset(accounts), patterns)


def _policy(name: str, entry: dict[str, Any], where: str, problems: list[str]) -> SourcePolicy:
    arn = entry.get("Arn")
    if not isinstance(arn, str):
        problems.append(f"{where}: Arn: expected a string")
        arn = ""
    listed = entry.get("PolicyVersionList")
    if not isinstance(listed, list) or not listed:
        problems.append(f"{where}: PolicyVersionList: expected a list of versions")
        return SourcePolicy(name, arn, ())
    versions: dict[str, SourceVersion] = {}
    for i, item in enumerate(listed):
        version = _version(item, where, f"PolicyVersionList[{i}]", problems)
        if version is not None and version.id in versions:
            problems.append(f"{where}: {version.id}: listed twice")
        elif version is not None:
            versions[version.id] = version
    ordered = sorted(versions.values(), key=lambda v: version_order(v.id))
    return SourcePolicy(name, arn, tuple(ordered))


def _version(item: Any, policy: str, field: str, problems: list[str]) -> SourceVersion | None:
    """One version; `policy` and `field` say where it is, for messages."""
    if not isinstance(item, dict):
        problems.append(
            f"{policy}: {field}: expected an object with VersionId, CreateDate and Document"
        )
        return None
    version_id = item.get("VersionId")
    if not isinstance(version_id, str):
        problems.append(f"{policy}: {field}: VersionId: expected a string")
        return None
    where = f"{policy}: {version_id}"
    return source_version(version_id, item, ("CreateDate", "Document"), where, problems)


def _policy_version(
    raw: dict[str, Any], label: str, patterns: tuple[str, ...], arn: str | None
) -> Source:
    if arn is None:
        raise UsageError(
            f"{label}: the output of get-policy-version does not name its policy: give its "
            "ARN with --arn"
        )
    name = arn_name(arn)
    problems: list[str] = []
    version = _version(raw, f"{label}: policy '{name}'", "PolicyVersion", problems)
    if problems or version is None:
        raise ImportRefused(problems)
    policies = (SourcePolicy(name, arn, (version,)),) if select([name], patterns) else ()
    return Source(KIND, label, policies, frozenset(), patterns)
