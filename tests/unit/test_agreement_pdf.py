"""The written agreement as a PDF/A document (cards/agreement_pdf.py), read back with pypdf — a
library other than fpdf2, which writes it: every one of the eight § 2 points and both names in
both languages, the ergonomics assessment, the equipment and its sum, the versions before the
one in force, and the marks of PDF/A: XMP conformance, embedded fonts, an sRGB output intent."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from bot.settings import ConfigError, Settings
from cards.agreement_pdf import agreement_pdf
from cards.i18n import t, tn
from cards.legal_facts import POINT_LABELS
from cards.money import nok
from domain.agreement import EquipmentRequest, Item, Package
from domain.agreement_record import Status
from domain.language import LANGUAGES, Language
from domain.legal_terms import POINTS, Hours, LegalTerms
from domain.written import WrittenAgreement
from tests.support.gallery import FULL_TERMS, KARI, LEADER, _agreement

FONTS = Path(Settings().agreement_pdf_font_dir)
LEGAL = LegalTerms(
    hours=Hours.AGREED,
    agreed_hours="08:00–15:30",
    reachable="Teams og telefon 09–14",
    end_on=date(2027, 6, 30),
    notice_months=2,
    trial_months=3,
    equipment_rules_accepted=True,
    confidentiality_accepted=True,
)
EQUIPMENT = EquipmentRequest(
    Package.STANDARD, items=(Item("external_screen", 1_800), Item("office_chair", 2_000))
)
TERMS = replace(FULL_TERMS, legal=LEGAL, equipment=EQUIPMENT)
FIRST = _agreement(KARI, 1, Status.APPROVED, terms=FULL_TERMS)
CHANGES = _agreement(KARI, 2, Status.CHANGES_REQUESTED, terms=TERMS, comment="Legg til dager")
IN_FORCE = _agreement(KARI, 3, Status.APPROVED, terms=TERMS)
WRITTEN = WrittenAgreement(KARI, LEADER, IN_FORCE, (FIRST, CHANGES, IN_FORCE))


def text_of(document: bytes, lang: Language = "nb") -> str:
    """The text as one line, each page's footer taken out (a paragraph may go on over it)."""
    reader = PdfReader(io.BytesIO(document))
    pages = [
        page.extract_text().replace(t(lang, "pdf.page", page=number), "")
        for number, page in enumerate(reader.pages, start=1)
    ]
    return " ".join(" ".join(pages).split())


def words(value: str) -> str:
    return " ".join(value.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_document_holds_every_point_both_parties_and_the_legal_basis(lang: Language) -> None:
    text = text_of(agreement_pdf(lang, WRITTEN, FONTS), lang)
    for point in POINTS:
        assert words(t(lang, POINT_LABELS[point])) in text
    for value in (
        t(lang, "agreement.terms.hours.agreed_times", times=LEGAL.agreed_hours),
        LEGAL.reachable,
        t(lang, "agreement.terms.duration.until", day="30.06.2027"),
        tn(lang, "agreement.terms.notice", 2),
        tn(lang, "agreement.terms.trial", 3),
        t(lang, "agreement.terms.equipment_rules"),
        t(lang, "agreement.terms.confidentiality_rules"),
        t(lang, "weekday.mon"),  # the extent: FULL_TERMS' fixed days
        KARI.name,
        LEADER.name,
        t(lang, "pdf.approved", name=LEADER.name, day=IN_FORCE.decided_at.strftime("%d.%m.%Y")),  # type: ignore[union-attr]
        t(lang, "pdf.legal_basis.text"),
    ):
        assert words(value) in text, value
    assert "hjemmekontorforskriften § 2" in text and "arbeidsmiljøloven" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_holds_the_ergonomics_assessment_and_the_equipment_with_its_sum(lang: Language) -> None:
    text = text_of(agreement_pdf(lang, WRITTEN, FONTS), lang)
    workplace = TERMS.workplace
    assert workplace is not None
    assert words(t(lang, f"agreement.place.{workplace.place.value}")) in text
    assert t(lang, "pdf.ergonomics.risk") in text  # FULL_TERMS: a neck that hurts
    assert words(t(lang, "ergonomics.discomfort.neck")) in text  # with the advice
    for item in EQUIPMENT.items:
        assert words(f"{t(lang, f'agreement.item.{item.key}')} {nok(item.price)} kr") in text
    assert words(f"{t(lang, 'pdf.equipment.sum')} {nok(3_800)} kr") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_changed_agreement_keeps_its_earlier_versions_in_the_history(lang: Language) -> None:
    text = text_of(agreement_pdf(lang, WRITTEN, FONTS), lang)
    history = text[text.index(t(lang, "pdf.history.title")) :]
    day = (IN_FORCE.decided_at or IN_FORCE.submitted_at).strftime("%d.%m.%Y")  # type: ignore[union-attr]
    approved, changes = t(lang, "pdf.status.approved"), t(lang, "pdf.status.changes_requested")
    assert f"1 {day} {approved}" in history
    assert f"2 {day} {changes}" in history
    assert f"3 {day} {t(lang, 'pdf.history.in_force', status=approved)}" in history


def test_an_agreement_without_the_legal_terms_says_they_are_not_agreed() -> None:
    before = replace(FIRST, terms=replace(FULL_TERMS, legal=None))
    earlier = WrittenAgreement(KARI, LEADER, before, (before,))
    text = text_of(agreement_pdf("en", earlier, FONTS), "en")
    # Point 1 is the extent, always there; points 2–8 came with the legal terms.
    assert text.count(t("en", "pdf.not_agreed")) == len(POINTS) - 1


def resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def test_the_document_declares_pdf_a_and_embeds_every_font_and_an_output_intent() -> None:
    reader = PdfReader(io.BytesIO(agreement_pdf("nb", WRITTEN, FONTS)))
    root = resolved(reader.trailer["/Root"])
    xmp = resolved(root["/Metadata"]).get_data().decode("utf-8")
    part = re.search(r"<pdfaid:part>(\d)</pdfaid:part>", xmp)
    conformance = re.search(r"<pdfaid:conformance>([ABU])</pdfaid:conformance>", xmp)
    assert part and part.group(1) == "2" and conformance and conformance.group(1) == "U"
    (intent,) = [resolved(i) for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    assert resolved(intent["/DestOutputProfile"]).get_data()[36:40] == b"acsp"  # an ICC profile
    fonts: list[Any] = []
    for page in reader.pages:
        fonts += [resolved(f) for f in resolved(page["/Resources"])["/Font"].values()]
    assert fonts
    for font in fonts:
        # A composite font (Identity-H, Unicode-mapped); its glyphs are in the file.
        assert font["/Subtype"] == "/Type0" and "/ToUnicode" in font
        (descendant,) = [resolved(d) for d in font["/DescendantFonts"]]
        assert "/FontFile2" in resolved(descendant["/FontDescriptor"])


def test_a_long_history_stays_a_small_file() -> None:
    long_ago = [
        _agreement(KARI, v, Status.APPROVED, decided_at=IN_FORCE.decided_at - timedelta(days=v))  # type: ignore[operator]
        for v in range(1, 40)
    ]
    document = agreement_pdf("nb", WrittenAgreement(KARI, LEADER, IN_FORCE, (*long_ago,)), FONTS)
    assert len(document) < 200_000  # the fonts are subset: a few tens of kilobytes


BOT = {"MicrosoftAppId": "a", "MicrosoftAppPassword": "p", "MicrosoftAppTenantId": "t",
       "PSEUDONYM_KEY": "k" * 32}  # fmt: skip


def test_a_host_without_the_font_refuses_to_start_and_says_what_to_install(
    tmp_path: Path,
) -> None:
    without = {**BOT, "AGREEMENT_PDF_FONT_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match=r"AGREEMENT_PDF_FONT_DIR.*fonts-dejavu-core"):
        Settings.from_env(without)
    # A local run (`./dev run`, no app id) starts all the same; the PDF button says why not.
    assert Settings.from_env({"AGREEMENT_PDF_FONT_DIR": str(tmp_path)}).local_mode
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        (tmp_path / name).write_bytes((FONTS / name).read_bytes())
    assert Settings.from_env(without).agreement_pdf_font_dir
