"""A Python-Markdown extension that passes the generated pages' long raw HTML blocks through
untouched.

Generated pages write their long tables as raw HTML between two comment lines:

    <!-- policydocs:raw -->
    <div class="policydocs-table"><table>...</table></div>
    <!-- /policydocs:raw -->

Python-Markdown (and MkDocs' anchor scan before it) parse raw HTML tag by tag to find where a
block ends; on a catalogue of thousands of policies that is most of a build. This extension
stashes the block, markers included, as it is, before either parser runs, exactly as the raw
HTML step would have stashed it. Without the extension (another builder) the markers are
comments and the HTML is ordinary raw HTML: pages come out the same, only slower.

MkDocs' anchor scan does not see into stashed blocks either, so `anchors()` finds their ids with
one regular expression over the page's HTML, for the MkDocs adapter to add to the page's anchors
before links to them are checked.
"""

from __future__ import annotations

import html
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

START = "<!-- policydocs:raw -->"
END = "<!-- /policydocs:raw -->"


class _Stash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None and line == START:
                block = []
            elif block is not None and line == END:
                # Markers included: the page is then exactly what it is without this extension.
                out += ["", self.md.htmlStash.store("\n".join([START, *block, END])), ""]
                block = None
            elif block is not None:
                block.append(line)
            else:
                out.append(line)
        if block is not None:  # no end marker: leave the lines to the usual steps
            out += [START, *block]
        return out


class RawBlocks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace is normalised (30), before MkDocs' anchor scan (21) and the raw HTML
        # step (20).
        md.preprocessors.register(_Stash(md), "policydocs_raw", 25)


def makeExtension(**kwargs: object) -> RawBlocks:
    return RawBlocks(**kwargs)


_BLOCK = re.compile(re.escape(START) + r"(.*?)" + re.escape(END), re.DOTALL)
_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")


def anchors(page: str) -> set[str]:
    """The ids of the elements inside the stashed blocks of a page's HTML."""
    found: set[str] = set()
    for block in _BLOCK.findall(page):
        found.update(html.unescape(a or b) for a, b in _ID.findall(block))
    return found
