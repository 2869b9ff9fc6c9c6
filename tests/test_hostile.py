"""A site built from hostile data (tests/fixtures/hostile): every string tries to become markup
(HTML, Markdown, table cells, Jinja, attribute lists, snippets) and none may. The built HTML is
parsed: no element or attribute comes from data, and every table keeps its columns."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import FIXTURES, copy_project, run_in

NAME = "Evil+=,.@-_Policy"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile"))
    assert run_in(project, "build", "--strict") == 0
    return project / "site"


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_built(site: Path) -> None:
    built = {p.relative_to(site).as_posix() for p in pages(site)}
    assert {
        f"policies/{NAME}/index.html",
        "topics/hostile/index.html",
        "policies/index.html",
        "updates/index.html",
    } <= built


def test_no_element_or_attribute_comes_from_data(site: Path) -> None:
    # The hand-written home page has the theme's own scripts and nothing from data.
    theme_scripts = len(soup(site / "index.html").find_all("script"))
    for path in pages(site):
        html = soup(path)
        for tag in html.find_all(True):
            assert not any(a.lower().startswith("on") for a in tag.attrs), (path, tag)
            assert tag.get("id") != "injected", path
            assert "class" not in tag.get("class", []), path
            href = str(tag.get("href", ""))
            assert not href.lower().startswith("javascript:"), (path, tag)
        assert html.find("img") is None, path
        assert html.find("b") is None, path  # templates write <strong>; <b> only comes from data
        assert html.find("div", attrs={"onmouseover": True}) is None
        scripts = html.find_all("script")
        assert len(scripts) == theme_scripts, path
        assert not any("alert" in f"{s.get('src', '')}{s.text}" for s in scripts), path


def test_hostile_strings_are_shown_literally(site: Path) -> None:
    article = soup(site / f"policies/{NAME}/index.html").find("article")
    assert isinstance(article, Tag)
    text = article.get_text()
    for shown in (
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "{{ 7*7 }} {% if true %}jinja{% endif %} {# comment #}",
        "*emphasis* _under_ [link](javascript:alert(1))",
        "{: #injected",
        '--8<-- "mkdocs.yml"',
        "arn:aws:iam::123456789012:policy/<script>alert(1)<|",
    ):
        assert shown in text, shown
    assert "49" not in text


def test_cells_hold_whole_values(site: Path) -> None:
    # Python-Markdown drops cells beyond the header's count, so a value that split its row
    # would lose its tail silently: the whole value must be in one cell.
    cells = {td.get_text() for td in soup(site / f"policies/{NAME}/index.html").find_all("td")}
    assert "x`|`<b>bold</b>|`z" in cells
    assert "a | b | c" in cells


def test_tables_keep_their_columns(site: Path) -> None:
    checked = 0
    for path in pages(site):
        for table in soup(path).find_all("table"):
            widths = {len(row.find_all(["td", "th"])) for row in table.find_all("tr")}
            assert len(widths) == 1, (path, widths)
            checked += 1
    assert checked >= 5


def test_topic_title_stays_a_title(site: Path) -> None:
    html = soup(site / "topics/hostile/index.html")
    heading = html.find("article").find("h1")  # type: ignore[union-attr]
    assert heading.get_text().startswith("<script>alert('x')</script> | {{ 7*7 }}")
    # Themes print titles unescaped in <title> and the header: brackets become look-alikes.
    title = html.find("title").get_text()  # type: ignore[union-attr]
    assert title.startswith("\u2039script\u203aalert('x')\u2039/script\u203a | {{ 7*7 }}")


@pytest.mark.parametrize(
    "feed", ["updates/feed.xml", "updates/rss.xml", f"policies/{NAME}/feed.xml"]
)
def test_feeds_are_well_formed(site: Path, feed: str) -> None:
    root = ET.fromstring((site / feed).read_bytes())
    text = "".join(root.itertext())
    assert NAME in text
