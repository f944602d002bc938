"""Rankings: computed by the engine from the stored bracket, written in bulk, read in pages."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import numpy as np
from sqlalchemy import Select, delete, func, select, tuple_
from sqlalchemy.orm import Session

from bracketry.engine.formats.base import Table
from bracketry.schemas.ranking import RankingOutcome, RankingPage, RankingRead
from bracketry.service import bracket_state
from bracketry.service.errors import NotFound
from bracketry.service.formats import format_of
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.paging import next_offset
from bracketry.service.tournaments import lock_or_raise
from bracketry.store.bulk import insert_columns
from bracketry.store.models import Player, Ranking, Tournament
from bracketry.store.types import utcnow

RANKING_COLUMNS = (
    "tournament_id",
    "player_id",
    "rank",
    "round_reached",
    "wins",
    "losses",
    "score_for",
    "score_against",
    "points",
    "draws",
    "metrics",
)
"""Columns of a ranking row, as every writer gives them."""


def calculate(*, db: Session, tournament_id: int) -> RankingOutcome:
    """Replace the tournament's rankings with the standings of its bracket now."""
    start = time.perf_counter()
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.IN_PROGRESS, action="calculate rankings")
    state = bracket_state.load(db=db, tournament=tournament)
    table = format_of(tournament).standings(state.progress)
    db.execute(delete(Ranking).where(Ranking.tournament_id == tournament_id))
    count = insert_columns(
        db.connection(),
        Ranking.__table__,
        RANKING_COLUMNS,
        (
            np.full(state.player_ids.size, tournament_id),
            state.player_ids,
            table.rank,
            table.round_reached,
            table.wins,
            table.losses,
            table.score_for,
            table.score_against,
            table.points,
            table.draws,
            _metrics_json(table),
        ),
    )
    tournament.rankings_calculated_at = utcnow()
    return RankingOutcome(
        ranked=count, duration_ms=round((time.perf_counter() - start) * 1000.0, 2)
    )


def _metrics_json(table: Table) -> list[str | None]:
    """Each player's tiebreak values as a JSON object in chain order (None without a chain)."""
    if not table.metrics:
        return [None] * int(table.rank.size)
    names = list(table.metrics)
    columns = np.stack([np.round(table.metrics[n].astype(np.float64), 6) for n in names], axis=1)
    # NaN (no value, e.g. a heat not finished) is stored as null: JSON has no NaN.
    return [
        json.dumps({n: (v if v == v else None) for n, v in zip(names, row, strict=True)})
        for row in columns.tolist()
    ]


def list_page(*, db: Session, tournament_id: int, limit: int, offset: int) -> RankingPage:
    """Rankings best first (ties by player id)."""
    if db.get(Tournament, tournament_id) is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    total = db.execute(
        select(func.count()).select_from(Ranking).where(Ranking.tournament_id == tournament_id)
    ).scalar_one()
    rows = db.execute(_best_first(tournament_id).limit(limit).offset(offset)).all()
    items = [_read(r, name) for r, name in rows]
    following = next_offset(offset, len(items), total)
    return RankingPage(items=items, total=total, next_offset=following)


def pages(*, db: Session, tournament_id: int, size: int) -> Iterator[list[RankingRead]]:
    """Every ranking best first, ``size`` at a time, each page found from the last key
    (rank, player id) rather than an offset: the millionth row costs what the first does."""
    after: tuple[int, int] | None = None
    while True:
        query = _best_first(tournament_id)
        if after is not None:
            query = query.where(tuple_(Ranking.rank, Ranking.player_id) > after)
        rows = db.execute(query.limit(size)).all()
        if not rows:
            return
        yield [_read(r, name) for r, name in rows]
        after = (rows[-1][0].rank, rows[-1][0].player_id)


def _best_first(tournament_id: int) -> Select:
    return (
        select(Ranking, Player.name)
        .join(Player, Player.id == Ranking.player_id)
        .where(Ranking.tournament_id == tournament_id)
        .order_by(Ranking.rank, Ranking.player_id)
    )


def _read(r: Ranking, name: str) -> RankingRead:
    return RankingRead(
        rank=r.rank,
        player_id=r.player_id,
        name=name,
        round_reached=r.round_reached,
        wins=r.wins,
        losses=r.losses,
        score_for=r.score_for,
        score_against=r.score_against,
        points=r.points,
        draws=r.draws,
        tiebreaks=json.loads(r.metrics) if r.metrics else {},
    )
