"""The built site in a real browser: Debian's Chromium driven by Playwright, headless and kept
off the network. A missing browser is a failure, not a skip: these tests are part of CI."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from .conftest import ROOT, copy_project, run_in

CHROMIUM = os.environ.get("POLICYDOCS_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from reaching out to the network on its own.
OFFLINE = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
]
PIPELINES = "AmazonSageMakerPipelinesIntegrations"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = copy_project(ROOT, tmp_path_factory.mktemp("browser"))
    assert run_in(project, "build", "--strict") == 0
    handler = functools.partial(_Quiet, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as "
        ".ci/run does, or set POLICYDOCS_CHROMIUM"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=OFFLINE)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    # Nothing but the local server: a request anywhere else is a bug in the site.
    context.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: _console(m, problems))
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A request cut short by the next navigation (ERR_ABORTED) is not a problem of the site.
    tab.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == "net::ERR_ABORTED"
            else problems.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    yield tab
    context.close()
    assert problems == []


def _console(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"console {message.type}: {message.text}")


def test_policy_page_renders_its_tables(page: Page) -> None:
    page.goto(f"policies/{PIPELINES}/")
    expect(page.locator("article h1")).to_contain_text(PIPELINES)
    statements = page.locator("#statements ~ .policydocs-table table").first
    expect(statements.locator("tbody tr")).to_have_count(5)
    emr = page.locator("#actions-elasticmapreduce ~ .policydocs-table table").first
    expect(emr.locator("tbody tr")).to_have_count(7)
    expect(emr.locator("tbody tr").first).to_contain_text("Write")
    history = page.locator("#version-history ~ .policydocs-table table").first
    expect(history.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#lambda")).to_be_attached()


def test_copy_button_copies_the_json(page: Page) -> None:
    page.goto(f"policies/{PIPELINES}/")
    block = page.locator("#policy-document ~ div.highlight").first
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = json.loads((ROOT / f"data/policies/{PIPELINES}/v3.json").read_text())
    assert json.loads(copied) == expected


def _search(page: Page, query: str) -> list[str]:
    page.goto("")
    page.locator("input.md-search__input").click()
    page.keyboard.type(query)  # Material searches on key events, not on a filled value
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    # Read in one step: Material keeps rendering results while the list is read item by item.
    hrefs: list[str] = page.eval_on_selector_all(
        ".md-search-result__link", "links => links.map(a => a.getAttribute('href'))"
    )
    return hrefs


def test_search_finds_a_policy_by_name(page: Page) -> None:
    links = _search(page, "AmazonS3ReadOnlyAccess")
    assert any("policies/AmazonS3ReadOnlyAccess/" in link for link in links), links


def test_search_finds_a_policy_by_an_action(page: Page) -> None:
    links = _search(page, "elasticmapreduce:RunJobFlow")
    assert any(f"policies/{PIPELINES}/" in link for link in links), links


def test_link_to_a_version_lands_on_its_row(page: Page) -> None:
    page.goto(f"policies/{PIPELINES}/#v2")
    row = page.locator("tr:has(#v2)")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("April 20, 2022")
    highlighted = row.evaluate("r => getComputedStyle(r).backgroundColor")
    plain = page.locator("tr:has(#v1)").evaluate("r => getComputedStyle(r).backgroundColor")
    assert highlighted != plain


def test_compare_view_opens_on_its_link(page: Page) -> None:
    page.goto(f"policies/{PIPELINES}/")
    page.locator("a[href='#compare-v3']").click()
    view = page.locator("details#compare-v3")
    expect(view).to_have_attribute("open", "")
    added = view.locator(".policydocs-added", has_text="elasticmapreduce.amazonaws.com")
    expect(added).to_have_count(1)
    expect(added).to_be_visible()
    page.goto("")
    page.goto(f"policies/{PIPELINES}/#compare-v2")  # arriving with the anchor opens it too
    expect(page.locator("details#compare-v2")).to_have_attribute("open", "")
    expect(page.locator("details#compare-v3")).not_to_have_attribute("open", "")


def test_pages_load_without_console_errors(page: Page) -> None:
    for path in (
        "",
        "policies/",
        "topics/",
        "updates/",
        "topics/sagemaker-pipelines/",
        "policies/AdministratorAccess/",
        "services/",
        "services/iam/",
    ):
        page.goto(path)
        expect(page.locator("article h1").first).to_be_visible()


def test_a_wildcard_opens_to_the_actions_it_matches(page: Page) -> None:
    page.goto("policies/AmazonS3ReadOnlyAccess/#actions-s3")
    row = page.locator("tr", has=page.locator("code", has_text="s3:List*")).first
    expect(row).to_contain_text("actions")
    listing = row.locator("details")
    expect(listing.locator("p")).to_be_hidden()
    listing.locator("summary").click()
    expect(listing.locator("p")).to_contain_text("ListBucket")


def test_a_link_to_an_action_of_a_service_lands_on_its_row(page: Page) -> None:
    page.goto("services/iam/#PassRole")
    row = page.locator("tr:has(#PassRole)")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("Grants permission to pass a role to a service")
    named = row.locator("a", has_text=PIPELINES)
    named.click()
    expect(page).to_have_url(re.compile(f"/policies/{PIPELINES}/$"))


def _catalogue_names(page: Page) -> list[str]:
    names: list[str] = page.eval_on_selector_all(
        "#catalogue tbody tr:not([hidden]) td:first-child a", "links => links.map(a => a.text)"
    )
    return names


def test_the_catalogue_sorts_and_filters(page: Page) -> None:
    page.goto("policies/")
    names = _catalogue_names(page)
    assert names == sorted(names) and len(names) == 5
    updated = page.locator("#catalogue th", has_text="Last updated")
    updated.click()
    expect(updated).to_have_attribute("aria-sort", "ascending")
    assert _catalogue_names(page)[0] == "AdministratorAccess"  # 2015, the oldest
    updated.click()
    expect(updated).to_have_attribute("aria-sort", "descending")
    assert _catalogue_names(page)[0] == "AmazonS3ReadOnlyAccess"  # August 2023, the newest
    page.locator("input[data-policydocs-filter='catalogue']").fill("sagemaker")
    assert sorted(_catalogue_names(page)) == [
        "AmazonSageMakerPipelinesIntegrations",
        "AmazonSageMakerReadOnly",
    ]
