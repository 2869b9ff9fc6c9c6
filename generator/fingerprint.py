"""Cheap fingerprints that let a run with nothing to do finish without reading the data.

Inputs are fingerprinted by path, size and modification time (as make does), outputs by the
same after they were written. Both are kept, with the run's warnings, in a state file outside
docs/ (`.policydocs-cache/state.json`: local, like any cache, and safe to delete). Equal
fingerprints mean the pages on disk are the ones the data would give.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import Settings
from .findings import Finding, Severity

PACKAGE = Path(__file__).resolve().parent


def inputs(settings: Settings, extra: Iterable[str] = ()) -> str:
    """Everything that shapes the output: data, templates, the generator itself, settings."""
    digest = hashlib.sha256()
    # Neither --strict nor where the site is built changes what is generated.
    plain = dataclasses.replace(settings, strict=False, site_dir=settings.root)
    digest.update(repr(plain).encode())
    for item in extra:
        digest.update(f"{item}\n".encode())
    for folder in (settings.data_dir, settings.templates_dir, PACKAGE):
        if folder is not None:
            for line in _stats(folder):
                digest.update(line.encode())
    return digest.hexdigest()


def _stats(folder: Path) -> Iterator[str]:
    stack = [str(folder)]
    while stack:
        try:
            entries = sorted(os.scandir(stack.pop()), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            else:
                stat = entry.stat(follow_symlinks=False)
                yield f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"


def outputs(docs: Path, paths: Iterable[str]) -> str | None:
    """The written files as they are now; None if any is missing."""
    digest = hashlib.sha256()
    base = str(docs)
    for path in sorted(paths):
        try:
            # String joins: pathlib costs ten times as much per file, and there are thousands.
            stat = os.stat(os.path.join(base, path))  # noqa: PTH116, PTH118
        except OSError:
            return None
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


STATE = Path(".policydocs-cache") / "state.json"


@dataclass
class State:
    inputs: str
    outputs: str
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def read(cls, root: Path) -> State | None:
        try:
            raw = json.loads((root / STATE).read_text(encoding="utf-8"))
            findings = [
                Finding(**{**f, "severity": Severity(f["severity"])}) for f in raw["findings"]
            ]
            return cls(str(raw["inputs"]), str(raw["outputs"]), findings)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a cache: when in doubt, do the work

    def write(self, root: Path) -> None:
        from .output import atomic_write

        body = {
            "inputs": self.inputs,
            "outputs": self.outputs,
            "findings": [{**asdict(f), "severity": str(f.severity)} for f in self.findings],
        }
        atomic_write(root / STATE, (json.dumps(body, indent=1) + "\n").encode())

    def is_current(self, inputs: str, docs: Path, files: Iterable[str]) -> bool:
        return self.inputs == inputs and outputs(docs, files) == self.outputs


def forget(root: Path) -> None:
    (root / STATE).unlink(missing_ok=True)
