"""Traces and metrics for operations, through the Azure Monitor OpenTelemetry distro.

The host configures it once at start-up when APPLICATIONINSIGHTS_CONNECTION_STRING is set;
without it (local mode, tests, the command line) nothing is exported and nothing leaves the
process. What goes out never names a person (docs/privacy.md): a turn's span carries its route
(a command's name or a card verb the route table knows) and its outcome, a store call's span
its container and operation, a round's counters the kind of delivery and how sends ended.
No user id, pseudonym, conversation id, name, typed text, round id, partition key or document
id; exceptions are recorded by type only, because storage errors name the partition key.

The distro's own instrumentations are off: the Azure SDK's and the HTTP clients' spans carry
request URLs (Cosmos document links name partition keys, Graph URLs name people).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.metrics import Meter
from opentelemetry.trace import Span, Status, StatusCode, Tracer

from services.round_jobs import CARD, REMINDER
from storage.port import BatchOperation, Document, DocumentStore

log = logging.getLogger(__name__)

NAME = "homeoffice"
# Every instrumentation the distro would switch on by itself (azure_sdk, requests, urllib3...).
_INSTRUMENTATIONS = (
    "azure_sdk",
    "django",
    "fastapi",
    "flask",
    "httpx",
    "psycopg2",
    "requests",
    "urllib",
    "urllib3",
)

ROUTE = "homeoffice.route"
OUTCOME = "homeoffice.outcome"
ACTIVITY = "homeoffice.activity"
CONTAINER = "db.collection.name"
OPERATION = "db.operation.name"
KIND = "homeoffice.kind"
ERROR = "error.type"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Telemetry:
    """Where spans and counters go: the SDK's providers once configured, no-ops otherwise."""

    tracer: Tracer
    meter: Meter
    enabled: bool = True

    @classmethod
    def of(
        cls, tracer_provider: trace.TracerProvider, meter_provider: metrics.MeterProvider
    ) -> Telemetry:
        return cls(tracer_provider.get_tracer(NAME), meter_provider.get_meter(NAME))


OFF = Telemetry(trace.NoOpTracer(), metrics.NoOpMeter(NAME), enabled=False)


def configure() -> Telemetry:
    """Send traces, metrics and logs to Application Insights when its connection string is
    set; otherwise OFF. Call once per process, before the parts are built."""
    connection = os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "").strip()
    if not connection:
        return OFF
    from azure.monitor.opentelemetry import configure_azure_monitor

    root = logging.getLogger()
    before = list(root.handlers)
    configure_azure_monitor(
        connection_string=connection,
        instrumentation_options={name: {"enabled": False} for name in _INSTRUMENTATIONS},
        enable_live_metrics=False,
    )
    for handler in root.handlers:
        if handler not in before:
            restrain(handler)
    log.info("telemetry: traces, metrics and logs go to Application Insights")
    return Telemetry.of(trace.get_tracer_provider(), metrics.get_meter_provider())


class _NoAccessLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith("aiohttp.access")


def restrain(handler: logging.Handler) -> None:
    """What the log exporter sends: INFO and up, where tests/integration/test_log_privacy.py
    holds every line to naming nobody (LOG_LEVEL=DEBUG on the console must not reach the
    workspace), and no access log: its lines carry the caller's address, and App Service's
    HTTP logs have the requests already."""
    handler.setLevel(max(handler.level, logging.INFO))
    handler.addFilter(_NoAccessLog())


# -- turns -----------------------------------------------------------------------------------


@contextlib.contextmanager
def turn_span(tracer: Tracer, activity_type: str | None) -> Iterator[Span]:
    """A span around one turn; the handler names its route with `name_route`."""
    # A server span: Application Insights lists turns as requests, with their store calls.
    with tracer.start_as_current_span(
        "turn", kind=trace.SpanKind.SERVER, record_exception=False, set_status_on_exception=False
    ) as span:
        span.set_attribute(ACTIVITY, _plain(activity_type))
        span.set_attribute(ROUTE, UNKNOWN)
        span.set_attribute(OUTCOME, "ok")
        try:
            yield span
        except BaseException as error:
            _failed(span, error)
            raise


def name_route(route: str) -> None:
    """Name the current turn's route: only names from the route table, never what a client
    sent (a made-up verb is "unknown")."""
    trace.get_current_span().set_attribute(ROUTE, route)


def turn_outcome(outcome: str) -> None:
    """How the current turn ended when not "ok": "busy" (out of time), "storage" (the store
    refused); an exception sets the span's status as well."""
    trace.get_current_span().set_attribute(OUTCOME, outcome)


def _plain(value: str | None) -> str:
    """An activity type is one of the Bot Framework's few words; anything else is "unknown"."""
    return value if value and value.isalpha() and len(value) <= 40 else UNKNOWN


def _failed(span: Span, error: BaseException) -> None:
    span.set_attribute(ERROR, type(error).__name__)
    span.set_status(Status(StatusCode.ERROR))


# -- storage ---------------------------------------------------------------------------------


class TracedStore:
    """A DocumentStore whose every call is a span: container and operation, never an address."""

    def __init__(self, inner: DocumentStore, tracer: Tracer) -> None:
        self.inner = inner
        self._tracer = tracer

    @contextlib.contextmanager
    def _span(self, operation: str, container: str) -> Iterator[None]:
        with self._tracer.start_as_current_span(
            f"{operation} {container}",
            kind=trace.SpanKind.CLIENT,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            span.set_attribute(CONTAINER, container)
            span.set_attribute(OPERATION, operation)
            try:
                yield
            except BaseException as error:
                _failed(span, error)
                raise

    async def read(self, container: str, pk: str, doc_id: str) -> Document | None:
        with self._span("read", container):
            return await self.inner.read(container, pk, doc_id)

    async def create(self, container: str, doc: Document) -> Document:
        with self._span("create", container):
            return await self.inner.create(container, doc)

    async def replace(self, container: str, doc: Document, etag: str | None = None) -> Document:
        with self._span("replace", container):
            return await self.inner.replace(container, doc, etag)

    async def upsert(self, container: str, doc: Document) -> Document:
        with self._span("upsert", container):
            return await self.inner.upsert(container, doc)

    async def delete(self, container: str, pk: str, doc_id: str, etag: str | None = None) -> None:
        with self._span("delete", container):
            await self.inner.delete(container, pk, doc_id, etag)

    async def query(
        self, container: str, pk: str, equals: Mapping[str, Any] | None = None
    ) -> list[Document]:
        with self._span("query", container):
            return await self.inner.query(container, pk, equals)

    async def increment(
        self, container: str, pk: str, doc_id: str, deltas: Mapping[str, int]
    ) -> Document:
        with self._span("increment", container):
            return await self.inner.increment(container, pk, doc_id, deltas)

    async def batch(self, container: str, pk: str, operations: Sequence[BatchOperation]) -> None:
        with self._span("batch", container):
            await self.inner.batch(container, pk, operations)

    async def close(self) -> None:
        await self.inner.close()


# -- rounds ----------------------------------------------------------------------------------


def delivery_kind(kind: str) -> dict[str, str]:
    """A round's card or reminder, or "notice": a notification's kind may hold a date or
    more, and a counter's attributes must stay few and name nothing."""
    return {KIND: kind if kind in (CARD, REMINDER) else "notice"}


class OtelRoundMetrics:
    """services/telemetry.py's RoundMetrics as OpenTelemetry counters."""

    def __init__(self, meter: Meter) -> None:
        counter = meter.create_counter
        self._invited = counter("homeoffice.round.invited", description="cards to deliver")
        self._settled = {
            outcome: counter(f"homeoffice.round.{outcome}", description=f"sends ended {outcome}")
            for outcome in ("sent", "failed", "dead")
        }
        self._opened = counter("homeoffice.round.opened", description="rounds opened")
        self._answered = counter("homeoffice.round.answered", description="answers stored")
        self._trips = counter(
            "homeoffice.delivery.breaker_trips", description="deliveries stopped early"
        )
        self._late = counter("homeoffice.round.opened_late", description="rounds opened late")
        self._sync_failed = counter(
            "homeoffice.directory.sync_failures", description="directory syncs that failed"
        )

    def invited(self, kind: str, count: int) -> None:
        self._invited.add(count, delivery_kind(kind))

    def settled(self, kind: str, outcome: str) -> None:
        self._settled[outcome].add(1, delivery_kind(kind))

    def breaker_tripped(self, kind: str) -> None:
        self._trips.add(1, delivery_kind(kind))

    def opened(self) -> None:
        self._opened.add(1)

    def answered(self) -> None:
        self._answered.add(1)

    def opened_late(self) -> None:
        self._late.add(1)

    def directory_sync_failed(self) -> None:
        self._sync_failed.add(1)
