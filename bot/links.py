"""Short-lived, single-use download links to this host (the pulse's CSV, a user's data export,
a written agreement), and the endpoint that answers them.

A link carries a random token and nothing else: whom it is for, its path, language, expiry and
what it is about (the employee whose agreement it opens) stay in the store, in a document filed under the token's SHA-256, so neither the link nor the
store gives anyone a working link or a person's id. The first download consumes it; a copy
that turns up later (in a proxy's log, the browser's history) opens nothing, and an unused
link expires after 15 minutes (the document's TTL removes it). Nothing is signed, so no key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import assert_never

from aiohttp import web

from cards.i18n import t
from domain.language import Language
from storage.port import DocumentStore, delete_if_there

LINK_SECONDS = 15 * 60
CONTAINER, PARTITION = "users", "links"
#: A download is one person's data: no cache keeps it, no Referer carries the link on.
PRIVATE_DOWNLOAD = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class DownloadLinks:
    def __init__(
        self, store: DocumentStore, base_url: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._base = base_url.rstrip("/")
        self._clock = clock

    async def url(self, path: str, user_id: str, lang: Language, subject: str = "") -> str:
        """A link to `path` for `user_id`; `subject` is what the file is about, checked again
        when the link is used (a link opens nothing its user could not open by pressing)."""
        token = secrets.token_urlsafe(32)
        await self._store.create(
            CONTAINER,
            {
                "id": _digest(token),
                "pk": PARTITION,
                "path": path,
                "user_id": user_id,
                "lang": lang,
                "subject": subject,
                "expires": int(self._clock()) + LINK_SECONDS,
                "ttl": LINK_SECONDS,
            },
        )
        return f"{self._base}{path}?t={token}"

    async def redeem(self, path: str, token: str) -> tuple[str, Language] | None:
        """The user and language the link to `path` was made for, once; None otherwise."""
        claim = await self._claim(path, token)
        return None if claim is None else (claim.user_id, claim.lang)

    async def _claim(self, path: str, token: str) -> Claim | None:
        if not _TOKEN.fullmatch(token):
            return None
        doc_id = _digest(token)
        link = await self._store.read(CONTAINER, PARTITION, doc_id)
        if link is None or link.get("path") != path or int(link["expires"]) < self._clock():
            return None
        # Two requests with the same link: only the one whose delete removed it downloads.
        if not await delete_if_there(self._store, CONTAINER, PARTITION, doc_id):
            return None
        lang: Language = "en" if link.get("lang") == "en" else "nb"
        return Claim(str(link["user_id"]), lang, str(link.get("subject", "")))

    def route(self, path: str, expired_key: str, produce: Producer) -> web.RouteDef:
        """`GET path?t=<token>`: the file `produce` makes for the link's user, once.

        A used, expired or forged link opens the bilingual page of `expired_key`.
        """
        return self.subject_route(path, expired_key, lambda user, lang, _: produce(user, lang))

    def subject_route(self, path: str, expired_key: str, produce: SubjectProducer) -> web.RouteDef:
        """`route` for a file about someone: `produce` gets the link's subject too."""

        async def download(request: web.Request) -> web.StreamResponse:
            claim = await self._claim(path, request.query.get("t", ""))
            if claim is None:
                return link_refused(expired_key)
            answer = await produce(claim.user_id, claim.lang, claim.subject)
            match answer:
                case Attachment(body, content_type, filename):
                    headers = {
                        "Content-Disposition": f'attachment; filename="{filename}"',
                        **PRIVATE_DOWNLOAD,
                    }
                    if isinstance(body, bytes):
                        return web.Response(body=body, content_type=content_type, headers=headers)
                    return web.Response(
                        text=body, content_type=content_type, charset="utf-8", headers=headers
                    )
                case Forbidden(reason):
                    return web.Response(status=403, text=reason, headers=PRIVATE_DOWNLOAD)
                case _:
                    assert_never(answer)

        # No HEAD: a link checker's HEAD would use up a single-use link before the person's GET.
        return web.get(path, download, allow_head=False)


@dataclass(frozen=True)
class Claim:
    user_id: str
    lang: Language
    subject: str


@dataclass(frozen=True)
class Attachment:
    body: str | bytes  # text goes out as UTF-8; bytes (a PDF) as they are
    content_type: str
    filename: str


@dataclass(frozen=True)
class Forbidden:
    """The link was good, but its user may no longer have the file: `reason`, in their language."""

    reason: str


#: What a download link gets its user (id) in their language.
Producer = Callable[[str, Language], Awaitable[Attachment | Forbidden]]
#: The same for a file about someone: the user, their language, and the link's subject.
SubjectProducer = Callable[[str, Language, str], Awaitable[Attachment | Forbidden]]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def link_refused(key: str) -> web.Response:
    """The page a used or expired link opens. Whom it was for, and so their language, is gone
    with it: both languages, each saying where in the chat a new link comes from."""
    return web.Response(
        status=403, text=f"{t('nb', key)}\n\n{t('en', key)}\n", headers=PRIVATE_DOWNLOAD
    )
