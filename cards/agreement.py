"""Cards of the home-office agreement: the dialog's steps, the summary, the leader's approval
card, the agreement itself, and the notices around it.

Every step card submits `STEP_VERB` with its step's name, so the dialog can tell a press on the
current step from one on a card left behind further up the chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from cards.agreement_submit import MAX_TEXT
from cards.elements import (
    Card,
    Element,
    adaptive_card,
    download,
    error_text,
    execute,
    md,
    text,
    title,
)
from cards.i18n import t, tn
from cards.legal_facts import day, legal_facts
from cards.money import nok
from cards.refusals import FLAGS, Problem, problem_text, refusal_text
from domain.agreement import (
    BODY_AREAS,
    EQUIPMENT,
    FURNITURE_ITEMS,
    IT_ITEMS,
    WITH_REASON_DAYS,
    WORKDAYS,
    Amounts,
    Item,
    Mode,
    Network,
    Package,
    Place,
    allowed_days,
    items_of,
)
from domain.agreement_record import (
    HOME_TASKS,
    OFFICE_TASKS,
    Agreement,
    Decision,
    Flag,
    OrderTask,
    Status,
    Terms,
    parts_for,
    proposal_version,
)
from domain.language import Language
from domain.refusals import OverLimit, Refusal

STEP_VERB = "agreement.step"
DECIDE_VERB = "agreement.decide"
REVISE_VERB = "agreement.revise"
START_VERB = "agreement.start"
OPEN_VERB = "agreement.open"
ORDERED_VERB = "agreement.ordered"
END_VERB = "agreement.end"  # either party ends the arrangement with notice
HISTORY_VERB = "agreement.history"
PDF_VERB = "agreement_pdf.link"  # the written agreement's download (bot/agreement_pdf_turns.py)
#: The second equipment card: what to pick from the package chosen on the first.
EQUIPMENT_ITEMS = "equipment_items"
OTHER_PACKAGE = "package"  # its button back to the package card

Values = dict[str, Any]
#: Which of the five parts a step card belongs to (the BHT offer is part of ergonomics).
STEP_NUMBERS = {
    "tasks": 1,
    "extent": 2,
    "weekdays": 2,
    "ergonomics": 3,
    "occupational_health": 3,
    "equipment": 4,
    EQUIPMENT_ITEMS: 4,
    "network": 5,
    "terms": 6,  # hjemmekontorforskriften § 2 (cards/agreement_terms.py)
    "terms_edit": 6,
}


# -- inputs ------------------------------------------------------------------------------------


def _choices(lang: Language, prefix: str, values: Sequence[str]) -> list[dict[str, str]]:
    return [{"title": t(lang, f"{prefix}.{v}"), "value": v} for v in values]


def _choice_set(
    input_id: str,
    label: str,
    choices: list[dict[str, str]],
    value: str = "",
    multi: bool = False,
    required: bool = False,
    expanded: bool = True,
    error_message: str = "",
    placeholder: str = "",
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "expanded" if expanded else "compact",
        "isMultiSelect": multi,
        "choices": choices,
    }
    # A re-rendered card keeps only what its choices offer: a forged submit's value, echoed
    # back in full, could push the card over Teams' message size limit.
    offered = {c["value"] for c in choices}
    picked = [v for v in value.split(",") if v in offered] if isinstance(value, str) else []
    if picked:
        element["value"] = ",".join(picked if multi else picked[:1])
    if not expanded:
        element["placeholder"] = placeholder
    if required:
        element["isRequired"] = True
        element["errorMessage"] = error_message
    return element


def _text_input(input_id: str, label: str, value: Any = "", multiline: bool = True) -> Element:
    return {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "isMultiline": multiline,
        "maxLength": MAX_TEXT,
        "value": value[:MAX_TEXT] if isinstance(value, str) else "",
    }


def _step_card(
    lang: Language,
    step: str,
    inputs: list[Element],
    errors: Sequence[Problem],
    note: str = "",
    lead: Sequence[Element] = (),
    intro_key: str = "",
    intro: str = "",
    more: Sequence[Element] = (),
) -> Card:
    """A step's card: its title and intro are `agreement.<step>.title` and `.intro`."""
    body: list[Element] = [
        text(
            t(lang, "agreement.step_of", n=STEP_NUMBERS[step], total=max(STEP_NUMBERS.values())),
            size="Small",
            isSubtle=True,
        ),
        title(t(lang, f"agreement.{step}.title")),
        text(intro or t(lang, intro_key or f"agreement.{step}.intro")),
        *lead,
    ]
    if note:
        body.append(text(note, color="Attention", weight="Bolder"))
    # A refusal stands out above the inputs: it is the rule the user has to meet.
    body += [text(problem_text(lang, e), color="Attention", weight="Bolder") for e in errors]
    body += inputs
    next_step = execute(STEP_VERB, t(lang, "agreement.next"), {"step": step})
    return adaptive_card(body, [next_step, *more])


def tasks_card(lang: Language, values: Values, errors: Sequence[str] = (), note: str = "") -> Card:
    return _step_card(
        lang,
        "tasks",
        [
            _choice_set(
                "home",
                t(lang, "agreement.tasks.home"),
                _choices(lang, "agreement.task", HOME_TASKS),
                values.get("home", ""),
                multi=True,
            ),
            _choice_set(
                "office",
                t(lang, "agreement.tasks.office"),
                _choices(lang, "agreement.task", OFFICE_TASKS),
                values.get("office", ""),
                multi=True,
            ),
            _text_input(
                "expectations", t(lang, "agreement.tasks.expectations"), values.get("expectations")
            ),
        ],
        errors,
        note,
    )


def extent_card(
    lang: Language,
    values: Values,
    mode: Mode,
    errors: Sequence[str] = (),
    note: str = "",
    team_days: Sequence[str] = (),
) -> Card:
    """How many days and what kind. Only the days the rules allow in `mode` are offered, and
    the weekdays come on a card of their own after "fixed days" (weekdays_card): a card cannot
    show inputs as another input changes. The team's office days are shown on both."""
    ordered = mode is Mode.ORDERED
    days = [
        {
            "title": t(lang, "agreement.extent.days.with_reason", n=n)
            if n == WITH_REASON_DAYS and not ordered
            else str(n),
            "value": str(n),
        }
        for n in allowed_days(mode)
    ]
    return _step_card(
        lang,
        "extent",
        [
            _choice_set(
                "days",
                t(lang, "agreement.extent.days"),
                days,
                str(values.get("days", "")),
                required=True,
                error_message=t(lang, "agreement.required"),
            ),
            _choice_set(
                "fixed",
                t(lang, "agreement.extent.kind"),
                _choices(lang, "agreement.extent.kind", ("flexible", "fixed")),
                values.get("fixed", "flexible"),
            ),
            _text_input(
                "reason",
                t(lang, "agreement.extent.reason" + ("_ordered" if ordered else "")),
                values.get("reason"),
            ),
        ],
        errors,
        note,
        lead=_team_days_note(lang, team_days),
        intro_key="agreement.extent.intro_ordered" if ordered else "",
    )


def _team_days_note(lang: Language, team_days: Sequence[str]) -> list[Element]:
    if not team_days:
        return []
    shown = ", ".join(t(lang, f"weekday.{d}") for d in team_days)
    return [text(t(lang, "agreement.weekdays.team_days", days=shown))]


def weekdays_card(
    lang: Language,
    days: int,
    values: Values,
    errors: Sequence[str] = (),
    note: str = "",
    team_days: Sequence[str] = (),
) -> Card:
    """After "fixed days": which `days` weekdays, or back to another number of days; the
    team's office days shown, so a fixed day at home can avoid them."""
    team = _team_days_note(lang, team_days)
    back = execute(
        STEP_VERB, t(lang, "agreement.weekdays.back"), {"step": "weekdays", "back": True}
    )
    return _step_card(
        lang,
        "weekdays",
        [
            _choice_set(
                "weekdays",
                tn(lang, "agreement.weekdays.choose", days),
                _choices(lang, "weekday", WORKDAYS),
                values.get("weekdays", ""),
                multi=True,
            ),
        ],
        [],
        note,
        # Its refusals count the days: drawn here, with the number.
        lead=[
            *team,
            *(text(t(lang, key, n=days), color="Attention", weight="Bolder") for key in errors),
        ],
        more=[back],
    )


def ergonomics_card(
    lang: Language, values: Values, errors: Sequence[str] = (), note: str = ""
) -> Card:
    return _step_card(
        lang,
        "ergonomics",
        [
            _choice_set(
                "place",
                t(lang, "agreement.ergonomics.place"),
                _choices(lang, "agreement.place", [p.value for p in Place]),
                values.get("place", ""),
                required=True,
                error_message=t(lang, "agreement.required"),
            ),
            _choice_set(
                "has",
                t(lang, "agreement.ergonomics.has"),
                _choices(lang, "agreement.item", EQUIPMENT),
                values.get("has", ""),
                multi=True,
            ),
            _choice_set(
                "discomfort",
                t(lang, "agreement.ergonomics.discomfort"),
                _choices(lang, "agreement.body", BODY_AREAS),
                values.get("discomfort", ""),
                multi=True,
            ),
        ],
        errors,
        note,
    )


def advice_card(
    lang: Language,
    advice: Sequence[str],
    values: Values,
    errors: Sequence[str] = (),
    note: str = "",
) -> Card:
    """After a risky workplace: what to improve, and the offer to involve BHT."""
    return _step_card(
        lang,
        "occupational_health",
        [
            _choice_set(
                "occupational_health",
                t(lang, "agreement.advice.offer"),
                _choices(lang, "agreement.yes_no", ("yes", "no")),
                values.get("occupational_health", ""),
                required=True,
                error_message=t(lang, "agreement.required"),
            )
        ],
        errors,
        note,
        lead=[text(f"- {t(lang, key)}") for key in advice],
    )


def equipment_card(
    lang: Language,
    values: Values,
    amounts: Amounts,
    errors: Sequence[Problem] = (),
    note: str = "",
    mode: Mode = Mode.ORDINARY,
) -> Card:
    """The package first: the next card asks only for what the chosen package needs."""
    packages = [
        {
            "title": t(
                lang,
                f"agreement.package.{p.value}",
                it=nok(amounts.it),
                furniture=nok(amounts.furniture),
            ),
            "value": str(p.value),
        }
        for p in Package
        # The temporary home loan exists only while home office is ordered.
        if p is not Package.TEMPORARY or mode is Mode.ORDERED
    ]
    return _step_card(
        lang,
        "equipment",
        [
            _choice_set(
                "package",
                t(lang, "agreement.equipment.package"),
                packages,
                str(values.get("package", "")),
                required=True,
                error_message=t(lang, "agreement.required"),
            )
        ],
        errors,
        note,
    )


def _item_choices(lang: Language, keys: Sequence[str], amounts: Amounts) -> list[dict[str, str]]:
    return [
        {
            "title": t(
                lang,
                "agreement.equipment.item",
                item=t(lang, f"agreement.item.{k}"),
                price=nok(amounts.prices[k]),
            ),
            "value": k,
        }
        for k in keys
    ]


def equipment_items_card(
    lang: Language,
    package: Package,
    values: Values,
    amounts: Amounts,
    errors: Sequence[Problem] = (),
    note: str = "",
) -> Card:
    """What the chosen package offers, and nothing else: items at their catalogue price for a
    loan (the sum follows from what is ticked), or a description for special needs."""
    short = t(lang, f"agreement.package.short.{package.value}")
    if package is Package.SPECIAL:
        inputs = [
            _text_input(
                "special_needs", t(lang, "agreement.equipment.special"), values.get("special_needs")
            )
        ]
        intro = t(lang, "agreement.equipment.intro_special", package=short)
    else:
        standard = package is Package.STANDARD
        offered = items_of(package)
        inputs = [
            _choice_set(
                f"{kind}_items",
                t(
                    lang,
                    f"agreement.equipment.{kind}" + ("_limit" if standard else ""),
                    limit=nok(amounts.limit(kind)),
                ),
                _item_choices(lang, [k for k in keys if k in offered], amounts),
                values.get(f"{kind}_items", ""),
                multi=True,
            )
            for kind, keys in (("it", IT_ITEMS), ("furniture", FURNITURE_ITEMS))
        ]
        intro = t(
            lang,
            "agreement.equipment.intro_items" + ("_limit" if standard else ""),
            package=short,
        )
    card = _step_card(lang, EQUIPMENT_ITEMS, inputs, errors, note, intro=intro)
    back = execute(
        STEP_VERB,
        t(lang, "agreement.equipment.other_package"),
        {"step": EQUIPMENT_ITEMS, "choice": OTHER_PACKAGE},
    )
    return {**card, "actions": [*card["actions"], back]}


def network_card(
    lang: Language, values: Values, errors: Sequence[str] = (), note: str = ""
) -> Card:
    return _step_card(
        lang,
        "network",
        [
            _choice_set(
                "network",
                t(lang, "agreement.network.choice"),
                _choices(lang, "agreement.network", [n.value for n in Network]),
                values.get("network", ""),
                required=True,
                error_message=t(lang, "agreement.required"),
            )
        ],
        errors,
        note,
    )


# -- the terms, as every reader sees them ---------------------------------------------------------


def _list(lang: Language, prefix: str, values: Sequence[str]) -> str:
    return ", ".join(t(lang, f"{prefix}.{v}") for v in values) or "–"


def terms_facts(lang: Language, terms: Terms) -> Element:
    facts: list[tuple[str, str]] = []
    if terms.tasks:
        facts += [
            (t(lang, "agreement.fact.home_tasks"), _list(lang, "agreement.task", terms.tasks.home)),
            (
                t(lang, "agreement.fact.office_tasks"),
                _list(lang, "agreement.task", terms.tasks.office),
            ),
        ]
        if terms.tasks.expectations:
            facts.append((t(lang, "agreement.fact.expectations"), md(terms.tasks.expectations)))
    if terms.extent:
        days = (
            _list(lang, "weekday", terms.extent.fixed_days)
            if terms.extent.fixed_days
            else t(lang, "agreement.extent.kind.flexible")
        )
        facts.append(
            (
                t(lang, "agreement.fact.extent"),
                tn(lang, "agreement.days", terms.extent.days, days=days),
            )
        )
        if terms.extent.reason:
            facts.append((t(lang, "agreement.fact.reason"), md(terms.extent.reason)))
    if terms.workplace:
        facts += [
            (
                t(lang, "agreement.fact.place"),
                t(lang, f"agreement.place.{terms.workplace.place.value}"),
            ),
            (
                t(lang, "agreement.fact.has"),
                _list(lang, "agreement.item", [i for i in EQUIPMENT if i in terms.workplace.has]),
            ),
        ]
        if terms.workplace.discomfort:
            facts.append(
                (
                    t(lang, "agreement.fact.discomfort"),
                    _list(
                        lang,
                        "agreement.body",
                        [a for a in BODY_AREAS if a in terms.workplace.discomfort],
                    ),
                )
            )
        if terms.wants_occupational_health:
            facts.append((t(lang, "agreement.fact.bht"), t(lang, "agreement.yes_no.yes")))
    if terms.equipment:
        package = terms.equipment.package
        facts.append(
            (t(lang, "agreement.fact.package"), t(lang, f"agreement.package.short.{package.value}"))
        )
        if terms.equipment.items:
            facts.append((t(lang, "agreement.fact.items"), items_line(lang, terms.equipment.items)))
        if terms.equipment.it_cost or terms.equipment.furniture_cost:
            # An agreement stored before the step asked for items: the kroner as they were.
            facts.append(
                (
                    t(lang, "agreement.fact.costs"),
                    t(
                        lang,
                        "agreement.costs",
                        it=nok(terms.equipment.it_cost),
                        furniture=nok(terms.equipment.furniture_cost),
                    ),
                )
            )
        if terms.special_needs:
            facts.append((t(lang, "agreement.fact.special"), md(terms.special_needs)))
    if terms.network:
        facts.append(
            (t(lang, "agreement.fact.network"), t(lang, f"agreement.network.{terms.network.value}"))
        )
    if terms.legal:
        facts += legal_facts(lang, terms.legal)
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]}


def items_line(lang: Language, items: Sequence[Item]) -> str:
    """ "External screen, Keyboard – 2 100 kr": what to order and what it comes to."""
    names = ", ".join(t(lang, f"agreement.item.{item.key}") for item in items)
    return t(lang, "agreement.items", items=names, sum=nok(sum(i.price for i in items)))


def _flags(lang: Language, flags: Sequence[Flag]) -> list[Element]:
    return [text(f"⚑ {t(lang, FLAGS[flag])}", color="Attention", weight="Bolder") for flag in flags]


def summary_card(
    lang: Language,
    agreement: Agreement,
    missing: Sequence[str],
    errors: Sequence[Refusal | OverLimit],
    flags: Sequence[Flag],
    leader_name: str,
    mode: Mode = Mode.ORDINARY,
) -> Card:
    body: list[Element] = [
        text(t(lang, "agreement.title"), size="Small", isSubtle=True, spacing="None"),
        title(t(lang, "agreement.summary.title", version=proposal_version(agreement))),
        terms_facts(lang, agreement.terms),
    ]
    body += [
        text(line, color="Attention", weight="Bolder")
        for line in (
            *(t(lang, f"agreement.missing.{part}") for part in missing),
            *(refusal_text(lang, error) for error in errors),
        )
    ]
    body += _flags(lang, flags)
    if mode is Mode.ORDERED:
        body.append(text(t(lang, "agreement.ordered.no_written"), isSubtle=True))
    if agreement.comment and agreement.status is Status.CHANGES_REQUESTED:
        body.append(text(t(lang, "agreement.leader_comment", comment=md(agreement.comment))))
    to = (
        t(lang, "agreement.summary.to", leader=md(leader_name))
        if leader_name
        else t(lang, "agreement.summary.no_leader")
    )
    body.append(text(to, isSubtle=True))
    version = proposal_version(agreement)
    body.append(text(t(lang, "agreement.summary.change"), weight="Bolder", separator=True))
    # One row a part: a press opens that part alone and comes back here. Rows, not one set of
    # five: a phone's width holds one such button.
    body += [
        {
            "type": "ActionSet",
            "actions": [
                execute(
                    STEP_VERB,
                    t(lang, f"agreement.summary.change.{part}"),
                    {"step": "summary", "choice": "edit", "part": part, "version": version},
                )
            ],
        }
        for part in parts_for(mode)
    ]
    actions = []
    if not missing and not errors:
        actions.append(
            execute(
                STEP_VERB,
                t(lang, "agreement.send" if leader_name else "agreement.save"),
                {"step": "summary", "choice": "send", "version": version},
            ),
        )
    return adaptive_card(body, actions or None)


def annotated(card: Card, lang: Language, note: str, errors: Sequence[str]) -> Card:
    """A card as it was built, with a note and errors on top (a stale or refused submit)."""
    lead = ([text(note, color="Attention")] if note else []) + [
        error_text(t(lang, key)) for key in errors
    ]
    return {**card, "body": [*lead, *card["body"]]}


def notice(
    lang: Language, heading: str, lines: Sequence[str], actions: list[Element] | None = None
) -> Card:
    return adaptive_card([title(heading), *(text(line) for line in lines)], actions)


# -- the leader's side ---------------------------------------------------------------------------


def approval_card(
    lang: Language,
    employee_name: str,
    agreement: Agreement,
    flags: Sequence[Flag],
    employee_upn: str = "",
    task: OrderTask | None = None,
) -> Card:
    """To the leader: the proposal, what to look at, and the three answers; once approved,
    what to order and whether to contact BHT."""
    pending = agreement.status is Status.PENDING
    heading = "approval.title" if pending else "agreement.card.title"
    body: list[Element] = [
        title(t(lang, heading, name=md(employee_name), version=agreement.version)),
    ]
    if not pending:
        # The answer first: it is what the card is about now.
        decided = t(lang, f"approval.decided.{agreement.status.value}")
        body.append(
            text(
                f"{decided} ({t(lang, 'agreement.version', version=agreement.version)})",
                weight="Bolder",
            )
        )
        if agreement.comment:
            body.append(text(t(lang, "approval.your_comment", comment=md(agreement.comment))))
    else:
        body.append(text(t(lang, "approval.intro", name=md(employee_name))))
    body += [*_flags(lang, flags), terms_facts(lang, agreement.terms)]
    if not pending:
        if task is not None:
            body.append(text(t(lang, "agreement.order.title"), weight="Bolder", separator=True))
            body += task_elements(lang, employee_name, agreement.employee_id, task)
            body.append(text(t(lang, "agreement.order.stays"), size="Small", isSubtle=True))
        return adaptive_card(body, _talk_link(lang, employee_name, employee_upn, agreement))
    body.append(_text_input("comment", t(lang, "approval.comment")))
    data = {"employee": agreement.employee_id, "version": agreement.version}
    return adaptive_card(
        body,
        [
            execute(
                DECIDE_VERB,
                t(lang, "approval.approve"),
                {**data, "decision": "approve"},
            ),
            execute(DECIDE_VERB, t(lang, "approval.changes"), {**data, "decision": "changes"}),
            execute(DECIDE_VERB, t(lang, "approval.talk"), {**data, "decision": "talk"}),
        ],
    )


def task_elements(
    lang: Language, name: str, employee_id: str, task: OrderTask, heading: bool = False
) -> list[Element]:
    """The leader's follow-through after approval, with the button that marks it done: one
    block of text, so a page of tasks stays small."""
    lines = [f"**{md(name)}**"] if heading else []
    if task.items:
        lines.append(t(lang, "agreement.order.order", items=items_line(lang, task.items)))
    if task.special_needs:
        lines.append(t(lang, "agreement.order.special", needs=md(task.special_needs)))
    if task.occupational_health:
        lines.append(t(lang, "agreement.order.bht", name=md(name)))
    elif task.ergonomic_risk:
        lines.append(t(lang, "agreement.order.risk_no_bht", name=md(name)))
    else:
        lines.append(t(lang, "agreement.order.no_bht"))
    done = (
        "agreement.order.done_ordered"
        if task.items or task.special_needs
        else "agreement.order.done"
    )
    # The name in the label: a page of tasks has one such button per person.
    button = execute(
        ORDERED_VERB, t(lang, done, name=name), {"employee": employee_id, "version": task.version}
    )
    return [text("\n\n".join(lines)), {"type": "ActionSet", "actions": [button]}]


def _talk_link(lang: Language, name: str, upn: str, agreement: Agreement) -> list[Element]:
    if agreement.status is not Status.TALK_PROPOSED or not upn:
        return []
    subject = quote(t(lang, "approval.meeting_subject", name=name))
    url = f"https://teams.microsoft.com/l/meeting/new?subject={subject}&attendees={quote(upn)}"
    return [{"type": "Action.OpenUrl", "title": t(lang, "approval.schedule"), "url": url}]


def decision_card(lang: Language, agreement: Agreement, leader_name: str, leader_upn: str) -> Card:
    """To the employee: what the leader answered."""
    status = agreement.status
    lines = [t(lang, f"decision.{status.value}", leader=md(leader_name), version=agreement.version)]
    if agreement.comment:
        lines.append(t(lang, "agreement.leader_comment", comment=md(agreement.comment)))
    actions: list[Element] = []
    if status in (Status.CHANGES_REQUESTED, Status.TALK_PROPOSED):
        actions.append(execute(REVISE_VERB, t(lang, "agreement.revise"), {}))
    if status is Status.TALK_PROPOSED and leader_upn:
        actions.append(
            {
                "type": "Action.OpenUrl",
                "title": t(lang, "decision.chat", leader=leader_name),
                "url": f"https://teams.microsoft.com/l/chat/0/0?users={quote(leader_upn)}",
            }
        )
    return notice(lang, t(lang, "decision.title"), lines, actions)


def agreement_card(
    lang: Language,
    employee_name: str,
    approved: Agreement,
    leader_name: str,
    draft: Agreement | None = None,
    for_employee: bool = True,
    pdf_url: str = "",
) -> Card:
    """The agreement in force: one card both the employee and the leader can open again, and
    download as the written agreement (a PDF; with `pdf_url`, the link to it)."""
    body: list[Element] = [
        title(t(lang, "agreement.card.title", name=md(employee_name))),
        text(
            t(
                lang,
                "agreement.card.status",
                version=approved.version,
                leader=md(leader_name),
                decided=day(approved.decided_at.date() if approved.decided_at else None),
                review=day(approved.review_on),
            ),
            isSubtle=True,
        ),
        terms_facts(lang, approved.terms),
    ]
    if draft is not None:
        body.append(text(draft_status(lang, draft)))
    # The leader's buttons name the employee; the employee's own are about themselves.
    who: dict[str, Any] = {} if for_employee else {"employee": approved.employee_id}
    actions = [execute(HISTORY_VERB, t(lang, "agreement.history"), who)]
    if draft is None or draft.status is not Status.ENDING:
        # Once notice is given the arrangement only runs out: nothing to change or end.
        end = execute(END_VERB, t(lang, "agreement.end"), {**who, "version": approved.version})
        actions.insert(0, end)
        if for_employee:
            actions.insert(0, execute(REVISE_VERB, t(lang, "agreement.change"), {}))
    note, buttons = download(
        lang, PDF_VERB, t(lang, "pdf.download"), pdf_url, {"employee": approved.employee_id}
    )
    return adaptive_card([*body, *note], [*actions, *buttons])


def draft_status(lang: Language, agreement: Agreement) -> str:
    """Where the version after the one in force stands; a notice names the last day."""
    return t(
        lang,
        f"agreement.card.draft.{agreement.status.value}",
        version=agreement.version,
        day=day(agreement.ends_on),
    )


def invite_card(lang: Language, leader_name: str) -> Card:
    return notice(
        lang,
        t(lang, "agreement.invite.title"),
        [t(lang, "agreement.invite.text", leader=md(leader_name))],
        [execute(START_VERB, t(lang, "agreement.start"), {})],
    )


def new_leader_card(lang: Language, leader_name: str, version: int) -> Card:
    """To the employee: a reorganisation gave them a new leader, who now decides."""
    return notice(
        lang,
        t(lang, "agreement.new_leader.title"),
        [t(lang, "agreement.new_leader.text", leader=md(leader_name), version=version)],
    )


def review_card(lang: Language, employee_name: str, review_on: date, for_leader: bool) -> Card:
    key = "agreement.review.leader" if for_leader else "agreement.review.employee"
    actions = [execute(OPEN_VERB, t(lang, "agreement.open"), {})] if not for_leader else []
    return notice(
        lang,
        t(lang, "agreement.review.title"),
        [t(lang, key, name=md(employee_name), day=day(review_on))],
        actions,
    )


def decision_of(value: object) -> Decision | None:
    try:
        return Decision(value)
    except ValueError:
        return None
