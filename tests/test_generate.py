"""`generate` and `check` on real data: golden pages, determinism, and who owns which file."""

from __future__ import annotations

import json
from pathlib import Path

from generator import urls
from generator.output import MANIFEST

from .conftest import Runner, snapshot, write

# Besides the pages, the JSON exports of one policy and the index: their format is a promise.
GOLDEN_JSON = ("policies/index.json", "policies/AmazonSageMakerPipelinesIntegrations/index.json")


def generated_pages(project: Path) -> dict[str, str]:
    docs = project / "docs"
    return {
        p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(docs.rglob("*"))
        if p.suffix == ".md" or p.relative_to(docs).as_posix() in GOLDEN_JSON
    }


def test_check_summarises_the_bundled_data(bundled: Path, cli: Runner) -> None:
    result = cli(bundled, "check", "--strict")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == "5 policies, 22 versions, 1 topic: no problems\n"


def test_bundled_pages_match_golden_files(bundled: Path, cli: Runner, golden) -> None:  # type: ignore[no-untyped-def]
    assert cli(bundled, "generate").status == 0
    pages = generated_pages(bundled)
    assert {"index.md", "guides/onboarding.md"} <= set(pages)  # hand-written, left alone
    for path, text in pages.items():
        if urls.owned(path):
            golden(f"bundled/{path}", text)


def test_minimal_pages_match_golden_files(minimal: Path, cli: Runner, golden) -> None:  # type: ignore[no-untyped-def]
    assert cli(minimal, "generate").status == 0
    for path, text in generated_pages(minimal).items():
        if urls.owned(path):
            golden(f"minimal/{path}", text)


def test_generation_is_deterministic(bundled: Path, tmp_path: Path, cli: Runner) -> None:
    other = tmp_path / "again"
    other.mkdir()
    from .conftest import ROOT, copy_project

    copy_project(ROOT, other)
    assert cli(bundled, "generate").status == 0
    assert cli(other, "generate").status == 0
    assert snapshot(bundled / "docs") == snapshot(other / "docs")


def test_second_run_writes_nothing(bundled: Path, cli: Runner) -> None:
    first = cli(bundled, "generate")
    assert first.stdout == "docs: 81 written, 0 removed, 0 unchanged\n"
    mtimes = {p: p.stat().st_mtime_ns for p in (bundled / "docs").rglob("*")}
    second = cli(bundled, "generate")
    assert second.stdout == "docs: 0 written, 0 removed, 81 unchanged\n"
    assert {p: p.stat().st_mtime_ns for p in (bundled / "docs").rglob("*")} == mtimes


def test_a_new_version_rewrites_only_what_depends_on_it(bundled: Path, cli: Runner) -> None:
    cli(bundled, "generate")
    policy = bundled / "data/policies/IAMReadOnlyAccess.yaml"
    policy.write_text(policy.read_text() + "  - id: v5\n    date: 2024-05-01\n")
    document = json.loads((bundled / "data/policies/IAMReadOnlyAccess/v4.json").read_text())
    document["Statement"][0]["Action"].append("iam:GetAccountSummary")
    write(bundled, "data/policies/IAMReadOnlyAccess/v5.json", json.dumps(document, indent=4))
    result = cli(bundled, "generate")
    assert result.status == 0
    # The policy's page, JSON, document and feeds; the catalogue, What's new and the site feeds;
    # the About page (its examples); the IAM service page and JSON (a newly named action);
    # the search entries.
    assert result.stdout == "docs: 14 written, 0 removed, 68 unchanged\n"
    page = (bundled / "docs/policies/IAMReadOnlyAccess/index.md").read_text()
    assert (
        '<td>May 1, 2024</td><td><span class="policydocs-change">Added permissions for '
        "iam:GetAccountSummary.<br>In effect, the actions it allows and denies are unchanged."
        "</span></td>"
    ) in page
    service = json.loads((bundled / "docs/services/iam/index.json").read_text())
    assert "IAMReadOnlyAccess" in service["actions"]["GetAccountSummary"]["direct"]


def test_hand_written_files_are_never_touched(bundled: Path, cli: Runner) -> None:
    write(bundled, "docs/policies/README.md", "Notes kept beside the generated pages.\n")
    write(bundled, "docs/guides/onboarding.md", "# Onboarding\n")
    hand = {
        p: (bundled / p).read_bytes()
        for p in ("docs/index.md", "docs/policies/README.md", "docs/guides/onboarding.md")
    }
    for command in ("generate", "generate", "check"):
        assert cli(bundled, command).status == 0
    (bundled / "data/policies/AdministratorAccess.yaml").unlink()
    (bundled / "data/policies/AdministratorAccess/v1.json").unlink()
    assert cli(bundled, "generate").status == 0
    assert {p: (bundled / p).read_bytes() for p in hand} == hand
    assert not (bundled / "docs/policies/AdministratorAccess").exists()


def test_refuses_to_overwrite_a_file_it_did_not_write(bundled: Path, cli: Runner) -> None:
    write(bundled, "docs/policies/IAMReadOnlyAccess/index.md", "My own page\n")
    before = snapshot(bundled / "docs")
    result = cli(bundled, "generate")
    assert result.status == 1
    assert result.errors == [
        "docs/policies/IAMReadOnlyAccess/index.md: was not written by policydocs; move it out "
        "of the way to regenerate",
        "aborted: nothing was written",
    ]
    assert snapshot(bundled / "docs") == before


def test_refuses_to_overwrite_a_generated_file_edited_by_hand(bundled: Path, cli: Runner) -> None:
    cli(bundled, "generate")
    page = bundled / "docs/policies/IAMReadOnlyAccess/index.md"
    page.write_text(page.read_text() + "\nA note of mine.\n")
    (bundled / "data/policies/IAMReadOnlyAccess.yaml").write_text(
        (bundled / "data/policies/IAMReadOnlyAccess.yaml")
        .read_text()
        .replace("Provides read only access", "Provides read-only access")
    )
    result = cli(bundled, "generate")
    assert result.status == 1
    assert result.errors[0] == (
        "docs/policies/IAMReadOnlyAccess/index.md: was edited by hand "
        "since policydocs wrote it; move it out of the way to regenerate"
    )
    assert page.read_text().endswith("A note of mine.\n")


def test_stale_file_edited_by_hand_is_kept(bundled: Path, cli: Runner) -> None:
    cli(bundled, "generate")
    page = bundled / "docs/policies/AdministratorAccess/index.md"
    page.write_text("Kept: I edited this.\n")
    (bundled / "data/policies/AdministratorAccess.yaml").unlink()
    (bundled / "data/policies/AdministratorAccess/v1.json").unlink()
    result = cli(bundled, "generate")
    assert result.status == 0
    assert result.errors == [
        "docs/policies/AdministratorAccess/index.md: edited by hand after "
        "it was generated; kept, no longer managed"
    ]
    assert page.read_text() == "Kept: I edited this.\n"
    manifest = json.loads((bundled / "docs" / MANIFEST).read_text())
    assert "policies/AdministratorAccess/index.md" not in manifest["files"]


def test_schema_command_writes_schemas_the_bundled_data_satisfies(
    bundled: Path, cli: Runner
) -> None:
    import jsonschema
    import yaml

    committed = {p.name: p.read_bytes() for p in (bundled / "data/schema").glob("*.json")}
    result = cli(bundled, "schema")
    assert result.status == 0
    # The schemas editors use are those of the models: regenerate them when a model changes.
    assert {p.name: p.read_bytes() for p in (bundled / "data/schema").glob("*.json")} == committed
    schemas = {
        kind: json.loads((bundled / f"data/schema/{kind}.schema.json").read_text())
        for kind in ("policy", "topic")
    }
    for kind, folder in (("policy", "policies"), ("topic", "topics")):
        for path in sorted((bundled / "data" / folder).glob("*.yaml")):
            text = path.read_text()
            assert f"$schema=../schema/{kind}.schema.json" in text.splitlines()[0]
            data = yaml.load(
                text, Loader=yaml.BaseLoader
            )  # dates stay strings, as policydocs reads them
            jsonschema.validate(data, schemas[kind])
    broken = {"name": "Bad/Name", "versions": []}
    assert not jsonschema.Draft202012Validator(schemas["policy"]).is_valid(broken)


def test_a_run_with_nothing_to_do_replays_its_warnings(minimal: Path, cli: Runner) -> None:
    policy = minimal / "data/policies/ExamplePolicy.yaml"
    policy.write_text(
        policy.read_text().replace(
            "  - service: glue\n    summary: Start and read Glue jobs.\n", ""
        )
    )
    warning = (
        "data/policies/ExamplePolicy.yaml:5:1: warning: permissions: no group describes 'glue'"
    )
    first = cli(minimal, "generate")
    assert (first.status, first.errors) == (0, [warning])
    again = cli(minimal, "generate")
    assert (again.status, again.errors) == (0, [warning])
    assert again.stdout == f"docs: 0 written, 0 removed, {first.stdout.split()[1]} unchanged\n"
    before = snapshot(minimal / "docs")
    strict = cli(minimal, "generate", "--strict")
    assert strict.status == 1
    assert strict.errors == [warning, "aborted: 0 errors, 1 warning (fatal with --strict)"]
    assert snapshot(minimal / "docs") == before


def test_a_page_edited_after_a_run_is_noticed_without_any_data_change(
    bundled: Path, cli: Runner
) -> None:
    cli(bundled, "generate")
    page = bundled / "docs/topics/sagemaker-pipelines/index.md"
    page.write_text(page.read_text() + "\nEdited.\n")
    result = cli(bundled, "generate")
    assert result.status == 1
    assert result.errors[0].startswith(
        "docs/topics/sagemaker-pipelines/index.md: was edited by hand"
    )
    page.unlink()
    restored = cli(bundled, "generate")
    assert restored.stdout == "docs: 1 written, 0 removed, 80 unchanged\n"
