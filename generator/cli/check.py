"""`policydocs check`: validate data/ and say so in one line."""

from __future__ import annotations

import argparse

from .. import api
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "check", parents=common.options(), help="validate data/ and report every problem"
    )
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    checked = api.check(common.settings(args))
    common.report(checked.warnings)
    print(checked.summary())
    return 0
