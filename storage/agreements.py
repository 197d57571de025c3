"""Home-office agreements, partitioned by employee.

| pk                | id          | holds                                                    |
|-------------------|-------------|----------------------------------------------------------|
| employee's id     | "current"   | the agreement as it stands (terms, status, version)      |
| employee's id     | "v<n>"      | version n as submitted, with the leader's decision       |
| "index"           | employee id | what the scheduler looks for: waiting, pending with whom,|
|                   |             | review pending, the end of the arrangement in force      |

An employee's agreement and history are one partition (point reads, one query for the
history); the scheduler's daily look for reviews due and drafts waiting for a leader is one
query on the small index partition, never a cross-partition scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from domain.agreement import (
    EquipmentRequest,
    Extent,
    Item,
    Network,
    Package,
    Place,
    Workplace,
)
from domain.agreement_record import Agreement, Status, Tasks, Terms
from domain.legal_terms import Hours, LegalTerms
from storage.personal_data import note_leader
from storage.port import Conflict, Document, DocumentStore, PreconditionFailed, StorageError

CONTAINER = "agreements"
CURRENT = "current"
INDEX = "index"
_ATTEMPTS = 5


class AgreementChanged(StorageError):
    """Someone else kept changing the agreement while this change was being made."""


class AgreementRepository:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    async def get(self, employee_id: str) -> Agreement | None:
        doc = await self._store.read(CONTAINER, employee_id, CURRENT)
        return from_doc(doc) if doc else None

    async def change(
        self, employee_id: str, change: Callable[[Agreement | None], Agreement]
    ) -> Agreement:
        """Read, change and write back on the ETag; a concurrent write makes it start over.

        `change` may raise to refuse; it sees the latest agreement every time it runs.
        """
        for _ in range(_ATTEMPTS):
            doc = await self._store.read(CONTAINER, employee_id, CURRENT)
            before = from_doc(doc) if doc else None
            after = change(before)
            new_doc = to_doc(after)
            try:
                if doc is None:
                    await self._store.create(CONTAINER, new_doc)
                else:
                    await self._store.replace(CONTAINER, new_doc, etag=doc["_etag"])
            except (PreconditionFailed, Conflict):
                continue  # written meanwhile: apply the change to what is there now
            await self._after_change(before, after)
            return after
        raise AgreementChanged(employee_id)

    async def version(self, employee_id: str, version: int) -> Agreement | None:
        doc = await self._store.read(CONTAINER, employee_id, f"v{version}")
        return from_doc(doc) if doc else None

    async def history(self, employee_id: str) -> list[Agreement]:
        docs = await self._store.query(CONTAINER, employee_id, {"kind": "version"})
        return sorted((from_doc(doc) for doc in docs), key=lambda a: a.version)

    async def employees(self) -> list[str]:
        """Everyone with an agreement, in any state (each has an index entry)."""
        return [doc["id"] for doc in await self._store.query(CONTAINER, INDEX)]

    async def waiting_for_leader(self) -> list[str]:
        return [doc["id"] for doc in await self._store.query(CONTAINER, INDEX, {"waiting": True})]

    async def pending(self) -> list[tuple[str, str]]:
        """Proposals with a leader: the employee and the leader they were submitted to."""
        docs = await self._store.query(CONTAINER, INDEX, {"pending": True})
        return [(doc["id"], doc["pending_with"]) for doc in docs]

    async def ending(self) -> list[tuple[str, date]]:
        """Arrangements in force with an end: a temporary one's end date, or a notice's."""
        docs = await self._store.query(CONTAINER, INDEX, {"end_pending": True})
        return [(doc["id"], date.fromisoformat(doc["ends_on"])) for doc in docs]

    async def review_pending(self) -> list[tuple[str, date]]:
        docs = await self._store.query(CONTAINER, INDEX, {"review_pending": True})
        return [(doc["id"], date.fromisoformat(doc["review_on"])) for doc in docs]

    async def _after_change(self, before: Agreement | None, after: Agreement) -> None:
        # A version is kept as it was submitted, and again with the leader's decision.
        if after.submitted_at is not None and (
            before is None
            or before.submitted_at != after.submitted_at
            or before.decided_at != after.decided_at
            # A notice's version, once more when the arrangement has ended.
            or (after.status is Status.ENDED and before.status is not Status.ENDED)
        ):
            await self._store.upsert(
                CONTAINER, {**to_doc(after), "id": f"v{after.version}", "kind": "version"}
            )
        for leader in _leaders(after) - {"", *_leaders(before)}:
            await note_leader(self._store, leader, after.employee_id)
        index = _index_entry(after)
        if before is None or _index_entry(before) != index:
            # Most changes (a part of the draft saved) leave the scheduler's view as it was.
            await self._store.upsert(CONTAINER, index)


def _leaders(agreement: Agreement | None) -> set[str]:
    if agreement is None:
        return set()
    # A leader who gave notice is named in the employee's record as well.
    return {agreement.leader_id, agreement.started_by, agreement.notice_by} - {
        agreement.employee_id
    }


def _index_entry(agreement: Agreement) -> Document:
    return {
        "id": agreement.employee_id,
        "pk": INDEX,
        "waiting": agreement.status is Status.WAITING_FOR_LEADER,
        "pending": agreement.status is Status.PENDING,
        "pending_with": agreement.leader_id if agreement.status is Status.PENDING else "",
        "review_pending": agreement.approved_version > 0 and not agreement.review_reminded,
        "review_on": agreement.review_on.isoformat() if agreement.review_on else "",
        "end_pending": agreement.approved_version > 0 and agreement.ends_on is not None,
        "ends_on": _iso(agreement.ends_on),
    }


def to_doc(agreement: Agreement) -> Document:
    terms = agreement.terms
    return {
        "id": CURRENT,
        "pk": agreement.employee_id,
        "kind": "current",
        "version": agreement.version,
        "status": agreement.status.value,
        "leader_id": agreement.leader_id,
        "comment": agreement.comment,
        "submitted_at": _iso(agreement.submitted_at),
        "decided_at": _iso(agreement.decided_at),
        "review_on": _iso(agreement.review_on),
        "review_reminded": agreement.review_reminded,
        "approved_version": agreement.approved_version,
        "started_by": agreement.started_by,
        "ordered_version": agreement.ordered_version,
        "ordered_items": list(agreement.ordered_items),
        "ends_on": _iso(agreement.ends_on),
        "notice_by": agreement.notice_by,
        "notice_at": _iso(agreement.notice_at),
        "end_reminded": agreement.end_reminded,
        "terms": {
            "tasks": asdict(terms.tasks) if terms.tasks else None,
            "extent": asdict(terms.extent) if terms.extent else None,
            "workplace": {
                "place": terms.workplace.place.value,
                "has": sorted(terms.workplace.has),
                "discomfort": sorted(terms.workplace.discomfort),
            }
            if terms.workplace
            else None,
            "wants_occupational_health": terms.wants_occupational_health,
            "equipment": {
                "package": terms.equipment.package.value,
                "it_cost": terms.equipment.it_cost,
                "furniture_cost": terms.equipment.furniture_cost,
                "items": [asdict(item) for item in terms.equipment.items],
            }
            if terms.equipment
            else None,
            "special_needs": terms.special_needs,
            "network": terms.network.value if terms.network else None,
            "legal": _legal_doc(terms.legal) if terms.legal else None,
        },
    }


def from_doc(doc: Document) -> Agreement:
    terms: dict[str, Any] = doc.get("terms") or {}
    tasks, extent, workplace, equipment = (
        terms.get(k) for k in ("tasks", "extent", "workplace", "equipment")
    )
    return Agreement(
        employee_id=doc["pk"],
        version=int(doc["version"]),
        status=Status(doc["status"]),
        terms=Terms(
            tasks=Tasks(tuple(tasks["home"]), tuple(tasks["office"]), tasks["expectations"])
            if tasks
            else None,
            extent=Extent(extent["days"], tuple(extent["fixed_days"]), extent["reason"])
            if extent
            else None,
            workplace=Workplace(
                Place(workplace["place"]),
                frozenset(workplace["has"]),
                frozenset(workplace["discomfort"]),
            )
            if workplace
            else None,
            wants_occupational_health=bool(terms.get("wants_occupational_health")),
            equipment=_equipment(equipment) if equipment else None,
            special_needs=terms.get("special_needs", ""),
            network=Network(terms["network"]) if terms.get("network") else None,
            # Agreements stored before the § 2 terms were asked hold none.
            legal=_legal(terms["legal"]) if terms.get("legal") else None,
        ),
        leader_id=doc.get("leader_id", ""),
        comment=doc.get("comment", ""),
        submitted_at=_datetime(doc.get("submitted_at")),
        decided_at=_datetime(doc.get("decided_at")),
        review_on=date.fromisoformat(doc["review_on"]) if doc.get("review_on") else None,
        review_reminded=bool(doc.get("review_reminded")),
        approved_version=int(doc.get("approved_version", 0)),
        started_by=doc.get("started_by", ""),
        ordered_version=int(doc.get("ordered_version", 0)),
        ordered_items=tuple(doc.get("ordered_items", ())),
        ends_on=date.fromisoformat(doc["ends_on"]) if doc.get("ends_on") else None,
        notice_by=doc.get("notice_by") or "",
        notice_at=_datetime(doc.get("notice_at")),
        end_reminded=bool(doc.get("end_reminded")),
    )


def _legal_doc(legal: LegalTerms) -> dict[str, Any]:
    return {**asdict(legal), "hours": legal.hours.value, "end_on": _iso(legal.end_on)}


def _legal(legal: dict[str, Any]) -> LegalTerms:
    return LegalTerms(
        hours=Hours(legal["hours"]),
        agreed_hours=legal.get("agreed_hours", ""),
        reachable=legal.get("reachable", ""),
        end_on=date.fromisoformat(legal["end_on"]) if legal.get("end_on") else None,
        notice_months=int(legal["notice_months"]),
        trial_months=int(legal.get("trial_months", 0)),
        equipment_rules_accepted=bool(legal.get("equipment_rules_accepted")),
        confidentiality_accepted=bool(legal.get("confidentiality_accepted")),
    )


def _equipment(equipment: dict[str, Any]) -> EquipmentRequest:
    # Agreements stored before the step asked for items hold kroner only, and no "items".
    return EquipmentRequest(
        Package(equipment["package"]),
        equipment.get("it_cost", 0),
        equipment.get("furniture_cost", 0),
        tuple(Item(i["key"], int(i["price"])) for i in equipment.get("items", ())),
    )


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
