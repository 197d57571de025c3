"""The written home-office agreement as a PDF/A document, for the personnel archive.

PDF/A-2U (ISO 19005-2, level U): every font embedded, an sRGB output intent, XMP metadata that
declares the conformance, and text that maps to Unicode (searchable and copyable decades on).
fpdf2 writes it (README: "The written agreement"); the font is DejaVu Sans, which has every
letter of bokmål, from the directory `AGREEMENT_PDF_FONT_DIR` names.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from cards.i18n import t, tn
from cards.legal_facts import POINT_LABELS, day, legal_facts
from cards.money import nok
from domain.agreement import BODY_AREAS, EQUIPMENT, assess_workplace
from domain.agreement_record import Agreement, Terms
from domain.language import Language
from domain.legal_terms import POINTS
from domain.written import WrittenAgreement

FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
COMPLIANCE = "PDF/A-2U"
#: Left-aligned: justified text spreads words apart, in print and in the text a search finds.
_TABLE = {"line_height": 5, "text_align": "LEFT"}


def agreement_pdf(lang: Language, written: WrittenAgreement, font_dir: Path) -> bytes:
    pdf = _Document(lang, font_dir)
    approved, employee = written.approved, written.employee
    title = t(lang, "pdf.title")
    pdf.set_title(f"{title}: {employee.name}, {t(lang, 'pdf.version', version=approved.version)}")
    pdf.set_author(employee.name)
    pdf.set_subject(t(lang, "pdf.subtitle"))
    pdf.set_lang("nb-NO" if lang == "nb" else "en-GB")
    if approved.decided_at is not None:
        pdf.set_creation_date(approved.decided_at)
    pdf.add_page()
    pdf.heading(title, 16)
    pdf.line_of(t(lang, "pdf.subtitle"))
    pdf.facts(
        [
            (t(lang, "pdf.employee"), employee.name),
            (t(lang, "pdf.leader"), written.approver.name),
            (t(lang, "pdf.version_label"), str(approved.version)),
            (
                t(lang, "pdf.approved_label"),
                t(
                    lang,
                    "pdf.approved",
                    name=written.approver.name,
                    day=day(approved.decided_at),
                ),
            ),
            (t(lang, "pdf.review_label"), day(approved.review_on)),
        ]
    )
    pdf.heading(t(lang, "pdf.points.title"))
    pdf.numbered(_points(lang, approved.terms))
    pdf.heading(t(lang, "pdf.ergonomics.title"))
    pdf.facts(_ergonomics(lang, approved.terms))
    pdf.heading(t(lang, "pdf.equipment.title"))
    pdf.facts(_equipment(lang, approved.terms))
    pdf.heading(t(lang, "pdf.other.title"))
    pdf.facts(_other(lang, approved.terms))
    pdf.heading(t(lang, "pdf.legal_basis.title"))
    pdf.line_of(t(lang, "pdf.legal_basis.text"))
    pdf.heading(t(lang, "pdf.history.title"))
    pdf.history(lang, written.history, approved.version)
    return bytes(pdf.output())


class _Document(FPDF):
    def __init__(self, lang: Language, font_dir: Path) -> None:
        super().__init__(format="A4", enforce_compliance=COMPLIANCE)
        self._lang = lang
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(font_dir / name))
        self.set_font(FAMILY, size=10)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, t(self._lang, "pdf.page", page=self.page_no()), align="C")
        self.set_font(FAMILY, size=10)

    def heading(self, text: str, size: int = 12) -> None:
        self.ln(3)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=10)
        self.ln(1)

    def line_of(self, text: str) -> None:
        self.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        with self.table(col_widths=(35, 65), first_row_as_headings=False, **_TABLE) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label)
                row.cell(value)

    def numbered(self, rows: Sequence[tuple[str, str]]) -> None:
        with self.table(col_widths=(35, 65), first_row_as_headings=False, **_TABLE) as table:
            for number, (label, value) in enumerate(rows, start=1):
                row = table.row()
                row.cell(f"{number}. {label}")
                row.cell(value)

    def history(self, lang: Language, versions: Sequence[Agreement], in_force: int) -> None:
        with self.table(col_widths=(15, 25, 60), **_TABLE) as table:
            heading = table.row()
            for key in ("pdf.history.version", "pdf.history.date", "pdf.history.status"):
                heading.cell(t(lang, key))
            for version in versions:
                row = table.row()
                row.cell(str(version.version))
                row.cell(day(version.decided_at or version.submitted_at))
                status = t(lang, f"pdf.status.{version.status.value}")
                if version.version == in_force:
                    status = t(lang, "pdf.history.in_force", status=status)
                row.cell(status)


def _points(lang: Language, terms: Terms) -> list[tuple[str, str]]:
    """The eight points in the regulation's order, each under its label (as the cards label
    them), the employee's words as they wrote them."""
    extent = (t(lang, POINT_LABELS["extent"]), _extent(lang, terms))
    if terms.legal is None:
        # Agreed before the conversation asked for points 2–8.
        missing = t(lang, "pdf.not_agreed")
        return [extent, *((t(lang, POINT_LABELS[p]), missing) for p in POINTS[1:])]
    return [extent, *legal_facts(lang, terms.legal, escape=str)]


def _extent(lang: Language, terms: Terms) -> str:
    if terms.extent is None:
        return t(lang, "pdf.not_agreed")
    days = (
        ", ".join(t(lang, f"weekday.{d}") for d in terms.extent.fixed_days)
        if terms.extent.fixed_days
        else t(lang, "agreement.extent.kind.flexible")
    )
    line = tn(lang, "agreement.days", terms.extent.days, days=days)
    return f"{line}. {terms.extent.reason}" if terms.extent.reason else line


def _ergonomics(lang: Language, terms: Terms) -> list[tuple[str, str]]:
    workplace = terms.workplace
    if workplace is None:
        return [(t(lang, "pdf.ergonomics.title"), t(lang, "pdf.not_agreed"))]
    days = terms.extent.days if terms.extent else 0
    assessment = assess_workplace(workplace, days)
    has = [t(lang, f"agreement.item.{i}") for i in EQUIPMENT if i in workplace.has]
    discomfort = [t(lang, f"agreement.body.{a}") for a in BODY_AREAS if a in workplace.discomfort]
    rows = [
        (t(lang, "agreement.fact.place"), t(lang, f"agreement.place.{workplace.place.value}")),
        (t(lang, "agreement.fact.has"), ", ".join(has) or "–"),
        (t(lang, "agreement.fact.discomfort"), ", ".join(discomfort) or "–"),
        (
            t(lang, "pdf.ergonomics.assessment"),
            t(lang, "pdf.ergonomics.risk" if assessment.risk else "pdf.ergonomics.no_risk"),
        ),
    ]
    if assessment.advice:
        rows.append(
            (t(lang, "pdf.ergonomics.advice"), "\n".join(t(lang, a) for a in assessment.advice))
        )
    if assessment.offer_occupational_health:
        bht = (
            "pdf.ergonomics.bht.yes" if terms.wants_occupational_health else "pdf.ergonomics.bht.no"
        )
        rows.append((t(lang, "agreement.fact.bht"), t(lang, bht)))
    return rows


def _equipment(lang: Language, terms: Terms) -> list[tuple[str, str]]:
    equipment = terms.equipment
    if equipment is None:
        return [(t(lang, "agreement.fact.package"), t(lang, "pdf.not_agreed"))]
    rows = [
        (
            t(lang, "agreement.fact.package"),
            t(lang, f"agreement.package.short.{equipment.package.value}"),
        )
    ]
    rows += [
        (t(lang, f"agreement.item.{item.key}"), f"{nok(item.price)} kr") for item in equipment.items
    ]
    if equipment.it_cost or equipment.furniture_cost:
        # An agreement stored before the step asked for items: the kroner as they were.
        rows.append(
            (
                t(lang, "agreement.fact.costs"),
                t(
                    lang,
                    "agreement.costs",
                    it=nok(equipment.it_cost),
                    furniture=nok(equipment.furniture_cost),
                ),
            )
        )
    rows.append((t(lang, "pdf.equipment.sum"), f"{nok(equipment.sum)} kr"))
    if terms.special_needs:
        rows.append((t(lang, "agreement.fact.special"), terms.special_needs))
    return rows


def _other(lang: Language, terms: Terms) -> list[tuple[str, str]]:
    rows = []
    if terms.tasks:
        home = [t(lang, f"agreement.task.{task}") for task in terms.tasks.home]
        office = [t(lang, f"agreement.task.{task}") for task in terms.tasks.office]
        rows += [
            (t(lang, "agreement.fact.home_tasks"), ", ".join(home) or "–"),
            (t(lang, "agreement.fact.office_tasks"), ", ".join(office) or "–"),
        ]
        if terms.tasks.expectations:
            rows.append((t(lang, "agreement.fact.expectations"), terms.tasks.expectations))
    if terms.network:
        rows.append(
            (t(lang, "agreement.fact.network"), t(lang, f"agreement.network.{terms.network.value}"))
        )
    return rows or [(t(lang, "pdf.other.title"), "–")]
