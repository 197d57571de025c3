"""Granting and revoking the assigned roles; domain/grants.py holds the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.grants import RoleRefusal, grant_refusal, scope_of
from domain.org import Role, RoleGrant, is_object_id, normalise_id
from storage.directory import DirectoryRepository
from storage.roles import RoleRepository


@dataclass(frozen=True)
class Granted:
    person_id: str
    grant: RoleGrant
    #: Service areas of the scope that the directory does not hold: a typo, or an area not
    #: imported yet. The grant stands; empty while there is no directory to compare with.
    unknown_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revoked:
    person_id: str
    role: Role
    removed: bool  # False: there was no such grant


class RoleService:
    def __init__(self, roles: RoleRepository, directory: DirectoryRepository) -> None:
        self._roles = roles
        self._directory = directory

    async def grant(
        self, person: str, role: Role, service_areas: Iterable[str]
    ) -> Granted | RoleRefusal:
        """Grant `role` to `person` (an Entra object id as pasted) for `service_areas`."""
        person_id = normalise_id(person)
        if not is_object_id(person_id):
            return RoleRefusal.NOT_AN_OBJECT_ID
        scope = scope_of(service_areas)
        refusal = grant_refusal(role, scope)
        if refusal is not None:
            return refusal
        known = {p.service_area for p in await self._directory.everyone()}
        unknown = tuple(sorted(scope - known)) if known else ()
        grant = RoleGrant(role, scope)
        await self._roles.grant(person_id, grant)
        return Granted(person_id, grant, unknown)

    async def revoke(self, person: str, role: Role) -> Revoked | RoleRefusal:
        person_id = normalise_id(person)
        if not is_object_id(person_id):
            return RoleRefusal.NOT_AN_OBJECT_ID
        return Revoked(person_id, role, await self._roles.revoke(person_id, role))

    async def everyone(self) -> list[tuple[str, RoleGrant]]:
        """Every grant, by person and role; the admins configured in ADMINS are not grants."""
        return await self._roles.everyone()
