"""Writing generated files under docs/ without ever touching a file people wrote.

The generator writes only inside the folders it owns (`urls.OWNED`) and records every file it
wrote, with a hash of its bytes, in a manifest. A file it is about to replace or remove must be in
the manifest with the bytes it left there: anything else was written or edited by hand and is
refused (generate) or kept (stale files). Files whose bytes are unchanged are not rewritten, and
each write goes to a temporary file renamed into place, so an interrupted run leaves every file
either as it was or as it should be.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import PolicyDocsError

MANIFEST = ".policydocs-manifest.json"


class OutputConflict(PolicyDocsError):
    pass


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    # path -> hashes its bytes may have. More than one only while a run is writing.
    files: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, docs: Path) -> Manifest:
        path = docs / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            files = {
                str(k): [v] if isinstance(v, str) else list(v) for k, v in raw["files"].items()
            }
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OutputConflict(
                f"{path}: unreadable manifest ({exc}); it lists the files "
                "policydocs may replace: restore it from version control or "
                "delete the generated folders and it"
            ) from None
        return cls(files)

    def write(self, docs: Path) -> None:
        body = {
            "generator": "policydocs",
            "files": {k: v[0] if len(v) == 1 else v for k, v in sorted(self.files.items())},
        }
        atomic_write(docs / MANIFEST, (json.dumps(body, indent=1) + "\n").encode())

    def owns(self, path: str, data: bytes) -> bool:
        return digest(data) in self.files.get(path, ())


@dataclass
class Plan:
    """What a run will do: files to write, files to remove, and what it refused."""

    write: dict[str, bytes] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # stale files edited by hand: left alone
    conflicts: list[str] = field(default_factory=list)


def plan(docs: Path, outputs: Mapping[str, bytes], manifest: Manifest, label: str = "docs") -> Plan:
    result = Plan()
    for path, data in sorted(outputs.items()):
        if not urls.owned(path):
            raise AssertionError(f"generator produced {path}, outside the folders it owns")
        _plan_file(docs, path, data, manifest, result, label)
    for path in sorted(set(manifest.files) - set(outputs)):
        _plan_stale(docs, path, manifest, result)
    return result


def _plan_file(
    docs: Path, path: str, data: bytes, manifest: Manifest, result: Plan, label: str
) -> None:
    target = docs / path
    shown = f"{label}/{path}"
    blocker = _non_directory_parent(docs, path)
    if blocker is not None:
        result.conflicts.append(
            f"{label}/{blocker}: a file or link stands where policydocs needs a folder"
        )
        return
    if target.is_symlink() or (target.exists() and not target.is_file()):
        result.conflicts.append(
            f"{shown}: not a regular file; policydocs will not write through it"
        )
        return
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        result.write[path] = data
        return
    if current == data:
        result.unchanged += 1  # the bytes it would write: nothing to lose, even if unlisted
    elif not manifest.owns(path, current):
        why = (
            "was edited by hand since policydocs wrote it"
            if path in manifest.files
            else "was not written by policydocs"
        )
        result.conflicts.append(f"{shown}: {why}; move it out of the way to regenerate")
    else:
        result.write[path] = data


def _non_directory_parent(docs: Path, path: str) -> str | None:
    parts = path.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        candidate = docs.joinpath(*parts[:i])
        if candidate.is_symlink() or (candidate.exists() and not candidate.is_dir()):
            return "/".join(parts[:i])
    return None


def _plan_stale(docs: Path, path: str, manifest: Manifest, result: Plan) -> None:
    target = docs / path
    try:
        current = target.read_bytes()
    except OSError:
        return  # already gone
    if manifest.owns(path, current) and not target.is_symlink():
        result.remove.append(path)
    else:
        result.kept.append(path)


def apply(docs: Path, result: Plan, manifest: Manifest, outputs: Mapping[str, bytes]) -> None:
    """Carry out a plan that has no conflicts. The manifest is updated before and after, so an
    interrupted run leaves a manifest that still recognises every file it may have written."""
    if result.write or result.remove:
        during = Manifest({k: list(v) for k, v in manifest.files.items()})
        for path, data in result.write.items():
            during.files[path] = [*during.files.get(path, []), digest(data)]
        docs.mkdir(parents=True, exist_ok=True)
        during.write(docs)
    for path, data in result.write.items():
        atomic_write(docs / path, data)
    for path in result.remove:
        (docs / path).unlink(missing_ok=True)
        _prune_empty(docs, path)
    final = Manifest({path: [digest(data)] for path, data in outputs.items()})
    if final.files != manifest.files or result.write or result.remove:
        final.write(docs)


def _prune_empty(docs: Path, path: str) -> None:
    parent = (docs / path).parent
    while parent != docs and urls.owned(parent.relative_to(docs).as_posix() + "/x"):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place. The temporary name
    is fixed per process (one left by a crashed process of the same id is overwritten, never
    followed if it is a link): mkstemp's random names cost five times as much, which shows over
    ten thousand files."""
    tmp = f"{path.parent}/.{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, _CREATE, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _CREATE, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
