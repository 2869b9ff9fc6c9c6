"""The raw-blocks extension changes how fast pages convert, never what they convert to."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from generator.markdown_ext import END, START, RawBlocks, anchors

from .conftest import ROOT, Runner, copy_project, run_in

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details"]


def convert(text: str, *extra: object) -> str:
    """The HTML, without the blank lines between elements (which do not show)."""
    html = markdown.Markdown(extensions=[*EXTENSIONS, *extra]).convert(text)
    return "\n".join(line for line in html.splitlines() if line.strip())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    project = copy_project(ROOT, tmp_path_factory.mktemp("raw"))
    assert run_in(project, "generate") == 0
    return sorted((project / "docs").rglob("*.md"))


def test_generated_pages_convert_the_same_with_and_without_it(pages: list[Path]) -> None:
    marked = [p for p in pages if START in p.read_text()]
    assert len(marked) > 10  # policy, service and list pages
    for path in marked:
        text = path.read_text().split("---\n", 2)[-1]  # without front matter
        assert convert(text, RawBlocks()) == convert(text), path


def test_blocks_are_passed_through_as_written() -> None:
    text = (
        f"Before.\n\n{START}\n<table>\n<tr><td>*not emphasis*</td></tr>\n</table>\n{END}\n\nAfter."
    )
    html = convert(text, RawBlocks())
    assert "<table>\n<tr><td>*not emphasis*</td></tr>\n</table>" in html
    assert html.startswith("<p>Before.</p>") and html.endswith("<p>After.</p>")
    assert html.count(START) == html.count(END) == 1


def test_an_unclosed_block_is_left_to_markdown() -> None:
    text = f"{START}\n*emphasis*"
    assert convert(text, RawBlocks()) == convert(text)


def test_the_plugin_adds_it_to_mkdocs(bundled: Path, cli: Runner) -> None:
    from mkdocs.config import load_config

    config = load_config(str(bundled / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert any(isinstance(e, RawBlocks) for e in config.markdown_extensions)


def test_anchors_inside_blocks_are_found_for_mkdocs() -> None:
    page = (
        f'<h2 id="outside">T</h2>\n{START}\n<details id="compare-v3">'
        f"<span id='a&amp;b'></span><td data-id=\"not-an-id\"></td></details>\n{END}"
    )
    assert anchors(page) == {"compare-v3", "a&b"}
