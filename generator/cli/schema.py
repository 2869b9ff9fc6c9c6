"""`policydocs schema`: write the JSON Schemas that editors use to check data/ as you type."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..output import atomic_write
from . import common


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "schema",
        parents=common.options(strict=False),
        help="write JSON Schemas for the YAML files in data/",
    )
    sub.add_argument(
        "--out", type=Path, default=None, help="folder to write into (default: <data>/schema)"
    )
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..model import SCHEMAS, json_schema  # pydantic: loaded only for this command

    out = args.out or common.settings(args).data_dir / "schema"
    for kind in sorted(SCHEMAS):
        path = out / f"{kind}.schema.json"
        atomic_write(path, (json.dumps(json_schema(kind), indent=2) + "\n").encode())
        print(path)
    return 0
