"""Prometheus metrics of the server: requests, latency, and the snapshot served.

One registry per application (no process-global state), exposed at GET /metrics in the
Prometheus text format. Request metrics are labelled by route template, not by path,
so ids never become label values; the snapshot's figures are read at scrape time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from serving.snapshot import SnapshotHolder

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Latency buckets around the targets (5 ms for recommendations, 20 ms for scoring).
LATENCY_BUCKETS = (
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25,
    0.5, 1.0, 2.5,
)


class SnapshotCollector(Collector):
    """The served snapshot's model version, age and swaps, read when scraped."""

    def __init__(self, holder: SnapshotHolder, now: Callable[[], float] = time.time) -> None:
        self.holder = holder
        self.now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self.holder.current
        loaded = GaugeMetricFamily(
            "serving_snapshot_loaded", "1 when a snapshot is loaded and served, else 0."
        )
        loaded.add_metric([], 1.0 if snapshot else 0.0)
        yield loaded
        swaps = GaugeMetricFamily(
            "serving_snapshot_swaps", "Snapshots swapped in since the server started."
        )
        swaps.add_metric([], float(self.holder.swaps))
        yield swaps
        failures = GaugeMetricFamily(
            "serving_snapshot_load_failures",
            "Published snapshots that failed to load (the previous one kept serving).",
        )
        failures.add_metric([], float(self.holder.load_failures))
        yield failures
        if snapshot is None:
            return
        info = GaugeMetricFamily(
            "serving_snapshot_info", "The served snapshot (value 1).",
            labels=["snapshot_id", "model_version"],
        )
        info.add_metric([snapshot.snapshot_id, str(snapshot.model_version)], 1.0)
        yield info
        version = GaugeMetricFamily(
            "serving_snapshot_model_version", "Model version of the served snapshot."
        )
        version.add_metric([], float(snapshot.model_version))
        yield version
        age = GaugeMetricFamily(
            "serving_snapshot_age_seconds", "Seconds since the served snapshot was published."
        )
        age.add_metric([], self.now() - _epoch(snapshot.created_at))
        yield age
        arrays = GaugeMetricFamily(
            "serving_snapshot_array_bytes",
            "Bytes of the served snapshot's arrays (features, indexes, recommendations;"
            " the id dictionaries not included).",
        )
        arrays.add_metric([], float(snapshot.memory_bytes()))
        yield arrays
        load = GaugeMetricFamily(
            "serving_snapshot_load_seconds", "Seconds the served snapshot took to load."
        )
        load.add_metric([], snapshot.load_seconds)
        yield load
        as_of = GaugeMetricFamily(
            "serving_snapshot_as_of_timestamp_seconds",
            "The served snapshot's as-of time (its features use events before it), Unix time.",
        )
        as_of.add_metric([], _epoch(snapshot.as_of_at))
        yield as_of


class ServingMetrics:
    """The application's metrics and the registry /metrics renders."""

    def __init__(self, holder: SnapshotHolder) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "serving_requests", "HTTP requests answered, by route, method and status.",
            ["route", "method", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "serving_request_duration_seconds",
            "Time from a request's arrival to its response's last byte, by route.",
            ["route"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self.scored = Counter(
            "serving_scored_candidates", "Candidates scored by POST /v1/score.",
            registry=self.registry,
        )
        self.registry.register(SnapshotCollector(holder))

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _epoch(naive_utc: datetime) -> float:
    """Unix time of a naive UTC datetime (the warehouse's convention)."""
    return naive_utc.replace(tzinfo=UTC).timestamp()
