"""Validated path and query parameters shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**31 - 1
MAX_ROUND = 2**15 - 1
"""Stages and rounds are stored as small integers."""

TournamentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Tournament id.")]
SessionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Session (match) id.")]
TaskId = Annotated[
    str, Path(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$", description="Task id.")
]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")]
RoundFilter = Annotated[
    int | None, Query(alias="round", ge=1, le=MAX_ROUND, description="Only this round.")
]


def limit_param(default: int, maximum: int) -> object:
    """A ``limit`` query parameter between 1 and ``maximum``."""
    return Query(default, ge=1, le=maximum, description=f"Page size, at most {maximum}.")
