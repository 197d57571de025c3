"""`key check` and `key rotate`: the pseudonym key against the store's fingerprint.

Both open the store without bootstrap.py's check (which refuses a key that is not the store's):
`check` records nothing, so it can be asked before a first start or after a refusal; `rotate`
is how the key changes on purpose (docs/privacy.md#rotating-the-key).
"""

from __future__ import annotations

import argparse
import os
import sys

from bootstrap import open_store
from bot.settings import Settings
from cli import Commands
from services.key_rotation import rotate_key
from storage.keys import KeyFingerprint, KeyState

#: The key being replaced, for `key rotate`; PSEUDONYM_KEY is the new one.
OLD_KEY = "PSEUDONYM_KEY_OLD"

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
    KeyState.ROTATING: (
        f"a key rotation has begun and not finished: run `key rotate` again with the same "
        f"{OLD_KEY} and PSEUDONYM_KEY"
    ),
}


def add_cli(commands: Commands) -> None:
    key = commands.add_parser("key", help="the pseudonym key: check it, or rotate it")
    key.add_argument(
        "action",
        choices=("check", "rotate"),
        help=f"rotate: from {OLD_KEY} to PSEUDONYM_KEY, with every host stopped",
    )


async def run_cli(settings: Settings, args: argparse.Namespace) -> int:
    key = settings.load_pseudonym_key()
    old = os.environ.get(OLD_KEY, "").strip().encode("utf-8")
    if args.action == "rotate" and not old:
        print(f"key rotate needs the key being replaced in {OLD_KEY}", file=sys.stderr)
        return 2
    store = await open_store(settings)
    try:
        if args.action == "rotate":
            rotated = await rotate_key(store, old, key)
            print(
                f"rotated: {rotated.responses} responses of {rotated.people} people re-filed "
                "under PSEUDONYM_KEY; make it the configured key before starting the hosts"
            )
            return 0
        state = await KeyFingerprint(store).state(key)
    finally:
        await store.close()
    print(ANSWERS[state])
    return 0 if state is KeyState.MATCHES or state is KeyState.UNRECORDED else 1
