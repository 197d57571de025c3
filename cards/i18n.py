"""Every string a user sees, in bokmål and English, from the gettext catalogs in `locale/`.

`t(lang, key, **values)` looks a message up by its key and fills its `{placeholders}`.
`tn(lang, key, n, **values)` does the same for a message about `n` things: it picks the form
by the language's plural rule (the catalog's Plural-Forms header) and fills `{n}` as well.
A catalog's msgid is the message's key (monolingual gettext, docs/translations.md). The
catalogs are read once, at import, so a lookup is a dictionary access; a broken catalog stops
the start-up. A key missing in one language is a bug that `tests/unit/test_i18n.py` catches, so
lookups never fall back silently.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from domain.language import LANGUAGES, Language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Messages:
    """One language's catalog: the plain messages, and the plural ones with a form each."""

    plain: Mapping[str, str]
    plural: Mapping[str, tuple[str, ...]]
    #: The index of the form to use for a number, as the catalog's Plural-Forms says.
    form_for: Callable[[int], int]


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_messages(path: Path) -> Messages:
    with path.open("rb") as file:
        catalog: Catalog = read_po(file, abort_invalid=True)
    plain: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, str) and isinstance(message.string, str):
            plain[message.id] = message.string
        else:
            plural[message.id[0]] = tuple(message.string)
    # The standard library's own compiler of a Plural-Forms expression (C arithmetic only).
    return Messages(plain, plural, gettext.c2py(catalog.plural_expr))


CATALOGS: dict[Language, Messages] = {lang: read_messages(catalog_path(lang)) for lang in LANGUAGES}


def t(lang: Language, key: str, **values: object) -> str:
    text = CATALOGS[lang].plain[key]
    return text.format(**values) if values else text


def tn(lang: Language, key: str, n: int, **values: object) -> str:
    messages = CATALOGS[lang]
    return messages.plural[key][messages.form_for(n)].format(n=n, **values)
