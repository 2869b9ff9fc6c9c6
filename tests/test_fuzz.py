"""Fuzzing: whatever is in data/, the loader and the renderer raise nothing but the tool's own
error (which the CLI prints without a traceback)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import api
from generator.config import Settings
from generator.errors import PolicyDocsError

from .conftest import FIXTURES, copy_project

POLICY = "data/policies/ExamplePolicy.yaml"
V1 = "data/policies/ExamplePolicy/v1.json"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def project() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield copy_project(FIXTURES / "minimal", Path(folder))


def project_settings(root: Path) -> Settings:
    return Settings(
        root=root,
        config_file=root / "mkdocs.yml",
        data_dir=root / "data",
        docs_dir=root / "docs",
        site_dir=root / "site",
        site_url="https://docs.example.com/",
    )


def outcome(root: Path, files: dict[str, str | bytes]) -> str:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    try:
        api.generate(project_settings(root))
    except PolicyDocsError as exc:
        assert str(exc)  # a message for the user, never an empty line
        return "refused"
    return "generated"


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    [
        "name",
        "arn",
        "description",
        "usage",
        "permissions",
        "versions",
        "id",
        "date",
        "note",
        "document",
        "service",
        "summary",
        "other",
    ]
)
_policy_like = st.dictionaries(_keys, _values, max_size=7)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_a_policy_file(text: str) -> None:
    with project() as root:
        assert outcome(root, {POLICY: text}) in ("refused", "generated")


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_as_a_policy_file_or_document(data: bytes) -> None:
    with project() as root:
        assert outcome(root, {POLICY: data}) == "refused"
    with project() as root:
        assert outcome(root, {V1: data}) in ("refused", "generated")


@FUZZ
@given(_policy_like)
def test_any_structure_as_a_policy(data: dict[str, Any]) -> None:
    with project() as root:
        assert outcome(root, {POLICY: yaml.safe_dump(data)}) in ("refused", "generated")


@FUZZ
@given(_values)
def test_any_json_as_a_policy_document(data: Any) -> None:
    with project() as root:
        assert outcome(root, {V1: json.dumps(data)}) in ("refused", "generated")


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.lists(_text, min_size=1, max_size=3),
        "Resource": st.one_of(_text, st.lists(_text, min_size=1, max_size=3)),
    },
    optional={
        "Sid": _text,
        "Condition": st.dictionaries(
            _text,
            st.dictionaries(_text, st.lists(_text), min_size=1, max_size=2),
            min_size=1,
            max_size=2,
        ),
    },
)
_document = st.lists(_statement, min_size=1, max_size=4).map(
    lambda s: {"Version": "2012-10-17", "Statement": s}
)


@FUZZ
@given(_document, _document, _text, _text, _text)
def test_valid_documents_with_any_strings_render(
    v1: dict[str, Any], v2: dict[str, Any], description: str, note: str, summary: str
) -> None:
    policy = yaml.safe_dump(
        {
            "name": "ExamplePolicy",
            "description": description,
            "usage": summary,
            "versions": [
                {"id": "v1", "date": "2024-01-01"},
                {"id": "v2", "date": "2024-02-01", "note": note},
            ],
        }
    )
    with project() as root:
        files: dict[str, str | bytes] = {
            POLICY: policy,
            V1: json.dumps(v1),
            "data/policies/ExamplePolicy/v2.json": json.dumps(v2),
        }
        assert outcome(root, files) == "generated"
        page = (root / "docs/policies/ExamplePolicy/index.md").read_text(encoding="utf-8")
        assert page.count("## Version history") == 1
