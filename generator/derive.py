"""Facts derived from valid data, computed once and shared by every page that shows them.

Nothing here formats text for a page: that is the templates' job. What is here is what the
templates must not compute: diffs, change notes, orderings, dates, types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from .iam.compare import DiffLine, compare
from .iam.diff import Diff
from .iam.document import PolicyDocument, Statement
from .load import LoadedPolicy, LoadedTopic, Site
from .model import PermissionGroup, Policy

INITIAL_NOTE = "Initial policy"


@dataclass(frozen=True)
class VersionFacts:
    id: str
    date: dt.date
    note: str | None  # written by people
    diff: Diff | None  # None for the first version
    document: PolicyDocument
    policy_name: str
    previous: VersionFacts | None = None

    @cached_property
    def change(self) -> str:
        """The computed change note, true even when people wrote their own."""
        return INITIAL_NOTE if self.diff is None else self.diff.sentence()

    @cached_property
    def compare(self) -> tuple[DiffLine, ...]:
        """The JSON of the previous version against this one, line by line."""
        return () if self.previous is None else compare(self.previous.document, self.document)

    @property
    def month(self) -> tuple[int, int]:
        return (self.date.year, self.date.month)


@dataclass(frozen=True)
class PolicyFacts:
    data: Policy
    versions: tuple[VersionFacts, ...]  # oldest first
    source_file: str

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def arn(self) -> str:
        return self.data.default_arn

    @property
    def latest(self) -> VersionFacts:
        return self.versions[-1]

    @property
    def created(self) -> dt.date:
        return self.versions[0].date

    @property
    def edited(self) -> dt.date:
        return self.latest.date

    @property
    def groups(self) -> tuple[PermissionGroup, ...]:
        """Permission groups in service order, as AWS lists them."""
        return tuple(sorted(self.data.permissions, key=lambda g: g.service))

    @property
    def services(self) -> tuple[str, ...]:
        return self.latest.document.services()

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.latest.document.statements

    @property
    def kind(self) -> str:
        return policy_type(self.arn)

    @property
    def newest_first(self) -> tuple[VersionFacts, ...]:
        return tuple(reversed(self.versions))

    @property
    def formerly(self) -> tuple[str, ...]:
        return self.data.formerly

    @property
    def deprecated(self) -> dt.date | None:
        """When the policy was found withdrawn; None while it is published."""
        return self.data.deprecated


def policy_type(arn: str) -> str:
    """How AWS's reference names the type of a policy, from its ARN."""
    account = arn.split(":")[4]
    if account != "aws":
        return "Customer managed policy"
    path = arn.split(":policy", 1)[1]
    for folder, label in (
        ("/job-function/", "AWS managed policy for job functions"),
        ("/aws-service-role/", "AWS managed policy for a service-linked role"),
        ("/service-role/", "AWS managed policy for a service role"),
    ):
        if path.startswith(folder):
            return label
    return "AWS managed policy"


@dataclass(frozen=True)
class TopicFacts:
    slug: str
    title: str
    intro: str
    policies: tuple[PolicyFacts, ...]
    updates_title: str
    updates_intro: str | None
    formerly: tuple[str, ...] = ()

    @property
    def updates(self) -> tuple[VersionFacts, ...]:
        """Every version of the topic's policies, newest first (ties: page order, then id)."""
        order = {p.name: i for i, p in enumerate(self.policies)}
        rows = [v for p in self.policies for v in p.versions]
        return tuple(
            sorted(rows, key=lambda v: (-v.date.toordinal(), order[v.policy_name], -int(v.id[1:])))
        )


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    versions: tuple[VersionFacts, ...]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass(frozen=True)
class SiteFacts:
    policies: tuple[PolicyFacts, ...]  # sorted by name
    topics: tuple[TopicFacts, ...]  # sorted by slug

    @property
    def version_count(self) -> int:
        return sum(len(p.versions) for p in self.policies)

    @cached_property
    def changes(self) -> tuple[VersionFacts, ...]:
        """Every version of every policy, newest first (ties: policy name, then newest id)."""
        rows = [v for p in self.policies for v in p.versions]
        rows.sort(key=lambda v: (v.policy_name, -int(v.id[1:])))
        rows.sort(key=lambda v: v.date, reverse=True)
        return tuple(rows)

    @cached_property
    def months(self) -> tuple[Month, ...]:
        """`changes` grouped by month, newest month first."""
        groups: dict[tuple[int, int], list[VersionFacts]] = {}
        for version in self.changes:
            groups.setdefault(version.month, []).append(version)
        return tuple(Month(y, m, tuple(vs)) for (y, m), vs in groups.items())

    def policy(self, name: str) -> PolicyFacts:
        return self._by_name[name]

    def topics_of(self, policy: PolicyFacts) -> tuple[TopicFacts, ...]:
        return tuple(t for t in self.topics if policy in t.policies)

    @cached_property
    def _by_name(self) -> dict[str, PolicyFacts]:
        return {p.name: p for p in self.policies}


def derive(site: Site) -> SiteFacts:
    """Facts for a site that passed validation (every document loaded, versions in order)."""
    policies = tuple(sorted((policy_facts(p) for p in site.policies), key=lambda p: p.name))
    by_name = {p.name: p for p in policies}
    topics = tuple(sorted((topic_facts(t, by_name) for t in site.topics), key=lambda t: t.slug))
    return SiteFacts(policies, topics)


def policy_facts(policy: LoadedPolicy) -> PolicyFacts:
    versions: list[VersionFacts] = []
    previous: VersionFacts | None = None
    for version, diff in zip(policy.data.versions, policy.history, strict=True):
        document = policy.documents[version.id]
        previous = VersionFacts(
            version.id, version.date, version.note, diff, document, policy.data.name, previous
        )
        versions.append(previous)
    return PolicyFacts(policy.data, tuple(versions), policy.file)


def topic_facts(topic: LoadedTopic, policies: dict[str, PolicyFacts]) -> TopicFacts:
    data = topic.data
    return TopicFacts(
        topic.slug,
        data.title,
        data.intro,
        tuple(policies[name] for name in data.policies),
        data.updates.title,
        data.updates.intro,
        data.formerly,
    )
