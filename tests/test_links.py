"""Links that last: `links check` on a guide kept elsewhere, renames that keep old links working,
permalink buttons, cross-references in hand-written pages, and the JSON exports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from generator import links, urls
from generator.cli import main

from .conftest import FIXTURES, ROOT, Runner, copy_project, run_in, write

SITE = "https://policydocs.example.com/"
GUIDE = FIXTURES / "guides/onboarding.md"
PIPELINES = "AmazonSageMakerPipelinesIntegrations"
RENAMED = "AmazonSageMakerPipelinesAccess"
GUIDE_SUMMARY = f"1 file, 11 links into {SITE}: all found\n"


def build(project: Path, *args: str) -> Path:
    assert run_in(project, "build", "--strict", *args) == 0
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built: the project folder (its site is in site/)."""
    return build(copy_project(ROOT, tmp_path_factory.mktemp("bundled")))


def rename(project: Path, old: str, new: str) -> None:
    """Rename a policy the way a maintainer would: file, folder, name, topic; and declare it."""
    data = project / "data"
    text = (data / f"policies/{old}.yaml").read_text()
    text = text.replace(f"name: {old}\n", f"name: {new}\nformerly: [{old}]\n")
    (data / f"policies/{old}.yaml").unlink()
    write(project, f"data/policies/{new}.yaml", text)
    (data / f"policies/{old}").rename(data / f"policies/{new}")
    topic = data / "topics/sagemaker-pipelines.yaml"
    topic.write_text(topic.read_text().replace(f"  - {old}\n", f"  - {new}\n"))


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site after renaming the pipelines policy and moving its topic page."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("renamed"))
    rename(project, PIPELINES, RENAMED)
    topic = project / "data/topics/sagemaker-pipelines.yaml"
    topic.rename(topic.with_name("pipelines.yaml"))
    topic = topic.with_name("pipelines.yaml")
    topic.write_text(topic.read_text() + "\nformerly: [sagemaker-pipelines]\n")
    return build(project)


def guide(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = GUIDE.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return write(tmp_path, "guide.md", text)


# --- links check: the done-when of the issue -------------------------------------------------


def test_sample_guide_passes_links_check(site: Path, cli: Runner) -> None:
    result = cli(site, "links", "check", str(GUIDE))
    assert (result.status, result.stderr, result.stdout) == (0, "", GUIDE_SUMMARY)


def test_broken_anchor_is_reported_with_its_line(site: Path, tmp_path: Path, cli: Runner) -> None:
    path = guide(tmp_path, ("AmazonS3ReadOnlyAccess/#v2>", "AmazonS3ReadOnlyAccess/#v7>"))
    result = cli(site, "links", "check", str(path))
    assert result.status == 1
    assert result.errors == [
        f"{path}:15: {SITE}policies/AmazonS3ReadOnlyAccess/#v7: "
        "no anchor #v7 on policies/AmazonS3ReadOnlyAccess/"
    ]
    assert result.stdout == f"1 file, 11 links into {SITE}: 1 broken\n"


def test_every_kind_of_broken_link_is_reported(site: Path, tmp_path: Path, cli: Runner) -> None:
    path = guide(
        tmp_path,
        ("#lambda)", "#Lambda)"),  # anchors are case-sensitive
        (
            "[pipelines-v3]: https://policydocs.example.com/policies/AmazonSageMakerPipelines",
            "[pipelines-v3]: https://policydocs.example.com/policies/AmazonSageMakerPipeline",
        ),
        ("topics/sagemaker-pipelines/#updates", "topics/sagemaker/#updates"),
        ("AmazonS3ReadOnlyAccess/index.json", "amazons3readonlyaccess/index.json"),
    )
    result = cli(site, "links", "check", str(path))
    assert result.status == 1
    assert result.errors == [
        f"{path}:11: {SITE}policies/{PIPELINES}/#Lambda: "
        f"no anchor #Lambda on policies/{PIPELINES}/",
        f"{path}:19: {SITE}topics/sagemaker/#updates: no page at topics/sagemaker/",
        f"{path}:21: {SITE}policies/amazons3readonlyaccess/index.json: "
        "no page at policies/amazons3readonlyaccess/index.json",
        f"{path}:25: {SITE}policies/AmazonSageMakerPipelineIntegrations/#v3: "
        "no page at policies/AmazonSageMakerPipelineIntegrations/",
    ]


def test_links_to_other_sites_and_lookalikes_are_left_alone(
    site: Path, tmp_path: Path, cli: Runner
) -> None:
    path = write(
        tmp_path,
        "other.md",
        "See https://policydocs.example.com.evil.org/policies/Nope/ and "
        "[AWS](https://docs.aws.amazon.com/IAM/) and http://policydocs.example.com/nope/.\n",
    )
    result = cli(site, "links", "check", str(path))
    assert (result.status, result.stdout) == (0, f"1 file, 0 links into {SITE}: all found\n")


def test_html_files_are_checked_by_href_and_src(site: Path, tmp_path: Path, cli: Runner) -> None:
    path = write(
        tmp_path,
        "runbook.html",
        f'<p>Check <a href="{SITE}policies/IAMReadOnlyAccess/#v4">v4</a>\n'
        f'<a class="x"\n   href="{SITE}policies/IAMReadOnlyAccess/#v5">v5</a>\n'
        f'<img src="{SITE}assets/none.png"> <a href="#local">here</a></p>\n',
    )
    result = cli(site, "links", "check", str(path))
    assert result.errors == [
        f"{path}:2: {SITE}policies/IAMReadOnlyAccess/#v5: "
        "no anchor #v5 on policies/IAMReadOnlyAccess/",
        f"{path}:4: {SITE}assets/none.png: no page at assets/none.png",
    ]
    assert result.stdout == f"1 file, 3 links into {SITE}: 2 broken\n"


def test_links_check_needs_site_url_and_a_built_site(minimal: Path, cli: Runner) -> None:
    unbuilt = cli(minimal, "links", "check", str(GUIDE))
    assert (unbuilt.status, unbuilt.errors) == (
        2,
        [
            f"{minimal / 'site'}: no built site here "
            "(run `policydocs build` first, or pass --site DIR)"
        ],
    )
    config = minimal / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://docs.example.com/iam/\n", ""))
    no_url = cli(minimal, "links", "check", str(GUIDE))
    assert (no_url.status, no_url.errors) == (
        2,
        [
            "mkdocs.yml: site_url is not set: links into the site are found by its address; set "
            "site_url to the address the site is published at"
        ],
    )


def test_an_unreadable_file_stops_the_check(site: Path, cli: Runner) -> None:
    result = cli(site, "links", "check", str(GUIDE), "no-such-guide.md")
    assert (result.status, result.errors, result.stdout) == (
        2,
        ["no-such-guide.md: cannot read: No such file or directory"],
        "",
    )


def test_site_option_points_at_a_site_built_elsewhere(
    site: Path, minimal: Path, cli: Runner
) -> None:
    config = minimal / "mkdocs.yml"
    config.write_text(config.read_text().replace("https://docs.example.com/iam/", SITE))
    result = cli(minimal, "links", "check", "--site", str(site / "site"), str(GUIDE))
    assert (result.status, result.stdout) == (0, GUIDE_SUMMARY)


# --- finding links in Markdown -----------------------------------------------------------------


def found(text: str, site_url: str = SITE) -> list[tuple[int, str]]:
    return [
        (link.line, link.url)
        for link in links.markdown_links(text, "g.md", links.Patterns(site_url))
    ]


def test_markdown_forms_are_all_found_exactly_once() -> None:
    text = (
        '[a](https://policydocs.example.com/policies/A/ "title") and ![b](https://policydocs.example.com/b.png)\n'
        "<https://policydocs.example.com/c/#v1>, then https://policydocs.example.com/d/#e.\n"
        "[ref]: <https://policydocs.example.com/policies/Under\\_Score/>\n"
        "**https://policydocs.example.com/f/** (https://policydocs.example.com/g/)\n"
        "`curl https://policydocs.example.com/policies/A/v1.json`\n"
    )
    assert found(text) == [
        (1, f"{SITE}policies/A/"),
        (1, f"{SITE}b.png"),
        (2, f"{SITE}c/#v1"),
        (2, f"{SITE}d/#e"),
        (3, f"{SITE}policies/Under_Score/"),
        (4, f"{SITE}f/"),
        (4, f"{SITE}g/"),
        (5, f"{SITE}policies/A/v1.json"),
    ]


def test_a_site_url_with_a_path_matches_only_under_it() -> None:
    text = "https://docs.example.com/iam/policies/A/ https://docs.example.com/iamx/ https://docs.example.com/iam\n"
    assert found(text, "https://docs.example.com/iam/") == [
        (1, "https://docs.example.com/iam/policies/A/"),
        (1, "https://docs.example.com/iam"),
    ]


# --- the built site as links see it ------------------------------------------------------------


def test_pages_resolve_as_a_static_host_serves_them(site: Path) -> None:
    built = links.BuiltSite(site / "site", SITE)
    assert built.page("") == "index.html"
    assert built.page("policies/IAMReadOnlyAccess/") == "policies/IAMReadOnlyAccess/index.html"
    assert built.page("policies/IAMReadOnlyAccess") == "policies/IAMReadOnlyAccess/index.html"
    assert built.page("policies/IAMReadOnlyAccess/v2.json") == "policies/IAMReadOnlyAccess/v2.json"
    assert built.page("policies/iamreadonlyaccess/") is None
    assert built.page("../site/index.html") is None
    assert built.check(f"{SITE}policies/IAMReadOnlyAccess/v2.json#anything") is None
    assert built.check(f"{SITE}policies/IAMReadOnlyAccess/?utm=x#v2") is None


def test_every_url_in_the_json_exports_resolves(site: Path) -> None:
    built = links.BuiltSite(site / "site", SITE)
    index = json.loads((site / "site/policies/index.json").read_text())
    addresses = list(_urls(index))
    for entry in index["policies"]:
        addresses += _urls(
            json.loads((site / "site" / urls.policy_export(entry["name"])).read_text())
        )
    # The index: 2 per policy, 1 per topic; each export: 3, 2 per version, 1 per group and topic.
    assert len(addresses) == 86
    assert [(url, built.check(url)) for url in addresses if built.check(url)] == []


def _urls(record: object) -> Iterator[str]:
    if isinstance(record, dict):
        for value in record.values():
            yield from _urls(value)
    elif isinstance(record, list):
        for value in record:
            yield from _urls(value)
    elif isinstance(record, str) and record.startswith(SITE):
        yield record


def test_export_of_a_policy_has_its_versions_and_changes(site: Path, cli: Runner) -> None:
    export = json.loads((site / "site" / urls.policy_export(PIPELINES)).read_text())
    assert export["format"] == 1
    assert [v["id"] for v in export["versions"]] == ["v1", "v2", "v3"]
    v3 = export["versions"][2]
    assert v3["previous"] == "v2" and v3["date"] == "2023-02-17"
    assert v3["url"] == f"{SITE}policies/{PIPELINES}/#v3"
    assert v3["document"] == f"{SITE}policies/{PIPELINES}/v3.json"
    diff = cli(site, "diff", PIPELINES, "v2", "v3", "--format", "json")
    assert v3["changes"] == json.loads(diff.stdout)["changes"]
    assert export["topics"] == [
        {
            "slug": "sagemaker-pipelines",
            "title": "AWS Managed Policies for SageMaker Pipelines",
            "url": f"{SITE}topics/sagemaker-pipelines/#{PIPELINES}",
        }
    ]


def test_exports_without_site_url_are_relative_to_themselves(minimal: Path, cli: Runner) -> None:
    config = minimal / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://docs.example.com/iam/\n", ""))
    assert cli(minimal, "generate").status == 0
    docs = minimal / "docs"
    base = "https://anywhere.example/"
    export = json.loads((docs / urls.policy_export("ExamplePolicy")).read_text())
    at = base + urls.policy_export("ExamplePolicy")
    assert urljoin(at, export["url"]) == base + "policies/ExamplePolicy/"
    assert urljoin(at, export["versions"][1]["url"]) == base + "policies/ExamplePolicy/#v2"
    assert urljoin(at, export["versions"][1]["document"]) == base + "policies/ExamplePolicy/v2.json"
    assert export["feeds"] is None
    index = json.loads((docs / urls.POLICY_INDEX).read_text())
    assert urljoin(base + urls.POLICY_INDEX, index["policies"][0]["export"]) == at


# --- renames ----------------------------------------------------------------------------------


def test_rename_keeps_the_sample_guide_working(renamed: Path, cli: Runner) -> None:
    result = cli(renamed, "links", "check", str(GUIDE))
    assert (result.status, result.stderr, result.stdout) == (0, "", GUIDE_SUMMARY)


def test_anchor_behind_a_redirect_is_checked_on_the_new_page(
    renamed: Path, tmp_path: Path, cli: Runner
) -> None:
    path = guide(tmp_path, (f"{PIPELINES}/#lambda", f"{PIPELINES}/#lambada"))
    result = cli(renamed, "links", "check", str(path))
    assert result.errors == [
        f"{path}:11: {SITE}policies/{PIPELINES}/#lambada: no anchor #lambada on "
        f"policies/{RENAMED}/ (where policies/{PIPELINES}/ redirects)"
    ]


def test_redirect_page_keeps_the_anchor(renamed: Path) -> None:
    html = (renamed / f"site/policies/{PIPELINES}/index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}policies/{RENAMED}/"
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url=../{RENAMED}/"
    assert f'location.replace("../{RENAMED}/" + location.hash)' in html
    topic = (renamed / "site/topics/sagemaker-pipelines/index.html").read_text()
    assert 'url=../pipelines/"' in topic


def test_old_json_and_feeds_serve_the_same_bytes(renamed: Path) -> None:
    built = renamed / "site/policies"
    for name in ("v1.json", "v3.json", "index.json", "feed.xml", "rss.xml"):
        assert (built / PIPELINES / name).read_bytes() == (built / RENAMED / name).read_bytes()
    feed = (built / PIPELINES / "feed.xml").read_text()
    assert (
        f'rel="self" type="application/atom+xml" href="{SITE}policies/{RENAMED}/feed.xml"' in feed
    )


def test_old_name_stays_an_anchor_of_the_topic_section(
    renamed: Path, tmp_path: Path, cli: Runner
) -> None:
    path = write(
        tmp_path, "g.md", f"{SITE}topics/pipelines/#{PIPELINES} {SITE}topics/pipelines/#{RENAMED}\n"
    )
    assert cli(renamed, "links", "check", str(path)).status == 0
    about = (renamed / "site/about/index.html").read_text()
    assert f"policies/{PIPELINES}/" in about and "topics/sagemaker-pipelines/" in about


def test_rename_removes_the_old_pages_it_no_longer_needs(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    rename(bundled, "IAMReadOnlyAccess", "IAMReadOnly")
    assert cli(bundled, "generate").status == 0
    old = bundled / "docs/policies/IAMReadOnlyAccess"
    assert sorted(p.name for p in old.iterdir()) == [
        "feed.xml",
        "index.html",
        "index.json",
        "rss.xml",
        "v1.json",
        "v2.json",
        "v3.json",
        "v4.json",
    ]
    text = (bundled / "data/policies/IAMReadOnly.yaml").read_text()
    (bundled / "data/policies/IAMReadOnly.yaml").write_text(
        text.replace("formerly: [IAMReadOnlyAccess]\n", "")
    )
    assert cli(bundled, "generate").status == 0
    assert not old.exists()


def test_renames_work_without_directory_urls(minimal: Path, cli: Runner) -> None:
    config = minimal / "mkdocs.yml"
    config.write_text(config.read_text() + "use_directory_urls: false\n")
    policy = minimal / "data/policies/ExamplePolicy.yaml"
    policy.write_text(
        policy.read_text().replace(
            "name: ExamplePolicy\n", "name: ExamplePolicy\nformerly: [DataTeamPolicy]\n"
        )
    )
    topic = minimal / "data/topics/example.yaml"
    topic.write_text(topic.read_text() + "formerly: [data-team]\n")
    build(minimal)
    old_topic = minimal / "site/topics/data-team/index.html"
    assert 'url=../example/index.html"' in old_topic.read_text()
    base = "https://docs.example.com/iam/"
    path = write(
        minimal,
        "g.md",
        f"{base}policies/DataTeamPolicy/index.html#v2\n"
        f"{base}topics/data-team/index.html#ExamplePolicy\n"
        f"{base}policies/ExamplePolicy/index.html#glue {base}about/index.html#urls\n",
    )
    result = cli(minimal, "links", "check", str(path))
    assert (result.status, result.stdout) == (0, f"1 file, 4 links into {base}: all found\n")


# --- permalinks and cross-references on the built site --------------------------------------


def test_versions_and_permission_groups_have_permalink_buttons(site: Path) -> None:
    html = BeautifulSoup(
        (site / f"site/policies/{PIPELINES}/index.html").read_text(), "html.parser"
    )
    buttons = {a["href"]: a["data-permalink"] for a in html.select("a.policydocs-permalink")}
    expected = ["#elasticmapreduce", "#events", "#iam", "#lambda", "#sqs", "#v3", "#v2", "#v1"]
    assert list(buttons) == expected
    assert buttons["#v2"] == f"{SITE}policies/{PIPELINES}/#v2"
    assert html.find("a", class_="policydocs-permalink", href="#v2").find_parent("tr").find(id="v2")
    scripts = [s.get("src", "") for s in html.find_all("script")]
    assert "../../assets/policydocs/policydocs.js" in scripts
    topic = BeautifulSoup(
        (site / "site/topics/sagemaker-pipelines/index.html").read_text(), "html.parser"
    )
    hrefs = [a["href"] for a in topic.select("a.policydocs-permalink")]
    assert hrefs[0] == f"../../policies/{PIPELINES}/#elasticmapreduce"
    assert (site / "site/assets/policydocs/policydocs.js").read_bytes() == (
        ROOT / "generator/assets/policydocs.js"
    ).read_bytes()


def test_permalink_script_copies_without_external_requests() -> None:
    script = (ROOT / "generator/assets/policydocs.js").read_text()
    assert "navigator.clipboard.writeText" in script and "data-permalink" in script
    assert not re.search(r"https?://", script)


def test_guide_cross_references_resolve_to_data_anchors(site: Path) -> None:
    html = BeautifulSoup((site / "site/guides/onboarding/index.html").read_text(), "html.parser")
    refs = {a.get_text(): a["href"] for a in html.select("a.autorefs")}
    assert refs["Lambda permissions"] == f"../../policies/{PIPELINES}/#lambda"
    assert refs["version 3"] == f"../../policies/{PIPELINES}/#v3"
    assert refs["AmazonS3ReadOnlyAccess"].startswith("../../policies/AmazonS3ReadOnlyAccess/")
    assert refs["SageMaker Pipelines topic page"].startswith("../../topics/sagemaker-pipelines/")
    assert "][policy:" not in html.find("h2", id="your-roles").find_next("ul").get_text()


def test_unresolved_cross_reference_fails_the_strict_build(
    bundled: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    page = bundled / "docs/guides/onboarding.md"
    page.write_text(page.read_text() + "\nSee [v9][policy:AmazonS3ReadOnlyAccess#v9].\n")
    monkeypatch.chdir(bundled)
    capfd.readouterr()
    assert main(["build", "--strict"]) == 1
    err = capfd.readouterr().err
    assert (
        "guides/onboarding.md: Could not find cross-reference target "
        "'policy:AmazonS3ReadOnlyAccess#v9'" in err
    )
    assert "mkdocs build failed (see above); site/ was left as it was" in err
    assert not (bundled / "site").exists()


def test_about_page_is_in_the_nav(site: Path) -> None:
    home = BeautifulSoup((site / "site/index.html").read_text(), "html.parser")
    nav = [a.get_text(strip=True) for a in home.select("nav.md-nav--primary a.md-nav__link")]
    assert "About these docs" in nav
    about = BeautifulSoup((site / "site/about/index.html").read_text(), "html.parser")
    for anchor in ("urls", "redirects", "json", "xrefs", "links-check"):
        assert about.find(id=anchor) is not None


def test_shared_helpers_for_addresses() -> None:
    assert urls.between("policies/A/", "policies/B/") == "../B/"
    assert urls.between("policies/A/index.html", "policies/B/index.html") == "../B/index.html"
    assert urls.between("topics/old.html", "topics/new.html") == "new.html"
    assert urls.between("about/", "") == "../"
    assert urls.between("policies/A/", "policies/A/") == "./"
    assert urls.redirect_file("topics/x.md") == "topics/x/index.html"
    assert urls.redirect_file("topics/x.md", directory_urls=False) == "topics/x.html"
    assert (
        urls.redirect_file("policies/X/index.md", directory_urls=False) == "policies/X/index.html"
    )
