"""``GET /metrics``: the Prometheus text format, for every worker of this server at once.

Under ``boxoffice serve`` (``PROMETHEUS_MULTIPROC_DIR`` set) the values come from all the
workers' files; otherwise (tests, a single process) from this process's registry. Restrict
who can reach it at the load balancer: it is for the monitoring system, not the public.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, current_app
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from server.ops.multiproc import MULTIPROC_VARIABLE
from server.ops.queue_gauge import QueueLengths, queue_lengths

__all__ = ["blueprint"]

blueprint = Blueprint("ops_metrics", __name__)


class _Scrape:
    """Everything one scrape reports."""

    def __init__(self, collectors: Iterable[Collector]) -> None:
        self._collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self._collectors:
            yield from collector.collect()


@blueprint.get("/metrics")
def metrics() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    source: Collector = REGISTRY
    if os.environ.get(MULTIPROC_VARIABLE):
        source = CollectorRegistry()
        MultiProcessCollector(source)  # type: ignore[no-untyped-call]
    scrape = _Scrape([source, QueueLengths(lambda: queue_lengths(app))])
    response = Response(generate_latest(scrape), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
