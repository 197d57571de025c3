"""`mine data` and `slett mine data`, and the JSON download of everything stored."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.actions import ActionResult, ReplaceCard, ShowCard
from bot.links import PRIVATE_DOWNLOAD, DownloadLinks, link_refused
from cards.data_rights import (
    DELETE_VERB,
    DOWNLOAD_VERB,
    KEEP_VERB,
    confirm_delete_card,
    deleted_card,
    kept_card,
    my_data_card,
)
from cards.elements import Card
from domain.profile import Profile
from services.data_rights import DataRightsService

JSON_PATH = "/my-data.json"
VERBS = frozenset({DELETE_VERB, KEEP_VERB, DOWNLOAD_VERB})


class DataTurns:
    def __init__(self, service: DataRightsService, links: DownloadLinks) -> None:
        self._service = service
        self._links = links

    async def my_data(self, profile: Profile) -> Card:
        lang = profile.effective_language
        return my_data_card(lang, await self._service.export(profile.user_id))

    def confirm(self, profile: Profile) -> Card:
        return confirm_delete_card(profile.effective_language)

    async def act(self, profile: Profile, verb: str) -> ActionResult:
        lang = profile.effective_language
        if verb == KEEP_VERB:
            return ReplaceCard(kept_card(lang))
        if verb == DOWNLOAD_VERB:
            export = await self._service.export(profile.user_id)
            link = await self._links.url(JSON_PATH, profile.user_id, lang)
            return ShowCard(my_data_card(lang, export, link))
        erased = await self._service.erase(profile.user_id, profile.conversation_reference)
        return ReplaceCard(deleted_card(lang, erased))

    def json_endpoint(self) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def download(request: web.Request) -> web.StreamResponse:
            claim = await self._links.redeem(JSON_PATH, request.query.get("t", ""))
            if claim is None:
                return link_refused("data.link_expired")
            export = await self._service.export(claim[0])
            return web.Response(
                text=json.dumps(export, ensure_ascii=False, indent=2, default=str),
                content_type="application/json",
                charset="utf-8",
                headers={
                    "Content-Disposition": 'attachment; filename="mine-data.json"',
                    **PRIVATE_DOWNLOAD,
                },
            )

        return download
