"""Measuring a job: phase timers and the peak resident memory of the process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import psutil

SAMPLE_INTERVAL_S = 0.02
MIB = 1024 * 1024


class PeakRss:
    """Samples this process's RSS in a thread while the block runs; ``peak_mb`` after."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._peak = 0

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self._process.memory_info().rss)
            self._stop.wait(SAMPLE_INTERVAL_S)

    @property
    def peak_mb(self) -> float:
        """Highest RSS seen so far, in MiB."""
        return round(max(self._peak, self._process.memory_info().rss) / MIB, 1)

    def __enter__(self) -> PeakRss:
        self._peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


class Stopwatch:
    """Named, separate timing windows in milliseconds."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def window(self, name: str) -> Iterator[None]:
        """Add the time spent in the block to ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - start) * 1000.0
