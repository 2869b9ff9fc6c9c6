"""`policydocs COMMAND`: one module per command, each a thin layer over generator.api.

Every command turns the one user-facing error type into a message on stderr and exit status 1
(or the status the error names); nothing else is caught, so a bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from ..errors import PolicyDocsError
from . import build, check, diff, generate, import_, links, schema, serve

COMMANDS: tuple[ModuleType, ...] = (
    build,
    generate,
    check,
    serve,
    diff,
    links,
    schema,
    import_,
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="policydocs",
        description="Documentation sites for AWS IAM managed policies, from data/.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except PolicyDocsError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status
