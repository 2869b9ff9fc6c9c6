"""Facts derived from valid data, computed once and shared by every page that shows them.

Nothing here formats text for a page: that is the templates' job. What is here is what the
templates must not compute: diffs, change notes, orderings, dates, types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from .iam.access import Access, access, effective, literal_matches, touches_actions
from .iam.catalog import Catalog, Service, catalog
from .iam.compare import DiffLine, compare
from .iam.diff import Diff
from .iam.document import PolicyDocument, Statement
from .iam.reverse import ServiceUse, service_uses
from .load import LoadedPolicy, LoadedTopic, Site
from .model import Policy

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

    @cached_property
    def access(self) -> Access:
        """What the version allows and denies, in the catalog's concrete actions."""
        return access(self.document, catalog())

    @cached_property
    def in_effect(self) -> str | None:
        """The "In effect, ..." sentence when it says more than the change note; None when it would
        repeat it (a version that only names actions) or there is nothing to compare."""
        if self.previous is None or self.diff is None or not touches_actions(self.diff):
            return None
        if literal_matches(self.previous.access, self.access, self.diff):
            return None
        return effective(self.previous.access, self.access).sentence()


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

    @cached_property
    def groups(self) -> tuple[GroupFacts, ...]:
        """Permission groups in service order, as AWS lists them."""
        ordered = sorted(self.data.permissions, key=lambda g: g.service)
        return tuple(
            GroupFacts(g.service, g.summary, catalog().service(g.service)) for g in ordered
        )

    @property
    def access(self) -> Access:
        return self.latest.access

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


@dataclass(frozen=True)
class GroupFacts:
    """A permission group with what AWS calls its service."""

    service: str  # the prefix, as written
    summary: str
    known: Service | None  # None for `*` and prefixes the catalog does not know

    @property
    def name(self) -> str | None:
        return self.known.name if self.known else None


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

    @cached_property
    def services(self) -> tuple[ServiceUse, ...]:
        """Which policies grant which actions of each service their latest versions name."""
        return service_uses((p.name, p.access) for p in self.policies)

    @property
    def catalog(self) -> Catalog:
        """Where service and action names, access levels and descriptions come from."""
        return catalog()

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
