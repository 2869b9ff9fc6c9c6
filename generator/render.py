"""Pages from facts: one Jinja environment, templates that only format.

Templates may print only `Markup`: every value from data must pass through a filter that escapes
it for where it lands (`text`, `code`, `cell`, ...). A template that prints a plain string fails
loudly instead of leaking data into the page unescaped.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import export, markup, search, urls
from .derive import SiteFacts
from .errors import PolicyDocsError
from .iam.compare import DiffLine, LineKind

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class TemplateError(PolicyDocsError):
    """A template (ours or a user's override) that cannot render."""


def aws_date(value: dt.date) -> Markup:
    """Dates as AWS's documentation shows them: April 20, 2022."""
    return Markup(f"{MONTHS[value.month - 1]} {value.day}, {value.year}")


def _guard(value: Any) -> Any:
    if isinstance(value, Markup) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _Unescaped(
        f"printed {type(value).__name__} {str(value)[:40]!r} without an escaping "
        "filter (text, code, cell, html, prose, ...)"
    )


class _Unescaped(Exception):
    pass


def cell(value: Any) -> Markup:
    """Prose in a Markdown table cell: one line, and no `|` that would split the cell."""
    return Markup(_escape_pipes(markup.one_line(str(value)).strip()))


def _escape_pipes(text: str) -> str:
    out, in_code = [], ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            fence = "`" * run
            in_code = "" if in_code == fence else (in_code or fence)
            out.append(fence)
            i += run
            continue
        out.append("\\|" if ch == "|" and not in_code and (i == 0 or text[i - 1] != "\\") else ch)
        i += 1
    return "".join(out)


def rfc3339(value: dt.date) -> Markup:
    return Markup(f"{value.isoformat()}T00:00:00Z")


def rfc822(value: dt.date) -> Markup:
    moment = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return Markup(email.utils.format_datetime(moment))


def diff_lines(lines: tuple[DiffLine, ...]) -> Markup:
    """A comparison inside a raw HTML <pre>: changed lines and hunk headers in a span classed
    by kind, context lines as they are (most of the lines, so the markup stays light)."""
    return Markup("".join(_diff_line(line) for line in lines))


def _diff_line(line: DiffLine) -> str:
    text = markup.element_text(line.text)
    if line.kind is LineKind.CONTEXT:
        return f"{text}\n"
    return f'<span class="policydocs-{line.kind}">{text}</span>\n'


def access_levels(counts: dict[Any, int]) -> Markup:
    """`{Write: 9, Read: 4}` -> `Write 9 · Read 4`, most powerful level first."""
    return Markup(" · ".join(f"{markup.html(level)} {n:,}" for level, n in counts.items()))


def number(value: int) -> Markup:
    return Markup(f"{value:,}")


def counted(value: int, noun: str, plural: str | None = None) -> Markup:
    """`counted(3, "action")` -> `3 actions`; `counted(3, "policy", "policies")`."""
    return Markup(f"{value:,} {noun if value == 1 else plural or noun + 's'}")


def month_name(value: dt.date) -> Markup:
    return Markup(f"{MONTHS[value.month - 1]} {value.year}")


FILTERS: dict[str, Callable[..., Any]] = {
    "text": markup.text,
    "code": markup.code,
    "html": markup.html,
    "prose": markup.prose,
    "prose_inline": markup.prose_inline,
    "cell": cell,
    "yaml": markup.yaml_string,
    "date": aws_date,
    "iso": lambda d: Markup(d.isoformat()),
    "json_block": lambda s: markup.pre(s, "json"),
    "js_string": markup.js_string,
    "rfc3339": rfc3339,
    "rfc822": rfc822,
    "month": month_name,
    "levels": access_levels,
    "number": number,
    "counted": counted,
    "names": lambda actions: Markup(", ".join(markup.element_text(a.name) for a in actions)),
    "diff_lines": diff_lines,
    "ym": lambda d: Markup(f"{d.year:04d}-{d.month:02d}"),
}


@dataclass(frozen=True)
class Options:
    """What rendering needs from the settings."""

    templates_dir: Path | None = None
    site_url: str | None = None  # feeds are written only when it is set
    directory_urls: bool = True
    site_name: str = "Policies"


def environment(options: Options) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if options.templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(options.templates_dir))
    loaders.append(jinja2.PackageLoader("generator", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # macro output is Markup; plain strings still hit the guard
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_guard,
    )
    env.filters.update(FILTERS)
    env.globals["link"] = _link
    env.globals["urls"] = urls
    env.globals["site_name"] = options.site_name

    directory_urls, site_url = options.directory_urls, options.site_url

    def served(path: str, anchor: str = "") -> Markup:
        """Where `path` is served, relative to the site's root."""
        return markup.html(_anchored(urls.served_at(path, directory_urls), anchor))

    def url(path: str, anchor: str = "") -> Markup:
        """The absolute address of `path`: a global only when site_url is set."""
        return markup.html(_anchored(urls.absolute(site_url or "", path, directory_urls), anchor))

    @jinja2.pass_context
    def href(context: jinja2.runtime.Context, target: str) -> Markup:
        """The URL of `target` relative to the page being rendered, for raw HTML links (MkDocs
        rewrites links to .md files only in Markdown)."""
        here = urls.served_at(context["page"], directory_urls)
        return markup.html(urls.between(here, urls.served_at(target, directory_urls)))

    env.globals["served"] = served
    env.globals["href"] = href
    # Shown to readers: absolute when site_url is known.
    env.globals["address"] = url if site_url else served
    if site_url:
        env.globals["url"] = url
    return env


def _anchored(address: str, anchor: str) -> str:
    return address + (f"#{anchor}" if anchor else "")


@jinja2.pass_context
def _link(context: jinja2.runtime.Context, target: str) -> Markup:
    """A link from the page being rendered to `target` (docs-relative)."""
    return Markup(urls.relative(context["page"], target))


@dataclass(frozen=True)
class Page:
    path: str  # docs-relative
    template: str
    context: dict[str, Any]


def pages(site: SiteFacts, sources: dict[str, str], feeds: bool) -> Iterator[Page]:
    """Every page of the site. `sources` maps a policy or topic to the data file it came from."""
    yield Page(urls.CATALOGUE, "catalogue.md.jinja", {"site": site})
    yield Page(urls.TOPICS, "topics.md.jinja", {"site": site})
    yield Page(urls.ABOUT, "about.md.jinja", {"site": site, "feeds": feeds, **examples(site)})
    yield Page(urls.WHATS_NEW, "whats-new.md.jinja", {"site": site, "feeds": feeds})
    if feeds:
        yield from feed_pages(site)
    for policy in site.policies:
        yield Page(
            urls.policy_page(policy.name),
            "policy.md.jinja",
            {
                "site": site,
                "policy": policy,
                "topics": site.topics_of(policy),
                "source": sources[policy.name],
                "feeds": feeds,
            },
        )
    for topic in site.topics:
        yield Page(
            urls.topic_page(topic.slug),
            "topic.md.jinja",
            {"site": site, "topic": topic, "source": sources[f"topic:{topic.slug}"]},
        )
    yield Page(urls.SERVICES, "services.md.jinja", {"site": site})
    for use in site.services:
        yield Page(urls.service_page(use.prefix), "service.md.jinja", {"site": site, "use": use})


SITE_FEED_ENTRIES = 100


def feed_pages(site: SiteFacts) -> Iterator[Page]:
    """Atom and RSS 2.0, for the whole site (its latest changes) and for each policy."""
    latest = site.changes[:SITE_FEED_ENTRIES]
    about = {"title": "What's new", "follows": urls.WHATS_NEW}
    yield Page(
        urls.SITE_ATOM, "feed.atom.jinja", {"entries": latest, "feed_path": urls.SITE_ATOM, **about}
    )
    yield Page(
        urls.SITE_RSS, "feed.rss.jinja", {"entries": latest, "feed_path": urls.SITE_RSS, **about}
    )
    for policy in site.policies:
        entries = policy.newest_first
        about = {"title": policy.name, "follows": urls.policy_page(policy.name)}
        yield Page(
            urls.policy_atom(policy.name),
            "feed.atom.jinja",
            {"entries": entries, "feed_path": urls.policy_atom(policy.name), **about},
        )
        yield Page(
            urls.policy_rss(policy.name),
            "feed.rss.jinja",
            {"entries": entries, "feed_path": urls.policy_rss(policy.name), **about},
        )


def examples(site: SiteFacts) -> dict[str, Any]:
    """What the About page shows its URLs with: a policy with a history and a permission group
    if there is one, a topic, and a service. None where the site has none."""
    policies = sorted(site.policies, key=lambda p: (len(p.versions) < 2 or not p.groups, p.name))
    return {
        "example": policies[0] if policies else None,
        "example_topic": site.topics[0] if site.topics else None,
        "example_service": next((s for s in site.services if s.actions), None),
    }


def redirect_pages(site: SiteFacts, directory_urls: bool) -> Iterator[Page]:
    """A small HTML page at each old address of a renamed policy or topic, sending readers (and
    the #anchor they asked for) to the new one. Plain files: any builder copies them as they are."""
    moves = [
        (urls.policy_page(old), urls.policy_page(p.name), p.name)
        for p in site.policies
        for old in p.formerly
    ]
    moves += [
        (urls.topic_page(old), urls.topic_page(t.slug), t.title)
        for t in site.topics
        for old in t.formerly
    ]
    for old, new, title in moves:
        path = urls.redirect_file(old, directory_urls)
        yield Page(
            path,
            "redirect.html.jinja",
            {
                "to": urls.between(path, urls.served_at(new, directory_urls)),
                "target": new,
                "title": title,
            },
        )


def former_copies(site: SiteFacts, out: dict[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """A renamed policy's JSON and feeds at its old addresses too: scripts and feed readers fetch
    them without following an HTML redirect, so they get the same bytes."""
    for policy in site.policies:
        files = [urls.policy_document(policy.name, v.id) for v in policy.versions]
        files += [
            urls.policy_export(policy.name),
            urls.policy_atom(policy.name),
            urls.policy_rss(policy.name),
        ]
        new_folder = posixpath.dirname(urls.policy_page(policy.name))
        for old in policy.formerly:
            old_folder = posixpath.dirname(urls.policy_page(old))
            for path in files:
                if path in out:
                    yield old_folder + path.removeprefix(new_folder), out[path]


def raw_documents(site: SiteFacts) -> Iterator[tuple[str, bytes]]:
    """Every version's document, as published beside its policy's page."""
    for policy in site.policies:
        for version in policy.versions:
            text = version.document.compact() + "\n"
            yield urls.policy_document(policy.name, version.id), text.encode()


def assets() -> Iterator[tuple[str, bytes]]:
    base = resources.files("generator") / "assets"
    yield urls.STYLESHEET, (base / "policydocs.css").read_bytes()
    yield urls.SCRIPT, (base / "policydocs.js").read_bytes()


def render_all(site: SiteFacts, sources: dict[str, str], options: Options) -> dict[str, bytes]:
    env = environment(options)
    out: dict[str, bytes] = {}
    for page in pages(site, sources, feeds=options.site_url is not None):
        out[page.path] = render_page(env, page).encode()
    for page in redirect_pages(site, options.directory_urls):
        out[page.path] = render_page(env, page).encode()
    out.update(raw_documents(site))
    out.update(export.exports(site, options.site_url, options.directory_urls))
    out.update(former_copies(site, out))
    out.update(assets())
    out[urls.SEARCH_ENTRIES] = search.encode(search.entries(site, options.directory_urls))
    return out


def render_page(env: jinja2.Environment, page: Page) -> str:
    try:
        template = env.get_template(page.template)
        return template.render(page=page.path, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}") from None
    except (_Unescaped, jinja2.UndefinedError) as exc:
        raise TemplateError(f"{_template_position(exc, page.template)}: {exc}") from None


def _template_position(exc: BaseException, fallback: str) -> str:
    """Jinja rewrites tracebacks to point into templates: the innermost template frame is it."""
    where = fallback
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
