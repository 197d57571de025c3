"""Assigned roles (union rep, safety rep, admin) with their scope, kept apart from the imported
directory so that an import or sync never drops them.

One partition, "roles", of the `directory` container: one document per person and role.
"""

from __future__ import annotations

from domain.org import Role, RoleGrant
from storage.port import DocumentStore, delete_if_there

CONTAINER = "directory"
PARTITION = "roles"


class RoleRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def grant(self, person_id: str, grant: RoleGrant) -> None:
        await self._store.upsert(
            CONTAINER,
            {
                "id": f"{person_id}|{grant.role.value}",
                "pk": PARTITION,
                "person_id": person_id,
                "role": grant.role.value,
                "scope": sorted(grant.scope),
            },
        )

    async def revoke(self, person_id: str, role: Role) -> bool:
        return bool(
            await delete_if_there(self._store, CONTAINER, PARTITION, f"{person_id}|{role.value}")
        )

    async def of(self, person_id: str) -> list[RoleGrant]:
        docs = await self._store.query(CONTAINER, PARTITION, {"person_id": person_id})
        return [RoleGrant(Role(d["role"]), frozenset(d["scope"])) for d in docs]

    async def everyone(self) -> list[tuple[str, RoleGrant]]:
        docs = await self._store.query(CONTAINER, PARTITION)
        grants = [(d["person_id"], RoleGrant(Role(d["role"]), frozenset(d["scope"]))) for d in docs]
        return sorted(grants, key=lambda pair: (pair[0], pair[1].role.value))
