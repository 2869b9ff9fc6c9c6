"""Pieces every command shares: options, settings, printing findings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from ..config import CONFIG_FILE, Settings, load_settings


def options(strict: bool = True) -> list[argparse.ArgumentParser]:
    """The options every command takes, for `add_parser(..., parents=options())`."""
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument(
        "-f",
        "--config",
        type=Path,
        default=Path(CONFIG_FILE),
        help=f"the site's MkDocs configuration (default: {CONFIG_FILE})",
    )
    if strict:
        base.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return [base]


def settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config, strict=getattr(args, "strict", False))


def report(lines: Iterable[object]) -> None:
    for line in lines:
        print(line, file=sys.stderr)
