"""Assertions on which message a user is shown, by the message's key rather than its wording,
so a reworded catalog entry (locale/) does not break the tests that only care which it was."""

from __future__ import annotations

import re
import string
from functools import cache

from cards.i18n import CATALOGS
from domain.language import Language


@cache
def _pattern(lang: Language, key: str) -> re.Pattern[str]:
    messages = CATALOGS[lang]
    forms = messages.plural.get(key) or (messages.plain[key],)
    return re.compile("|".join(map(_form, forms)), re.DOTALL)


def _form(text: str) -> str:
    # Each placeholder matches whatever filled it; the text around it must be as written.
    return "".join(
        re.escape(literal) + (".+?" if field is not None else "")
        for literal, field, _, _ in string.Formatter().parse(text)
    )


def shows(shown: str, lang: Language, key: str) -> bool:
    """Whether `shown` holds message `key` in `lang`, whatever fills its placeholders."""
    return _pattern(lang, key).search(shown) is not None
