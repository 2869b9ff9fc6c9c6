"""The reverse lookup: for each service, which policies grant which of its actions, and how.

A policy grants an action "directly" when an Allow entry names it without a wildcard, otherwise
"through a wildcard" (`s3:Get*`, `*`, or an Allow statement with NotAction). Services get an
entry when some policy names them in an entry of their own (`s3:...`); services reached only by
entries that span every service (`*`, `*:Get*`, NotAction) would otherwise all look alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .access import ALL, Access
from .catalog import AccessLevel, Action, Service, levels


@dataclass(frozen=True)
class PolicyUse:
    """One policy's grants in one service."""

    policy: str
    entries: tuple[str, ...]  # its grants that reach the service, as written
    allowed: tuple[Action, ...]  # in catalog order
    named: frozenset[str] = frozenset()  # keys of the actions it names without a wildcard
    section: str = ""  # its table on the policy page: the service's prefix, or ALL

    @property
    def levels(self) -> dict[AccessLevel, int]:
        return levels(self.allowed)

    @property
    def wildcards(self) -> tuple[str, ...]:
        """Its grants other than single actions: `s3:Get*`, `*`, NotAction statements."""
        return tuple(e for e in self.entries if e.lower() not in self.named)


@dataclass(frozen=True)
class ActionUse:
    """One action of a service and the policies that grant it."""

    action: Action
    direct: tuple[str, ...]  # policies naming it without a wildcard
    wildcard: tuple[str, ...]  # policies granting it through a wildcard or NotAction


@dataclass(frozen=True)
class ServiceUse:
    service: Service
    policies: tuple[PolicyUse, ...]  # by policy name
    actions: tuple[ActionUse, ...]  # granted actions only, in catalog order

    @property
    def prefix(self) -> str:
        return self.service.prefix


def service_uses(accesses: Iterable[tuple[str, Access]]) -> tuple[ServiceUse, ...]:
    """The reverse index of (policy name, access of its latest version) pairs, by prefix."""
    pairs = list(accesses)
    named = _named_services(pairs)
    grants: dict[str, list[PolicyUse]] = defaultdict(list)
    for name, access in pairs:
        for prefix, use in _policy_uses(name, access, named).items():
            grants[prefix].append(use)
    return tuple(_service_use(named[p], grants[p]) for p in sorted(named))


def _named_services(pairs: list[tuple[str, Access]]) -> dict[str, Service]:
    found: dict[str, Service] = {}
    for _, access in pairs:
        for group in access.services:
            if group.prefix != ALL and group.service is not None:
                found[group.prefix] = group.service
    return found


def _policy_uses(name: str, access: Access, named: dict[str, Service]) -> dict[str, PolicyUse]:
    allowed: dict[str, list[Action]] = defaultdict(list)
    for action in access.allowed:
        if action.service.prefix in named:
            allowed[action.service.prefix].append(action)
    via: dict[str, dict[str, bool]] = defaultdict(dict)  # prefix -> grant text -> direct
    for grant in access.grants:
        for prefix in {a.service.prefix for a in grant.actions}:
            via[prefix].setdefault(grant.text, grant.direct)
    sections = {group.prefix for group in access.services}
    return {
        prefix: PolicyUse(
            name,
            tuple(via[prefix]),
            _ordered(actions),
            _named(via[prefix]),
            prefix if prefix in sections else ALL,
        )
        for prefix, actions in allowed.items()
    }


def _named(via: dict[str, bool]) -> frozenset[str]:
    return frozenset(text.lower() for text, direct in via.items() if direct)


def _ordered(actions: list[Action]) -> tuple[Action, ...]:
    return tuple(sorted(actions, key=lambda a: a.name.lower()))


def _service_use(service: Service, uses: list[PolicyUse]) -> ServiceUse:
    uses.sort(key=lambda u: u.policy)
    direct: dict[Action, list[str]] = defaultdict(list)
    wildcard: dict[Action, list[str]] = defaultdict(list)
    for use in uses:
        for action in use.allowed:
            (direct if action.key in use.named else wildcard)[action].append(use.policy)
    actions = tuple(
        ActionUse(a, tuple(direct.get(a, ())), tuple(wildcard.get(a, ())))
        for a in service.actions
        if a in direct or a in wildcard
    )
    return ServiceUse(service, tuple(uses), actions)
