"""The § 2 terms as every reader of the agreement sees them: the step card, the summary, the
leader's approval card and the agreement in force (docs/product.md#the-law-hjemmekontorforskriften)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from cards.elements import md
from cards.i18n import t, tn
from domain.language import Language
from domain.legal_terms import POINTS, Hours, LegalTerms

#: Each § 2 point's label; point 1, the extent, is the days' own fact.
POINT_LABELS = {
    point: "agreement.fact.extent" if point == "extent" else f"agreement.fact.legal.{point}"
    for point in POINTS
}


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def legal_facts(
    lang: Language, legal: LegalTerms, escape: Callable[[str], str] = md
) -> list[tuple[str, str]]:
    """Points 2–8, each under its label, as every reader of the agreement sees them. The
    employee's own words are escaped for a card's Markdown; a PDF (`escape=str`) takes them
    as they are."""
    hours = t(lang, f"agreement.terms.hours.{legal.hours.value}")
    if legal.hours is Hours.AGREED:
        hours = t(lang, "agreement.terms.hours.agreed_times", times=escape(legal.agreed_hours))
    duration = (
        t(lang, "agreement.terms.duration.until", day=day(legal.end_on))
        if legal.end_on
        else t(lang, "agreement.terms.duration.permanent")
    )
    notice_text = (
        tn(lang, "agreement.terms.notice", legal.notice_months)
        if legal.notice_months
        else t(lang, "agreement.terms.notice.none")
    )
    trial = (
        tn(lang, "agreement.terms.trial", legal.trial_months)
        if legal.trial_months
        else t(lang, "agreement.terms.trial.none")
    )
    values = {
        "working_hours": hours,
        "reachability": escape(legal.reachable) or t(lang, "agreement.terms.reachable.default"),
        "duration": duration,
        "notice": notice_text,
        "trial": trial,
        "equipment_ownership": t(lang, "agreement.terms.equipment_rules"),
        "confidentiality": t(lang, "agreement.terms.confidentiality_rules"),
    }
    return [(t(lang, POINT_LABELS[point]), value) for point, value in values.items()]
