"""Who may be granted which role with which scope: the rules, and the service over the in-memory
store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.grants import GRANTABLE, RoleRefusal, grant_refusal, scope_of
from domain.org import Role, RoleGrant
from services.org_directory import OrgDirectoryService
from services.roles import Granted, Revoked, RoleService
from storage.directory import DirectoryRepository
from storage.leases import LeaseStore
from storage.port import DocumentStore
from storage.roles import RoleRepository
from tests.support.example_org import EXAMPLE
from tests.support.memory_store import InMemoryStore

OLE = "6d20782b-0ceb-530c-bd69-23bfa3c1a583"


# --- the rules --------------------------------------------------------------------------------


def test_only_the_assigned_roles_are_granted() -> None:
    assert set(GRANTABLE) == {Role.UNION_REP, Role.SAFETY_REP, Role.ADMIN}
    for derived in (Role.EMPLOYEE, Role.LEADER):
        assert grant_refusal(derived, frozenset({"Oppvekst"})) is RoleRefusal.NOT_GRANTABLE


@pytest.mark.parametrize("rep", [Role.UNION_REP, Role.SAFETY_REP])
def test_a_rep_needs_a_service_area(rep: Role) -> None:
    assert grant_refusal(rep, frozenset()) is RoleRefusal.SCOPE_NEEDED
    assert grant_refusal(rep, frozenset({"Oppvekst", "Teknisk"})) is None


def test_an_admin_sees_everything_so_names_no_service_area() -> None:
    assert grant_refusal(Role.ADMIN, frozenset()) is None
    assert grant_refusal(Role.ADMIN, frozenset({"Oppvekst"})) is RoleRefusal.SCOPE_NOT_ALLOWED


def test_a_scope_is_the_service_areas_as_typed_without_blanks() -> None:
    assert scope_of([" Oppvekst ", "", "  ", "Teknisk", "Oppvekst"]) == {"Oppvekst", "Teknisk"}
    assert scope_of([]) == frozenset()


# --- the service ------------------------------------------------------------------------------


@pytest.fixture
async def store() -> AsyncIterator[DocumentStore]:
    opened = InMemoryStore()
    yield opened
    await opened.close()


def service(store: DocumentStore) -> RoleService:
    return RoleService(RoleRepository(store), DirectoryRepository(store))


async def test_a_grant_is_stored_under_the_normalised_id(store: DocumentStore) -> None:
    granted = await service(store).grant(
        "{" + OLE.upper() + "}", Role.UNION_REP, ["Oppvekst ", "Kultur"]
    )
    grant = RoleGrant(Role.UNION_REP, frozenset({"Oppvekst", "Kultur"}))
    assert granted == Granted(OLE, grant)  # no directory yet: nothing to call unknown
    assert await service(store).everyone() == [(OLE, grant)]


async def test_a_refused_grant_stores_nothing(store: DocumentStore) -> None:
    roles = service(store)
    assert await roles.grant("kari", Role.ADMIN, []) is RoleRefusal.NOT_AN_OBJECT_ID
    assert await roles.grant(OLE, Role.SAFETY_REP, [" "]) is RoleRefusal.SCOPE_NEEDED
    assert await roles.grant(OLE, Role.ADMIN, ["Oppvekst"]) is RoleRefusal.SCOPE_NOT_ALLOWED
    assert await roles.grant(OLE, Role.LEADER, ["Oppvekst"]) is RoleRefusal.NOT_GRANTABLE
    assert await roles.everyone() == []


async def test_areas_the_directory_does_not_hold_are_named_but_granted(
    store: DocumentStore,
) -> None:
    outcome = await OrgDirectoryService(DirectoryRepository(store), LeaseStore(store)).import_csv(
        EXAMPLE.read_bytes()
    )
    assert not outcome.errors
    granted = await service(store).grant(OLE, Role.UNION_REP, ["Oppvekst", "Kultur", "Bygg"])
    assert isinstance(granted, Granted)
    assert granted.unknown_areas == ("Bygg", "Kultur")
    assert granted.grant.scope == {"Oppvekst", "Kultur", "Bygg"}


async def test_revoke_says_whether_there_was_a_grant(store: DocumentStore) -> None:
    roles = service(store)
    await roles.grant(OLE, Role.ADMIN, [])
    assert await roles.revoke(OLE.upper(), Role.ADMIN) == Revoked(OLE, Role.ADMIN, removed=True)
    assert await roles.revoke(OLE, Role.ADMIN) == Revoked(OLE, Role.ADMIN, removed=False)
    assert await roles.revoke("ole", Role.ADMIN) is RoleRefusal.NOT_AN_OBJECT_ID
