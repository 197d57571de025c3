"""The words a user types to give the bot a command, in every language, always all understood.

They are the parser's grammar (`bot.commands.parse_command`), kept apart from the message
catalogs in `locale/` so that rewording a label or a sentence cannot change what the bot
understands. Card buttons that send a command (`cards.elements.command_button`) and the Teams
command menu (`manifest/`) take their words from here too. A new language adds its words here
(docs/translations.md).
"""

from __future__ import annotations

from enum import Enum

from domain.language import Language


class Command(Enum):
    HELP = "help"
    CHECKIN = "checkin"
    TREND = "trend"
    SETTINGS = "settings"
    AGREEMENT = "agreement"
    ERGONOMICS = "ergonomics"
    EQUIPMENT = "equipment"
    TEAM = "team"
    MY_WEEK = "my_week"
    OFFICE = "office"
    PULSE = "pulse"
    MY_DATA = "my_data"
    DELETE_DATA = "delete_data"
    COFFEE = "coffee"


#: Lower case, single spaces: what a button sends and the command menu shows. The parser also
#: takes them in other case, spacing, hyphenation, punctuation and with æøå as ae/o/aa.
COMMAND_WORDS: dict[Command, dict[Language, str]] = {
    Command.HELP: {"nb": "hjelp", "en": "help"},
    Command.CHECKIN: {"nb": "sjekk inn", "en": "check in"},
    Command.TREND: {"nb": "min utvikling", "en": "my trend"},
    Command.SETTINGS: {"nb": "innstillinger", "en": "settings"},
    Command.AGREEMENT: {"nb": "avtale", "en": "agreement"},
    Command.ERGONOMICS: {"nb": "ergonomi", "en": "ergonomics"},
    Command.EQUIPMENT: {"nb": "utstyr", "en": "equipment"},
    Command.TEAM: {"nb": "mitt team", "en": "my team"},
    Command.MY_WEEK: {"nb": "min uke", "en": "my week"},
    Command.OFFICE: {"nb": "kontoret", "en": "office"},
    Command.PULSE: {"nb": "puls", "en": "pulse"},
    Command.MY_DATA: {"nb": "mine data", "en": "my data"},
    Command.DELETE_DATA: {"nb": "slett mine data", "en": "delete my data"},
    Command.COFFEE: {"nb": "kaffeprat", "en": "coffee"},
}


#: Other words users type for a command, understood in every language but never shown.
ALIASES: dict[Command, tuple[str, ...]] = {
    Command.CHECKIN: ("innsjekk", "innsjekking"),
    Command.MY_WEEK: ("uka mi", "min uka", "ukeplan"),
    Command.OFFICE: ("på kontoret", "hvem er på kontoret", "who is in"),
}

#: Words around a command that do not change it ("check in please", "sjekk inn takk").
COURTESIES: tuple[str, ...] = ("please", "pls", "takk", "gjerne")


def command_word(lang: Language, command: Command) -> str:
    """What a user of `lang` types for `command`, and what a button for it sends."""
    return COMMAND_WORDS[command][lang]
