"""One id per person, whatever form it arrives in.

A leader's card, a pasted id or an HR export may write an Entra object id as `{0A1B…}`, with
spaces or in upper case. Stored under that form, the employee's own requests, and their
erasure, would not find it: `slett mine data` would leave records behind.
"""

from __future__ import annotations

import json

import pytest

from bot.settings import Settings
from cards.data_rights import DELETE_VERB
from cards.team import INVITE_VERB, INVITEE
from domain.org import normalise_id
from tests.support.card_text import texts
from tests.support.example_org import KARI, LARS
from tests.support.host import Host
from tests.support.stored import KEPT, every_document
from tests.support.turns import cards_to, press, say, setup_org

FORMS = {
    "braces_upper": "{" + KARI.aad_object_id.upper() + "}",
    "braces_spaces": "{ " + KARI.aad_object_id.upper() + " }",
}


def test_normalise_id_gives_the_directorys_form() -> None:
    for form in (*FORMS.values(), f"  {KARI.aad_object_id}\t", KARI.aad_object_id):
        assert normalise_id(form) == KARI.aad_object_id


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
async def test_an_invite_by_another_form_of_the_id_is_erased_with_the_employee(
    host: Host, settings: Settings, form: str
) -> None:
    await setup_org(host, KARI, LARS)
    await press(host, LARS, INVITE_VERB, {INVITEE: form})
    (invite,) = cards_to(host, KARI)
    assert "Lars Haugen" in texts(invite)

    await say(host, KARI, "slett mine data")
    await press(host, KARI, DELETE_VERB, {})
    left = [
        (container, doc["pk"], doc["id"])
        for container, doc in await every_document(settings)
        if container not in KEPT and KARI.aad_object_id in json.dumps(doc).lower()
    ]
    assert left == []
