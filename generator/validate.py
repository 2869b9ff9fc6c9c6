"""Checks across the loaded models. Each returns findings; none raises on bad data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise
from typing import TypeVar

from .findings import Finding, Severity
from .lint import lint
from .load import LoadedPolicy, LoadedTopic, Site
from .model import arn_name

WARNING = Severity.WARNING


def validate(site: Site) -> list[Finding]:
    findings: list[Finding] = []
    for check in SITE_CHECKS:
        findings += check(site)
    for policy in site.policies:
        for policy_check in POLICY_CHECKS:
            findings += policy_check(policy)
        if _ordered(policy):
            for history_check in HISTORY_CHECKS:
                findings += history_check(policy)
    return findings


def _ordered(policy: LoadedPolicy) -> bool:
    """Checks that compare consecutive versions need unique ids, oldest first."""
    numbers = [version_number(v.id) for v in policy.data.versions]
    return all(a < b for a, b in pairwise(numbers))


def version_number(version_id: str) -> int:
    return int(version_id[1:])


def _unique_names(site: Site) -> Iterator[Finding]:
    # Pages are files named after policies: names equal but for case would overwrite each other
    # on case-insensitive file systems (macOS, Windows), and IAM itself refuses them.
    seen: dict[str, LoadedPolicy] = {}
    for policy in site.policies:
        key = policy.data.name.lower()
        if key in seen:
            first = seen[key]
            yield policy.source.finding(
                ("name",),
                f"'{policy.data.name}' differs from '{first.data.name}' ({first.file}) "
                "only in letter case",
            )
        else:
            seen[key] = policy


def _former_names(site: Site) -> Iterator[Finding]:
    """Old names get redirect pages in the new name's place: each must be free for that, letter
    case aside, as folders named after them are on macOS and Windows."""
    owners = {p.data.name.lower(): p for p in site.policies}
    return _former(
        site.policies, str.lower, lambda old, p, claimed: _taken_name(old, p, owners, claimed)
    )


def _former_slugs(site: Site) -> Iterator[Finding]:
    owners = {t.slug: t for t in site.topics}
    return _former(site.topics, str, lambda old, t, claimed: _taken_slug(old, t, owners, claimed))


Owner = TypeVar("Owner", LoadedPolicy, LoadedTopic)


def _former(
    owners: Iterable[Owner],
    key: Callable[[str], str],
    taken: Callable[[str, Owner, dict[str, Owner]], str | None],
) -> Iterator[Finding]:
    """A finding for each `formerly` entry that `taken` refuses, given the entries seen so far."""
    claimed: dict[str, Owner] = {}
    for owner in owners:
        for i, old in enumerate(owner.data.formerly):
            problem = taken(old, owner, claimed)
            if problem:
                yield owner.source.finding(("formerly", i), problem)
            claimed.setdefault(key(old), owner)


def _taken_name(
    old: str,
    policy: LoadedPolicy,
    owners: dict[str, LoadedPolicy],
    claimed: dict[str, LoadedPolicy],
) -> str | None:
    key = old.lower()
    if key == policy.data.name.lower():
        return f"'{old}' is this policy's own name"
    if key in owners:
        owner = owners[key]
        if old == owner.data.name:
            return f"'{old}' is the name of the policy '{old}' ({owner.file})"
        return (
            f"'{old}' differs from the policy '{owner.data.name}' ({owner.file}) "
            "only in letter case"
        )
    if key in claimed and claimed[key] is policy:
        return f"'{old}' is listed twice"
    if key in claimed:
        other = claimed[key]
        return f"'{old}' is already a former name of '{other.data.name}' ({other.file})"
    return None


def _taken_slug(
    old: str, topic: LoadedTopic, owners: dict[str, LoadedTopic], claimed: dict[str, LoadedTopic]
) -> str | None:
    if old == topic.slug:
        return f"'{old}' is this topic's own page name"
    if old == "index":
        return "'index' is the name of the list of topics"
    if old in owners:
        return f"'{old}' is the page name of another topic ({owners[old].source.file})"
    if old in claimed and claimed[old] is topic:
        return f"'{old}' is listed twice"
    if old in claimed:
        return (
            f"'{old}' is already a former page name of another topic ({claimed[old].source.file})"
        )
    return None


def _topics(site: Site) -> Iterator[Finding]:
    known = {p.data.name for p in site.policies}
    for topic in site.topics:
        yield from _topic_policies(topic, known)


def _topic_policies(topic: LoadedTopic, known: set[str]) -> Iterator[Finding]:
    counts = Counter(topic.data.policies)
    for i, name in enumerate(topic.data.policies):
        where = ("policies", i)
        if name not in known:
            yield topic.source.finding(
                where, f"unknown policy '{name}' (no data/policies/{name}.yaml)"
            )
        elif counts[name] > 1 and topic.data.policies.index(name) != i:
            yield topic.source.finding(where, f"'{name}' is listed twice")


def _arn(policy: LoadedPolicy) -> Iterator[Finding]:
    arn = policy.data.arn
    if arn is not None and arn_name(arn) != policy.data.name:
        yield policy.source.finding(
            ("arn",), f"'{arn}' does not end with the policy name '{policy.data.name}'"
        )


def _version_ids(policy: LoadedPolicy) -> Iterator[Finding]:
    seen: set[str] = set()
    previous = 0
    for i, version in enumerate(policy.data.versions):
        where = ("versions", i, "id")
        number = version_number(version.id)
        if version.id in seen:
            yield policy.source.finding(where, f"duplicate version id '{version.id}'")
        elif number < previous:
            yield policy.source.finding(
                where, f"'{version.id}' comes after 'v{previous}' (expected oldest first)"
            )
        elif number > previous + 1:
            yield policy.source.finding(where, _gap(previous + 1, number - 1), severity=WARNING)
        seen.add(version.id)
        previous = max(previous, number)


def _gap(first: int, last: int) -> str:
    if first == last:
        return f"version v{first} is not recorded"
    return f"versions v{first} to v{last} are not recorded"


def _dates(policy: LoadedPolicy) -> Iterator[Finding]:
    dated = [(v.id, v.date, bool(v.note)) for v in policy.data.versions]
    for i, message in date_doubts(dated):
        yield policy.source.finding(("versions", i, "date"), message, severity=WARNING)


def date_doubts(versions: Sequence[tuple[str, dt.date, bool]]) -> Iterator[tuple[int, str]]:
    """(index, message) for each date of (id, date, has a note), oldest first, to look at again:
    a later version dated the day of the first, unless a note says it is right, and a version
    dated before the one it follows. Sources get dates wrong both ways: in the public history
    of AWS managed policies, 2,403 later versions carry, to the second, the timestamp of their
    policy's first version, and only 4 other later versions share its day."""
    if not versions:
        return
    first_id, first, _ = versions[0]
    for i in range(1, len(versions)):
        before_id, before, _ = versions[i - 1]
        _, date, noted = versions[i]
        if date == first and not noted:
            yield (
                i,
                (
                    f"{date.isoformat()} is the date of {first_id}, the policy's first version; "
                    "sources often give later versions that date: correct it, or add a note if "
                    "it is right"
                ),
            )
        elif date < before:
            yield (
                i,
                (
                    f"{date.isoformat()} is before the date of {before_id} "
                    f"({before.isoformat()}); correct it if the source was wrong"
                ),
            )


def _unchanged_documents(policy: LoadedPolicy) -> Iterator[Finding]:
    versions = policy.data.versions
    for i, diff in enumerate(policy.history):
        if diff is not None and not diff and not versions[i].note:
            yield policy.source.finding(
                ("versions", i),
                f"{versions[i].id} grants exactly what {versions[i - 1].id} "
                "grants (add a note that says why it exists)",
                severity=WARNING,
            )


def _permission_groups(policy: LoadedPolicy) -> Iterator[Finding]:
    latest = policy.documents.get(policy.data.versions[-1].id)
    if latest is None:
        return
    used = set(latest.services())
    positions: dict[str, int] = {}
    for i, group in enumerate(policy.data.permissions):
        where = ("permissions", i, "service")
        if group.service in positions:
            yield policy.source.finding(where, f"a second group for '{group.service}'")
        elif group.service not in used:
            yield policy.source.finding(
                where,
                f"the policy ({policy.data.versions[-1].id}) does not use the service "
                f"'{group.service}' (expected one of: {', '.join(sorted(used))})",
            )
        positions.setdefault(group.service, i)
    missing = sorted(used - set(positions))
    if missing:
        at = ("permissions",) if policy.data.permissions else ("name",)
        yield policy.source.finding(
            ("permissions",),
            "no group describes " + ", ".join(f"'{s}'" for s in missing),
            at=at,
            key=True,
            severity=WARNING,
        )


def _prose(policy: LoadedPolicy) -> Iterator[Finding]:
    if not policy.data.description.strip():
        yield policy.source.finding(
            ("description",),
            "the policy has no description yet",
            at=("name",),
            key=True,
            severity=WARNING,
        )


SITE_CHECKS: tuple[Callable[[Site], Iterator[Finding]], ...] = (
    _unique_names,
    _topics,
    _former_names,
    _former_slugs,
)
POLICY_CHECKS: tuple[Callable[[LoadedPolicy], Iterator[Finding]], ...] = (
    _arn,
    _version_ids,
    _permission_groups,
    _prose,
    lint,
)
HISTORY_CHECKS: tuple[Callable[[LoadedPolicy], Iterator[Finding]], ...] = (
    _dates,
    _unchanged_documents,
)
