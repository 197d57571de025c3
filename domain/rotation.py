"""Which items a round asks (docs/checkin-catalog.md#which-items-a-round-asks).

A short card is answered; a long one is put off. So a round asks the core items every time and
a few of the others in turn, the way weekly pulse tools keep their surveys to a handful of
questions while every topic still comes back regularly.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.catalog import CATALOG, REQUIRED_ITEM_IDS, round_items

DEFAULT_ROTATING_PER_ROUND = 2


@dataclass(frozen=True)
class Rotation:
    core: tuple[str, ...]  # asked every round
    rotating: tuple[str, ...]  # asked in turn, `per_round` at a time
    per_round: int

    def items(self, round_number: int) -> tuple[str, ...]:
        """The items of the `round_number`th round (from 0), in catalog order: the core and
        the next `per_round` of the rotating ones, wrapping around."""
        count = min(self.per_round, len(self.rotating))
        start = round_number * count
        turn = {self.rotating[(start + n) % len(self.rotating)] for n in range(count)}
        wanted = set(self.core) | turn
        return tuple(item.id for item in CATALOG if item.id in wanted)

    @property
    def every(self) -> int:
        """Every item is asked at least once in any this many rounds in a row."""
        if not self.rotating:
            return 1
        return -(-len(self.rotating) // min(self.per_round, len(self.rotating)))

    @property
    def all_items(self) -> tuple[str, ...]:
        """Every item some round asks, in catalog order."""
        wanted = set(self.core) | set(self.rotating)
        return tuple(item.id for item in CATALOG if item.id in wanted)


def rotation(
    items: tuple[str, ...] | None = None,
    core: tuple[str, ...] | None = None,
    per_round: int = DEFAULT_ROTATING_PER_ROUND,
) -> Rotation:
    """The rotation over `items` (default: the whole catalog) with `core` asked every round
    (default and always: the items the follow-up rules need).

    Unknown ids and fewer than one rotating item a round are errors, so that a typo in
    configuration is caught at start-up (an item no round asks would be a silent one).
    `per_round` at least the number of other items asks every item every round.
    """
    every_round = set(round_items(core or REQUIRED_ITEM_IDS))
    asked = set(round_items(items)) | every_round
    if per_round < 1 and asked - every_round:
        raise ValueError(f"the rotating items per round must be 1 or more, not {per_round}")
    return Rotation(
        core=tuple(item.id for item in CATALOG if item.id in every_round),
        rotating=tuple(
            item.id for item in CATALOG if item.id in asked and item.id not in every_round
        ),
        per_round=per_round,
    )
