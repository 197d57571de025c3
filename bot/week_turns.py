"""`min uke`, `kontoret`, the team days in `mitt team`, and the week's calendar file."""

from __future__ import annotations

import hashlib
from datetime import date

from aiohttp import web

from bot.actions import ActionResult, ReplaceCard, ShowCard, ShowMessage
from bot.activity import send_card
from bot.commands import Command
from bot.links import Attachment, DownloadLinks
from bot.routes import ActionRoute, CommandRoute, Route, Turn
from cards.elements import Card, adaptive_card, text, title
from cards.i18n import t
from cards.team import with_back
from cards.week import (
    ICS_VERB,
    MONDAY_CARD,
    OFFICE_VERB,
    SET_VERB,
    SHOW_VERB,
    TEAM_DAYS,
    TEAM_DAYS_SHOW_VERB,
    TEAM_DAYS_VERB,
    UNIT,
    office_card,
    parse_day,
    parse_monday,
    team_days_card,
    week_card,
)
from domain.language import Language
from domain.week import ICS_WEEKS, CalendarDay, Unchangeable, ics
from services.weeks import NotInDirectory, WeekService

ICS_PATH = "/my-week.ics"


class WeekTurns:
    def __init__(self, service: WeekService, links: DownloadLinks) -> None:
        self._service = service
        self._links = links

    def routes(self) -> list[Route]:
        return [
            CommandRoute(Command.MY_WEEK, self.my_week),
            CommandRoute(Command.OFFICE, self.office),
            ActionRoute(SET_VERB, self.set_day),
            ActionRoute(SHOW_VERB, self.show_week),
            ActionRoute(ICS_VERB, self.ics_link),
            ActionRoute(OFFICE_VERB, self.office_scope),
            ActionRoute(TEAM_DAYS_SHOW_VERB, self.show_team_days),
            ActionRoute(TEAM_DAYS_VERB, self.team_days),
        ]

    def download_route(self) -> web.RouteDef:
        return self._links.route(ICS_PATH, "week.ics.expired", self._calendar)

    # -- commands -----------------------------------------------------------------------------

    async def my_week(self, turn: Turn) -> None:
        await send_card(turn.context, await self._week(turn, None))

    async def office(self, turn: Turn) -> None:
        await send_card(turn.context, await self._office(turn, unit=False))

    # -- card actions -------------------------------------------------------------------------

    async def set_day(self, turn: Turn) -> ActionResult:
        asked = parse_day(turn.data)
        if asked is None:
            return ShowMessage(t(turn.lang, "error.unknown_action"))
        try:
            changed = await self._service.set_day(turn.profile.user_id, *asked)
        except NotInDirectory:
            return ShowMessage(t(turn.lang, "week.not_in_directory"))
        if isinstance(changed, Unchangeable):
            return ShowMessage(t(turn.lang, f"week.unchangeable.{changed.value}"))
        return ReplaceCard(
            week_card(
                turn.lang,
                changed.week,
                changed.visibility,
                message=t(turn.lang, "week.saved"),
            )
        )

    async def show_week(self, turn: Turn) -> ActionResult:
        monday = parse_monday(turn.data)
        if monday is None:
            return ShowMessage(t(turn.lang, "error.unknown_action"))
        return ReplaceCard(await self._week(turn, monday))

    async def ics_link(self, turn: Turn) -> ActionResult:
        try:
            mine = await self._service.my_week(turn.profile.user_id)
        except NotInDirectory:
            return ShowMessage(t(turn.lang, "week.not_in_directory"))
        url = await self._links.url(ICS_PATH, turn.profile.user_id, turn.lang)
        return ShowCard(week_card(turn.lang, mine.week, mine.visibility, ics_url=url))

    async def office_scope(self, turn: Turn) -> ActionResult:
        return ReplaceCard(await self._office(turn, unit=turn.data.get(UNIT) is True))

    async def show_team_days(self, turn: Turn) -> ActionResult:
        lang, user = turn.lang, turn.profile.user_id
        if not await self._service.leads_a_team(user):
            return ShowMessage(t(lang, "team.not_leader"))
        settings = await self._service.team_settings(user)
        return ReplaceCard(
            with_back(team_days_card(lang, settings.team_days, settings.monday_card), lang)
        )

    async def team_days(self, turn: Turn) -> ActionResult:
        lang, user = turn.lang, turn.profile.user_id
        if not await self._service.leads_a_team(user):
            return ShowMessage(t(lang, "team.not_leader"))
        raw = turn.data.get(TEAM_DAYS, "")
        values = raw.split(",") if isinstance(raw, str) else []
        if await self._service.set_team_days(user, values) is None:
            return ShowMessage(t(lang, "error.unknown_action"))
        saved = await self._service.set_monday_card(user, turn.data.get(MONDAY_CARD) == "true")
        card = team_days_card(lang, saved.team_days, saved.monday_card, t(lang, "week.team.saved"))
        return ReplaceCard(with_back(card, lang))

    # -- helpers ------------------------------------------------------------------------------

    async def _week(self, turn: Turn, monday: date | None) -> Card:
        try:
            mine = await self._service.my_week(turn.profile.user_id, monday)
        except NotInDirectory:
            return _not_in_directory(turn.lang)
        return week_card(turn.lang, mine.week, mine.visibility)

    async def _office(self, turn: Turn, unit: bool) -> Card:
        try:
            view = await self._service.office(turn.profile.user_id, unit)
        except NotInDirectory:
            return _not_in_directory(turn.lang)
        return office_card(turn.lang, view.days, view.unit, view.leader, view.unit_name)

    async def _calendar(self, user_id: str, lang: Language) -> Attachment:
        try:
            _, days = await self._service.calendar(user_id, ICS_WEEKS)
        except NotInDirectory:
            days = []
        entries = [
            CalendarDay(
                day.day,
                t(lang, "week.ics.summary"),
                " ".join(
                    [
                        *([t(lang, "week.ics.team_day")] if day.team_day else []),
                        *(
                            [t(lang, "week.ics.also", names=", ".join(day.names))]
                            if day.names
                            else []
                        ),
                    ]
                ),
            )
            for day in days
        ]
        # The UIDs must not name the person: the seed is the file's own, not their id.
        body = ics(t(lang, "week.ics.calendar"), _seed(user_id), entries)
        return Attachment(body, "text/calendar", "kontordager.ics")


def _seed(user_id: str) -> str:
    return hashlib.sha256(f"week-ics:{user_id}".encode()).hexdigest()[:16]


def _not_in_directory(lang: Language) -> Card:
    return adaptive_card(
        [title(t(lang, "week.office.title")), text(t(lang, "week.not_in_directory"))]
    )
