"""Who may be granted which role, with which scope: the rules of `roles grant`.

README "The pulse for reps and HR" says what each role sees. `leader` and `employee` follow
from the directory, so only the assigned roles can be granted. A union or safety rep sees the
service areas of their grant and nothing else, so a rep's grant names at least one; an admin
sees the whole organisation, so an admin's grant names none.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from domain.org import Role

GRANTABLE: tuple[Role, ...] = (Role.UNION_REP, Role.SAFETY_REP, Role.ADMIN)


class RoleRefusal(Enum):
    NOT_AN_OBJECT_ID = "not an object id"
    NOT_GRANTABLE = "not grantable"
    SCOPE_NEEDED = "scope needed"
    SCOPE_NOT_ALLOWED = "scope not allowed"


def scope_of(service_areas: Iterable[str]) -> frozenset[str]:
    """The service areas as typed, without surrounding blanks or empty entries."""
    return frozenset(area.strip() for area in service_areas if area.strip())


def grant_refusal(role: Role, scope: frozenset[str]) -> RoleRefusal | None:
    """Why `role` cannot be granted with `scope`, or None when it can."""
    if role not in GRANTABLE:
        return RoleRefusal.NOT_GRANTABLE
    if role is Role.ADMIN:
        return RoleRefusal.SCOPE_NOT_ALLOWED if scope else None
    return None if scope else RoleRefusal.SCOPE_NEEDED
