"""Where a running job is: its phase in people's words and a rough share of the work done.

A generation's long parts run inside one write transaction: no reader sees its rows before
the commit, and on SQLite no other write may happen meanwhile. So the process that runs a
job notes each phase here, in memory, as the job reaches it, and the status read of this
process reports it. A job that another process runs (a separate worker) is placed from the
phase marks on its row instead (:func:`from_marks`).

The share done is the weight of the phases already passed over the weight of all the job's
phases: the weights are rough relative durations measured on a knockout of 65,536 players.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

WORDS: dict[str, str] = {
    "waiting": "Waiting to start",
    "retrying": "Waiting to try again",
    "reading": "Reading the players",
    "placing": "Placing players",
    "writing": "Writing matches",
    "planning": "Planning the timetable",
    "saving": "Saving the matches",
    "playing": "Playing out the results",
    "ranking": "Ranking the players",
    "completing": "Completing the tournament",
    "rating": "Rating the players",
}
"""Every phase a job goes through, in people's words."""

GENERATION = ("reading", "placing", "writing", "planning", "saving")
AUTO = (*GENERATION, "playing", "ranking", "completing")
RATING = ("rating",)

WEIGHTS: dict[str, float] = {
    "reading": 1,
    "placing": 1,
    "writing": 6,
    "planning": 1,
    "saving": 2,
    "playing": 12,
    "ranking": 10,
    "completing": 10,
    "rating": 1,
}


@dataclass(frozen=True)
class Where:
    """A job's phase in words and the share of its work done, in percent."""

    phase: str
    progress_pct: float


def steps(kind: str, simulation_mode: str) -> tuple[str, ...]:
    """The phases of a job of this kind, in order."""
    if kind == "rate":
        return RATING
    return AUTO if simulation_mode == "auto" else GENERATION


def where(phase: str, phases: tuple[str, ...]) -> Where:
    """``phase`` of a job going through ``phases``, and the share done on reaching it."""
    if phase not in phases:
        return Where(WORDS[phase], 0.0)
    before = sum(WEIGHTS[p] for p in phases[: phases.index(phase)])
    total = sum(WEIGHTS[p] for p in phases)
    return Where(WORDS[phase], round(100.0 * before / total, 1))


_noted: dict[str, str] = {}
_lock = threading.Lock()


def note(job_id: str, phase: str) -> None:
    """The job (run by this process) has reached ``phase``."""
    if phase not in WORDS:
        raise ValueError(f"unknown job phase {phase!r}")
    with _lock:
        _noted[job_id] = phase


def forget(job_id: str) -> None:
    """The job is over here."""
    with _lock:
        _noted.pop(job_id, None)


def noted(job_id: str) -> str | None:
    """The phase this process last noted for the job, if it runs it."""
    with _lock:
        return _noted.get(job_id)


def from_marks(*, engine_marked: bool, write_marked: bool, generated: bool) -> str:
    """The phase of a generation run elsewhere, from the marks on its row (the engine's time
    is marked as the bulk write starts, the write's time as the transaction is about to
    commit) and whether its tournament's matches are stored (then it plays them out)."""
    if generated:
        return "playing"
    if write_marked:
        return "saving"
    return "writing" if engine_marked else "placing"
