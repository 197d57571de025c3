"""The written agreement (docs/product.md#the-written-agreement): the version in force and its
history, for the two parties to it, checked against the directory at each request."""

from __future__ import annotations

from domain.agreement_record import NotAllowed
from domain.org import Person, normalise_id
from domain.refusals import Refusal
from domain.written import WrittenAgreement, may_have
from services.agreements import AgreementService
from storage.agreements import AgreementRepository
from storage.directory import DirectoryRepository


class WrittenAgreements:
    def __init__(
        self,
        service: AgreementService,
        agreements: AgreementRepository,
        directory: DirectoryRepository,
    ) -> None:
        self._service = service
        self._agreements = agreements
        self._directory = directory

    async def of(self, reader_id: str, employee_id: str) -> WrittenAgreement:
        """Raises NotAllowed: NOT_YOUR_EMPLOYEE for anyone but the parties (told nothing about
        whether there is an agreement), NONE_YET when no version is approved."""
        reader_id, employee_id = normalise_id(reader_id), normalise_id(employee_id)
        found = await self._directory.person(employee_id)
        if found is None and employee_id != reader_id:
            # No one the directory knows, so no one's leader: and no lookup by a made-up id.
            raise NotAllowed(Refusal.NOT_YOUR_EMPLOYEE)
        employee = found or _unknown(employee_id)
        approved = await self._service.approved(employee_id)
        if not may_have(reader_id, employee, approved):
            raise NotAllowed(Refusal.NOT_YOUR_EMPLOYEE)
        if approved is None:
            raise NotAllowed(Refusal.NONE_YET)
        history = tuple(await self._agreements.history(employee_id))
        return WrittenAgreement(employee, await self._person(approved.leader_id), approved, history)

    async def _person(self, person_id: str) -> Person:
        return await self._directory.person(person_id) or _unknown(person_id)


def _unknown(person_id: str) -> Person:
    return Person(person_id, "", "", None, "", "")
