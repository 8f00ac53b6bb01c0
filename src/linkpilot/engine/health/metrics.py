"""What `/metrics` shows, declared once, on prometheus-client with a registry of its own.

Besides LinkPilot's figures (filled from the engine's events by `service.metrics_from_events`),
the registry carries prometheus-client's process collector (resident and virtual memory, CPU
seconds, open and maximum file descriptors, start time: `process_*`), its garbage-collector
collector (`python_gc_*`) and the interpreter's version (`python_info`): what a Pi's owner
watches for a process that runs for weeks. No global registry: two sidecars in one process
(tests, the bench) each count their own.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder

# A `*_created` timestamp beside every counter doubles the series for nothing a probe reads.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in 0.26

PREFIX = "linkpilot"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)

        def counter(name: str, help_text: str, *labels: str) -> Counter:
            return Counter(name, help_text, labels, namespace=PREFIX, registry=self.registry)

        def gauge(name: str, help_text: str, *labels: str) -> Gauge:
            return Gauge(name, help_text, labels, namespace=PREFIX, registry=self.registry)

        self.actions = counter("actions", "Actions by kind and outcome", "action", "outcome")
        self.skipped = counter("skipped", "People skipped, by reason", "action", "reason")
        self.runs = counter("runs", "Campaign runs by how they stopped", "campaign", "stopped")
        self.quota_used = gauge("quota_used", "Quota used per action and window", "action", "window")
        self.quota_limit = gauge("quota_limit", "Quota limit per action and window", "action", "window")
        self.breaker_state = gauge("breaker_state", "1 for the breaker's current state", "state")
        self.loop_lag_p99 = gauge("event_loop_lag_p99_seconds", "Event-loop lag, 99th percentile")
        self.uptime = gauge("uptime_seconds", "Seconds since the sidecar started")

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """The exposition the scraper asked for (its Accept header) and its content type:
        Prometheus text 0.0.4 unless it asks for OpenMetrics or a later text version."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type
