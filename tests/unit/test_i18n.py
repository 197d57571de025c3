"""The translation check: the catalogs in locale/ parse, are complete in both languages with
the same placeholders and every plural form, and hold every key the code names; the command
words are the parser's own, and every command a card button sends parses to its command."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.agreement_turns import VERBS as AGREEMENT_VERBS
from bot.commands import Command, parse_command
from cards.command_words import COMMAND_WORDS, command_word
from cards.data_rights import deleted_card, my_data_card
from cards.elements import command_button
from cards.i18n import CATALOGS, LOCALE_DIR, catalog_path, tn
from domain.agreement import BODY_AREAS, EQUIPMENT, WORKDAYS, Network, Package, Place
from domain.agreement_record import HOME_TASKS, OFFICE_TASKS, PARTS, Status
from domain.catalog import CATALOG
from domain.language import LANGUAGES, Language
from tests.support.gallery import elements, gallery

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = LOCALE_DIR / "messages.pot"
KEYS = set(CATALOGS["nb"].plain) | set(CATALOGS["nb"].plural)


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        catalog: Catalog = read_po(file, abort_invalid=True)
    return catalog


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# -- the catalogs ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_catalog_parses_and_counts_plurals_as_its_language_does(lang: Language) -> None:
    catalog = _read(catalog_path(lang))
    assert str(catalog.locale) == lang
    # Bokmål and English alike: one form for exactly one thing, the other for any other number.
    assert (catalog.num_plurals, catalog.plural_expr) == (2, "(n != 1)")
    assert [CATALOGS[lang].form_for(n) for n in (0, 1, 2, 5, 21)] == [1, 0, 1, 1, 1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_awaits_review(lang: str) -> None:
    for message in _entries(_read(catalog_path(lang))):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{lang}: {_key(message)} has an empty msgstr"
        assert not message.fuzzy, f"{lang}: {_key(message)} is fuzzy: check it, then unmark it"


def test_both_languages_and_the_template_have_the_same_messages_and_plural_ones() -> None:
    def shape(catalog: Catalog) -> dict[str, bool]:
        return {_key(message): message.pluralizable for message in _entries(catalog)}

    template = _read(TEMPLATE)
    assert all(not message.string or not any(message.string) for message in _entries(template))
    assert shape(_read(catalog_path("nb"))) == shape(_read(catalog_path("en"))) == shape(template)


def test_every_message_has_the_same_placeholders_in_both_languages() -> None:
    for key, text in CATALOGS["nb"].plain.items():
        assert _fields(text) == _fields(CATALOGS["en"].plain[key]), key


def test_every_plural_message_has_each_form_with_the_same_placeholders() -> None:
    """A form may leave the number out ("the last round"); the other placeholders are in all."""
    assert CATALOGS["nb"].plural, "the catalog has plural messages"
    forms_of = {lang: _read(catalog_path(lang)).num_plurals for lang in LANGUAGES}
    for key in CATALOGS["nb"].plural:
        forms = [form for lang in LANGUAGES for form in CATALOGS[lang].plural[key]]
        assert all(len(CATALOGS[lang].plural[key]) == forms_of[lang] for lang in LANGUAGES), key
        assert len({frozenset(_fields(form) - {"n"}) for form in forms}) == 1, key
        assert all("n" in _fields(CATALOGS[lang].plural[key][-1]) for lang in LANGUAGES), key


# -- plural forms as the user reads them --------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "key", "one", "two"),
    [
        ("nb", "agreement.days", "1 dag i uken, mandag", "2 dager i uken, mandag"),
        ("en", "agreement.days", "1 day a week, mandag", "2 days a week, mandag"),
        ("nb", "data.versions", "1 innsendt versjon", "2 innsendte versjoner"),
        ("en", "data.versions", "1 submitted version", "2 submitted versions"),
        ("en", "data.deleted", "including 1 check-in.", "including 2 check-ins."),
        ("nb", "data.deleted", "også 1 innsjekk.", "også 2 innsjekker."),
        ("nb", "trend.intro", "fra den siste runden", "de siste 2 rundene"),
        ("en", "trend.intro", "from the last round", "over the last 2 rounds"),
        ("en", "error.too_long", "at most 1 character)", "at most 2 characters)"),
        ("en", "pulse.rule.spread", "only from 1 answer.", "only from 2 answers."),
    ],
)
def test_a_count_of_one_reads_singular_and_any_other_plural(
    lang: Language, key: str, one: str, two: str
) -> None:
    assert one in tn(lang, key, 1, days="mandag")
    assert two in tn(lang, key, 2, days="mandag")
    assert two.replace("2", "0") in tn(lang, key, 0, days="mandag")


def test_the_cards_count_with_the_plural_forms() -> None:
    once = {"agreement": {"version": 1}, "agreement_versions": [{"version": 1}]}
    assert "1 innsendt versjon" in str(my_data_card("nb", once, ""))
    assert "1 check-in." in str(deleted_card("en", {"checkins": 1}))
    assert "2 innsjekker." in str(deleted_card("nb", {"checkins": 2}))


# -- every key the code names ------------------------------------------------------------------

SOURCES = ("benchmarks", "bot", "cards", "dialogs", "domain", "services", "tests")
# A lookup of a literal key, plain (t) or plural (tn), or of a family by an f-string's prefix;
# over line breaks too.
_CALL = re.compile(r'\b(tn?)\(\s*[^,()]+?,\s*(f?)"([^"{]+)(\{?)')
KEY_FAMILIES = ("agreement", "approval", "decision", "team", "extent", "equipment", "ergonomics")
# Keys handed around as data (domain refusals, field errors) before a card looks them up.
_LITERAL_KEY = re.compile(r'"((?:' + "|".join(KEY_FAMILIES) + r')\.[a-z_.]*[a-z_])"')


def _sources() -> Iterator[tuple[str, str]]:
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_every_key_a_lookup_names_is_in_the_catalog_with_its_kind() -> None:
    calls = [
        (path, *call.groups()) for path, source in _sources() for call in _CALL.finditer(source)
    ]
    assert len(calls) > 250  # the pattern finds the lookups at all
    wrong = []
    for path, function, formatted, key, brace in calls:
        if formatted and brace:  # a family: some key must start with it
            found = any(known.startswith(key) for known in KEYS)
        else:
            found = key in (CATALOGS["nb"].plural if function == "tn" else CATALOGS["nb"].plain)
        if not found:
            wrong.append((path, function, key))
    assert wrong == [], "a lookup names a key the catalog lacks, or t() a plural one or tn() not"


def test_every_key_the_code_hands_around_is_in_the_catalog() -> None:
    named = {
        (path, key)
        for path, source in _sources()
        if not path.startswith("tests")
        for key in _LITERAL_KEY.findall(source)
    }
    assert len(named) > 50  # the pattern finds the keys at all
    prefixes = {key.rsplit(".", 1)[0] for key in KEYS}  # "agreement.task" + ".<task>"
    unknown = [
        (path, key)
        for path, key in named
        if key not in KEYS and key not in prefixes and key not in AGREEMENT_VERBS
    ]
    assert unknown == []


def test_every_catalog_item_has_a_statement_and_a_short_name() -> None:
    for item in CATALOG:
        assert f"item.{item.id}" in KEYS
        assert f"item.short.{item.id}" in KEYS


def test_every_key_the_agreement_builds_from_values_is_in_the_catalog() -> None:
    built = [f"weekday.{day}" for day in WORKDAYS]
    built += [f"agreement.task.{task}" for task in (*HOME_TASKS, *OFFICE_TASKS)]
    built += [f"agreement.place.{place.value}" for place in Place]
    built += [f"agreement.item.{item}" for item in EQUIPMENT]
    built += [f"agreement.body.{area}" for area in BODY_AREAS]
    built += [f"agreement.network.{network.value}" for network in Network]
    built += [f"agreement.missing.{part}" for part in PARTS]
    built += [f"agreement.{step}.title" for step in (*PARTS[:-1], "occupational_health")]
    for package in Package:
        built += [f"agreement.package.{package.value}", f"agreement.package.short.{package.value}"]
    for status in Status:
        built += [
            f"agreement.card.draft.{status.value}",
            f"team.status.{status.value}",
            f"approval.decided.{status.value}",
        ]
    built += [
        f"decision.{status.value}"
        for status in Status
        if status.value in ("approved", "changes_requested", "talk_proposed")
    ]
    assert [key for key in built if key not in KEYS] == []


# -- the command words ---------------------------------------------------------------------------


def test_each_command_word_parses_to_its_command_and_no_word_names_two() -> None:
    words = [word for by_language in COMMAND_WORDS.values() for word in by_language.values()]
    assert len(words) == len(set(words)) == len(Command) * len(LANGUAGES)
    for command in Command:
        for lang in LANGUAGES:
            assert parse_command(command_word(lang, command)) is command, (lang, command)


def test_every_command_button_sends_a_word_that_parses_to_its_command() -> None:
    for command in Command:
        for lang in LANGUAGES:
            sent = command_button(lang, command, "label")["data"]["msteams"]["value"]
            assert parse_command(sent) is command, (lang, command)
    sent = [
        (name, element["data"]["msteams"]["value"])
        for name, card in gallery().items()
        for element in elements(card)
        if isinstance(element.get("data"), dict)
        and element["data"].get("msteams", {}).get("type") == "imBack"
    ]
    assert len(sent) > 10  # the walk finds the buttons at all
    assert [(name, word) for name, word in sent if parse_command(word) is None] == []


_QUOTED = re.compile(r"«([^»]+)»|“([^”]+)”|\*\*([^*]+)\*\*")


def test_a_command_or_button_a_message_quotes_is_one_the_user_has_in_that_language() -> None:
    """Messages say «skriv «hjelp»» or name a button: rewording a command or a label without
    the messages that quote it fails here."""
    for lang in LANGUAGES:
        messages = CATALOGS[lang]
        labels = set(messages.plain.values())
        words = {command_word(lang, command) for command in Command}
        texts = [*messages.plain.items()]
        texts += [(key, form) for key, forms in messages.plural.items() for form in forms]
        quoted = [
            (key, next(group for group in match.groups() if group))
            for key, text in texts
            for match in _QUOTED.finditer(text)
        ]
        assert len(quoted) > 20, "the pattern finds the quotes at all"
        assert [(key, q) for key, q in quoted if q not in words and q not in labels] == [], lang
