"""`mitt team`: a leader's view of their direct reports' agreements."""

from __future__ import annotations

from collections.abc import Sequence

from cards.elements import Card, Element, adaptive_card, execute, md, text, title
from cards.i18n import t
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


def team_card(
    lang: Language,
    overview: TeamOverview,
    followups: Sequence[tuple[Person, FollowUp]] = (),
    message: str = "",
) -> Card:
    body: list[Element] = [title(t(lang, "team.title"))]
    if message:
        body.append(text(message, color="Good", weight="Bolder"))
    body.append(_section(t(lang, "team.followups")))
    if followups:
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    execute(
                        FOLLOWUP_OPEN_VERB,
                        t(
                            lang,
                            "team.followup_open",
                            name=person.name,
                            day=followup.opened_at.strftime("%d.%m.%Y"),
                        ),
                        {"employee": person.id},
                    )
                    for person, followup in followups[:6]
                ],
            }
        )
    else:
        body.append(text(t(lang, "team.no_followups"), isSubtle=True))
    body.append(_section(t(lang, "team.pending")))
    if overview.pending:
        for member in overview.pending:
            assert member.agreement is not None
            body.append(
                {
                    "type": "ActionSet",
                    "actions": [
                        execute(
                            OPEN_VERB,
                            t(
                                lang,
                                "team.open_pending",
                                name=member.person.name,
                                version=member.agreement.version,
                            ),
                            {"employee": member.person.id},
                        )
                    ],
                }
            )
    else:
        body.append(text(t(lang, "team.no_pending"), isSubtle=True))
    body.append(_section(t(lang, "team.agreements")))
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": md(m.person.name), "value": _status(lang, m)} for m in overview.members
            ],
        }
    )
    opened = [m for m in overview.members if m.approved is not None]
    if opened:
        body.append(
            {
                "type": "ActionSet",
                "actions": [
                    execute(
                        OPEN_VERB,
                        t(lang, "team.open_agreement", name=m.person.name),
                        {"employee": m.person.id},
                    )
                    for m in opened
                ][:6],  # Teams shows at most six actions in a set
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
    body.append(_section(t(lang, "team.invite")))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": INVITEE,
            "label": t(lang, "team.invite.who"),
            "style": "compact",
            "placeholder": t(lang, "checkin.placeholder"),
            "choices": [{"title": m.person.name, "value": m.person.id} for m in overview.members],
        }
    )
    return adaptive_card(body, [execute(INVITE_VERB, t(lang, "team.invite.send"), {})])


def back_to_team(lang: Language) -> Element:
    return execute(SHOW_VERB, t(lang, "team.back"), {})


def with_back(card: Card, lang: Language) -> Card:
    return {**card, "actions": [*card.get("actions", []), back_to_team(lang)]}
