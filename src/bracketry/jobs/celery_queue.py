"""The API's side of Celery: send generation tasks and report broker and worker health."""

from __future__ import annotations

import time
from typing import Any

from kombu.exceptions import OperationalError as BrokerError

from bracketry.jobs.celery_app import TASK_NAME, make_celery
from bracketry.service.errors import Unavailable
from bracketry.settings import Settings

PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
PING_TIMEOUT_S = 1.0


class CeleryQueue:
    """Implements :class:`bracketry.service.jobs.JobQueue` by sending Celery tasks."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.app = make_celery(settings)
        self._checked_at = 0.0
        self._workers: list[str] = []

    def submit(self, *, job_id: str, tournament_id: int, instance_id: str) -> None:
        """Send ``bracketry.generate_sessions`` naming the job and its database; 503 when the
        broker cannot be reached."""
        try:
            self.app.send_task(
                TASK_NAME,
                args=[tournament_id],
                kwargs={"job_id": job_id, "instance_id": instance_id},
                queue=self._settings.queue_name,
                retry=True,
                retry_policy=PUBLISH_RETRY,
            )
        except (BrokerError, ConnectionError, OSError) as error:
            raise Unavailable(
                f"the job broker is unreachable ({type(error).__name__}); nothing was queued, "
                "try again when it is back"
            ) from error

    def readiness(self) -> dict[str, Any]:
        """Broker reachability and the workers that answered a ping (cached for a while)."""
        now = time.monotonic()
        if now - self._checked_at >= self._settings.worker_check_ttl_s:
            try:
                replies = self.app.control.ping(timeout=PING_TIMEOUT_S) or []
                self._workers = sorted(name for reply in replies for name in reply)
                broker = "ok"
            except (BrokerError, ConnectionError, OSError) as error:
                self._workers, broker = [], f"unreachable: {type(error).__name__}"
            self._checked_at = now
            self._broker = broker
        return {"broker": self._broker, "workers": self._workers}
