"""`policydocs serve`: preview with live reload; edits in data/ regenerate the pages."""

from __future__ import annotations

import argparse
import subprocess
import sys

from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "serve", parents=common.options(), help="preview the site, regenerating when data/ changes"
    )
    sub.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = common.settings(args)
    # MkDocs serves; the policydocs plugin in mkdocs.yml regenerates before every rebuild and
    # watches data/, so `mkdocs serve` alone behaves the same.
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--config-file",
        str(settings.config_file),
        "--dev-addr",
        args.dev_addr,
    ]
    if settings.strict:
        command.append("--strict")
    return subprocess.run(command, cwd=settings.root, check=False).returncode
