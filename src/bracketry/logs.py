"""Log lines that name the job and tournament they belong to (``job=… tournament=…``)."""

from __future__ import annotations

import logging

from bracketry.service.jobs import job_context

FORMAT = (
    "%(asctime)s %(levelname)s %(name)s job=%(job_id)s tournament=%(tournament_id)s %(message)s"
)


class JobContextFilter(logging.Filter):
    """Adds ``job_id`` and ``tournament_id`` of the running job (``-`` outside jobs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = job_context.get()
        record.job_id, record.tournament_id = current if current else ("-", "-")
        return True


def configure(level: int = logging.INFO) -> None:
    """Send bracketry's logs to stderr with the job context on every line."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(JobContextFilter())
    logger = logging.getLogger("bracketry")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
