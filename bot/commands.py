"""Turning what a user typed into a command. Both languages are understood always."""

from __future__ import annotations

import re

from cards.command_words import COMMAND_WORDS, Command

__all__ = ["Command", "parse_command"]

_WORDS: dict[str, Command] = {
    word: command for command, words in COMMAND_WORDS.items() for word in words.values()
}
#: No command is longer, mention included. Longer text is not parsed: the expressions below
#: take quadratic time over many unclosed tags (28 KB of "<at>" took 2 s, stalling the host).
_LONGEST = 500
_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_NOISE = re.compile(r"[\s\u00a0]+")


def parse_command(text: str | None) -> Command | None:
    """The command in `text`, ignoring case, spacing, mentions and trailing punctuation."""
    if not text or len(text) > _LONGEST:
        return None
    # In a team or group chat the bot's mention arrives inline: "<at>Bot</at> hjelp".
    cleaned = _TAGS.sub(" ", _MENTION.sub(" ", text))
    cleaned = _NOISE.sub(" ", cleaned).strip().strip(".!?").strip().lower()
    return _WORDS.get(cleaned)
