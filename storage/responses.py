"""Check-in responses, partitioned by pseudonym: one document per person and round."""

from __future__ import annotations

from datetime import datetime

from domain.checkin import CheckinAnswers, CheckinResponse
from storage.port import Document, DocumentStore

CONTAINER = "responses"
DEFAULT_TTL_SECONDS = 730 * 24 * 3600  # 24 months (DESIGN 4)


class ResponseRepository:
    def __init__(self, store: DocumentStore, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self._store = store
        self._ttl = ttl_seconds

    async def add(self, response: CheckinResponse) -> None:
        """Raises Conflict when this person already answered this round.

        The round id is the document id, so a repeated submit can never store twice.
        """
        await self._store.create(
            CONTAINER,
            {
                "id": response.round_id,
                "pk": response.pseudonym,
                "round_id": response.round_id,
                "scores": response.answers.scores,
                "contact_me": response.answers.contact_me,
                "comment": response.answers.comment,
                "submitted_at": response.submitted_at.isoformat(),
                "ttl": self._ttl,
            },
        )

    async def get(self, pseudonym: str, round_id: str) -> CheckinResponse | None:
        doc = await self._store.read(CONTAINER, pseudonym, round_id)
        return _response(doc) if doc else None

    async def for_person(self, pseudonym: str) -> list[CheckinResponse]:
        return [_response(doc) for doc in await self._store.query(CONTAINER, pseudonym)]


def _response(doc: Document) -> CheckinResponse:
    return CheckinResponse(
        round_id=doc["round_id"],
        pseudonym=doc["pk"],
        answers=CheckinAnswers(
            scores={k: int(v) for k, v in doc["scores"].items()},
            contact_me=bool(doc.get("contact_me", False)),
            comment=doc.get("comment", ""),
        ),
        submitted_at=datetime.fromisoformat(doc["submitted_at"]),
    )
