"""Reading data/ into models, collecting every problem instead of stopping at the first.

Layout:
    data/policies/<Name>.yaml         a policy (prose, permission groups, version history)
    data/policies/<Name>/<vN>.json    its policy documents
    data/topics/<slug>.yaml           a topic page
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding, Severity
from .iam.diff import Diff, diff_documents
from .iam.document import PolicyDocument, check_document, normalize
from .model import TOPIC_SLUG, Policy, Topic
from .source import Located, Path_, SourceError, load_json, load_yaml, locate_json

YAML_SUFFIX = ".yaml"


@dataclass(frozen=True)
class LoadedPolicy:
    data: Policy
    source: Located
    # Documents by version id; a version whose document failed to load is absent.
    documents: dict[str, PolicyDocument]
    document_files: dict[str, str]

    @property
    def file(self) -> str:
        return self.source.file

    @cached_property
    def history(self) -> tuple[Diff | None, ...]:
        """Each version against the one before it (None for the first), computed once for
        validation and pages alike. Needs every document loaded and versions in order."""
        docs = [self.documents[v.id] for v in self.data.versions]
        return (None, *(diff_documents(a, b) for a, b in pairwise(docs)))


@dataclass(frozen=True)
class LoadedTopic:
    slug: str
    data: Topic
    source: Located


@dataclass
class Site:
    root: Path
    policies: list[LoadedPolicy] = field(default_factory=list)
    topics: list[LoadedTopic] = field(default_factory=list)


@dataclass
class Loader:
    """Loads one data folder. `label` turns a path into the name errors show (relative to root)."""

    root: Path
    data_dir: Path
    findings: list[Finding] = field(default_factory=list)
    _folders: dict[Path, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._data_lexical = Path(os.path.normpath(self.data_dir))
        self._data_real = self.data_dir.resolve()

    def label(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def load(self) -> Site:
        site = Site(self.root)
        if not self.data_dir.is_dir():
            self.findings.append(
                Finding(self.label(self.data_dir), 0, 0, "", "data folder not found")
            )
            return site
        referenced: set[str] = set()
        for path in self._files("policies"):
            policy = self._policy(path, referenced)
            if policy is not None:
                site.policies.append(policy)
            else:
                # Its documents are unaccounted for only because the policy did not load.
                referenced.update(_key(p) for p in path.with_suffix("").glob("*.json"))
        for path in self._files("topics"):
            topic = self._topic(path)
            if topic is not None:
                site.topics.append(topic)
        self._unreferenced(referenced)
        return site

    def _files(self, folder: str) -> Iterator[Path]:
        base = self.data_dir / folder
        if not base.is_dir():
            return
        for path in sorted(base.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_dir() and folder == "policies":
                continue
            if path.suffix in (".yml", ".json") or path.is_dir():
                self.warn(path, f"ignored: data files are named *{YAML_SUFFIX}")
            elif path.suffix == YAML_SUFFIX and self._inside(path):
                yield path
            elif path.suffix == YAML_SUFFIX:
                self.error(path, "refused: the file is a link to outside the data folder")
            else:
                self.warn(path, f"ignored: data files are named *{YAML_SUFFIX}")

    def _inside(self, path: Path) -> bool:
        """True if `path` stays inside the data folder, through `..` and symbolic links alike."""
        lexical = Path(os.path.normpath(path))
        if not lexical.is_relative_to(self._data_lexical):
            return False
        if not lexical.is_symlink() and self._folder_inside(lexical.parent):
            return True
        return lexical.resolve().is_relative_to(self._data_real)

    def _folder_inside(self, folder: Path) -> bool:
        # Resolving every path costs a system call per component; folders are shared, so each
        # is checked once.
        if folder == self._data_lexical:
            return True
        known = self._folders.get(folder)
        if known is None:
            plain = not folder.is_symlink() and self._folder_inside(folder.parent)
            known = plain or folder.resolve().is_relative_to(self._data_real)
            self._folders[folder] = known
        return known

    def error(self, path: Path, message: str) -> None:
        self.findings.append(Finding(self.label(path), 1, 1, "", message))

    def warn(self, path: Path, message: str) -> None:
        self.findings.append(Finding(self.label(path), 1, 1, "", message, Severity.WARNING))

    def _parse(self, path: Path, model: type[BaseModel]) -> tuple[Any, Located] | None:
        try:
            located = load_yaml(path, self.label(path))
        except SourceError as exc:
            self.findings.append(exc.finding)
            return None
        if not isinstance(located.data, dict):
            self.findings.append(located.finding((), "expected a mapping of fields"))
            return None
        try:
            return model.model_validate(located.data), located
        except ValidationError as exc:
            self.findings += schema_findings(exc, located, model)
            return None

    def _policy(self, path: Path, referenced: set[str]) -> LoadedPolicy | None:
        parsed = self._parse(path, Policy)
        if parsed is None:
            return None
        policy, located = parsed
        if policy.name != path.stem:
            self.findings.append(
                located.finding(
                    ("name",),
                    f"'{policy.name}' does not match the file name '{path.name}' "
                    f"(expected {policy.name}{YAML_SUFFIX})",
                )
            )
        documents: dict[str, PolicyDocument] = {}
        files: dict[str, str] = {}
        for i, version in enumerate(policy.versions):
            doc_path = path.parent / (version.document or f"{path.stem}/{version.id}.json")
            files[version.id] = self.label(doc_path)
            referenced.add(_key(doc_path))
            document = self._document(doc_path, version.document, located, ("versions", i))
            if document is not None:
                documents.setdefault(version.id, document)
        return LoadedPolicy(policy, located, documents, files)

    def _document(
        self, path: Path, written: str | None, located: Located, where: Path_
    ) -> PolicyDocument | None:
        label = self.label(path)
        if not self._inside(path):
            self.findings.append(
                located.finding(
                    (*where, "document"), f"'{written or label}' is outside the data folder"
                )
            )
            return None
        if not path.is_file():
            what = "is not a file" if path.exists() else "not found"
            self.findings.append(
                located.finding((*where, "document"), f"policy document '{label}' {what}")
            )
            return None
        try:
            text, raw = load_json(path, label)
        except SourceError as exc:
            self.findings.append(exc.finding)
            return None
        problems = check_document(raw)
        if problems:
            positions = locate_json(text, label)
            self.findings += [positions.finding(p, message, key=True) for p, message in problems]
            return None
        return normalize(raw, text)

    def _topic(self, path: Path) -> LoadedTopic | None:
        if not re.fullmatch(TOPIC_SLUG, path.stem):
            self.error(
                path,
                f"'{path.name}' is not a valid page name (expected lowercase "
                "letters, digits and -, then .yaml)",
            )
            return None
        parsed = self._parse(path, Topic)
        if parsed is None:
            return None
        topic, located = parsed
        return LoadedTopic(path.stem, topic, located)

    def _unreferenced(self, referenced: set[str]) -> None:
        base = self.data_dir / "policies"
        if not base.is_dir():
            return
        for path in sorted(base.glob("*/*.json")):
            if _key(path) not in referenced:
                self.warn(path, "no version refers to this document")


def _key(path: Path) -> str:
    return os.path.normpath(path)


def load(root: Path, data_dir: Path) -> tuple[Site, list[Finding]]:
    loader = Loader(root, data_dir)
    site = loader.load()
    return site, loader.findings


# --- schema errors, in this project's words -------------------------------------------------

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    type(None): "null",
    list: "a list",
    dict: "a mapping",
}
_EXPECTED = {
    "string_type": "a string",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "bool_type": "true or false",
    "model_attributes_type": "a mapping",
}


def schema_findings(
    exc: ValidationError, located: Located, model: type[BaseModel]
) -> list[Finding]:
    errors = exc.errors(include_url=False)
    # A list whose items failed is also reported "too short" once they are dropped: noise.
    inner = {tuple(e["loc"][:i]) for e in errors for i in range(len(e["loc"]))}
    out = []
    for error in errors:
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "too_short" and loc in inner:
            continue
        if kind == "extra_forbidden":
            out.append(located.finding(loc, _unknown_field(loc, model), key=True))
        elif kind == "missing":
            out.append(located.finding(loc, "required field is missing", at=loc[:-1]))
        elif kind in _EXPECTED:
            got = _TYPE_NAMES.get(type(error["input"]), type(error["input"]).__name__)
            out.append(located.finding(loc, f"expected {_EXPECTED[kind]}, got {got}"))
        elif kind == "too_short":
            out.append(located.finding(loc, "expected at least one entry"))
        else:
            out.append(located.finding(loc, error["msg"]))
    return out


def _unknown_field(loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    allowed = _fields_at(model, loc[:-1])
    name = str(loc[-1])
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "expected one of: " + ", ".join(allowed)
    return f"unknown field ({hint})"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at `loc`, following nested models through lists."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = _inner_model(annotation)
    return list(current.model_fields)


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
