"""The data people write in data/, as typed, frozen models; their JSON Schema comes from here too.

Each constrained field carries the message shown when a value breaks the rule, so errors say what
was expected in the words of this project rather than of the validation library.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

POLICY_NAME = r"[A-Za-z0-9_+=,.@-]{1,128}"
VERSION_ID = r"v[1-9][0-9]*"
SERVICE_PREFIX = r"[a-z0-9][a-z0-9-]*|\*"
TOPIC_SLUG = r"[a-z0-9][a-z0-9-]*"
ARN = r"arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/([!-~]+/)*[A-Za-z0-9_+=,.@-]{1,128}"


def arn_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _matching(pattern: str, expected: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError(
                "policydocs", "'{value}' is not {expected}", {"value": value, "expected": expected}
            )
        return value

    return check


def _schema(pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": f"^({pattern})$"})


_STRICT = Field(strict=True)
PolicyName = Annotated[
    str,
    _STRICT,
    _schema(POLICY_NAME),
    AfterValidator(
        _matching(POLICY_NAME, "a valid IAM policy name (1-128 letters, digits and _+=,.@-)")
    ),
]
VersionId = Annotated[
    str,
    _STRICT,
    _schema(VERSION_ID),
    AfterValidator(_matching(VERSION_ID, "a version id (expected v1, v2, ...)")),
]
ServicePrefix = Annotated[
    str,
    _STRICT,
    _schema(SERVICE_PREFIX),
    AfterValidator(
        _matching(
            SERVICE_PREFIX,
            "a service prefix (expected lowercase letters, digits and -, e.g. s3, or *)",
        )
    ),
]
TopicSlug = Annotated[
    str,
    _STRICT,
    _schema(TOPIC_SLUG),
    AfterValidator(_matching(TOPIC_SLUG, "a page name (expected lowercase letters, digits and -)")),
]
Arn = Annotated[
    str,
    _STRICT,
    _schema(ARN),
    AfterValidator(_matching(ARN, "a policy ARN (expected arn:aws:iam::ACCOUNT:policy/PATH/NAME)")),
]
Text = Annotated[str, Field(strict=True)]
Markdown = Annotated[str, Field(strict=True, json_schema_extra={"format": "markdown"})]


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    raise PydanticCustomError(
        "policydocs", "{shown} is not a date (expected YYYY-MM-DD)", {"shown": shown}
    )


Date = Annotated[
    dt.date, BeforeValidator(_parse_date), WithJsonSchema({"type": "string", "format": "date"})
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PermissionGroup(_Model):
    """What a policy lets someone do with one service, in the words of its maintainers."""

    service: ServicePrefix = Field(description="IAM service prefix, e.g. `lambda`; `*` for all.")
    summary: Markdown = Field(description="One sentence on what the policy allows there.")


class Version(_Model):
    """One published version of a policy document."""

    id: VersionId = Field(description="Version id as IAM numbers them: v1, v2, ...")
    date: Date = Field(description="Date the version was published (YYYY-MM-DD).")
    document: Text | None = Field(
        None,
        description="Path of the JSON policy document, relative to this file. "
        "Default: <policy name>/<version id>.json",
    )
    note: Markdown | None = Field(
        None, description="Change note written by people. Without it, one is computed."
    )


class Policy(_Model):
    """An IAM managed policy: its prose and its version history."""

    name: PolicyName = Field(description="The IAM policy name; the file must be named after it.")
    arn: Arn | None = Field(
        None,
        description="Default arn:aws:iam::aws:policy/<name>. Set it for customer managed "
        "policies or policies with a path.",
    )
    description: Markdown = Field("", description="What the policy is for (Markdown).")
    usage: Markdown | None = Field(
        None, description="Where the policy is used, e.g. the role it is attached to (Markdown)."
    )
    permissions: tuple[PermissionGroup, ...] = Field(
        (), description="One group per service prefix the policy uses."
    )
    versions: tuple[Version, ...] = Field(min_length=1, description="Oldest first.")
    formerly: tuple[PolicyName, ...] = Field(
        (),
        description="Names the policy had before: their pages redirect here, and their JSON "
        "and feed URLs keep working.",
    )
    unlisted_actions: tuple[Text, ...] = Field(
        (),
        description="Entries of the latest version that the Service Authorization Reference "
        "does not list (yet), accepted as written instead of reported as typos.",
    )
    deprecated: Date | None = Field(
        None,
        description="Date the policy was found withdrawn (its source no longer lists it). Its "
        "page says so and stays, with its history.",
    )

    @property
    def default_arn(self) -> str:
        return self.arn or f"arn:aws:iam::aws:policy/{self.name}"


class Updates(_Model):
    title: Text = Field(description="Heading of the table of updates.")
    intro: Markdown | None = Field(None, description="Text above the table (Markdown).")


class Topic(_Model):
    """A page about a group of policies, in the shape of AWS's topic pages."""

    title: Text = Field(description="Page title.")
    intro: Markdown = Field("", description="Opening text (Markdown).")
    policies: tuple[PolicyName, ...] = Field(
        min_length=1, description="Policies covered, in page order."
    )
    updates: Updates = Field(description="The table of updates at the end of the page.")
    formerly: tuple[TopicSlug, ...] = Field(
        (), description="Page names the topic had before: their pages redirect here."
    )


SCHEMAS: dict[str, type[_Model]] = {"policy": Policy, "topic": Topic}


def json_schema(kind: str) -> dict[str, Any]:
    model = SCHEMAS[kind]
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
