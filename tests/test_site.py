"""The whole site, end to end: `policydocs build --strict` with the real MkDocs and Material,
then the HTML of the topic and policy pages read back as a reader sees it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import ROOT, Runner, copy_project, run_in

SEED_V2 = (
    "Added permissions for lambda:GetFunction, events:DescribeRule, events:PutRule, "
    "events:PutTargets, elasticmapreduce:AddJobFlowSteps, elasticmapreduce:CancelSteps, "
    "and elasticmapreduce:DescribeStep."
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(ROOT, tmp_path_factory.mktemp("site"))
    assert run_in(project, "build", "--strict") == 0
    return project / "site"


def page(site: Path, path: str) -> BeautifulSoup:
    html = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
    for permalink in html.select("a.headerlink, a.policydocs-permalink"):
        permalink.decompose()
    return html


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ", strip=True).split())


def rows(table: Tag) -> list[list[str]]:
    return [[text(td) for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")]


def test_topic_page_carries_the_seed_content(site: Path) -> None:
    html = page(site, "topics/sagemaker-pipelines")
    article = html.find("article")
    assert text(article.find("h1")) == "AWS Managed Policies for SageMaker Pipelines"
    section = article.find(id="AmazonSageMakerPipelinesIntegrations")
    assert text(section).startswith("AWS managed policy: AmazonSageMakerPipelinesIntegrations")
    body = text(article)
    assert "These AWS managed policies add permissions required to use SageMaker Pipelines." in body
    assert "The policy is added to the AmazonSageMaker-ExecutionRole" in body
    details = article.find(id="permissions-AmazonSageMakerPipelinesIntegrations")
    items = details.find_next("ul").find_all("li")
    assert [text(li.find("code")) for li in items] == [
        "elasticmapreduce",
        "events",
        "iam",
        "lambda",
        "sqs",
    ]
    bullets = [" ".join(li.get_text().split()) for li in items]
    assert bullets[2] == (
        "iam (AWS Identity and Access Management (IAM)) – "
        "Pass an IAM role to AWS Lambda, Amazon EMR, and Amazon EC2."
    )
    service_name = items[0].find("a")
    assert service_name is not None and text(service_name) == "Amazon Elastic MapReduce"
    assert service_name["href"] == (
        "../../policies/AmazonSageMakerPipelinesIntegrations/#actions-elasticmapreduce"
    )
    document = json.loads(details.find_next("pre").get_text())
    expected = json.loads(
        (ROOT / "data/policies/AmazonSageMakerPipelinesIntegrations/v3.json").read_text()
    )
    assert document == expected
    updates = article.find(id="updates")
    assert text(updates) == "Amazon SageMaker updates to SageMaker Pipelines managed policies"
    table_rows = rows(updates.find_next("table"))
    assert [r[1:] for r in table_rows[1:]] == [
        ["v2", SEED_V2, "April 20, 2022"],
        ["v1", "Initial policy", "July 30, 2021"],
    ]
    assert table_rows[0][1] == "v3" and table_rows[0][3] == "February 17, 2023"


def test_policy_page_has_details_tables_json_and_history(site: Path) -> None:
    html = page(site, "policies/AmazonSageMakerPipelinesIntegrations")
    article = html.find("article")
    table = article.find(class_="policydocs-details").find("table")
    details = {text(tr.find("th")): text(tr.find("td")) for tr in table.find_all("tr")}
    assert details == {
        "ARN": "arn:aws:iam::aws:policy/AmazonSageMakerPipelinesIntegrations",
        "Type": "AWS managed policy",
        "Created": "July 30, 2021",
        "Edited": "February 17, 2023",
        "Default version": "v3",
    }
    for service in ("elasticmapreduce", "events", "iam", "lambda", "sqs"):
        assert article.find(id=service) is not None
    assert text(article.find(id="permissions").find_next("p")).startswith(
        "Version v3 allows 18 actions of 5 services: Write 13 · Read 5."
    )
    emr = rows(article.find(id="actions-elasticmapreduce").find_next("table"))
    assert [r[:2] for r in emr] == [
        ["elasticmapreduce:AddJobFlowSteps", "Write"],
        ["elasticmapreduce:CancelSteps", "Write"],
        ["elasticmapreduce:DescribeStep", "Read"],
        ["elasticmapreduce:RunJobFlow", "Write"],
        ["elasticmapreduce:DescribeCluster", "Read"],
        ["elasticmapreduce:TerminateJobFlows", "Write"],
        ["elasticmapreduce:ListSteps", "Read"],
    ]
    assert emr[3][2:] == ["Grants permission to create and launch a cluster (job flow)", "Allow #5"]
    statements = rows(article.find(id="statements").find_next("table"))
    assert len(statements) == 5
    assert statements[2][:3] == ["#3", "Allow", "iam:PassRole"]
    assert "ec2.amazonaws.com" in statements[2][4]
    history = rows(article.find(id="version-history").find_next("table"))
    assert [r[:3] for r in history][1:] == [
        ["v2", "April 20, 2022", SEED_V2],
        ["v1", "July 30, 2021", "Initial policy"],
    ]
    for version in ("v1", "v2", "v3"):
        anchor = article.find(id=version)
        assert anchor is not None and anchor.find_parent("tr") is not None
        raw = site / f"policies/AmazonSageMakerPipelinesIntegrations/{version}.json"
        assert json.loads(raw.read_text())["Version"] == "2012-10-17"


def test_catalogue_lists_every_policy(site: Path) -> None:
    table = page(site, "policies").find("article").find("table")
    names = [r[0] for r in rows(table)]
    assert names == [
        "AdministratorAccess",
        "AmazonS3ReadOnlyAccess",
        "AmazonSageMakerPipelinesIntegrations",
        "AmazonSageMakerReadOnly",
        "IAMReadOnlyAccess",
    ]
    assert rows(table)[0][1:] == ["*", "v1", "February 6, 2015"]


def test_whats_new_and_feeds_are_published(site: Path) -> None:
    import feedparser

    article = page(site, "updates").find("article")
    changes = [r for table in article.find_all("table") for r in rows(table)]
    assert len(changes) == 22
    assert changes[0][:3] == ["August 10, 2023", "AmazonS3ReadOnlyAccess", "v3"]
    link = article.find("a", string="v2", href=True)
    assert link["href"].endswith("#v2")
    for feed in (
        "updates/feed.xml",
        "updates/rss.xml",
        "policies/AmazonSageMakerPipelinesIntegrations/feed.xml",
    ):
        parsed = feedparser.parse((site / feed).read_bytes())
        assert not parsed.bozo and parsed.entries


def test_home_page_is_the_hand_written_one(site: Path) -> None:
    home = page(site, "")
    assert text(home.find("article").find("h1")) == "AWS Managed Policies"
    links = {a["href"] for a in home.find("article").find_all("a", href=True)}
    assert {"topics/", "policies/"} <= links


def test_build_is_byte_identical_when_repeated(site: Path, tmp_path: Path, cli: Runner) -> None:
    again = copy_project(ROOT, tmp_path)
    assert cli(again, "build").status == 0
    different = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.name.startswith("sitemap.xml"):
            other = again / "site" / path.relative_to(site)
            if other.read_bytes() != path.read_bytes():
                different.append(path.relative_to(site).as_posix())
    assert different == []


def test_search_index_holds_policies_and_services_from_the_data(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text())
    docs = {entry["location"]: entry for entry in index["docs"]}
    pipelines = docs["policies/AmazonSageMakerPipelinesIntegrations/"]
    assert pipelines["title"] == "AmazonSageMakerPipelinesIntegrations"
    assert "elasticmapreduce:RunJobFlow" in pipelines["text"].split()
    assert docs["services/iam/"]["title"] == "AWS Identity and Access Management (IAM) (iam)"
    # The long pages themselves are not indexed section by section...
    assert not [loc for loc in docs if loc.startswith("policies/AdministratorAccess/#")]
    # ...and the entries' source file (a dot file) is not published.
    assert not (site / "assets/policydocs/.search.json").exists()
    # Hand-written and list pages are indexed by the theme as usual.
    assert "guides/onboarding/" in docs and "policies/" in docs
