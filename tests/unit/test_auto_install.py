"""A card that waits for a leader the bot cannot reach asks for the app to be installed for
them, once; when Teams announces the install, what waited goes out. Over the in-memory store,
with an installer that records instead of calling Graph (tests/integration/test_app_install.py
holds the Graph side to Graph's shape)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from domain.agreement_record import Decision
from services.installs import InstallService
from storage.directory import DirectoryRepository
from storage.installs import InstallMarks
from tests.support.example_org import EXAMPLE, KARI, LARS, OLE
from tests.support.gallery import PLAIN_TERMS
from tests.support.services import Services, build_services

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class RecordingInstaller:
    installs: list[str] = field(default_factory=list)

    async def has_app(self, user_id: str) -> bool:
        return user_id in self.installs

    async def install(self, user_id: str) -> bool:
        self.installs.append(user_id)
        return True


async def organisation(installer: RecordingInstaller) -> Services:
    services: Services

    async def install(user_id: str) -> None:
        await InstallService(
            installer, services.roster, DirectoryRepository(services.store), marks
        ).request(user_id)

    services = build_services(clock=lambda: NOW, install=install)
    marks = InstallMarks(services.store)
    assert not (await services.directory.import_csv(EXAMPLE.read_bytes())).errors
    await services.reachable(KARI.aad_object_id, OLE.aad_object_id)  # Lars has no app
    return services


async def propose(services: Services, employee: str) -> None:
    await services.agreements.change_terms(employee, lambda _: PLAIN_TERMS)
    await services.agreements.submit(employee)
    await services.notifier.drain()


async def test_a_leader_an_approval_waits_for_is_installed_for_once() -> None:
    installer = RecordingInstaller()
    services = await organisation(installer)
    await propose(services, KARI.aad_object_id)
    await propose(services, OLE.aad_object_id)
    assert installer.installs == [LARS.aad_object_id]
    assert services.sender.cards_to(LARS.aad_object_id) == []

    # Teams announces the install; both approvals go out, each once.
    await services.reachable(LARS.aad_object_id)
    await services.people.reachable.publish(LARS.aad_object_id)
    await services.people.reachable.publish(LARS.aad_object_id)
    await services.notifier.drain()
    assert len(services.sender.cards_to(LARS.aad_object_id)) == 2


async def test_nobody_is_installed_for_a_card_that_waits_for_nothing() -> None:
    installer = RecordingInstaller()
    services = await organisation(installer)
    await services.reachable(LARS.aad_object_id)
    await propose(services, KARI.aad_object_id)
    # Kari removes the app; the decision cannot reach her, and does not bring the app back.
    kari = await services.roster.get(KARI.aad_object_id)
    assert kari is not None
    await services.roster.save(replace(kari, dead=True))
    await services.agreements.decide(
        LARS.aad_object_id, KARI.aad_object_id, 1, Decision.APPROVE, ""
    )
    await services.notifier.drain()
    assert installer.installs == []


async def test_a_leader_who_removed_the_app_is_left_alone() -> None:
    installer = RecordingInstaller()
    services = await organisation(installer)
    await services.reachable(LARS.aad_object_id)
    lars = await services.roster.get(LARS.aad_object_id)
    assert lars is not None
    await services.roster.save(replace(lars, dead=True))
    await propose(services, KARI.aad_object_id)
    assert installer.installs == []
