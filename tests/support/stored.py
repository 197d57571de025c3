"""Every document a backend holds, read behind the bot's back."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from azure.cosmos.aio import CosmosClient

from bot.settings import Settings
from storage.port import CONTAINERS

#: Where something about a person may stay after erasing: HR's directory, and numbers.
KEPT = {"directory", "counters"}


async def every_document(settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    """Every document as stored; on SQLite with the row's expiry as `_expires_at`."""
    if settings.storage == "cosmos":
        found = []
        async with CosmosClient(settings.cosmos_endpoint, settings.cosmos_key) as client:
            database = client.get_database_client(settings.cosmos_database)
            for container in CONTAINERS:
                proxy = database.get_container_client(container)
                found += [(container, d) async for d in proxy.query_items("SELECT * FROM c")]
        return found
    with sqlite3.connect(settings.sqlite_path) as db:
        rows = db.execute("SELECT container, pk, id, body, expires_at FROM documents").fetchall()
    return [
        (c, {**json.loads(body), "pk": pk, "id": i, "_expires_at": expires})
        for c, pk, i, body, expires in rows
    ]
