"""Shared fixtures: projects to run commands in, a CLI runner, and golden-file comparison."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import urls
from generator.cli import main
from generator.output import MANIFEST

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_project(source: Path, dest: Path) -> Path:
    """mkdocs.yml, data/ and the hand-written part of docs/ of a project."""
    shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(source / "data", dest / "data")
    for path in sorted((source / "docs").rglob("*")):
        rel = path.relative_to(source / "docs").as_posix()
        if path.is_file() and not urls.owned(rel) and rel != MANIFEST:
            target = dest / "docs" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return dest


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A copy of the repository's own site: its mkdocs.yml, data/ and hand-written docs/."""
    return copy_project(ROOT, tmp_path)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A small customer-managed project (tests/fixtures/minimal) to break in chosen ways."""
    return copy_project(FIXTURES / "minimal", tmp_path)


@dataclass(frozen=True)
class Result:
    status: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        return self.stderr.splitlines()


Runner = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `policydocs ARGS...` in a project folder; returns status, stdout and stderr."""

    def run(project: Path, *args: str) -> Result:
        monkeypatch.chdir(project)
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


def run_in(project: Path, *args: str) -> int:
    """`policydocs ARGS...` in `project`, for module-scoped fixtures (the `cli` fixture is
    per test): returns the exit status."""
    with contextlib.chdir(project):
        return main(list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a command changed nothing."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write(project: Path, rel: str, text: str) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def golden(update_golden: bool) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite the file with --update-golden."""

    def compare(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}: review the output, then run --update-golden"
        assert actual == path.read_text(encoding="utf-8"), f"{name} differs from {path}"

    return compare
