"""Where every generated file lives under docs/: the site's URL scheme, in one place.

Paths are relative to docs/. With MkDocs' default `use_directory_urls`, `policies/X/index.md`
is served at `policies/X/` and `topics/x.md` at `topics/x/`.
"""

from __future__ import annotations

import posixpath

CATALOGUE = "policies/index.md"
TOPICS = "topics/index.md"
STYLESHEET = "assets/policydocs/policydocs.css"

# Folders the generator owns: it writes only here, and only files listed in its manifest.
OWNED = ("policies", "topics", "assets/policydocs")


def policy_page(name: str) -> str:
    return f"policies/{name}/index.md"


def policy_document(name: str, version_id: str) -> str:
    return f"policies/{name}/{version_id}.json"


def topic_page(slug: str) -> str:
    return f"topics/{slug}.md"


def relative(source: str, target: str) -> str:
    """The link from the page at `source` to the file at `target` (both docs-relative)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def owned(path: str) -> bool:
    return any(path.startswith(folder + "/") for folder in OWNED)
