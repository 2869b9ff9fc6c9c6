"""`policydocs build`: generate, then build the site with MkDocs into site/."""

from __future__ import annotations

import argparse

from .. import api
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "build", parents=common.options(), help="generate, then build the site into site/"
    )
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = common.settings(args)
    result = api.generate(settings)
    common.report(result.warnings)
    print(result.summary())
    api.build_site(settings)
    print(f"site: built into {settings.site_dir}")
    return 0
