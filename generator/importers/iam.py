"""Live from an AWS account with boto3: ListPolicies, then ListPolicyVersions and
GetPolicyVersion for each policy picked.

Credentials are found the standard AWS way (environment, shared files and profiles, SSO, the
instance's or container's role). boto3 is an optional dependency (`pip install 'policydocs[aws]'`)
imported only here, and only when this source is used.

The scope is IAM's: `AWS` (AWS managed policies), `Local` (the account's own) or `All`. Either
listing is complete, so a policy of its scope that it lacks was deleted.
"""

from __future__ import annotations

from typing import Any

from ..errors import PolicyDocsError
from .records import (
    ImportRefused,
    Source,
    SourcePolicy,
    SourceVersion,
    account_of,
    parse_date,
    parse_document,
    select,
    version_order,
)

KIND = "iam"
SCOPES = ("AWS", "Local", "All")
# IAM throttles callers that read a whole account: botocore backs off and retries.
RETRIES = {"mode": "standard", "max_attempts": 10}
PAGE_SIZE = 100


def read(
    scope: str = "Local", patterns: tuple[str, ...] = (), profile: str | None = None
) -> Source:
    return read_with(client(profile), scope, patterns)


def client(profile: str | None = None) -> Any:
    """An IAM client with retries for throttling, from the standard credential chain."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError
    except ImportError:
        raise PolicyDocsError(
            "importing from IAM needs boto3: pip install 'policydocs[aws]'"
        ) from None
    try:
        session = boto3.Session(profile_name=profile)
        return session.client("iam", config=Config(retries=RETRIES))
    except BotoCoreError as exc:
        raise PolicyDocsError(f"iam: {exc}") from None


def read_with(iam: Any, scope: str, patterns: tuple[str, ...] = ()) -> Source:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    label = f"iam (scope {scope})"
    try:
        listed = _list_policies(iam, scope)
        names = select(sorted(listed), patterns)
        policies = [_policy(iam, name, listed[name], label) for name in names]
    except NoCredentialsError:
        raise PolicyDocsError(
            f"{label}: no AWS credentials found (set AWS_PROFILE, or pass --profile, or "
            "configure them the standard way: environment variables, ~/.aws, SSO, a role)"
        ) from None
    except (BotoCoreError, ClientError) as exc:
        raise PolicyDocsError(f"{label}: {exc}") from None
    problems = [problem for _, problem in policies if problem]
    if problems:
        raise ImportRefused(problems)
    accounts = {account_of(arn) for arn in listed.values()}
    if scope == "AWS":
        accounts &= {"aws"}
    elif scope == "Local":
        accounts -= {"aws"}
    return Source(KIND, label, tuple(p for p, _ in policies), frozenset(accounts - {""}), patterns)


def _list_policies(iam: Any, scope: str) -> dict[str, str]:
    """Name -> ARN of every policy in the scope."""
    listed: dict[str, str] = {}
    pages = iam.get_paginator("list_policies").paginate(
        Scope=scope, OnlyAttached=False, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    for page in pages:
        for policy in page["Policies"]:
            listed[policy["PolicyName"]] = policy["Arn"]
    return listed


def _policy(iam: Any, name: str, arn: str, label: str) -> tuple[SourcePolicy, str]:
    """The policy with every version IAM still keeps, and the first problem found, if any."""
    pages = iam.get_paginator("list_policy_versions").paginate(
        PolicyArn=arn, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    ids = [version["VersionId"] for page in pages for version in page["Versions"]]
    versions = []
    for version_id in sorted(ids, key=version_order):
        got = iam.get_policy_version(PolicyArn=arn, VersionId=version_id)["PolicyVersion"]
        where = f"{label}: policy '{name}': {version_id}"
        date = parse_date(got.get("CreateDate"))
        if date is None:
            return SourcePolicy(name, arn, ()), f"{where}: CreateDate: expected a date and time"
        try:
            document = parse_document(got.get("Document"))
        except ValueError as exc:
            return SourcePolicy(name, arn, ()), f"{where}: Document: {exc}"
        versions.append(SourceVersion(version_id, date, document))
    return SourcePolicy(name, arn, tuple(versions)), ""
