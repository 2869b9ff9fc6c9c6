"""`policydocs diff POLICY [FROM] [TO]`: what changed between two versions of a policy.

Exit status as diff(1): 0 when nothing changed, 1 when something did, 2 on trouble.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import api, markup
from ..errors import PolicyDocsError
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "diff",
        parents=common.options(strict=False),
        help="show what changed between two versions of a policy (default: the latest two)",
    )
    sub.add_argument("policy", metavar="POLICY")
    sub.add_argument("old", metavar="FROM", nargs="?", help="older version, e.g. v2")
    sub.add_argument("new", metavar="TO", nargs="?", help="newer version (default: the latest)")
    sub.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = api.diff(common.settings(args), args.policy, args.old, args.new)
    except PolicyDocsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(FORMATS[args.format](result))
    return 1 if result.diff else 0


def as_text(result: api.VersionDiff) -> str:
    lines = [f"{result.policy} {result.old} -> {result.new}"]
    lines += [change.text() for change in result.diff.changes]
    lines += ["", result.diff.sentence()]
    if result.in_effect:
        lines += [result.in_effect, "", result.effective.text()]
    return "\n".join(lines)


def as_markdown(result: api.VersionDiff) -> str:
    title = f"### {markup.text(result.policy)}: {result.old} → {result.new}"
    body = [title, "", str(markup.text(result.diff.sentence()))]
    if result.in_effect:
        body[-1] += " " + str(markup.text(result.in_effect))
    if result.diff:
        body += ["", result.diff.markdown()]
    return "\n".join(body)


def as_json(result: api.VersionDiff) -> str:
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False)


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}
