"""Where every generated file lives under docs/: the site's URL scheme, in one place.

Paths are relative to docs/. With MkDocs' default `use_directory_urls`, `policies/X/index.md`
is served at `policies/X/` and `topics/x/index.md` at `topics/x/`. Every page is an index.md in
its own folder, so a relative link in raw HTML means the same whether a builder resolves it
against the page's file (zensical) or its address (MkDocs). Anchors are data: a version id
(`#v3`) or a service prefix (`#lambda`) on a policy page, a policy name on a topic page. The
README's "Links" section and the generated About page document this scheme for readers: a change
here breaks links people keep elsewhere.
"""

from __future__ import annotations

import posixpath

CATALOGUE = "policies/index.md"
TOPICS = "topics/index.md"
WHATS_NEW = "updates/index.md"
SITE_ATOM = "updates/feed.xml"
SITE_RSS = "updates/rss.xml"
STYLESHEET = "assets/policydocs/policydocs.css"
SCRIPT = "assets/policydocs/policydocs.js"
# Search entries for the pages kept out of the theme's search, merged into its index after the
# build (see search.py and mkdocs_plugin.py). A dot file: builders leave it out of the site.
SEARCH_ENTRIES = "assets/policydocs/.search.json"
ABOUT = "about/index.md"
POLICY_INDEX = "policies/index.json"
SERVICES = "services/index.md"
SERVICE_INDEX = "services/index.json"
EXPORT_FORMAT = 1  # the "format" key of the JSON exports; raised only for incompatible changes

# Folders the generator owns: it writes only here, and only files listed in its manifest.
OWNED = ("policies", "topics", "services", "updates", "about", "assets/policydocs")


def policy_page(name: str) -> str:
    return f"policies/{name}/index.md"


def policy_document(name: str, version_id: str) -> str:
    return f"policies/{name}/{version_id}.json"


def policy_atom(name: str) -> str:
    return f"policies/{name}/feed.xml"


def policy_rss(name: str) -> str:
    return f"policies/{name}/rss.xml"


def policy_export(name: str) -> str:
    return f"policies/{name}/index.json"


def service_page(prefix: str) -> str:
    return f"services/{prefix}/index.md"


def service_export(prefix: str) -> str:
    return f"services/{prefix}/index.json"


def service_actions(prefix: str) -> str:
    """The anchor of a service's table of actions on a policy page: `#actions-s3`; for `*`,
    the table of entries that span services, `#actions-all`."""
    return "actions-all" if prefix == "*" else f"actions-{prefix}"


def topic_page(slug: str) -> str:
    return f"topics/{slug}/index.md"


def redirect_file(page: str, directory_urls: bool = True) -> str:
    """The HTML file that answers at the URL of `page`: where a redirect page for it goes."""
    served = served_at(page, directory_urls)
    return served + "index.html" if served.endswith("/") or not served else served


def between(source: str, target: str) -> str:
    """The relative URL from the URL path `source` to the URL path `target` (both as returned
    by `served_at`), as a browser resolves it: `policies/A/` -> `policies/B/` is `../B/`."""
    base = source if not source or source.endswith("/") else posixpath.dirname(source)
    rel = _relpath(target, base)
    if target and not target.endswith("/"):
        return rel
    return "./" if rel == "." else rel + "/"


# Cross-reference identifiers that hand-written pages use with mkdocs-autorefs, e.g.
# `[the S3 permissions][policy:AmazonS3ReadOnlyAccess#s3]`. Neither `:` nor `#` can appear in a
# heading's id made from its text, so they never collide with the anchors autorefs finds itself.


def xref_policy(name: str, anchor: str = "") -> str:
    return f"policy:{name}" + (f"#{anchor}" if anchor else "")


def xref_topic(slug: str) -> str:
    return f"topic:{slug}"


def relative(source: str, target: str) -> str:
    """The link from the page at `source` to the file at `target` (both docs-relative)."""
    return _relpath(target, posixpath.dirname(source))


def _relpath(target: str, folder: str) -> str:
    """posixpath.relpath for the clean relative paths of this module (no `.`, `..` or `//`),
    without its normalising: pages of a large site ask for a hundred thousand links."""
    to = [p for p in target.split("/") if p]
    start = [p for p in folder.split("/") if p]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + to[common:]
    return "/".join(parts) or "."


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
