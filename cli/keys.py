"""`key check`: whether the configured pseudonym key is the one the store was first used with.

It opens the store without bootstrap.py's check (which refuses a different key) and records
nothing, so it can be asked before a first start or after a refusal.
"""

from __future__ import annotations

import argparse

from bootstrap import open_store
from bot.settings import Settings
from cli import Commands
from storage.keys import KeyFingerprint, KeyState

ANSWERS = {
    KeyState.MATCHES: "the pseudonym key matches the store's: hosts and commands will start",
    KeyState.DIFFERS: (
        "the pseudonym key is NOT the one this store was first used with: hosts and commands "
        "refuse to start. Restore the earlier key (Key Vault keeps its versions); rotating it on "
        "purpose: docs/privacy.md#rotating-the-key"
    ),
    KeyState.UNRECORDED: (
        "the store has no key fingerprint yet: the first host or command to open it records "
        "this key's"
    ),
}


def add_cli(commands: Commands) -> None:
    key = commands.add_parser("key", help="the pseudonym key: check it against the store")
    key.add_argument("action", choices=("check",))


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    key = settings.load_pseudonym_key()
    store = await open_store(settings)
    try:
        state = await KeyFingerprint(store).state(key)
    finally:
        await store.close()
    print(ANSWERS[state])
    return 1 if state is KeyState.DIFFERS else 0
