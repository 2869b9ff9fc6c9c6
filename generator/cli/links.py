"""`policydocs links check FILE...`: links kept elsewhere (guides in other repositories) into the
built site, each checked for its page and its #anchor.

Exit status: 0 when every link is found, 1 when one is broken, 2 when the links cannot be checked
(no site_url, no built site, an unreadable file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import links
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser("links", help="check links into the site kept in other files")
    actions = sub.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        parents=common.options(strict=False),
        help="report links into the site (by its site_url) whose page or anchor does not exist",
    )
    check.add_argument("files", metavar="FILE", nargs="+", type=Path, help="Markdown or HTML")
    check.add_argument(
        "--site", type=Path, default=None, help="the built site (default: site_dir of mkdocs.yml)"
    )
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = common.settings(args)
    if not settings.site_url:
        raise links.LinkCheckError(
            f"{settings.config_file.name}: site_url is not set: links into the site are found by "
            "its address; set site_url to the address the site is published at"
        )
    site_dir = args.site or settings.site_dir
    report = links.check(((path, str(path)) for path in args.files), site_dir, settings.site_url)
    common.report(report.broken)
    print(report.summary())
    return 1 if report.broken else 0
