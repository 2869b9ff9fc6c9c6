"""Merging a source's records into data/: plan everything first, then write.

What people wrote is never rewritten. A new policy gets a YAML file with its versions and an
empty description (for `check` to point out); an existing one gets its new versions inserted in
its `versions:` list by `yamledit`, which changes no other byte. A version already recorded keeps
its YAML (its date too, so a corrected date survives), and if its document differs from the
source's, that is a conflict: reported, and replaced only with `force`. Every check runs before
the first write, so a refused import writes nothing; each write is atomic.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import UsageError
from ..iam.document import check_document, normalize
from ..load import schema_findings
from ..model import ARN, POLICY_NAME, VERSION_ID, Policy, arn_name
from ..output import atomic_write
from ..source import MAX_JSON_BYTES, MAX_YAML_BYTES, SourceError, dotted, parse_yaml, read_text
from ..validate import date_doubts
from .records import ImportRefused, Source, SourcePolicy, SourceVersion, unmatched
from .yamledit import EditRefused, Entry, add_field, add_versions

_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/policy.schema.json"
SHOWN_SERVICES = 12  # in the summary line; `check` names every one, policy by policy


@dataclass(frozen=True)
class Options:
    force: bool = False  # replace recorded documents that differ from the source's
    mark_missing: bool = False  # set `deprecated:` on policies a complete source lacks
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())


@dataclass(frozen=True)
class Write:
    path: Path
    data: bytes
    what: str  # for --dry-run: "create", "add v4 to", "replace", "mark deprecated"


@dataclass
class Plan:
    """What an import does, and what it has to say."""

    source: Source
    writes: list[Write] = field(default_factory=list)
    created: int = 0
    added: int = 0
    conflicts: int = 0
    replaced: int = 0
    dates: int = 0
    missing: int = 0
    deprecated: int = 0
    prose: dict[str, tuple[str, ...]] = field(default_factory=dict)  # policy -> services
    notes: list[str] = field(default_factory=list)  # report lines, conflicts first

    def summary(self, dry_run: bool = False) -> str:
        counts = [
            _count(self.created, "policy", "policies") + " created",
            _count(self.added, "version", "versions") + " added",
            _count(self.conflicts, "conflict", "conflicts"),
        ]
        optional = [
            (self.replaced, "document", "documents", "replaced"),
            (self.dates, "date", "dates", "to review"),
            (self.missing, "policy", "policies", "missing from the source"),
            (self.deprecated, "policy", "policies", "marked deprecated"),
        ]
        counts += [f"{_count(n, one, many)} {what}" for n, one, many, what in optional if n]
        head = "dry run, would import" if dry_run else "imported"
        line = f"{head} from {self.source.kind}: " + ", ".join(counts)
        return line + self._prose_summary()

    def _prose_summary(self) -> str:
        if not self.prose:
            return ""
        services = sorted({s for needed in self.prose.values() for s in needed})
        shown = ", ".join(services[:SHOWN_SERVICES])
        if len(services) > SHOWN_SERVICES:
            shown += f" and {len(services) - SHOWN_SERVICES:,} more"
        policies = _count(len(self.prose), "policy", "policies")
        need = "needs" if len(self.prose) == 1 else "need"
        return f"; {policies} {need} prose for services: {shown}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def apply(plan: Plan) -> None:
    """Documents first, then the YAML that names them: an interrupted import leaves no version
    recorded without its document."""
    for write in sorted(plan.writes, key=lambda w: w.path.suffix != ".json"):
        atomic_write(write.path, write.data)


# --- planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A policy file in data/ and, if it is valid, what it says."""

    path: Path
    policy: Policy | None
    problems: tuple[str, ...]


def _invalid(path: Path, *problems: str) -> Recorded:
    return Recorded(path, None, problems)


def plan(root: Path, data_dir: Path, source: Source, options: Options) -> Plan:
    """Everything the import will write and say; raises ImportRefused, with every problem, if
    the source or the files it touches do not allow it."""
    planner = _Planner(root, data_dir, source, options)
    problems = list(_refusals(source))
    if not problems:
        problems += planner.run()
    if problems:
        raise ImportRefused(problems)
    return planner.result


@dataclass
class _Planner:
    root: Path
    data_dir: Path
    source: Source
    options: Options
    result: Plan = field(init=False)

    def __post_init__(self) -> None:
        self.result = Plan(self.source)
        self.policies_dir = self.data_dir / "policies"
        self.data_real = self.data_dir.resolve()
        self.data_lexical = Path(os.path.normpath(self.data_dir))
        self.folders: dict[Path, bool] = {}
        self.conflict_notes: list[str] = []
        self.other_notes: list[str] = []
        self.refused: list[str] = []  # writes that must not happen

    def label(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def run(self) -> list[str]:
        files = self._files()
        listed = [p.name for p in self.source.policies]
        for pattern in unmatched(self.source.selected, listed, files):
            # Most likely a typo. (A pattern may name only recorded policies: to find them
            # missing from the source.)
            raise UsageError(
                f"{self.source.label}: --policy '{pattern}' matches no policy, in the source or "
                "in data/"
            )
        recorded = {name: self._read(path) for name, path in files.items()}
        former = {
            old: r for r in recorded.values() if r.policy is not None for old in r.policy.formerly
        }
        lowered = {name.lower(): name for name in files}
        problems: list[str] = []
        for policy in sorted(self.source.policies, key=lambda p: p.name):
            where = f"{self.source.label}: policy '{policy.name}'"
            twin = lowered.get(policy.name.lower())
            if policy.name in recorded:
                problems += self._merge(policy, recorded[policy.name])
            elif twin is not None:
                problems.append(
                    f"{where}: differs from {self.label(files[twin])} only in letter case"
                )
            elif policy.name in former:
                owner = former[policy.name]
                self.other_notes.append(
                    f"{where}: skipped: it is a former name of {self.label(owner.path)}"
                )
            else:
                problems += self._create(policy)
        for name, entry in sorted(recorded.items()):
            if name not in listed:
                problems += self._missing(entry)
        self.result.notes = self.conflict_notes + self.other_notes
        return problems + self.refused

    def _files(self) -> dict[str, Path]:
        """Policy files by name, as the loader finds them."""
        if not self.policies_dir.is_dir():
            return {}
        return {
            path.stem: path
            for path in sorted(self.policies_dir.glob("*.yaml"))
            if not path.name.startswith(".") and path.is_file()
        }

    def _read(self, path: Path) -> Recorded:
        """The policy a file holds, or what is wrong with it: reported only if the source lists
        the policy (`check` reports it anyway), as then the file cannot be merged into."""
        label = self.label(path)
        if not self._inside(path):
            return _invalid(path, f"{label}: refused: it leads outside the data folder")
        try:
            located = parse_yaml(read_text(path, label, MAX_YAML_BYTES), label)
        except SourceError as exc:
            return _invalid(path, str(exc.finding))
        if not isinstance(located.data, dict):
            return _invalid(path, f"{label}: expected a mapping of fields")
        try:
            policy = Policy.model_validate(located.data)
        except ValidationError as exc:
            return _invalid(path, *(str(f) for f in schema_findings(exc, located, Policy)))
        if policy.name != path.stem:
            return _invalid(path, f"{label}: name: '{policy.name}' does not match the file name")
        return Recorded(path, policy, ())

    def _inside(self, path: Path) -> bool:
        """True if reading or writing `path` stays in data/, through `..` and links alike."""
        lexical = Path(os.path.normpath(path))
        if lexical.is_symlink():
            return lexical.resolve().is_relative_to(self.data_real)
        return self._folder_inside(lexical.parent)

    def _folder_inside(self, folder: Path) -> bool:
        # Thousands of files share a few folders: each is checked once, without resolving
        # every path (a system call per component).
        known = self.folders.get(folder)
        if known is None:
            if folder == self.data_lexical:
                known = True
            elif folder.is_symlink() or not folder.is_relative_to(self.data_lexical):
                known = folder.resolve().is_relative_to(self.data_real)
            else:
                known = self._folder_inside(folder.parent)
            self.folders[folder] = known
        return known

    # --- a policy data/ has --------------------------------------------------------------------

    def _merge(self, policy: SourcePolicy, recorded: Recorded) -> list[str]:
        if recorded.policy is None:
            return [*recorded.problems]
        data = recorded.policy
        label = self.label(recorded.path)
        numbers = [int(v.id[1:]) for v in data.versions]
        if any(a >= b for a, b in pairwise(numbers)):
            return [f"{label}: versions: not in order, oldest first (policydocs check says where)"]
        if data.default_arn != policy.arn:
            self._conflict(
                f"{label}: conflict: arn is {data.default_arn} here, {policy.arn} in the source "
                "(correct it by hand if the source is right)"
            )
        if data.deprecated is not None:
            self.other_notes.append(
                f"{label}: deprecated: set, but the source lists the policy (remove it if the "
                "policy is back)"
            )
        by_id = {v.id: v for v in data.versions}
        problems: list[str] = []
        new: list[SourceVersion] = []
        for version in policy.versions:
            if version.id in by_id:
                written = by_id[version.id].document
                problems += self._compare(policy, version, recorded.path, written)
            elif self._document_free(policy.name, version):
                new.append(version)
        if not new:
            return problems
        entries = [Entry(v.id, v.date.isoformat()) for v in new]
        try:
            edited = add_versions(_read_yaml(recorded.path), entries)
        except EditRefused as exc:
            ids = ", ".join(v.id for v in new)
            return [*problems, f"{label}: cannot add {ids} to versions: {exc}; add them by hand"]
        self._write(recorded.path, edited.encode(), f"add {', '.join(v.id for v in new)} to")
        self.result.added += len(new)
        dated = {v.id: (v.date, bool(v.note)) for v in data.versions}
        dated.update({v.id: (v.date, False) for v in new})
        self._review_dates(label, dated, {v.id for v in new})
        latest = max(dated, key=lambda i: int(i[1:]))
        document = next((v.document for v in policy.versions if v.id == latest), None)
        self._prose(policy.name, document, {g.service for g in data.permissions})
        return problems

    def _compare(
        self, policy: SourcePolicy, version: SourceVersion, yaml_path: Path, written: str | None
    ) -> list[str]:
        """A recorded version: its document must be the source's."""
        path = yaml_path.parent / (written or f"{policy.name}/{version.id}.json")
        label = self.label(path)
        if not self._inside(path):
            return [f"{label}: refused: it leads outside the data folder"]
        current = _read_document(path)
        if current == version.document:
            return []
        if current is None:
            why = "the recorded document is missing or not JSON"
        else:
            why = "the document differs from the source's"
        self._conflict_or_replace(path, label, version, why)
        return []

    def _document_free(self, name: str, version: SourceVersion) -> bool:
        """A new version's document file is absent or already the source's (else a conflict,
        and the version is not recorded unless it is replaced)."""
        path = self.policies_dir / name / f"{version.id}.json"
        if not path.exists():
            self._write_document(path, version.document, "create")
            return True
        label = self.label(path)
        if _read_document(path) == version.document:
            return True
        return self._conflict_or_replace(
            path, label, version, "a file is there, not recorded, with another document"
        )

    def _conflict_or_replace(
        self, path: Path, label: str, version: SourceVersion, why: str
    ) -> bool:
        if self.options.force:
            self._write_document(path, version.document, "replace")
            self.result.replaced += 1
            self.other_notes.append(f"{label}: replaced with the source's document ({why})")
            return True
        self._conflict(f"{label}: conflict: {why}; --force replaces it")
        return False

    def _conflict(self, line: str) -> None:
        self.result.conflicts += 1
        self.conflict_notes.append(line)

    # --- a policy data/ lacks ------------------------------------------------------------------

    def _create(self, policy: SourcePolicy) -> list[str]:
        versions = [v for v in policy.versions if self._document_free(policy.name, v)]
        if not versions:
            return []
        path = self.policies_dir / f"{policy.name}.yaml"
        self._write(path, new_policy_yaml(policy.name, policy.arn, versions).encode(), "create")
        self.result.created += 1
        self.result.added += len(versions)
        dated = {v.id: (v.date, False) for v in versions}
        self._review_dates(self.label(path), dated, set(dated))
        self._prose(policy.name, versions[-1].document, set())
        return []

    def _missing(self, recorded: Recorded) -> list[str]:
        data = recorded.policy
        if data is None or data.deprecated is not None:
            return []
        if not self.source.covers(data.name, data.default_arn):
            return []
        label = self.label(recorded.path)
        if not self.options.mark_missing:
            self.result.missing += 1
            self.other_notes.append(
                f"{label}: missing from the source (--mark-missing-deprecated marks it deprecated)"
            )
            return []
        try:
            today = self.options.today.isoformat()
            edited = add_field(_read_yaml(recorded.path), "deprecated", today)
        except EditRefused as exc:
            return [f"{label}: cannot mark it deprecated: {exc}; add 'deprecated:' by hand"]
        self._write(recorded.path, edited.encode(), "mark deprecated")
        self.result.deprecated += 1
        self.other_notes.append(f"{label}: missing from the source: marked deprecated")
        return []

    # --- shared --------------------------------------------------------------------------------

    def _write(self, path: Path, data: bytes, what: str) -> None:
        if not self._inside(path):
            self.refused.append(f"{self.label(path)}: refused: it leads outside the data folder")
        self.result.writes.append(Write(path, data, what))

    def _write_document(self, path: Path, document: Any, what: str) -> None:
        data = _document_bytes(document)
        if len(data) > MAX_JSON_BYTES:
            # The loader would refuse the file: better not to write it.
            self.refused.append(
                f"{self.label(path)}: the source's document is too large ({len(data):,} bytes; "
                f"the limit is {MAX_JSON_BYTES:,})"
            )
        self._write(path, data, what)

    def _review_dates(
        self, label: str, dated: dict[str, tuple[dt.date, bool]], added: set[str]
    ) -> None:
        ordered = sorted(dated.items(), key=lambda item: int(item[0][1:]))
        versions = [(vid, date, noted) for vid, (date, noted) in ordered]
        for i, message in date_doubts(versions):
            if versions[i][0] in added:
                self.result.dates += 1
                self.other_notes.append(f"{label}: {versions[i][0]}: {message}")

    def _prose(self, name: str, latest: Any, described: set[str]) -> None:
        """Services the latest version uses that no permission group describes yet."""
        if latest is None:
            return
        needed = tuple(s for s in normalize(latest).services() if s not in described)
        if needed:
            self.result.prose[name] = needed


def _read_yaml(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _read_document(path: Path) -> Any:
    """The parsed document at `path`; None if there is none to compare with."""
    try:
        return json.loads(read_text(path, "", MAX_JSON_BYTES))
    except (SourceError, ValueError, RecursionError):
        return None


def _document_bytes(document: Any) -> bytes:
    """As IAM returns documents: four-space indents, keys in the source's order."""
    return (json.dumps(document, indent=4, ensure_ascii=False) + "\n").encode()


# --- new files --------------------------------------------------------------------------------


def new_policy_yaml(name: str, arn: str, versions: Iterable[SourceVersion]) -> str:
    """A policy file in the bundled files' layout, its prose left for people to write."""
    lines = [SCHEMA_COMMENT, f"name: {_scalar(name)}"]
    if arn != f"arn:aws:iam::aws:policy/{name}":
        lines.append(f"arn: {_scalar(arn)}")
    lines += ["", 'description: ""', "", "versions:"]
    for version in versions:
        lines += [f"  - id: {version.id}", f"    date: {version.date.isoformat()}"]
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    """Plain if every YAML reader (dates and booleans included) reads it back as this string."""
    try:
        plain = yaml.load(f"k: {value}\n", Loader=_YAML_LOADER) == {"k": value}
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value)


# --- what no source may bring -----------------------------------------------------------------

_NAME = re.compile(POLICY_NAME)
_ARN = re.compile(ARN)
_VERSION = re.compile(VERSION_ID)


def _refusals(source: Source) -> Iterator[str]:
    """Every record that cannot become data: names that are no IAM policy name or no safe file
    name, ARNs, version ids, documents that are no IAM policy."""
    seen: dict[str, str] = {}
    for policy in source.policies:
        where = f"{source.label}: policy '{policy.name}'"
        problem = name_problem(policy.name)
        if problem:
            yield f"{where}: {problem}"
            continue
        if policy.name.lower() in seen:
            yield f"{where}: differs from '{seen[policy.name.lower()]}' only in letter case"
        seen.setdefault(policy.name.lower(), policy.name)
        if not _ARN.fullmatch(policy.arn) or arn_name(policy.arn) != policy.name:
            yield f"{where}: arn '{policy.arn}' is not the ARN of a policy of that name"
        if not policy.versions:
            yield f"{where}: no versions"
        for version in policy.versions:
            yield from _version_refusals(f"{where}: {version.id}", version)


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a policy in data/, or None."""
    if not _NAME.fullmatch(name):
        return f"'{name}' is not a valid IAM policy name (1-128 letters, digits and _+=,.@-)"
    if name.startswith("."):
        # '.' and '..' name folders, and other dot names are hidden files the loader skips.
        return f"'{name}' cannot be a file name in data/policies/ (it starts with '.')"
    return None


def _version_refusals(where: str, version: SourceVersion) -> Iterator[str]:
    if not _VERSION.fullmatch(version.id):
        yield f"{where}: not a version id (expected v1, v2, ...)"
        return
    for path, message in check_document(version.document):
        at = dotted(path)
        yield f"{where}: document: {at + ': ' if at else ''}{message}"
