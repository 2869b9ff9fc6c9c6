"""What changed between two versions of a policy document, as typed records.

Statements are paired across versions (identical content first, then Sid, then similarity), and
each pair is compared field by field. An action that moved to another statement with the same
effect, resources and conditions still grants the same thing, so it produces no record.

Every record renders itself (JSON, text, Markdown); `Diff.sentence()` turns a set of records into
the change note shown on the site, in the style of AWS's own notes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from .. import markup
from .document import Condition, Effect, PolicyDocument, Statement


class ChangeKind(StrEnum):
    ACTION_ADDED = "action-added"
    ACTION_REMOVED = "action-removed"
    NOT_ACTION_ADDED = "not-action-added"
    NOT_ACTION_REMOVED = "not-action-removed"
    RESOURCE_ADDED = "resource-added"
    RESOURCE_REMOVED = "resource-removed"
    NOT_RESOURCE_ADDED = "not-resource-added"
    NOT_RESOURCE_REMOVED = "not-resource-removed"
    CONDITION_ADDED = "condition-added"
    CONDITION_REMOVED = "condition-removed"
    CONDITION_CHANGED = "condition-changed"
    EFFECT_CHANGED = "effect-changed"
    PRINCIPAL_CHANGED = "principal-changed"
    STATEMENT_ADDED = "statement-added"
    STATEMENT_REMOVED = "statement-removed"

    @property
    def added(self) -> bool:
        return self.value.endswith("-added")


@dataclass(frozen=True)
class Change:
    """One change in one statement. `order` sorts records the way the documents read."""

    kind: ChangeKind
    effect: Effect
    statement: str
    order: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "effect": str(self.effect),
            "statement": self.statement,
            **self._json_fields(),
        }

    def _json_fields(self) -> dict[str, Any]:
        return {}

    def text(self) -> str:
        return f"{self.effect} {self.statement}: {self.describe()}"

    def markdown(self) -> str:
        return f"- {markup.text(self.effect)} {markup.code(self.statement)}: {self.describe_md()}"

    def describe(self) -> str:
        raise NotImplementedError

    def describe_md(self) -> str:
        return str(markup.text(self.describe()))


@dataclass(frozen=True)
class ValueChange(Change):
    """An action, NotAction, resource or NotResource entry added to or removed from a statement."""

    value: str

    _NOUNS: ClassVar[dict[str, str]] = {
        "action": "action",
        "not-action": "NotAction entry",
        "resource": "resource",
        "not-resource": "NotResource entry",
    }

    def _json_fields(self) -> dict[str, Any]:
        return {"value": self.value}

    @property
    def field(self) -> str:
        return self.kind.value.rsplit("-", 1)[0]

    def describe(self) -> str:
        verb = "added" if self.kind.added else "removed"
        return f"{verb} {self._NOUNS[self.field]} {self.value}"

    def describe_md(self) -> str:
        verb = "added" if self.kind.added else "removed"
        return f"{verb} {self._NOUNS[self.field]} {markup.code(self.value)}"


@dataclass(frozen=True)
class ConditionChange(Change):
    operator: str
    key: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def added_values(self) -> tuple[str, ...]:
        return tuple(v for v in self.new if v not in self.old)

    @property
    def removed_values(self) -> tuple[str, ...]:
        return tuple(v for v in self.old if v not in self.new)

    def _json_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"operator": self.operator, "key": self.key}
        if self.kind is ChangeKind.CONDITION_CHANGED:
            return {
                **fields,
                "old": list(self.old),
                "new": list(self.new),
                "added": list(self.added_values),
                "removed": list(self.removed_values),
            }
        return {**fields, "values": list(self.new if self.kind.added else self.old)}

    def describe(self) -> str:
        where = f"condition {self.operator} {self.key}"
        if self.kind is ChangeKind.CONDITION_ADDED:
            return f"added {where} = {markup.words(list(self.new))}"
        if self.kind is ChangeKind.CONDITION_REMOVED:
            return f"removed {where}"
        parts = []
        if self.added_values:
            parts.append(f"added {markup.words(list(self.added_values))}")
        if self.removed_values:
            parts.append(f"removed {markup.words(list(self.removed_values))}")
        return f"{where}: " + " and ".join(parts)


@dataclass(frozen=True)
class SwapChange(Change):
    """The effect or the principal of a statement replaced."""

    old: str
    new: str

    def _json_fields(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new}

    def describe(self) -> str:
        what = "effect" if self.kind is ChangeKind.EFFECT_CHANGED else "principal"
        return f"changed the {what} from {self.old} to {self.new}"


@dataclass(frozen=True)
class StatementChange(Change):
    """A statement with no counterpart in the other version."""

    body: Statement
    fresh: tuple[str, ...]  # its actions that the other version did not grant in the same way

    def _json_fields(self) -> dict[str, Any]:
        return {"value": self.body_json}

    @property
    def body_json(self) -> Any:
        return _statement_json(self.body)

    def describe(self) -> str:
        return self._describe(str)

    def describe_md(self) -> str:
        return self._describe(lambda s: str(markup.code(s)))

    def _describe(self, show: Callable[[str], str]) -> str:
        st = self.body
        verb = "added" if self.kind.added else "removed"
        actions = ", ".join(show(a) for a in st.actions or st.not_actions)
        what = f"all actions except {actions}" if st.not_actions else actions
        scope = ", ".join(show(r) for r in st.resources or st.not_resources)
        where = f"all resources except {scope}" if st.not_resources else scope
        conditions = " with conditions" if st.conditions else ""
        return f"{verb} a statement: {st.effect} {what} on {where}{conditions}"


def _statement_json(st: Statement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if st.sid:
        out["Sid"] = st.sid
    out["Effect"] = str(st.effect)
    for key, values in (
        ("Action", st.actions),
        ("NotAction", st.not_actions),
        ("Resource", st.resources),
        ("NotResource", st.not_resources),
    ):
        if values:
            out[key] = list(values)
    if st.conditions:
        cond: dict[str, dict[str, list[str]]] = {}
        for c in st.conditions:
            cond.setdefault(c.operator, {})[c.key] = list(c.values)
        out["Condition"] = cond
    return out


@dataclass(frozen=True)
class Diff:
    """The records between two documents, in reading order, and the sentences made from them."""

    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of(self, *kinds: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def to_json(self) -> list[dict[str, Any]]:
        return [c.to_json() for c in self.changes]

    def text(self) -> str:
        return "\n".join(c.text() for c in self.changes)

    def markdown(self) -> str:
        return "\n".join(c.markdown() for c in self.changes)

    def sentence(self) -> str:
        """The change note: 'Added permissions for A, B, and C; removed resource R.'"""
        from .sentence import clauses

        parts = clauses(self)
        if not parts:
            return "No change in permissions."
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


def diff_documents(old: PolicyDocument, new: PolicyDocument) -> Diff:
    if old.raw_statements == new.raw_statements:
        return Diff(())  # the common case in long histories, decided without normalising
    pairs, removed = match_statements(old.statements, new.statements)
    changed = [
        (pairs.get(st.position), st)
        for st in new.statements
        if st.position not in pairs or not _same(pairs[st.position], st)
    ]
    if not changed and not removed:
        return Diff(())
    old_grants, new_grants = _grants(old.statements), _grants(new.statements)
    changes: list[Change] = []
    for before, statement in changed:
        if before is not None:
            changes += _compare(before, statement, old_grants, new_grants)
            continue
        fresh = _fresh(statement, old_grants)
        if fresh is not None:
            changes.append(
                StatementChange(
                    ChangeKind.STATEMENT_ADDED,
                    statement.effect,
                    statement.label,
                    (statement.position, 0),
                    statement,
                    fresh,
                )
            )
    for statement in removed:
        fresh = _fresh(statement, new_grants)
        if fresh is not None:
            changes.append(
                StatementChange(
                    ChangeKind.STATEMENT_REMOVED,
                    statement.effect,
                    statement.label,
                    (10**6 + statement.position, 0),
                    statement,
                    fresh,
                )
            )
    return Diff(tuple(changes))


Grants = dict[tuple[Any, str], set[str]]


def _grants(statements: Iterable[Statement]) -> Grants:
    """{(context, field): actions}: what the document allows or denies, and under which scope."""
    out: Grants = defaultdict(set)
    for st in statements:
        out[st.context, "Action"] |= st.action_keys
        out[st.context, "NotAction"] |= st.not_action_keys
    return out


def _granted(grants: Grants, st: Statement, field: str, action: str) -> bool:
    found = grants.get((st.context, field))
    return found is not None and action.lower() in found


def _fresh(st: Statement, other: Grants) -> tuple[str, ...] | None:
    """The statement's actions not granted alike by the other version; None if it only moved."""
    fresh = tuple(a for a in st.actions if not _granted(other, st, "Action", a))
    moved = not fresh and all(_granted(other, st, "NotAction", a) for a in st.not_actions)
    return None if moved else fresh


def match_statements(
    old: Sequence[Statement], new: Sequence[Statement]
) -> tuple[dict[int, Statement], list[Statement]]:
    """Pair statements across versions: {new position: old statement}, and the unpaired old ones."""
    pairs: dict[int, Statement] = {}
    left = list(old)

    def take(statement: Statement, partner: Statement) -> None:
        pairs[statement.position] = partner
        left.remove(partner)

    for st in new:  # unchanged statements at unchanged positions: no normal form needed
        partner = old[st.position - 1] if st.position <= len(old) else None
        if partner is not None and partner.raw is not None and partner.raw == st.raw:
            take(st, partner)
    by_content: dict[Any, list[Statement]] = defaultdict(list)
    for st in left:
        by_content[st.canonical].append(st)
    for st in new:
        same = by_content.get(st.canonical) if st.position not in pairs else None
        if same:
            take(st, same.pop(0))
    for st in new:
        if st.position not in pairs and st.sid:
            partner = next((o for o in left if o.sid == st.sid), None)
            if partner is not None:
                take(st, partner)
    for score, st, partner in _candidates([s for s in new if s.position not in pairs], left):
        if st.position not in pairs and partner in left and score > 0:
            take(st, partner)
    return pairs, left


def _same(old: Statement, new: Statement) -> bool:
    return (old.raw is not None and old.raw == new.raw) or old.canonical == new.canonical


def _candidates(
    new: list[Statement], old: list[Statement]
) -> list[tuple[float, Statement, Statement]]:
    """Plausible pairs, most similar first; ties keep document order so results are stable."""
    scored = []
    for st in new:
        for partner in old:
            score = _similarity(partner, st)
            if score > 0:
                scored.append((score, st, partner))
    scored.sort(key=lambda t: (-t[0], t[1].position, t[2].position))
    return scored


def _similarity(a: Statement, b: Statement) -> float:
    """Shared entries over all entries; statements sharing no action pair only on equal scope."""
    acts_a = {a_.lower() for a_ in (*a.actions, *a.not_actions)}
    acts_b = {b_.lower() for b_ in (*b.actions, *b.not_actions)}
    scope_a = {*a.resources, *a.not_resources, *(c.identity for c in a.conditions)}
    scope_b = {*b.resources, *b.not_resources, *(c.identity for c in b.conditions)}
    if a.effect != b.effect or (not acts_a & acts_b and scope_a != scope_b):
        return 0.0
    shared = len(acts_a & acts_b) + len(scope_a & scope_b)
    return shared / max(1, len(acts_a | acts_b) + len(scope_a | scope_b))


def _compare(
    old: Statement, new: Statement, old_grants: Grants, new_grants: Grants
) -> list[Change]:
    label, pos = new.label, new.position
    out: list[Change] = []
    if old.effect != new.effect:
        out.append(
            SwapChange(
                ChangeKind.EFFECT_CHANGED,
                new.effect,
                label,
                (pos, 0),
                str(old.effect),
                str(new.effect),
            )
        )
    if old.principal != new.principal:
        out.append(
            SwapChange(
                ChangeKind.PRINCIPAL_CHANGED,
                new.effect,
                label,
                (pos, 0),
                old.principal or "none",
                new.principal or "none",
            )
        )
    for field, kind_added, kind_removed in _VALUE_FIELDS:
        out += _value_changes(old, new, field, kind_added, kind_removed, old_grants, new_grants)
    out += _condition_changes(old, new)
    return out


_VALUE_FIELDS = (
    ("actions", ChangeKind.ACTION_ADDED, ChangeKind.ACTION_REMOVED),
    ("not_actions", ChangeKind.NOT_ACTION_ADDED, ChangeKind.NOT_ACTION_REMOVED),
    ("resources", ChangeKind.RESOURCE_ADDED, ChangeKind.RESOURCE_REMOVED),
    ("not_resources", ChangeKind.NOT_RESOURCE_ADDED, ChangeKind.NOT_RESOURCE_REMOVED),
)
_GRANT_FIELD = {"actions": "Action", "not_actions": "NotAction"}


def _value_changes(
    old: Statement,
    new: Statement,
    field: str,
    kind_added: ChangeKind,
    kind_removed: ChangeKind,
    old_grants: Grants,
    new_grants: Grants,
) -> list[Change]:
    before: tuple[str, ...] = getattr(old, field)
    after: tuple[str, ...] = getattr(new, field)
    grant_field = _GRANT_FIELD.get(field)
    if grant_field is None:
        gained, lost = set(after) - set(before), set(before) - set(after)
        changes: list[Change] = [
            ValueChange(kind_added, new.effect, new.label, (new.position, i), v)
            for i, v in enumerate(after)
            if v in gained
        ]
        changes += [
            ValueChange(kind_removed, old.effect, new.label, (new.position, 10**6 + i), v)
            for i, v in enumerate(before)
            if v in lost
        ]
        return changes
    keys_attr = "action_keys" if field == "actions" else "not_action_keys"
    old_keys, new_keys = getattr(old, keys_attr), getattr(new, keys_attr)
    gained, lost = new_keys - old_keys, old_keys - new_keys
    out: list[Change] = []
    if gained:
        out += [
            ValueChange(kind_added, new.effect, new.label, (new.position, i), v)
            for i, v in enumerate(after)
            if v.lower() in gained and not _granted(old_grants, new, grant_field, v)
        ]
    if lost:
        out += [
            ValueChange(kind_removed, old.effect, new.label, (new.position, 10**6 + i), v)
            for i, v in enumerate(before)
            if v.lower() in lost and not _granted(new_grants, old, grant_field, v)
        ]
    return out


def _condition_changes(old: Statement, new: Statement) -> list[Change]:
    before = {c.identity: c for c in old.conditions}
    after = {c.identity: c for c in new.conditions}
    out: list[Change] = []
    for i, (ident, cond) in enumerate(after.items()):
        prior = before.get(ident)
        if prior is None:
            out.append(_condition(ChangeKind.CONDITION_ADDED, new, i, cond, (), cond.values))
        elif set(prior.values) != set(cond.values):
            out.append(
                _condition(ChangeKind.CONDITION_CHANGED, new, i, cond, prior.values, cond.values)
            )
    for i, (ident, cond) in enumerate(before.items()):
        if ident not in after:
            out.append(
                _condition(ChangeKind.CONDITION_REMOVED, new, 10**3 + i, cond, cond.values, ())
            )
    return out


def _condition(
    kind: ChangeKind,
    st: Statement,
    i: int,
    cond: Condition,
    old: tuple[str, ...],
    new: tuple[str, ...],
) -> ConditionChange:
    return ConditionChange(
        kind, st.effect, st.label, (st.position, 2 * 10**6 + i), cond.operator, cond.key, old, new
    )
