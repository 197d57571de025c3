"""Cards of the terms hjemmekontorforskriften § 2 asks for, and of the arrangement's end: the
terms step (the municipality's defaults, accepted with one tap) and its edit card, the notice
for occasional home office, ending with notice, the reminder before a temporary arrangement
ends, and the history of versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cards.agreement import (
    END_VERB,
    OPEN_VERB,
    START_VERB,
    STEP_VERB,
    Values,
    _choice_set,
    _choices,
    _step_card,
    notice,
)
from cards.elements import Card, Element, adaptive_card, date_input, execute, md, text, title
from cards.i18n import t
from cards.legal_facts import day, legal_facts
from cards.refusals import Problem
from domain.agreement_record import Agreement, Status, changed_parts
from domain.language import Language
from domain.legal_terms import MAX_TERM_TEXT, Hours, LegalTerms, TermDefaults

TERMS = "terms"
TERMS_EDIT = "terms_edit"
HISTORY_SHOWN = 10  # the latest versions on the history card


def terms_values(legal: LegalTerms) -> Values:
    """The edit card's inputs as `legal` fills them."""
    return {
        "hours": legal.hours.value,
        "agreed_hours": legal.agreed_hours,
        "reachable": legal.reachable,
        "duration": "temporary" if legal.end_on else "permanent",
        "end_on": legal.end_on.isoformat() if legal.end_on else "",
        "notice_months": str(legal.notice_months),
        "trial_months": str(legal.trial_months),
    }


def terms_card(
    lang: Language, legal: LegalTerms, errors: Sequence[Problem] = (), note: str = ""
) -> Card:
    """The terms as proposed (the municipality's defaults, or what the draft holds): accepted
    with one tap, or changed on the edit card."""
    facts = {
        "type": "FactSet",
        "facts": [{"title": k, "value": v} for k, v in legal_facts(lang, legal)],
    }
    card = _step_card(lang, TERMS, [facts], errors, note)
    return {
        **card,
        "actions": [
            execute(
                STEP_VERB, t(lang, "agreement.terms.accept"), {"step": TERMS, "choice": "accept"}
            ),
            execute(STEP_VERB, t(lang, "agreement.terms.edit"), {"step": TERMS, "choice": "edit"}),
        ],
    }


def _line(input_id: str, label: str, value: Any, placeholder: str = "") -> Element:
    element: Element = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "maxLength": MAX_TERM_TEXT,
        "value": value[:MAX_TERM_TEXT] if isinstance(value, str) else "",
    }
    if placeholder:
        element["placeholder"] = placeholder
    return element


def _months(lang: Language, input_id: str, label: str, most: int, value: Any) -> Element:
    choices = [{"title": str(n), "value": str(n)} for n in range(most + 1)]
    return _choice_set(input_id, label, choices, str(value), expanded=False, placeholder="0")


def terms_edit_card(
    lang: Language,
    values: Values,
    defaults: TermDefaults,
    errors: Sequence[Problem] = (),
    note: str = "",
) -> Card:
    """Every term the employee may change; the rules on equipment and confidentiality are the
    municipality's and shown as they apply."""
    end_on = values.get("end_on")
    inputs: list[Element] = [
        _choice_set(
            "hours",
            t(lang, "agreement.fact.legal.working_hours"),
            _choices(lang, "agreement.terms.hours", [h.value for h in Hours]),
            str(values.get("hours", "")),
            required=True,
            error_message=t(lang, "agreement.required"),
        ),
        _line("agreed_hours", t(lang, "agreement.terms.agreed_hours"), values.get("agreed_hours")),
        _line(
            "reachable",
            t(lang, "agreement.terms.reachable"),
            values.get("reachable"),
            t(lang, "agreement.terms.reachable.default"),
        ),
        _choice_set(
            "duration",
            t(lang, "agreement.fact.legal.duration"),
            _choices(lang, "agreement.terms.duration", ("permanent", "temporary")),
            str(values.get("duration", "permanent")),
        ),
        date_input(
            "end_on",
            t(lang, "agreement.terms.end_on"),
            end_on if isinstance(end_on, str) and len(end_on) == 10 else "",
        ),
        _months(
            lang,
            "notice_months",
            t(lang, "agreement.terms.notice_months"),
            defaults.max_notice_months,
            values.get("notice_months", ""),
        ),
        _months(
            lang,
            "trial_months",
            t(lang, "agreement.terms.trial_months"),
            defaults.max_trial_months,
            values.get("trial_months", ""),
        ),
        text(t(lang, "agreement.terms.always"), weight="Bolder"),
        text(t(lang, "agreement.terms.equipment_rules")),
        text(t(lang, "agreement.terms.confidentiality_rules")),
    ]
    return _step_card(lang, TERMS_EDIT, inputs, errors, note)


def ordered_note(lang: Language) -> Element:
    """Where the § 2 terms would be: why an ordered situation needs no written agreement."""
    return text(t(lang, "agreement.ordered.no_written"), isSubtle=True)


def occasional_card(lang: Language, in_force: bool) -> Card:
    """Less than a day a week: no written agreement, the basic package, and a way back."""
    lines = [t(lang, "agreement.occasional.text"), t(lang, "agreement.occasional.package")]
    if in_force:
        lines.append(t(lang, "agreement.occasional.in_force"))
    return notice(
        lang,
        t(lang, "agreement.occasional.title"),
        lines,
        [execute(START_VERB, t(lang, "agreement.occasional.regular"), {})],
    )


# -- the arrangement's end -----------------------------------------------------------------------


def end_confirm_card(
    lang: Language, notice_version: Agreement, in_force: int, for_employee: bool
) -> Card:
    """Before the notice is given: the last day it would make, and the other party's name."""
    data: dict[str, Any] = {"version": in_force, "confirm": True}
    if not for_employee:
        data["employee"] = notice_version.employee_id
    other = t(
        lang, "agreement.end.other.leader" if for_employee else "agreement.end.other.employee"
    )
    return adaptive_card(
        [
            title(t(lang, "agreement.end.title")),
            text(t(lang, "agreement.end.text", day=day(notice_version.ends_on), other=other)),
        ],
        [
            execute(END_VERB, t(lang, "agreement.end.confirm"), data),
            # The leader's card goes back to `mitt team` (cards/team.py with_back).
            *([execute(OPEN_VERB, t(lang, "agreement.open"), {})] if for_employee else []),
        ],
    )


def notice_given_card(
    lang: Language, employee_name: str, given_by: str, ends_on: date | None, for_leader: bool
) -> Card:
    """To the other party: who ended the arrangement, and its last day."""
    key = "agreement.end.given.leader" if for_leader else "agreement.end.given.employee"
    return notice(
        lang,
        t(lang, "agreement.end.given.title"),
        [t(lang, key, name=md(employee_name), by=md(given_by), day=day(ends_on))],
    )


def end_due_card(lang: Language, employee_name: str, ends_on: date, for_leader: bool) -> Card:
    key = "agreement.end_due.leader" if for_leader else "agreement.end_due.employee"
    return notice(
        lang,
        t(lang, "agreement.end_due.title"),
        [t(lang, key, name=md(employee_name), day=day(ends_on))],
    )


def history_card(
    lang: Language, employee_name: str, versions: Sequence[Agreement], names: dict[str, str]
) -> Card:
    """Every version with its date, status, who decided and what it changed; `names` holds
    the people the versions name, by id."""
    body: list[Element] = [title(t(lang, "agreement.history.title", name=md(employee_name)))]
    if not versions:
        body.append(text(t(lang, "agreement.history.none")))
    if len(versions) > HISTORY_SHOWN:
        # A card has a size limit; `mine data` holds every version.
        body.append(text(t(lang, "agreement.history.latest", shown=HISTORY_SHOWN, n=len(versions))))
    start = max(0, len(versions) - HISTORY_SHOWN)
    before = versions[start - 1] if start else None
    for version in versions[start:]:
        when = version.decided_at or version.submitted_at
        status = t(lang, f"team.status.{version.status.value}", version=version.version)
        row = t(
            lang,
            "agreement.history.row",
            version=version.version,
            day=day(when.date() if when else None),
            status=status,
        )
        lines = [f"**{row}**"]  # the version's line heads what follows
        ended = version.status in (Status.ENDING, Status.ENDED)
        if ended and version.notice_by:
            name = names.get(version.notice_by, "")
            lines.append(t(lang, "agreement.history.notice_by", name=md(name)))
        elif not ended and version.decided_at and version.leader_id:
            name = names.get(version.leader_id, "")
            lines.append(t(lang, "agreement.history.by", name=md(name)))
        if ended:
            lines.append(t(lang, "agreement.history.ends", day=day(version.ends_on)))
        elif before is None:
            lines.append(t(lang, "agreement.history.first"))
        else:
            parts = changed_parts(before.terms, version.terms)
            lines.append(
                t(
                    lang,
                    "agreement.history.changed",
                    parts=", ".join(t(lang, f"agreement.part.{p}") for p in parts),
                )
                if parts
                else t(lang, "agreement.history.unchanged")
            )
        body.append(text("\n\n".join(lines), separator=len(body) > 1))
        before = version
    return adaptive_card(body)
