"""The help card: what the user can ask for; and what waits for a leader, shown first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cards.command_words import Command
from cards.elements import (
    Card,
    Element,
    adaptive_card,
    command_button,
    execute,
    md,
    text,
    title,
)
from cards.i18n import t, tn
from cards.team import FOLLOWUP_OPEN_VERB, OPEN_VERB
from domain.agreement_record import Agreement
from domain.followup import FollowUp
from domain.language import Language
from domain.org import Person

# Buttons for the oldest waiting items; the rest are a press away in `mitt team`.
WAITING_BUTTONS = 5


@dataclass(frozen=True)
class Waiting:
    """What waits for a leader: proposals to decide on and open follow-ups, oldest first."""

    approvals: Sequence[tuple[Person, Agreement]] = ()
    followups: Sequence[tuple[Person, FollowUp]] = ()

    def __bool__(self) -> bool:
        return bool(self.approvals or self.followups)


def waiting_section(lang: Language, waiting: Waiting) -> list[Element]:
    """The lines and buttons a leader sees before anything else while something waits."""
    body: list[Element] = [title(t(lang, "waiting.title"))]
    if waiting.approvals:
        body.append(text("- " + tn(lang, "waiting.approvals", len(waiting.approvals))))
    if waiting.followups:
        body.append(
            text("- " + tn(lang, "waiting.followups", len(waiting.followups)), spacing="Small")
        )
    buttons = [
        execute(OPEN_VERB, t(lang, "waiting.decide", name=person.name), {"employee": person.id})
        for person, _ in waiting.approvals
    ] + [
        execute(
            FOLLOWUP_OPEN_VERB,
            t(lang, "waiting.follow_up", name=person.name),
            {"employee": person.id},
        )
        for person, _ in waiting.followups
    ]
    shown = buttons[:WAITING_BUTTONS]
    if len(buttons) > len(shown):
        shown.append(command_button(lang, Command.TEAM, t(lang, "waiting.more")))
    # One button a row: names are long, and a phone cuts a row of them off.
    body += [{"type": "ActionSet", "actions": [button]} for button in shown]
    return body


def help_card(
    lang: Language,
    lead: str | None = None,
    leader: bool = False,
    pulse: bool = False,
    waiting: Waiting | None = None,
) -> Card:
    """`lead` is an opening line, e.g. when the help answers text the bot did not understand;
    a leader also sees what leaders can do, and first of all what waits for them."""
    body = waiting_section(lang, waiting) if waiting else []
    if lead:
        body.append(text(lead, **({"separator": True, "spacing": "Large"} if waiting else {})))
    body.append(title(t(lang, "help.title")))
    body.append(text(t(lang, "help.intro"), isSubtle=True))
    body += [
        text("- " + t(lang, key), spacing="Small")
        for key in (
            "help.checkin",
            "help.trend",
            "help.agreement",
            "help.ergonomics",
            "help.equipment",
            "help.week",
            "help.office",
            *(("help.team",) if leader else ()),
            *(("help.pulse",) if pulse else ()),
            "help.settings",
            "help.coffee",
            "help.data",
            "help.help",
        )
    ]
    actions = [
        command_button(lang, Command.CHECKIN, t(lang, "action.checkin")),
        command_button(lang, Command.TREND, t(lang, "action.trend")),
        command_button(lang, Command.AGREEMENT, t(lang, "action.agreement")),
        *([command_button(lang, Command.TEAM, t(lang, "action.team"))] if leader else []),
        *([command_button(lang, Command.PULSE, t(lang, "action.pulse"))] if pulse else []),
        command_button(lang, Command.SETTINGS, t(lang, "action.settings")),
    ]
    return adaptive_card(body, actions)


def greeting_card(lang: Language, name: str, waiting: Waiting | None = None) -> Card:
    """The first message after install: who the bot is, and an offer to check in. A leader
    something waits for is greeted with that instead: the check-in can wait, they cannot."""
    if waiting:
        return adaptive_card(
            [
                text(t(lang, "waiting.greeting", name=f" {md(name)}" if name else "")),
                *waiting_section(lang, waiting),
            ],
            [
                command_button(lang, Command.TEAM, t(lang, "action.team")),
                command_button(lang, Command.HELP, t(lang, "waiting.help")),
            ],
        )
    return adaptive_card(
        [
            text(t(lang, "greeting", name=f" {md(name)}" if name else "")),
            text(t(lang, "greeting.offer"), weight="Bolder"),
        ],
        [
            command_button(lang, Command.CHECKIN, t(lang, "action.checkin")),
            command_button(lang, Command.AGREEMENT, t(lang, "action.agreement")),
            command_button(lang, Command.SETTINGS, t(lang, "action.settings")),
        ],
    )
