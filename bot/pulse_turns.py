"""`puls`: counting each stored answer into the pulse, the pulse card, and its CSV download.

The CSV is a link on the card to this host, signed for the one who asked and valid for a short
while; the download checks their role again and is audited like the card.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from cards.agreement import notice
from cards.elements import Card
from cards.i18n import t
from cards.pulse import pulse_card, pulse_csv, scope_label
from domain.checkin import CheckinAnswers
from domain.language import LANGUAGES, Language
from domain.profile import Profile
from domain.rounds import Round
from services.pulse import NotPermitted, PulseService
from storage.port import StorageError

log = logging.getLogger(__name__)

LINK_SECONDS = 15 * 60


class CsvLinks:
    """Short-lived download links, signed with a key only the host knows."""

    def __init__(self, key: bytes, base_url: str, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"pulse-csv-link\x00" + key).digest()
        self._base = base_url.rstrip("/")
        self._clock = clock

    def url(self, user_id: str, lang: Language) -> str:
        claim = f"{user_id}|{lang}|{int(self._clock()) + LINK_SECONDS}"
        payload = base64.urlsafe_b64encode(claim.encode()).decode().rstrip("=")
        return f"{self._base}/pulse.csv?t={quote(payload)}.{self._sign(payload)}"

    def check(self, token: str) -> tuple[str, Language] | None:
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            padded = payload + "=" * (-len(payload) % 4)
            user_id, lang, expires = base64.urlsafe_b64decode(padded).decode().split("|")
        except ValueError:
            return None
        if lang not in LANGUAGES or int(expires) < self._clock():
            return None
        return user_id, "en" if lang == "en" else "nb"

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()


class PulseTurns:
    def __init__(self, service: PulseService, links: CsvLinks, anonymity_k: int) -> None:
        self._service = service
        self._links = links
        self._k = anonymity_k

    async def record(self, profile: Profile, round_: Round, answers: CheckinAnswers) -> None:
        try:
            await self._service.record(profile.user_id, round_, profile.age_band, answers)
        except StorageError:
            # The answer is stored; the aggregate misses it, which the user must not pay for.
            log.exception("pulse counters missed one answer of round %s", round_.id)

    async def may_see(self, profile: Profile) -> bool:
        return await self._service.scope_of(profile.user_id) is not None

    async def card(self, profile: Profile) -> Card:
        lang = profile.effective_language
        try:
            report = await self._service.report(profile.user_id)
        except NotPermitted:
            return notice(lang, t(lang, "action.pulse"), [t(lang, "pulse.not_allowed")])
        label = scope_label(lang, report.scope.areas)
        return pulse_card(lang, report, label, self._links.url(profile.user_id, lang), self._k)

    def csv_endpoint(self) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def download(request: web.Request) -> web.StreamResponse:
            claim = self._links.check(request.query.get("t", ""))
            if claim is None:
                return web.Response(status=403, text=t("nb", "pulse.link_expired"))
            user_id, lang = claim
            try:
                report = await self._service.report(user_id, action="pulse.csv")
            except NotPermitted:
                return web.Response(status=403, text=t(lang, "pulse.not_allowed"))
            body = pulse_csv(lang, report, scope_label(lang, report.scope.areas))
            return web.Response(
                text=body,
                content_type="text/csv",
                charset="utf-8",
                headers={"Content-Disposition": 'attachment; filename="puls.csv"'},
            )

        return download
