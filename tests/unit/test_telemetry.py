"""The telemetry port and its rules: off without a connection string, a store call's span names
its container and operation and never its address, counters carry a few fixed words."""

from __future__ import annotations

import logging

import pytest

from bot.telemetry import (
    CONTAINER,
    ERROR,
    KIND,
    OFF,
    OPERATION,
    OtelRoundMetrics,
    TracedStore,
    configure,
    delivery_kind,
    restrain,
)
from services.round_jobs import CARD, REMINDER
from services.telemetry import NO_METRICS
from storage.port import Conflict
from tests.support.memory_store import InMemoryStore
from tests.support.telemetry import Recorded

PERSON = "9f7891b5-6b95-5e8f-9507-6a827ed7e89f"


def test_without_a_connection_string_nothing_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("APPLICATIONINSIGHTS_CONNECTION_STRING", raising=False)
    assert configure() is OFF
    monkeypatch.setenv("APPLICATIONINSIGHTS_CONNECTION_STRING", "  ")
    assert configure() is OFF
    assert not OFF.enabled


async def test_a_store_call_is_a_span_of_its_container_and_operation_only() -> None:
    recorded = Recorded()
    store = TracedStore(InMemoryStore(), recorded.telemetry.tracer)
    doc = {"id": "r1", "pk": PERSON, "answer": "secret"}
    await store.create("responses", doc)
    assert await store.read("responses", PERSON, "r1") is not None
    with pytest.raises(Conflict):  # its message names the partition key
        await store.create("responses", doc)

    spans = recorded.spans()
    assert [(s.attributes or {}).get(OPERATION) for s in spans] == ["create", "read", "create"]
    assert {(s.attributes or {}).get(CONTAINER) for s in spans} == {"responses"}
    assert (spans[-1].attributes or {}).get(ERROR) == "Conflict"
    assert not spans[-1].events  # the exception is not recorded: its text has the address
    assert [line for line in recorded.exported_text() if PERSON in line or "r1" in line] == []


def test_delivery_counters_name_the_kind_of_delivery_only() -> None:
    assert delivery_kind(CARD) == {KIND: CARD}
    assert delivery_kind(REMINDER) == {KIND: REMINDER}
    # A notice's kind may carry a date or a person's topic: it is counted as a notice.
    assert delivery_kind(f"review-{PERSON}") == {KIND: "notice"}


def test_round_counters_add_up() -> None:
    recorded = Recorded()
    metrics = OtelRoundMetrics(recorded.telemetry.meter)
    metrics.invited(CARD, 3)
    metrics.settled(CARD, "sent")
    metrics.settled(CARD, "dead")
    metrics.settled("approval", "failed")
    metrics.breaker_tripped(CARD)
    metrics.opened()
    metrics.answered()
    metrics.opened_late()
    metrics.directory_sync_failed()
    assert recorded.total("homeoffice.round.invited", **{KIND: CARD}) == 3
    assert recorded.total("homeoffice.round.failed", **{KIND: "notice"}) == 1
    for name in (
        "homeoffice.round.sent",
        "homeoffice.round.dead",
        "homeoffice.delivery.breaker_trips",
        "homeoffice.round.opened",
        "homeoffice.round.answered",
        "homeoffice.round.opened_late",
        "homeoffice.directory.sync_failures",
    ):
        assert recorded.total(name) == 1, name


def test_without_telemetry_the_services_count_nothing() -> None:
    NO_METRICS.invited(CARD, 1)  # no provider, no error, nothing kept
    NO_METRICS.answered()


def test_the_log_exporter_takes_info_and_up_and_no_access_log() -> None:
    handler = logging.Handler()
    restrain(handler)

    def passes(name: str, level: int) -> bool:
        record = logging.LogRecord(name, level, __file__, 1, "x", None, None)
        return level >= handler.level and bool(handler.filter(record))

    assert passes("services.round_jobs", logging.INFO)
    assert not passes("services.delivery", logging.DEBUG)
    assert not passes("aiohttp.access", logging.INFO)
