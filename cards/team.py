"""`mitt team`: a leader's view of their direct reports' agreements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cards.agreement import task_elements
from cards.elements import Card, Element, adaptive_card, execute, md, text, title
from cards.i18n import t
from cards.week import team_days_line
from domain.agreement import WORKDAYS
from domain.agreement_record import Status, TeamMember, TeamOverview
from domain.followup import FollowUp
from domain.language import Language
from domain.org import Person

SHOW_VERB = "team.show"
FOLLOWUP_OPEN_VERB = "followup.open"
OPEN_VERB = "team.open"
INVITE_VERB = "team.invite"
# Not "employee": Teams writes a filled input over the data key of that name on every button.
INVITEE = "invitee"
PAGE = "page"
# People per page and list: a page with every list full, at the longest names, stays well
# inside Teams' message size limit (tests/integration/test_message_size.py).
PAGE_SIZE = 10
# Tasks per page: each carries its own button, the largest part of a page.
TASK_PAGE_SIZE = 4
T = TypeVar("T")


def _status(lang: Language, member: TeamMember) -> str:
    agreement = member.agreement
    if agreement is None:
        return t(lang, "team.status.none")
    label = t(lang, f"team.status.{agreement.status.value}", version=agreement.version)
    if member.approved is not None and agreement.status is not Status.APPROVED:
        label += " · " + t(lang, "team.status.in_force", version=member.approved.version)
    return label


def _section(heading: str) -> Element:
    return text(heading, weight="Bolder", size="Medium", spacing="Large", separator=True)


def _button_sets(actions: Sequence[Element]) -> list[Element]:
    # Teams shows at most six actions in a set.
    return [
        {"type": "ActionSet", "actions": list(actions[i : i + 6])}
        for i in range(0, len(actions), 6)
    ]


def _listed(rows: Sequence[tuple[str, str]], buttons: Sequence[Element]) -> list[Element]:
    if not rows:
        return []
    facts = [{"title": md(name), "value": value} for name, value in rows]
    return [{"type": "FactSet", "facts": facts}, *_button_sets(buttons)]


def _day(moment: datetime | None) -> str:
    return moment.strftime("%d.%m.%Y") if moment else "–"


def _page_of(rows: Sequence[T], page: int, size: int = PAGE_SIZE) -> Sequence[T]:
    return rows[(page - 1) * size : page * size]


def team_card(
    lang: Language,
    overview: TeamOverview,
    followups: Sequence[tuple[Person, FollowUp]] = (),
    message: str = "",
    page: int = 1,
    team_days: Sequence[str] | None = None,
) -> Card:
    """One page of the team: each list (follow-ups, approvals, members) shows its `page`-th
    slice, so a large team fits Teams' message size limit; "next" replaces the card."""
    pending, tasks = overview.pending, overview.tasks
    pages = max(
        1,
        -(-len(tasks) // TASK_PAGE_SIZE),
        *(-(-len(rows) // PAGE_SIZE) for rows in (followups, pending, overview.members)),
    )
    page = min(max(page, 1), pages)
    members = _page_of(overview.members, page)
    body: list[Element] = [title(t(lang, "team.title"))]
    if pages > 1:
        body.append(
            text(t(lang, "team.page", page=page, pages=pages), isSubtle=True, spacing="None")
        )
    if message:
        body.append(text(message, weight="Bolder"))
    # Each list names who and since when as text, and its buttons say what a press does.
    if page == 1 or _page_of(followups, page):
        body.append(_section(t(lang, "team.followups")))
        shown = _page_of(followups, page)
        body += _listed(
            [
                (person.name, t(lang, "team.followup_since", day=_day(f.opened_at)))
                for person, f in shown
            ],
            [
                execute(
                    FOLLOWUP_OPEN_VERB,
                    t(lang, "team.followup_open", name=person.name),
                    {"employee": person.id},
                )
                for person, _ in shown
            ],
        ) or [text(t(lang, "team.no_followups"), isSubtle=True)]
    if page == 1 or _page_of(pending, page):
        body.append(_section(t(lang, "team.pending")))
        # What each proposal is (version) shows under the team's agreements below.
        body += _button_sets(
            [
                execute(
                    OPEN_VERB,
                    t(lang, "team.open_pending", name=member.person.name),
                    {"employee": member.person.id},
                )
                for member in _page_of(pending, page)
            ]
        ) or [text(t(lang, "team.no_pending"), isSubtle=True)]
    if _page_of(tasks, page, TASK_PAGE_SIZE):
        # Approved agreements leave the leader something to order or arrange; each stays
        # here until marked done.
        body.append(_section(t(lang, "team.tasks")))
        for member, task in _page_of(tasks, page, TASK_PAGE_SIZE):
            body += task_elements(lang, member.person.name, member.person.id, task, heading=True)
    if members:
        body.append(_section(t(lang, "team.agreements")))
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": md(m.person.name), "value": _status(lang, m)} for m in members],
            }
        )
        body += _button_sets(
            [
                execute(
                    OPEN_VERB,
                    t(lang, "team.open_agreement", name=m.person.name),
                    {"employee": m.person.id},
                )
                for m in members
                # A proposal waiting has its own button above, which opens the same card.
                if m.approved is not None and m not in pending
            ]
        )
    if pages > 1:
        turns = [(page - 1, "team.previous"), (page + 1, "team.next")]
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    execute(SHOW_VERB, t(lang, key), {PAGE: to})
                    for to, key in turns
                    if 1 <= to <= pages
                ],
            }
        )
    body.append(_section(t(lang, "team.week")))
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": t(lang, f"weekday.{day}"), "value": str(overview.plan.fixed[day])}
                for day in WORKDAYS
            ]
            + [{"title": t(lang, "team.flexible"), "value": str(overview.plan.flexible)}],
        }
    )
    body.append(text(t(lang, "team.week.note"), size="Small", isSubtle=True))
    if team_days is not None:  # None: the team's week plan is not wired (a bare card)
        body += team_days_line(lang, team_days)
    if not members:
        return adaptive_card(body)
    body.append(_section(t(lang, "team.invite")))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": INVITEE,
            "label": t(lang, "team.invite.who"),
            "style": "compact",
            "placeholder": t(lang, "checkin.placeholder"),
            "choices": [{"title": m.person.name, "value": m.person.id} for m in members],
        }
    )
    return adaptive_card(body, [execute(INVITE_VERB, t(lang, "team.invite.send"), {PAGE: page})])


def page_of(data: Mapping[str, Any]) -> int:
    """The page a team card's button asks for; the first when it names none."""
    page = data.get(PAGE)
    return page if isinstance(page, int) and not isinstance(page, bool) else 1


def back_to_team(lang: Language) -> Element:
    return execute(SHOW_VERB, t(lang, "team.back"), {})


def with_back(card: Card, lang: Language) -> Card:
    return {**card, "actions": [*card.get("actions", []), back_to_team(lang)]}
