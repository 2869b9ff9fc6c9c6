"""`policydocs generate`: data/ -> Markdown under docs/."""

from __future__ import annotations

import argparse

from .. import api
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "generate", parents=common.options(), help="write the Markdown for data/ under docs/"
    )
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = api.generate(common.settings(args))
    common.report(result.warnings)
    common.report(
        f"{path}: edited by hand after it was generated; kept, no longer managed"
        for path in result.kept
    )
    print(result.summary())
    return 0
