"""Checking links kept outside the site, such as guides in other repositories, against the built
site.

A link into the site is a URL that starts with `site_url`. Markdown files are read for inline
links and images, reference definitions, autolinks and bare URLs; HTML files for `href` and `src`
attributes. Each link is resolved to a file of the built site (site/), exactly as a static host
serves it (`policies/X/` is `policies/X/index.html`, letter case included), and its `#anchor` to
an `id` or `name` in that file. Redirect pages (those policydocs writes for renamed policies and
moved topics, or any page with a `<meta http-equiv="refresh">`) are followed, so an anchor is
checked on the page the link really leads to.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import PolicyDocsError

HTML_SUFFIXES = (".html", ".htm")
MAX_REDIRECTS = 10


class LinkCheckError(PolicyDocsError):
    """The links could not be checked at all: no site_url, no built site, an unreadable file."""

    exit_code = 2


@dataclass(frozen=True)
class Link:
    file: str  # as the user named it
    line: int
    url: str


@dataclass(frozen=True)
class Broken:
    link: Link
    reason: str

    def __str__(self) -> str:
        return f"{self.link.file}:{self.link.line}: {self.link.url}: {self.reason}"


# --- finding links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patterns:
    """The regular expressions that find URLs starting with one site's address."""

    site_url: str

    def _url(self, chars: str, name: str = "url") -> str:
        # The address itself, then a path, query or fragment, or nothing more: so that
        # https://docs.example.com.evil/ never passes for https://docs.example.com/.
        root = re.escape(self.site_url.rstrip("/"))
        return f"(?P<{name}>{root}(?:[/?#]{chars}*|(?!{chars})))"

    @cached_property
    def explicit(self) -> re.Pattern[str]:
        """Inline links and images, reference definitions and autolinks: the URL is exact."""
        inline = r"\]\(\s*<?" + self._url(r"[^\s<>()]", "inline")
        definition = r"^ {0,3}\[[^\]]+\]:\s*<?" + self._url(r"[^\s<>]", "definition")
        autolink = "<" + self._url(r"[^\s<>]", "autolink") + ">"
        return re.compile(f"{inline}|{definition}|{autolink}")

    @cached_property
    def bare(self) -> re.Pattern[str]:
        return re.compile(self._url(r"[^\s<>()\[\]\"'`]"))

    @cached_property
    def whole(self) -> re.Pattern[str]:
        return re.compile(self._url(r"\S"))


# Backslash escapes in Markdown link destinations (`\_`), and the trailing punctuation that ends a
# sentence rather than a bare URL, as GitHub reads extended autolinks.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_TRAILING = "?!.,:*_~'"


def markdown_links(text: str, file: str, patterns: Patterns) -> Iterator[Link]:
    for number, line in enumerate(text.splitlines(), start=1):
        taken: list[tuple[int, int]] = []
        for match in patterns.explicit.finditer(line):
            kind = match.lastgroup or "autolink"
            url = match.group(kind)
            if kind != "autolink":
                url = html.unescape(_ESCAPE.sub(r"\1", url))
            taken.append(match.span(kind))
            yield Link(file, number, url)
        for match in patterns.bare.finditer(line):
            if not any(start <= match.start() < end for start, end in taken):
                yield Link(file, number, _ESCAPE.sub(r"\1", match.group("url").rstrip(_TRAILING)))


class _Attributes(HTMLParser):
    """Every href and src, with the line of its tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append((self.getpos()[0], value.strip()))


def html_links(text: str, file: str, patterns: Patterns) -> Iterator[Link]:
    parser = _Attributes()
    parser.feed(text)
    parser.close()
    for line, url in parser.found:
        if patterns.whole.fullmatch(url):
            yield Link(file, line, url)


def links_in(path: Path, file: str, patterns: Patterns) -> list[Link]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LinkCheckError(f"{file}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LinkCheckError(f"{file}: not UTF-8 text") from None
    find = html_links if path.suffix.lower() in HTML_SUFFIXES else markdown_links
    return list(find(text, file, patterns))


# --- the built site -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a page of the built site offers links: its anchors, or where it redirects."""

    anchors: frozenset[str]
    redirect: str | None  # the URL a redirect page sends readers to, as written in it


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.redirect: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.anchors.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.anchors.add(values["name"] or "")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.redirect = _refresh_url(values.get("content") or "")


def _refresh_url(content: str) -> str | None:
    match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", content, flags=re.IGNORECASE)
    return match.group(1).strip() if match else None


@dataclass
class BuiltSite:
    """The files of a built site, looked up as a case-sensitive static host would."""

    root: Path
    site_url: str
    _listings: dict[str, frozenset[str]] = field(default_factory=dict)
    _targets: dict[str, Target] = field(default_factory=dict)

    def check(self, url: str) -> str | None:
        """Why `url` (which starts with site_url) leads nowhere, or None if it is fine."""
        path, anchor = self._split(url)
        page = self.page(path)
        if page is None:
            return f"no page at {path or '/'}"
        if not anchor or not page.endswith(HTML_SUFFIXES) or anchor.startswith(":~:"):
            return None  # no anchor, not an HTML page, or a text fragment: nothing more to check
        final = self.follow(page)
        if final is None:
            return f"no page where {_shown(page)} redirects"
        if final and anchor not in self.target(final).anchors:
            moved = f" (where {_shown(page)} redirects)" if final != page else ""
            return f"no anchor #{anchor} on {_shown(final)}{moved}"
        return None

    def _split(self, url: str) -> tuple[str, str]:
        """(path under the site's root, anchor) of a URL inside the site, both unquoted."""
        location, _, fragment = url[len(self.site_url.rstrip("/")) :].partition("#")
        return unquote(urlsplit(location).path).lstrip("/"), unquote(fragment)

    def _inside(self, url: str) -> bool:
        root = self.site_url.rstrip("/")
        return url == root or url.startswith((root + "/", root + "?", root + "#"))

    def page(self, path: str) -> str | None:
        """The file that answers at `path`, as a site-relative POSIX path."""
        clean = posixpath.normpath(path) if path else "."
        if clean.startswith("..") or clean.startswith("/"):
            return None
        clean = "" if clean == "." else clean
        if not clean or path.endswith("/"):
            candidate = posixpath.join(clean, "index.html")
        elif self._is_dir(clean):
            candidate = posixpath.join(clean, "index.html")  # hosts redirect X to X/
        else:
            candidate = clean
        return candidate if self._is_file(candidate) else None

    def follow(self, page: str) -> str | None:
        """The page a chain of redirects from `page` ends on: "" if it leaves the site, None if
        it ends nowhere."""
        for _ in range(MAX_REDIRECTS):
            redirect = self.target(page).redirect
            if redirect is None:
                return page
            destination = urljoin(self.site_url.rstrip("/") + "/" + page, redirect)
            if not self._inside(destination):
                return ""  # another site: its anchors are not ours to check
            next_page = self.page(self._split(destination)[0])
            if next_page is None:
                return None
            page = next_page
        return None

    def target(self, page: str) -> Target:
        if page not in self._targets:
            parser = _Anchors()
            parser.feed((self.root / page).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._targets[page] = Target(frozenset(parser.anchors), parser.redirect)
        return self._targets[page]

    def _listing(self, folder: str) -> frozenset[str]:
        if folder not in self._listings:
            try:
                names = frozenset(p.name for p in (self.root / folder).iterdir())
            except OSError:
                names = frozenset()
            self._listings[folder] = names
        return self._listings[folder]

    def _exists(self, path: str) -> bool:
        """Every part of `path` exists with exactly this spelling (macOS and Windows would find
        `policies/iamreadonlyaccess/` too; the host serving the site would not)."""
        folder = ""
        for part in path.split("/"):
            if part not in self._listing(folder):
                return False
            folder = posixpath.join(folder, part)
        return True

    def _is_file(self, path: str) -> bool:
        return self._exists(path) and (self.root / path).is_file()

    def _is_dir(self, path: str) -> bool:
        return self._exists(path) and (self.root / path).is_dir()


def _shown(page: str) -> str:
    """A page of the site as its address shows it: `policies/X/index.html` is `policies/X/`."""
    if page == "index.html":
        return "/"
    return page.removesuffix("index.html")


# --- a run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    site_url: str
    files: int
    links: int
    broken: tuple[Broken, ...]

    def summary(self) -> str:
        outcome = f"{len(self.broken)} broken" if self.broken else "all found"
        return (
            f"{_count(self.files, 'file')}, {_count(self.links, 'link')} into "
            f"{self.site_url}: {outcome}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def check(files: Iterable[tuple[Path, str]], site_dir: Path, site_url: str) -> Report:
    """Check every link into the site in `files` ((path, name to report) pairs)."""
    if not (site_dir / "index.html").is_file():
        raise LinkCheckError(
            f"{site_dir}: no built site here (run `policydocs build` first, or pass --site DIR)"
        )
    patterns = Patterns(site_url)
    inputs = list(files)
    found = [link for path, name in inputs for link in links_in(path, name, patterns)]
    site = BuiltSite(site_dir, site_url)
    broken = []
    for link in found:
        reason = site.check(link.url)
        if reason is not None:
            broken.append(Broken(link, reason))
    return Report(site_url, len(inputs), len(found), tuple(broken))
