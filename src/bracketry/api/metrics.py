"""Prometheus metrics: HTTP latency from this process, job figures from the job table.

Job figures are read from the database at scrape time, so they cover every worker
process and machine, not only this one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from http import HTTPStatus

import numpy as np
from fastapi import APIRouter, FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bracketry.api.context import AppContext
from bracketry.service import jobs

PHASE_BUCKETS_MS = (1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATUSES = frozenset(str(status.value) for status in HTTPStatus)
OTHER = "other"
"""The label value of a method or status outside the closed sets above."""
UNMATCHED = "unmatched"
"""The route label of a request no route matched (any path: paths are never labels)."""


def request_labels(scope: Scope, status: int) -> tuple[str, str, str]:
    """(method, route, status) labels from closed sets: the method if standard, the matched
    route's template (never the raw path) and a known status code; anything else folds into
    ``other`` / ``unmatched`` so made-up requests cannot grow the metrics."""
    method = scope.get("method", "")
    route = getattr(scope.get("route"), "path", None)
    code = str(status)
    return (
        method if method in METHODS else OTHER,
        route if isinstance(route, str) else UNMATCHED,
        code if code in STATUSES else OTHER,
    )


class JobCollector(Collector):
    """Jobs by status, phase-duration histograms and sessions written, from the database."""

    def __init__(self, context: Callable[[], AppContext | None]) -> None:
        self._context = context

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily | CounterMetricFamily]:
        ctx = self._context()
        if ctx is None:
            return
        with ctx.database.read() as db:
            by_status, durations, written = jobs.figures(db=db)
        gauge = GaugeMetricFamily("bracketry_jobs", "Generation jobs by status.", labels=["status"])
        for status, count in by_status.items():
            gauge.add_metric([status], count)
        yield gauge
        histogram = HistogramMetricFamily(
            "bracketry_job_phase_ms",
            "Duration of each phase of finished jobs (ms).",
            labels=["phase"],
        )
        for phase, values in durations.items():
            data = np.asarray(values, dtype=float)
            buckets = [(str(b), float((data <= b).sum())) for b in PHASE_BUCKETS_MS]
            buckets.append(("+Inf", float(data.size)))
            histogram.add_metric([phase], buckets, sum_value=float(data.sum()))
        yield histogram
        yield CounterMetricFamily(
            "bracketry_sessions_written",
            "Sessions written by finished generation jobs.",
            value=written,
        )


class MeasureLatency:
    """ASGI middleware: each HTTP request's latency by method, route template and status
    (a plain ASGI class: Starlette's ``BaseHTTPMiddleware`` costs a task per request)."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            self.histogram.labels(*request_labels(scope, status)).observe(
                time.perf_counter() - start
            )


def install(app: FastAPI) -> None:
    """Add ``/metrics`` and the HTTP latency middleware to ``app``."""
    registry = CollectorRegistry()
    latency = Histogram(
        "bracketry_http_request_seconds",
        "HTTP request latency.",
        ["method", "route", "status"],
        registry=registry,
    )
    registry.register(JobCollector(lambda: getattr(app.state, "context", None)))

    app.add_middleware(MeasureLatency, histogram=latency)

    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    app.include_router(router)
