"""Cross-reference targets for hand-written pages: `[text][policy:NAME#v2]` with mkdocs-autorefs.

The targets are read back from the JSON exports under docs/ rather than from data/, so they are
exactly what the generated pages contain, whichever process generated them. Identifiers are
built by `urls.xref_policy` and `urls.xref_topic`; anchors are version ids and service prefixes.
A former name (`formerly:`) still resolves, to the page under its new name: like a link, a
reference written before a rename keeps working.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import urls


def targets(docs: Path) -> dict[str, tuple[str, str]]:
    """identifier -> (docs-relative page, anchor or "") for every policy, version, permission
    group and topic, under their current and former names. Empty when docs/ holds no exports."""
    index = _read(docs / urls.POLICY_INDEX)
    if index is None:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for topic in index["topics"]:
        for slug in [topic["slug"], *topic["formerly"]]:
            found[urls.xref_topic(slug)] = (urls.topic_page(topic["slug"]), "")
    for entry in index["policies"]:
        record = _read(docs / urls.policy_export(entry["name"]))
        if record is not None:
            found.update(_policy_targets(record))
    return found


def _policy_targets(record: dict[str, Any]) -> dict[str, tuple[str, str]]:
    page = urls.policy_page(record["name"])
    anchors = ["", *(v["id"] for v in record["versions"])]
    anchors += [g["service"] for g in record["permissions"]]
    return {
        urls.xref_policy(name, anchor): (page, anchor)
        for name in [record["name"], *record["formerly"]]
        for anchor in anchors
    }


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
