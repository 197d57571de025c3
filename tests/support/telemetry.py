"""Telemetry recorded in memory, as the host would export it: the OpenTelemetry SDK's own
in-memory span exporter and metric reader, on providers of the test's own (not the process's
global ones, so that one test's counts never reach the next)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bot.telemetry import Telemetry


@dataclass
class Recorded:
    exporter: InMemorySpanExporter = field(default_factory=InMemorySpanExporter)
    reader: InMemoryMetricReader = field(default_factory=InMemoryMetricReader)

    def __post_init__(self) -> None:
        tracing = TracerProvider()
        tracing.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.telemetry = Telemetry.of(tracing, MeterProvider(metric_readers=[self.reader]))

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        return [s for s in self.exporter.get_finished_spans() if name is None or s.name == name]

    def counters(self) -> dict[str, dict[tuple[tuple[str, str], ...], int]]:
        """Each counter's totals by their attributes."""
        totals: dict[str, dict[tuple[tuple[str, str], ...], int]] = {}
        for metric, point in self._points():
            key = tuple(sorted((k, str(v)) for k, v in (point.attributes or {}).items()))
            totals.setdefault(metric, {})[key] = int(point.value)
        return totals

    def total(self, metric: str, **attributes: str) -> int:
        wanted = set(attributes.items())
        return sum(n for key, n in self.counters().get(metric, {}).items() if wanted <= set(key))

    def exported_text(self) -> list[str]:
        """Every string that would leave the process: span names, attributes and events,
        metric names and attributes."""
        seen: list[str] = []
        for span in self.spans():
            seen.append(span.name)
            seen.extend(f"{k}={v!s}" for k, v in (span.attributes or {}).items())
            for event in span.events:
                seen.append(event.name)
                seen.extend(f"{k}={v!s}" for k, v in (event.attributes or {}).items())
            if span.status.description:
                seen.append(span.status.description)
        for metric, point in self._points():
            seen.append(metric)
            seen.extend(f"{k}={v!s}" for k, v in (point.attributes or {}).items())
        return seen

    def _points(self) -> Iterator[tuple[str, NumberDataPoint]]:
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        assert isinstance(point, NumberDataPoint)
                        yield metric.name, point
