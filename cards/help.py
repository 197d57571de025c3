"""The help card: what the user can ask for."""

from __future__ import annotations

from cards.command_words import Command
from cards.elements import Card, adaptive_card, command_button, md, text, title
from cards.i18n import t
from domain.language import Language


def help_card(
    lang: Language, lead: str | None = None, leader: bool = False, pulse: bool = False
) -> Card:
    """`lead` is an opening line, e.g. when the help answers text the bot did not understand;
    a leader also sees what leaders can do."""
    body = [title(t(lang, "help.title"))]
    if lead:
        body.insert(0, text(lead))
    body.append(text(t(lang, "help.intro"), isSubtle=True))
    body += [
        text("- " + t(lang, key), spacing="Small")
        for key in (
            "help.checkin",
            "help.trend",
            "help.agreement",
            "help.ergonomics",
            "help.equipment",
            *(("help.team",) if leader else ()),
            *(("help.pulse",) if pulse else ()),
            "help.settings",
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


def greeting_card(lang: Language, name: str) -> Card:
    """The first message after install: who the bot is, and an offer to check in."""
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
