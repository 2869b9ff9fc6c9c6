"""Change notes in AWS's style, composed from diff records.

"Added permissions for lambda:GetFunction and events:PutRule; added resource arn:...; allowed
iam:PassedToService values elasticmapreduce.amazonaws.com and ec2.amazonaws.com."
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..markup import words
from .diff import ChangeKind, ConditionChange, StatementChange, SwapChange, ValueChange
from .document import Effect

if TYPE_CHECKING:
    from .diff import Diff

K = ChangeKind

# Operators whose values list what is allowed; for these "allowed X values" is a true sentence.
_LISTING_OPERATORS = (
    "StringEquals",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "IpAddress",
    "StringEqualsIgnoreCase",
)


def clauses(diff: Diff) -> list[str]:
    out: list[str] = []
    for effect, added, template in _ACTION_CLAUSES:
        items = list(_actions(diff, effect, added))
        if items:
            out.append(template.format(words(items)))
    for effect, added, template in _NOT_ACTION_CLAUSES:
        items = [
            c.value
            for c in _values(diff, effect, K.NOT_ACTION_ADDED if added else K.NOT_ACTION_REMOVED)
        ]
        if items:
            out.append(template.format(words(items)))
    out += _statement_wide(diff)
    out += _scope_clauses(diff)
    out += [_condition_clause(c) for c in diff.changes if isinstance(c, ConditionChange)]
    out += [_swap_clause(c) for c in diff.changes if isinstance(c, SwapChange)]
    return out


_ACTION_CLAUSES = (
    (Effect.ALLOW, True, "added permissions for {}"),
    (Effect.ALLOW, False, "removed permissions for {}"),
    (Effect.DENY, True, "denied {}"),
    (Effect.DENY, False, "no longer denied {}"),
)
_NOT_ACTION_CLAUSES = (
    (Effect.ALLOW, True, "excluded {} from the actions allowed by NotAction"),
    (Effect.ALLOW, False, "no longer excluded {} from the actions allowed by NotAction"),
    (Effect.DENY, True, "excluded {} from the actions denied by NotAction"),
    (Effect.DENY, False, "no longer excluded {} from the actions denied by NotAction"),
)


def _actions(diff: Diff, effect: Effect, added: bool) -> Iterator[str]:
    """Actions gained or lost, in document order, from changed and from whole statements."""
    value_kind = K.ACTION_ADDED if added else K.ACTION_REMOVED
    statement_kind = K.STATEMENT_ADDED if added else K.STATEMENT_REMOVED
    for change in diff.changes:
        if change.effect is not effect:
            continue
        if change.kind is value_kind and isinstance(change, ValueChange):
            yield change.value
        elif change.kind is statement_kind and isinstance(change, StatementChange):
            yield from change.fresh


def _values(diff: Diff, effect: Effect, kind: ChangeKind) -> list[ValueChange]:
    return [
        c
        for c in diff.changes
        if c.kind is kind and c.effect is effect and isinstance(c, ValueChange)
    ]


def _statement_wide(diff: Diff) -> list[str]:
    """Statements that grant or deny everything except a list (NotAction) appearing or leaving."""
    out = []
    for change in diff.changes:
        if isinstance(change, StatementChange) and change.body.not_actions:
            verb = "allowed" if change.effect is Effect.ALLOW else "denied"
            prefix = "" if change.kind.added else "no longer "
            out.append(f"{prefix}{verb} all actions except {words(list(change.body.not_actions))}")
    return out


def _scope_clauses(diff: Diff) -> list[str]:
    out = []
    for kind, verb, singular, plural in (
        (K.RESOURCE_ADDED, "added", "resource", "resources"),
        (K.RESOURCE_REMOVED, "removed", "resource", "resources"),
        (K.NOT_RESOURCE_ADDED, "added", "NotResource entry", "NotResource entries"),
        (K.NOT_RESOURCE_REMOVED, "removed", "NotResource entry", "NotResource entries"),
    ):
        for effect, where in ((Effect.ALLOW, ""), (Effect.DENY, " in a Deny statement")):
            items = _unique(c.value for c in _values(diff, effect, kind))
            if items:
                noun = singular if len(items) == 1 else plural
                out.append(f"{verb} {noun} {words(items)}{where}")
    return out


def _condition_clause(change: ConditionChange) -> str:
    key, op = change.key, change.operator
    if change.kind is K.CONDITION_ADDED:
        return f"added condition {op} {key} {_values_phrase(change.new)}"
    if change.kind is K.CONDITION_REMOVED:
        return f"removed condition {op} {key}"
    listing = change.effect is Effect.ALLOW and _strip_set_prefix(op) in _LISTING_OPERATORS
    parts = []
    if change.added_values:
        parts.append(_allowed(listing, "allowed", "added", key, op, change.added_values))
    if change.removed_values:
        parts.append(
            _allowed(listing, "no longer allowed", "removed", key, op, change.removed_values)
        )
    return "; ".join(parts)


def _allowed(
    listing: bool, listing_verb: str, verb: str, key: str, op: str, values: tuple[str, ...]
) -> str:
    noun = "value" if len(values) == 1 else "values"
    if listing:
        return f"{listing_verb} {key} {noun} {words(list(values))}"
    where = "to" if verb == "added" else "from"
    return f"{verb} {key} {noun} {words(list(values))} {where} {op}"


def _values_phrase(values: tuple[str, ...]) -> str:
    return f"({words(list(values))})" if values else "(no values)"


def _strip_set_prefix(operator: str) -> str:
    name = operator.split(":", 1)[-1]
    return name.removesuffix("IfExists")


def _swap_clause(change: SwapChange) -> str:
    if change.kind is K.EFFECT_CHANGED:
        return f"changed statement {change.statement} from {change.old} to {change.new}"
    return f"changed the principal of statement {change.statement}"


def _unique(items: Iterator[str] | list[str]) -> list[str]:
    return list(dict.fromkeys(items))
