"""The check-in item catalog (docs/checkin-catalog.md#items).

Item ids are stable: cards use them as input ids and storage as field names, so an id is
never renamed. The wording lives in the translation table (`cards/i18n.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class GoodEnd(Enum):
    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True)
class Item:
    id: str
    good_end: GoodEnd


SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)

CATALOG: tuple[Item, ...] = (
    Item("stress", GoodEnd.LOW),
    Item("social", GoodEnd.HIGH),
    Item("focus", GoodEnd.HIGH),
    Item("workload", GoodEnd.HIGH),
    Item("balance", GoodEnd.HIGH),
    Item("leader", GoodEnd.HIGH),
    Item("learning", GoodEnd.HIGH),
    Item("strain", GoodEnd.LOW),
)

ITEMS_BY_ID: dict[str, Item] = {item.id: item for item in CATALOG}

# A round may ask fewer items, but never drops these two: they carry the follow-up rules.
REQUIRED_ITEM_IDS: tuple[str, ...] = ("stress", "social")

COMMENT_MAX_LENGTH = 1000


def round_items(configured: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The item ids a round asks, in catalog order, always including the required ones.

    Unknown ids are an error so that a typo in configuration is caught at start-up.
    """
    if not configured:
        return tuple(item.id for item in CATALOG)
    unknown = [item_id for item_id in configured if item_id not in ITEMS_BY_ID]
    if unknown:
        raise ValueError(f"unknown check-in items: {', '.join(unknown)}")
    wanted = set(configured) | set(REQUIRED_ITEM_IDS)
    return tuple(item.id for item in CATALOG if item.id in wanted)
