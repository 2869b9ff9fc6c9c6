"""Search entries made from the data: one per policy and one per service.

Policy and service pages are long tables that a search plugin would parse and index line by line
(most of a full catalogue's build time and index size). They are kept out of the theme's search
(`search: exclude: true` in their front matter), and these entries stand in for them: a policy is
found by its name, its ARN, its description and every action its latest version names; a
service by its name, its prefix and its granted actions. The MkDocs adapter appends them to the
search index that MkDocs' and Material's search plugins write, whose entries have this shape.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import urls
from .derive import PolicyFacts, SiteFacts
from .iam.reverse import ServiceUse

# Markdown that would show in a search result as punctuation: links keep their text.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[`*_#>|]+")


def plain(markdown: str) -> str:
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", markdown)).split())


def entries(site: SiteFacts, directory_urls: bool) -> list[dict[str, str]]:
    out = [_policy(p, directory_urls) for p in site.policies]
    out += [_service(s, directory_urls) for s in site.services]
    return out


def _policy(policy: PolicyFacts, directory_urls: bool) -> dict[str, str]:
    actions = " ".join(dict.fromkeys(e.text for e in policy.access.entries))
    parts = [
        plain(policy.data.description),
        f"{policy.kind}: {policy.arn}.",
        f"Actions: {actions}" if actions else "",
    ]
    return {
        "location": urls.served_at(urls.policy_page(policy.name), directory_urls),
        "title": policy.name,
        "text": " ".join(p for p in parts if p),
    }


def _service(use: ServiceUse, directory_urls: bool) -> dict[str, str]:
    granted = " ".join(row.action.name for row in use.actions)
    return {
        "location": urls.served_at(urls.service_page(use.prefix), directory_urls),
        "title": f"{use.service.name} ({use.prefix})",
        "text": f"Service prefix {use.prefix}. Actions: {granted}",
    }


def encode(records: list[dict[str, str]]) -> bytes:
    return json.dumps({"docs": records}, ensure_ascii=False, separators=(",", ":")).encode()


def merge(index: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The search index with the entries of `extra` appended."""
    return {**index, "docs": [*index.get("docs", []), *extra.get("docs", [])]}
