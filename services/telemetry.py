"""What the services count for operations, as a port: the host adapts it to OpenTelemetry
(bot/telemetry.py), and without telemetry nothing is counted.

Every call carries only what a dashboard needs: the kind of delivery and how a send ended.
Never a person's id, pseudonym, name or text, nor a round id (docs/privacy.md).
"""

from __future__ import annotations

from typing import Protocol


class RoundMetrics(Protocol):
    def opened(self) -> None:
        """A round was opened (the alert on a round day that has none watches this)."""

    def invited(self, kind: str, count: int) -> None:
        """A delivery starts with `count` people still to reach."""

    def settled(self, kind: str, outcome: str) -> None:
        """One send ended for good: "sent", "failed" or "dead"."""

    def breaker_tripped(self, kind: str) -> None:
        """A delivery stopped early: its first sends all failed the same way."""

    def answered(self) -> None:
        """A check-in answer was stored."""

    def opened_late(self) -> None:
        """A scheduled round opened after its minute: no host ran then."""

    def directory_sync_failed(self) -> None: ...


class NoMetrics:
    def opened(self) -> None:
        pass

    def invited(self, kind: str, count: int) -> None:
        pass

    def settled(self, kind: str, outcome: str) -> None:
        pass

    def breaker_tripped(self, kind: str) -> None:
        pass

    def answered(self) -> None:
        pass

    def opened_late(self) -> None:
        pass

    def directory_sync_failed(self) -> None:
        pass


NO_METRICS: RoundMetrics = NoMetrics()
