"""The written agreement's download: the agreement card's button, and the PDF behind its link.

Like the other downloads (bot/links.py) the card carries no link: the button asks for one, for
the one who pressed, single-use and short-lived, and the answer is the agreement card again with
the link on it. Who may have the document is checked at the press and again when the link is
used (services/written_agreement.py): a leader who has since lost the employee, and no longer
is the approver, gets a refusal instead of the file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from bot.actions import ActionResult, ShowCard, ShowMessage
from bot.links import Attachment, DownloadLinks, Forbidden
from bot.routes import ActionRoute, Route, Turn
from bot.settings import missing_fonts
from cards.agreement import PDF_VERB, agreement_card
from cards.agreement_pdf import agreement_pdf
from cards.i18n import t
from cards.refusals import REFUSALS
from cards.team import with_back
from domain.agreement_record import NotAllowed
from domain.language import Language
from domain.org import normalise_id
from services.agreements import AgreementService
from services.written_agreement import WrittenAgreements

PDF_PATH = "/agreement.pdf"


class AgreementPdfTurns:
    def __init__(
        self,
        written: WrittenAgreements,
        agreements: AgreementService,
        links: DownloadLinks,
        font_dir: Path,
    ) -> None:
        self._written = written
        self._agreements = agreements
        self._links = links
        self._font_dir = font_dir

    def routes(self) -> list[Route]:
        return [ActionRoute(PDF_VERB, self.link)]

    def download_route(self) -> web.RouteDef:
        return self._links.subject_route(PDF_PATH, "pdf.link_expired", self._file)

    async def link(self, turn: Turn) -> ActionResult:
        """The button: the agreement card again, with a fresh link, for the pressing client."""
        lang, reader = turn.lang, turn.profile.user_id
        if missing_fonts(str(self._font_dir)):  # a local run only: production refuses to start
            return ShowMessage(t(lang, "pdf.no_font"))
        employee_id = normalise_id(str(turn.data.get("employee", "")))
        try:
            written = await self._written.of(reader, employee_id)
        except NotAllowed as refusal:
            return ShowMessage(t(lang, REFUSALS[refusal.reason]))
        employee = written.employee
        url = await self._links.url(PDF_PATH, reader, lang, subject=employee.id)
        for_employee = normalise_id(reader) == employee.id
        leader = await self._agreements.leader_of(employee.id)
        current = await self._agreements.current(employee.id)
        draft = current if for_employee and current.version != written.approved.version else None
        card = agreement_card(
            lang,
            employee.name,
            written.approved,
            leader.name if leader else written.approver.name,
            draft,
            for_employee=for_employee,
            pdf_url=url,
        )
        # The leader opened it from `mitt team`: the way back stays on it.
        return ShowCard(card if for_employee else with_back(card, lang))

    async def _file(self, user_id: str, lang: Language, employee_id: str) -> Attachment | Forbidden:
        try:
            written = await self._written.of(user_id, employee_id)
        except NotAllowed as refusal:
            return Forbidden(t(lang, REFUSALS[refusal.reason]))
        # Laying out the pages takes a few hundred milliseconds: off the event loop.
        body = await asyncio.to_thread(agreement_pdf, lang, written, self._font_dir)
        return Attachment(body, "application/pdf", t(lang, "pdf.filename"))
