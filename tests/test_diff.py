"""The diff engine: one case per kind of change, IAM's equalities, and the change sentences."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.iam.diff import diff_documents
from generator.iam.document import normalize

DATA = Path(__file__).resolve().parent.parent / "data" / "policies"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: Any, resources: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def deny(actions: Any, resources: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": resources, **extra}


def records(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    return diff_documents(normalize(old), normalize(new)).to_json()


def sentence(old: dict[str, Any], new: dict[str, Any]) -> str:
    return diff_documents(normalize(old), normalize(new)).sentence()


PASS = {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com"]}}
PASS2 = {"StringEquals": {"iam:PassedToService": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}}

# (case, old, new, expected records, expected sentence)
KINDS: list[tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]], str]] = [
    (
        "action-added",
        doc(allow(["s3:GetObject"])),
        doc(allow(["s3:GetObject", "s3:PutObject"])),
        [{"kind": "action-added", "effect": "Allow", "statement": "#1", "value": "s3:PutObject"}],
        "Added permissions for s3:PutObject.",
    ),
    (
        "action-removed",
        doc(allow(["s3:GetObject", "s3:PutObject"])),
        doc(allow("s3:GetObject")),
        [{"kind": "action-removed", "effect": "Allow", "statement": "#1", "value": "s3:PutObject"}],
        "Removed permissions for s3:PutObject.",
    ),
    (
        "not-action-added",
        doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}),
        [
            {
                "kind": "not-action-added",
                "effect": "Allow",
                "statement": "#1",
                "value": "organizations:*",
            }
        ],
        "Excluded organizations:* from the actions allowed by NotAction.",
    ),
    (
        "not-action-removed",
        doc({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Sid": "Guard"}),
        doc({"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*", "Sid": "Guard"}),
        [{"kind": "not-action-removed", "effect": "Deny", "statement": "Guard", "value": "sts:*"}],
        "No longer excluded sts:* from the actions denied by NotAction.",
    ),
    (
        "resource-added",
        doc(allow("s3:GetObject", "arn:aws:s3:::a/*")),
        doc(allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])),
        [
            {
                "kind": "resource-added",
                "effect": "Allow",
                "statement": "#1",
                "value": "arn:aws:s3:::b/*",
            }
        ],
        "Added resource arn:aws:s3:::b/*.",
    ),
    (
        "resource-removed",
        doc(allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])),
        doc(allow("s3:GetObject", "arn:aws:s3:::a/*")),
        [
            {
                "kind": "resource-removed",
                "effect": "Allow",
                "statement": "#1",
                "value": "arn:aws:s3:::b/*",
            }
        ],
        "Removed resource arn:aws:s3:::b/*.",
    ),
    (
        "not-resource-added",
        doc({"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::a"]}),
        doc(
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
            }
        ),
        [
            {
                "kind": "not-resource-added",
                "effect": "Deny",
                "statement": "#1",
                "value": "arn:aws:s3:::b",
            }
        ],
        "Added NotResource entry arn:aws:s3:::b in a Deny statement.",
    ),
    (
        "not-resource-removed",
        doc(
            {
                "Effect": "Allow",
                "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
            }
        ),
        doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::a"}),
        [
            {
                "kind": "not-resource-removed",
                "effect": "Allow",
                "statement": "#1",
                "value": "arn:aws:s3:::b",
            }
        ],
        "Removed NotResource entry arn:aws:s3:::b.",
    ),
    (
        "condition-added",
        doc(allow("iam:PassRole")),
        doc(allow("iam:PassRole", Condition=PASS)),
        [
            {
                "kind": "condition-added",
                "effect": "Allow",
                "statement": "#1",
                "operator": "StringEquals",
                "key": "iam:PassedToService",
                "values": ["lambda.amazonaws.com"],
            }
        ],
        "Added condition StringEquals iam:PassedToService (lambda.amazonaws.com).",
    ),
    (
        "condition-removed",
        doc(allow("iam:PassRole", Condition=PASS)),
        doc(allow("iam:PassRole")),
        [
            {
                "kind": "condition-removed",
                "effect": "Allow",
                "statement": "#1",
                "operator": "StringEquals",
                "key": "iam:PassedToService",
                "values": ["lambda.amazonaws.com"],
            }
        ],
        "Removed condition StringEquals iam:PassedToService.",
    ),
    (
        "condition-changed",
        doc(allow("iam:PassRole", Condition=PASS)),
        doc(allow("iam:PassRole", Condition=PASS2)),
        [
            {
                "kind": "condition-changed",
                "effect": "Allow",
                "statement": "#1",
                "operator": "StringEquals",
                "key": "iam:PassedToService",
                "old": ["lambda.amazonaws.com"],
                "new": ["lambda.amazonaws.com", "ec2.amazonaws.com"],
                "added": ["ec2.amazonaws.com"],
                "removed": [],
            }
        ],
        "Allowed iam:PassedToService value ec2.amazonaws.com.",
    ),
    (
        "condition-changed, negated operator",
        doc(deny("s3:*", Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}})),
        doc(deny("s3:*", Condition={"StringNotEquals": {"aws:RequestedRegion": []}})),
        [
            {
                "kind": "condition-changed",
                "effect": "Deny",
                "statement": "#1",
                "operator": "StringNotEquals",
                "key": "aws:RequestedRegion",
                "old": ["eu-west-1"],
                "new": [],
                "added": [],
                "removed": ["eu-west-1"],
            }
        ],
        "Removed aws:RequestedRegion value eu-west-1 from StringNotEquals.",
    ),
    (
        "effect-changed",
        doc({"Sid": "S3", **allow("s3:DeleteBucket")}),
        doc({"Sid": "S3", **deny("s3:DeleteBucket")}),
        [
            {
                "kind": "effect-changed",
                "effect": "Deny",
                "statement": "S3",
                "old": "Allow",
                "new": "Deny",
            }
        ],
        "Changed statement S3 from Allow to Deny.",
    ),
    (
        "principal-changed",
        doc(allow("s3:GetObject", Principal={"AWS": "arn:aws:iam::111122223333:root"})),
        doc(allow("s3:GetObject", Principal={"AWS": "arn:aws:iam::444455556666:root"})),
        [
            {
                "kind": "principal-changed",
                "effect": "Allow",
                "statement": "#1",
                "old": '{"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}',
                "new": '{"Principal": {"AWS": "arn:aws:iam::444455556666:root"}}',
            }
        ],
        "Changed the principal of statement #1.",
    ),
    (
        "statement-added",
        doc(allow("s3:GetObject")),
        doc(allow("s3:GetObject"), deny("s3:DeleteBucket", "arn:aws:s3:::logs")),
        [
            {
                "kind": "statement-added",
                "effect": "Deny",
                "statement": "#2",
                "value": {
                    "Effect": "Deny",
                    "Action": ["s3:DeleteBucket"],
                    "Resource": ["arn:aws:s3:::logs"],
                },
            }
        ],
        "Denied s3:DeleteBucket.",
    ),
    (
        "statement-removed",
        doc(allow("s3:GetObject"), allow("ec2:RunInstances", "arn:aws:ec2:*")),
        doc(allow("s3:GetObject")),
        [
            {
                "kind": "statement-removed",
                "effect": "Allow",
                "statement": "#2",
                "value": {
                    "Effect": "Allow",
                    "Action": ["ec2:RunInstances"],
                    "Resource": ["arn:aws:ec2:*"],
                },
            }
        ],
        "Removed permissions for ec2:RunInstances.",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected", "text"), [k[1:] for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_each_kind_of_change(
    old: dict[str, Any], new: dict[str, Any], expected: list[dict[str, Any]], text: str
) -> None:
    assert records(old, new) == expected
    assert sentence(old, new) == text


# Rewrites IAM treats as the same policy: none may produce a record.
EQUIVALENT: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "string vs one-element list",
        doc(allow("s3:GetObject", "*")),
        doc(allow(["s3:GetObject"], ["*"])),
    ),
    ("action case", doc(allow(["s3:getobject"])), doc(allow(["s3:GetObject"]))),
    (
        "key order",
        doc({"Resource": "*", "Action": "s3:GetObject", "Effect": "Allow"}),
        doc(allow("s3:GetObject")),
    ),
    (
        "statement order",
        doc(allow("s3:GetObject"), deny("s3:DeleteBucket")),
        doc(deny("s3:DeleteBucket"), allow("s3:GetObject")),
    ),
    (
        "duplicate action",
        doc(allow(["s3:GetObject", "s3:GetObject"])),
        doc(allow(["s3:GetObject"])),
    ),
    (
        "action moved between statements of the same scope",
        doc(allow(["s3:GetObject", "s3:ListBucket"]), allow(["ec2:DescribeInstances"])),
        doc(allow(["s3:GetObject"]), allow(["ec2:DescribeInstances", "s3:ListBucket"])),
    ),
    (
        "statement split in two",
        doc(allow(["s3:GetObject", "ec2:DescribeInstances"])),
        doc(allow(["s3:GetObject"]), allow(["ec2:DescribeInstances"])),
    ),
    (
        "re-Sid'd statements",
        doc({"Sid": "A", **allow("s3:GetObject")}),
        doc({"Sid": "ReadObjects", **allow("s3:GetObject")}),
    ),
    (
        "condition value order and boolean spelling",
        doc(
            allow(
                "s3:*",
                Condition={
                    "Bool": {"aws:SecureTransport": True},
                    "StringEquals": {"aws:RequestedRegion": ["a", "b"]},
                },
            )
        ),
        doc(
            allow(
                "s3:*",
                Condition={
                    "StringEquals": {"aws:requestedregion": ["b", "a"]},
                    "Bool": {"aws:SecureTransport": "true"},
                },
            )
        ),
    ),
    (
        "Statement as an object",
        {"Version": "2012-10-17", "Statement": allow("s3:GetObject")},
        doc(allow("s3:GetObject")),
    ),
]


@pytest.mark.parametrize(
    ("old", "new"), [e[1:] for e in EQUIVALENT], ids=[e[0] for e in EQUIVALENT]
)
def test_equivalent_documents_have_no_changes(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert records(old, new) == []
    assert sentence(old, new) == "No change in permissions."


def test_reordered_and_resided_statements_are_matched_by_content() -> None:
    old = doc(
        {"Sid": "One", **allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::a")},
        {"Sid": "Two", **allow(["ec2:DescribeInstances"])},
    )
    new = doc(
        {"Sid": "Compute", **allow(["ec2:DescribeInstances"])},
        {
            "Sid": "Storage",
            **allow(["s3:GetObject", "s3:ListBucket", "s3:GetObjectTagging"], "arn:aws:s3:::a"),
        },
    )
    assert records(old, new) == [
        {
            "kind": "action-added",
            "effect": "Allow",
            "statement": "Storage",
            "value": "s3:GetObjectTagging",
        }
    ]


def test_moved_action_to_a_different_scope_is_a_change() -> None:
    old = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::a/*"))
    new = doc(
        allow(["s3:GetObject"], "arn:aws:s3:::a/*"),
        allow(["s3:PutObject"], "arn:aws:s3:::a/uploads/*"),
    )
    assert sentence(old, new) == (
        "Added permissions for s3:PutObject; removed permissions for s3:PutObject."
    )


def _bundled(name: str, version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name / f"{version}.json").read_text())
    return data


def test_seed_row_for_pipelines_v2() -> None:
    v1 = _bundled("AmazonSageMakerPipelinesIntegrations", "v1")
    v2 = _bundled("AmazonSageMakerPipelinesIntegrations", "v2")
    assert sentence(v1, v2) == (
        "Added permissions for lambda:GetFunction, events:DescribeRule, events:PutRule, "
        "events:PutTargets, elasticmapreduce:AddJobFlowSteps, elasticmapreduce:CancelSteps, "
        "and elasticmapreduce:DescribeStep."
    )


def test_pipelines_v3_lists_exactly_what_changed() -> None:
    v2 = _bundled("AmazonSageMakerPipelinesIntegrations", "v2")
    v3 = _bundled("AmazonSageMakerPipelinesIntegrations", "v3")
    changes = records(v2, v3)
    assert sorted((c["kind"], c.get("value"), tuple(c.get("added", ()))) for c in changes) == [
        ("action-added", "elasticmapreduce:DescribeCluster", ()),
        ("action-added", "elasticmapreduce:ListSteps", ()),
        ("action-added", "elasticmapreduce:RunJobFlow", ()),
        ("action-added", "elasticmapreduce:TerminateJobFlows", ()),
        ("condition-changed", None, ("elasticmapreduce.amazonaws.com", "ec2.amazonaws.com")),
        (
            "resource-added",
            "arn:aws:events:*:*:rule/SageMakerPipelineExecutionEMRClusterStatusUpdateRule",
            (),
        ),
    ]


def test_split_statement_in_real_history_reads_as_one_addition() -> None:
    # AmazonSageMakerReadOnly v7 split its single statement in two and added one action.
    v6 = _bundled("AmazonSageMakerReadOnly", "v6")
    v7 = _bundled("AmazonSageMakerReadOnly", "v7")
    assert sentence(v6, v7) == "Added permissions for sagemaker:BatchGetMetrics."


# --- properties ---------------------------------------------------------------------------

_service = st.sampled_from(["s3", "ec2", "iam", "lambda"])
_verb = st.sampled_from(["Get", "Put", "List", "Describe", "Delete"])
_action = st.builds(lambda s, v, n: f"{s}:{v}{n}", _service, _verb, st.sampled_from(["", "X", "*"]))
_resource = st.sampled_from(["*", "arn:aws:s3:::a", "arn:aws:s3:::b/*", "arn:aws:ec2:*:*:vpc/*"])
_statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.lists(_action, min_size=1, max_size=5),
        "Resource": st.lists(_resource, min_size=1, max_size=3),
    },
    optional={
        "Sid": st.sampled_from(["A", "B", "C"]),
        "Condition": st.fixed_dictionaries(
            {
                "StringEquals": st.fixed_dictionaries(
                    {"aws:RequestedRegion": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)}
                )
            }
        ),
    },
)
_document = st.lists(_statement, min_size=1, max_size=5).map(lambda s: doc(*s))


@settings(max_examples=200, deadline=None)
@given(_document)
def test_document_diffed_with_itself_is_empty(document: dict[str, Any]) -> None:
    assert records(document, copy.deepcopy(document)) == []


@settings(max_examples=200, deadline=None)
@given(_document, _document)
def test_swapping_arguments_swaps_added_and_removed(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    def flipped(kind: str) -> str:
        return kind.replace("-added", "-X").replace("-removed", "-added").replace("-X", "-removed")

    def key(change: dict[str, Any], flip: bool) -> tuple[str, str]:
        kind = flipped(change["kind"]) if flip else change["kind"]
        return kind, json.dumps(change.get("value", change.get("values")), sort_keys=True)

    forward = [c for c in records(old, new) if c["kind"].endswith(("-added", "-removed"))]
    backward = [c for c in records(new, old) if c["kind"].endswith(("-added", "-removed"))]
    assert sorted(key(c, True) for c in forward) == sorted(key(c, False) for c in backward)


def _rewrite(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """An equivalent document: statements reordered, keys reordered, actions recased."""
    statements = list(document["Statement"])
    statements = data.draw(st.permutations(statements))
    out = []
    for statement in statements:
        items = list(statement.items())
        items = data.draw(st.permutations(items))
        rewritten = dict(items)
        actions = rewritten["Action"]
        rewritten["Action"] = [a.upper() if data.draw(st.booleans()) else a for a in actions]
        if len(rewritten["Action"]) == 1 and data.draw(st.booleans()):
            rewritten["Action"] = rewritten["Action"][0]
        out.append(rewritten)
    return doc(*out)


@settings(max_examples=200, deadline=None)
@given(_document, st.data())
def test_equivalence_preserving_rewrites_give_no_records(
    document: dict[str, Any], data: st.DataObject
) -> None:
    assert records(document, _rewrite(document, data)) == []
