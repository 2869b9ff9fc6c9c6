"""What a policy document allows and denies in concrete actions, and what a new version changes
in them: the literal entries of a document expanded through the catalog.

A statement's resources and conditions narrow where and when its actions apply; they are not
weighed here. "Allows" means some Allow statement names the action (or does not exclude it with
NotAction); "denies" means some Deny statement does, whatever its scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from itertools import groupby
from typing import Any
from weakref import WeakKeyDictionary

from .. import markup
from .catalog import AccessLevel, Action, Catalog, Service, levels
from .diff import ChangeKind, Diff, StatementChange, ValueChange
from .document import Effect, PolicyDocument, Statement, service_of

ALL = "*"  # the group of entries that span services: `*`, `*:Get*`, NotAction


@dataclass(frozen=True)
class Entry:
    """One Action or NotAction entry of one statement, and the actions it matches."""

    statement: Statement
    text: str  # as written
    negated: bool  # a NotAction entry: its matches are excluded, not granted
    matches: tuple[Action, ...]
    known_service: bool

    @property
    def effect(self) -> Effect:
        return self.statement.effect

    @property
    def wildcard(self) -> bool:
        return "*" in self.text or "?" in self.text

    @property
    def group(self) -> str:
        """The service group the entry is shown in: its prefix, or ALL when it spans services."""
        prefix = service_of(self.text)
        if self.negated or "*" in prefix or "?" in prefix or ":" not in self.text:
            return ALL
        return prefix

    @property
    def levels(self) -> dict[AccessLevel, int]:
        return levels(self.matches)

    @property
    def by_level(self) -> tuple[tuple[AccessLevel, tuple[Action, ...]], ...]:
        """The matches grouped by access level, most powerful first, as wildcard rows list them."""
        return tuple(
            (level, tuple(a for a in self.matches if a.level is level)) for level in self.levels
        )

    @property
    def action(self) -> Action | None:
        """The one action an entry without wildcards names; None if it names none."""
        return self.matches[0] if not self.wildcard and self.matches else None


@dataclass(frozen=True)
class ServiceAccess:
    """The entries of one service in a document, and what they allow and deny."""

    prefix: str  # or ALL
    service: Service | None
    entries: tuple[Entry, ...]
    allowed: tuple[Action, ...]  # of this service only; empty for ALL
    denied: tuple[Action, ...]

    @property
    def allowed_levels(self) -> dict[AccessLevel, int]:
        return levels(self.allowed)

    @property
    def denied_levels(self) -> dict[AccessLevel, int]:
        return levels(self.denied)


@dataclass(frozen=True)
class Grant:
    """What one Allow entry lets through: its matches; for a NotAction statement, one grant of
    every action its entries leave out."""

    text: str  # the entry as written, or "NotAction: a, b" for a NotAction statement
    actions: tuple[Action, ...]
    direct: bool  # names one action, without a wildcard


@dataclass(frozen=True, eq=False)
class Access:
    """What a document allows and denies. The sets are all most versions are asked for (to
    compare with the next one), so entries and grants, for pages, are made on first use."""

    document: PolicyDocument
    catalog: Catalog

    @cached_property
    def allowed(self) -> frozenset[Action]:
        return self._applied(Effect.ALLOW)

    @cached_property
    def denied(self) -> frozenset[Action]:
        return self._applied(Effect.DENY)

    def _applied(self, effect: Effect) -> frozenset[Action]:
        sets = [
            self.catalog.applies_to(st.not_action_keys or st.action_keys, bool(st.not_actions))
            for st in self.document.statements
            if st.effect is effect
        ]
        return sets[0] if len(sets) == 1 else frozenset().union(*sets)

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Document order, Action before NotAction in each statement."""
        return tuple(e for st in self.document.statements for e in _entries(st, self.catalog))

    @cached_property
    def grants(self) -> tuple[Grant, ...]:
        """What each entry of the Allow statements lets through, in document order."""
        out: list[Grant] = []
        for st, entries in groupby(self.entries, key=lambda e: e.statement):
            if st.effect is Effect.ALLOW:
                out += _grants(st, list(entries), self.catalog)
        return tuple(out)

    @cached_property
    def allowed_levels(self) -> dict[AccessLevel, int]:
        return levels(self.allowed)

    @cached_property
    def denied_levels(self) -> dict[AccessLevel, int]:
        return levels(self.denied)

    @cached_property
    def allowed_services(self) -> int:
        return len({a.service.prefix for a in self.allowed})

    @property
    def allows_everything(self) -> bool:
        return len(self.allowed) == self.catalog.action_count

    @cached_property
    def services(self) -> tuple[ServiceAccess, ...]:
        """Entries by service, ALL first, then by prefix."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.entries:
            groups.setdefault(entry.group, []).append(entry)
        return tuple(self._service(prefix, groups[prefix]) for prefix in sorted(groups))

    def _service(self, prefix: str, entries: list[Entry]) -> ServiceAccess:
        if prefix == ALL:
            return ServiceAccess(ALL, None, tuple(entries), (), ())
        service = self.catalog.service(prefix)
        actions = service.actions if service else ()
        allowed = tuple(a for a in actions if a in self.allowed)
        denied = tuple(a for a in actions if a in self.denied)
        return ServiceAccess(prefix, service, tuple(entries), allowed, denied)

    def unknown(self) -> Iterator[Entry]:
        """Entries that match no action the catalog knows."""
        return (e for e in self.entries if not e.matches and e.text != ALL)


# Validation and pages both ask about the latest version of each policy: computed once.
_computed: WeakKeyDictionary[PolicyDocument, Access] = WeakKeyDictionary()


def access(document: PolicyDocument, catalog: Catalog) -> Access:
    found = _computed.get(document)
    if found is None or found.catalog is not catalog:
        found = _computed[document] = Access(document, catalog)
    return found


def _entries(statement: Statement, catalog: Catalog) -> list[Entry]:
    negated = bool(statement.not_actions)
    return [
        Entry(statement, text, negated, catalog.expand(text), catalog.knows_service(text))
        for text in (statement.not_actions if negated else statement.actions)
    ]


def _grants(statement: Statement, entries: list[Entry], catalog: Catalog) -> list[Grant]:
    if entries and entries[0].negated:
        text = "NotAction: " + ", ".join(e.text for e in entries)
        applies = catalog.applies_to(statement.not_action_keys, negated=True)
        return [Grant(text, tuple(a for a in catalog.expand(ALL) if a in applies), direct=False)]
    return [Grant(e.text, e.matches, direct=not e.wildcard) for e in entries]


# --- what a version changes, in concrete actions ---------------------------------------------


class EffectiveKind(StrEnum):
    ALLOWED = "allowed"
    NO_LONGER_ALLOWED = "no-longer-allowed"
    DENIED = "denied"
    NO_LONGER_DENIED = "no-longer-denied"


_CLAUSES = {
    EffectiveKind.ALLOWED: "allows {}",
    EffectiveKind.NO_LONGER_ALLOWED: "no longer allows {}",
    EffectiveKind.DENIED: "denies {}",
    EffectiveKind.NO_LONGER_DENIED: "no longer denies {}",
}
LISTED = 5  # a clause names up to this many actions; beyond, it counts them by access level


@dataclass(frozen=True)
class EffectiveChange:
    """One action a version newly allows or denies, or no longer does."""

    kind: EffectiveKind
    action: Action

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "action": self.action.full,
            "access": str(self.action.level),
        }


@dataclass(frozen=True)
class Effective:
    """The concrete actions a version change allows, denies, or no longer does, by kind."""

    changes: tuple[EffectiveChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of(self, kind: EffectiveKind) -> tuple[Action, ...]:
        return tuple(c.action for c in self.changes if c.kind is kind)

    def to_json(self) -> list[dict[str, Any]]:
        return [c.to_json() for c in self.changes]

    def sentence(self) -> str:
        """'In effect, it allows 45 more actions (Read 43, List 2) and no longer allows s3:X.'"""
        parts = [
            _CLAUSES[kind].format(_described(self.of(kind), kind))
            for kind in EffectiveKind
            if self.of(kind)
        ]
        if not parts:
            return "In effect, the actions it allows and denies are unchanged."
        return "In effect, it " + markup.words(parts) + "."

    def text(self) -> str:
        return "\n".join(f"{c.kind}: {c.action.full} ({c.action.level})" for c in self.changes)


def _described(actions: tuple[Action, ...], kind: EffectiveKind) -> str:
    if len(actions) <= LISTED:
        return markup.words([a.full for a in actions])
    counts = ", ".join(f"{level} {n:,}" for level, n in levels(actions).items())
    more = " more" if kind in (EffectiveKind.ALLOWED, EffectiveKind.DENIED) else ""
    return f"{len(actions):,}{more} actions ({counts})"


def effective(old: Access, new: Access) -> Effective:
    changes = [
        *_changed(EffectiveKind.ALLOWED, new.allowed - old.allowed),
        *_changed(EffectiveKind.NO_LONGER_ALLOWED, old.allowed - new.allowed),
        *_changed(EffectiveKind.DENIED, new.denied - old.denied),
        *_changed(EffectiveKind.NO_LONGER_DENIED, old.denied - new.denied),
    ]
    return Effective(tuple(changes))


def _changed(kind: EffectiveKind, actions: Iterable[Action]) -> Iterator[EffectiveChange]:
    for action in sorted(actions, key=lambda a: a.key):
        yield EffectiveChange(kind, action)


def touches_actions(diff: Diff) -> bool:
    """False when the records change only resources, conditions or principals: then the actions
    allowed and denied are the same, and comparing them is not needed."""
    return any(c.kind not in _SCOPE_KINDS for c in diff.changes)


_SCOPE_KINDS = frozenset(
    {
        ChangeKind.RESOURCE_ADDED,
        ChangeKind.RESOURCE_REMOVED,
        ChangeKind.NOT_RESOURCE_ADDED,
        ChangeKind.NOT_RESOURCE_REMOVED,
        ChangeKind.CONDITION_ADDED,
        ChangeKind.CONDITION_REMOVED,
        ChangeKind.CONDITION_CHANGED,
        ChangeKind.PRINCIPAL_CHANGED,
    }
)


def literal_matches(old: Access, new: Access, diff: Diff) -> bool:
    """True when the concrete change is exactly the actions the diff's records name: then "in
    effect" would only repeat the change note. Wildcards, NotAction and swapped effects never
    match, since what they mean is the point of saying it."""
    named = _named_actions(diff)
    if named is None:
        return False
    added, removed = named
    gained = {a.key for a in new.allowed - old.allowed} | {a.key for a in new.denied - old.denied}
    lost = {a.key for a in old.allowed - new.allowed} | {a.key for a in old.denied - new.denied}
    return gained == added and lost == removed


def _named_actions(diff: Diff) -> tuple[set[str], set[str]] | None:
    """(added, removed) lowercase actions the records name, or None when some record's meaning
    in concrete actions is not its text."""
    added: set[str] = set()
    removed: set[str] = set()
    for change in diff.changes:
        if isinstance(change, ValueChange) and change.kind in _ACTION_KINDS:
            (added if change.kind.added else removed).add(change.value.lower())
        elif isinstance(change, StatementChange) and not change.body.not_actions:
            (added if change.kind.added else removed).update(a.lower() for a in change.fresh)
        elif change.kind in _OPAQUE:
            return None
    if any("*" in a or "?" in a for a in added | removed):
        return None
    return added, removed


_ACTION_KINDS = (ChangeKind.ACTION_ADDED, ChangeKind.ACTION_REMOVED)
_OPAQUE = (
    ChangeKind.NOT_ACTION_ADDED,
    ChangeKind.NOT_ACTION_REMOVED,
    ChangeKind.EFFECT_CHANGED,
    ChangeKind.STATEMENT_ADDED,
    ChangeKind.STATEMENT_REMOVED,
)
