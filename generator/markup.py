"""Escaping for every place a string from data can land in generated Markdown.

Each function returns `Markup`, the type the templates require for output: a template cannot print
a plain string by accident (see `render.py`), so every value from data goes through one of these.
The rules cover exactly the Markdown extensions enabled in `mkdocs.yml`; enabling another inline
syntax means teaching `text` about it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
# Inline syntax of Python-Markdown, tables and attr_list: emphasis, code, links, cell separators,
# attribute lists, closing hashes of headings and backslash itself. Block syntax cannot start
# mid-line, where text always lands.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#])")
_BACKTICKS = re.compile(r"`+")
_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in "&<>\"'\\`*_[]{}|#!~^=:+-"}


def one_line(value: str) -> str:
    return _NEWLINES.sub(" ", value)


def text(value: Any) -> Markup:
    """Literal text inside Markdown: shown exactly as written, never interpreted."""
    html_safe = str(escape(one_line(str(value))))
    return Markup(_MD_SPECIAL.sub(r"\\\1", html_safe))


def code(value: Any) -> Markup:
    """An inline code span that holds any string, backticks and pipes included."""
    raw = one_line(str(value))
    if "<" in raw:
        # MkDocs finds anchors by feeding the Markdown source to an HTML parser, which would
        # take a literal `<script>` in a code span as the start of a script element and miss
        # every anchor after it: such values become an HTML code element instead.
        return Markup(f"<code>{_entities(raw)}</code>")
    longest = max((len(m) for m in _BACKTICKS.findall(raw)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return Markup(f"{fence}{pad}{raw}{pad}{fence}")


def _entities(raw: str) -> str:
    """Markdown still runs inside an inline HTML element, and the table extension splits rows
    at pipes outside backticks: every character either could act on becomes an entity."""
    return raw.translate(_ENTITIES)


def html(value: Any) -> Markup:
    """Text inside a raw HTML block, where Markdown is not processed."""
    return escape(str(value))


_PRE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def element_text(value: Any) -> Markup:
    """Text inside an HTML element (not an attribute): only `&`, `<` and `>` need escaping,
    which keeps JSON, full of quotes, light."""
    return Markup(str(value).translate(_PRE))


def pre(value: str, language: str) -> Markup:
    """A code block as raw HTML, in the markup Material gives fenced blocks (so it gets their
    copy button), without a highlighter pass: on a long JSON document that pass costs more
    than the rest of the page. Only `&`, `<` and `>` need escaping in element text."""
    return Markup(
        f'<div class="language-{language} highlight"><pre><span></span>'
        f'<code class="language-{language}">{element_text(value)}</code></pre></div>'
    )


# MkDocs themes print a page's title unescaped (Material in its header) and pass it through
# `striptags`, which unescapes entities, in <title>: neither raw nor escaped angle brackets are
# safe there, so a title keeps its text with look-alike brackets instead.
_TITLE_BRACKETS = str.maketrans({"<": "\u2039", ">": "\u203a"})


def yaml_string(value: Any) -> Markup:
    """A title for front matter: one line, as a JSON string (valid YAML), brackets defused."""
    return Markup(json.dumps(one_line(str(value)).translate(_TITLE_BRACKETS), ensure_ascii=False))


def js_string(value: Any) -> Markup:
    """A JavaScript string literal, safe inside an HTML <script> element: no `<`, `>` or `&`
    that could end the element, and no line separators (json.dumps escapes non-ASCII)."""
    literal = json.dumps(str(value))
    for ch in "<>&":
        literal = literal.replace(ch, f"\\u{ord(ch):04x}")
    return Markup(literal)


def prose(value: str | None) -> Markup:
    """Markdown written by maintainers in data/: trusted, rendered as written (see README)."""
    return Markup((value or "").strip())


def prose_inline(value: str) -> Markup:
    """One line of maintainers' Markdown (a change note) as HTML, for a raw HTML table where
    Markdown is not processed: trusted like all their prose (see README)."""
    import markdown  # only sites with notes pay for it

    html = markdown.markdown(one_line(value).strip())
    return Markup(html.removeprefix("<p>").removesuffix("</p>"))


def words(items: list[str], conjunction: str = "and") -> str:
    """`['a', 'b', 'c']` -> `a, b, and c`, the way AWS's change notes list things."""
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]
