"""Turning what a user typed into a command. Both languages are understood always."""

from __future__ import annotations

import re

from cards.command_words import ALIASES, COMMAND_WORDS, COURTESIES, Command

__all__ = ["Command", "command_key", "parse_command"]

#: No command is longer, mention included. Longer text is not parsed: the expressions below
#: take quadratic time over many unclosed tags (28 KB of "<at>" took 2 s, stalling the host).
_LONGEST = 500
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
#: What separates or decorates words without being part of one: spaces, hyphens, punctuation,
#: quotes (Teams on iOS makes "sjekk inn" into «sjekk inn» or “sjekk inn”), emphasis marks.
_SEPARATORS = re.compile(r"[\s\u00a0\u2010-\u2015\u2026\-_.,:;!?¡¿'\"«»“”„‘’`´*~/\\()\[\]]+")
#: Norwegian letters as typed on a keyboard without them.
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ä": "ae", "ö": "o"})


def command_key(text: str) -> str:
    """`text` reduced to what tells commands apart: lower case, æøå in ASCII, no separators,
    no courtesy word before or after. "Sjekk-inn!", "sjekkinn" and "sjekk inn" are one key."""
    words = [w for w in _SEPARATORS.split(text.lower().translate(_ASCII)) if w]
    while words and words[-1] in COURTESIES:
        words.pop()
    while words and words[0] in COURTESIES:
        words.pop(0)
    return "".join(words)


def _words() -> dict[str, Command]:
    """Every command's words by key; two commands sharing a key is an error at import, so a new
    word cannot silently take another command's place."""
    table: dict[str, Command] = {}
    for command in Command:
        for word in (*COMMAND_WORDS[command].values(), *ALIASES.get(command, ())):
            key = command_key(word)
            if table.get(key, command) is not command:
                raise ValueError(f"{word!r} is a word of both {table[key]} and {command}")
            table[key] = command
    return table


_WORDS = _words()


def parse_command(text: str | None) -> Command | None:
    """The command in `text`, ignoring case, spacing, hyphens, punctuation, mentions, a
    courtesy word and whether æøå are typed as such."""
    if not text or len(text) > _LONGEST:
        return None
    # In a team or group chat the bot's mention arrives inline: "<at>Bot</at> hjelp".
    return _WORDS.get(command_key(_TAGS.sub(" ", _MENTION.sub(" ", text))))
