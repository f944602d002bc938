"""Rankings: computed by the engine from the stored bracket, written in bulk, read in pages."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import numpy as np
from sqlalchemy import Select, delete, func, select, tuple_
from sqlalchemy.orm import Session

from bracketry.engine.formats.base import Table
from bracketry.schemas.ranking import RankingColumn, RankingOutcome, RankingPage, RankingRead
from bracketry.service import bracket_state
from bracketry.service.errors import NotFound
from bracketry.service.formats import format_of
from bracketry.service.lifecycle import RANK
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


def calculate(
    *, db: Session, tournament_id: int, state: bracket_state.BracketState | None = None
) -> RankingOutcome:
    """Replace the tournament's rankings with the standings of its bracket now (``state``
    when the caller holds it already, read in this transaction; else loaded)."""
    start = time.perf_counter()
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    RANK.require(tournament)
    if state is None:
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


TIEBREAK_HEADINGS = {
    "head_to_head": "Head-to-head",
    "score_difference": "Score difference",
    "scores_for": "Scores made",
    "wins": "Wins",
    "buchholz": "Buchholz",
    "buchholz_cut1": "Buchholz cut 1",
    "median_buchholz": "Median Buchholz",
    "sonneborn_berger": "Sonneborn-Berger",
    "progressive": "Progressive score",
    "seed": "Seed",
    "group": "Group",
    "group_place": "Place in group",
    "best_value": "Best result",
    "heat_place": "Place in last heat",
}
"""Each figure of a format's ranking chain, as a column heading."""

POINTS_FORMATS = ("round_robin", "swiss", "groups")


def columns(format_name: str, tiebreaks: list[str]) -> list[RankingColumn]:
    """The figures worth showing of a format's rankings, each once, after rank and name.

    Elimination formats rank by the round reached; points formats by points, then their
    tiebreak chain (its ``wins`` is the Wins column itself, except in groups, where it
    counts the group's wins only, while Wins counts every stage); heats by the round
    reached, heats won and each player's latest result (no losses or scores: a race has
    none)."""

    def column(key: str, heading: str) -> RankingColumn:
        return RankingColumn(key=key, heading=heading)

    chain = [column(f"tiebreaks.{n}", TIEBREAK_HEADINGS.get(n, n)) for n in tiebreaks]
    if format_name == "heats":
        return [column("round_reached", "Round reached"), column("wins", "Heats won"), *chain]
    if format_name not in POINTS_FORMATS:
        return [
            column("round_reached", "Round reached"),
            column("record", "Won\u2013lost"),
            column("scores", "Scores for:against"),
            *chain,
        ]
    if format_name == "groups":
        chain = [column(c.key, "Group wins") if c.key == "tiebreaks.wins" else c for c in chain]
    else:
        chain = [c for c in chain if c.key != "tiebreaks.wins"]
    return [
        column("points", "Points"),
        column("wins", "Wins"),
        column("draws", "Draws"),
        column("losses", "Losses"),
        column("scores", "Scores for:against"),
        *chain,
    ]


def list_page(*, db: Session, tournament_id: int, limit: int, offset: int) -> RankingPage:
    """Rankings best first (ties by player id), and the columns worth showing of them."""
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    total = db.execute(
        select(func.count()).select_from(Ranking).where(Ranking.tournament_id == tournament_id)
    ).scalar_one()
    rows = db.execute(_best_first(tournament_id).limit(limit).offset(offset)).all()
    items = [_read(r, name) for r, name in rows]
    following = next_offset(offset, len(items), total)
    first = items[0] if items else _first(db, tournament_id)
    chain = list(first.tiebreaks) if first else []
    return RankingPage(
        items=items,
        total=total,
        next_offset=following,
        columns=columns(tournament.format, chain),
    )


def _first(db: Session, tournament_id: int) -> RankingRead | None:
    """The best ranking row (its tiebreaks name the chain), if any."""
    row = db.execute(_best_first(tournament_id).limit(1)).first()
    return None if row is None else _read(row[0], row[1])


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
