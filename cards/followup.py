"""Cards of the follow-up: the leader's prompt and its reminder, the team-level signal, and what
the employee sees after a check-in that gave reason to follow up.

The leader's card names the employee and only the signals they shared — never a score.
"""

from __future__ import annotations

from typing import assert_never
from urllib.parse import quote

from cards.elements import Card, Element, adaptive_card, execute, md, text, title
from cards.i18n import t
from domain.followup import (
    Action,
    AlreadyAsked,
    Contacts,
    FollowUp,
    LeaderOutcome,
    NoLeader,
    Prompted,
    PromptWaiting,
    Signal,
    Why,
)
from domain.language import Language
from domain.org import Person

TALK_VERB = "followup.talk"
DONE_VERB = "followup.done"
SUPPORT_VERB = "followup.support"
ASK_VERB = "followup.ask"
GUIDE = ("distance", "listen", "adapt", "help")
SELF_HELP = ("breaks", "colleagues", "boundaries", "helpline")


def _signal_lines(lang: Language, signals: frozenset[Signal]) -> list[Element]:
    ordered = [s for s in Signal if s in signals]
    return [text(f"- {t(lang, f'followup.signal.{s.value}')}", spacing="Small") for s in ordered]


def followup_card(
    lang: Language,
    employee: Person,
    followup: FollowUp,
    contacts: Contacts,
    show_support: bool = False,
    meeting_link: bool = False,
) -> Card:
    """To the employee's leader. Done, it keeps the trail and the leader's note, no buttons."""
    body: list[Element] = [
        title(t(lang, "followup.title", name=md(employee.name))),
        text(t(lang, "followup.intro", name=md(employee.name))),
        *_signal_lines(lang, followup.signals),
        text(t(lang, "followup.guide.title"), weight="Bolder", spacing="Medium"),
        *(text(f"- {t(lang, f'followup.guide.{key}')}", spacing="Small") for key in GUIDE),
        text(t(lang, "followup.private"), size="Small", isSubtle=True),
    ]
    if show_support:
        body += _contacts(lang, contacts)
    actions: list[Element] = []
    if meeting_link and employee.teams_login:
        subject = quote(t(lang, "followup.meeting_subject"))
        url = (
            "https://teams.microsoft.com/l/meeting/new"
            f"?subject={subject}&attendees={quote(employee.teams_login)}"
        )
        actions.append(
            {"type": "Action.OpenUrl", "title": t(lang, "followup.open_meeting"), "url": url}
        )
    if not followup.open:
        done = next(e for e in followup.events if e.action is Action.FOLLOWED_UP)
        body.append(
            text(
                t(lang, "followup.done", day=done.at.strftime("%d.%m.%Y")),
                weight="Bolder",
            )
        )
        if followup.note:
            body.append(text(t(lang, "followup.your_note", note=md(followup.note))))
        return adaptive_card(body, actions)
    body.append(
        {
            "type": "Input.Text",
            "id": "note",
            "label": t(lang, "followup.note"),
            "isMultiline": True,
            "maxLength": 1000,
        }
    )
    data = {"employee": employee.id, "followup": followup.id}
    actions += [
        execute(TALK_VERB, t(lang, "followup.talk"), data),
        execute(DONE_VERB, t(lang, "followup.mark_done"), data),
        execute(SUPPORT_VERB, t(lang, "followup.support"), data),
    ]
    return adaptive_card(body, actions)


def _contacts(lang: Language, contacts: Contacts) -> list[Element]:
    return [
        text(t(lang, "followup.support.title"), weight="Bolder", spacing="Medium"),
        {
            "type": "FactSet",
            "facts": [
                {"title": t(lang, "followup.support.hr"), "value": contacts.hr},
                {"title": t(lang, "followup.support.bht"), "value": contacts.occupational_health},
            ],
        },
    ]


def followup_reminder_card(
    lang: Language, employee: Person, followup: FollowUp, contacts: Contacts
) -> Card:
    card = followup_card(lang, employee, followup, contacts)
    reminder = text(
        t(lang, "followup.reminder", name=md(employee.name)), color="Attention", weight="Bolder"
    )
    return {**card, "body": [reminder, *card["body"]]}


def team_signal_card(lang: Language, contacts: Contacts) -> Card:
    """No names and no numbers: only that several in the team report high stress."""
    return adaptive_card(
        [
            title(t(lang, "followup.team.title")),
            text(t(lang, "followup.team.text")),
            *(
                text(f"- {t(lang, f'followup.team.{key}')}", spacing="Small")
                for key in ("talk", "workload", "together")
            ),
            *_contacts(lang, contacts),
        ]
    )


def self_help(lang: Language, round_id: str | None, contacts: Contacts) -> list[Element]:
    """Under the receipt when stress is high or contact low, shared or not; with `round_id`
    (nothing shared), the offer to ask the leader and the word that they know nothing."""
    lines = [
        text(t(lang, "selfhelp.title"), weight="Bolder", spacing="Large", separator=True),
        text(t(lang, "selfhelp.intro")),
        *(text(f"- {t(lang, f'selfhelp.{key}')}", spacing="Small") for key in SELF_HELP),
        text(t(lang, "selfhelp.bht", contact=contacts.occupational_health), spacing="Small"),
    ]
    if round_id is None:
        return lines
    return [
        *lines,
        {"type": "ActionSet", "actions": [ask_button(lang, round_id)]},
        text(t(lang, "selfhelp.private"), size="Small", isSubtle=True),
    ]


def ask_button(lang: Language, round_id: str) -> Element:
    return execute(ASK_VERB, t(lang, "selfhelp.ask"), {"round_id": round_id})


def asked_card(lang: Language, outcome: LeaderOutcome, contacts: Contacts) -> Card:
    """The answer to "ask my leader to contact me"."""
    return adaptive_card(
        [title(t(lang, "followup.asked.title")), *leader_lines(lang, outcome, Why.ASKED, contacts)]
    )


def leader_lines(
    lang: Language, outcome: LeaderOutcome, why: Why, contacts: Contacts
) -> list[Element]:
    """Why the leader was asked, and what really became of it."""
    said = text(t(lang, f"followup.why.{why.value}"))
    match outcome:
        case Prompted(leader):
            return [said, text(t(lang, "followup.asked", leader=md(leader)), weight="Bolder")]
        case PromptWaiting(leader):
            waiting = t(lang, "followup.waiting", leader=md(leader), hr=contacts.hr)
            return [said, text(waiting, weight="Bolder")]
        case AlreadyAsked(leader):
            return [said, text(t(lang, "followup.already_asked", leader=md(leader)))]
        case NoLeader():
            return [said, text(t(lang, "followup.no_leader", hr=contacts.hr), weight="Bolder")]
        case _:
            assert_never(outcome)
