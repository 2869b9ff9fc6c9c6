"""The core pipeline: load -> validate -> derive -> render -> write.

Adapters (the CLI, the MkDocs plugin) call these functions and nothing deeper.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fingerprint, output
from .config import Settings
from .errors import PolicyDocsError, UsageError
from .findings import Finding, Severity, ValidationFailed, is_fatal, sort_findings

if TYPE_CHECKING:
    from .iam.access import Effective
    from .iam.diff import Diff
    from .iam.document import PolicyDocument
    from .importers.merge import Plan
    from .importers.records import Source
    from .load import LoadedPolicy, Site

# The modules that read, check and render data are imported where they are used: a run with
# nothing to do (the common case under `mkdocs serve`) then never pays for loading them.


@dataclass(frozen=True)
class Checked:
    site: Site
    findings: tuple[Finding, ...]  # warnings only: errors raise

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self.findings

    def summary(self) -> str:
        policies = len(self.site.policies)
        versions = sum(len(p.data.versions) for p in self.site.policies)
        topics = len(self.site.topics)
        problems = (
            f"{len(self.findings):,} warning" + ("s" if len(self.findings) != 1 else "")
            if self.findings
            else "no problems"
        )
        return (
            f"{policies:,} {_plural(policies, 'policy', 'policies')}, {versions:,} "
            f"{_plural(versions, 'version', 'versions')}, {topics:,} "
            f"{_plural(topics, 'topic', 'topics')}: {problems}"
        )


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def check(settings: Settings) -> Checked:
    """Load and validate data/; raise ValidationFailed listing every problem if any is fatal."""
    from .load import load as load_site
    from .validate import validate

    site, findings = load_site(settings.root, settings.data_dir)
    findings += _settings_findings(settings)
    if not any(f.severity is Severity.ERROR for f in findings):
        findings += validate(site)
    ordered = sort_findings(findings)
    if is_fatal(ordered, settings.strict):
        raise ValidationFailed(ordered, strict=settings.strict)
    return Checked(site, tuple(ordered))


def _settings_findings(settings: Settings) -> list[Finding]:
    if settings.site_url:
        return []
    message = (
        "not set, so no feeds are written (they need absolute links): set it to the "
        "address the site is published at"
    )
    return [
        Finding(_label(settings, settings.config_file), 0, 0, "site_url", message, Severity.WARNING)
    ]


@dataclass
class Generated:
    warnings: tuple[Finding, ...] = ()
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.written):,} written",
            f"{len(self.removed):,} removed",
            f"{self.unchanged:,} unchanged",
        ]
        return "docs: " + ", ".join(parts)


def render(settings: Settings, checked: Checked) -> dict[str, bytes]:
    from .derive import derive
    from .render import Options, render_all

    site = derive(checked.site)
    sources = {p.data.name: p.file for p in checked.site.policies}
    sources.update({f"topic:{t.slug}": t.source.file for t in checked.site.topics})
    options = Options(
        settings.templates_dir, settings.site_url, settings.use_directory_urls, settings.site_name
    )
    return render_all(site, sources, options)


def generate(settings: Settings) -> Generated:
    """Write the Markdown and data files for data/ under docs/, touching only what changed."""
    with _batch():
        docs = settings.docs_dir
        manifest = output.Manifest.read(docs)
        inputs = fingerprint.inputs(settings)
        state = fingerprint.State.read(settings.root)
        if state is not None and state.is_current(inputs, docs, manifest.files):
            return _nothing_to_do(settings, state, len(manifest.files))
        fingerprint.forget(settings.root)  # stale from here until this run completes
        checked = check(settings)
        outputs = render(settings, checked)
        label = _label(settings, docs)
        plan = output.plan(docs, outputs, manifest, label=label)
        if plan.conflicts:
            raise output.OutputConflict(
                "\n".join(plan.conflicts) + "\naborted: nothing was written"
            )
        output.apply(docs, plan, manifest, outputs)
        stamp = fingerprint.outputs(docs, outputs)
        if stamp is not None:
            fingerprint.State(inputs, stamp, list(checked.findings)).write(settings.root)
    return Generated(
        checked.findings,
        sorted(plan.write),
        plan.remove,
        plan.unchanged,
        [f"{label}/{path}" for path in plan.kept],
    )


def _nothing_to_do(settings: Settings, state: fingerprint.State, files: int) -> Generated:
    """The pages on disk are those the data gives: report the warnings that run had."""
    if is_fatal(state.findings, settings.strict):
        raise ValidationFailed(state.findings, strict=settings.strict)
    return Generated(tuple(state.findings), unchanged=files)


@contextmanager
def _batch() -> Iterator[None]:
    """A run allocates millions of small objects and frees few: the cycle collector would
    rescan them all many times over (a third of the run on the full catalogue), so it waits."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _label(settings: Settings, path: Path) -> str:
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return path.as_posix()


def build_site(settings: Settings) -> None:
    """Run MkDocs into a fresh folder and swap it in, so a failed build leaves site/ as it was."""
    site_dir = settings.site_dir
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--config-file",
        str(settings.config_file),
        "--site-dir",
        str(staging),
    ]
    # Not --quiet: MkDocs then drops its warnings before --strict counts them, and a strict build
    # would pass with broken links and unresolved cross-references.
    if settings.strict:
        command.append("--strict")
    # The site was just generated and its warnings shown; Material's end-of-life notice is
    # answered in the README (the same docs/ and mkdocs.yml build with zensical).
    env = {**os.environ, "POLICYDOCS_GENERATED": "1", "NO_MKDOCS_2_WARNING": "1"}
    try:
        result = subprocess.run(command, cwd=settings.root, env=env, check=False)
        if result.returncode != 0:
            raise PolicyDocsError("mkdocs build failed (see above); site/ was left as it was")
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class VersionDiff:
    """What changed in one policy between two of its versions: the records of what the
    documents say, and what that means in concrete actions."""

    policy: str
    old: str
    new: str
    diff: Diff
    effective: Effective
    in_effect: str | None  # the sentence, when it says more than the records

    def to_json(self) -> dict[str, Any]:
        """The stable format for scripts: {"policy", "from", "to", "changes": [records],
        "effective": [records], "in_effect": sentence or null}."""
        return {
            "policy": self.policy,
            "from": self.old,
            "to": self.new,
            "changes": self.diff.to_json(),
            "effective": self.effective.to_json(),
            "in_effect": self.in_effect,
        }


def diff(
    settings: Settings, name: str, old: str | None = None, new: str | None = None
) -> VersionDiff:
    """Compare two versions of a policy; by default the latest two (or `old` with the latest)."""
    from .iam.diff import diff_documents

    checked = check(settings)
    policy = _find_policy(checked.site, name)
    ids = [v.id for v in policy.data.versions]
    if old is None and len(ids) < 2:
        raise UsageError(f"{name} has only one version ({ids[0]}): nothing to compare")
    new = new or ids[-1]
    old = old or ids[-2]
    for version in (old, new):
        if version not in policy.documents:
            raise UsageError(f"{name} has no version '{version}' (it has {', '.join(ids)})")
    before, after = policy.documents[old], policy.documents[new]
    return _version_diff(name, old, new, diff_documents(before, after), before, after)


def _version_diff(
    name: str, old: str, new: str, diff: Diff, before: PolicyDocument, after: PolicyDocument
) -> VersionDiff:
    from .iam.access import access, effective, literal_matches, touches_actions
    from .iam.catalog import catalog

    was, now = access(before, catalog()), access(after, catalog())
    changed = effective(was, now)
    repeats = not touches_actions(diff) or literal_matches(was, now, diff)
    return VersionDiff(name, old, new, diff, changed, None if repeats else changed.sentence())


def _find_policy(site: Site, name: str) -> LoadedPolicy:
    names = {p.data.name: p for p in site.policies}
    if name in names:
        return names[name]
    close = difflib.get_close_matches(name, list(names), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise UsageError(f"unknown policy '{name}'{hint}")


@dataclass(frozen=True)
class Imported:
    """What an import wrote (or, in a dry run, would write) and what it has to say."""

    plan: Plan
    dry_run: bool
    root: Path

    @property
    def notes(self) -> list[str]:
        """Conflicts, replaced documents, dates to review, missing policies: one per line."""
        return self.plan.notes

    @property
    def conflicts(self) -> int:
        return self.plan.conflicts

    def planned(self) -> list[str]:
        """One line per file, e.g. `add v4 to data/policies/X.yaml`."""
        return [f"{w.what} {_relative(self.root, w.path)}" for w in self.plan.writes]

    def summary(self) -> str:
        return self.plan.summary(self.dry_run)


def import_policies(
    settings: Settings,
    source: Source,
    *,
    force: bool = False,
    dry_run: bool = False,
    mark_missing: bool = False,
    today: dt.date | None = None,
) -> Imported:
    """Add the source's policies and versions that data/ lacks, without rewriting anything
    people wrote; raise ImportRefused, writing nothing, if any record or file forbids it."""
    from .importers import merge

    options = merge.Options(force=force, mark_missing=mark_missing)
    if today is not None:
        options = merge.Options(force=force, mark_missing=mark_missing, today=today)
    plan = merge.plan(settings.root, settings.data_dir, source, options)
    if not dry_run:
        merge.apply(plan)
    return Imported(plan, dry_run, settings.root)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
