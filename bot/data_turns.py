"""`mine data` and `slett mine data`, and the JSON download of everything stored."""

from __future__ import annotations

import json

from aiohttp import web

from bot.actions import ActionResult, ReplaceCard, ShowCard
from bot.activity import send_card
from bot.commands import Command
from bot.links import Attachment, DownloadLinks
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.data_rights import (
    DELETE_VERB,
    DOWNLOAD_VERB,
    KEEP_VERB,
    confirm_delete_card,
    deleted_card,
    kept_card,
    my_data_card,
)
from domain.language import Language
from services.data_rights import DataRightsService

JSON_PATH = "/my-data.json"


class DataTurns:
    def __init__(self, service: DataRightsService, links: DownloadLinks) -> None:
        self._service = service
        self._links = links

    def routes(self) -> list[Route]:
        return [
            CommandRoute(Command.MY_DATA, self.my_data),
            CommandRoute(Command.DELETE_DATA, self.confirm),
            ActionRoute(KEEP_VERB, self.keep),
            ActionRoute(DOWNLOAD_VERB, self.download),
            ActionRoute(DELETE_VERB, self.delete),
        ]

    def download_route(self) -> web.RouteDef:
        return self._links.route(JSON_PATH, "data.link_expired", self._export_file)

    async def my_data(self, turn: Turn) -> None:
        export = await self._service.export(turn.profile.user_id)
        await send_card(turn.context, my_data_card(turn.lang, export))

    async def confirm(self, turn: Turn) -> None:
        await send_card(turn.context, confirm_delete_card(turn.lang))

    async def keep(self, turn: Turn) -> ActionResult:
        return ReplaceCard(kept_card(turn.lang))

    async def download(self, turn: Turn) -> ActionResult:
        export = await self._service.export(turn.profile.user_id)
        link = await self._links.url(JSON_PATH, turn.profile.user_id, turn.lang)
        return ShowCard(my_data_card(turn.lang, export, link))

    async def delete(self, turn: Turn) -> ActionResult:
        profile = turn.profile
        erased = await self._service.erase(profile.user_id, profile.conversation_reference)
        return ReplaceCard(deleted_card(turn.lang, erased))

    async def _export_file(self, user_id: str, _: Language) -> Attachment:
        export = await self._service.export(user_id)
        body = json.dumps(export, ensure_ascii=False, indent=2, default=str)
        return Attachment(body, "application/json", "mine-data.json")
