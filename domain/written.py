"""The written home-office agreement: what its document holds, and who may have it.

Hjemmekontorforskriften § 2 asks for the agreement in writing, beside the employment contract;
the document is that writing, for the employee and for the leader who files it in the personnel
archive. It is the version in force, with the versions before it (every change is a new
version, and the history stays readable).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.agreement_record import Agreement
from domain.org import Person


@dataclass(frozen=True)
class WrittenAgreement:
    employee: Person
    approver: Person  # the leader who approved the version in force
    approved: Agreement  # the version in force
    history: tuple[Agreement, ...]  # every version kept, oldest first, this one included


def may_have(reader_id: str, employee: Person, approved: Agreement | None) -> bool:
    """The employee, their leader now, and the leader who approved the version in force: the
    two parties to it. Nobody else: not another leader, not a rep, not HR (docs/roles.md)."""
    return reader_id in {employee.id, employee.manager_id or ""} - {""} or (
        approved is not None and reader_id == approved.leader_id != ""
    )
