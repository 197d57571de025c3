"""`puls`: counting each stored answer into the pulse, the pulse card, and its CSV download;
for safety reps and admins, the ergonomics picture after it.

The CSV is a link to this host, for the one who asked, single-use and valid for a short while
(bot/links.py): the card's button asks for it when pressed, so a card in the chat history still
gets one. The download checks their role again and is audited like the card.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.actions import ActionResult, ShowCard, ShowMessage
from bot.activity import send_card
from bot.commands import Command
from bot.links import Attachment, DownloadLinks, Forbidden
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.agreement import notice
from cards.elements import Card
from cards.i18n import t
from cards.pulse import (
    CSV_VERB,
    ergonomics_picture_card,
    pulse_cards,
    pulse_csv,
    pulse_summary,
    scope_label,
)
from domain.language import Language
from domain.profile import Profile
from services.ergonomics import ErgonomicsService
from services.pulse import NotPermitted, PulseService

CSV_PATH = "/pulse.csv"


class PulseTurns:
    def __init__(
        self,
        service: PulseService,
        links: DownloadLinks,
        anonymity_k: int,
        distribution_min: int,
        ergonomics: ErgonomicsService,
        also: Callable[[Profile], Awaitable[list[Card]]] | None = None,
    ) -> None:
        """`also`: more cards after the pulse's own, for the same viewers (kaffeprat's)."""
        self._service = service
        self._ergonomics = ergonomics
        self._also = also
        self._links = links
        self._k = anonymity_k
        self._distribution_min = max(anonymity_k, distribution_min)

    def routes(self) -> list[Route]:
        return [CommandRoute(Command.PULSE, self.show), ActionRoute(CSV_VERB, self.csv_link)]

    def download_route(self) -> web.RouteDef:
        return self._links.route(CSV_PATH, "pulse.link_expired", self._csv_file)

    async def may_see(self, profile: Profile) -> bool:
        return await self._service.scope_of(profile.user_id) is not None

    async def show(self, turn: Turn) -> None:
        for card in await self._cards(turn.profile):
            await send_card(turn.context, card)

    async def _cards(self, profile: Profile) -> list[Card]:
        lang = profile.effective_language
        try:
            report = await self._service.report(profile.user_id)
        except NotPermitted:
            return [notice(lang, t(lang, "action.pulse"), [t(lang, "pulse.not_allowed")])]
        label = scope_label(lang, report.scope.areas)
        cards = pulse_cards(lang, report, label, self._k, self._distribution_min)
        picture = await self._ergonomics.picture(profile.user_id)
        if picture is not None:  # safety reps and admins: union reps see the pulse alone
            cards.append(
                ergonomics_picture_card(
                    lang, picture, scope_label(lang, picture.scope.areas), self._k
                )
            )
        return cards + (await self._also(profile) if self._also else [])

    async def csv_link(self, turn: Turn) -> ActionResult:
        """The CSV button: the summary again, with a fresh link, for the pressing client."""
        lang = turn.lang
        try:
            report = await self._service.report(turn.profile.user_id)
        except NotPermitted:
            return ShowMessage(t(lang, "pulse.not_allowed"))
        link = await self._links.url(CSV_PATH, turn.profile.user_id, lang)
        label = scope_label(lang, report.scope.areas)
        return ShowCard(pulse_summary(lang, report, label, self._k, self._distribution_min, link))

    async def _csv_file(self, user_id: str, lang: Language) -> Attachment | Forbidden:
        """The role is checked again: it may have been revoked since the link was made."""
        try:
            report = await self._service.report(user_id, action="pulse.csv")
        except NotPermitted:
            return Forbidden(t(lang, "pulse.not_allowed"))
        body = pulse_csv(
            lang, report, scope_label(lang, report.scope.areas), self._distribution_min
        )
        return Attachment(body, "text/csv", "puls.csv")
