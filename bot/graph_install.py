"""The bot installs itself for a person through Microsoft Graph, so that it can reach them.

Teams gives a bot a person's 1:1 conversation only once the app is installed for them. With
the application permission `TeamsAppInstallation.ReadWriteSelfForUser.All` (admin-consented;
`TeamsAppInstallation.ReadWriteForUser.All` also does) the app may install itself:

- `GET /v1.0/appCatalogs/teamsApps?$filter=externalId eq '{manifest id}'` finds the app's id in
  the tenant's catalog (the manifest id is the bot's app id); this read needs
  `AppCatalog.Read.All`. Looked up once per process, and not at all when the setting
  `TEAMS_APP_CATALOG_ID` names it;
- `GET /v1.0/users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq
  '{manifest id}'` says whether a person has it;
- `POST /v1.0/users/{id}/teamwork/installedApps` with `teamsApp@odata.bind` installs it: 201,
  or 409 when it is there already.

Teams then sends the bot the install's conversationUpdate, which carries the conversation
reference the roster needs (bot/handler.py). Requests are paced (a person costs two), and 429
or 503 are waited out as Graph's `Retry-After` asks, through the client's retry policy.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from bot.graph import GraphClient, GraphError, error_detail
from domain.ratelimit import SlidingWindows, Window
from services.installs import InstallFailed, InstallRefused

INSTALL_PERMISSION = "TeamsAppInstallation.ReadWriteSelfForUser.All"
CATALOG_PERMISSION = "AppCatalog.Read.All"
# Graph names no figure for these calls; ten a second keeps a directory of 10,000 to under
# an hour and well inside what Graph grants one app in one tenant.
REQUESTS_PER_SECOND = 10


class GraphInstaller:
    """services/installs.py's AppInstaller over Graph."""

    def __init__(
        self,
        client: GraphClient,
        manifest_id: str,
        catalog_id: str = "",
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._manifest_id = manifest_id
        self._catalog_id = catalog_id or None
        self._pace = SlidingWindows((Window(REQUESTS_PER_SECOND, 1.0),), paced=True)
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = asyncio.Lock()

    async def has_app(self, user_id: str) -> bool:
        status, body = await self._request(
            "GET",
            f"/v1.0/users/{quote(user_id)}/teamwork/installedApps",
            "Graph installed apps",
            params={
                "$expand": "teamsApp",
                "$filter": f"teamsApp/externalId eq '{self._manifest_id}'",
            },
        )
        if status == 200:
            return bool(body.get("value"))
        raise self._refusal(status, body, INSTALL_PERMISSION)

    async def install(self, user_id: str) -> bool:
        """True when installed now, False when the person had it already."""
        catalog_id = await self._catalog()
        endpoint = self._client.config.endpoint
        status, body = await self._request(
            "POST",
            f"/v1.0/users/{quote(user_id)}/teamwork/installedApps",
            "Graph app install",
            body={"teamsApp@odata.bind": f"{endpoint}/v1.0/appCatalogs/teamsApps/{catalog_id}"},
        )
        if status in (200, 201):
            return True
        if status == 409:
            return False
        raise self._refusal(status, body, INSTALL_PERMISSION)

    async def _catalog(self) -> str:
        if self._catalog_id is None:
            status, body = await self._request(
                "GET",
                "/v1.0/appCatalogs/teamsApps",
                "Graph app catalog",
                params={"$filter": f"externalId eq '{self._manifest_id}'"},
            )
            if status != 200:
                raise self._refusal(status, body, CATALOG_PERMISSION, everyone=True)
            apps = body.get("value") or []
            if not apps:
                raise InstallRefused(
                    f"the app ({self._manifest_id}) is not in the tenant's app catalog: upload "
                    "it in Teams admin center > Teams apps > Manage apps first"
                )
            self._catalog_id = str(apps[0]["id"])
        return self._catalog_id

    async def _request(
        self,
        method: str,
        path: str,
        what: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        async with self._lock:  # one slot at a time, in order
            while (wait := self._pace.wait("graph", self._monotonic())) > 0:
                await self._sleep(wait)
            sent = self._pace.record("graph", self._monotonic())
        try:
            return await self._client.request(
                method, f"{self._client.config.endpoint}{path}", what, params, body
            )
        except GraphError as error:
            raise InstallFailed(str(error)) from error
        finally:
            sent.answered(self._monotonic())

    def _refusal(
        self, status: int, body: dict[str, Any], permission: str, everyone: bool = False
    ) -> Exception:
        detail = error_detail(body)
        if status in (401, 403) or everyone:
            return InstallRefused(
                f"Graph refused ({status}): the app needs the application permission "
                f"{permission} with admin consent. {detail}".rstrip()
            )
        # 404: no such user, or no Teams licence; this person only.
        return InstallFailed(f"Graph answered {status}: {detail}".rstrip(": "))
