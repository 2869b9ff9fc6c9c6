"""Where every generated file lives under docs/: the site's URL scheme, in one place.

Paths are relative to docs/. With MkDocs' default `use_directory_urls`, `policies/X/index.md`
is served at `policies/X/` and `topics/x.md` at `topics/x/`.
"""

from __future__ import annotations

import posixpath

CATALOGUE = "policies/index.md"
TOPICS = "topics/index.md"
WHATS_NEW = "updates/index.md"
SITE_ATOM = "updates/feed.xml"
SITE_RSS = "updates/rss.xml"
STYLESHEET = "assets/policydocs/policydocs.css"

# Folders the generator owns: it writes only here, and only files listed in its manifest.
OWNED = ("policies", "topics", "updates", "assets/policydocs")


def policy_page(name: str) -> str:
    return f"policies/{name}/index.md"


def policy_document(name: str, version_id: str) -> str:
    return f"policies/{name}/{version_id}.json"


def policy_atom(name: str) -> str:
    return f"policies/{name}/feed.xml"


def policy_rss(name: str) -> str:
    return f"policies/{name}/rss.xml"


def topic_page(slug: str) -> str:
    return f"topics/{slug}.md"


def relative(source: str, target: str) -> str:
    """The link from the page at `source` to the file at `target` (both docs-relative)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def served_at(path: str, directory_urls: bool = True) -> str:
    """The URL path (relative to the site root) at which MkDocs serves the file at `path`."""
    if not path.endswith(".md"):
        return path
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        folder = stem.removesuffix("index")
        return folder if directory_urls else folder + "index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"


def absolute(site_url: str, path: str, directory_urls: bool = True) -> str:
    return site_url.rstrip("/") + "/" + served_at(path, directory_urls)


def owned(path: str) -> bool:
    return any(path.startswith(folder + "/") for folder in OWNED)
