"""Bad input: every problem is reported with file, line, column and field, then exit 1 with
nothing under docs/ or site/ changed. Each case states the exact text a maintainer sees."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Runner, snapshot, write

POLICY = "data/policies/ExamplePolicy.yaml"
V1 = "data/policies/ExamplePolicy/v1.json"

GOOD_POLICY = """\
name: ExamplePolicy
description: Reads the data bucket.
permissions:
  - service: s3
    summary: Read objects.
versions:
  - id: v1
    date: 2024-01-15
"""
GOOD_DOCUMENT = """\
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*"
        }
    ]
}
"""

OTHER = "data/policies/OtherPolicy.yaml"
OTHER_POLICY = GOOD_POLICY.replace("name: ExamplePolicy", "name: OtherPolicy")
TOPIC = """\
title: Example
policies:
  - ExamplePolicy
updates:
  title: Updates
"""

# (case, files to write, the exact lines `check` prints before its summary line)
CASES: list[tuple[str, dict[str, str], list[str]]] = [
    (
        "yaml syntax",
        {POLICY: "name: ExamplePolicy\nversions: [\n  - id: v1\n"},
        [
            f"{POLICY}:3:3: YAML syntax error: did not find expected node content",
        ],
    ),
    (
        "tab indentation",
        {POLICY: "name: ExamplePolicy\n\tversions: []\n"},
        [
            f"{POLICY}:2:1: YAML syntax error: found a tab character that violates indentation",
        ],
    ),
    (
        "unknown field with a suggestion",
        {POLICY: GOOD_POLICY + "descripton: x\n"},
        [
            f"{POLICY}:9:1: descripton: unknown field (did you mean 'description'?)",
        ],
    ),
    (
        "unknown field, nested",
        {
            POLICY: GOOD_POLICY.replace(
                "    date: 2024-01-15\n", "    date: 2024-01-15\n    author: me\n"
            )
        },
        [
            f"{POLICY}:9:5: versions[0].author: unknown field (expected one of: id, date, "
            "document, note)",
        ],
    ),
    (
        "missing fields",
        {POLICY: "name: ExamplePolicy\npermissions: []\n"},
        [
            f"{POLICY}:1:1: versions: required field is missing",
        ],
    ),
    (
        "missing field in a version",
        {POLICY: GOOD_POLICY.replace("    date: 2024-01-15\n", "")},
        [
            f"{POLICY}:7:5: versions[0].date: required field is missing",
        ],
    ),
    (
        "wrong types",
        {
            POLICY: GOOD_POLICY.replace(
                "description: Reads the data bucket.", "description: 42"
            ).replace("versions:\n  - id: v1\n    date: 2024-01-15\n", "versions: v1\n")
        },
        [
            f"{POLICY}:2:14: description: expected a string, got an integer",
            f"{POLICY}:6:11: versions: expected a list, got a string",
        ],
    ),
    (
        "not a mapping",
        {POLICY: "- just\n- a list\n"},
        [
            f"{POLICY}:1:1: expected a mapping of fields",
        ],
    ),
    (
        "bad policy name",
        {POLICY: GOOD_POLICY.replace("name: ExamplePolicy", "name: Example/Policy")},
        [
            f"{POLICY}:1:7: name: 'Example/Policy' is not a valid IAM policy name (1-128 letters, "
            "digits and _+=,.@-)",
        ],
    ),
    (
        "name differs from file name",
        {POLICY: GOOD_POLICY.replace("name: ExamplePolicy", "name: OtherPolicy")},
        [
            f"{POLICY}:1:7: name: 'OtherPolicy' does not match the file name 'ExamplePolicy.yaml' "
            "(expected OtherPolicy.yaml)",
        ],
    ),
    (
        "bad version id",
        {POLICY: GOOD_POLICY.replace("id: v1", "id: 1")},
        [
            f"{POLICY}:7:9: versions[0].id: expected a string, got an integer",
        ],
    ),
    (
        "bad date",
        {POLICY: GOOD_POLICY.replace("2024-01-15", "2022-13-45")},
        [
            f"{POLICY}:8:11: versions[0].date: '2022-13-45' is not a date (expected YYYY-MM-DD)",
        ],
    ),
    (
        "duplicate version id",
        {POLICY: GOOD_POLICY + "  - id: v1\n    date: 2024-02-01\n"},
        [
            f"{POLICY}:9:9: versions[1].id: duplicate version id 'v1'",
        ],
    ),
    (
        "versions out of order",
        {
            POLICY: GOOD_POLICY.replace("id: v1", "id: v2") + "  - id: v1\n    date: 2024-02-01\n",
            "data/policies/ExamplePolicy/v2.json": GOOD_DOCUMENT,
        },
        [
            f"{POLICY}:7:9: warning: versions[0].id: version v1 is not recorded",
            f"{POLICY}:9:9: versions[1].id: 'v1' comes after 'v2' (expected oldest first)",
        ],
    ),
    (
        "duplicate key",
        {POLICY: GOOD_POLICY + "name: ExamplePolicy\n"},
        [
            f"{POLICY}:9:1: name: duplicate key 'name'",
        ],
    ),
    (
        "yaml alias",
        {
            POLICY: GOOD_POLICY.replace(
                "description: Reads the data bucket.", "description: &d Reads.\nusage: *d"
            )
        },
        [
            f"{POLICY}:3:8: usage: YAML anchors and aliases are not supported",
        ],
    ),
    (
        "unsafe yaml tag",
        {
            POLICY: GOOD_POLICY.replace(
                "description: Reads the data bucket.", "description: !!python/object:os.system x"
            )
        },
        [
            f"{POLICY}:2:14: description: unsupported YAML tag tag:yaml.org,2002:python/object:"
            "os.system",
        ],
    ),
    (
        "missing document",
        {POLICY: GOOD_POLICY + "  - id: v2\n    date: 2024-02-01\n"},
        [
            f"{POLICY}:9:5: versions[1].document: policy document "
            "'data/policies/ExamplePolicy/v2.json' not found",
        ],
    ),
    (
        "document outside data",
        {
            POLICY: GOOD_POLICY.replace(
                "    date: 2024-01-15\n",
                "    date: 2024-01-15\n    document: ../../../etc/passwd\n",
            )
        },
        [
            f"{POLICY}:9:15: versions[0].document: '../../../etc/passwd' is outside the data "
            "folder",
            f"{V1}:1:1: warning: no version refers to this document",
        ],
    ),
    (
        "invalid json",
        {V1: '{"Version": "2012-10-17", "Statement": [}'},
        [
            f"{V1}:1:41: invalid JSON: Expecting value",
        ],
    ),
    (
        "no statement",
        {V1: '{"Version": "2012-10-17"}'},
        [
            f"{V1}:1:1: not an IAM policy: there is no Statement",
        ],
    ),
    (
        "bad effect and version",
        {V1: GOOD_DOCUMENT.replace('"Allow"', '"Permit"').replace("2012-10-17", "2020-01-01")},
        [
            f'{V1}:2:5: Version: expected "2012-10-17" or "2008-10-17", got "2020-01-01"',
            f'{V1}:5:13: Statement[0].Effect: expected "Allow" or "Deny", got "Permit"',
        ],
    ),
    (
        "neither action nor notaction",
        {V1: GOOD_DOCUMENT.replace('            "Action": "s3:GetObject",\n', "")},
        [
            f"{V1}:4:9: Statement[0]: a statement needs Action or NotAction",
        ],
    ),
    (
        "both action and notaction",
        {
            V1: GOOD_DOCUMENT.replace(
                '"Action": "s3:GetObject",',
                '"Action": "s3:GetObject", "NotAction": "s3:PutObject",',
            )
        },
        [
            f"{V1}:6:39: Statement[0].NotAction: a statement has either Action or NotAction, "
            "not both",
        ],
    ),
    (
        "unknown topic policy",
        {
            "data/topics/example.yaml": """\
title: Example
policies:
  - ExamplePolicy
  - NoSuchPolicy
updates:
  title: Updates
"""
        },
        [
            "data/topics/example.yaml:4:5: policies[1]: unknown policy 'NoSuchPolicy' "
            "(no data/policies/NoSuchPolicy.yaml)",
        ],
    ),
    (
        "group for an unused service",
        {
            POLICY: GOOD_POLICY.replace(
                "    summary: Read objects.\n",
                "    summary: Read objects.\n  - service: ec2\n    summary: Run instances.\n",
            )
        },
        [
            f"{POLICY}:6:14: permissions[1].service: the policy (v1) does not use the service "
            "'ec2' (expected one of: s3)",
        ],
    ),
    (
        "former name is the policy's own",
        {POLICY: GOOD_POLICY + "formerly: [ExamplePolicy]\n"},
        [f"{POLICY}:9:12: formerly[0]: 'ExamplePolicy' is this policy's own name"],
    ),
    (
        "former names: invalid, taken, twice, another's",
        {
            POLICY: GOOD_POLICY + "formerly: [Old, Bad/Name]\n",
            OTHER: OTHER_POLICY + "formerly: [ExamplePolicy, examplepolicy, OLD, Older, older]\n",
            "data/policies/OtherPolicy/v1.json": GOOD_DOCUMENT,
        },
        [
            f"{POLICY}:9:17: formerly[1]: 'Bad/Name' is not a valid IAM policy name (1-128 "
            "letters, digits and _+=,.@-)",
        ],
    ),
    (
        "former names taken by a policy or another former name",
        {
            POLICY: GOOD_POLICY + "formerly: [Old]\n",
            OTHER: OTHER_POLICY + "formerly: [ExamplePolicy, examplepolicy, OLD, Older, older]\n",
            "data/policies/OtherPolicy/v1.json": GOOD_DOCUMENT,
        },
        [
            f"{OTHER}:9:12: formerly[0]: 'ExamplePolicy' is the name of the policy "
            f"'ExamplePolicy' ({POLICY})",
            f"{OTHER}:9:27: formerly[1]: 'examplepolicy' differs from the policy "
            f"'ExamplePolicy' ({POLICY}) only in letter case",
            f"{OTHER}:9:42: formerly[2]: 'OLD' is already a former name of 'ExamplePolicy' "
            f"({POLICY})",
            f"{OTHER}:9:54: formerly[4]: 'older' is listed twice",
        ],
    ),
    (
        "former topic page names",
        {
            "data/topics/example.yaml": TOPIC + "formerly: [example, index, other, Old_Page]\n",
            "data/topics/other.yaml": TOPIC,
        },
        [
            "data/topics/example.yaml:6:35: formerly[3]: 'Old_Page' is not a page name "
            "(expected lowercase letters, digits and -)",
        ],
    ),
    (
        "former topic page names taken",
        {
            "data/topics/example.yaml": TOPIC + "formerly: [example, index, other, old]\n",
            "data/topics/other.yaml": TOPIC + "formerly: [old]\n",
        },
        [
            "data/topics/example.yaml:6:12: formerly[0]: 'example' is this topic's own page name",
            "data/topics/example.yaml:6:21: formerly[1]: 'index' is the name of the list of topics",
            "data/topics/example.yaml:6:28: formerly[2]: 'other' is the page name of another "
            "topic (data/topics/other.yaml)",
            "data/topics/other.yaml:6:12: formerly[0]: 'old' is already a former page name of "
            "another topic (data/topics/example.yaml)",
        ],
    ),
    (
        "names equal but for case",
        {
            "data/policies/examplepolicy.yaml": GOOD_POLICY.replace(
                "ExamplePolicy", "examplepolicy"
            ),
            "data/policies/examplepolicy/v1.json": GOOD_DOCUMENT,
        },
        [
            "data/policies/examplepolicy.yaml:1:7: name: 'examplepolicy' differs from "
            "'ExamplePolicy' (data/policies/ExamplePolicy.yaml) only in letter case",
        ],
    ),
    ("empty file", {POLICY: ""}, [f"{POLICY}:1:1: expected a mapping of fields"]),
    (
        "several yaml documents",
        {POLICY: GOOD_POLICY + "---\nname: Other\n"},
        [f"{POLICY}:9:1: YAML syntax error: but found another document"],
    ),
    (
        "mapping key that is not a string",
        {POLICY: GOOD_POLICY + "[a, b]: c\n"},
        [f"{POLICY}:9:1: mapping keys must be plain strings"],
    ),
    (
        "yaml merge key",
        {POLICY: GOOD_POLICY + "<<: {usage: x}\n"},
        [f"{POLICY}:9:1: YAML merge keys (<<) are not supported"],
    ),
    (
        "null where text is expected",
        {POLICY: GOOD_POLICY.replace("description: Reads the data bucket.", "description:")},
        [f"{POLICY}:2:13: description: expected a string, got null"],
    ),
    (
        "note of the wrong type",
        {POLICY: GOOD_POLICY + "    note: [a, b]\n"},
        [f"{POLICY}:9:11: versions[0].note: expected a string, got a list"],
    ),
    (
        "date and time",
        {POLICY: GOOD_POLICY.replace("2024-01-15", "2024-01-15T10:00:00Z")},
        [
            f"{POLICY}:8:11: versions[0].date: '2024-01-15T10:00:00Z' is not a date "
            "(expected YYYY-MM-DD)"
        ],
    ),
    (
        "version zero",
        {POLICY: GOOD_POLICY.replace("id: v1", "id: v0")},
        [f"{POLICY}:7:9: versions[0].id: 'v0' is not a version id (expected v1, v2, ...)"],
    ),
    (
        "name too long",
        {POLICY: GOOD_POLICY.replace("name: ExamplePolicy", "name: " + "P" * 129)},
        [
            f"{POLICY}:1:7: name: '{'P' * 129}' is not a valid IAM policy name (1-128 letters, "
            "digits and _+=,.@-)"
        ],
    ),
    (
        "arn of another policy",
        {POLICY: GOOD_POLICY + "arn: arn:aws:iam::aws:policy/Other\n"},
        [
            f"{POLICY}:9:6: arn: 'arn:aws:iam::aws:policy/Other' does not end with the policy name "
            "'ExamplePolicy'"
        ],
    ),
    (
        "malformed arn",
        {POLICY: GOOD_POLICY + "arn: arn:aws:s3:::bucket/ExamplePolicy\n"},
        [
            f"{POLICY}:9:6: arn: 'arn:aws:s3:::bucket/ExamplePolicy' is not a policy ARN (expected "
            "arn:aws:iam::ACCOUNT:policy/PATH/NAME)"
        ],
    ),
    (
        "second group for a service",
        {
            POLICY: GOOD_POLICY.replace(
                "    summary: Read objects.\n",
                "    summary: Read objects.\n  - service: s3\n    summary: Again.\n",
            )
        },
        [f"{POLICY}:6:14: permissions[1].service: a second group for 's3'"],
    ),
    (
        "json array, not a policy",
        {V1: "[]"},
        [f"{V1}:1:1: expected a JSON object (an IAM policy), got a list"],
    ),
    (
        "empty statement list",
        {V1: '{"Version": "2012-10-17", "Statement": []}'},
        [f"{V1}:1:27: Statement: expected a statement or a non-empty list of statements"],
    ),
    (
        "action that is a number",
        {V1: GOOD_DOCUMENT.replace('"s3:GetObject"', "42")},
        [f"{V1}:6:13: Statement[0].Action: expected a string or a list of strings, got a number"],
    ),
    (
        "condition that is a list",
        {V1: GOOD_DOCUMENT.replace('"Resource": "*"', '"Resource": "*", "Condition": ["x"]')},
        [
            f"{V1}:7:30: Statement[0].Condition: expected an object of condition operators, got a "
            "list"
        ],
    ),
    (
        "unknown statement element",
        {V1: GOOD_DOCUMENT.replace('"Resource": "*"', '"Resource": "*", "Resources": "*"')},
        [f"{V1}:7:30: Statement[0].Resources: unknown statement element"],
    ),
    (
        "unknown top-level element",
        {
            V1: GOOD_DOCUMENT.replace(
                '"Version": "2012-10-17",', '"Version": "2012-10-17", "Statements": [],'
            )
        },
        [f"{V1}:2:30: Statements: unknown top-level element (expected Version, Id, Statement)"],
    ),
    (
        "NaN in json",
        {V1: GOOD_DOCUMENT.replace('"*"', "NaN")},
        [f"{V1}:1:1: invalid JSON: NaN is not valid JSON"],
    ),
    (
        "topic file name",
        {"data/topics/Bad Name.yaml": "title: T\n"},
        [
            "data/topics/Bad Name.yaml:1:1: 'Bad Name.yaml' is not a valid page name (expected "
            "lowercase letters, digits and -, then .yaml)"
        ],
    ),
    (
        "topic unknown field",
        {
            "data/topics/t.yaml": "title: T\npolicies: [ExamplePolicy]\n"
            "updates: {title: U}\nsubtitle: S\n"
        },
        ["data/topics/t.yaml:4:1: subtitle: unknown field (did you mean 'title'?)"],
    ),
    (
        "topic lists a policy twice",
        {
            "data/topics/t.yaml": "title: T\npolicies: [ExamplePolicy, "
            "ExamplePolicy]\nupdates: {title: U}\n"
        },
        ["data/topics/t.yaml:2:27: policies[1]: 'ExamplePolicy' is listed twice"],
    ),
]


def _reset(project: Path) -> None:
    """Replace the minimal fixture's data with one valid policy the cases then break."""
    shutil.rmtree(project / "data")
    write(project, POLICY, GOOD_POLICY)
    write(project, V1, GOOD_DOCUMENT)


@pytest.mark.parametrize(
    ("files", "expected"), [(f, e) for _, f, e in CASES], ids=[c for c, _, _ in CASES]
)
def test_bad_input_is_reported_exactly(
    minimal: Path, cli: Runner, files: dict[str, str], expected: list[str]
) -> None:
    def breakage(project: Path) -> None:
        for rel, text in files.items():
            write(project, rel, text)

    assert_reported(minimal, cli, breakage, expected)


def assert_reported(
    project: Path, cli: Runner, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    """Generate from good data, break it, generate again: the exact lines, exit 1, no
    traceback, and not one byte of docs/ changed."""
    _reset(project)
    assert cli(project, "generate").status == 0
    before = snapshot(project / "docs")
    breakage(project)
    result = cli(project, "generate")
    assert result.status == 1
    assert result.errors[:-1] == expected
    assert result.errors[-1].startswith("aborted: ")
    assert "Traceback" not in result.stderr
    assert snapshot(project / "docs") == before
    assert cli(project, "check").errors == result.errors


def _outside(project: Path) -> Path:
    """A folder beside the project, outside data/, holding a valid-looking policy."""
    outside = project.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    (outside / "ExamplePolicy.yaml").write_text(GOOD_POLICY)
    (outside / "v1.json").write_text(GOOD_DOCUMENT)
    return outside


def _replace_with_link(project: Path, rel: str, target: Path) -> None:
    path = project / rel
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target)


def _bytes(rel: str, data: bytes) -> Callable[[Path], None]:
    return lambda project: (project / rel).write_bytes(data)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)

# Inputs that need more than text: links, bytes, sizes. (case, breakage, expected lines)
SPECIAL: list[tuple[str, Callable[[Path], None], list[str]]] = [
    (
        "policy file is a link out of data/",
        lambda p: _replace_with_link(p, POLICY, _outside(p) / "ExamplePolicy.yaml"),
        [
            f"{POLICY}:1:1: refused: the file is a link to outside the data folder",
            f"{V1}:1:1: warning: no version refers to this document",
        ],
    ),
    (
        "document is a link out of data/",
        lambda p: _replace_with_link(p, V1, _outside(p) / "v1.json"),
        [f"{POLICY}:7:5: versions[0].document: '{V1}' is outside the data folder"],
    ),
    (
        "policy folder is a link out of data/",
        lambda p: _replace_with_link(p, "data/policies/ExamplePolicy", _outside(p)),
        [f"{POLICY}:7:5: versions[0].document: '{V1}' is outside the data folder"],
    ),
    (
        "yaml too large",
        _bytes(POLICY, GOOD_POLICY.encode() + b"#" * (1 << 20)),
        [
            f"{POLICY}:1:1: file is too large ({len(GOOD_POLICY) + (1 << 20):,} bytes; the limit "
            "is 1,048,576)"
        ],
    ),
    (
        "json too large",
        _bytes(V1, GOOD_DOCUMENT.encode() + b" " * (4 << 20)),
        [
            f"{V1}:1:1: file is too large ({len(GOOD_DOCUMENT) + (4 << 20):,} bytes; the limit is "
            "4,194,304)"
        ],
    ),
    (
        "yaml is binary",
        _bytes(POLICY, b"name: ExamplePolicy\n\x00\x01\x02"),
        [f"{POLICY}:1:1: not a text file (contains NUL bytes)"],
    ),
    (
        "json is binary",
        _bytes(V1, b"\x89PNG\r\n\x1a\n\x00\x00"),
        [f"{V1}:1:1: not a text file (contains NUL bytes)"],
    ),
    (
        "yaml not utf-8",
        _bytes(
            POLICY,
            GOOD_POLICY.replace("Reads", "Lit").encode() + "summary: caf\u00e9\n".encode("latin-1"),
        ),
        [f"{POLICY}:9:1: not UTF-8 text"],
    ),
    (
        "yaml alias bomb",
        lambda p: write(p, POLICY, GOOD_POLICY + BOMB),
        [f"{POLICY}:10:8: b[0]: YAML anchors and aliases are not supported"],
    ),
    (
        "json nested too deeply",
        _bytes(V1, b"[" * 100_000 + b"]" * 100_000),
        [f"{V1}:1:1: invalid JSON: nested too deeply"],
    ),
    (
        "yaml nested too deeply",
        lambda p: write(p, POLICY, GOOD_POLICY + "x: " + "[" * 600 + "]" * 600 + "\n"),
        [f"{POLICY}:1:1: YAML nested too deeply"],
    ),
    (
        "document is a folder",
        lambda p: ((p / V1).unlink(), (p / V1).mkdir()),
        [f"{POLICY}:7:5: versions[0].document: policy document '{V1}' is not a file"],
    ),
]


@pytest.mark.parametrize(
    ("breakage", "expected"), [(b, e) for _, b, e in SPECIAL], ids=[c for c, _, _ in SPECIAL]
)
def test_hostile_files_are_refused(
    minimal: Path, cli: Runner, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    assert_reported(minimal, cli, breakage, expected)


def test_the_catalogue_covers_at_least_forty_inputs() -> None:
    assert len(CASES) + len(SPECIAL) >= 40


def test_every_problem_is_reported_in_one_run(minimal: Path, cli: Runner) -> None:
    _reset(minimal)
    write(
        minimal,
        POLICY,
        GOOD_POLICY.replace("2024-01-15", "2024-1-5").replace("service: s3", "service: S3"),
    )
    write(minimal, "data/topics/example.yaml", "title: T\npolicies: []\nupdates: {}\n")
    result = cli(minimal, "check")
    assert result.errors == [
        f"{POLICY}:4:14: permissions[0].service: 'S3' is not a service prefix (expected "
        "lowercase letters, digits and -, e.g. s3, or *)",
        f"{POLICY}:8:11: versions[0].date: '2024-1-5' is not a date (expected YYYY-MM-DD)",
        "data/topics/example.yaml:2:11: policies: expected at least one entry",
        "data/topics/example.yaml:3:10: updates.title: required field is missing",
        "aborted: 4 errors",
    ]


def test_warnings_pass_but_strict_fails(minimal: Path, cli: Runner) -> None:
    _reset(minimal)
    write(
        minimal,
        POLICY,
        GOOD_POLICY.replace("permissions:\n  - service: s3\n    summary: Read objects.\n", ""),
    )
    expected = f"{POLICY}:1:1: warning: permissions: no group describes 's3'"
    relaxed = cli(minimal, "check")
    assert (relaxed.status, relaxed.errors) == (0, [expected])
    assert relaxed.stdout == "1 policy, 1 version, 0 topics: 1 warning\n"
    strict = cli(minimal, "check", "--strict")
    assert strict.status == 1
    assert strict.errors == [expected, "aborted: 0 errors, 1 warning (fatal with --strict)"]


def test_failed_run_changes_nothing(minimal: Path, cli: Runner) -> None:
    assert cli(minimal, "build").status == 0
    before = snapshot(minimal / "docs"), snapshot(minimal / "site")
    write(minimal, POLICY, GOOD_POLICY.replace("2024-01-15", "someday"))
    for command in ("generate", "build"):
        result = cli(minimal, command)
        assert result.status == 1
        assert "Traceback" not in result.stderr
        assert (snapshot(minimal / "docs"), snapshot(minimal / "site")) == before
