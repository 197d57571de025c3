"""Short-lived download links to this host (the pulse's CSV, a user's data export).

A link names the user it was made for and when it expires, signed with a key only the host
knows; the download checks the signature and expiry, then the user's rights again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote

from domain.language import LANGUAGES, Language

LINK_SECONDS = 15 * 60


class SignedLinks:
    def __init__(self, key: bytes, base_url: str, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(b"download-link\x00" + key).digest()
        self._base = base_url.rstrip("/")
        self._clock = clock

    def url(self, path: str, user_id: str, lang: Language) -> str:
        claim = f"{path}|{user_id}|{lang}|{int(self._clock()) + LINK_SECONDS}"
        payload = base64.urlsafe_b64encode(claim.encode()).decode().rstrip("=")
        return f"{self._base}{path}?t={quote(payload)}.{self._sign(payload)}"

    def check(self, path: str, token: str) -> tuple[str, Language] | None:
        """The user and language the link to `path` was made for; None if forged or expired."""
        payload, _, signature = token.partition(".")
        # compare_digest raises on str with non-ASCII characters; a signature has none.
        if not payload or not signature.isascii():
            return None
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            padded = payload + "=" * (-len(payload) % 4)
            for_path, user_id, lang, expires = base64.urlsafe_b64decode(padded).decode().split("|")
            expired = int(expires) < self._clock()
        except ValueError:
            return None
        if for_path != path or lang not in LANGUAGES or expired:
            return None
        return user_id, "en" if lang == "en" else "nb"

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()
