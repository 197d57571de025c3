"""`puls`: counting each stored answer into the pulse, the pulse card, and its CSV download.

The CSV is a link on the card to this host, for the one who asked, single-use and valid for a
short while (bot/links.py); the download checks their role again and is audited like the card.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.links import PRIVATE_DOWNLOAD, DownloadLinks
from cards.agreement import notice
from cards.elements import Card
from cards.i18n import t
from cards.pulse import pulse_card, pulse_csv, scope_label
from domain.checkin import CheckinAnswers
from domain.profile import Profile
from domain.rounds import Round
from services.pulse import NotPermitted, PulseService
from storage.port import StorageError

log = logging.getLogger(__name__)

CSV_PATH = "/pulse.csv"


class PulseTurns:
    def __init__(
        self, service: PulseService, links: DownloadLinks, anonymity_k: int, distribution_min: int
    ) -> None:
        self._service = service
        self._links = links
        self._k = anonymity_k
        self._distribution_min = max(anonymity_k, distribution_min)

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
        link = await self._links.url(CSV_PATH, profile.user_id, lang)
        return pulse_card(lang, report, label, link, self._k, self._distribution_min)

    def csv_endpoint(self) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def download(request: web.Request) -> web.StreamResponse:
            claim = await self._links.redeem(CSV_PATH, request.query.get("t", ""))
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
                headers={
                    "Content-Disposition": 'attachment; filename="puls.csv"',
                    **PRIVATE_DOWNLOAD,
                },
            )

        return download
