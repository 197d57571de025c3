"""`puls`: the pulse card and its CSV download.

The CSV is a link to this host, for the one who asked, single-use and valid for a short while
(bot/links.py): the card's button asks for it when pressed, so a card in the chat history still
gets one. The download checks their role again and is audited like the card.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.actions import ActionResult, ShowCard, ShowMessage
from bot.links import PRIVATE_DOWNLOAD, DownloadLinks, link_refused
from cards.agreement import notice
from cards.elements import Card
from cards.i18n import t
from cards.pulse import CSV_VERB, pulse_cards, pulse_csv, pulse_summary, scope_label
from domain.profile import Profile
from services.pulse import NotPermitted, PulseService

CSV_PATH = "/pulse.csv"
VERBS = frozenset({CSV_VERB})


class PulseTurns:
    def __init__(
        self, service: PulseService, links: DownloadLinks, anonymity_k: int, distribution_min: int
    ) -> None:
        self._service = service
        self._links = links
        self._k = anonymity_k
        self._distribution_min = max(anonymity_k, distribution_min)

    async def may_see(self, profile: Profile) -> bool:
        return await self._service.scope_of(profile.user_id) is not None

    async def cards(self, profile: Profile) -> list[Card]:
        lang = profile.effective_language
        try:
            report = await self._service.report(profile.user_id)
        except NotPermitted:
            return [notice(lang, t(lang, "action.pulse"), [t(lang, "pulse.not_allowed")])]
        label = scope_label(lang, report.scope.areas)
        return pulse_cards(lang, report, label, self._k, self._distribution_min)

    async def act(self, profile: Profile) -> ActionResult:
        """The CSV button: the summary again, with a fresh link, for the pressing client."""
        lang = profile.effective_language
        try:
            report = await self._service.report(profile.user_id)
        except NotPermitted:
            return ShowMessage(t(lang, "pulse.not_allowed"))
        link = await self._links.url(CSV_PATH, profile.user_id, lang)
        label = scope_label(lang, report.scope.areas)
        return ShowCard(pulse_summary(lang, report, label, self._k, self._distribution_min, link))

    def csv_endpoint(self) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def download(request: web.Request) -> web.StreamResponse:
            claim = await self._links.redeem(CSV_PATH, request.query.get("t", ""))
            if claim is None:
                return link_refused("pulse.link_expired")
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
