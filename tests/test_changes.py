"""Every change, exactly: the diff command, the version views, What's new and the feeds."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import feedparser
import pytest

from .conftest import ROOT, Runner, write

PIPELINES = "AmazonSageMakerPipelinesIntegrations"
BUNDLED = sorted(p.stem for p in (ROOT / "data/policies").glob("*.yaml"))
WITH_HISTORY = [name for name in BUNDLED if name != "AdministratorAccess"]


def version_ids(project: Path, name: str) -> list[str]:
    text = (project / f"data/policies/{name}.yaml").read_text()
    return re.findall(r"^  - id: (v\d+)$", text, flags=re.MULTILINE)


# --- the diff command ----------------------------------------------------------------------


def test_diff_json_of_pipelines_v2_v3_lists_exactly_the_changes(bundled: Path, cli: Runner) -> None:
    result = cli(bundled, "diff", PIPELINES, "v2", "v3", "--format", "json")
    assert result.status == 1
    assert json.loads(result.stdout) == {
        "policy": PIPELINES,
        "from": "v2",
        "to": "v3",
        "changes": [
            {
                "kind": "condition-changed",
                "effect": "Allow",
                "statement": "#3",
                "operator": "StringEquals",
                "key": "iam:PassedToService",
                "old": ["lambda.amazonaws.com"],
                "new": [
                    "lambda.amazonaws.com",
                    "elasticmapreduce.amazonaws.com",
                    "ec2.amazonaws.com",
                ],
                "added": ["elasticmapreduce.amazonaws.com", "ec2.amazonaws.com"],
                "removed": [],
            },
            {
                "kind": "resource-added",
                "effect": "Allow",
                "statement": "#4",
                "value": "arn:aws:events:*:*:rule/"
                "SageMakerPipelineExecutionEMRClusterStatusUpdateRule",
            },
            *(
                {
                    "kind": "action-added",
                    "effect": "Allow",
                    "statement": "#5",
                    "value": f"elasticmapreduce:{action}",
                }
                for action in ("RunJobFlow", "DescribeCluster", "TerminateJobFlows", "ListSteps")
            ),
        ],
        # What the version allows that v2 did not, in concrete actions with their access level:
        # here exactly the four actions named, so no "in effect" sentence repeats them.
        "effective": [
            {"kind": "allowed", "action": f"elasticmapreduce:{action}", "access": level}
            for action, level in (
                ("DescribeCluster", "Read"),
                ("ListSteps", "Read"),
                ("RunJobFlow", "Write"),
                ("TerminateJobFlows", "Write"),
            )
        ],
        "in_effect": None,
    }


def test_diff_defaults_to_the_latest_two_versions(bundled: Path, cli: Runner) -> None:
    default = cli(bundled, "diff", PIPELINES)
    explicit = cli(bundled, "diff", PIPELINES, "v2", "v3")
    assert default == explicit
    assert default.stdout.splitlines()[0] == f"{PIPELINES} v2 -> v3"
    from_only = cli(bundled, "diff", PIPELINES, "v1")
    assert from_only.stdout.splitlines()[0] == f"{PIPELINES} v1 -> v3"


def test_diff_exit_status_is_zero_without_changes(bundled: Path, cli: Runner) -> None:
    result = cli(bundled, "diff", "AmazonSageMakerReadOnly", "v5", "v6", "--format", "json")
    assert result.status == 0
    assert json.loads(result.stdout)["changes"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NoSuchPolicy",), "unknown policy 'NoSuchPolicy'"),
        (
            ("AmazonSageMakerPipelineIntegrations",),
            "unknown policy "
            "'AmazonSageMakerPipelineIntegrations' (did you mean "
            "'AmazonSageMakerPipelinesIntegrations'?)",
        ),
        ((PIPELINES, "v1", "v7"), f"{PIPELINES} has no version 'v7' (it has v1, v2, v3)"),
        (
            ("AdministratorAccess",),
            "AdministratorAccess has only one version (v1): nothing to compare",
        ),
    ],
)
def test_diff_trouble_exits_2_with_a_clear_message(
    bundled: Path, cli: Runner, args: tuple[str, ...], message: str
) -> None:
    result = cli(bundled, "diff", *args)
    assert (result.status, result.stdout, result.errors) == (2, "", [message])


def test_diff_on_invalid_data_exits_2(bundled: Path, cli: Runner) -> None:
    write(bundled, "data/policies/AdministratorAccess/v1.json", "{")
    result = cli(bundled, "diff", PIPELINES)
    assert result.status == 2
    assert result.errors[0].startswith(
        "data/policies/AdministratorAccess/v1.json:1:2: invalid JSON"
    )


@pytest.mark.parametrize("name", WITH_HISTORY)
def test_diff_of_every_bundled_version_matches_golden(
    bundled: Path,
    cli: Runner,
    golden,  # type: ignore[no-untyped-def]
    name: str,
) -> None:
    ids = version_ids(bundled, name)
    outputs: dict[str, list[str]] = {"txt": [], "md": [], "json": []}
    for old, new in itertools.pairwise(ids):
        for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json")):
            result = cli(bundled, "diff", name, old, new, "--format", fmt)
            assert result.status in (0, 1)
            outputs[ext].append(result.stdout)
    for ext, parts in outputs.items():
        golden(f"diff/{name}.{ext}", "\n".join(parts))


# --- pages -----------------------------------------------------------------------------------


def test_version_history_shows_notes_computed_changes_and_comparisons(
    bundled: Path, cli: Runner
) -> None:
    assert cli(bundled, "generate").status == 0
    page = (bundled / "docs/policies/AmazonS3ReadOnlyAccess/index.md").read_text()
    assert (
        "Added read access through Amazon S3 Object Lambda access points.<br>Computed: "
        "Added permissions for s3-object-lambda:Get* and s3-object-lambda:List*."
    ) in page
    assert page.count('<details class="note policydocs-compare"') == 2
    assert '<span class="policydocs-added">+                "s3:Describe*",</span>' in page
    assert '<a href="#compare-v3">compare</a>' in page and "#compare-v1" not in page


def test_whats_new_lists_every_version_by_month(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    page = (bundled / "docs/updates/index.md").read_text()
    months = re.findall(r"^## (\w+ \d{4}) \{ #(\d{4}-\d{2}) \}$", page, flags=re.MULTILINE)
    assert months[:3] == [
        ("August 2023", "2023-08"),
        ("February 2023", "2023-02"),
        ("April 2022", "2022-04"),
    ]
    assert months[-1] == ("February 2015", "2015-02")
    anchors = re.findall(r'<a href="\.\./policies/(\w+)/#(v\d+)">', page)
    expected = {(name, v) for name in BUNDLED for v in version_ids(bundled, name)}
    assert len(anchors) == len(expected) == 22
    assert set(anchors) == expected


# --- feeds -----------------------------------------------------------------------------------


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_feeds_carry_every_bundled_version(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    atom = parse(bundled / "docs/updates/feed.xml")
    rss = parse(bundled / "docs/updates/rss.xml")
    assert (atom.version, rss.version) == ("atom10", "rss20")
    assert atom.feed.title == "AWS Managed Policies: What's new"
    assert atom.feed.link == "https://policydocs.example.com/updates/"
    expected = {
        f"https://policydocs.example.com/policies/{name}/#{v}"
        for name in BUNDLED
        for v in version_ids(bundled, name)
    }
    for feed in (atom, rss):
        assert len(feed.entries) == 22
        assert {e.link for e in feed.entries} == expected
        assert {e.id for e in feed.entries} == expected
    first = atom.entries[0]
    assert (first.title, first.updated) == ("AmazonS3ReadOnlyAccess v3", "2023-08-10T00:00:00Z")
    assert first.summary == "Added permissions for s3:Describe*."
    assert rss.entries[0].published == "Thu, 10 Aug 2023 00:00:00 +0000"


def test_policy_feed_entries_link_to_existing_version_anchors(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    feed = parse(bundled / f"docs/policies/{PIPELINES}/feed.xml")
    page = (bundled / f"docs/policies/{PIPELINES}/index.md").read_text()
    assert [e.title for e in feed.entries] == [
        f"{PIPELINES} v3",
        f"{PIPELINES} v2",
        f"{PIPELINES} v1",
    ]
    for entry in feed.entries:
        anchor = entry.link.rsplit("#", 1)[1]
        assert f'<span id="{anchor}" class="policydocs-anchor">' in page
    assert feed.entries[1].summary.startswith("Added permissions for lambda:GetFunction")
    assert (
        parse(bundled / f"docs/policies/{PIPELINES}/rss.xml").entries[2].summary == "Initial policy"
    )


def test_feeds_are_stable_across_builds(bundled: Path, cli: Runner) -> None:
    cli(bundled, "generate")
    first = (bundled / "docs/updates/feed.xml").read_bytes()
    (bundled / "docs/updates/feed.xml").unlink()
    cli(bundled, "generate")
    assert (bundled / "docs/updates/feed.xml").read_bytes() == first


def test_without_site_url_no_feeds_and_a_clear_warning(bundled: Path, cli: Runner) -> None:
    config = bundled / "mkdocs.yml"
    config.write_text(re.sub(r"^site_url: .*$", "", config.read_text(), flags=re.MULTILINE))
    result = cli(bundled, "generate")
    warning = (
        "mkdocs.yml: warning: site_url: not set, so no feeds are written (they need "
        "absolute links): set it to the address the site is published at"
    )
    assert (result.status, result.errors) == (0, [warning])
    assert not (bundled / "docs/updates/feed.xml").exists()
    assert "Atom feed" not in (bundled / "docs/updates/index.md").read_text()
    assert cli(bundled, "generate", "--strict").status == 1


# --- history warnings ----------------------------------------------------------------------


def test_check_warns_about_dates_and_identical_versions(bundled: Path, cli: Runner) -> None:
    policy = bundled / "data/policies/IAMReadOnlyAccess.yaml"
    policy.write_text(policy.read_text().replace("date: 2016-09-06", "date: 2015-01-01"))
    v4 = (bundled / "data/policies/IAMReadOnlyAccess/v4.json").read_text()
    write(bundled, "data/policies/IAMReadOnlyAccess/v5.json", v4)
    write(
        bundled, "data/policies/IAMReadOnlyAccess/v7.json", v4.replace("iam:List*", "iam:ListRoles")
    )
    policy.write_text(
        policy.read_text() + "  - id: v5\n    date: 2019-01-01\n  - id: v7\n    date: 2019-02-01\n"
    )
    result = cli(bundled, "check")
    path = "data/policies/IAMReadOnlyAccess.yaml"
    assert result.errors == [
        f"{path}:19:11: warning: versions[2].date: 2015-01-01 is before the date of v2 "
        "(2015-04-21); correct it if the source was wrong",
        f"{path}:22:5: warning: versions[4]: v5 grants exactly what v4 grants (add a note that "
        "says why it exists)",
        f"{path}:24:9: warning: versions[5].id: version v6 is not recorded",
    ]
    assert result.status == 0


def test_notes_are_markdown_in_the_version_history(minimal: Path, cli: Runner) -> None:
    policy = minimal / "data/policies/ExamplePolicy.yaml"
    policy.write_text(
        policy.read_text().replace(
            "note: Glue jobs can now be started by the team.",
            "note: 'Adds `glue:StartJobRun`, see [the runbook](https://example.com/r).'",
        )
    )
    assert cli(minimal, "generate").status == 0
    page = (minimal / "docs/policies/ExamplePolicy/index.md").read_text()
    assert (
        '<span class="policydocs-change">Adds <code>glue:StartJobRun</code>, see '
        '<a href="https://example.com/r">the runbook</a>.<br>Computed: '
    ) in page
